#pragma once
// "Did you mean ...?" for closed sets of names.
#include <string>
#include <string_view>
#include <vector>

namespace lgtmgen::diag {

/// The candidate nearest to word by edit distance (case-insensitive), or "" when
/// none is within a third of the word's length (at least 2 edits) and none
/// starts with the other.
[[nodiscard]] std::string ClosestMatch(std::string_view word,
                                       const std::vector<std::string>& candidates);

/// "did you mean 'x'?" when a match exists, else "expected one of: a, b, c".
[[nodiscard]] std::string SuggestionHint(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace lgtmgen::diag
