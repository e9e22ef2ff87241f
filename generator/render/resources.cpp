#include "render/resources.h"

#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lgtmgen::resources {
namespace {

std::string& OverrideDir() {
  static std::string dir;
  return dir;
}

std::map<std::string, std::string>& OverrideCache() {
  static std::map<std::string, std::string> cache;
  return cache;
}

}  // namespace

void SetTemplateOverride(const std::string& dir) {
  OverrideDir() = dir;
  OverrideCache().clear();
}

std::string_view Get(const std::string& path) {
  const std::string prefix = "templates/";
  if (!OverrideDir().empty() && path.rfind(prefix, 0) == 0) {
    auto& cache = OverrideCache();
    if (auto it = cache.find(path); it != cache.end()) return it->second;
    std::ifstream in(OverrideDir() + "/" + path.substr(prefix.size()), std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      return cache.emplace(path, text.str()).first->second;
    }
  }
  const auto& all = All();
  auto it = all.find(path);
  if (it == all.end()) throw std::out_of_range("no embedded resource " + path);
  return it->second;
}

}  // namespace lgtmgen::resources
