#pragma once
// The preset catalog: complete fleet specs under presets/, compiled in.
#include <optional>
#include <string>
#include <vector>

namespace lgtmgen::cli {

/// A preset's header (its leading comment lines) says what the fleet is and,
/// after "# Reproduces: ", which reference system it rebuilds (the first
/// word: an owner/repository) or "no reference system"; then "# Differs:"
/// lists where it departs from that system, and why.
struct Preset {
  std::string name;
  std::string summary;     ///< the preset file's first comment line
  std::string reproduces;  ///< the reference system, "" when it rebuilds none
};

[[nodiscard]] std::vector<Preset> ListPresets();
[[nodiscard]] std::optional<std::string> PresetText(const std::string& name);
/// "did you mean ...?" or the list of presets.
[[nodiscard]] std::string PresetHint(const std::string& name);

}  // namespace lgtmgen::cli
