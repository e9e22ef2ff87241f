#pragma once
// lgtmgen's catalog of alert rule groups (templates/alerting/rules/<name>.yaml):
// which ruler evaluates each, and the threshold a spec may set per environment.
#include <string>
#include <vector>

namespace lgtmgen::model {

struct CatalogRule {
  std::string name;
  std::string language;  ///< promql (Mimir's ruler) | logql (Loki's ruler)
  /// The catalog's threshold as the template writes it (@@threshold@@), ""
  /// when the group has none to set.
  std::string threshold;
  /// An environment's threshold must lie in (0, threshold_below): the
  /// catalog's unit tests feed series beyond that bound, so every rendered
  /// threshold is one its tests prove to fire.
  double threshold_below = 0;
  std::string threshold_meaning;  ///< completes "the threshold is ..." in errors and docs
};

/// Every catalog rule group, sorted by name.
[[nodiscard]] const std::vector<CatalogRule>& CatalogRules();

/// The catalog group name, or nullptr when there is none of that name.
[[nodiscard]] const CatalogRule* FindCatalogRule(const std::string& name);

}  // namespace lgtmgen::model
