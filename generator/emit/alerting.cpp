// alerts/: the fleet's alerting as Mimir and Loki read it from local storage.
// Rule files (alerts/mimir-rules/, alerts/loki-rules/), one per rule set
// (emit/alerting_layout.h), and the Alertmanager configuration every tenant
// gets (alerts/alertmanager.yaml), delivered as ConfigMaps in each backend
// set's namespaces by alerts/kustomization.yaml.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "emit/alerting_layout.h"
#include "emit/components.h"
#include "emit/files.h"
#include "emit/rule_tests.h"
#include "model/matcher.h"
#include "render/resources.h"

namespace lgtmgen::emit {
namespace {

using nlohmann::ordered_json;

// text with every line but empty ones indented by n spaces.
std::string Indent(const std::string& text, int n) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && c != '\n') out.append(static_cast<size_t>(n), ' ');
    out += c;
    line_start = c == '\n';
  }
  return out;
}

// An inline rule's fields, in the order Prometheus documents them, as a list item.
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

// Group g as a list item of a rule file's groups, with rule set's thresholds.
std::string GroupYaml(const model::Model& model, const model::RuleGroup& g, const std::string& rule_set) {
  if (!g.catalog_name.empty()) {
    const std::string tmpl = "alerting/rules/" + g.catalog_name + ".yaml";
    const render::Vars all = {{"cluster_label", model.cluster_label}, {"threshold", ThresholdIn(g, rule_set)}};
    return render::RenderFile(tmpl, render::UsedBy(resources::Get("templates/" + tmpl), all));
  }
  const ordered_json& group = g.inline_group;
  std::string out = "# Inline group from the spec (alerting.rules).\n";
  out += fmt::format("- name: {}\n", YamlQuote(group["name"].get<std::string>()));
  if (group.contains("interval")) out += fmt::format("  interval: {}\n", group["interval"].get<std::string>());
  out += "  rules:\n";
  for (const ordered_json& rule : group["rules"]) out += Indent(InlineRule(rule), 4);
  return out;
}

void EmitRuleFiles(const model::Model& model, const std::string& language, const std::set<std::string>& sets,
                   out::OutputTree& tree, diag::Diagnostics& diags) {
  for (const std::string& set : sets) {
    std::string groups;
    for (const model::RuleGroup& g : model.alerting.rules) {
      if (g.language != language) continue;
      if (!g.environments.empty() && std::find(g.environments.begin(), g.environments.end(), set) == g.environments.end()) {
        continue;  // a group of other environments (never of the fleet set)
      }
      groups += GroupYaml(model, g, set);
    }
    if (groups.empty()) groups = "[]  # every group of this ruler is for other environments";
    else groups.pop_back();
    PutTemplate(tree, diags, "alerting", RuleFile(language, set), "alerting/rule-file.yaml", model,
                {{"ruler", language == "logql" ? "Loki's ruler" : "Mimir's ruler"},
                 {"rule_set", set == kFleetRuleSet ? std::string("every tenant whose environment sets no "
                                                                 "threshold of its own")
                                                   : "every tenant of environment " + set},
                 {"groups", groups}});
  }
}

std::string ReceiverYaml(const model::Receiver& r) {
  const ordered_json& c = r.config;
  auto file = [&](const char* field) {
    return ReceiverSecretFile(c[field]["name"].get<std::string>(), c[field]["key"].get<std::string>());
  };
  std::string out = fmt::format("- name: {}\n", YamlQuote(r.name));
  if (r.type == "slack") {
    out += fmt::format("  slack_configs:\n    - api_url_file: {}\n      channel: {}\n      send_resolved: true\n",
                       file("urlSecret"), YamlQuote(c["channel"].get<std::string>()));
  } else if (r.type == "webhook") {
    out += fmt::format("  webhook_configs:\n    - url_file: {}\n      send_resolved: {}\n", file("urlSecret"),
                       c.value("sendResolved", true) ? "true" : "false");
  } else if (r.type == "pagerduty") {
    out += fmt::format("  pagerduty_configs:\n    - routing_key_file: {}\n      send_resolved: true\n",
                       file("routingKeySecret"));
  } else if (r.type == "email") {
    out += fmt::format("  email_configs:\n    - to: {}\n      from: {}\n      smarthost: {}\n",
                       YamlQuote(c["to"].get<std::string>()), YamlQuote(c["from"].get<std::string>()),
                       YamlQuote(c["smarthost"].get<std::string>()));
    if (c.contains("username")) out += fmt::format("      auth_username: {}\n", YamlQuote(c["username"].get<std::string>()));
    if (c.contains("passwordSecret")) out += fmt::format("      auth_password_file: {}\n", file("passwordSecret"));
    out += "      send_resolved: true\n";
  }
  return out;
}

