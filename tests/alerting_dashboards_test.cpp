// Alert rules reach Mimir's ruler for every tenant, receivers hold only
// Secret references, and dashboards query only through their variables.
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

TEST_CASE("alert rules reach Mimir for every tenant, and receivers only name Secrets", "[wiring]") {
  int checked = 0;
  for (const Rendered& r : AllRenders()) {
    if (r.files.count("alerts/kustomization.yaml") == 0) continue;
    INFO(r.name);
    ++checked;
    const YAML::Node kustomization = YAML::Load(r.files.at("alerts/kustomization.yaml"));
    for (const auto& res : kustomization["resources"]) {
      const YAML::Node object = YAML::Load(r.files.at("alerts/" + res.as<std::string>()));
      if (object["kind"].as<std::string>() == "PrometheusRule") {
        // Only Mimir evaluates the fleet's rules; the clusters' Prometheus exclude this label.
        CHECK(object["metadata"]["labels"]["lgtmgen.io/evaluated-by"].as<std::string>() == "mimir");
        continue;
      }
      REQUIRE(object["kind"].as<std::string>() == "AlertmanagerConfig");
      for (const auto& receiver : object["spec"]["receivers"]) {
        for (const auto& type : receiver) {
          if (!type.second.IsSequence()) continue;
          for (const auto& config : type.second) {
            for (const char* field : {"apiURL", "urlSecret", "routingKey", "authPassword"}) {
              if (!config[field]) continue;
              CHECK(config[field].IsMap());
              CHECK(config[field]["name"]);
              CHECK(config[field]["key"]);
            }
            CHECK_FALSE(config["url"]);  // never a literal URL
          }
        }
      }
    }
    const YAML::Node loader = YAML::Load(r.files.at("components/alerts/alloy-rules/values.yaml"));
    const std::string config = loader["alloy"]["configMap"]["content"].as<std::string>();
    for (const std::string& tenant : r.tenants) {
      CHECK(config.find("tenant_id = \"" + tenant + "\"") != std::string::npos);
    }
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
