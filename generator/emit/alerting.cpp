// alerts/ and components/alerts/: the fleet's rule groups as PrometheusRules,
// the Alloy release that loads them into Mimir's ruler for every tenant, and
// the Alertmanager configuration built from alerting.receivers and .route.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "emit/components.h"
#include "emit/files.h"
#include "emit/rule_tests.h"
#include "endpoints/resolver.h"
#include "model/matcher.h"
#include "naming/namer.h"

namespace lgtmgen::emit {
namespace {

using nlohmann::ordered_json;

// s as a YAML double-quoted scalar (JSON string syntax is valid YAML).

// An inline rule group's fields, in the order Prometheus documents them.
std::string InlineRule(const ordered_json& rule) {
  std::string out;
  bool first = true;
  auto line = [&](const std::string& text) {
    out += (first ? "- " : "  ") + text + "\n";
    first = false;
  };
  for (const char* key : {"alert", "record", "expr", "for", "keep_firing_for"}) {
    if (rule.contains(key)) line(fmt::format("{}: {}", key, YamlQuote(rule[key].get<std::string>())));
  }
  for (const char* map : {"labels", "annotations"}) {
    if (!rule.contains(map) || rule[map].empty()) continue;
    line(std::string(map) + ":");
    for (const auto& [k, v] : rule[map].items()) out += fmt::format("    {}: {}\n", YamlQuote(k), YamlQuote(v.get<std::string>()));
  }
  return out;
}

// One mimir.rules.kubernetes block per tenant of every backend set.
std::string RuleLoaderConfig(const model::Model& model) {
  std::string out;
  std::set<std::string> seen;
  for (const model::Cluster& c : model.clusters) {
    if (!c.HasAgents()) continue;
    const std::string env = endpoints::InstanceOf(model, c);
    const std::string key = naming::TenantKey(c.tenant, env);
    if (!seen.insert(key).second) continue;
    std::string label = key;
    for (char& ch : label) {
      if (ch == '-') ch = '_';
    }
    out += fmt::format(
        "// tenant {0}{1}\n"
        "mimir.rules.kubernetes \"{2}\" {{\n"
        "  address   = \"http://{3}\"\n"
        "  tenant_id = {4}\n"
        "  rule_selector {{\n"
        "    match_labels = {{\n"
        "      \"lgtmgen.io/evaluated-by\" = \"mimir\",\n"
        "    }}\n"
        "  }}\n"
        "}}\n\n",
        c.tenant, env.empty() ? "" : " (environment " + env + ")", "tenant_" + label,
        endpoints::ResolveOnCentral(endpoints::Backend::kMimir, endpoints::Protocol::kRemoteWrite, env).HostPort(),
        AlloyQuote(c.tenant));
  }
  if (!out.empty()) out.resize(out.size() - 2);
  return out;
}

std::string SecretRef(const model::SecretRef& ref) { return fmt::format("{{name: {}, key: {}}}", ref.name, ref.key); }

std::string ReceiverYaml(const model::Receiver& r) {
  const ordered_json& c = r.config;
  auto ref = [&](const char* field) {
    return model::SecretRef{c[field]["name"].get<std::string>(), c[field]["key"].get<std::string>()};
  };
  std::string out = fmt::format("- name: {}\n", YamlQuote(r.name));
  if (r.type == "slack") {
    out += fmt::format("  slackConfigs:\n    - apiURL: {}\n      channel: {}\n      sendResolved: true\n",
                       SecretRef(ref("urlSecret")), YamlQuote(c["channel"].get<std::string>()));
  } else if (r.type == "webhook") {
    out += fmt::format("  webhookConfigs:\n    - urlSecret: {}\n      sendResolved: {}\n", SecretRef(ref("urlSecret")),
                       c.value("sendResolved", true) ? "true" : "false");
  } else if (r.type == "pagerduty") {
    out += fmt::format("  pagerdutyConfigs:\n    - routingKey: {}\n      sendResolved: true\n",
                       SecretRef(ref("routingKeySecret")));
  } else if (r.type == "email") {
    out += fmt::format("  emailConfigs:\n    - to: {}\n      from: {}\n      smarthost: {}\n",
                       YamlQuote(c["to"].get<std::string>()), YamlQuote(c["from"].get<std::string>()),
                       YamlQuote(c["smarthost"].get<std::string>()));
    if (c.contains("username")) out += fmt::format("      authUsername: {}\n", YamlQuote(c["username"].get<std::string>()));
    if (c.contains("passwordSecret")) out += fmt::format("      authPassword: {}\n", SecretRef(ref("passwordSecret")));
    out += "      sendResolved: true\n";
  }
  return out;
}

std::string RouteYaml(const model::Route& route) {
  std::string out = fmt::format("receiver: {}\n", YamlQuote(route.receiver));
  if (!route.group_by.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& g : route.group_by) quoted.push_back(YamlQuote(g));
    out += fmt::format("groupBy: [{}]\n", fmt::join(quoted, ", "));
  }
  if (!route.group_wait.empty()) out += "groupWait: " + route.group_wait + "\n";
  if (!route.group_interval.empty()) out += "groupInterval: " + route.group_interval + "\n";
  if (!route.repeat_interval.empty()) out += "repeatInterval: " + route.repeat_interval + "\n";
  if (!route.routes.empty()) out += "routes:\n";
  for (const model::SubRoute& sub : route.routes) {
    out += fmt::format("  - receiver: {}\n", YamlQuote(sub.receiver));
    if (!sub.matchers.empty()) out += "    matchers:\n";
    for (const std::string& text : sub.matchers) {
      const std::optional<model::Matcher> m = model::ParseMatcher(text);
      if (!m) continue;  // the validator refused it already
      out += fmt::format("      - name: {}\n        matchType: \"{}\"\n        value: {}\n", m->name, m->op,
                         YamlQuote(m->value));
    }
    if (sub.continue_matching) out += "    continue: true\n";
  }
  out.pop_back();
  return out;
}

}  // namespace

