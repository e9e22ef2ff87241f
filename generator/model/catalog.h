#pragma once
// The version catalog: every Helm chart and image lgtmgen deploys, pinned.
// Source: templates/catalog/versions.yaml; the spec's `versions:` overrides it.
#include <map>
#include <string>

#include "diag/diagnostics.h"

namespace lgtmgen::model {

struct ChartPin {
  std::string repo;  ///< Helm repository URL
  std::string version;
};

struct ImagePin {
  std::string repository;
  std::string tag;
};

struct Catalog {
  std::map<std::string, ChartPin> charts;
  std::map<std::string, ImagePin> images;
  std::map<std::string, std::string> manifests;  ///< release manifests applied at bootstrap → version

  /// The pin of chart name. Throws std::out_of_range for a chart not in the
  /// catalog: emitters ask only for charts the catalog ships (a bug otherwise).
  [[nodiscard]] const ChartPin& Chart(const std::string& name) const { return charts.at(name); }
  [[nodiscard]] const ImagePin& Image(const std::string& name) const { return images.at(name); }
  /// "repository:tag" of image name.
  [[nodiscard]] std::string ImageRef(const std::string& name) const;
};

/// Parses the catalog YAML text. A malformed catalog is a build defect and
/// throws std::runtime_error naming the problem.
[[nodiscard]] Catalog ParseCatalog(const std::string& yaml_text);

/// The catalog compiled into the binary (templates/catalog/versions.yaml).
[[nodiscard]] const Catalog& BuiltinCatalog();

/// The uid of a catalog dashboard (templates/dashboards/<name>.json): Grafana
/// links and the uniqueness check find it by this.
[[nodiscard]] inline std::string CatalogDashboardUid(const std::string& name) {
  return name.rfind("lgtm-", 0) == 0 ? name : "lgtm-" + name;
}

}  // namespace lgtmgen::model
