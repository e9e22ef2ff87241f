// components/mesh/: the service mesh between the clusters (mesh.type), its
// shared values and each cluster's part in it. Trust material is never here:
// bootstrap/15-create-secrets.sh makes it, bootstrap/50-link-mesh.sh links
// the clusters with live credentials.
#include <fmt/format.h>

#include "emit/components.h"
#include "emit/files.h"
#include "naming/namer.h"

namespace lgtmgen::emit {

std::string MeshExportMetadata(const model::Model& model) {
  if (model.mesh.type == "linkerd") return "labels:\n  mirror.linkerd.io/exported: \"true\"";
  return "";
}

std::string MeshOptOutAnnotation(const model::Model& model) {
  if (model.mesh.type == "linkerd") return "linkerd.io/inject: disabled";
  return "";
}

void EmitMesh(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  if (model.mesh.type != "linkerd") return;
  for (const char* chart : {"linkerd-crds", "linkerd-control-plane", "linkerd-multicluster"}) {
    PutTemplate(tree, diags, "mesh", naming::ComponentValues("mesh", chart),
                std::string("mesh/") + chart + "-values.yaml", model, {});
  }
  for (const model::Cluster& c : model.clusters) {
    if (!Meshed(model, c)) continue;
    PutTemplate(tree, diags, "mesh", naming::ClusterValues(c.name, "linkerd-multicluster"),
                "mesh/linkerd-multicluster-cluster-values.yaml", model,
                {{"central", c.IsCentral() ? "true" : "false"}, {"central_name", model.Central().name}});
  }
}

}  // namespace lgtmgen::emit
