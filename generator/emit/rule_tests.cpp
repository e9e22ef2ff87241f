// alerts/tests/<rule set>/: promtool unit tests of the catalog's PromQL rule
// groups against each rule file, one case per agent scenario of that rule
// set's clusters, on such a cluster with the labels its agents deliver
// (emit/label_contract.h), and the script that runs them all.
#include "emit/rule_tests.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "emit/alerting_layout.h"
#include "emit/components.h"
#include "emit/files.h"
#include "endpoints/resolver.h"
#include "render/resources.h"

namespace lgtmgen::emit {
namespace {

// The Service that serves kube-state-metrics to a scenario's scraper, and
// its namespace: the standalone chart (alloy) or kube-prometheus-stack's
// subchart, whose Service is named after the release.
std::pair<std::string, std::string> KubeStateMetrics(const model::Model& model, const std::string& scenario) {
  for (const HelmComponent& comp : HelmComponents(model)) {
    const bool standalone = comp.chart == "kube-state-metrics";
    const bool bundled = comp.chart == "kube-prometheus-stack";
    if (!standalone && !bundled) continue;
    for (const Selector& s : comp.selectors) {
      if (s.key != "agentScenario" || s.op != "In") continue;
      for (const std::string& v : s.values) {
        if (v == scenario) return {comp.ns, standalone ? comp.release : comp.release + "-kube-state-metrics"};
      }
    }
  }
  return {"", ""};
}

}  // namespace

void EmitRuleTests(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  // The rule set each cluster's tenant evaluates.
  std::map<std::pair<std::string, std::string>, std::string> set_of;  // (instance, tenant) → rule set
  std::set<std::string> sets;
  for (const InstanceAlerting& instance : AlertingByInstance(model)) {
    for (const TenantRules& t : instance.tenants) {
      if (t.evaluated) set_of[{instance.environment, t.tenant}] = t.mimir_set;
    }
    const std::set<std::string> used = instance.RuleSets("promql");
    sets.insert(used.begin(), used.end());
  }
  bool any = false;
  for (const std::string& set : sets) {
    for (const model::RuleGroup& g : model.alerting.rules) {
      if (g.catalog_name.empty() || g.language != "promql") continue;
      std::string cases;
      for (const std::string& scenario : model.scenarios_in_use) {
        if (scenario == "none") continue;
        const model::Cluster* sample = nullptr;
        for (const model::Cluster& c : model.clusters) {
          auto it = set_of.find({endpoints::InstanceOf(model, c), c.tenant});
          if (c.agents == scenario && it != set_of.end() && it->second == set) {
            sample = &c;
            break;
          }
        }
        if (sample == nullptr) continue;
        const auto [ksm_namespace, ksm_service] = KubeStateMetrics(model, scenario);
        const render::Vars all = {{"scenario", scenario},
                                  {"cluster", sample->name},
                                  {"cluster_label", model.cluster_label},
                                  {"ksm_namespace", ksm_namespace},
                                  {"ksm_service", ksm_service},
                                  {"threshold", ThresholdIn(g, set)}};
        const std::string tmpl = "alerting/tests/" + g.catalog_name + ".yaml";
        cases += render::RenderFile(tmpl, render::UsedBy(resources::Get("templates/" + tmpl), all));
      }
      if (cases.empty()) continue;
      if (cases.back() == '\n') cases.pop_back();
      PutTemplate(tree, diags, "alerting", "alerts/tests/" + set + "/" + g.catalog_name + ".test.yaml",
                  "alerting/rule-test.yaml", model,
                  {{"group", g.catalog_name}, {"rule_file", "../../" + RuleFileInAlerts("promql", set)},
                   {"cases", cases}});
      any = true;
    }
  }
  if (any) PutTemplate(tree, diags, "alerting", "alerts/tests/run.sh", "alerting/run-rule-tests.sh", model, {});
}

}  // namespace lgtmgen::emit
