#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "out/filesystem.h"

namespace lgtmgen::out {

namespace fs = std::filesystem;

std::optional<std::string> RealFileSystem::Read(const std::string& path) const {
  // O_NONBLOCK: a FIFO where a file belongs must not block the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw IoError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));  // e.g. a folder it may not enter
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;  // a directory, FIFO or device is not a file lgtmgen reads
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  for (;;) {
    if (done == text.size()) text.resize(done + 4096);  // the file grew since fstat
    const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw IoError(fmt::format("cannot read {}: {}", path, std::strerror(error)));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(done);
  return text;
}

bool RealFileSystem::IsSymlink(const std::string& path) const {
  std::error_code ec;
  return fs::is_symlink(fs::symlink_status(path, ec));
}

bool RealFileSystem::Exists(const std::string& path) const {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() != fs::file_type::not_found && !ec;
}

namespace {

FileStamp StampOf(const struct stat& st) {
  return FileStamp{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                   st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                   st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec, static_cast<uint32_t>(st.st_mode)};
}

}  // namespace

std::optional<FileStamp> RealFileSystem::Stamp(const std::string& path) const {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  return StampOf(st);
}

int64_t RealFileSystem::Now() const {
  // File times come from the kernel's coarse clock, which may lag the fine
  // one: the coarse one never reads later than a file written after it.
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
  return now.tv_sec * 1'000'000'000LL + now.tv_nsec;
}

std::string RealFileSystem::Canonical(const std::string& path) const {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return "";
  std::string result(resolved);
  ::free(resolved);  // NOLINT: realpath's contract
  return result;
}

bool RealFileSystem::IsDirectory(const std::string& path) const {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

std::vector<std::string> RealFileSystem::List(const std::string& path) const {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

void RealFileSystem::Write(const std::string& path, const std::string& content, bool executable) {
  std::error_code ec;
  const fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) throw IoError(fmt::format("cannot create {}: {}", target.parent_path().string(), ec.message()));
  const std::string temp = fmt::format("{}.lgtmgen-tmp-{}", path, ::getpid());  // unique per path and process
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      fs::remove(temp, ec);
      throw IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    }
  }
  const auto mode = executable ? fs::perms(0755) : fs::perms(0644);
  fs::permissions(temp, mode, ec);
  if (ec) throw IoError(fmt::format("cannot set the mode of {}: {}", path, ec.message()));
  fs::rename(temp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw IoError(fmt::format("cannot replace {}: {}", path, ec.message()));
  }
}

namespace {

// Runs write(i) for i in [0, count) on several threads; rethrows the first
// IoError after every thread finished.
template <typename Fn>
void InParallel(size_t count, Fn write) {
  const size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency() * 2, 1, 16);
  std::vector<std::string> errors(workers);
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      for (size_t i = w; i < count && errors[w].empty(); i += workers) {
        try {
          write(i);
        } catch (const IoError& e) {
          errors[w] = e.what();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& e : errors) {
    if (!e.empty()) throw IoError(e);
  }
}

// Creates path, which does not exist, with content: one open, write, close;
// stores its stamp as written in *stamp when that is not null.
void CreateFile(const std::string& path, const std::string& content, bool executable, FileStamp* stamp) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, executable ? 0755 : 0644);
  if (fd < 0) throw IoError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  for (size_t done = 0; done < content.size();) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      ::close(fd);
      throw IoError(fmt::format("cannot write {}: {}", path, std::strerror(error)));
    }
    done += static_cast<size_t>(n);
  }
  struct stat st {};
  if (stamp != nullptr && ::fstat(fd, &st) == 0) *stamp = StampOf(st);
  if (::close(fd) != 0) throw IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
}

constexpr const char* kStagingMarker = ".lgtmgen-new-";

// Removes what interrupted runs left beside dir: .<name>.lgtmgen-new-<pid>.
void RemoveStaleStaging(const fs::path& dir) {
  const std::string prefix = "." + dir.filename().string() + kStagingMarker;
  std::error_code ec;
  for (fs::directory_iterator it(dir.parent_path().empty() ? "." : dir.parent_path(), ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid = name.substr(prefix.size());
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);
  }
}

}  // namespace

void RealFileSystem::WriteAll(const std::vector<File>& files) {
  InParallel(files.size(), [&](size_t i) { Write(files[i].path, *files[i].content, files[i].executable); });
}

void RealFileSystem::WriteNewDirectory(const std::string& dir, const std::vector<File>& files) {
  const fs::path target(dir);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) throw IoError(fmt::format("cannot create {}: {}", target.parent_path().string(), ec.message()));
  RemoveStaleStaging(target);
  const fs::path staging =
      target.parent_path() / fmt::format(".{}{}{}", target.filename().string(), kStagingMarker, ::getpid());
  try {
    // Each folder once, parents first (a set sorts "a" before "a/b").
    std::set<std::string> folders = {""};
    for (const File& f : files) {
      for (size_t slash = f.path.find('/'); slash != std::string::npos; slash = f.path.find('/', slash + 1)) {
        folders.insert(f.path.substr(0, slash));
      }
    }
    for (const std::string& folder : folders) {
      const std::string path = folder.empty() ? staging.string() : (staging / folder).string();
      if (::mkdir(path.c_str(), 0755) != 0) {
        throw IoError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
      }
    }
    InParallel(files.size(), [&](size_t i) {
      CreateFile((staging / files[i].path).string(), *files[i].content, files[i].executable, files[i].stamp);
    });
    if (::rename(staging.c_str(), target.c_str()) != 0) {
      throw IoError(fmt::format("cannot create {}: {}", dir, std::strerror(errno)));
    }
  } catch (const IoError&) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    throw;
  }
}

void RealFileSystem::Remove(const std::string& path, const std::string& stop_at) {
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) throw IoError(fmt::format("cannot remove {}: {}", path, ec.message()));
  const fs::path stop = fs::weakly_canonical(stop_at, ec);
  for (fs::path dir = fs::path(path).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::weakly_canonical(dir, ec) == stop || !fs::is_empty(dir, ec) || ec) break;
    fs::remove(dir, ec);
  }
}

}  // namespace lgtmgen::out
