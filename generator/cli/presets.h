#pragma once
// The preset catalog: complete fleet specs under presets/, compiled in.
#include <optional>
#include <string>
#include <vector>

namespace lgtmgen::cli {

struct Preset {
  std::string name;
  std::string summary;  ///< the preset file's first comment line
};

[[nodiscard]] std::vector<Preset> ListPresets();
[[nodiscard]] std::optional<std::string> PresetText(const std::string& name);
/// "did you mean ...?" or the list of presets.
[[nodiscard]] std::string PresetHint(const std::string& name);

}  // namespace lgtmgen::cli
