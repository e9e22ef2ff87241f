// The telemetry agents of every cluster that runs them: the shared defaults of
// each agent chart (components/agents/<name>/values.yaml) and, per cluster,
// what names the cluster's tenant, label and endpoints
// (clusters/<name>/values/<name>.yaml, clusters/<name>/otel-collectors/).
// Endpoints come from the resolver, so each file holds final values.
#include <fmt/format.h>

#include <map>

#include "emit/components.h"
#include "emit/files.h"
#include "endpoints/resolver.h"
#include "naming/namer.h"

namespace lgtmgen::emit {
namespace {

using endpoints::Backend;
using endpoints::Protocol;
using endpoints::Resolve;

}  // namespace

std::string LocalOtlpHost(const std::string& scenario) {
  if (scenario == "alloy") return "alloy-gateway.alloy.svc";
  if (scenario == "prometheus-vector") return "alloy-traces.tracing.svc";
  if (scenario == "otel") return "otel-gateway-collector.opentelemetry.svc";
  return "";
}

namespace {

// Every per-cluster variable an agent template may use.
render::Vars ClusterVars(const model::Model& model, const model::Cluster& c) {
  const endpoints::Endpoint loki_push = Resolve(model, c, Backend::kLoki, Protocol::kLokiPush);
  const endpoints::Endpoint loki_otlp = Resolve(model, c, Backend::kLoki, Protocol::kOtlpHttp);
  return {{"cluster", c.name},
          {"cluster_quoted", YamlQuote(c.name)},
          {"cluster_json", "\"" + c.name + "\""},
          {"tenant", c.tenant},
          {"tenant_quoted", YamlQuote(c.tenant)},
          {"cluster_label", model.cluster_label},
          {"mimir_url", Resolve(model, c, Backend::kMimir, Protocol::kRemoteWrite).Url()},
          {"mimir_otlp_url", Resolve(model, c, Backend::kMimir, Protocol::kOtlpHttp).Url()},
          {"loki_url", loki_push.Url()},
          {"loki_base_url", fmt::format("{}://{}:{}", loki_push.tls ? "https" : "http", loki_push.host, loki_push.port)},
          {"loki_host", loki_push.host},
          {"loki_port", std::to_string(loki_push.port)},
          {"loki_tls", loki_push.tls ? "On" : "Off"},
          {"loki_otlp_url", loki_otlp.Url() + "/v1/logs"},
          {"tempo_endpoint", Resolve(model, c, Backend::kTempo, Protocol::kOtlpGrpc).HostPort()},
          {"otlp_host", LocalOtlpHost(c.agents)},
          {"ingest", render::Flag(loki_push.tls)},
          {"fleet_alertmanager", render::Flag(c.IsCentral() && FleetAlertmanager(model))}};
}

void EmitOtelCollectors(const model::Model& model, const model::Cluster& c, const render::Vars& vars,
                        out::OutputTree& tree, diag::Diagnostics& diags) {
  const std::string dir = naming::ClusterDir(c.name) + "/otel-collectors/";
  PutTemplateFrom(tree, diags, "agents", dir + "kustomization.yaml", "agents/otel-kustomization.yaml", model, vars);
  PutTemplate(tree, diags, "agents", dir + "rbac.yaml", "agents/otel-rbac.yaml", model, {});
  PutTemplateFrom(tree, diags, "agents", dir + "otel-node.yaml", "agents/otel-node.yaml", model, vars);
  PutTemplateFrom(tree, diags, "agents", dir + "otel-gateway.yaml", "agents/otel-gateway.yaml", model, vars);
}

}  // namespace

void EmitAgents(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  for (const model::Cluster& c : model.clusters) {
    if (!c.HasAgents()) continue;
    const render::Vars vars = ClusterVars(model, c);
    for (const HelmComponent& comp : ComponentsOn(model, c)) {
      if (!comp.per_cluster_values || comp.area == "mesh") continue;  // mesh values: emit/mesh.cpp
      PutTemplateFrom(tree, diags, "agents", naming::ClusterValues(c.name, comp.values_name),
                      comp.area + "/" + comp.values_name + "-cluster-values.yaml", model, vars);
    }
    if (c.agents == "otel") EmitOtelCollectors(model, c, vars, tree, diags);
  }
  // Fleet-wide values the components' defaults may use.
  const model::ImagePin& collector = model.catalog.Image("otel-collector-k8s");
  const render::Vars defaults = {{"collector_repository", collector.repository},
                                 {"collector_tag", collector.tag},
                                 {"mesh_opt_out", MeshOptOutAnnotation(model)}};
  for (const HelmComponent& comp : HelmComponents(model)) {
    if (comp.central || comp.area == "mesh") continue;
    PutTemplateFrom(tree, diags, "agents", naming::ComponentValues(comp.area, comp.values_name),
                    comp.area + "/" + comp.values_name + "-values.yaml", model, defaults);
  }
}

}  // namespace lgtmgen::emit
