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
  std::string path;    ///< relative to dashboards/
  std::string folder;  ///< Grafana folder title
  std::string json;
};

// Catalog dashboards are grouped by what they watch: the fleet itself, or a
// demo app.
std::string CatalogFolder(const std::string& name) {
  return name == "tns" || name == "otel-demo" ? "apps" : "fleet";
}

std::string FolderTitle(const std::string& folder) {
  if (folder == "apps") return "Demo apps";
  if (folder == "fleet") return "Fleet";
  return "Custom";
}

// "My Dashboard (v2).json" → "my-dashboard-v2": the file and ConfigMap name.
std::string Slug(const std::string& file) {
  std::string base = file.substr(file.find_last_of('/') + 1);
  if (const size_t dot = base.rfind('.'); dot != std::string::npos && dot > 0) base.resize(dot);
  return naming::KebabSlug(base, 50, "dashboard");
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
  if (model.dashboards.empty()) return;
  const render::Vars superset = {{"cluster_label", model.cluster_label}};
  std::vector<DashboardFile> files;
  for (const model::Dashboard& d : model.dashboards) {
    if (!d.catalog_name.empty()) {
      const std::string tmpl = "templates/dashboards/" + d.catalog_name + ".json";
      const std::string folder = CatalogFolder(d.catalog_name);
      files.push_back({folder + "/" + d.catalog_name + ".json", folder,
                       render::RenderFile("dashboards/" + d.catalog_name + ".json",
                                          render::UsedBy(resources::Get(tmpl), superset))});
    } else if (!d.json_text.empty()) {
      // The model checked it parses; written pretty-printed so diffs are per line.
      nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(d.json_text);
      if (parsed.contains("dashboard") && parsed["dashboard"].is_object()) parsed = parsed["dashboard"];
      files.push_back({"custom/" + Slug(d.file) + ".json", "custom", parsed.dump(2) + "\n"});
    }
  }
  std::string generators;
  std::string rows;
  for (const DashboardFile& f : files) {
    const std::string stem = f.path.substr(f.path.find('/') + 1, f.path.size() - f.path.find('/') - 6);
    generators += fmt::format(
        "- name: dashboard-{}\n  files:\n    - {}\n  options:\n    labels:\n      grafana_dashboard: \"1\"\n"
        "    annotations:\n      grafana_folder: {}\n",
        stem, f.path, YamlQuote(FolderTitle(f.folder)));
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
