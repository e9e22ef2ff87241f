// components/backends/<chart>/values.yaml: MinIO, Mimir, Loki and Tempo on the
// central cluster, shaped by backends.storage, retention and size.
#include <fmt/format.h>

#include "emit/alerting_layout.h"
#include "emit/components.h"
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
  // Mimir's Alertmanager reads its configuration from alerts/ (local
  // storage), so it has no bucket; the rulers use theirs while the spec has
  // no rules for them.
  static const std::vector<std::string> kBuckets = {"mimir-blocks", "mimir-ruler", "loki-chunks",
                                                    "loki-ruler",   "loki-admin",  "tempo-traces"};
  return kBuckets;
}

// Bucket names start with the spec's prefix, then the instance's environment.
std::string BucketPrefix(const model::Model& model, const std::string& env) {
  std::string prefix;
  if (!model.backends.storage.bucket_prefix.empty()) prefix += model.backends.storage.bucket_prefix + "-";
  if (!env.empty()) prefix += env + "-";
  return prefix;
}

// Under Cilium ClusterMesh with remote agents, the chart's extraObjects: a
// policy that lets only the central cluster's pods reach the back end in ns
// (ClusterMesh routes every cluster's pods to one another); "" otherwise.
std::string ClusterLocalPolicy(const model::Model& model, const std::string& ns) {
  if (model.mesh.type != "cilium-clustermesh" || !NeedsIngest(model)) return "";
  return render::RenderFile("backends/cluster-local-policy.yaml", {{"namespace", ns}, {"central", model.Central().name}});
}

render::Vars StorageVars(const model::Model& model, const std::string& env) {
  const model::Storage& s = model.backends.storage;
  const SizeProfile p = ProfileOf(model.backends.size);
  return {{"secret", s.credentials_secret},
          {"endpoint", s.endpoint},
          {"insecure", s.insecure ? "true" : "false"},
          {"region", s.region},
          {"bucket_prefix", BucketPrefix(model, env)},
          {"size", model.backends.size},
          {"replicas", std::to_string(p.replicas)}};
}

// True when the central cluster's agents discover ServiceMonitors (every
// scenario but none), so the back ends ask to be scraped.
bool SelfMonitored(const model::Model& model) { return model.Central().HasAgents(); }

// The volume (a list item of extraVolumes) that mounts ConfigMap config_map
// with items (YAML list items), optional: the alerts Application may create
// it after the pod starts, and the kubelet fills the volume then. Without
// items (a backend set no tenant writes to), an empty directory.
std::string ConfigMapVolume(const std::string& name, const std::string& config_map, const std::string& items) {
  if (items.empty()) return fmt::format("- name: {}\n  emptyDir: {{}}\n", name);
  return fmt::format("- name: {}\n  configMap:\n    name: {}\n    optional: true\n    items:\n{}", name, config_map,
                     items);
}

std::string Mount(const std::string& name, const std::string& path) {
  return fmt::format("- name: {}\n  mountPath: {}\n  readOnly: true\n", name, path);
}

// The ruler of language in a backend set (Mimir's: promql, Loki's: logql):
// with rules for its tenants, local storage at dir from ConfigMap config_map,
// each evaluated tenant's rule set mounted as <tenant>/lgtmgen.yaml, and only
// those tenants enabled. Sets local_rules, rules_dir, ruler_volumes,
// ruler_mounts and enabled_tenants.
void RulerVars(const model::Model& model, const InstanceAlerting& instance, const std::string& language,
               const std::string& config_map, const std::string& dir, render::Vars& vars) {
  const bool rules = HasRules(model, language) && !instance.RuleSets(language).empty();
  std::string items, tenants;
  for (const TenantRules& t : instance.tenants) {
    if (!rules || !t.evaluated) continue;
    items += fmt::format("      - key: {}.yaml\n        path: {}/{}\n", t.SetOf(language), t.tenant, kRuleNamespaceFile);
    tenants += (tenants.empty() ? "" : ",") + t.tenant;
  }
  std::string volume = rules ? ConfigMapVolume("tenant-rules", config_map, items) : "";
  std::string mount = rules ? Mount("tenant-rules", dir) : "";
  if (rules) {
    volume.pop_back();
    mount.pop_back();
  }
  vars["local_rules"] = render::Flag(rules);
  vars["rules_dir"] = dir;
  vars["ruler_volumes"] = volume;
  vars["ruler_mounts"] = mount;
  vars["enabled_tenants"] = rules ? YamlQuote(tenants) : "";
}

