#pragma once
// The only door to the disk. main() creates a RealFileSystem; tests use a
// MemFileSystem and assert on what was written. No other module calls
// std::filesystem.
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

  /// Marks a point between durable steps that are not file operations (a Git
  /// index or branch update), where a real run may be killed. Does nothing;
  /// the crash tests' file system stops there.
  virtual void Checkpoint() {}

  /// One file for WriteAll.
  struct File {
    std::string path;
    const std::string* content;
    bool executable;
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
};

/// An in-memory disk for tests; counts writes and removals.
class MemFileSystem final : public FileSystem {
 public:
  std::optional<std::string> Read(const std::string& path) const override;
  bool IsDirectory(const std::string& path) const override;
  std::vector<std::string> List(const std::string& path) const override;
  void Write(const std::string& path, const std::string& content, bool executable = false) override;
  void Remove(const std::string& path, const std::string& stop_at) override;

  std::map<std::string, std::string> files;  ///< full path → content
  std::map<std::string, bool> executable;    ///< full path → mode 0755
  int writes = 0;
  int removals = 0;
};

/// The directory part of path ("." when there is none).
[[nodiscard]] std::string DirName(const std::string& path);
/// The last component of path.
[[nodiscard]] std::string BaseName(const std::string& path);

}  // namespace lgtmgen::out
