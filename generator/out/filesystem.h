#pragma once
// The only door to the disk. main() creates a RealFileSystem; tests use a
// MemFileSystem and assert on what was written. No other module calls
// std::filesystem.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lgtmgen::out {

/// An I/O failure (permission, full disk...). Caught once in main: exit 3.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// path joined to name with one '/'; "." as dir gives name alone.
[[nodiscard]] std::string JoinPath(const std::string& dir, const std::string& name);

/// What lstat says of a path, enough to know its content has not changed
/// without reading it (the way git's index does): any write, rename over or
/// replacement changes one of these.
struct FileStamp {
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint32_t mode = 0;  ///< type and permission bits

  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  /// The file's bytes, or nullopt when it does not exist. Throws IoError when
  /// it exists but cannot be read.
  [[nodiscard]] virtual std::optional<std::string> Read(const std::string& path) const = 0;
  [[nodiscard]] virtual bool IsDirectory(const std::string& path) const = 0;
  /// Names of the entries of directory path (not recursive), sorted; empty when
  /// it does not exist.
  [[nodiscard]] virtual std::vector<std::string> List(const std::string& path) const = 0;
  /// Writes path atomically (temporary file + rename), creating parent
  /// directories; mode 0755 when executable, else 0644 (before the umask).
  /// Throws IoError.
  virtual void Write(const std::string& path, const std::string& content, bool executable = false) = 0;
  /// Removes the file path, then each parent directory up to (not including)
  /// stop_at that became empty. Throws IoError.
  virtual void Remove(const std::string& path, const std::string& stop_at) = 0;
  /// True when anything is at path: a file, directory, FIFO, device or a
  /// symbolic link (even one that points nowhere).
  [[nodiscard]] virtual bool Exists(const std::string& path) const {
    return IsSymlink(path) || IsDirectory(path) || Read(path).has_value();
  }
  /// True when path itself is a symbolic link (not followed).
  [[nodiscard]] virtual bool IsSymlink(const std::string& path) const {
    (void)path;
    return false;
  }

  /// lstat of path (a link is not followed), or nullopt when nothing is there
  /// or this file system keeps no stamps.
  [[nodiscard]] virtual std::optional<FileStamp> Stamp(const std::string& path) const {
    (void)path;
    return std::nullopt;
  }
  /// The file system's clock, on the scale of FileStamp times: a file written
  /// after this call has a later or equal mtime and ctime.
  [[nodiscard]] virtual int64_t Now() const { return 0; }
  /// The absolute path of an existing path with every link resolved, or ""
  /// when it cannot be resolved.
  [[nodiscard]] virtual std::string Canonical(const std::string& path) const { return path; }

  /// Marks a point between durable steps that are not file operations (a Git
  /// index or branch update), where a real run may be killed. Does nothing;
  /// the crash tests' file system stops there.
  virtual void Checkpoint() {}

  /// One file for WriteAll.
  struct File {
    std::string path;
    const std::string* content;
    bool executable;
    /// When not null, WriteNewDirectory stores here the file's stamp as
    /// written, taken before the directory is in place (so before anyone else
    /// could change it). Write and WriteAll leave it alone.
    FileStamp* stamp = nullptr;
  };
  /// Writes every file as Write does, in any order (the real disk uses several
  /// threads: creating files dominates a large render). Throws IoError for the
  /// first failure, after the other writes finished.
  virtual void WriteAll(const std::vector<File>& files) {
    for (const File& f : files) Write(f.path, *f.content, f.executable);
  }
  /// Creates directory dir, which does not exist, holding files (paths
  /// relative to dir). The real disk builds it beside dir and renames it into
  /// place: dir appears whole or not at all. Throws IoError.
  virtual void WriteNewDirectory(const std::string& dir, const std::vector<File>& files) {
    for (const File& f : files) Write(JoinPath(dir, f.path), *f.content, f.executable);
  }
};

/// The real disk.
class RealFileSystem final : public FileSystem {
 public:
  std::optional<std::string> Read(const std::string& path) const override;
  bool IsDirectory(const std::string& path) const override;
  std::vector<std::string> List(const std::string& path) const override;
  void Write(const std::string& path, const std::string& content, bool executable = false) override;
  void Remove(const std::string& path, const std::string& stop_at) override;
  void WriteAll(const std::vector<File>& files) override;
  void WriteNewDirectory(const std::string& dir, const std::vector<File>& files) override;
  bool IsSymlink(const std::string& path) const override;
  bool Exists(const std::string& path) const override;
  std::optional<FileStamp> Stamp(const std::string& path) const override;
  int64_t Now() const override;
  std::string Canonical(const std::string& path) const override;
};

/// An in-memory disk for tests; counts writes and removals.
class MemFileSystem final : public FileSystem {
 public:
  std::optional<std::string> Read(const std::string& path) const override;
  bool IsDirectory(const std::string& path) const override;
  std::vector<std::string> List(const std::string& path) const override;
  void Write(const std::string& path, const std::string& content, bool executable = false) override;
  void Remove(const std::string& path, const std::string& stop_at) override;
  void WriteNewDirectory(const std::string& dir, const std::vector<File>& files) override;
  /// A file's stamp: its size, a hash of its content as the inode (so a test
  /// that edits `files` directly changes it) and the clock tick of its last
  /// Write as both times. Directories (paths with files below) have mode
  /// S_IFDIR and zero times.
  std::optional<FileStamp> Stamp(const std::string& path) const override;
  /// Advances the clock by one tick and returns it.
  int64_t Now() const override;

  std::map<std::string, std::string> files;  ///< full path → content
  std::map<std::string, bool> executable;    ///< full path → mode 0755
  mutable int reads = 0;
  int writes = 0;
  int removals = 0;

 private:
  mutable int64_t clock_ = 0;
  std::map<std::string, int64_t> written_at_;
};

/// The directory part of path ("." when there is none).
[[nodiscard]] std::string DirName(const std::string& path);
/// The last component of path.
[[nodiscard]] std::string BaseName(const std::string& path);

}  // namespace lgtmgen::out
