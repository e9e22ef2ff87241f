#include "diag/spelling.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace lgtmgen::diag {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string w = Lower(word);
  const size_t limit = std::max<size_t>(2, w.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const std::string c = Lower(candidate);
    size_t d = EditDistance(w, c);
    bool prefix = !w.empty() && (c.rfind(w, 0) == 0 || w.rfind(c, 0) == 0);
    if (prefix) d = std::min(d, limit);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string SuggestionHint(std::string_view word, const std::vector<std::string>& candidates) {
  std::string match = ClosestMatch(word, candidates);
  if (!match.empty()) return fmt::format("did you mean '{}'?", match);
  if (candidates.empty()) return {};
  return fmt::format("expected one of: {}", fmt::join(candidates, ", "));
}

}  // namespace lgtmgen::diag
