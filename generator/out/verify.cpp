#include "out/verify.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace lgtmgen::out {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void VerifyParses(const OutputTree& tree, diag::Diagnostics& diags) {
  for (const auto& [path, content] : tree.Files()) {
    if (EndsWith(path, ".yaml")) {
      try {
        (void)YAML::LoadAll(content);
      } catch (const YAML::Exception& e) {
        diags.Error({path, e.mark.line + 1, e.mark.column + 1},
                    fmt::format("lgtmgen generated invalid YAML: {}", e.msg),
                    "this is a bug in lgtmgen or in a --templates override");
      }
    } else if (EndsWith(path, ".json")) {
      if (nlohmann::json::parse(content, nullptr, false).is_discarded()) {
        diags.Error({path, 0, 0}, "lgtmgen generated invalid JSON",
                    "this is a bug in lgtmgen or in a --templates override");
      }
    }
  }
}

}  // namespace lgtmgen::out