void EmitAlerting(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const model::Alerting& a = model.alerting;
  if (a.rules.empty() && a.receivers.empty()) return;
  std::string resources;
  for (const model::RuleGroup& g : a.rules) {
    if (!g.catalog_name.empty()) {
      const std::string tmpl = "alerting/rules/" + g.catalog_name + ".yaml";
      PutTemplateFrom(tree, diags, "alerting", "alerts/" + g.catalog_name + ".yaml", tmpl, model,
                      {{"cluster_label", model.cluster_label}});
      resources += "- " + g.catalog_name + ".yaml\n";
    } else {
      const ordered_json& group = g.inline_group;
      const std::string name = naming::InlineRuleGroupName(group["name"].get<std::string>());
      std::string rules;
      for (const ordered_json& rule : group["rules"]) rules += InlineRule(rule);
      rules.pop_back();
      PutTemplate(tree, diags, "alerting", "alerts/" + name + ".yaml", "alerting/inline-rule-group.yaml", model,
                  {{"group", group["name"].get<std::string>()},
                   {"group_quoted", YamlQuote(group["name"].get<std::string>())},
                   {"name", name},
                   {"interval", group.value("interval", "")},
                   {"rules", rules}});
      resources += "- " + name + ".yaml\n";
    }
  }
  if (FleetAlertmanager(model)) {
    std::string receivers;
    for (const model::Receiver& r : a.receivers) receivers += ReceiverYaml(r);
    receivers.pop_back();
    PutTemplate(tree, diags, "alerting", "alerts/alertmanager-config.yaml", "alerting/alertmanager-config.yaml", model,
                {{"route", RouteYaml(a.route)}, {"receivers", receivers}});
    resources += "- alertmanager-config.yaml\n";
  }
  resources.pop_back();
  PutTemplate(tree, diags, "alerting", "alerts/kustomization.yaml", "alerting/kustomization.yaml", model,
              {{"resources", resources},
               {"receivers_note", FleetAlertmanager(model)
                                      ? "# alertmanager-config.yaml configures the fleet's Alertmanager."
                                      : ""}});
  EmitRuleTests(model, tree, diags);
  if (!a.rules.empty()) {
    PutTemplate(tree, diags, "alerting", naming::ComponentValues("alerts", "alloy-rules"),
                "alerting/alloy-rules-values.yaml", model,
                {{"config", RuleLoaderConfig(model)},
                 {"alertmanager", FleetAlertmanager(model) ? "kube-prometheus-stack's Alertmanager (monitoring)"
                                                          : "Mimir's own Alertmanager"}});
  }
}

}  // namespace lgtmgen::emit
