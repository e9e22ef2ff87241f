#include "model/renderable.h"

#include <fmt/format.h>

#include "spec/document.h"

namespace lgtmgen::model {
namespace {

void NotYet(diag::Diagnostics& diags, const diag::SourceLoc& at, const std::string& what, const std::string& hint) {
  diags.Error(at, fmt::format("{} is not rendered by this version of lgtmgen yet", what), hint);
}

// The bootstrap creates kind clusters or minikube profiles (with Cilium or
// the default CNI and a load balancer), or uses existing clusters as they are.
void CheckPlatform(const Model& model, const spec::Document& doc, diag::Diagnostics& diags) {
  const Platform& p = model.platform;
  if (p.local_provider.empty()) {  // nothing to install a CNI or load balancer on
    if (p.cni == "cilium") {
      NotYet(diags, doc.ValueLoc("/platform/cni"), fmt::format("platform.cni: cilium on provider {}", p.provider),
             "on existing clusters the CNI is already installed: use cni: default");
    }
    if (p.load_balancer != "none") {
      NotYet(diags, doc.ValueLoc("/platform/loadBalancer"),
             fmt::format("platform.loadBalancer: {} on provider {}", p.load_balancer, p.provider),
             "on existing clusters use loadBalancer: none (the cluster's own load balancer serves)");
    }
  }
  // Federation scrapes node ports, no cross-cluster path to existing
  // clusters (their addresses are unknown to lgtmgen).
  for (const Cluster& c : model.clusters) {
    if (c.Federated() && !c.IsCentral() && !c.IsLocal()) {
      NotYet(diags, doc.ValueLoc(c.pointer + "/metricsTransport"),
             fmt::format("metricsTransport: federation of cluster '{}' on provider {}", c.name, c.provider),
             "the central cluster scrapes /federate on the cluster's node ports by a kind or minikube node name; "
             "use metricsTransport: remote-write");
    }
  }
}

}  // namespace

void CheckRenderable(const Model& model, const spec::Document& doc, diag::Diagnostics& diags) {
  if (model.mesh.type == "linkerd" && model.mesh.linkerd_channel == "stable") {
    NotYet(diags, doc.ValueLoc("/mesh/linkerd/channel"), "mesh.linkerd.channel: stable",
           "Linkerd's open-source project publishes edge releases only (stable ones come from Buoyant "
           "Enterprise for Linkerd, under a license); use channel: edge");
  }
  CheckPlatform(model, doc, diags);
}

}  // namespace lgtmgen::model
