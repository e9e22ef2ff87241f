#pragma once
// Alertmanager label matchers as the spec writes them (`severity="critical"`,
// `cluster=~"prod-.*"`), split into the parts an AlertmanagerConfig route
// needs.
#include <optional>
#include <string>

namespace lgtmgen::model {

struct Matcher {
  std::string name;
  std::string op;  ///< "=", "!=", "=~" or "!~"
  std::string value;
};

/// The matcher text parsed: a label name, an operator and a value that may be
/// double-quoted (\" and \\ escapes). nullopt when text is not a matcher.
[[nodiscard]] std::optional<Matcher> ParseMatcher(const std::string& text);

}  // namespace lgtmgen::model
