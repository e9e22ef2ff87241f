#pragma once
// Every preset and golden spec rendered once, for the wiring tests: the
// rendered files and the tenants the spec declares.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "out/output_tree.h"

namespace lgtmgen::test {

struct Rendered {
  std::string name;
  std::map<std::string, std::string> files;
  std::set<std::string> tenants;  ///< tenants of the clusters in the spec
};

/// Every preset and every golden/<case>/spec.yaml, rendered on first use
/// (inside a test case: a spec that does not render fails it).
const std::vector<Rendered>& AllRenders();

/// text (a spec named spec.yaml, relative paths from the current folder)
/// rendered whole; inside a test case, a spec that does not render fails it,
/// printing the diagnostics.
[[nodiscard]] out::OutputTree RenderOrFail(const std::string& text);

[[nodiscard]] bool EndsWith(const std::string& s, const std::string& suffix);

}  // namespace lgtmgen::test
