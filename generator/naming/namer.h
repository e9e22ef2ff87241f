#pragma once
// Every name and path lgtmgen generates comes from here, so that a name is
// spelled one way everywhere and its limits are checked once, when the model
// is validated, not when a file is emitted.
#include <string>

namespace lgtmgen::naming {

/// Kubernetes limits: DNS-1123 labels (and label values) and subdomains.
inline constexpr size_t kMaxLabel = 63;
inline constexpr size_t kMaxSubdomain = 253;
/// Component names (the suffix of `<cluster>-<component>` Application names)
/// are at most this long; Argo CD copies the Application name into the
/// app.kubernetes.io/instance label, so the whole name must fit kMaxLabel.
inline constexpr size_t kMaxComponent = 20;
inline constexpr size_t kMaxClusterName = kMaxLabel - 1 - kMaxComponent;
/// Grafana's limit for datasource and dashboard UIDs.
inline constexpr size_t kMaxGrafanaUid = 40;

[[nodiscard]] bool IsDns1123Label(const std::string& s);

/// Argo CD Application for component on cluster: "<cluster>-<component>".
[[nodiscard]] std::string ApplicationName(const std::string& cluster, const std::string& component);

/// The folder (and datasource UID suffix) of the federated "all tenants"
/// datasources; no tenant may map to it.
inline constexpr const char* kAllTenantsSlug = "all-tenants";

/// A DNS-1123 label for a tenant ID ("_local" → "local"), used for folders and
/// object names. Different tenants can map to the same slug; the validator
/// refuses that.
[[nodiscard]] std::string TenantSlug(const std::string& tenant);

/// The folder name of a tenant's datasources: its slug, prefixed with the
/// environment when each environment has its own backends (the same tenant ID
/// may then exist in two of them).
[[nodiscard]] std::string TenantKey(const std::string& tenant, const std::string& environment);

/// Grafana datasource UID for a backend ("mimir", "loki", "tempo") and a
/// tenant slug: "<backend>-<slug>", shortened with a stable hash to fit
/// kMaxGrafanaUid.
[[nodiscard]] std::string DatasourceUid(const std::string& backend, const std::string& slug);

/// text as a DNS-1123 label of at most max characters: lower-cased, every run
/// of other characters one '-' ("My Dashboard (v2)" → "my-dashboard-v2");
/// fallback when nothing is left.
[[nodiscard]] std::string KebabSlug(const std::string& text, size_t max, const std::string& fallback);

/// The file name stem (and ConfigMap suffix) of a user's dashboard file:
/// "boards/My Board (v2).json" → "my-board-v2".
[[nodiscard]] std::string DashboardFileStem(const std::string& file);


/// Repository-relative paths of the rendered tree.
[[nodiscard]] std::string ClusterDir(const std::string& cluster);
[[nodiscard]] std::string ClusterFacts(const std::string& cluster);
[[nodiscard]] std::string ClusterValues(const std::string& cluster, const std::string& chart);
/// components/<area>/<chart>/values.yaml, or components/<chart>/values.yaml
/// when the chart is an area of its own (grafana).
[[nodiscard]] std::string ComponentValues(const std::string& area, const std::string& chart);
[[nodiscard]] std::string ApplicationSetFile(const std::string& component);

/// path as Argo CD sees it: prefixed with gitops.path unless that is ".".
[[nodiscard]] std::string RepoPath(const std::string& gitops_path, const std::string& path);

/// The kubeconfig context of a cluster of provider: "kind-<name>" for kind,
/// the name itself for minikube (the profile's context) and existing clusters.
[[nodiscard]] std::string KubeContext(const std::string& provider, const std::string& cluster);

}  // namespace lgtmgen::naming