// A matcher in Alertmanager's syntax: name, operator, double-quoted value.
std::string MatcherText(const model::Matcher& m) {
  std::string value;
  for (char ch : m.value) {
    if (ch == '"' || ch == '\\') value += '\\';
    value += ch;
  }
  return fmt::format("{}{}\"{}\"", m.name, m.op, value);
}

// The route tree; receiver names the default receiver.
std::string RouteYaml(const model::Model& model, const std::string& receiver) {
  const model::Route& route = model.alerting.route;
  std::string out = fmt::format("receiver: {}\n", YamlQuote(receiver));
  std::vector<std::string> group_by;
  for (const std::string& g : route.group_by) group_by.push_back(YamlQuote(g));
  if (model.alerting.receivers.empty()) group_by = {"alertname", model.cluster_label};
  if (!group_by.empty()) out += fmt::format("group_by: [{}]\n", fmt::join(group_by, ", "));
  if (!route.group_wait.empty()) out += "group_wait: " + route.group_wait + "\n";
  if (!route.group_interval.empty()) out += "group_interval: " + route.group_interval + "\n";
  if (!route.repeat_interval.empty()) out += "repeat_interval: " + route.repeat_interval + "\n";
  if (!route.routes.empty()) out += "routes:\n";
  for (const model::SubRoute& sub : route.routes) {
    out += fmt::format("  - receiver: {}\n", YamlQuote(sub.receiver));
    if (!sub.matchers.empty()) out += "    matchers:\n";
    for (const std::string& text : sub.matchers) {
      const std::optional<model::Matcher> m = model::ParseMatcher(text);
      if (!m) continue;  // the validator refused it already
      out += fmt::format("      - {}\n", YamlQuote(MatcherText(*m)));
    }
    if (sub.continue_matching) out += "    continue: true\n";
  }
  out.pop_back();
  return out;
}

void EmitAlertmanagerConfig(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const model::Alerting& a = model.alerting;
  std::string receivers;
  for (const model::Receiver& r : a.receivers) receivers += ReceiverYaml(r);
  if (a.receivers.empty()) receivers = "- name: default-receiver\n";
  receivers.pop_back();
  PutTemplate(tree, diags, "alerting", "alerts/alertmanager.yaml", "alerting/alertmanager.yaml", model,
              {{"route", RouteYaml(model, a.receivers.empty() ? "default-receiver" : a.route.receiver)},
               {"receivers", receivers},
               {"notifies", render::Flag(!a.receivers.empty())},
               {"secrets_dir", kReceiverSecretsDir}});
}

// alerts/kustomization.yaml: per backend set, the Alertmanager configuration
// and the rule sets its tenants use, as ConfigMaps in its namespaces.
void EmitKustomization(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  std::string generators;
  for (const InstanceAlerting& instance : AlertingByInstance(model)) {
    const std::string mimir_ns = InstanceName("mimir", instance.environment);
    generators += fmt::format("- name: {}\n  namespace: {}\n  files:\n    - {}\n", kAlertmanagerConfigMap, mimir_ns,
                              kAlertmanagerKey);
    for (const auto& [language, config_map, ns] :
         {std::tuple{"promql", kMimirRulesConfigMap, mimir_ns},
          std::tuple{"logql", kLokiRulesConfigMap, InstanceName("loki", instance.environment)}}) {
      if (!HasRules(model, language) || instance.RuleSets(language).empty()) continue;
      generators += fmt::format("- name: {}\n  namespace: {}\n  files:\n", config_map, ns);
      for (const std::string& set : instance.RuleSets(language)) {
        generators += fmt::format("    - {}.yaml={}\n", set, RuleFileInAlerts(language, set));
      }
    }
  }
  generators.pop_back();
  PutTemplate(tree, diags, "alerting", "alerts/kustomization.yaml", "alerting/kustomization.yaml", model,
              {{"generators", generators}});
}

}  // namespace

void EmitAlerting(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  for (const char* language : {"promql", "logql"}) {
    if (!HasRules(model, language)) continue;
    std::set<std::string> sets;
    for (const InstanceAlerting& instance : AlertingByInstance(model)) {
      const std::set<std::string> used = instance.RuleSets(language);
      sets.insert(used.begin(), used.end());
    }
    EmitRuleFiles(model, language, sets, tree, diags);
  }
  EmitAlertmanagerConfig(model, tree, diags);
  EmitKustomization(model, tree, diags);
  EmitRuleTests(model, tree, diags);
}

}  // namespace lgtmgen::emit
