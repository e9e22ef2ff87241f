// components/backends/<chart>/values.yaml: MinIO, Mimir, Loki and Tempo on the
// central cluster, shaped by backends.storage, retention and size.
#include <fmt/format.h>

#include "emit/files.h"
#include "naming/namer.h"

namespace lgtmgen::emit {
namespace {

struct SizeProfile {
  int replicas;       ///< stateless and partitioned components
  int loki_replicas;  ///< Loki's monolithic StatefulSet (1, or 3 for replication)
  const char* object_storage;
};

SizeProfile ProfileOf(const std::string& size) {
  if (size == "large") return {3, 3, "200Gi"};
  if (size == "medium") return {2, 3, "50Gi"};
  return {1, 1, "10Gi"};
}

const std::vector<std::string>& Buckets() {
  static const std::vector<std::string> kBuckets = {"mimir-blocks", "mimir-ruler", "mimir-alertmanager",
                                                    "loki-chunks",  "loki-ruler",  "loki-admin",
                                                    "tempo-traces"};
  return kBuckets;
}

render::Vars StorageVars(const model::Model& model) {
  const model::Storage& s = model.backends.storage;
  const SizeProfile p = ProfileOf(model.backends.size);
  return {{"secret", s.credentials_secret},
          {"endpoint", s.endpoint},
          {"insecure", s.insecure ? "true" : "false"},
          {"region", s.region},
          {"bucket_prefix", s.bucket_prefix.empty() ? "" : s.bucket_prefix + "-"},
          {"size", model.backends.size},
          {"replicas", std::to_string(p.replicas)}};
}

}  // namespace

void EmitBackendValues(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const model::Storage& storage = model.backends.storage;
  const SizeProfile profile = ProfileOf(model.backends.size);
  if (storage.type == "s3" && storage.provider == "minio") {
    std::string buckets;
    for (const std::string& b : Buckets()) {
      const std::string name = storage.bucket_prefix.empty() ? b : storage.bucket_prefix + "-" + b;
      buckets += fmt::format("  - name: {}\n    policy: none\n    purge: false\n", name);
    }
    PutTemplate(tree, diags, "backends", naming::ComponentValues("backends", "minio"), "backends/minio.yaml",
                model,
                {{"secret", storage.credentials_secret}, {"storage_size", profile.object_storage},
                 {"buckets", buckets}});
  }
  const std::string federation = render::Flag(model.backends.federation);

  render::Vars mimir = StorageVars(model);
  mimir["retention"] = model.backends.retention.metrics;
  mimir["federation"] = federation;
  mimir["cluster_label"] = model.cluster_label;
  PutTemplate(tree, diags, "backends", naming::ComponentValues("backends", "mimir-distributed"),
              "backends/mimir-distributed.yaml", model, mimir);

  render::Vars loki = StorageVars(model);
  loki.erase("replicas");
  loki["retention"] = model.backends.retention.logs;
  loki["federation"] = federation;
  loki["loki_replicas"] = std::to_string(profile.loki_replicas);
  loki["loki_replication"] = std::to_string(profile.loki_replicas);
  loki["cluster_label"] = model.cluster_label;
  PutTemplate(tree, diags, "backends", naming::ComponentValues("backends", "loki"), "backends/loki.yaml", model,
              loki);

  render::Vars tempo = StorageVars(model);
  tempo["retention"] = model.backends.retention.traces;
  PutTemplate(tree, diags, "backends", naming::ComponentValues("backends", "tempo-distributed"),
              "backends/tempo-distributed.yaml", model, tempo);
}

}  // namespace lgtmgen::emit
