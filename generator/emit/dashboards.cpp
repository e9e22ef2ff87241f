// dashboards/: the catalog's dashboards and the user's own JSON files, one
// ConfigMap each (kustomize configMapGenerator) for Grafana's sidecar.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "emit/components.h"
#include "emit/files.h"
#include "naming/namer.h"
#include "render/resources.h"

namespace lgtmgen::emit {
namespace {

struct DashboardFile {
  std::string stem;    ///< file name without .json; the ConfigMap is dashboard-<folder>-<stem>
  std::string path;    ///< relative to dashboards/
  std::string folder;  ///< Grafana folder title
  std::string json;
};

// Catalog dashboards are grouped by what they watch: the fleet itself, the
// service mesh, the network, or a demo app.
std::string CatalogFolder(const std::string& name) {
  if (name == "istio-mesh" || name == "linkerd-mesh") return "mesh";
  if (name == "hubble") return "network";
  return name == "tns" || name == "otel-demo" || name == "hotrod" || name == "instrumented-app" ? "apps" : "fleet";
}

std::string FolderTitle(const std::string& folder) {
  if (folder == "apps") return "Demo apps";
  if (folder == "mesh") return "Service mesh";
  if (folder == "network") return "Network";
  if (folder == "fleet") return "Fleet";
  return "Custom";
}

std::string TitleOf(const std::string& json) {
  const nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(json, nullptr, false);
  if (parsed.is_object() && parsed.contains("title") && parsed["title"].is_string()) {
    return parsed["title"].get<std::string>();
  }
  return "";
}

}  // namespace

void EmitDashboards(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  if (RepoDashboardCount(model) == 0) return;
  const render::Vars superset = {{"cluster_label", model.cluster_label}};
  std::vector<DashboardFile> files;
  for (const model::Dashboard& d : model.dashboards) {
    if (!d.catalog_name.empty()) {
      const std::string tmpl = "templates/dashboards/" + d.catalog_name + ".json";
      const std::string folder = CatalogFolder(d.catalog_name);
      files.push_back({d.catalog_name, folder + "/" + d.catalog_name + ".json", folder,
                       render::RenderFile("dashboards/" + d.catalog_name + ".json",
                                          render::UsedBy(resources::Get(tmpl), superset))});
    } else if (!d.json_text.empty()) {
      const std::string stem = naming::DashboardFileStem(d.file);
      files.push_back({stem, "custom/" + stem + ".json", "custom", d.json_text});
    }
  }
  std::string generators;
  std::string rows;
  for (const DashboardFile& f : files) {
    generators += fmt::format(
        "- name: dashboard-{}-{}\n  files:\n    - {}\n  options:\n    labels:\n      grafana_dashboard: \"1\"\n"
        "    annotations:\n      grafana_folder: {}\n",
        f.folder, f.stem, f.path, YamlQuote(FolderTitle(f.folder)));
    rows += fmt::format("| `{}` | {} | {} |\n", f.path, TitleOf(f.json), FolderTitle(f.folder));
    Put(tree, diags, "dashboards", "dashboards/" + f.path, f.json);
  }
  if (!generators.empty()) generators.pop_back();
  if (!rows.empty()) rows.pop_back();
  PutTemplate(tree, diags, "dashboards", "dashboards/kustomization.yaml", "dashboards/kustomization.yaml", model,
              {{"namespace", kGrafanaNamespace}, {"generators", generators}});
  PutTemplate(tree, diags, "dashboards", "dashboards/README.md", "dashboards/README.md", model,
              {{"namespace", kGrafanaNamespace}, {"rows", rows}, {"cluster_label", model.cluster_label}});
}

}  // namespace lgtmgen::emit
