#pragma once
// Every preset and golden spec rendered once, for the wiring tests: the
// rendered files and the tenants the spec declares.
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lgtmgen::test {

struct Rendered {
  std::string name;
  std::map<std::string, std::string> files;
  std::set<std::string> tenants;  ///< tenants of the clusters in the spec
};

/// Every preset and every golden/<case>/spec.yaml, rendered on first use
/// (inside a test case: a spec that does not render fails it).
const std::vector<Rendered>& AllRenders();

[[nodiscard]] bool EndsWith(const std::string& s, const std::string& suffix);

}  // namespace lgtmgen::test
