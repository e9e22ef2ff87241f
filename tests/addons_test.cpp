// The add-ons and exposure choices, on small fleets: where each one is
// installed, what it is wired to, and what validation says about it.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "test_support.h"

using namespace lgtmgen;

namespace {

// A central kind cluster with Istio and a remote; each case edits it.
constexpr const char* kFleet = R"(apiVersion: lgtmgen.io/v1alpha1
kind: Fleet
metadata:
  name: addons
gitops:
  repoURL: https://github.com/example/lgtm-gitops.git
platform:
  provider: kind
  cni: default
  loadBalancer: metallb
mesh:
  type: istio
addons: [kiali, metrics-server]
grafana:
  host: grafana.example.com
  expose: ingress
clusters:
  - name: central
    role: central
    tenant: ops
    agents: alloy
    network: {podCIDR: 10.11.0.0/16, serviceCIDR: 10.12.0.0/16}
  - name: shop
    role: remote
    tenant: shop
    agents: otel
    apps: [hotrod]
    network: {podCIDR: 10.21.0.0/16, serviceCIDR: 10.22.0.0/16}
)";

using Edits = std::vector<std::pair<std::string, std::string>>;

// text with each {from, to} of edits replaced, in order.
std::string Edited(std::string text, const Edits& edits) {
  for (const auto& [from, to] : edits) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  return text;
}

// kFleet, edited, rendered (its messages in printed).
std::optional<out::OutputTree> RenderFleet(const Edits& edits, std::string& printed) {
  return test::RenderSpec("lgtm.yaml", Edited(kFleet, edits), ".", &printed);
}

