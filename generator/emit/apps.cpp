// clusters/<name>/apps/<app>/: the demo apps of the catalog that are our own
// manifests (tns, hotrod, instrumented-app), each wired to the cluster's agent
// with the cluster label; otel-demo is a Helm component (see components.cpp).
#include <fmt/format.h>


#include "emit/components.h"
#include "emit/files.h"
#include "naming/namer.h"
#include "render/resources.h"

namespace lgtmgen::emit {
namespace {

render::Vars AppVars(const model::Model& model, const model::Cluster& c) {
  const std::string host = LocalOtlpHost(c.agents);
  render::Vars vars = {{"cluster", c.name},
                       {"cluster_label", model.cluster_label},
                       {"jaeger_endpoint", fmt::format("http://{}:14268/api/traces", host)},
                       {"otlp_http_endpoint", fmt::format("http://{}:4318", host)},
                       {"otlp_grpc_endpoint", fmt::format("{}:4317", host)}};
  for (const char* image : {"tns-db", "tns-app", "tns-loadgen", "hotrod", "telemetrygen"}) {
    std::string key = std::string("image_") + image;
    std::replace(key.begin(), key.end(), '-', '_');
    vars[key] = model.catalog.ImageRef(image);
  }
  return vars;
}

}  // namespace

void EmitApps(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  for (const model::Cluster& c : model.clusters) {
    if (c.apps.empty()) continue;
    const render::Vars vars = AppVars(model, c);
    for (const char* app : kKustomizeApps) {
      if (std::find(c.apps.begin(), c.apps.end(), app) == c.apps.end()) continue;
      const std::string prefix = std::string("templates/apps/") + app + "/";
      const std::string dir = naming::ClusterDir(c.name) + "/apps/" + app + "/";
      std::string resources;
      for (const auto& [path, text] : resources::All()) {
        if (path.rfind(prefix, 0) != 0) continue;
        const std::string file = path.substr(prefix.size());
        PutTemplateFrom(tree, diags, "apps", dir + file, path.substr(std::string("templates/").size()), model, vars);
        resources += "  - " + file + "\n";
      }
      Put(tree, diags, "apps", dir + "kustomization.yaml",
          fmt::format("{}\n# The demo app {} on cluster {}, sending its telemetry to {}.\n"
                      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nlabels:\n  - pairs:\n"
                      "      app.kubernetes.io/managed-by: lgtmgen\n      app.kubernetes.io/part-of: {}\n"
                      "resources:\n{}",
                      GeneratedHeader(model), app, c.name, LocalOtlpHost(c.agents), app, resources));
    }
  }
}

}  // namespace lgtmgen::emit
