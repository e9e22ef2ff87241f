#include "emit/alerting_layout.h"

#include <algorithm>
#include <map>

#include "emit/components.h"
#include "endpoints/resolver.h"
#include "model/rule_catalog.h"

namespace lgtmgen::emit {

std::vector<InstanceAlerting> AlertingByInstance(const model::Model& model) {
  std::set<std::pair<std::string, std::string>> overridden;  // (language, environment) with thresholds of its own
  for (const model::RuleGroup& g : model.alerting.rules) {
    for (const auto& [env, value] : g.thresholds) overridden.insert({g.language, env});
    for (const std::string& env : g.environments) overridden.insert({g.language, env});
  }
  auto set_of = [&](const std::string& language, const std::string& environment) {
    return overridden.count({language, environment}) != 0 ? environment : std::string(kFleetRuleSet);
  };
  // instance → tenant → (environment, evaluated)
  std::map<std::string, std::map<std::string, std::pair<std::string, bool>>> tenants;
  for (const model::Cluster& c : model.clusters) {
    if (c.tenant.empty()) continue;
    auto& [environment, evaluated] = tenants[endpoints::InstanceOf(model, c)][c.tenant];
    environment = c.environment;
    evaluated = evaluated || c.HasAgents();
  }
  std::vector<InstanceAlerting> out;
  for (const std::string& env : Instances(model)) {
    InstanceAlerting instance{env, {}};
    for (const auto& [tenant, entry] : tenants[env]) {
      const auto& [environment, evaluated] = entry;
      instance.tenants.push_back({tenant, set_of("promql", environment), set_of("logql", environment), evaluated});
    }
    out.push_back(std::move(instance));
  }
  return out;
}

bool HasRules(const model::Model& model, const std::string& language) {
  return std::any_of(model.alerting.rules.begin(), model.alerting.rules.end(),
                     [&](const model::RuleGroup& g) { return g.language == language; });
}

std::map<std::string, std::set<std::string>> ReceiverSecretKeys(const model::Model& model) {
  std::map<std::string, std::set<std::string>> keys;
  for (const model::Receiver& r : model.alerting.receivers) {
    for (const auto& [field, value] : r.config.items()) {
      if (value.is_object() && value.contains("name") && value.contains("key")) {
        keys[value["name"].get<std::string>()].insert(value["key"].get<std::string>());
      }
    }
  }
  return keys;
}

std::string ReceiverSecretFile(const std::string& secret, const std::string& key) {
  return std::string(kReceiverSecretsDir) + "/" + secret + "/" + key;
}

std::string RuleFileInAlerts(const std::string& language, const std::string& rule_set) {
  return (language == "logql" ? "loki-rules/" : "mimir-rules/") + rule_set + ".yaml";
}

std::string ThresholdIn(const model::RuleGroup& g, const std::string& rule_set) {
  if (auto it = g.thresholds.find(rule_set); it != g.thresholds.end()) return it->second;
  const model::CatalogRule* rule = model::FindCatalogRule(g.catalog_name);
  return rule == nullptr ? "" : rule->threshold;
}

}  // namespace lgtmgen::emit
