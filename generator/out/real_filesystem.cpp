#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "out/filesystem.h"

namespace lgtmgen::out {

namespace fs = std::filesystem;

std::optional<std::string> RealFileSystem::Read(const std::string& path) const {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) {
    throw IoError(fmt::format("cannot read {}: {}", path, ec.message()));  // e.g. a folder it may not enter
  }
  if (!fs::is_regular_file(status)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool RealFileSystem::IsSymlink(const std::string& path) const {
  std::error_code ec;
  return fs::is_symlink(fs::symlink_status(path, ec));
}

bool RealFileSystem::Exists(const std::string& path) const {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() != fs::file_type::not_found && !ec;
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

void RealFileSystem::WriteAll(const std::vector<File>& files) {
  const size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency() * 2, 1, 16);
  std::vector<std::string> errors(workers);
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      for (size_t i = w; i < files.size() && errors[w].empty(); i += workers) {
        try {
          Write(files[i].path, *files[i].content, files[i].executable);
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
