// Every tenant's rules and Alertmanager configuration reach Mimir and Loki,
// receivers read credentials only from mounted Secrets, and dashboards query
// only through their variables.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>
#include <set>

#include "model/catalog.h"
#include "rendered_fleets.h"

using namespace lgtmgen;
using test::AllRenders;
using test::EndsWith;
using test::Rendered;

// The items of the ConfigMap volume name of a chart component's extraVolumes.
std::set<std::string> VolumePaths(const YAML::Node& component, const std::string& name,
                                  std::map<std::string, std::string>* config_map_of = nullptr) {
  std::set<std::string> paths;
  for (const auto& v : component["extraVolumes"]) {
    if (v["name"].as<std::string>() != name || !v["configMap"]) continue;
    for (const auto& item : v["configMap"]["items"]) {
      paths.insert(item["path"].as<std::string>());
      if (config_map_of != nullptr) (*config_map_of)[item["path"].as<std::string>()] = item["key"].as<std::string>();
    }
  }
  return paths;
}

TEST_CASE("every tenant's rules and Alertmanager configuration reach Mimir and Loki from alerts/, and receivers "
          "read credentials only from mounted Secrets", "[wiring]") {
  int checked = 0;
  for (const Rendered& r : AllRenders()) {
    INFO(r.name);
    REQUIRE(r.files.count("alerts/kustomization.yaml") == 1);
    // (namespace, ConfigMap) → its keys, as alerts/kustomization.yaml generates them.
    std::map<std::pair<std::string, std::string>, std::set<std::string>> generated;
    for (const auto& gen : YAML::Load(r.files.at("alerts/kustomization.yaml"))["configMapGenerator"]) {
      auto& keys = generated[{gen["namespace"].as<std::string>(), gen["name"].as<std::string>()}];
      for (const auto& f : gen["files"]) {
        const std::string spec = f.as<std::string>();
        const std::string key = spec.substr(0, spec.find('='));
        keys.insert(key.substr(key.rfind('/') + 1));
        CHECK(r.files.count("alerts/" + spec.substr(spec.find('=') + 1)) == 1);
      }
    }
    const YAML::Node am = YAML::Load(r.files.at("alerts/alertmanager.yaml"));
    std::set<std::string> am_tenants, mimir_rule_tenants, loki_rule_tenants;
    for (const auto& [path, content] : r.files) {
      const bool mimir = path.rfind("components/backends/mimir-distributed", 0) == 0;
      const bool loki = path.rfind("components/backends/loki", 0) == 0;
      if (!EndsWith(path, "/values.yaml") || (!mimir && !loki)) continue;
      ++checked;
      const YAML::Node values = YAML::Load(content);
      const std::string header = content.substr(0, content.find("\n\n"));
      const std::string ns = mimir ? "mimir" + path.substr(std::string("components/backends/mimir-distributed").size(),
                                                            path.size() - 12 - std::string("components/backends/mimir-distributed").size())
                                   : "loki" + path.substr(std::string("components/backends/loki").size(),
                                                          path.size() - 12 - std::string("components/backends/loki").size());
      INFO(path << " (namespace " << ns << ")");
      if (mimir) {
        std::map<std::string, std::string> key_of;
        for (const std::string& p : VolumePaths(values["alertmanager"], "tenant-configs", &key_of)) {
          CHECK(generated[{ns, "mimir-alertmanager"}].count(key_of[p]) == 1);
          am_tenants.insert(p.substr(0, p.size() - 5));
        }
        // Every credential file lies in a Secret this Alertmanager mounts.
        std::set<std::string> mounted;
        for (const auto& m : values["alertmanager"]["extraVolumeMounts"]) mounted.insert(m["mountPath"].as<std::string>());
        for (const auto& receiver : am["receivers"]) {
          for (const auto& type : receiver) {
            if (!type.second.IsSequence()) continue;
            for (const auto& config : type.second) {
              for (const char* inline_secret : {"api_url", "url", "routing_key", "service_key", "auth_password"}) {
                CHECK_FALSE(config[inline_secret]);
              }
              for (const auto& field : config) {
                const std::string name = field.first.as<std::string>();
                if (name.size() < 5 || name.substr(name.size() - 5) != "_file") continue;
                const std::string file = field.second.as<std::string>();
                CHECK(mounted.count(file.substr(0, file.rfind('/'))) == 1);
              }
            }
          }
        }
      }
      const YAML::Node ruler = mimir ? values["ruler"] : values["singleBinary"];
      std::map<std::string, std::string> key_of;
      const auto rule_paths = VolumePaths(ruler, "tenant-rules", &key_of);
      const YAML::Node config = mimir ? values["mimir"]["structuredConfig"]["ruler"] : values["loki"]["rulerConfig"];
      std::set<std::string> enabled;
      if (config["enabled_tenants"]) {
        const std::string csv = config["enabled_tenants"].as<std::string>();
        for (size_t start = 0; start <= csv.size();) {
          const size_t comma = std::min(csv.find(',', start), csv.size());
          enabled.insert(csv.substr(start, comma - start));
          start = comma + 1;
        }
      }
      std::set<std::string> rule_tenants;
      for (const std::string& p : rule_paths) {
        CHECK(generated[{ns, mimir ? "mimir-rules" : "loki-rules"}].count(key_of[p]) == 1);
        rule_tenants.insert(p.substr(0, p.find('/')));
      }
      CHECK(rule_tenants == enabled);
      (mimir ? mimir_rule_tenants : loki_rule_tenants).insert(rule_tenants.begin(), rule_tenants.end());
    }
    // Every tenant has an Alertmanager configuration; rules reach every tenant when there are any.
    CHECK(am_tenants == r.tenants);
    const YAML::Node spec = YAML::Load(r.files.at("lgtm.yaml"));
    bool promql = false, logql = false;
    const YAML::Node rules = spec["alerting"] && spec["alerting"]["rules"] ? spec["alerting"]["rules"] : YAML::Node();
    for (const auto& g : rules) {
      const std::string name = g.IsScalar() ? g.as<std::string>() : g["catalog"] ? g["catalog"].as<std::string>() : "";
      const bool loki_group = name == "error-logs" || name == "logs-absent" ||
                              (g.IsMap() && g["language"] && g["language"].as<std::string>() == "logql");
      (loki_group ? logql : promql) = true;
    }
    // Rulers evaluate the tenants that have data: those of clusters running agents.
    std::set<std::string> with_data;
    for (const auto& c : spec["clusters"]) {
      const std::string role = c["role"].as<std::string>();
      const std::string agents = c["agents"] ? c["agents"].as<std::string>() : role == "control" ? "none" : "alloy";
      if (agents != "none") with_data.insert(c["tenant"] ? c["tenant"].as<std::string>() : c["name"].as<std::string>());
    }
    CHECK(mimir_rule_tenants == (promql ? with_data : std::set<std::string>{}));
    CHECK(loki_rule_tenants == (logql ? with_data : std::set<std::string>{}));
  }
  CHECK(checked > 0);
}

