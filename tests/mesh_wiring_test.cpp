// The mesh is wired: every name a remote agent writes to is central's ingest
// proxy, exported (or global) on central and resolvable on the remote; no
// back end's own Service is published; every meshed cluster has its own
// identity in the mesh.
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

namespace {

// Central's ingest proxy Service (components/ingest/service.yaml): the only
// Service a remote agent writes to, under every mesh.
YAML::Node IngestService(const Rendered& r) { return YAML::Load(r.files.at("components/ingest/service.yaml")); }

// No back end's own Service is published to the other clusters.
void CheckBackendsNotPublished(const Rendered& r) {
  for (const auto& [path, content] : r.files) {
    if (path.rfind("components/backends/", 0) != 0) continue;
    INFO(r.name << ": " << path);
    for (const char* marker : {"mirror.linkerd.io/exported", "istio.io/global", "service.cilium.io/global"}) {
      CHECK(content.find(marker) == std::string::npos);
    }
  }
}

// Calls check(path, service, namespace) for every address matching address
// (groups: service, namespace) in the files of cluster.
template <typename Check>
void ForEachAddress(const Rendered& r, const std::string& cluster, const std::regex& address, Check check) {
  for (const auto& [path, content] : r.files) {
    if (path.rfind("clusters/" + cluster + "/", 0) != 0) continue;
    for (auto it = std::sregex_iterator(content.begin(), content.end(), address); it != std::sregex_iterator(); ++it) {
      INFO(r.name << ": " << path << " writes to " << it->str());
      check((*it)[1].str(), (*it)[2].str());
    }
  }
}

}  // namespace

TEST_CASE("with Linkerd, every service a remote agent writes to is exported by central and mirrored on the remote",
          "[wiring][mesh]") {
  int checked = 0;
  for (const Rendered& r : AllRenders()) {
    const YAML::Node spec = YAML::Load(r.files.at("lgtm.yaml"));
    if (!spec["mesh"] || spec["mesh"]["type"].as<std::string>() != "linkerd") continue;
    std::string central;
    for (const auto& c : spec["clusters"]) {
      if (c["role"].as<std::string>() == "central") central = c["name"].as<std::string>();
    }
    const std::regex mirrored("([a-z0-9-]+)-" + central + "\\.([a-z0-9-]+)\\.svc\\.cluster\\.local");
    CheckBackendsNotPublished(r);
    for (const auto& c : spec["clusters"]) {
      const std::string name = c["name"].as<std::string>();
      if (name == central || c["role"].as<std::string>() != "remote") continue;
      INFO(r.name << ": " << name);
      const YAML::Node mc = YAML::Load(r.files.at("clusters/" + name + "/values/linkerd-multicluster.yaml"));
      CHECK(mc["controllers"][0]["link"]["ref"]["name"].as<std::string>() == central);
      CHECK(mc["enableNamespaceCreation"].as<bool>());  // the backend namespaces exist only on central
      // Mirrored names: <service>-<central>.<namespace>.svc.cluster.local.
      ForEachAddress(r, name, mirrored, [&](const std::string& service, const std::string& ns) {
        CHECK(service == "lgtm-ingest");
        CHECK(ns == "lgtm-ingest");
        CHECK(IngestService(r)["metadata"]["labels"]["mirror.linkerd.io/exported"].as<std::string>() == "true");
        ++checked;
      });
    }
    // Senders and receivers are meshed: their namespaces are enrolled.
    for (const char* appset : {"mimir", "loki", "tempo", "ingest", "prometheus", "vector", "alloy-traces", "alloy",
                               "alloy-gateway", "otel-operator", "otel-collectors"}) {
      const auto file = r.files.find(std::string("argocd/applicationsets/") + appset + ".yaml");
      if (file == r.files.end()) continue;
      INFO(file->first);
      const YAML::Node metadata = YAML::Load(file->second)["spec"]["template"]["spec"]["syncPolicy"]
                                                              ["managedNamespaceMetadata"];
      CHECK(metadata["annotations"]["linkerd.io/inject"].as<std::string>() == "enabled");
    }
  }
  CHECK(checked > 0);
}

