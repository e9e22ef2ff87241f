#pragma once
// Files compiled into the binary: templates/, schemas/ and presets/, keyed by
// their path in the source tree ("templates/catalog/versions.yaml").
#include <map>
#include <string>
#include <string_view>

namespace lgtmgen::resources {

/// Every embedded file. Defined in the build's generated embedded_resources.cpp.
const std::map<std::string, std::string_view>& All();

/// The embedded file at path, or the same path under the override directory
/// when one is set. Throws std::out_of_range when neither has it.
[[nodiscard]] std::string_view Get(const std::string& path);

/// Makes Get() read "templates/..." paths from dir instead (--templates DIR).
/// Files read this way stay alive until the process ends.
void SetTemplateOverride(const std::string& dir);

}  // namespace lgtmgen::resources
