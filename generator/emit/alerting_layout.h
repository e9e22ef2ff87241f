#pragma once
// Where the alerting of each backend set lives: which tenants its Mimir and
// Loki rulers evaluate with which rule file, and where its Alertmanager reads
// every tenant's configuration and the receivers' credentials. alerts/ (the
// ConfigMaps) and the back ends' values (the volumes that mount them) both
// follow this one layout.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/model.h"

namespace lgtmgen::emit {

/// Where the back ends mount what alerts/ delivers.
inline constexpr const char* kMimirRulesDir = "/etc/mimir-rules";
inline constexpr const char* kMimirAlertmanagerDir = "/etc/mimir-alertmanager";
inline constexpr const char* kLokiRulesDir = "/etc/loki/rules";
inline constexpr const char* kReceiverSecretsDir = "/etc/alertmanager-secrets";
/// ConfigMap names (in the backend set's Mimir or Loki namespace) and keys.
inline constexpr const char* kMimirRulesConfigMap = "mimir-rules";
inline constexpr const char* kLokiRulesConfigMap = "loki-rules";
inline constexpr const char* kAlertmanagerConfigMap = "mimir-alertmanager";
inline constexpr const char* kAlertmanagerKey = "alertmanager.yaml";
/// The rule namespace (file name) every tenant's rules load as.
inline constexpr const char* kRuleNamespaceFile = "lgtmgen.yaml";
/// The rule set of tenants whose environment sets no threshold of its own.
inline constexpr const char* kFleetRuleSet = "fleet";

/// A tenant's rule set per ruler: kFleetRuleSet, or its environment when
/// some group of that ruler's language sets a threshold there or is only
/// for some environments, this one among them.
struct TenantRules {
  std::string tenant;
  std::string mimir_set;
  std::string loki_set;
  /// Some cluster of the tenant runs agents. Only those tenants have data,
  /// so only they are evaluated (an absence rule would fire forever for the
  /// others); every tenant has an Alertmanager configuration.
  bool evaluated = false;

  [[nodiscard]] const std::string& SetOf(const std::string& language) const {
    return language == "logql" ? loki_set : mimir_set;
  }
};

/// One backend set's share of the fleet's alerting.
struct InstanceAlerting {
  std::string environment;           ///< "" with isolation: tenants
  std::vector<TenantRules> tenants;  ///< sorted by tenant; every tenant of a cluster of this set

  /// The rule sets its tenants use with the ruler of language.
  [[nodiscard]] std::set<std::string> RuleSets(const std::string& language) const {
    std::set<std::string> out;
    for (const TenantRules& t : tenants) {
      if (t.evaluated) out.insert(t.SetOf(language));
    }
    return out;
  }
};

/// Every backend set, in Instances() order.
[[nodiscard]] std::vector<InstanceAlerting> AlertingByInstance(const model::Model& model);

/// True when some rule group is evaluated by the ruler of that language.
[[nodiscard]] bool HasRules(const model::Model& model, const std::string& language);

/// The Secrets alerting.receivers reference, each with the keys read from
/// it, sorted.
[[nodiscard]] std::map<std::string, std::set<std::string>> ReceiverSecretKeys(const model::Model& model);

/// The file in Mimir's Alertmanager that holds key of Secret secret.
[[nodiscard]] std::string ReceiverSecretFile(const std::string& secret, const std::string& key);

/// A rule file of ruler language within alerts/: "mimir-rules/<set>.yaml"
/// or "loki-rules/<set>.yaml".
[[nodiscard]] std::string RuleFileInAlerts(const std::string& language, const std::string& rule_set);
/// The same from the repository's root: "alerts/mimir-rules/<set>.yaml".
[[nodiscard]] inline std::string RuleFile(const std::string& language, const std::string& rule_set) {
  return "alerts/" + RuleFileInAlerts(language, rule_set);
}

/// The threshold of catalog group g in rule set ("" for a group without one).
[[nodiscard]] std::string ThresholdIn(const model::RuleGroup& g, const std::string& rule_set);

}  // namespace lgtmgen::emit
