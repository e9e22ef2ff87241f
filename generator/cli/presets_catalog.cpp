#include "cli/presets.h"

#include "diag/spelling.h"
#include "render/resources.h"

namespace lgtmgen::cli {
namespace {

constexpr std::string_view kPrefix = "presets/";
constexpr std::string_view kSuffix = ".yaml";
constexpr std::string_view kReproduces = "\n# Reproduces: ";

// The first word after "# Reproduces: " when it names a repository
// (owner/name), else "".
std::string ReferenceSystem(std::string_view text) {
  const size_t at = text.find(kReproduces);
  if (at == std::string_view::npos) return "";
  const std::string_view rest = text.substr(at + kReproduces.size());
  std::string_view word = rest.substr(0, rest.find_first_of(" \n"));
  while (!word.empty() && (word.back() == ':' || word.back() == ',' || word.back() == '.')) word.remove_suffix(1);
  return word.find('/') == std::string_view::npos ? "" : std::string(word);
}

}  // namespace

std::vector<Preset> ListPresets() {
  std::vector<Preset> presets;
  for (const auto& [path, text] : resources::All()) {
    if (path.rfind(kPrefix, 0) != 0 || path.size() <= kPrefix.size() + kSuffix.size()) continue;
    std::string name = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
    std::string summary;
    if (text.rfind("# ", 0) == 0) summary = std::string(text.substr(2, text.find('\n') - 2));
    presets.push_back({std::move(name), std::move(summary), ReferenceSystem(text)});
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
