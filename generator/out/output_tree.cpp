#include "out/output_tree.h"

#include <fmt/format.h>

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
  return {};
}

}  // namespace lgtmgen::out
