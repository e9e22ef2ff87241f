#pragma once
// What lgtmgen deploys and where: one row per Argo CD ApplicationSet, each
// with the selector that picks its clusters from the cluster.json facts.
// Emitters for Argo CD, values files and READMEs read these tables, so a
// component is declared once.
#include <string>
#include <vector>

#include "endpoints/resolver.h"
#include "model/model.h"
#include "render/template.h"

namespace lgtmgen::emit {

/// Argo CD sync waves: the order root applies ApplicationSets in.
enum Wave : int { kWaveProjects = -1, kWaveCrds = 0, kWaveMesh = 1, kWaveStorage = 2, kWaveBackends = 3,
                  kWaveAgents = 4, kWaveApps = 5 };

/// One requirement of an ApplicationSet's post-selector on a cluster.json fact.
struct Selector {
  std::string key;
  std::string op;  ///< "In" or "NotIn"
  std::vector<std::string> values;
};

struct HelmComponent {
  std::string name;         ///< ApplicationSet name and Application suffix (≤ naming::kMaxComponent)
  std::string chart;        ///< catalog chart name
  std::string release;      ///< Helm release name; Service names derive from it
  std::string values_name;  ///< file name of its values: components/<area>/<values_name>/values.yaml
                            ///< and clusters/<cluster>/values/<values_name>.yaml
  std::string area;
  std::string ns;  ///< namespace it installs into
  std::vector<Selector> selectors;
  int wave = kWaveBackends;
  bool server_side_apply = false;    ///< CRD-heavy charts: objects too large for client-side apply
  bool per_cluster_values = false;   ///< an emitter writes real per-cluster values (else "{}")
  bool central = false;              ///< runs only on the central cluster (AppProject central)
  /// Fields Argo CD must not compare (an ignoreDifferences list, as YAML), for
  /// values the chart regenerates on every render.
  std::string ignore_differences;
  /// Namespaces besides ns the chart renders objects in (its AppProject must
  /// permit them), e.g. a RoleBinding in kube-system.
  std::vector<std::string> also_in = {};
};

/// A directory of our own manifests that Argo CD builds with Kustomize.
struct KustomizeComponent {
  std::string name;         ///< ApplicationSet name and Application suffix
  std::string description;  ///< completes "One Application per ..."
  std::string path;         ///< repository path; may use {{.fact}} placeholders
  std::vector<Selector> selectors;
  bool to_central;  ///< applied to the central cluster (else to the selected cluster itself)
  std::string ns;
  int wave;
  bool needs_crds;  ///< uses kinds another Application's CRDs define
  /// Objects can outgrow client-side apply's 256 KiB annotation (a large
  /// dashboard's ConfigMap).
  bool server_side_apply = false;
};

/// Every Helm component the fleet deploys, in a fixed order.
[[nodiscard]] std::vector<HelmComponent> HelmComponents(const model::Model& model);
/// Every Kustomize component the fleet deploys, in a fixed order.
[[nodiscard]] std::vector<KustomizeComponent> KustomizeComponents(const model::Model& model);

/// The demo apps of the catalog; all but otel-demo (a Helm chart) are our own
/// Kustomize directories.
inline constexpr const char* kAllApps[] = {"tns", "otel-demo", "hotrod", "instrumented-app"};
inline constexpr const char* kKustomizeApps[] = {"tns", "hotrod", "instrumented-app"};
/// The cluster.json fact saying whether a cluster runs app ("appOtelDemo").
[[nodiscard]] std::string AppFact(const std::string& app);

/// True when every selector accepts cluster's facts.
[[nodiscard]] bool Selects(const model::Model& model, const model::Cluster& cluster,
                           const std::vector<Selector>& selectors);
/// The Helm components installed on cluster.
[[nodiscard]] std::vector<HelmComponent> ComponentsOn(const model::Model& model, const model::Cluster& cluster);
/// The cluster.json fact key of cluster (every fact is a string).
[[nodiscard]] std::string Fact(const model::Model& model, const model::Cluster& cluster, const std::string& key);

/// The Service in a cluster that receives its applications' OTLP (4317 gRPC,
/// 4318 HTTP) and, except in the otel scenario, Jaeger (14268) and Zipkin
/// (9411): the agent of scenario. "" for none.
[[nodiscard]] std::string LocalOtlpHost(const std::string& scenario);
/// The workload behind LocalOtlpHost(scenario): its ServiceAccount and
/// namespace, which are its mesh identity. Empty fields for none.
struct OtlpReceiver {
  std::string service_account;
  std::string ns;
};
[[nodiscard]] OtlpReceiver LocalOtlpReceiver(const std::string& scenario);

/// The backend sets: {""} with isolation: tenants, else the environments.
[[nodiscard]] std::vector<std::string> Instances(const model::Model& model);
/// The cluster.json fact naming the backend set a cluster writes to: its
/// environment with isolation: instances, else "default".
[[nodiscard]] std::string BackendSet(const model::Model& model, const model::Cluster& cluster);
/// True when remote clusters need local stand-ins of central's ingest
/// Services (Istio ambient, Cilium ClusterMesh: global services).
[[nodiscard]] bool NeedsGlobalServiceStubs(const model::Model& model);

/// "name" or "name-<environment>": how a per-instance thing is named.
[[nodiscard]] std::string InstanceName(const std::string& name, const std::string& environment);

/// True when a remote cluster runs agents: the central cluster then publishes
/// its write paths through the ingest proxy (under every mesh).
[[nodiscard]] bool NeedsIngest(const model::Model& model);

/// Whether the bootstrap has step 60 (bootstrap/60-verify.sh): some cluster
/// runs agents, so there is data to look for.
[[nodiscard]] bool HasVerifyStep(const model::Model& model);
/// True when the fleet CA signs something (Grafana's or the proxy's cert).
[[nodiscard]] bool NeedsFleetCa(const model::Model& model);
/// The ingest proxy's user file of a backend set ("htpasswd", "htpasswd-prod"):
/// a key of the Secret lgtm-ingest-htpasswd.
[[nodiscard]] std::string IngestUserFile(const std::string& environment);
/// The `ports:` items of the ingest proxy's Service (indented for a Service
/// spec), with node ports when node_ports; remote stand-ins use the same.
[[nodiscard]] std::string IngestServicePorts(const model::Model& model, bool node_ports);

/// True when Grafana gets a host name served through a Gateway or an Ingress.
[[nodiscard]] bool GrafanaExposed(const model::Model& model);
/// True when lgtmgen installs ingress-nginx on the central cluster: Grafana
/// is exposed by an Ingress on a cluster the bootstrap created (an existing
/// cluster's own ingress controller serves it there).
[[nodiscard]] bool InstallsIngressController(const model::Model& model);
/// The Service type of that controller: LoadBalancer from the platform's
/// pool, or NodePort (kIngressHttpNodePort, kIngressHttpsNodePort) without one.
[[nodiscard]] std::string IngressServiceType(const model::Model& model);
/// The query URLs of a backend set's Mimir (Prometheus API), Loki and Tempo,
/// as clients on the central cluster (Grafana, Kiali) reach them.
[[nodiscard]] std::string MimirQueryUrl(const std::string& environment);
[[nodiscard]] std::string LokiQueryUrl(const std::string& environment);
[[nodiscard]] std::string TempoQueryUrl(const std::string& environment);
/// The dashboards in dashboards/ (catalog and files): all but grafana.com's.
[[nodiscard]] size_t RepoDashboardCount(const model::Model& model);
/// The tenants a fleet-wide view on the central cluster reads (Kiali, the
/// grafana.com dashboards): every tenant of central's backend set with
/// tenant federation, else central's own when it runs agents, else that of
/// the first cluster there that does.
[[nodiscard]] std::vector<std::string> FleetViewTenants(const model::Model& model);
/// The datasource set (tenants/<slug>/) for the same tenants.
[[nodiscard]] std::string FleetViewSlug(const model::Model& model);
/// The GatewayClass of Grafana's Gateway (grafana.expose: gateway): Cilium's
/// with the Cilium CNI, else Istio's (istiod deploys a gateway per Gateway).
[[nodiscard]] std::string GrafanaGatewayClass(const model::Model& model);
/// True when lgtmgen issues Grafana's certificate (cert-manager, self-signed CA).
[[nodiscard]] bool SelfSignedTls(const model::Model& model);

/// The API server URL of cluster as Argo CD's pods reach it: the in-cluster
/// address for the cluster Argo CD runs on, the kind node name on the docker
/// network for other kind clusters, and "" when only the user's kubeconfig
/// knows it (the bootstrap reads it from there).
[[nodiscard]] std::string ApiServerForArgoCd(const model::Model& model, const model::Cluster& cluster);


/// True when the mesh (Istio or Linkerd) has telemetry for an agent to
/// scrape: some cluster runs agents.
[[nodiscard]] bool HasMeshTelemetry(const model::Model& model);
/// True when some cluster's agentScenario is not none.
[[nodiscard]] bool SomeClusterRunsAgents(const model::Model& model);
/// True when the hubble add-on's flow metrics have an agent to scrape them:
/// Cilium (installed by the bootstrap) and some cluster with agents.
[[nodiscard]] bool HasHubbleMetrics(const model::Model& model);
/// The namespace of the mesh's monitors: its control plane's.
[[nodiscard]] std::string MeshTelemetryNamespace(const model::Model& model);
/// True when the mesh's proxies report spans: Istio sidecars and Linkerd
/// proxies (ztunnel makes none).
[[nodiscard]] bool MeshTracing(const model::Model& model);
/// The template variables of where cluster's proxies send their spans (its
/// agent's OTLP gRPC): tracing (flag), tracing_host (fully qualified),
/// tracing_service_account, tracing_namespace (the agent's mesh identity).
/// tracing is "false" and the others "" when its proxies report no spans.
[[nodiscard]] render::Vars MeshTracingVars(const model::Model& model, const model::Cluster& cluster);

/// The clusters a service mesh joins: all but a control cluster.
[[nodiscard]] bool Meshed(const model::Model& model, const model::Cluster& cluster);
/// The labels or annotations (a YAML block for an Application's
/// managedNamespaceMetadata) that enrol namespace ns in the mesh, or "" when
/// its workloads stay out: the back ends, which remote agents reach through
/// the mesh, and the agents, which send through it.
[[nodiscard]] std::string MeshNamespaceMetadata(const model::Model& model, const std::string& ns);

/// The pod annotation (a YAML map entry) that keeps a pod of an enrolled
/// namespace out of the mesh (webhook servers, Jobs), or "" without a mesh.
[[nodiscard]] std::string MeshOptOutAnnotation(const model::Model& model);

/// The metadata (a YAML block of labels or annotations) that exports a
/// central Service to the other clusters of the mesh, or "" when the mesh
/// needs none.
[[nodiscard]] std::string MeshExportMetadata(const model::Model& model);

/// Namespaces and paths shared by several emitters.
inline constexpr const char* kGrafanaNamespace = "grafana";
inline constexpr const char* kGrafanaExposurePath = "components/grafana/exposure";
inline constexpr const char* kOtelNamespace = "opentelemetry";
/// kube-prometheus-stack's namespace.
inline constexpr const char* kMonitoringNamespace = "monitoring";
inline constexpr const char* kIstioNamespace = "istio-system";
inline constexpr const char* kIstioExposePath = "components/mesh/istio/expose";
inline constexpr const char* kGlobalServicesPath = "components/mesh/global-services";
inline constexpr const char* kMeshTelemetryPath = "components/mesh/telemetry";
inline constexpr const char* kHubbleMetricsPath = "components/addons/hubble-metrics";
inline constexpr const char* kLinkerdGatewayPolicyPath = "components/mesh/linkerd-gateway-policy";
inline constexpr const char* kFleetCaPath = "components/fleet-ca";
inline constexpr const char* kIngestPath = "components/ingest";
inline constexpr const char* kIngestNamespace = endpoints::kIngestNamespace;
inline constexpr const char* kFederationPath = "components/federation";
/// The node port of each cluster's clustermesh-apiserver (ClusterMesh).
inline constexpr int kClusterMeshApiserverPort = 32379;
/// ingress-nginx's namespace and node ports (loadBalancer: none).
inline constexpr const char* kIngressNamespace = "ingress-nginx";
inline constexpr int kIngressHttpNodePort = 32080;
inline constexpr int kIngressHttpsNodePort = 32443;
/// The node port of a federated cluster's /federate endpoint.
inline constexpr int kFederationNodePort = 30090;

}  // namespace lgtmgen::emit
