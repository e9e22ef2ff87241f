#include "emit/components.h"

#include "naming/namer.h"

namespace lgtmgen::emit {

std::string ApiServerForArgoCd(const model::Model& model, const model::Cluster& c) {
  if (c.name == model.gitops.argocd_cluster) return "https://kubernetes.default.svc";
  if (model.platform.provider == "kind") return "https://" + c.name + "-control-plane:6443";
  return "";
}

bool GrafanaExposed(const model::Model& model) { return !model.grafana.host.empty(); }

bool SelfSignedTls(const model::Model& model) { return GrafanaExposed(model) && model.grafana.tls == "self-signed"; }

std::vector<KustomizeComponent> KustomizeComponents(const model::Model& model) {
  std::vector<KustomizeComponent> out;
  out.push_back({"datasources", "cluster that ships telemetry: its tenant's Grafana datasources",
                 "tenants/{{.tenantSlug}}", false, kGrafanaNamespace, kWaveApps, false});
  if (model.backends.federation) {
    out.push_back({"datasources-all", "central cluster: the federated (all tenants) Grafana datasources",
                   std::string("tenants/") + naming::kAllTenantsSlug, true, kGrafanaNamespace, kWaveApps, false});
  }
  if (GrafanaExposed(model) && (model.grafana.expose == "gateway" || SelfSignedTls(model))) {
    out.push_back({"grafana-expose", "central cluster: Grafana's Gateway or certificate for " + model.grafana.host,
                   kGrafanaExposurePath, true, kGrafanaNamespace, kWaveApps, SelfSignedTls(model)});
  }
  return out;
}

std::vector<HelmComponent> HelmComponents(const model::Model& model) {
  std::vector<HelmComponent> out;
  if (SelfSignedTls(model)) {
    out.push_back({"cert-manager", "cert-manager", "cert-manager", "cert-manager", "cert-manager", "role", "central",
                   kWaveCrds, true});
  }
  if (model.backends.storage.type == "s3" && model.backends.storage.provider == "minio") {
    out.push_back({"minio", "minio", "minio", "backends", "minio", "role", "central", kWaveStorage, false});
  }
  // mimir-distributed pulls CRDs and large objects: server-side apply.
  out.push_back({"mimir", "mimir-distributed", "mimir", "backends", "mimir", "role", "central", kWaveBackends, true});
  out.push_back({"loki", "loki", "loki", "backends", "loki", "role", "central", kWaveBackends, false});
  out.push_back({"tempo", "tempo-distributed", "tempo", "backends", "tempo", "role", "central", kWaveBackends, false});
  out.push_back({"grafana", "grafana", "grafana", "grafana", kGrafanaNamespace, "role", "central", kWaveApps, false});
  bool alloy = false;
  for (const model::Cluster& c : model.clusters) alloy = alloy || c.agents == "alloy";
  if (alloy) {
    out.push_back({"alloy", "alloy", "alloy", "agents", "alloy", "agentScenario", "alloy", kWaveAgents, false});
  }
  return out;
}

std::string Fact(const model::Model& model, const model::Cluster& cluster, const std::string& key) {
  if (key == "role") return cluster.role;
  if (key == "agentScenario") return cluster.agents;
  if (key == "mesh") return model.mesh.type;
  return {};
}

std::vector<HelmComponent> ComponentsOn(const model::Model& model, const model::Cluster& cluster) {
  std::vector<HelmComponent> out;
  for (HelmComponent& c : HelmComponents(model)) {
    if (Fact(model, cluster, c.selector) == c.selector_value) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace lgtmgen::emit
