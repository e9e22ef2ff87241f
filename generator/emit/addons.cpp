// components/addons/: the values of the add-ons (spec `addons:`) and of the
// ingress controller that serves Grafana's Ingress, and the monitor of
// Hubble's metrics (Cilium itself is the bootstrap's). Which clusters run each
// one is the component table's business (emit/components.cpp).
#include <fmt/format.h>

#include "emit/components.h"
#include "emit/files.h"
#include "endpoints/resolver.h"
#include "naming/namer.h"

namespace lgtmgen::emit {
namespace {

render::Vars KialiVars(const model::Model& model) {
  const model::Cluster& central = model.Central();
  const std::string env = endpoints::InstanceOf(model, central);
  std::string header, display;
  for (const std::string& t : FleetViewTenants(model)) {
    header += (header.empty() ? "" : "|") + t;
    display += (display.empty() ? "" : ", ") + t;
  }
  // The datasources Grafana provisions for the same tenants (tenants/).
  const std::string slug = FleetViewSlug(model);
  const model::Grafana& g = model.grafana;
  const std::string grafana_url =
      GrafanaExposed(model) ? fmt::format("{}://{}", g.tls != "none" ? "https" : "http", g.host)
                            : "http://localhost:3000";  // the README's port-forward
  return {{"tenant_quoted", YamlQuote(header)},
          {"tenant_display", display},
          {"context", naming::KubeContext(central.provider, central.name)},
          {"mimir_url", MimirQueryUrl(env)},
          {"tempo_url", TempoQueryUrl(env)},
          {"mimir_uid", naming::DatasourceUid("mimir", slug)},
          {"tempo_uid", naming::DatasourceUid("tempo", slug)},
          {"grafana_namespace", kGrafanaNamespace},
          {"grafana_url", grafana_url}};
}

render::Vars IngressNginxVars(const model::Model& model) {
  const model::Grafana& g = model.grafana;
  return {{"host", g.host},
          {"url", fmt::format("{}://{}", g.tls != "none" ? "https" : "http", g.host)},
          {"load_balancer", render::Flag(IngressServiceType(model) == "LoadBalancer")},
          {"http_node_port", std::to_string(kIngressHttpNodePort)},
          {"https_node_port", std::to_string(kIngressHttpsNodePort)}};
}

}  // namespace

void EmitAddons(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  for (const HelmComponent& comp : HelmComponents(model)) {
    if (comp.area != "addons") continue;
    render::Vars vars;
    if (comp.chart == "kiali-server") vars = KialiVars(model);
    if (comp.chart == "ingress-nginx") vars = IngressNginxVars(model);
    PutTemplate(tree, diags, "addons", naming::ComponentValues(comp.area, comp.values_name),
                "addons/" + comp.values_name + "-values.yaml", model, vars);
  }
  if (HasHubbleMetrics(model)) {
    const std::string dir = std::string(kHubbleMetricsPath) + "/";
    PutTemplate(tree, diags, "addons", dir + "kustomization.yaml", "addons/hubble-metrics-kustomization.yaml", model,
                {});
    PutTemplate(tree, diags, "addons", dir + "service-monitor.yaml", "addons/hubble-metrics-service-monitor.yaml",
                model, {});
  }
}

}  // namespace lgtmgen::emit
