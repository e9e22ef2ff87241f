#include "emit/components.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "endpoints/addresses.h"
#include "naming/namer.h"

namespace lgtmgen::emit {
namespace {

Selector Is(const std::string& key, std::vector<std::string> values) { return {key, "In", std::move(values)}; }

// ignoreDifferences entries for what charts or controllers regenerate (a
// webhook's CA bundle, its certificate's Secret): not drift.
constexpr const char* kIgnoreMutatingCaBundle =
    "- group: admissionregistration.k8s.io\n  kind: MutatingWebhookConfiguration\n  jqPathExpressions:\n"
    "    - .webhooks[]?.clientConfig.caBundle\n";
constexpr const char* kIgnoreValidatingCaBundle =
    "- group: admissionregistration.k8s.io\n  kind: ValidatingWebhookConfiguration\n  jqPathExpressions:\n"
    "    - .webhooks[]?.clientConfig.caBundle\n";
constexpr const char* kIgnoreCrdConversionCaBundle =
    "- group: apiextensions.k8s.io\n  kind: CustomResourceDefinition\n  jqPathExpressions:\n"
    "    - .spec.conversion.webhook.clientConfig.caBundle\n";
constexpr const char* kIgnoreApiServiceCaBundle =
    "- group: apiregistration.k8s.io\n  kind: APIService\n  jsonPointers:\n    - /spec/caBundle\n";
// The data of Secrets a chart regenerates (a webhook's certificate and key
// from genCA) on every render, named: any other Secret's drift stays visible.
std::string IgnoreSecretData(std::initializer_list<const char*> names) {
  std::string out;
  for (const char* name : names) {
    out += fmt::format("- group: \"\"\n  kind: Secret\n  name: {}\n  jsonPointers:\n    - /data\n", name);
  }
  return out;
}

// The pod-template annotation checksum/config of Deployments whose chart
// hashes a template holding its generated certificates into it: it changes
// on every render, and each sync would roll the pods for nothing.
std::string IgnoreCertChecksum(std::initializer_list<const char*> deployments) {
  std::string out;
  for (const char* name : deployments) {
    out += fmt::format(
        "- group: apps\n  kind: Deployment\n  name: {}\n  jqPathExpressions:\n"
        "    - .spec.template.metadata.annotations[\"checksum/config\"]\n",
        name);
  }
  return out;
}

}  // namespace

// Constant work: it reads the fleet-wide sets the model gathered at build
// time, never the clusters, so calling it once per cluster stays linear.
std::vector<HelmComponent> HelmComponents(const model::Model& model) {
  const std::vector<Selector> central = {Is("role", {"central"})};
  std::vector<HelmComponent> out;
  auto add = [&](HelmComponent c) {
    if (c.values_name.empty()) c.values_name = c.chart;
    out.push_back(std::move(c));
  };
  if (NeedsFleetCa(model)) {
    add({"cert-manager", "cert-manager", "cert-manager", "", "cert-manager", "cert-manager", central, kWaveCrds, true,
         false, true});
  }
  if (model.backends.storage.type == "s3" && model.backends.storage.provider == "minio") {
    add({"minio", "minio", "minio", "", "backends", "minio", central, kWaveStorage, false, false, true});
  }
  // One backend set per instance (environment with isolation: instances),
  // each in its own namespaces; release names stay, so Service names do too.
  for (const std::string& env : Instances(model)) {
    add({InstanceName("mimir", env), "mimir-distributed", "mimir", InstanceName("mimir-distributed", env), "backends",
         InstanceName("mimir", env), central, kWaveBackends, true, false, true});
    add({InstanceName("loki", env), "loki", "loki", InstanceName("loki", env), "backends", InstanceName("loki", env),
         central, kWaveBackends, false, false, true});
    add({InstanceName("tempo", env), "tempo-distributed", "tempo", InstanceName("tempo-distributed", env), "backends",
         InstanceName("tempo", env), central, kWaveBackends, false, false, true});
  }
  add({"grafana", "grafana", "grafana", "", "grafana", kGrafanaNamespace, central, kWaveApps, false, false, true});
  if (InstallsIngressController(model)) {
    add({"ingress-nginx", "ingress-nginx", "ingress-nginx", "", "addons", kIngressNamespace, central, kWaveBackends,
         false, false, true});
  }
  if (model.HasAddon("kiali")) {
    add({"kiali", "kiali-server", "kiali", "", "addons", kIstioNamespace, central, kWaveApps, false, false, true});
  }

  // Every cluster but a control cluster (see Meshed).
  const std::vector<Selector> meshed = {Is("role", {"central", "remote"})};
  if (model.mesh.type == "linkerd") {
    add({"linkerd-crds", "linkerd-crds", "linkerd-crds", "", "mesh", "linkerd", meshed, kWaveCrds, true, false,
         false});
    // The chart generates its webhooks' certificates on every render: the
    // first sync installs a matching set, later syncs keep it (the ignored
    // fields are respected), and Argo CD must not call that drift.
    add({"linkerd", "linkerd-control-plane", "linkerd-control-plane", "", "mesh", "linkerd", meshed, kWaveMesh, false,
         true, false,
         std::string(kIgnoreMutatingCaBundle) + kIgnoreValidatingCaBundle +
             IgnoreSecretData({"linkerd-proxy-injector-k8s-tls", "linkerd-sp-validator-k8s-tls",
                               "linkerd-policy-validator-k8s-tls"}) +
             IgnoreCertChecksum({"linkerd-destination", "linkerd-proxy-injector"})});
    add({"linkerd-multicluster", "linkerd-multicluster", "linkerd-multicluster", "", "mesh", "linkerd-multicluster",
         meshed, kWaveMesh, false, true, false});
    if (model.HasAddon("linkerd-viz")) {
      // tap's certificates are generated on every render, as in the control
      // plane; tap reads the API server's authentication configuration in
      // kube-system (RoleBinding linkerd-linkerd-viz-tap-auth-reader).
      add({"linkerd-viz", "linkerd-viz", "linkerd-viz", "", "mesh", "linkerd-viz", meshed, kWaveAgents, false, false,
           false,
           std::string(kIgnoreMutatingCaBundle) + kIgnoreApiServiceCaBundle +
               IgnoreSecretData({"tap-k8s-tls", "tap-injector-k8s-tls"}) +
               IgnoreCertChecksum({"metrics-api", "tap", "tap-injector"}),
           {"kube-system"}});
    }
  }
  if (model.mesh.type == "istio") {
    // istiod fills in its webhooks' CA bundle and flips the validating
    // webhook's failurePolicy once it is ready: not drift, in the webhooks
    // istiod's chart renders and in istiod-default-validator, base's.
    const std::string istiod_patches =
        std::string(kIgnoreValidatingCaBundle) + "    - .webhooks[]?.failurePolicy\n";
    add({"istio-base", "base", "istio-base", "istio-base", "mesh", kIstioNamespace, meshed, kWaveCrds, true, false,
         false, istiod_patches});
    add({"istiod", "istiod", "istiod", "", "mesh", kIstioNamespace, meshed, kWaveMesh, false, true, false,
         kIgnoreMutatingCaBundle + istiod_patches});
    if (model.mesh.IstioAmbient()) {
      add({"istio-cni", "cni", "istio-cni", "istio-cni", "mesh", kIstioNamespace, meshed, kWaveMesh, false, false,
           false});
      add({"ztunnel", "ztunnel", "ztunnel", "", "mesh", kIstioNamespace, meshed, kWaveMesh, false, true, false});
    } else {
      // Central's east-west gateway: remote sidecars reach its services
      // through it (port 15443, mTLS passed through by SNI).
      add({"istio-eastwest", "gateway", "istio-eastwestgateway", "istio-eastwestgateway", "mesh", kIstioNamespace,
           central, kWaveStorage, false, true, true});
    }
  }
  const auto& used = model.scenarios_in_use;
  if (used.count("prometheus-vector") != 0 || used.count("otel") != 0) {
    // The Prometheus Operator's CRDs exceed client-side apply's annotation limit.
    add({"prometheus", "kube-prometheus-stack", "kube-prometheus-stack", "", "agents", kMonitoringNamespace,
         {Is("agentScenario", {"prometheus-vector", "otel"})}, kWaveAgents, true, true, false});
  }
  if (used.count("prometheus-vector") != 0) {
    if (model.log_shippers_in_use.count("vector") != 0) {
      add({"vector", "vector", "vector", "", "agents", "logging", {Is("logShipper", {"vector"})}, kWaveAgents, false,
           true, false});
    }
    if (model.log_shippers_in_use.count("fluent-bit") != 0) {
      add({"fluent-bit", "fluent-bit", "fluent-bit", "", "agents", "logging", {Is("logShipper", {"fluent-bit"})},
           kWaveAgents, false, true, false});
    }
    add({"alloy-traces", "alloy", "alloy-traces", "alloy-traces", "agents", "tracing",
         {Is("agentScenario", {"prometheus-vector"})}, kWaveAgents, false, true, false});
  }
  if (SomeClusterRunsAgents(model)) {
    // Every agent scenario reads ServiceMonitors and PodMonitors, and central's
    // back ends render theirs: the CRDs come first (wave 0), from one chart on
    // every cluster with agents, so nothing waits for the agents' wave.
    add({"prometheus-crds", "prometheus-operator-crds", "prometheus-operator-crds", "", "agents",
         kMonitoringNamespace, {{"agentScenario", "NotIn", {"none"}}}, kWaveCrds, true, false, false});
  }
  if (used.count("alloy") != 0) {
    const std::vector<Selector> alloy = {Is("agentScenario", {"alloy"})};
    add({"alloy", "alloy", "alloy", "", "agents", "alloy", alloy, kWaveAgents, false, true, false});
    add({"alloy-gateway", "alloy", "alloy-gateway", "alloy-gateway", "agents", "alloy", alloy, kWaveAgents, false,
         true, false});
    // Kubernetes events, from one replica so that each is sent once.
    add({"alloy-events", "alloy", "alloy-events", "alloy-events", "agents", "alloy", alloy, kWaveAgents, false, true,
         false});
    // The object state the alloy gateway scrapes through the chart's
    // ServiceMonitor (kube_pod_*, kube_node_info, ...), as kube-prometheus-stack
    // gives the other scenarios.
    add({"kube-state-metrics", "kube-state-metrics", "kube-state-metrics", "", "agents", "alloy", alloy, kWaveAgents,
         false, false, false});
  }
  if (used.count("otel") != 0) {
    // The chart generates its webhook certificate on every render (see the
    // component's values): as for Linkerd, the first sync installs it and
    // later syncs keep it.
    add({"otel-operator", "opentelemetry-operator", "opentelemetry-operator", "", "agents", kOtelNamespace,
         {Is("agentScenario", {"otel"})}, kWaveCrds, true, false, false,
         std::string(kIgnoreMutatingCaBundle) + kIgnoreValidatingCaBundle + kIgnoreCrdConversionCaBundle +
             IgnoreSecretData({"opentelemetry-operator-controller-manager-service-cert"})});
  }
  if (model.HasAddon("metrics-server")) {
    // Only where the bootstrap made the cluster: managed clusters bring their
    // own, and two would fight over the APIService v1beta1.metrics.k8s.io.
    add({"metrics-server", "metrics-server", "metrics-server", "", "addons", "kube-system",
         {Is("role", {"central", "remote"}), Is("provider", {"kind", "minikube"})}, kWaveAgents, false, false,
         false});
  }
  if (model.apps_in_use.count("otel-demo") != 0) {
    add({"otel-demo", "opentelemetry-demo", "otel-demo", "otel-demo", "apps", "otel-demo",
         {Is(AppFact("otel-demo"), {"true"})}, kWaveApps, false, true, false});
  }
  return out;
}

std::vector<KustomizeComponent> KustomizeComponents(const model::Model& model) {
  const std::vector<Selector> central = {Is("role", {"central"})};
  std::vector<KustomizeComponent> out;
  out.push_back({"datasources", "cluster that ships telemetry: its tenant's Grafana datasources",
                 "tenants/{{.tenantSlug}}", {{"role", "NotIn", {"control"}}}, true, kGrafanaNamespace, kWaveApps,
                 false});
  if (model.backends.federation) {
    for (const std::string& env : Instances(model)) {
      out.push_back({InstanceName("federated", env),
                     "central cluster: the federated (all tenants) Grafana datasources",
                     "tenants/" + InstanceName(naming::kAllTenantsSlug, env), central, true, kGrafanaNamespace,
                     kWaveApps, false});
    }
  }
  if (NeedsFleetCa(model)) {
    out.push_back({"fleet-ca", "central cluster: the fleet CA's ClusterIssuer", kFleetCaPath, central, true,
                   "cert-manager", kWaveStorage, true});
  }
  if (NeedsIngest(model)) {
    out.push_back({"ingest", "central cluster: the ingest proxy every remote agent writes through", kIngestPath,
                   central, true, kIngestNamespace, kWaveBackends, true});
  }
  if (GrafanaExposed(model) && (model.grafana.expose == "gateway" || SelfSignedTls(model))) {
    out.push_back({"grafana-expose", "central cluster: Grafana's Gateway or certificate for " + model.grafana.host,
                   kGrafanaExposurePath, central, true, kGrafanaNamespace, kWaveApps, SelfSignedTls(model)});
  }
  if (model.mesh.type == "istio") {
    out.push_back({"istio-expose", "central cluster: its east-west Gateway for the other networks", kIstioExposePath,
                   central, true, kIstioNamespace, kWaveStorage, true});
  }
  if (model.mesh.type == "linkerd" && NeedsIngest(model)) {
    out.push_back({"linkerd-gateway-policy", "central cluster: keeps Linkerd's multicluster gateway to the ingest proxy",
                   kLinkerdGatewayPolicyPath, central, true, "linkerd-multicluster", kWaveMesh, false});
  }
  if (HasMeshTelemetry(model)) {
    out.push_back({"mesh-telemetry", "cluster in the mesh that ships telemetry: the mesh's monitors and tracing",
                   kMeshTelemetryPath,
                   {Is("role", {"central", "remote"}), {"agentScenario", "NotIn", {"none"}}}, false,
                   MeshTelemetryNamespace(model), kWaveAgents, true});
  }
  if (HasHubbleMetrics(model)) {
    // Cilium, and so Hubble, runs where the bootstrap installed it.
    out.push_back({"hubble-metrics", "cluster the bootstrap created with Cilium that ships telemetry: Hubble's flow "
                   "metrics", kHubbleMetricsPath,
                   {Is("role", {"central", "remote"}), Is("provider", {"kind", "minikube"}),
                    {"agentScenario", "NotIn", {"none"}}},
                   false, "kube-system", kWaveAgents, true});
  }
  if (NeedsGlobalServiceStubs(model)) {
    out.push_back({"global-services", "remote cluster that ships telemetry: the stand-in of central's ingest proxy",
                   kGlobalServicesPath,
                   {Is("role", {"remote"}), {"agentScenario", "NotIn", {"none"}}}, false, "default", kWaveMesh,
                   false});
  }
  if (RepoDashboardCount(model) > 0) {
    out.push_back({"dashboards", "central cluster: the Grafana dashboards (dashboards/)", "dashboards", central, true,
                   kGrafanaNamespace, kWaveApps, false, true});
  }
  // Beside the back ends that mount its ConfigMaps; until their namespaces
  // exist, its syncs fail and are retried.
  out.push_back({"alerts", "central cluster: the rule files and Alertmanager configuration Mimir and Loki mount (alerts/)",
                 "alerts", central, true, InstanceName("mimir", Instances(model).front()), kWaveBackends, false});
  for (const char* app : kKustomizeApps) {
    if (model.apps_in_use.count(app) == 0) continue;
    out.push_back({std::string("app-") + app, std::string("cluster running the demo app ") + app,
                   std::string("clusters/{{.name}}/apps/") + app, {Is(AppFact(app), {"true"})}, false, app,
                   kWaveApps, true});
  }
  if (model.federated_clusters > 0) {
    out.push_back({"federation", "cluster with metricsTransport: federation: its /federate endpoint for central",
                   kFederationPath, {Is("metricsTransport", {"federation"})}, false, kMonitoringNamespace, kWaveAgents,
                   false});
  }
  if (model.scenarios_in_use.count("otel") != 0) {
    out.push_back({"otel-collectors", "cluster of the otel scenario: its OpenTelemetry collectors",
                   "clusters/{{.name}}/otel-collectors", {Is("agentScenario", {"otel"})}, false, kOtelNamespace,
                   kWaveAgents, true});
  }
  return out;
}

bool SomeClusterRunsAgents(const model::Model& model) {
  const auto& used = model.scenarios_in_use;
  return used.size() > used.count("none");
}

bool HasMeshTelemetry(const model::Model& model) {
  return (model.mesh.type == "istio" || model.mesh.type == "linkerd") && SomeClusterRunsAgents(model);
}

bool HasHubbleMetrics(const model::Model& model) {
  return model.HasAddon("hubble") && model.platform.cni == "cilium" && SomeClusterRunsAgents(model);
}

std::string MeshTelemetryNamespace(const model::Model& model) {
  return model.mesh.type == "istio" ? kIstioNamespace : "linkerd";
}

bool MeshTracing(const model::Model& model) {
  return HasMeshTelemetry(model) && (model.mesh.type == "linkerd" || !model.mesh.IstioAmbient());
}

render::Vars MeshTracingVars(const model::Model& model, const model::Cluster& cluster) {
  const bool tracing = MeshTracing(model) && cluster.HasAgents();
  const OtlpReceiver receiver = tracing ? LocalOtlpReceiver(cluster.agents) : OtlpReceiver{};
  // Istio and Linkerd both need the fully qualified name.
  return {{"tracing", render::Flag(tracing)},
          {"tracing_host", tracing ? LocalOtlpHost(cluster.agents) + ".cluster.local" : ""},
          {"tracing_service_account", receiver.service_account},
          {"tracing_namespace", receiver.ns}};
}

bool Meshed(const model::Model& model, const model::Cluster& cluster) {
  return model.mesh.type != "none" && cluster.role != "control";
}

std::string MeshNamespaceMetadata(const model::Model& model, const std::string& ns) {
  static const std::set<std::string> kAgentNamespaces = {kMonitoringNamespace, "logging", "tracing", "alloy", kOtelNamespace};
  // Istio reads a cluster's network from its system namespace.
  if (model.mesh.type == "istio" && ns == kIstioNamespace) return "labels:\n  topology.istio.io/network: '{{.name}}'";
  const bool backend = ns.rfind("mimir", 0) == 0 || ns.rfind("loki", 0) == 0 || ns.rfind("tempo", 0) == 0;
  // The ingest proxy is meshed: remote agents reach it over the mesh's mTLS.
  if (!backend && ns != kIngestNamespace && kAgentNamespaces.count(ns) == 0) return "";
  if (model.mesh.type == "linkerd") return "annotations:\n  linkerd.io/inject: enabled";
  if (model.mesh.type == "istio") {
    return model.mesh.IstioAmbient() ? "labels:\n  istio.io/dataplane-mode: ambient"
                                              : "labels:\n  istio-injection: enabled";
  }
  return "";
}

std::string AppFact(const std::string& app) {
  std::string fact = "app";
  bool upper = true;
  for (char ch : app) {
    if (ch == '-') {
      upper = true;
      continue;
    }
    fact += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    upper = false;
  }
  return fact;
}

std::string Fact(const model::Model& model, const model::Cluster& cluster, const std::string& key) {
  for (const char* app : kAllApps) {
    if (key == AppFact(app)) {
      return std::find(cluster.apps.begin(), cluster.apps.end(), app) != cluster.apps.end() ? "true" : "false";
    }
  }
  if (key == "role") return cluster.role;
  if (key == "agentScenario") return cluster.agents;
  if (key == "logShipper") return cluster.agents == "prometheus-vector" ? cluster.log_shipper : "";
  if (key == "metricsTransport") return cluster.agents == "prometheus-vector" ? cluster.metrics_transport : "";
  if (key == "mesh") return model.mesh.type;
  if (key == "provider") return cluster.provider;
  return {};
}

bool Selects(const model::Model& model, const model::Cluster& cluster, const std::vector<Selector>& selectors) {
  for (const Selector& s : selectors) {
    const std::string value = Fact(model, cluster, s.key);
    bool in = false;
    for (const std::string& v : s.values) in = in || v == value;
    if (in != (s.op == "In")) return false;
  }
  return true;
}

std::vector<HelmComponent> ComponentsOn(const model::Model& model, const model::Cluster& cluster) {
  std::vector<HelmComponent> out;
  for (const HelmComponent& c : HelmComponents(model)) {
    if (Selects(model, cluster, c.selectors)) out.push_back(c);
  }
  return out;
}

std::string ApiServerForArgoCd(const model::Model& model, const model::Cluster& c) {
  if (c.name == model.gitops.argocd_cluster) return "https://kubernetes.default.svc";
  return endpoints::ApiServerUrl(model, c);
}

std::vector<std::string> Instances(const model::Model& model) {
  if (model.isolation != "instances") return {""};
  return {model.environments_in_use.begin(), model.environments_in_use.end()};
}

std::string BackendSet(const model::Model& model, const model::Cluster& cluster) {
  return model.isolation == "instances" && !cluster.environment.empty() ? cluster.environment : "default";
}

bool NeedsGlobalServiceStubs(const model::Model& model) {
  const bool global = model.mesh.type == "cilium-clustermesh" || model.mesh.IstioAmbient();
  return global && model.remotes_with_agents > 0;
}

std::string InstanceName(const std::string& name, const std::string& environment) {
  return environment.empty() ? name : name + "-" + environment;
}

bool NeedsIngest(const model::Model& model) { return model.remotes_with_agents > 0; }

bool HasVerifyStep(const model::Model& model) {
  return std::any_of(model.clusters.begin(), model.clusters.end(),
                     [](const model::Cluster& c) { return c.HasAgents(); });
}

bool NeedsFleetCa(const model::Model& model) { return SelfSignedTls(model) || NeedsIngest(model); }

std::string IngestUserFile(const std::string& environment) { return InstanceName("htpasswd", environment); }

bool GrafanaExposed(const model::Model& model) { return !model.grafana.host.empty(); }

std::vector<std::string> FleetViewTenants(const model::Model& model) {
  const model::Cluster& central = model.Central();
  const std::string env = endpoints::InstanceOf(model, central);
  std::set<std::string> tenants;
  for (const model::Cluster& c : model.clusters) {
    if (!c.tenant.empty() && endpoints::InstanceOf(model, c) == env) tenants.insert(c.tenant);
  }
  if (model.backends.federation || tenants.empty()) return {tenants.begin(), tenants.end()};
  if (central.HasAgents()) return {central.tenant};
  for (const model::Cluster& c : model.clusters) {  // the first that has data
    if (c.HasAgents() && endpoints::InstanceOf(model, c) == env) return {c.tenant};
  }
  return {*tenants.begin()};
}

std::string FleetViewSlug(const model::Model& model) {
  const std::string env = endpoints::InstanceOf(model, model.Central());
  if (model.backends.federation) return InstanceName(naming::kAllTenantsSlug, env);
  const std::vector<std::string> tenants = FleetViewTenants(model);
  return naming::TenantKey(tenants.empty() ? "" : tenants.front(), env);
}

std::string MimirQueryUrl(const std::string& environment) {
  return fmt::format("http://mimir-gateway.{}.svc/prometheus", InstanceName("mimir", environment));
}

std::string LokiQueryUrl(const std::string& environment) {
  return fmt::format("http://loki-gateway.{}.svc", InstanceName("loki", environment));
}

std::string TempoQueryUrl(const std::string& environment) {
  return fmt::format("http://tempo-query-frontend.{}.svc:3200", InstanceName("tempo", environment));
}

size_t RepoDashboardCount(const model::Model& model) {
  return static_cast<size_t>(std::count_if(model.dashboards.begin(), model.dashboards.end(),
                                           [](const model::Dashboard& d) { return d.gnet_id == 0; }));
}

std::string GrafanaGatewayClass(const model::Model& model) {
  return model.platform.cni == "cilium" ? "cilium" : "istio";
}

bool InstallsIngressController(const model::Model& model) {
  return GrafanaExposed(model) && model.grafana.expose == "ingress" && model.Central().IsLocal();
}

std::string IngressServiceType(const model::Model& model) {
  return model.platform.load_balancer == "none" ? "NodePort" : "LoadBalancer";
}

bool SelfSignedTls(const model::Model& model) { return GrafanaExposed(model) && model.grafana.tls == "self-signed"; }

}  // namespace lgtmgen::emit
