// components/grafana/values.yaml and tenants/<tenant>/: Grafana and, per
// tenant, its datasources with the cross-signal links.
#include <fmt/format.h>

#include <map>

#include "emit/components.h"
#include "emit/files.h"
#include "endpoints/resolver.h"
#include "naming/namer.h"

namespace lgtmgen::emit {


namespace {

// components/grafana/exposure/: the Gateway (expose: gateway) and, with
// tls: self-signed, the CA issuers and Grafana's certificate.
void EmitExposure(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const model::Grafana& g = model.grafana;
  const bool tls = g.tls != "none";
  const std::string dir = kGrafanaExposurePath;
  const render::Vars common = {{"host", g.host}, {"namespace", kGrafanaNamespace}};
  std::string resources;
  std::vector<std::string> parts;
  if (SelfSignedTls(model)) {
    render::Vars cert = common;
    cert["tls_secret"] = g.tls_secret;
    cert["consumer"] = g.expose == "gateway" ? "Gateway" : "Ingress";
    PutTemplate(tree, diags, "grafana", dir + "/certificate.yaml", "grafana/exposure/certificate.yaml", model, cert);
    resources += "- certificate.yaml\n";
    parts.push_back("a certificate from the fleet's self-signed CA (cert-manager)");
  }
  if (g.expose == "gateway") {
    const std::string gateway_class = GrafanaGatewayClass(model);
    const std::string implementation = gateway_class == "cilium" ? "Cilium" : "Istio";
    render::Vars gw = common;
    gw["tls"] = render::Flag(tls);
    gw["tls_secret"] = g.tls_secret;
    gw["gateway_class"] = gateway_class;
    gw["implementation"] = implementation;
    gw["istio"] = render::Flag(gateway_class == "istio");
    PutTemplate(tree, diags, "grafana", dir + "/gateway.yaml", "grafana/exposure/gateway.yaml", model, gw);
    resources += "- gateway.yaml\n";
    parts.insert(parts.begin(), tls ? fmt::format("an {} Gateway with an HTTPS listener", implementation)
                                    : fmt::format("an {} Gateway (HTTP)", implementation));
  }
  PutTemplate(tree, diags, "grafana", dir + "/kustomization.yaml", "grafana/exposure/kustomization.yaml", model,
              {{"host", g.host}, {"summary", fmt::format("{}", fmt::join(parts, ", and "))}, {"resources", resources}});
}

// tenants/<slug>/: the kustomization and the three linked datasources that
// query with header (one tenant, or several joined by '|' for federation).
void PutDatasources(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags,
                    const std::string& slug, const std::string& display, const std::string& header,
                    const std::string& clusters, bool is_default, const std::string& env) {
  // Query URLs of the instance's back ends, as Grafana (on the central cluster) sees them.
  const std::string mimir_url = MimirQueryUrl(env);
  const std::string loki_url = LokiQueryUrl(env);
  const std::string tempo_url = TempoQueryUrl(env);
  const std::string dir = "tenants/" + slug;
  PutTemplate(tree, diags, "tenants", dir + "/kustomization.yaml", "tenants/kustomization.yaml", model,
              {{"display", display}, {"clusters", clusters}, {"namespace", kGrafanaNamespace}, {"slug", slug}});
  PutTemplate(tree, diags, "tenants", dir + "/datasources.yaml", "tenants/datasources.yaml", model,
              {{"display", display},
               {"tenant", header},
               {"tenant_quoted", YamlQuote(header)},
               {"mimir_uid", naming::DatasourceUid("mimir", slug)},
               {"loki_uid", naming::DatasourceUid("loki", slug)},
               {"tempo_uid", naming::DatasourceUid("tempo", slug)},
               {"mimir_url", mimir_url},
               {"loki_url", loki_url},
               {"tempo_url", tempo_url},
               {"is_default", render::Flag(is_default)},
               // Alertmanager is per tenant: the federated datasources have none.
               {"alertmanager", render::Flag(header.find('|') == std::string::npos)},
               {"alertmanager_uid", naming::DatasourceUid("alertmanager", slug)},
               {"alertmanager_url", fmt::format("http://mimir-gateway.{}.svc", InstanceName("mimir", env))}});
}

// The values entries (under dashboards.grafana-com) of the grafana.com
// dashboards, each bound to the fleet-wide view's Mimir datasource.
std::string GnetDashboards(const model::Model& model) {
  std::string out;
  const std::string uid = naming::DatasourceUid("mimir", FleetViewSlug(model));
  for (const model::Dashboard& d : model.dashboards) {
    if (d.gnet_id == 0) continue;
    out += fmt::format(
        "gnet-{0}:\n  gnetId: {0}\n  revision: {1}\n  datasource:\n    - name: {2}\n      value: {3}\n", d.gnet_id,
        d.revision, d.datasource_input, uid);
  }
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace

void EmitGrafana(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const model::Grafana& g = model.grafana;
  const bool exposed = GrafanaExposed(model);
  const bool ingress = exposed && g.expose == "ingress";
  const bool gateway = exposed && g.expose == "gateway";
  const bool tls = exposed && g.tls != "none";
  PutTemplate(tree, diags, "grafana", naming::ComponentValues("grafana", "grafana"), "grafana/values.yaml", model,
              {{"namespace", kGrafanaNamespace},
               {"admin_secret", g.admin_secret},
               {"ingress", render::Flag(ingress)},
               {"ingress_nginx", render::Flag(InstallsIngressController(model))},
               {"gateway", render::Flag(gateway)},
               {"listener", tls ? "https" : "http"},
               {"tls", render::Flag(tls)},
               {"host", g.host},
               {"tls_secret", g.tls_secret},
               {"root_url", fmt::format("{}://{}", tls ? "https" : "http", g.host)},
               {"gnet_dashboards", GnetDashboards(model)},
               {"gnet_datasource", naming::DatasourceUid("mimir", FleetViewSlug(model))}});
  if (exposed && (gateway || SelfSignedTls(model))) EmitExposure(model, tree, diags);
  if (NeedsFleetCa(model)) {
    PutTemplate(tree, diags, "grafana", naming::ComponentValues("cert-manager", "cert-manager"),
                "components/cert-manager-values.yaml", model, {});
  }
}

void EmitTenants(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  // One folder per (backend set, tenant); several clusters may share a tenant.
  std::map<std::pair<std::string, std::string>, std::vector<const model::Cluster*>> tenants;
  for (const model::Cluster& c : model.clusters) {
    if (!c.tenant.empty()) tenants[{endpoints::InstanceOf(model, c), c.tenant}].push_back(&c);
  }
  std::map<std::string, std::pair<std::string, std::string>> federated;  // env → (tenants, clusters)
  for (const auto& [key, clusters] : tenants) {
    const auto& [env, tenant] = key;
    std::string names;
    bool central = false;
    for (const model::Cluster* c : clusters) {
      names += (names.empty() ? "" : ", ") + c->name;
      central = central || c->IsCentral();
    }
    const std::string display = env.empty() ? "tenant " + tenant : fmt::format("tenant {}, {}", tenant, env);
    PutDatasources(model, tree, diags, naming::TenantKey(tenant, env), display, tenant, names, central, env);
    auto& [all_tenants, all_clusters] = federated[env];
    all_tenants += (all_tenants.empty() ? "" : "|") + tenant;
    all_clusters += (all_clusters.empty() ? "" : ", ") + names;
  }
  // Tenant federation: the same datasources across every tenant of a backend set.
  if (model.backends.federation) {
    for (const auto& [env, all] : federated) {
      PutDatasources(model, tree, diags, InstanceName(naming::kAllTenantsSlug, env),
                     env.empty() ? "all tenants" : "all tenants, " + env, all.first, all.second, false, env);
    }
  }
}

}  // namespace lgtmgen::emit
