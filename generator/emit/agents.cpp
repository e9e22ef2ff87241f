// components/agents/<scenario>/ and the per-cluster agent values: what ships
// each cluster's metrics, logs and traces to the central stack under its
// tenant, with the cluster label on every signal.
#include <fmt/format.h>

#include "emit/files.h"
#include "endpoints/resolver.h"
#include "naming/namer.h"

namespace lgtmgen::emit {

using endpoints::Backend;
using endpoints::Protocol;
using endpoints::Resolve;

void EmitAgents(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  bool alloy = false;
  for (const model::Cluster& c : model.clusters) {
    if (c.agents != "alloy") continue;
    alloy = true;
    PutTemplate(tree, diags, "agents", naming::ClusterValues(c.name, "alloy"), "agents/alloy-cluster-values.yaml",
                model,
                {{"cluster", c.name},
                 {"tenant", c.tenant},
                 {"cluster_label", model.cluster_label},
                 {"mimir_url", Resolve(model, c, Backend::kMimir, Protocol::kRemoteWrite).Url()},
                 {"loki_url", Resolve(model, c, Backend::kLoki, Protocol::kLokiPush).Url()},
                 {"tempo_endpoint", Resolve(model, c, Backend::kTempo, Protocol::kOtlpGrpc).HostPort()}});
  }
  if (alloy) {
    PutTemplate(tree, diags, "agents", naming::ComponentValues("agents", "alloy"), "agents/alloy-values.yaml", model,
                {});
  }
}

}  // namespace lgtmgen::emit
