// README.md of the rendered repository: what is in it, the clusters, a
// topology diagram, the endpoints, how to bootstrap and how to regenerate.
#include <fmt/format.h>

#include <algorithm>

#include "emit/alerting_layout.h"
#include "emit/components.h"
#include "emit/files.h"
#include "emit/label_contract.h"
#include "endpoints/addresses.h"
#include "endpoints/resolver.h"
#include "naming/namer.h"

namespace lgtmgen::emit {
namespace {

std::string ClusterTable(const model::Model& model) {
  std::string out;
  for (const model::Cluster& c : model.clusters) {
    out += fmt::format("| [{0}](clusters/{0}/) | {1} | {2} | {3} | {4} | {5} |\n", c.name, c.role,
                       c.tenant.empty() ? "—" : "`" + c.tenant + "`", c.agents,
                       c.environment.empty() ? "—" : c.environment, model.mesh.type);
  }
  return out;
}

// Mermaid node IDs: letters, digits and '_' only ('-' reads as an edge).
std::string NodeId(const std::string& name) {
  std::string id = name;
  std::replace(id.begin(), id.end(), '-', '_');
  return id;
}

// What remote agents enter the central cluster through, as a Mermaid node
// label; "" when no remote ships telemetry.
std::string RemoteEntry(const model::Model& model) {
  if (!NeedsIngest(model)) return "";
  if (model.mesh.type == "linkerd") return "ingest proxy (per-tenant auth) via Linkerd gateway (mTLS)";
  if (model.mesh.type == "istio") {
    return model.mesh.IstioAmbient() ? "ingest proxy (per-tenant auth) via Istio east-west gateway (HBONE)"
                                     : "ingest proxy (per-tenant auth) via Istio east-west gateway (mTLS)";
  }
  if (model.mesh.type == "cilium-clustermesh") return "ingest proxy (per-tenant auth) via ClusterMesh";
  return "ingest proxy (TLS, per-tenant auth)";
}

// Mermaid: the clusters, the back ends of each backend set, where remote
// agents enter, and one edge per signal of each cluster's agents.
std::string Mermaid(const model::Model& model) {
  std::string out = "flowchart LR\n";
  const std::string central = NodeId(model.Central().name);
  for (const model::Cluster& c : model.clusters) {
    const std::string id = NodeId(c.name);
    out += fmt::format("  subgraph {0}[\"{1} ({2})\"]\n", id, c.name, c.role);
    if (c.IsCentral()) {
      for (const std::string& env : Instances(model)) {
        const std::string suffix = env.empty() ? "" : " " + env;
        const std::string node = NodeId(InstanceName(id, env));
        out += fmt::format("    {0}_mimir[(Mimir{1})]\n    {0}_loki[(Loki{1})]\n    {0}_tempo[(Tempo{1})]\n", node,
                           suffix);
      }
      out += fmt::format("    {0}_grafana[Grafana]\n", id);
      if (!RemoteEntry(model).empty()) out += fmt::format("    {0}_ingest[\"{1}\"]\n", id, RemoteEntry(model));
    }
    if (c.HasAgents()) out += fmt::format("    {0}_agents[\"agents: {1}\"]\n", id, c.agents);
    if (c.name == model.gitops.argocd_cluster) out += fmt::format("    {0}_argocd[Argo CD]\n", id);
    out += "  end\n";
  }
  for (const model::Cluster& c : model.clusters) {
    if (!c.HasAgents()) continue;
    const std::string id = NodeId(c.name);
    const std::string target = NodeId(InstanceName(central, endpoints::InstanceOf(model, c)));
    if (!c.IsCentral() && !RemoteEntry(model).empty()) {
      out += fmt::format("  {0}_agents -- \"{1}: metrics, logs, traces\" --> {2}_ingest\n", id, c.tenant, central);
      continue;
    }
    out += fmt::format("  {0}_agents -- \"metrics ({2})\" --> {1}_mimir\n", id, target, c.tenant);
    out += fmt::format("  {0}_agents -- \"logs ({2})\" --> {1}_loki\n", id, target, c.tenant);
    out += fmt::format("  {0}_agents -- \"traces ({2})\" --> {1}_tempo\n", id, target, c.tenant);
  }
  for (const std::string& env : Instances(model)) {
    const std::string node = NodeId(InstanceName(central, env));
    if (!RemoteEntry(model).empty()) {
      out += fmt::format("  {0}_ingest --> {1}_mimir & {1}_loki & {1}_tempo\n", central, node);
    }
    out += fmt::format("  {0}_grafana --> {1}_mimir & {1}_loki & {1}_tempo\n", central, node);
  }
  return out;
}

// How a remote cluster reaches the ingest proxy, for the README.
std::string IngestTransport(const model::Model& model) {
  const std::string& mesh = model.mesh.type;
  if (mesh == "linkerd") {
    return "Linkerd multicluster: central exports only the proxy's Service, mirrored on each remote as `" +
           endpoints::IngestHost(model) + "`, over the Linkerd gateway with mTLS";
  }
  if (mesh == "istio") {
    return model.mesh.IstioAmbient()
               ? "Istio ambient: only the proxy's Service is global (`istio.io/global`), with a stand-in on each "
                 "remote (components/mesh/global-services/), over central's east-west gateway (HBONE, mTLS)"
               : "Istio sidecars: central's east-west gateway passes through only the proxy's host (`" +
                     endpoints::IngestHost(model) + "`), with mTLS from the remote sidecar to the proxy's";
  }
  if (mesh == "cilium-clustermesh") {
    return "Cilium ClusterMesh: only the proxy's Service is global (`service.cilium.io/global`), with a stand-in on "
           "each remote (components/mesh/global-services/), encrypted by WireGuard";
  }
  return endpoints::IngestWithoutMeshReachedBy(model);
}

// The README's tenant boundary section: where remote writes enter, and why.
std::string TenantBoundary(const model::Model& model) {
  if (!NeedsIngest(model)) return "";
  return fmt::format(
      "## Tenant boundary\n\n"
      "Every remote cluster writes to the central cluster only through the ingest proxy "
      "(`components/ingest/`), reached by {}. The proxy checks the cluster's credentials (TLS from the fleet CA, "
      "HTTP basic auth with one user per tenant, made by `bootstrap/15-create-secrets.sh`), sets `X-Scope-OrgID` to "
      "that tenant whatever the client sent, and passes only the write APIs (remote-write, Loki push, OTLP); a "
      "request without credentials gets 401, a query or any other path 403. The back ends' own Services are not "
      "published to other clusters{}.{}\n\n"
      "Why one proxy rather than mesh policies: the mesh proves which cluster is calling, but neither Linkerd, "
      "Istio nor Cilium can tie that identity to the tenant header the back ends trust, and each would need its "
      "own policy language for it. The proxy gives every mesh, and none, the same boundary; the mesh adds "
      "transport and mTLS. Central's own agents write to the back ends directly.\n",
      IngestTransport(model),
      model.isolation == "instances" ? "; each backend set's listeners accept only its environment's tenants" : "",
      model.mesh.type == "linkerd"
          ? " Linkerd's multicluster gateway would forward a linked cluster's request to any Service, exported or "
            "not, so a NetworkPolicy lets the gateway reach only the proxy "
            "(components/mesh/linkerd-gateway-policy/)."
      : model.mesh.type == "cilium-clustermesh"
          ? " ClusterMesh routes every cluster's pods to one another, so each back end's namespace has a "
            "CiliumNetworkPolicy that admits only the central cluster's pods."
          : "");
}

// The write paths, per backend set.
std::string Endpoints(const model::Model& model) {
  using endpoints::Backend;
  using endpoints::Protocol;
  std::string out;
  if (model.HasAddon("kiali")) {
    const model::Cluster& central = model.Central();
    out += fmt::format(
        "- Kiali (the central cluster's mesh, with the metrics and traces of tenant {}): `kubectl --context {} -n {} "
        "port-forward svc/kiali 20001`, then http://localhost:20001/kiali.\n",
        fmt::join(FleetViewTenants(model), ", "), naming::KubeContext(central.provider, central.name),
        kIstioNamespace);
  }
  for (const std::string& env : Instances(model)) {
    out += fmt::format(
        "- {}: metrics `http://mimir-gateway.{}.svc/api/v1/push`, logs `http://loki-gateway.{}.svc/loki/api/v1/push`, "
        "traces `tempo-distributor.{}.svc:4317` (OTLP gRPC) and `:4318` (OTLP HTTP).\n",
        env.empty() ? "Inside the central cluster" : "Backend set " + env + ", inside the central cluster",
        InstanceName("mimir", env), InstanceName("loki", env), InstanceName("tempo", env));
    if (NeedsIngest(model)) {
      auto port = [&](Backend b, Protocol p) { return endpoints::IngestPort(model, b, p, env); };
      out += fmt::format(
          "  From remote clusters, only through the ingest proxy (TLS from the fleet CA, basic auth per tenant; "
          "{4}): `https://{0}:{1}` (metrics), `https://{0}:{2}` (logs), `{0}:{3}` (OTLP gRPC).\n",
          endpoints::IngestHost(model), port(Backend::kMimir, Protocol::kRemoteWrite),
          port(Backend::kLoki, Protocol::kLokiPush), port(Backend::kTempo, Protocol::kOtlpGrpc),
          IngestTransport(model));
    }
    out += "\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

// Where each tenant's alerts are evaluated and sent (emit/alerting_layout.h).
std::string AlertsSection(const model::Model& model) {
  const model::Alerting& a = model.alerting;
  size_t promql = 0, logql = 0;
  for (const model::RuleGroup& g : a.rules) ++(g.language == "logql" ? logql : promql);
  std::string out = "\n## Alerts\n\n";
  if (a.rules.empty()) {
    out += "No rule groups (`alerting.rules`): the rulers evaluate nothing until the spec names some. ";
  } else {
    out += fmt::format(
        "Mimir's ruler evaluates {} PromQL rule group(s) and Loki's ruler {} LogQL rule group(s) (`alerts/mimir-rules/`, "
        "`alerts/loki-rules/`), once per tenant over that tenant's data only. ",
        promql, logql);
  }
  out += "Every alert goes to Mimir's Alertmanager of the tenant's backend set, under the tenant's configuration "
         "(`alerts/alertmanager.yaml`, read from local storage: the configuration API cannot change it), and each "
         "tenant has an Alertmanager datasource in Grafana for its alerts and silences. ";
  if (a.receivers.empty()) {
    out += "With no `alerting.receivers`, alerts notify no one.\n";
  } else {
    std::vector<std::string> names, secrets;
    for (const model::Receiver& r : a.receivers) names.push_back(fmt::format("`{}` ({})", r.name, r.type));
    for (const auto& [secret, keys] : ReceiverSecretKeys(model)) secrets.push_back("`" + secret + "`");
    out += fmt::format(
        "It notifies {}; their credentials are files from the Secrets {} that `bootstrap/15-create-secrets.sh` creates "
        "from the environment in every Mimir namespace.\n",
        fmt::join(names, ", "), fmt::join(secrets, ", "));
  }
  out += "\n| tenant | rules | evaluated by | sent to |\n|---|---|---|---|\n";
  for (const InstanceAlerting& instance : AlertingByInstance(model)) {
    const std::string mimir_ns = InstanceName("mimir", instance.environment);
    const std::string loki_ns = InstanceName("loki", instance.environment);
    for (const TenantRules& t : instance.tenants) {
      std::vector<std::string> files, rulers;
      if (HasRules(model, "promql") && t.evaluated) {
        files.push_back("`" + RuleFile("promql", t.mimir_set) + "`");
        rulers.push_back("Mimir (`" + mimir_ns + "`)");
      }
      if (HasRules(model, "logql") && t.evaluated) {
        files.push_back("`" + RuleFile("logql", t.loki_set) + "`");
        rulers.push_back("Loki (`" + loki_ns + "`)");
      }
      out += fmt::format("| `{}` | {} | {} | Mimir's Alertmanager (`{}`) |\n", t.tenant,
                         files.empty() ? (t.evaluated ? "none" : "none (no cluster of it runs agents)")
                                       : fmt::format("{}", fmt::join(files, ", ")),
                         rulers.empty() ? "—" : fmt::format("{}", fmt::join(rulers, ", ")), mimir_ns);
    }
  }
  return out;
}

// The dashboards and alerting sections.
std::string DashboardsAndAlerts(const model::Model& model) {
  std::string out;
  const size_t in_repo = RepoDashboardCount(model);
  if (in_repo > 0) {
    out += fmt::format(
        "\n## Dashboards\n\n{} dashboard(s) in `dashboards/` (see its README), loaded by Grafana's sidecar. Each "
        "starts with a datasource picker: choose the tenant's Mimir (and Loki, Tempo) datasource; the "
        "back ends' own health is in the central cluster's tenant.\n",
        in_repo);
  }
  if (model.dashboards.size() > in_repo) {
    out += fmt::format(
        "{}{} dashboard(s) from grafana.com, pinned by revision in `{}`: Grafana "
        "downloads them when it starts (it needs egress to grafana.com) into the folder \"grafana.com\", bound "
        "to the datasource `{}`.\n",
        in_repo > 0 ? "\n" : "\n## Dashboards\n\n", model.dashboards.size() - in_repo,
        naming::ComponentValues("grafana", "grafana"), naming::DatasourceUid("mimir", FleetViewSlug(model)));
  }
  out += AlertsSection(model);
  if (!out.empty()) out.pop_back();
  return out;
}

// Layout rows for the folders only some fleets have.
std::string LayoutExtra(const model::Model& model) {
  std::string out;
  if (model.mesh.type != "none") {
    out += fmt::format("| `components/mesh/` | the {} mesh: its charts' values and manifests |\n", model.mesh.type);
  }
  if (RepoDashboardCount(model) > 0) {
    out += "| `dashboards/` | Grafana dashboards, one ConfigMap per JSON file |\n";
  }
  out += "| `alerts/` | rule files of the Mimir and Loki rulers, the Alertmanager configuration and the rules' unit "
         "tests |\n";
  if (!out.empty()) out.pop_back();
  return out;
}

// The Kustomize path of component k for cluster c, its {{.fact}} placeholders filled.
std::string KustomizePathFor(const model::Model& model, const KustomizeComponent& k, const model::Cluster& c) {
  std::string path = k.path;
  const std::pair<std::string, std::string> facts[] = {
      {"{{.name}}", c.name},
      {"{{.tenantSlug}}", c.tenant.empty() ? "" : naming::TenantKey(c.tenant, endpoints::InstanceOf(model, c))}};
  for (const auto& [placeholder, value] : facts) {
    for (size_t at = path.find(placeholder); at != std::string::npos; at = path.find(placeholder, at + value.size())) {
      path.replace(at, placeholder.size(), value);
    }
  }
  return path;
}

std::string ApplicationList(const model::Model& model) {
  const std::vector<KustomizeComponent> kustomize = KustomizeComponents(model);
  std::string out;
  for (const model::Cluster& c : model.clusters) {
    for (const HelmComponent& comp : ComponentsOn(model, c)) {
      out += fmt::format("| `{}` | `{}` {} | `{}` |\n", naming::ApplicationName(c.name, comp.name), comp.chart,
                         model.catalog.Chart(comp.chart).version, comp.ns);
    }
    for (const KustomizeComponent& k : kustomize) {
      if (!Selects(model, c, k.selectors)) continue;
      out += fmt::format("| `{}` | `{}/` (Kustomize) | `{}`{} |\n", naming::ApplicationName(c.name, k.name),
                         KustomizePathFor(model, k, c), k.ns,
                         k.to_central && !c.IsCentral() ? " on " + model.Central().name : "");
    }
  }
  return out;
}

}  // namespace

void EmitReadme(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const std::string central = model.Central().name;
  const std::string context = naming::KubeContext(model.Central().provider, central);
  std::string grafana_url;
  const model::Grafana& g = model.grafana;
  if (g.host.empty()) {
    grafana_url = fmt::format("`kubectl --context {} -n {} port-forward svc/grafana 3000:80`, then http://localhost:3000",
                              context, kGrafanaNamespace);
  } else {
    grafana_url = fmt::format("{}://{}", g.tls == "none" ? "http" : "https", g.host);
    if (g.expose == "gateway") {
      grafana_url += fmt::format(
          " (point the name at the Gateway's address: `kubectl --context {} -n {} get gateway grafana -o "
          "jsonpath='{{.status.addresses[0].value}}'`)",
          context, kGrafanaNamespace);
    }
    if (InstallsIngressController(model) && IngressServiceType(model) == "LoadBalancer") {
      grafana_url += fmt::format(
          " (point the name at ingress-nginx's address: `kubectl --context {} -n {} get service "
          "ingress-nginx-controller -o jsonpath='{{.status.loadBalancer.ingress[0].ip}}'`)",
          context, kIngressNamespace);
    } else if (InstallsIngressController(model)) {
      grafana_url += fmt::format(" (ingress-nginx listens on node ports {} and {} of the central cluster's nodes)",
                                 kIngressHttpNodePort, kIngressHttpsNodePort);
    }
    if (model.HasAddon("host-proxy")) {
      grafana_url += "; on Docker Desktop, bootstrap/45-host-proxy.sh forwards 127.0.0.1's ports there: point the "
                     "name at 127.0.0.1";
    }
    if (g.tls == "self-signed") {
      grafana_url += fmt::format(
          "; its certificate comes from the fleet's own CA: `kubectl --context {} -n cert-manager get secret lgtm-ca "
          "-o jsonpath='{{.data.ca\\.crt}}' | base64 -d` gives the certificate to trust",
          context);
    }
  }
  PutTemplate(tree, diags, "readme", "README.md", "readme/README.md", model,
              {{"fleet", model.name},
               {"clusters", ClusterTable(model)},
               {"mermaid", Mermaid(model)},
               {"applications", ApplicationList(model)},
               {"grafana_url", grafana_url},
               {"grafana_secret", model.grafana.admin_secret},
               {"argocd_context", naming::KubeContext(model.ArgoCdCluster().provider, model.gitops.argocd_cluster)},
               {"verify", render::Flag(HasVerifyStep(model))},
               {"repo_url", model.gitops.repo_url},
               {"revision", model.gitops.target_revision},
               {"path", model.gitops.path},
               {"cluster_label", model.cluster_label},
               {"endpoints", Endpoints(model)},
               {"tenant_boundary", TenantBoundary(model)},
               {"label_contract", LabelContractSection(model)},
               {"observability", DashboardsAndAlerts(model)},
               {"layout_extra", LayoutExtra(model)},
               {"bootstrap_layout", model.platform.local_provider == "kind"
                                        ? "kind configs and the numbered scripts; the only shell here"
                                    : model.platform.local_provider == "minikube"
                                        ? "the numbered scripts that start the minikube profiles and hand over to "
                                          "Argo CD; the only shell here"
                                        : "the numbered scripts (the clusters exist already); the only shell here"},
               {"tenancy", model.isolation == "instances" ? "one backend set per environment and one tenant "
                                                            "(`X-Scope-OrgID`) per cluster in it"
                                                          : "one tenant (`X-Scope-OrgID`) per cluster"}});
}

}  // namespace lgtmgen::emit
