#include "out/output_tree.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "out/git_library.h"

namespace lgtmgen::out {

std::string OutputTree::Add(const std::string& path, std::string content, const std::string& emitter) {
  if (path.empty() || path.front() == '/') {
    return fmt::format("emitter '{}' produced an invalid path '{}'", emitter, path);
  }
  for (size_t start = 0; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return fmt::format("emitter '{}' produced an invalid path '{}'", emitter, path);
    }
    start = end + 1;
  }
  if (auto it = owners_.find(path); it != owners_.end()) {
    return fmt::format("emitters '{}' and '{}' both produce '{}'", it->second, emitter, path);
  }
  owners_.emplace(path, emitter);
  files_.emplace(path, std::move(content));
  blob_ids_current_ = false;
  return {};
}

const std::map<std::string, std::string>& OutputTree::BlobIds() const {
  if (blob_ids_current_) return blob_ids_;
  std::vector<const std::pair<const std::string, std::string>*> files;
  for (const auto& entry : files_) files.push_back(&entry);
  std::vector<std::string> ids(files.size());
  EnsureGitLibrary();
  const size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      for (size_t i = w; i < files.size(); i += workers) ids[i] = GitBlobId(files[i]->second);
    });
  }
  for (std::thread& t : threads) t.join();
  blob_ids_.clear();
  for (size_t i = 0; i < files.size(); ++i) blob_ids_.emplace_hint(blob_ids_.end(), files[i]->first, std::move(ids[i]));
  blob_ids_current_ = true;
  return blob_ids_;
}

}  // namespace lgtmgen::out
