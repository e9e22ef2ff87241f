#pragma once
// The Helm components lgtmgen deploys and where: one row per Argo CD
// ApplicationSet. Emitters for Argo CD, values files and READMEs read this
// table, so a component is declared once.
#include <string>
#include <vector>

#include "model/model.h"

namespace lgtmgen::emit {

/// Argo CD sync waves: the order root applies ApplicationSets in.
enum Wave : int { kWaveProjects = -1, kWaveCrds = 0, kWaveMesh = 1, kWaveStorage = 2, kWaveBackends = 3,
                  kWaveAgents = 4, kWaveApps = 5 };

struct HelmComponent {
  std::string name;       ///< ApplicationSet name and Application suffix (≤ naming::kMaxComponent)
  std::string chart;      ///< catalog chart name
  std::string release;    ///< Helm release name; Service names derive from it
  std::string area;       ///< components/<area>/<chart>/values.yaml
  std::string ns;         ///< namespace it installs into
  std::string selector;   ///< cluster.json fact key the ApplicationSet selects on
  std::string selector_value;
  int wave = kWaveBackends;
  bool server_side_apply = false;
};

/// A directory of our own manifests that Argo CD builds with Kustomize and
/// applies to the central cluster, once per selected cluster.
struct KustomizeComponent {
  std::string name;         ///< ApplicationSet name and Application suffix
  std::string description;  ///< completes "One Application per ..."
  std::string path;         ///< repository path; may use {{.fact}} placeholders
  bool central_only;        ///< selects the central cluster, else every cluster with a tenant
  std::string ns;
  int wave;
  bool needs_crds;          ///< uses kinds another Application's CRDs define
};

/// Every Kustomize component the fleet deploys, in a fixed order.
[[nodiscard]] std::vector<KustomizeComponent> KustomizeComponents(const model::Model& model);

/// True when Grafana gets a host name served through a Gateway or an Ingress.
[[nodiscard]] bool GrafanaExposed(const model::Model& model);
/// True when lgtmgen issues Grafana's certificate (cert-manager, self-signed CA).
[[nodiscard]] bool SelfSignedTls(const model::Model& model);

/// Every Helm component the fleet deploys, in a fixed order.
[[nodiscard]] std::vector<HelmComponent> HelmComponents(const model::Model& model);

/// The components installed on cluster (those whose selector matches it).
[[nodiscard]] std::vector<HelmComponent> ComponentsOn(const model::Model& model, const model::Cluster& cluster);

/// The cluster.json fact a selector reads, for cluster.
[[nodiscard]] std::string Fact(const model::Model& model, const model::Cluster& cluster, const std::string& key);

/// The API server URL of cluster as Argo CD's pods reach it: the in-cluster
/// address for the cluster Argo CD runs on, the kind node name on the docker
/// network for other kind clusters, and "" when only the user's kubeconfig
/// knows it (the bootstrap reads it from there).
[[nodiscard]] std::string ApiServerForArgoCd(const model::Model& model, const model::Cluster& cluster);

/// Namespaces of the central stack.
inline constexpr const char* kGrafanaNamespace = "grafana";
/// Where Grafana's Gateway, certificate and CA issuers live.
inline constexpr const char* kGrafanaExposurePath = "components/grafana/exposure";

}  // namespace lgtmgen::emit