// Mimir's Alertmanager: every tenant's configuration and the receivers' Secrets.
void AlertmanagerVars(const model::Model& model, const InstanceAlerting& instance, render::Vars& mimir) {
  std::string items;
  for (const TenantRules& t : instance.tenants) {
    items += fmt::format("      - key: {}\n        path: {}.yaml\n", kAlertmanagerKey, t.tenant);
  }
  std::string volumes = ConfigMapVolume("tenant-configs", kAlertmanagerConfigMap, items);
  std::string mounts = Mount("tenant-configs", kMimirAlertmanagerDir);
  int i = 0;
  for (const auto& [secret, keys] : ReceiverSecretKeys(model)) {
    const std::string name = fmt::format("receiver-secret-{}", i++);
    volumes += fmt::format("- name: {}\n  secret:\n    secretName: {}\n", name, secret);
    mounts += Mount(name, std::string(kReceiverSecretsDir) + "/" + secret);
  }
  volumes.pop_back();
  mounts.pop_back();
  mimir["alertmanager_volumes"] = volumes;
  mimir["alertmanager_mounts"] = mounts;
  mimir["alertmanager_dir"] = kMimirAlertmanagerDir;
}

// Mimir, Loki and Tempo of one backend set.
void EmitInstance(const model::Model& model, const InstanceAlerting& alerting, out::OutputTree& tree,
                  diag::Diagnostics& diags) {
  const std::string& env = alerting.environment;
  const SizeProfile profile = ProfileOf(model.backends.size);
  const std::string federation = render::Flag(model.backends.federation);
  const std::string mimir_ns = InstanceName("mimir", env);

  render::Vars mimir = StorageVars(model, env);
  mimir["retention"] = model.backends.retention.metrics;
  mimir["federation"] = federation;
  mimir["namespace"] = mimir_ns;
  mimir["self_monitoring"] = render::Flag(SelfMonitored(model));
  mimir["central"] = model.Central().name;
  AlertmanagerVars(model, alerting, mimir);
  RulerVars(model, alerting, "promql", kMimirRulesConfigMap, kMimirRulesDir, mimir);
  mimir["cluster_local_policy"] = ClusterLocalPolicy(model, mimir_ns);
  PutTemplate(tree, diags, "backends", naming::ComponentValues("backends", InstanceName("mimir-distributed", env)),
              "backends/mimir-distributed.yaml", model, mimir);

  render::Vars loki = StorageVars(model, env);
  loki.erase("replicas");
  loki["retention"] = model.backends.retention.logs;
  loki["federation"] = federation;
  loki["loki_replicas"] = std::to_string(profile.loki_replicas);
  loki["loki_replication"] = std::to_string(profile.loki_replicas);
  loki["cluster_label"] = model.cluster_label;
  loki["namespace"] = InstanceName("loki", env);
  loki["self_monitoring"] = render::Flag(SelfMonitored(model));
  loki["alertmanager_url"] = fmt::format("http://mimir-alertmanager.{}.svc:8080/alertmanager", mimir_ns);
  RulerVars(model, alerting, "logql", kLokiRulesConfigMap, kLokiRulesDir, loki);
  loki["cluster_local_policy"] = ClusterLocalPolicy(model, InstanceName("loki", env));
  PutTemplate(tree, diags, "backends", naming::ComponentValues("backends", InstanceName("loki", env)),
              "backends/loki.yaml", model, loki);

  render::Vars tempo = StorageVars(model, env);
  tempo["retention"] = model.backends.retention.traces;
  tempo["namespace"] = InstanceName("tempo", env);
  tempo["self_monitoring"] = render::Flag(SelfMonitored(model));
  tempo["mimir_namespace"] = mimir_ns;
  tempo["cluster_label"] = model.cluster_label;
  tempo["worker_pdb"] = render::Flag(profile.replicas > 1);
  tempo["cluster_local_policy"] = ClusterLocalPolicy(model, InstanceName("tempo", env));
  PutTemplate(tree, diags, "backends", naming::ComponentValues("backends", InstanceName("tempo-distributed", env)),
              "backends/tempo-distributed.yaml", model, tempo);
}

}  // namespace

void EmitBackendValues(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const model::Storage& storage = model.backends.storage;
  const SizeProfile profile = ProfileOf(model.backends.size);
  if (storage.type == "s3" && storage.provider == "minio") {
    std::string buckets;
    for (const std::string& env : Instances(model)) {
      for (const std::string& b : Buckets()) {
        buckets += fmt::format("  - name: {}{}\n    policy: none\n    purge: false\n", BucketPrefix(model, env), b);
      }
    }
    PutTemplate(tree, diags, "backends", naming::ComponentValues("backends", "minio"), "backends/minio.yaml",
                model,
                {{"secret", storage.credentials_secret}, {"storage_size", profile.object_storage},
                 {"buckets", buckets}});
  }
  for (const InstanceAlerting& instance : AlertingByInstance(model)) EmitInstance(model, instance, tree, diags);
}

}  // namespace lgtmgen::emit
