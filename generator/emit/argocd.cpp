// argocd/: the root Application, the AppProjects and one ApplicationSet per
// component. Applications are generated from clusters/*/cluster.json.
#include <fmt/format.h>

#include <map>
#include <set>

#include "emit/components.h"
#include "emit/files.h"
#include "endpoints/resolver.h"
#include "naming/namer.h"

namespace lgtmgen::emit {
namespace {

render::Vars RepoVars(const model::Model& model) {
  return {{"repo_url", model.gitops.repo_url},
          {"revision", model.gitops.target_revision},
          {"facts_glob", naming::RepoPath(model.gitops.path, "clusters/*/cluster.json")}};
}

// The project of Applications on telemetry-shipping clusters: one for all,
// or one per environment with isolation: instances.
std::string AgentProject(const model::Model& model) {
  return model.isolation == "instances" ? "'env-{{.environment}}'" : "agents";
}

// The post-selector block of an ApplicationSet generator.
std::string SelectorBlock(const std::vector<Selector>& selectors) {
  std::string out = "matchExpressions:\n";
  for (const Selector& s : selectors) {
    out += fmt::format("  - key: {}\n    operator: {}\n    values:\n", s.key, s.op);
    for (const std::string& v : s.values) out += fmt::format("      - {}\n", YamlQuote(v));
  }
  return out;
}

std::string CentralDestinations(const model::Model& model) {
  std::set<std::string> namespaces;
  for (const HelmComponent& c : HelmComponents(model)) {
    if (!c.central) continue;
    namespaces.insert(c.ns);
    namespaces.insert(c.also_in.begin(), c.also_in.end());
  }
  for (const KustomizeComponent& k : KustomizeComponents(model)) {
    if (k.to_central) namespaces.insert(k.ns);
  }
  std::string out;
  for (const std::string& ns : namespaces) {
    out += fmt::format("- name: {}\n  namespace: {}\n", model.Central().name, ns);
  }
  return out;
}

// This repository and the chart repositories of the project's components.
std::string SourceRepos(const model::Model& model, bool central) {
  std::set<std::string> repos;
  for (const HelmComponent& c : HelmComponents(model)) {
    if (c.central == central) repos.insert(model.catalog.Chart(c.chart).repo);
  }
  std::string out = "- " + model.gitops.repo_url + "\n";
  for (const std::string& r : repos) out += "- " + r + "\n";
  return out;
}

void EmitHelmApplicationSet(const model::Model& model, const HelmComponent& c, out::OutputTree& tree,
                            diag::Diagnostics& diags) {
  render::Vars vars = RepoVars(model);
  vars["component"] = c.name;
  vars["selector"] = SelectorBlock(c.selectors);
  vars["wave"] = std::to_string(c.wave);
  vars["project"] = c.central ? "central" : AgentProject(model);
  vars["chart_repo"] = model.catalog.Chart(c.chart).repo;
  vars["chart"] = c.chart;
  vars["chart_version"] = model.catalog.Chart(c.chart).version;
  vars["release"] = c.release;
  vars["default_values"] = naming::RepoPath(model.gitops.path, naming::ComponentValues(c.area, c.values_name));
  vars["cluster_values"] =
      naming::RepoPath(model.gitops.path, "clusters/{{.name}}/values/" + c.values_name + ".yaml");
  vars["namespace"] = c.ns;
  vars["server_side_apply"] = render::Flag(c.server_side_apply);
  vars["ignore_differences"] = c.ignore_differences;
  vars["namespace_metadata"] = MeshNamespaceMetadata(model, c.ns);
  PutTemplate(tree, diags, "argocd", naming::ApplicationSetFile(c.name), "argocd/helm-applicationset.yaml",
              model, vars);
}

}  // namespace

void EmitArgoCd(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  render::Vars root = RepoVars(model);
  root.erase("facts_glob");
  root["argocd_path"] = naming::RepoPath(model.gitops.path, "argocd");
  PutTemplate(tree, diags, "argocd", "argocd/root.yaml", "argocd/root.yaml", model, root);

  PutTemplate(tree, diags, "argocd", "argocd/projects/central.yaml", "argocd/project-central.yaml", model,
              {{"central", model.Central().name},
               {"ingress_nginx", render::Flag(InstallsIngressController(model))},
               {"source_repos", SourceRepos(model, true)},
               {"destinations", CentralDestinations(model)}});
  std::set<std::string> agent_namespaces;
  for (const HelmComponent& c : HelmComponents(model)) {
    if (c.central) continue;
    agent_namespaces.insert(c.ns);
    agent_namespaces.insert(c.also_in.begin(), c.also_in.end());
  }
  for (const KustomizeComponent& k : KustomizeComponents(model)) {
    if (!k.to_central) agent_namespaces.insert(k.ns);
  }
  if (NeedsGlobalServiceStubs(model)) agent_namespaces.insert(kIngestNamespace);  // the proxy's stand-in
  // What every agents project shares; each adds its name, description and destinations.
  const render::Vars project = {{"source_repos", SourceRepos(model, false)},
                                {"istio", render::Flag(model.mesh.type == "istio")},
                                {"linkerd_viz", render::Flag(model.HasAddon("linkerd-viz"))},
                                {"metrics_server", render::Flag(model.HasAddon("metrics-server"))}};
  if (!agent_namespaces.empty() && model.isolation != "instances") {
    std::string destinations;
    for (const std::string& ns : agent_namespaces) destinations += fmt::format("- name: \"*\"\n  namespace: {}\n", ns);
    render::Vars vars = project;
    vars["project"] = "agents";
    vars["description"] = "Telemetry agents, demo apps and the service mesh on every cluster of the fleet";
    vars["destinations"] = destinations;
    PutTemplate(tree, diags, "argocd", "argocd/projects/agents.yaml", "argocd/project-agents.yaml", model, vars);
  }
  if (!agent_namespaces.empty() && model.isolation == "instances") {
    // One project per environment: its Applications may deploy only to the
    // clusters of that environment.
    std::map<std::string, std::string> destinations;
    for (const model::Cluster& c : model.clusters) {
      if (c.environment.empty()) continue;
      for (const std::string& ns : agent_namespaces) {
        destinations[c.environment] += fmt::format("- name: {}\n  namespace: {}\n", c.name, ns);
      }
    }
    for (const auto& [env, list] : destinations) {
      render::Vars vars = project;
      vars["project"] = "env-" + env;
      vars["description"] = "Telemetry agents, demo apps and the service mesh on the clusters of environment " + env;
      vars["destinations"] = list;
      PutTemplate(tree, diags, "argocd", "argocd/projects/env-" + env + ".yaml", "argocd/project-agents.yaml", model,
                  vars);
    }
  }
  for (const HelmComponent& c : HelmComponents(model)) EmitHelmApplicationSet(model, c, tree, diags);

  for (const KustomizeComponent& k : KustomizeComponents(model)) {
    render::Vars vars = RepoVars(model);
    vars["name"] = k.name;
    vars["selection"] = k.description;
    vars["path"] = naming::RepoPath(model.gitops.path, k.path);
    vars["selector"] = SelectorBlock(k.selectors);
    vars["destination"] = k.to_central ? model.Central().name : "'{{.name}}'";
    vars["project"] = k.to_central ? "central" : AgentProject(model);
    vars["namespace"] = k.ns;
    vars["wave"] = std::to_string(k.wave);
    vars["needs_crds"] = render::Flag(k.needs_crds);
    vars["server_side_apply"] = render::Flag(k.server_side_apply);
    vars["namespace_metadata"] = MeshNamespaceMetadata(model, k.ns);
    PutTemplate(tree, diags, "argocd", naming::ApplicationSetFile(k.name), "argocd/kustomize-applicationset.yaml",
                model, vars);
  }
  PutTemplate(tree, diags, "argocd", "argocd/README.md", "argocd/README.md", model, {});
}

}  // namespace lgtmgen::emit