TEST_CASE("dashboards query only through their own datasource variables", "[wiring]") {
  int checked = 0;
  for (const Rendered& r : AllRenders()) {
    for (const auto& [path, content] : r.files) {
      if (path.rfind("dashboards/", 0) != 0 || !EndsWith(path, ".json")) continue;
      INFO(r.name << ": " << path);
      ++checked;
      const YAML::Node d = YAML::Load(content);  // JSON is YAML
      const std::string stem = path.substr(path.rfind('/') + 1, path.size() - path.rfind('/') - 6);
      if (path.find("/custom/") == std::string::npos) CHECK(d["uid"].as<std::string>() == model::CatalogDashboardUid(stem));
      std::set<std::string> variables;
      for (const auto& v : d["templating"]["list"]) {
        if (v["type"].as<std::string>() == "datasource") variables.insert("${" + v["name"].as<std::string>() + "}");
      }
      for (const auto& panel : d["panels"]) {
        if (panel["type"].as<std::string>() == "row") continue;  // a heading, no query
        CHECK(variables.count(panel["datasource"]["uid"].as<std::string>()) == 1);
        for (const auto& target : panel["targets"]) {
          CHECK(target["datasource"]["uid"].as<std::string>() == panel["datasource"]["uid"].as<std::string>());
        }
      }
    }
  }
  CHECK(checked > 0);
}
