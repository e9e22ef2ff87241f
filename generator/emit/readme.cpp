// README.md of the rendered repository: what is in it, the clusters, a
// topology diagram, the endpoints, how to bootstrap and how to regenerate.
#include <fmt/format.h>

#include <algorithm>

#include "emit/components.h"
#include "emit/files.h"
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

std::string Mermaid(const model::Model& model) {
  std::string out = "flowchart LR\n";
  for (const model::Cluster& c : model.clusters) {
    const std::string id = NodeId(c.name);
    out += fmt::format("  subgraph {0}[\"{1} ({2})\"]\n", id, c.name, c.role);
    if (c.IsCentral()) {
      out += fmt::format("    {0}_mimir[(Mimir)]\n    {0}_loki[(Loki)]\n    {0}_tempo[(Tempo)]\n"
                         "    {0}_grafana[Grafana]\n",
                         id);
    }
    if (c.HasAgents()) out += fmt::format("    {0}_agents[\"agents: {1}\"]\n", id, c.agents);
    if (c.name == model.gitops.argocd_cluster) out += fmt::format("    {0}_argocd[Argo CD]\n", id);
    out += "  end\n";
  }
  const std::string central = NodeId(model.Central().name);
  for (const model::Cluster& c : model.clusters) {
    if (!c.HasAgents()) continue;
    const std::string id = NodeId(c.name);
    out += fmt::format("  {0}_agents -- \"metrics ({2})\" --> {1}_mimir\n", id, central, c.tenant);
    out += fmt::format("  {0}_agents -- \"logs ({2})\" --> {1}_loki\n", id, central, c.tenant);
    out += fmt::format("  {0}_agents -- \"traces ({2})\" --> {1}_tempo\n", id, central, c.tenant);
  }
  out += fmt::format("  {0}_grafana --> {0}_mimir & {0}_loki & {0}_tempo\n", central);
  return out;
}

std::string ApplicationList(const model::Model& model) {
  std::string out;
  for (const model::Cluster& c : model.clusters) {
    for (const HelmComponent& comp : ComponentsOn(model, c)) {
      out += fmt::format("| `{}` | `{}` {} | `{}` |\n", naming::ApplicationName(c.name, comp.name), comp.chart,
                         model.catalog.Chart(comp.chart).version, comp.ns);
    }
    if (!c.tenant.empty()) {
      out += fmt::format("| `{}` | `{}/` (Kustomize) | `{}` on {} |\n", naming::ApplicationName(c.name, "datasources"),
                         "tenants/" + naming::TenantKey(c.tenant, endpoints::InstanceOf(model, c)), kGrafanaNamespace,
                         model.Central().name);
    }
  }
  return out;
}

}  // namespace

void EmitReadme(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const std::string central = model.Central().name;
  const std::string context = naming::KubeContext(model.platform.provider, central);
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
               {"context", context},
               {"repo_url", model.gitops.repo_url},
               {"revision", model.gitops.target_revision},
               {"path", model.gitops.path},
               {"cluster_label", model.cluster_label}});
}

}  // namespace lgtmgen::emit