const std::string& FileOf(const out::OutputTree& tree, const std::string& path) {
  static const std::string kMissing = "(missing)";
  auto it = tree.Files().find(path);
  INFO(path);
  CHECK(it != tree.Files().end());
  return it == tree.Files().end() ? kMissing : it->second;
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("metrics-server goes only on clusters the bootstrap creates, Kiali and ingress-nginx on central", "[addons]") {
  std::string printed;
  const auto tree = test::RenderSpec("lgtm.yaml", kFleet, ".", &printed);
  REQUIRE(tree);
  const std::string& metrics_server = FileOf(*tree, "argocd/applicationsets/metrics-server.yaml");
  CHECK(Has(metrics_server, "key: provider"));
  CHECK(Has(metrics_server, "- 'kind'"));
  CHECK(Has(FileOf(*tree, "components/addons/metrics-server/values.yaml"), "--kubelet-insecure-tls"));
  CHECK(Has(FileOf(*tree, "clusters/central/cluster.json"), "\"provider\": \"kind\""));

  // Kiali reads central's tenant from Mimir and Tempo, with its credentials from step 15.
  const std::string& kiali = FileOf(*tree, "components/addons/kiali-server/values.yaml");
  CHECK(Has(kiali, "url: http://mimir-gateway.mimir.svc/prometheus"));
  CHECK(Has(kiali, "X-Scope-OrgID: 'ops'"));
  CHECK(Has(kiali, "internal_url: http://tempo-query-frontend.tempo.svc:3200"));
  CHECK(Has(kiali, "signing_key: secret:kiali-credentials:signing-key"));
  CHECK(Has(FileOf(*tree, "bootstrap/15-create-secrets.sh"), "istio-system kiali-credentials"));
  CHECK(Has(FileOf(*tree, "argocd/applicationsets/kiali.yaml"), "- 'central'"));

  // ingress-nginx takes an address from MetalLB; Grafana's Ingress names its class.
  CHECK(Has(FileOf(*tree, "components/addons/ingress-nginx/values.yaml"), "type: LoadBalancer"));
  CHECK(Has(FileOf(*tree, "components/grafana/values.yaml"), "ingressClassName: nginx"));
  CHECK(Has(FileOf(*tree, "argocd/projects/central.yaml"), "kind: IngressClass"));

  // The mesh's telemetry: Envoy scraped, spans to each cluster's own agent.
  CHECK(Has(FileOf(*tree, "components/mesh/telemetry/monitors.yaml"), "port: http-envoy-prom"));
  CHECK(Has(FileOf(*tree, "clusters/central/values/istiod.yaml"), "service: alloy-gateway.alloy.svc.cluster.local"));
  CHECK(Has(FileOf(*tree, "clusters/shop/values/istiod.yaml"),
            "service: otel-gateway-collector.opentelemetry.svc.cluster.local"));

  // An app's dashboard comes with the app.
  CHECK(tree->Contains("dashboards/apps/hotrod.json"));
}

TEST_CASE("without a load balancer ingress-nginx listens on node ports; with Istio a Gateway serves Grafana",
          "[addons]") {
  std::string printed;
  const auto no_lb = RenderFleet(
      {{"loadBalancer: metallb", "loadBalancer: none"}, {"type: istio", "type: none"},
       {"addons: [kiali, metrics-server]", "addons: []"}},
      printed);
  REQUIRE(no_lb);
  const std::string& values = FileOf(*no_lb, "components/addons/ingress-nginx/values.yaml");
  CHECK(Has(values, "type: NodePort"));
  CHECK(Has(values, "https: \"32443\""));

  const auto gateway = RenderFleet({{"expose: ingress", "expose: gateway"}}, printed);
  REQUIRE(gateway);
  CHECK(Has(FileOf(*gateway, "components/grafana/exposure/gateway.yaml"), "gatewayClassName: istio"));
  CHECK_FALSE(gateway->Contains("components/addons/ingress-nginx/values.yaml"));
  CHECK(Has(FileOf(*gateway, "bootstrap/00-create-clusters.sh"), "install_gateway_api central"));
}

TEST_CASE("with Linkerd, each cluster's proxies send spans to its own agent, whose mesh identity they verify",
          "[addons]") {
  std::string printed;
  const Edits linkerd = {{"type: istio", "type: linkerd"}, {"addons: [kiali, metrics-server]", "addons: []"}};
  const auto tree = RenderFleet(linkerd, printed);
  REQUIRE(tree);
  const std::string& central = FileOf(*tree, "clusters/central/values/linkerd-control-plane.yaml");
  CHECK(Has(central, "endpoint: alloy-gateway.alloy.svc.cluster.local:4317"));
  CHECK(Has(central, "serviceAccountName: alloy-gateway\n        namespace: alloy\n"));
  const std::string& shop = FileOf(*tree, "clusters/shop/values/linkerd-control-plane.yaml");
  CHECK(Has(shop, "endpoint: otel-gateway-collector.opentelemetry.svc.cluster.local:4317"));
  CHECK(Has(shop, "serviceAccountName: otel-collector\n        namespace: opentelemetry\n"));
  // Istio's Telemetry resource is not Linkerd's business.
  CHECK_FALSE(tree->Contains("components/mesh/telemetry/tracing.yaml"));

  // A cluster without agents has nowhere to send spans.
  Edits quiet_edits = linkerd;
  quiet_edits.emplace_back("agents: otel\n    apps: [hotrod]", "agents: none");
  const auto quiet = RenderFleet(quiet_edits, printed);
  REQUIRE(quiet);
  const std::string& none = FileOf(*quiet, "clusters/shop/values/linkerd-control-plane.yaml");
  CHECK_FALSE(Has(none, "tracing"));
  CHECK(Has(none, "\n{}\n"));
}

TEST_CASE("with the hubble add-on, every node's flow metrics reach the cluster's tenant and the Network folder",
          "[addons]") {
  std::string printed;
  const auto tree = RenderFleet({{"cni: default", "cni: cilium"},
                                 {"type: istio", "type: none"},
                                 {"addons: [kiali, metrics-server]", "addons: [hubble]\ndashboards: [hubble]"}},
                                printed);
  REQUIRE(tree);
  for (const char* cluster : {"central", "shop"}) {
    const std::string& cilium = FileOf(*tree, std::string("clusters/") + cluster + "/values/cilium.yaml");
    CHECK(Has(cilium, "- flow:labelsContext=source_namespace,destination_namespace"));
  }
  CHECK(Has(FileOf(*tree, "components/addons/hubble-metrics/service-monitor.yaml"), "port: hubble-metrics"));
  const std::string& appset = FileOf(*tree, "argocd/applicationsets/hubble-metrics.yaml");
  CHECK(Has(appset, "key: provider"));
  CHECK(Has(appset, "namespace: kube-system"));
  CHECK(Has(FileOf(*tree, "dashboards/kustomization.yaml"), "grafana_folder: 'Network'"));
  CHECK(tree->Contains("dashboards/network/hubble.json"));
}

TEST_CASE("the host proxy forwards this machine's Grafana ports to central's entry on the docker network",
          "[addons]") {
  std::string printed;
  const auto tree =
      RenderFleet({{"addons: [kiali, metrics-server]", "addons: [kiali, metrics-server, host-proxy]"}}, printed);
  REQUIRE(tree);
  const std::string& script = FileOf(*tree, "bootstrap/45-host-proxy.sh");
  CHECK(Has(script, "get service ingress-nginx-controller"));
  CHECK(Has(script, "--network \"kind\""));
  CHECK(Has(script, "--publish 127.0.0.1:80:8080 \\\n  --publish 127.0.0.1:443:8443 \\\n"));
  CHECK(Has(script, "--env \"GRAFANA_443=${target}:443\""));
  CHECK(Has(script, "IMAGE=\"haproxy:3.2.24-alpine\""));
  CHECK(Has(FileOf(*tree, "bootstrap/all.sh"), "45-host-proxy.sh"));

  // Without a load balancer: ingress-nginx's node ports on central's node.
  const auto no_lb = RenderFleet({{"loadBalancer: metallb", "loadBalancer: none"},
                                  {"type: istio", "type: none"},
                                  {"addons: [kiali, metrics-server]", "addons: [host-proxy]"}},
                                 printed);
  REQUIRE(no_lb);
  const std::string& nodes = FileOf(*no_lb, "bootstrap/45-host-proxy.sh");
  CHECK(Has(nodes, "target=\"central-control-plane\""));
  CHECK(Has(nodes, "--env \"GRAFANA_80=${target}:32080\""));
}

TEST_CASE("validation explains what an add-on or a mesh dashboard needs", "[addons]") {
  // Existing clusters keep their own metrics-server: a warning, not an error.
  const std::string existing =
      Edited(kFleet, {{"provider: kind", "provider: existing"}, {"loadBalancer: metallb", "loadBalancer: none"}});
  std::string printed;
  CHECK(test::ValidateSpec("lgtm.yaml", existing, ".", &printed));
  CHECK(Has(printed, "add-on metrics-server is not installed on existing clusters (central, shop)"));

  const std::vector<std::pair<std::string, std::string>> refused = {
      // Kiali reads central's tenant: a central cluster without telemetry has none.
      {Edited(kFleet, {{"    tenant: ops\n    agents: alloy\n", "    agents: none\n"}}),
       "add-on 'kiali' reads the mesh's metrics from central's tenant"},
      {Edited(kFleet, {{"addons: [kiali, metrics-server]", "addons: [metrics-server]\ndashboards: [linkerd-mesh]"}}),
       "dashboard 'linkerd-mesh' needs mesh.type: linkerd"},
      {Edited(kFleet, {{"addons: [kiali, metrics-server]", "addons: [metrics-server]\ndashboards: [hubble]"}}),
       "dashboard 'hubble' needs the hubble add-on (addons: [hubble])"},
      // The host proxy needs Grafana's entry on a cluster the bootstrap creates.
      {Edited(kFleet, {{"addons: [kiali, metrics-server]", "addons: [kiali, host-proxy]"},
                       {"  host: grafana.example.com\n", ""}}),
       "add-on 'host-proxy' forwards to Grafana's Gateway or Ingress, and Grafana is not exposed"},
      {Edited(existing, {{"addons: [kiali, metrics-server]", "addons: [host-proxy]"}, {"type: istio", "type: none"}}),
       "add-on 'host-proxy' runs on the docker network of the clusters the bootstrap creates"},
      {std::string(kFleet) + "dashboards:\n  - {gnetId: 7639, revision: 1}\n  - {gnetId: 7639, revision: 2}\n",
       "grafana.com dashboard 7639 is listed twice"},
  };
  for (const auto& [text, message] : refused) {
    INFO(message);
    printed.clear();
    CHECK_FALSE(test::ValidateSpec("lgtm.yaml", text, ".", &printed));
    CHECK(Has(printed, message));
  }
}