TEST_CASE("with global services (Istio ambient, ClusterMesh), every name a remote agent writes to has a stand-in "
          "marked global, like central's Service",
          "[wiring][mesh]") {
  const std::regex global_name("([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.cluster\\.local");
  int checked = 0;
  for (const Rendered& r : AllRenders()) {
    const YAML::Node spec = YAML::Load(r.files.at("lgtm.yaml"));
    const std::string mesh = spec["mesh"] ? spec["mesh"]["type"].as<std::string>("none") : "none";
    const bool ambient = mesh == "istio" && spec["mesh"]["istio"] && spec["mesh"]["istio"]["mode"] &&
                         spec["mesh"]["istio"]["mode"].as<std::string>() == "ambient";
    if (!ambient && mesh != "cilium-clustermesh") continue;
    const std::string section = ambient ? "labels" : "annotations";
    const std::string marker = ambient ? "istio.io/global" : "service.cilium.io/global";
    CheckBackendsNotPublished(r);
    for (const auto& c : spec["clusters"]) {
      if (c["role"].as<std::string>() != "remote") continue;
      const std::string name = c["name"].as<std::string>();
      const std::string stubs_file = "components/mesh/global-services/services.yaml";
      std::map<std::string, YAML::Node> stubs;  // "name.namespace" → Service
      for (const YAML::Node& object : YAML::LoadAll(r.files.at(stubs_file))) {
        if (object["kind"].as<std::string>() != "Service") continue;
        stubs[object["metadata"]["name"].as<std::string>() + "." + object["metadata"]["namespace"].as<std::string>()] =
            object;
      }
      ForEachAddress(r, name, global_name, [&](const std::string& service, const std::string& ns) {
        if (ns == "kube-system" || ns == name) return;  // local names (DNS, the remote's own)
        CHECK(service == "lgtm-ingest");
        REQUIRE(stubs.count(service + "." + ns) == 1);
        CHECK(stubs[service + "." + ns]["metadata"][section][marker].as<std::string>() == "true");
        CHECK_FALSE(stubs[service + "." + ns]["spec"]["selector"]);  // a stand-in has no pods
        CHECK(IngestService(r)["metadata"][section][marker].as<std::string>() == "true");
        ++checked;
      });
    }
  }
  CHECK(checked > 0);
}

TEST_CASE("every meshed cluster has its own mesh identity: Istio network and cluster name, Cilium cluster ID",
          "[wiring][mesh]") {
  int checked = 0;
  for (const Rendered& r : AllRenders()) {
    std::set<std::string> istio_networks;
    std::set<int> cilium_ids;
    for (const auto& [path, content] : r.files) {
      INFO(r.name << ": " << path);
      if (EndsWith(path, "/values/istiod.yaml")) {
        const YAML::Node v = YAML::Load(content);
        CHECK(v["global"]["network"].as<std::string>() == v["global"]["multiCluster"]["clusterName"].as<std::string>());
        CHECK(istio_networks.insert(v["global"]["network"].as<std::string>()).second);
        ++checked;
      }
      if (EndsWith(path, "/values/cilium.yaml") && YAML::Load(content)["clustermesh"]) {
        CHECK(cilium_ids.insert(YAML::Load(content)["cluster"]["id"].as<int>()).second);
        ++checked;
      }
    }
  }
  CHECK(checked > 0);
}

TEST_CASE("with Istio sidecars, remote agents resolve central's names through DNS capture and reach them through "
          "central's east-west gateway",
          "[wiring][mesh]") {
  int checked = 0;
  for (const Rendered& r : AllRenders()) {
    const YAML::Node spec = YAML::Load(r.files.at("lgtm.yaml"));
    if (!spec["mesh"] || spec["mesh"]["type"].as<std::string>() != "istio") continue;
    if (spec["mesh"]["istio"] && spec["mesh"]["istio"]["mode"].as<std::string>("sidecar") != "sidecar") continue;
    INFO(r.name);
    const YAML::Node istiod = YAML::Load(r.files.at("components/mesh/istiod/values.yaml"));
    CHECK(istiod["meshConfig"]["defaultConfig"]["proxyMetadata"]["ISTIO_META_DNS_CAPTURE"].as<std::string>() ==
          "true");
    const YAML::Node gateway = YAML::Load(r.files.at("components/mesh/istio/expose/gateway.yaml"));
    CHECK(gateway["spec"]["servers"][0]["port"]["number"].as<int>() == 15443);
    CHECK(gateway["spec"]["servers"][0]["tls"]["mode"].as<std::string>() == "AUTO_PASSTHROUGH");
    // Only the ingest proxy is reachable from the other networks.
    CHECK(gateway["spec"]["servers"][0]["hosts"].size() == 1);
    CHECK(gateway["spec"]["servers"][0]["hosts"][0].as<std::string>() == "lgtm-ingest.lgtm-ingest.svc.cluster.local");
    CHECK(r.files.count("argocd/applicationsets/istio-eastwest.yaml") == 1);
    for (const char* appset : {"prometheus", "vector", "alloy-traces", "alloy", "alloy-gateway", "otel-collectors"}) {
      const auto file = r.files.find(std::string("argocd/applicationsets/") + appset + ".yaml");
      if (file == r.files.end()) continue;
      INFO(file->first);
      const YAML::Node metadata =
          YAML::Load(file->second)["spec"]["template"]["spec"]["syncPolicy"]["managedNamespaceMetadata"];
      CHECK(metadata["labels"]["istio-injection"].as<std::string>() == "enabled");
      ++checked;
    }
  }
  CHECK(checked > 0);
}
