#include <sys/stat.h>

#include <algorithm>
#include <functional>
#include <set>

#include "out/filesystem.h"

namespace lgtmgen::out {

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::optional<std::string> MemFileSystem::Read(const std::string& path) const {
  ++reads;
  auto it = files.find(path);
  if (it == files.end()) return std::nullopt;
  return it->second;
}

bool MemFileSystem::IsDirectory(const std::string& path) const {
  const std::string prefix = path == "." ? "" : path + "/";
  return std::any_of(files.begin(), files.end(),
                     [&](const auto& f) { return f.first.rfind(prefix, 0) == 0; });
}

std::vector<std::string> MemFileSystem::List(const std::string& path) const {
  const std::string prefix = path == "." ? "" : path + "/";
  std::set<std::string> names;
  for (const auto& [name, _] : files) {
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
  }
  return {names.begin(), names.end()};
}

void MemFileSystem::Write(const std::string& path, const std::string& content, bool exec) {
  files[path] = content;
  executable[path] = exec;
  written_at_[path] = ++clock_;
  ++writes;
}

void MemFileSystem::WriteNewDirectory(const std::string& dir, const std::vector<File>& new_files) {
  for (const File& f : new_files) {
    const std::string path = JoinPath(dir, f.path);
    Write(path, *f.content, f.executable);
    if (f.stamp != nullptr) *f.stamp = *Stamp(path);
  }
}

std::optional<FileStamp> MemFileSystem::Stamp(const std::string& path) const {
  auto it = files.find(path);
  if (it == files.end()) {
    if (path != "." && !IsDirectory(path)) return std::nullopt;
    return FileStamp{std::hash<std::string>{}(path), 0, 0, 0, S_IFDIR | 0755};
  }
  auto at = written_at_.find(path);
  const int64_t time = at == written_at_.end() ? 0 : at->second;
  auto exec = executable.find(path);
  const uint32_t perms = exec != executable.end() && exec->second ? 0755 : 0644;
  return FileStamp{std::hash<std::string>{}(it->second), it->second.size(), time, time, S_IFREG | perms};
}

int64_t MemFileSystem::Now() const { return ++clock_; }

void MemFileSystem::Remove(const std::string& path, const std::string&) {
  files.erase(path);
  written_at_.erase(path);
  ++removals;
}

}  // namespace lgtmgen::out
