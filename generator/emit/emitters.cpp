#include "emit/emitters.h"

#include <fmt/format.h>

#include "emit/files.h"
#include "render/template.h"

namespace lgtmgen::emit {

void EmitSpecCopy(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitReadme(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitClusterFacts(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitArgoCd(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitBackendValues(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitGrafana(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitTenants(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitDashboards(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitAlerting(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitMesh(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitFederation(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitAgents(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitMeshTelemetry(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitAddons(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitPki(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitApps(const model::Model&, out::OutputTree&, diag::Diagnostics&);
void EmitBootstrap(const model::Model&, out::OutputTree&, diag::Diagnostics&);

const std::vector<Emitter>& AllEmitters() {
  static const std::vector<Emitter> kEmitters = {
      {"spec", "lgtm.yaml, the spec the repository was rendered from", &EmitSpecCopy},
      {"readme", "README.md: clusters, topology, endpoints, bootstrap", &EmitReadme},
      {"clusters", "clusters/<name>/: cluster.json facts and per-cluster values", &EmitClusterFacts},
      {"argocd", "argocd/: root Application, AppProjects, ApplicationSets", &EmitArgoCd},
      {"backends", "components/backends/: MinIO, Mimir, Loki, Tempo values", &EmitBackendValues},
      {"grafana", "components/grafana/: Grafana values", &EmitGrafana},
      {"tenants", "tenants/<tenant>/: Grafana datasources per tenant", &EmitTenants},
      {"mesh", "components/mesh/: the service mesh between the clusters", &EmitMesh},
      {"mesh-telemetry", "components/mesh/telemetry/: the mesh's scrape monitors and tracing", &EmitMeshTelemetry},
      {"dashboards", "dashboards/: Grafana dashboards, one ConfigMap each", &EmitDashboards},
      {"alerting", "alerts/: rule files, the Alertmanager configuration and their unit tests", &EmitAlerting},
      {"agents", "components/agents/: telemetry agents per scenario", &EmitAgents},
      {"addons", "components/addons/: metrics-server, Kiali and Grafana's ingress controller", &EmitAddons},
      {"pki", "components/fleet-ca/ and components/ingest/: the fleet CA and the ingest proxy", &EmitPki},
      {"federation", "components/federation/: /federate endpoints (metricsTransport: federation)", &EmitFederation},
      {"apps", "clusters/<name>/apps/: demo apps wired to the cluster's agent", &EmitApps},
      {"bootstrap", "bootstrap/: kind configs and numbered scripts", &EmitBootstrap},
  };
  return kEmitters;
}

void RenderAll(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  for (const Emitter& emitter : AllEmitters()) {
    try {
      emitter.fn(model, tree, diags);
    } catch (const render::TemplateError& e) {
      diags.Error({}, fmt::format("emitter '{}': template error: {}", emitter.name, e.what()),
                  "a template in templates/ (or under --templates) is inconsistent with its emitter");
    }
  }
}

}  // namespace lgtmgen::emit
