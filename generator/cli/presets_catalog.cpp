#include "cli/presets.h"

#include "diag/spelling.h"
#include "render/resources.h"

namespace lgtmgen::cli {
namespace {

constexpr std::string_view kPrefix = "presets/";
constexpr std::string_view kSuffix = ".yaml";

}  // namespace

std::vector<Preset> ListPresets() {
  std::vector<Preset> presets;
  for (const auto& [path, text] : resources::All()) {
    if (path.rfind(kPrefix, 0) != 0 || path.size() <= kPrefix.size() + kSuffix.size()) continue;
    std::string name = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
    std::string summary;
    if (text.rfind("# ", 0) == 0) summary = std::string(text.substr(2, text.find('\n') - 2));
    presets.push_back({std::move(name), std::move(summary)});
  }
  return presets;
}

std::optional<std::string> PresetText(const std::string& name) {
  const auto& all = resources::All();
  auto it = all.find(std::string(kPrefix) + name + std::string(kSuffix));
  if (it == all.end()) return std::nullopt;
  return std::string(it->second);
}

std::string PresetHint(const std::string& name) {
  std::vector<std::string> names;
  for (const Preset& p : ListPresets()) names.push_back(p.name);
  return diag::SuggestionHint(name, names);
}

}  // namespace lgtmgen::cli
