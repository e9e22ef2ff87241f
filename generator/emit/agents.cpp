// The telemetry agents of every cluster that runs them: the shared defaults of
// each agent chart (components/agents/<name>/values.yaml) and, per cluster,
// what names the cluster's tenant, label and endpoints
// (clusters/<name>/values/<name>.yaml, clusters/<name>/otel-collectors/).
// Endpoints come from the resolver, so each file holds final values.
#include <fmt/format.h>

#include <map>

#include "emit/components.h"
#include "emit/files.h"
#include "endpoints/addresses.h"
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

OtlpReceiver LocalOtlpReceiver(const std::string& scenario) {
  // The Alloy releases' ServiceAccounts are named after the release; the
  // collectors share otel-collector (templates/agents/otel-rbac.yaml).
  if (scenario == "alloy") return {"alloy-gateway", "alloy"};
  if (scenario == "prometheus-vector") return {"alloy-traces", "tracing"};
  if (scenario == "otel") return {"otel-collector", kOtelNamespace};
  return {};
}

namespace {

// What the central cluster's Prometheus does for the clusters with
// metricsTransport: federation: one scrape job of each one's /federate, one
// remote write of its series to its tenant, and the regex of their names
// that the central cluster's own remote write leaves out.
struct Federation {
  std::string scrapes, writes, regex;
};

Federation CentralFederation(const model::Model& model) {
  Federation f;
  if (model.federated_clusters == 0) return f;
  const std::string label = model.cluster_label;
  std::vector<std::string> names;
  for (const model::Cluster& r : model.clusters) {
    if (!r.Federated() || r.IsCentral()) continue;
    names.push_back(r.name);
    const std::string host = endpoints::NodeHost(model, r);
    f.scrapes += fmt::format(
        "- job_name: federate-{0}\n"
        "  honor_labels: true\n"
        "  metrics_path: /federate\n"
        "  params:\n"
        "    match[]: ['{{__name__=~\".+\"}}']\n"
        "  scrape_interval: 30s\n"
        "  scrape_timeout: 25s\n"
        "  scheme: https\n"
        "  basic_auth:\n"
        "    username: central\n"
        "    password_file: /etc/prometheus/secrets/lgtm-federation-client/password\n"
        "  tls_config:\n"
        "    ca_file: /etc/prometheus/secrets/lgtm-federation-client/ca.crt\n"
        "    server_name: {1}\n"
        "  static_configs:\n"
        "    - targets: ['{1}:{2}']\n",
        r.name, host, kFederationNodePort);
    f.writes += fmt::format(
        "# {0}'s series (pulled from /federate) as its tenant\n"
        "- url: {1}\n"
        "  headers:\n"
        "    X-Scope-OrgID: {2}\n"
        "  writeRelabelConfigs:\n"
        "    - sourceLabels: [{3}]\n"
        "      regex: '{0}'\n"
        "      action: keep\n",
        r.name, endpoints::ResolveOnCentral(Backend::kMimir, Protocol::kRemoteWrite, endpoints::InstanceOf(model, r)).Url(),
        YamlQuote(r.tenant), label);
  }
  if (!f.scrapes.empty()) f.scrapes.pop_back();
  if (!f.writes.empty()) f.writes.pop_back();
  f.regex = fmt::format("{}", fmt::join(names, "|"));
  return f;
}

// Pod annotations that let a trace receiver behind the mesh's sidecar see
// its clients' pod IPs (k8sattributes associates spans by connection):
// Linkerd leaves the receiver ports unproxied, Istio intercepts with TPROXY,
// which keeps the source address. Ambient, ClusterMesh and none need none.
std::string KeepSourceIpAnnotations(const model::Model& model) {
  if (model.mesh.type == "linkerd") return "config.linkerd.io/skip-inbound-ports: \"4317,4318,9411,14250,14268\"";
  if (model.mesh.type == "istio" && !model.mesh.IstioAmbient()) return "sidecar.istio.io/interceptionMode: TPROXY";
  return "";
}

// Every per-cluster variable an agent template may use.
render::Vars ClusterVars(const model::Model& model, const model::Cluster& c) {
  const Federation federation = c.IsCentral() ? CentralFederation(model) : Federation{};
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
          {"keep_source_ip", KeepSourceIpAnnotations(model)},
          {"ingest", render::Flag(loki_push.tls)},
          {"federated", render::Flag(c.Federated())},
          {"federation_source", render::Flag(!federation.scrapes.empty())},
          {"federation_scrapes", federation.scrapes},
          {"federated_writes", federation.writes},
          {"federated_regex", federation.regex}};
}

void EmitOtelCollectors(const model::Model& model, const model::Cluster& c, const render::Vars& vars,
                        out::OutputTree& tree, diag::Diagnostics& diags) {
  const std::string dir = naming::ClusterDir(c.name) + "/otel-collectors/";
  PutTemplateFrom(tree, diags, "agents", dir + "kustomization.yaml", "agents/otel-kustomization.yaml", model, vars);
  PutTemplate(tree, diags, "agents", dir + "rbac.yaml", "agents/otel-rbac.yaml", model, {});
  PutTemplateFrom(tree, diags, "agents", dir + "otel-node.yaml", "agents/otel-node.yaml", model, vars);
  PutTemplateFrom(tree, diags, "agents", dir + "otel-gateway.yaml", "agents/otel-gateway.yaml", model, vars);
  PutTemplate(tree, diags, "agents", dir + "monitoring.yaml", "agents/otel-monitoring.yaml", model, {});
}

// The areas whose values this emitter writes (the mesh's: emit/mesh.cpp).
bool OwnArea(const HelmComponent& comp) { return comp.area == "agents" || comp.area == "apps"; }

}  // namespace

void EmitAgents(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  for (const model::Cluster& c : model.clusters) {
    if (!c.HasAgents()) continue;
    const render::Vars vars = ClusterVars(model, c);
    for (const HelmComponent& comp : ComponentsOn(model, c)) {
      if (!comp.per_cluster_values || !OwnArea(comp)) continue;
      PutTemplateFrom(tree, diags, "agents", naming::ClusterValues(c.name, comp.values_name),
                      comp.area + "/" + comp.values_name + "-cluster-values.yaml", model, vars);
    }
    if (c.agents == "otel") EmitOtelCollectors(model, c, vars, tree, diags);
  }
  // Fleet-wide values the components' defaults may use.
  const model::ImagePin& collector = model.catalog.Image("otel-collector-k8s");
  const render::Vars defaults = {{"collector_repository", collector.repository},
                                 {"collector_tag", collector.tag},
                                 {"mesh_opt_out", MeshOptOutAnnotation(model)},
                                 {"keep_source_ip", KeepSourceIpAnnotations(model)}};
  for (const HelmComponent& comp : HelmComponents(model)) {
    if (comp.central || !OwnArea(comp)) continue;
    PutTemplateFrom(tree, diags, "agents", naming::ComponentValues(comp.area, comp.values_name),
                    comp.area + "/" + comp.values_name + "-values.yaml", model, defaults);
  }
}

}  // namespace lgtmgen::emit
