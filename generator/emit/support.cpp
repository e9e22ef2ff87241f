// What a valid spec may ask for but this version does not render yet. Each is
// refused with a clear error before any file is produced, rather than
// rendered half-way: a repository that looks complete but is not would be
// worse than none.
#include <fmt/format.h>

#include "emit/files.h"

namespace lgtmgen::emit {
namespace {

void NotYet(diag::Diagnostics& diags, const std::string& what, const std::string& hint) {
  diags.Error({}, fmt::format("{} is not rendered by this version of lgtmgen yet", what), hint);
}

}  // namespace

void EmitSupportCheck(const model::Model& model, out::OutputTree&, diag::Diagnostics& diags) {
  if (model.mesh.type == "linkerd" && model.mesh.linkerd_channel == "stable") {
    NotYet(diags, "mesh.linkerd.channel: stable",
           "Linkerd's open-source project publishes edge releases only (stable ones come from Buoyant "
           "Enterprise for Linkerd, under a license); use channel: edge");
  }
  for (const std::string& addon : model.addons) {
    if (addon != "hubble" && addon != "linkerd-viz") {
      NotYet(diags, "add-on " + addon, "remove it from addons: for now (hubble and linkerd-viz are rendered)");
    }
  }
  for (const model::Cluster& c : model.clusters) {
    if (c.role == "remote" && c.HasAgents() && model.platform.provider != "kind") {
      NotYet(diags, fmt::format("remote cluster '{}' on provider {}", c.name, model.platform.provider),
             "remote clusters reach the central cluster (its ingest proxy, or its API server when the "
             "bootstrap links the mesh) by its kind node name; use platform.provider: kind for now");
    }
  }
}

}  // namespace lgtmgen::emit
