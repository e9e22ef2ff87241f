#include "model/rule_catalog.h"

#include <algorithm>

namespace lgtmgen::model {

const std::vector<CatalogRule>& CatalogRules() {
  static const std::vector<CatalogRule> rules = {
      {"error-logs", "logql", "0.1", 1000, "error log lines per second of one pod"},
      {"high-error-rate", "promql", "0.05", 0.5, "the ratio of failed server spans of one service"},
      {"high-latency-p95", "promql", "1", 1.9, "a service's p95 server span duration, in seconds"},
      {"instance-down", "promql", "", 0, ""},
      {"logs-absent", "logql", "", 0, ""},
      {"low-request-rate", "promql", "", 0, ""},
      {"pod-restarts", "promql", "3", 15, "container restarts of one pod in 15 minutes"},
  };
  return rules;
}

const CatalogRule* FindCatalogRule(const std::string& name) {
  const auto& rules = CatalogRules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const CatalogRule& r) { return r.name == name; });
  return it == rules.end() ? nullptr : &*it;
}

}  // namespace lgtmgen::model
