// components/agents/<scenario>/ and the per-cluster agent values: what ships
// each cluster's metrics, logs and traces to the central stack under its
// tenant, with the cluster label on every signal.
#include <fmt/format.h>

#include "emit/files.h"
#include "naming/namer.h"

namespace lgtmgen::emit {

/// Write endpoints of the central stack, as agents on the central cluster see them.
inline constexpr const char* kMimirPushUrl = "http://mimir-gateway.mimir.svc/api/v1/push";
inline constexpr const char* kLokiPushUrl = "http://loki-gateway.loki.svc/loki/api/v1/push";
inline constexpr const char* kTempoOtlpGrpc = "tempo-distributor.tempo.svc:4317";

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
                 {"mimir_url", kMimirPushUrl},
                 {"loki_url", kLokiPushUrl},
                 {"tempo_endpoint", kTempoOtlpGrpc}});
  }
  if (alloy) {
    PutTemplate(tree, diags, "agents", naming::ComponentValues("agents", "alloy"), "agents/alloy-values.yaml", model,
                {});
  }
}

}  // namespace lgtmgen::emit
