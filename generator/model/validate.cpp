// The semantic rules of SPEC.md's refuse-list. Each rule is one function; each
// runs in O(n log n) or better over the clusters, so a fleet of thousands of
// clusters validates in milliseconds.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "diag/spelling.h"
#include "model/build.h"
#include "model/catalog.h"
#include "model/matcher.h"
#include "model/rule_catalog.h"
#include "naming/namer.h"

namespace lgtmgen::model {
namespace {

// With isolation: instances an environment names the back-end components
// ("mimir-<environment>") within naming::kMaxComponent.
constexpr size_t kMaxEnvironment = naming::kMaxComponent - 6;

class Validator {
 public:
  Validator(const Model& m, const spec::Document& doc, diag::Diagnostics& diags)
      : m_(m), doc_(doc), diags_(diags) {}

  void Run() {
    CheckUnique("name", [](const Cluster& c) { return c.name; }, "cluster name");
    CheckTenants();
    CheckUnique("network/clusterId",
                [](const Cluster& c) { return c.network.cluster_id ? std::to_string(*c.network.cluster_id) : ""; },
                "cluster ID");
    CheckSingleCentral();
    CheckNames();
    CheckCidrs();
    CheckMinikubeProfiles();
    CheckMixedProviders();
    CheckIngestHost();
    CheckArgoCdCluster();
    CheckRoles();
    CheckMesh();
    CheckAddons();
    CheckStorageAndGrafana();
    CheckAlerting();
    CheckDashboards();
  }

 private:
  diag::SourceLoc At(const std::string& pointer) const { return doc_.ValueLoc(pointer); }
  bool Given(const std::string& pointer) const { return doc_.value_locs.count(pointer) != 0; }

  template <typename KeyFn>
  void CheckUnique(const std::string& field, KeyFn key, const std::string& what) {
    std::unordered_map<std::string, const Cluster*> seen;
    for (const Cluster& c : m_.clusters) {
      const std::string k = key(c);
      if (k.empty()) continue;
      auto [it, inserted] = seen.emplace(k, &c);
      if (!inserted) {
        diags_.Error(At(c.pointer + "/" + field), fmt::format("duplicate {} '{}'", what, k),
                     fmt::format("every cluster needs its own {}", what))
            .notes.push_back({At(it->second->pointer + "/" + field),
                              fmt::format("'{}' first used by cluster '{}' here", k, it->second->name)});
      }
    }
  }

  void CheckTenants() {
    // With isolation: instances, tenants only need to be unique per environment.
    std::unordered_map<std::string, const Cluster*> seen;
    std::unordered_map<std::string, const Cluster*> slugs;
    for (const Cluster& c : m_.clusters) {
      if (c.tenant.empty()) continue;
      const std::string scope_env = m_.isolation == "instances" ? c.environment : "";
      const std::string scope = scope_env + "/";
      const std::string field = Given(c.pointer + "/tenant") ? "/tenant" : "/name";
      if (auto [it, inserted] = seen.emplace(scope + c.tenant, &c); !inserted) {
        diags_.Error(At(c.pointer + field), fmt::format("duplicate tenant '{}'", c.tenant),
                     "each cluster writes under its own X-Scope-OrgID; pick another tenant ID")
            .notes.push_back({At(it->second->pointer + "/tenant"),
                              fmt::format("tenant first used by cluster '{}' here", it->second->name)});
        continue;
      }
      if (m_.backends.federation && naming::TenantSlug(c.tenant) == naming::kAllTenantsSlug) {
        diags_.Error(At(c.pointer + field),
                     fmt::format("tenant '{}' collides with the federated datasources folder '{}'", c.tenant,
                                 naming::kAllTenantsSlug),
                     "with backends.federation: true, pick another tenant ID");
      }
      const std::string slug = scope + naming::TenantSlug(c.tenant);
      if (auto [it, inserted] = slugs.emplace(slug, &c); !inserted && it->second->tenant != c.tenant) {
        diags_.Error(At(c.pointer + field),
                     fmt::format("tenant '{}' and tenant '{}' would share the folder '{}'", c.tenant,
                                 it->second->tenant, "tenants/" + naming::TenantKey(c.tenant, scope_env)),
                     "tenant IDs must differ in more than case and punctuation")
            .notes.push_back({At(it->second->pointer + "/tenant"), "the other tenant is here"});
      }
    }
  }

  void CheckSingleCentral() {
    const Cluster* first = nullptr;
    for (const Cluster& c : m_.clusters) {
      if (!c.IsCentral()) continue;
      if (first == nullptr) {
        first = &c;
        continue;
      }
      diags_.Error(At(c.pointer + "/role"),
                   fmt::format("cluster '{}' is a second central cluster", c.name),
                   "a fleet has exactly one central cluster; use role: remote (or isolation: "
                   "instances for one backend set per environment)")
          .notes.push_back({At(first->pointer + "/role"), fmt::format("'{}' is central here", first->name)});
    }
  }

  // Profiles share one docker network (endpoints::DockerNetwork), where
  // minikube gives the first node of every profile the same address unless
  // --static-ip fixes it, and a fixed address fits one node only (minikube
  // issue 18567). minikube's bridge CNI uses 10.244.0.0/16 whatever kubeadm
  // is told, so another podCIDR would be a promise the cluster breaks.
  void CheckMinikubeProfiles() {
    for (const Cluster& c : m_.clusters) {
      if (c.provider != "minikube") continue;
      if (c.workers > 0 || c.control_planes > 1) {
        diags_.Error(At(c.pointer + "/nodes"),
                     fmt::format("cluster '{}' has {} nodes; a minikube profile of this fleet has one",
                                 c.name, c.workers + c.control_planes),
                     "the profiles share one docker network at fixed addresses (--static-ip), which minikube "
                     "gives to single-node profiles only; remove nodes:, or use provider: kind");
      }
      if (c.network.pod_cidr && m_.platform.cni != "cilium") {
        diags_.Error(At(c.pointer + "/network/podCIDR"),
                     fmt::format("podCIDR {} of cluster '{}' cannot be honoured by minikube's default CNI",
                                 c.network.pod_cidr->ToString(), c.name),
                     "minikube's bridge CNI puts pods on 10.244.0.0/16 in every profile; remove podCIDR, or use "
                     "platform.cni: cilium");
      }
    }
  }

  // A mixed fleet: the clusters the bootstrap creates sit on a docker network
  // of this machine, which they leave (to reach existing clusters' API
  // servers and load balancers) but nobody enters. So every path must run
  // from a local cluster to an existing one, never back; and kind's network
  // is not minikube's.
  void CheckMixedProviders() {
    const std::string& local = m_.platform.local_provider;
    const Cluster* first_existing = nullptr;
    for (const Cluster& c : m_.clusters) {
      if (!c.IsLocal() && first_existing == nullptr) first_existing = &c;
      if (c.IsLocal() && c.provider != local) {
        diags_.Error(ProviderAt(c), fmt::format("cluster '{}' is a {} cluster in a fleet of {} clusters", c.name,
                                                c.provider, local),
                     "kind's nodes and minikube's are on separate docker networks, which docker keeps apart: use "
                     "one of them for every cluster lgtmgen creates");
      }
    }
    if (local.empty() || first_existing == nullptr) return;
    const Cluster& central = m_.Central();
    const std::string local_kind = local == "kind" ? "a kind cluster" : "a minikube profile";
    if (central.IsLocal()) {
      diags_.Error(ProviderAt(*first_existing),
                   fmt::format("existing cluster '{}' cannot reach the central cluster '{}', {} on this machine's "
                               "docker network",
                               first_existing->name, central.name, local_kind),
                   "telemetry, mesh links and Argo CD flow towards central: put the central cluster on an existing "
                   "cluster too (clusters[].provider: existing), or this one on " + local);
      return;
    }
    const Cluster& argocd = m_.ArgoCdCluster();
    if (!argocd.IsLocal()) {
      diags_.Error(Given("/gitops/argocd/cluster") ? At("/gitops/argocd/cluster") : ProviderAt(argocd),
                   fmt::format("Argo CD on existing cluster '{}' cannot reach the API servers of the {} clusters "
                               "(on this machine's docker network)",
                               argocd.name, local),
                   "run Argo CD on one of them: gitops.argocd.cluster names a " + local + " cluster (a control "
                   "cluster, role: control, for example)");
    }
    if (m_.mesh.type == "cilium-clustermesh") {
      diags_.Error(At("/mesh/type"), "Cilium ClusterMesh cannot join existing clusters with " + local + " clusters",
                   "ClusterMesh peers reach each other's nodes both ways; use mesh.type istio or linkerd, whose "
                   "links run from the remotes to central's gateway");
    }
    for (const Cluster& c : m_.clusters) {
      if (c.IsLocal() && c.Federated()) {
        diags_.Error(At(c.pointer + "/metricsTransport"),
                     fmt::format("the central cluster '{}' (existing) cannot scrape /federate on {} '{}'",
                                 central.name, local_kind, c.name),
                     "use metricsTransport: remote-write: the cluster writes to central");
      }
    }
  }

  // Without a mesh, remote agents reach the central ingest proxy on node
  // ports of a node lgtmgen creates, or, on an existing central cluster,
  // through a LoadBalancer at the DNS name backends.ingest.host.
  void CheckIngestHost() {
    const bool by_name = m_.mesh.type == "none" && !m_.Central().IsLocal() && m_.remotes_with_agents > 0;
    const std::string& host = m_.backends.ingest_host;
    if (by_name && host.empty()) {
      const Cluster& sender = *std::find_if(m_.clusters.begin(), m_.clusters.end(), [](const Cluster& c) {
        return c.role == "remote" && c.HasAgents();
      });
      diags_.Error(Given("/backends") ? At("/backends") : At(sender.pointer + "/name"),
                   fmt::format("remote agents need backends.ingest.host to reach the existing central cluster '{}' "
                               "without a mesh",
                               m_.Central().name),
                   "name the DNS host you will point at the ingest proxy's LoadBalancer (backends: {ingest: {host: "
                   "ingest.example.com}}), or use mesh.type istio or linkerd");
    } else if (!by_name && !host.empty()) {
      diags_.Warning(At("/backends/ingest/host"), "backends.ingest.host is ignored",
                     "it names the ingest proxy of an existing central cluster that remote agents reach without a "
                     "mesh; here they reach it " +
                         std::string(m_.mesh.type != "none" ? "through the mesh" : "on node ports"));
    }
  }

  // The cluster's own provider field, else its name (it inherits platform.provider).
  diag::SourceLoc ProviderAt(const Cluster& c) {
    return At(Given(c.pointer + "/provider") ? c.pointer + "/provider" : c.pointer + "/name");
  }

  void CheckNames() {
    for (const Cluster& c : m_.clusters) {
      if (c.name.size() > naming::kMaxClusterName) {
        diags_.Error(At(c.pointer + "/name"),
                     fmt::format("cluster name '{}' is {} characters long; at most {} fit", c.name,
                                 c.name.size(), naming::kMaxClusterName),
                     fmt::format("Argo CD Applications are named '<cluster>-<component>' and must fit "
                                 "a {}-character label",
                                 naming::kMaxLabel));
      }
    }
  }

  struct Range {
    Cidr cidr;
    const Cluster* cluster;
    const char* field;
  };

  void CheckCidrs() {
    std::vector<Range> ranges;
    // Networks the bootstrap sets up: those of the clusters it creates.
    const bool several_kind =
        std::count_if(m_.clusters.begin(), m_.clusters.end(), [](const Cluster& c) { return c.IsLocal(); }) > 1;
    // minikube's own CNIs put every profile's pods on 10.244.0.0/16.
    const bool own_pod_cidrs = !(m_.platform.local_provider == "minikube" && m_.platform.cni != "cilium");
    for (const Cluster& c : m_.clusters) {
      AddRange(ranges, c, c.network.pod_cidr, "podCIDR", several_kind && own_pod_cidrs && c.IsLocal());
      AddRange(ranges, c, c.network.service_cidr, "serviceCIDR", several_kind && c.IsLocal());
      AddRange(ranges, c, c.network.lb_cidr, "lbCIDR", false);
    }
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& a, const Range& b) { return a.cidr.First() < b.cidr.First(); });
    const Range* widest = nullptr;  // the range reaching furthest so far
    for (const Range& r : ranges) {
      if (widest != nullptr && widest->cidr.Last() >= r.cidr.First()) {
        diags_.Error(At(r.cluster->pointer + "/network/" + r.field),
                     fmt::format("{} {} of cluster '{}' overlaps {} {} of cluster '{}'", r.field,
                                 r.cidr.ToString(), r.cluster->name, widest->field,
                                 widest->cidr.ToString(), widest->cluster->name),
                     "clusters joined by a mesh or a load balancer need disjoint networks")
            .notes.push_back({At(widest->cluster->pointer + "/network/" + widest->field),
                              "the other network is here"});
      }
      if (widest == nullptr || r.cidr.Last() > widest->cidr.Last()) widest = &r;
    }
  }

  void AddRange(std::vector<Range>& ranges, const Cluster& c, const std::optional<Cidr>& cidr,
                const char* field, bool required) {
    const std::string ptr = c.pointer + "/network/" + field;
    if (!cidr) {
      if (required) {
        diags_.Error(At(c.pointer), fmt::format("cluster '{}' needs network.{}", c.name, field),
                     fmt::format("with several {} clusters, every cluster names its own {} (the "
                                 "provider's default would be the same in all of them)",
                                 c.provider, field));
      }
      return;
    }
    if (!IsNetworkAddress(*cidr)) {
      diags_.Error(At(ptr), fmt::format("{} {} is not a network address", field, cidr->ToString()),
                   fmt::format("did you mean {}?", NetworkOf(*cidr).ToString()));
    }
    ranges.push_back(Range{NetworkOf(*cidr), &c, field});
  }

  void CheckArgoCdCluster() {
    const std::string ptr = "/gitops/argocd/cluster";
    if (!Given(ptr)) return;
    std::vector<std::string> names;
    for (const Cluster& c : m_.clusters) {
      if (c.name == m_.gitops.argocd_cluster) {
        if (c.role == "remote") {
          diags_.Error(At(ptr), fmt::format("Argo CD cannot run on remote cluster '{}'", c.name),
                       "name the central cluster or a cluster with role: control");
        }
        return;
      }
      if (c.role != "remote") names.push_back(c.name);
    }
    diags_.Error(At(ptr), fmt::format("gitops.argocd.cluster '{}' names no cluster", m_.gitops.argocd_cluster),
                 diag::SuggestionHint(m_.gitops.argocd_cluster, names));
  }

  void CheckRoles() {
    for (const Cluster& c : m_.clusters) {
      for (const char* field : {"agents", "apps"}) {
        const bool has = std::string(field) == "agents" ? c.HasAgents() : !c.apps.empty();
        if (c.role == "control" && has) {
          diags_.Error(At(c.pointer + "/" + field),
                       fmt::format("control cluster '{}' runs Argo CD only; it cannot have {}", c.name, field),
                       "remove the field, or make the cluster role: remote");
        }
      }
      if (c.role == "control" && Given(c.pointer + "/tenant")) {
        diags_.Error(At(c.pointer + "/tenant"),
                     fmt::format("control cluster '{}' ships no telemetry, so it has no tenant", c.name),
                     "remove the tenant");
      }
      for (const char* field : {"logShipper", "metricsTransport"}) {
        if (c.agents != "prometheus-vector" && Given(c.pointer + "/" + field)) {
          diags_.Error(At(c.pointer + "/" + field),
                       fmt::format("{} applies only to agents: prometheus-vector (cluster '{}' has {})",
                                   field, c.name, c.agents),
                       "remove it, or set agents: prometheus-vector");
        }
      }
      if (c.Federated() && c.IsCentral()) {
        diags_.Error(At(c.pointer + "/metricsTransport"),
                     fmt::format("metricsTransport: federation on the central cluster '{}' has no one to pull from it",
                                 c.name),
                     "the central cluster's Prometheus pulls remote clusters' /federate; remove the field here");
      }
      if (c.Federated() && !c.IsCentral() && m_.Central().agents != "prometheus-vector" &&
          m_.Central().agents != "otel") {
        diags_.Error(At(c.pointer + "/metricsTransport"),
                     fmt::format("metricsTransport: federation needs a Prometheus on the central cluster '{}' "
                                 "(its agents are {})",
                                 m_.Central().name, m_.Central().agents),
                     "give the central cluster agents: prometheus-vector or otel, or use metricsTransport: remote-write");
      }
      if (!c.apps.empty() && !c.HasAgents() && c.role != "control") {
        diags_.Error(At(c.pointer + "/apps"),
                     fmt::format("cluster '{}' runs demo apps but no agents to send their telemetry to", c.name),
                     "set agents: alloy, prometheus-vector or otel");
      }
      for (size_t i = 0; i < c.apps.size(); ++i) {
        if (c.apps[i] == "tns" && c.agents == "otel") {
          diags_.Error(At(spec::Child(c.pointer + "/apps", i)),
                       fmt::format("tns sends Jaeger traces, which the otel scenario's gateway does not receive "
                                   "(cluster '{}')",
                                   c.name),
                       "run tns on a cluster with agents: alloy or prometheus-vector, or use hotrod or "
                       "instrumented-app, which send OTLP");
        }
      }
      if (m_.isolation == "instances" && c.environment.size() > kMaxEnvironment) {
        diags_.Error(At(c.pointer + "/environment"),
                     fmt::format("environment '{}' is longer than {} characters", c.environment, kMaxEnvironment),
                     "with isolation: instances it names the back ends (mimir-<environment>, ...) and their "
                     "Argo CD applications, which must fit Kubernetes' name limits");
      }
      if (m_.isolation == "instances" && c.HasAgents() && c.environment.empty()) {
        diags_.Error(At(c.pointer), fmt::format("cluster '{}' has no environment", c.name),
                     "with isolation: instances every cluster that runs agents names the environment "
                     "whose backends it writes to, e.g. environment: prod");
      } else if (m_.isolation == "instances" && c.IsCentral() && c.environment.empty()) {
        // Its tenant's datasources (and the back ends' own telemetry) need a backend set.
        diags_.Error(At(c.pointer), fmt::format("central cluster '{}' has no environment", c.name),
                     "with isolation: instances the central cluster names the environment whose backend set "
                     "holds its own tenant and datasources, e.g. environment: prod");
      }
    }
  }

  void CheckMesh() {
    const std::string type_ptr = "/mesh/type";
    if (m_.mesh.type == "cilium-clustermesh") {
      if (m_.platform.cni != "cilium") {
        diags_.Error(At(type_ptr), "mesh.type: cilium-clustermesh needs platform.cni: cilium",
                     "set platform.cni: cilium, or choose mesh.type linkerd or istio");
      }
      for (const Cluster& c : m_.clusters) {
        if (!c.network.cluster_id) {
          diags_.Error(At(c.pointer), fmt::format("cluster '{}' needs network.clusterId", c.name),
                       "Cilium ClusterMesh identifies each cluster by a unique ID from 1 to 255");
        }
      }
    }
    if (m_.mesh.type == "istio" && m_.mesh.istio_mode == "ambient" && m_.platform.cni == "cilium") {
      diags_.Warning(At("/mesh/istio/mode"),
                     "Istio ambient with the Cilium CNI has known cross-cluster DNS trouble",
                     "the reference system works around it; consider platform.cni: default or mode: sidecar");
    }
    // Existing clusters serve LoadBalancer Services themselves.
    if ((m_.mesh.type == "linkerd" || m_.mesh.type == "istio") && m_.platform.load_balancer == "none" &&
        m_.Central().IsLocal() && m_.remotes_with_agents > 0) {
      diags_.Error(At(type_ptr),
                   fmt::format("mesh.type: {} needs platform.loadBalancer (cilium or metallb)", m_.mesh.type),
                   "remote clusters reach central through the mesh's gateway, a LoadBalancer Service");
    }
    const std::pair<const char*, const char*> blocks[] = {
        {"istio", "istio"}, {"linkerd", "linkerd"}, {"cilium", "cilium-clustermesh"}};
    for (const auto& [block, type] : blocks) {
      if (Given(std::string("/mesh/") + block) && m_.mesh.type != type) {
        diags_.Warning(At(std::string("/mesh/") + block),
                       fmt::format("mesh.{} is ignored because mesh.type is {}", block, m_.mesh.type));
      }
    }
  }

  void CheckAddons() {
    for (size_t i = 0; i < m_.addons.size(); ++i) {
      const std::string& a = m_.addons[i];
      std::string need;
      if (a == "kiali" && m_.mesh.type != "istio") need = "mesh.type: istio";
      if (a == "linkerd-viz" && m_.mesh.type != "linkerd") need = "mesh.type: linkerd";
      if (a == "hubble" && m_.platform.cni != "cilium") need = "platform.cni: cilium";
      if (!need.empty()) {
        diags_.Error(At(spec::Child("/addons", i)), fmt::format("add-on '{}' needs {}", a, need),
                     "remove the add-on or change the mesh/CNI");
        continue;
      }
      if (a == "kiali" && !m_.Central().HasAgents() && !m_.backends.federation) {
        diags_.Error(At(spec::Child("/addons", i)),
                     fmt::format("add-on 'kiali' reads the mesh's metrics from central's tenant, and central "
                                 "cluster '{}' runs no agents",
                                 m_.Central().name),
                     "give the central cluster agents, or set backends.federation: true (Kiali then reads "
                     "every tenant)");
      }
      if (a == "metrics-server") WarnMetricsServerSkips(spec::Child("/addons", i));
      if (a == "host-proxy") CheckHostProxy(spec::Child("/addons", i));
    }
  }

  // The host proxy forwards to Grafana's entry on central, over the docker
  // network of the clusters the bootstrap creates.
  void CheckHostProxy(const std::string& at) {
    const Cluster& central = m_.Central();
    if (!central.IsLocal()) {
      diags_.Error(At(at),
                   fmt::format("add-on 'host-proxy' runs on the docker network of the clusters the bootstrap "
                               "creates, and central cluster '{}' is provider existing",
                               central.name),
                   "remove host-proxy: an existing cluster's entry is reachable as it is");
    } else if (m_.grafana.host.empty() || (m_.grafana.expose != "gateway" && m_.grafana.expose != "ingress")) {
      diags_.Error(At(at), "add-on 'host-proxy' forwards to Grafana's Gateway or Ingress, and Grafana is not exposed",
                   "set grafana.host (and grafana.expose: gateway or ingress), or remove host-proxy");
    }
  }

  // metrics-server goes only on the clusters the bootstrap creates.
  void WarnMetricsServerSkips(const std::string& at) {
    std::string names;
    size_t skipped = 0;
    for (const Cluster& c : m_.clusters) {
      if (c.IsLocal() || c.role == "control") continue;
      if (++skipped <= 3) names += (names.empty() ? "" : ", ") + c.name;
    }
    if (skipped == 0) return;
    if (skipped > 3) names += fmt::format(" and {} more", skipped - 3);
    diags_.Warning(At(at), fmt::format("add-on metrics-server is not installed on existing clusters ({})", names),
                   "existing clusters keep the metrics-server they have (managed ones bring their own)");
  }

  void CheckStorageAndGrafana() {
    const Storage& s = m_.backends.storage;
    if (s.type == "filesystem") {
      diags_.Error(At("/backends/storage/type"),
                   "backends.storage.type: filesystem cannot work with the distributed Mimir and Tempo lgtmgen deploys",
                   "their ingesters, store-gateways and compactors run in separate pods that must share one "
                   "object store; use type: s3 (provider: minio runs one in the central cluster)");
    }
    if (!s.endpoint_scheme.empty() && Given("/backends/storage/insecure") &&
        s.insecure != (s.endpoint_scheme == "http")) {
      diags_.Error(At("/backends/storage/insecure"),
                   fmt::format("backends.storage.insecure: {} contradicts the endpoint's scheme {}://",
                               s.insecure ? "true" : "false", s.endpoint_scheme),
                   "drop insecure: the scheme of the endpoint URL already says whether TLS is used");
    }
    if (s.type == "s3" && s.provider == "external" && s.endpoint.empty()) {
      diags_.Error(At("/backends/storage"), "backends.storage.provider: external needs an endpoint",
                   "add endpoint: s3.example.com (host[:port] of the S3 service)");
    }
    const bool gateway_implementation = m_.platform.cni == "cilium" || m_.mesh.type == "istio";
    if (!m_.grafana.host.empty() && m_.grafana.expose == "gateway" &&
        (!gateway_implementation || m_.platform.load_balancer == "none")) {
      diags_.Error(At(Given("/grafana/expose") ? "/grafana/expose" : "/grafana/host"),
                   "grafana.expose: gateway needs platform.cni: cilium or mesh.type: istio, and a load balancer",
                   "Cilium and Istio are the Gateway API implementations lgtmgen installs, and the Gateway "
                   "needs a LoadBalancer address; use grafana.expose: ingress otherwise");
    }
  }

  void CheckAlerting() {
    std::unordered_map<std::string, const Receiver*> names;
    for (const Receiver& r : m_.alerting.receivers) {
      if (r.type.empty()) {
        diags_.Error(At(r.pointer), fmt::format("receiver '{}' has no type", r.name),
                     "add one of: slack, webhook, pagerduty, email");
      }
      if (auto [it, inserted] = names.emplace(r.name, &r); !inserted) {
        diags_.Error(At(r.pointer + "/name"), fmt::format("duplicate receiver '{}'", r.name))
            .notes.push_back({At(it->second->pointer + "/name"), "first defined here"});
      }
    }
    CheckReceiverTypes();
    std::vector<std::string> known;
    for (const Receiver& r : m_.alerting.receivers) known.push_back(r.name);
    auto check = [&](const std::string& receiver, const std::string& ptr) {
      if (!receiver.empty() && names.count(receiver) == 0) {
        diags_.Error(At(ptr), fmt::format("route names receiver '{}', which does not exist", receiver),
                     known.empty() ? "define it under alerting.receivers"
                                   : diag::SuggestionHint(receiver, known));
      }
    };
    check(m_.alerting.route.receiver, "/alerting/route/receiver");
    for (const SubRoute& sub : m_.alerting.route.routes) {
      check(sub.receiver, sub.pointer + "/receiver");
      for (size_t i = 0; i < sub.matchers.size(); ++i) {
        if (!ParseMatcher(sub.matchers[i])) {
          diags_.Error(At(spec::Child(sub.pointer + "/matchers", i)),
                       fmt::format("'{}' is not a label matcher", sub.matchers[i]),
                       "write label, operator (=, !=, =~, !~) and value, e.g. severity=\"critical\"");
        }
      }
    }
    // A rule file holds the groups of its ruler for one environment: names
    // must differ among groups that can meet in a file (groups for disjoint
    // environments never do).
    std::unordered_map<std::string, std::vector<const RuleGroup*>> group_names;
    for (const RuleGroup& g : m_.alerting.rules) {
      if (!g.catalog_name.empty()) group_names[g.language + "\n" + g.Name()].push_back(&g);
    }
    for (const RuleGroup& g : m_.alerting.rules) {
      if (!g.catalog_name.empty()) continue;
      std::vector<const RuleGroup*>& same_name = group_names[g.language + "\n" + g.Name()];
      for (const RuleGroup* other : same_name) {
        if (!ShareARuleFile(g, *other)) continue;
        diags_.Error(At(g.pointer + "/name"), fmt::format("rule group name '{}' is taken", g.Name()),
                     "the groups of a ruler for one environment are one rule file; give the groups distinct "
                     "names, or disjoint environments")
            .notes.push_back({At(other->pointer + (other->catalog_name.empty() ? "/name" : "")), "first used here"});
        break;
      }
      same_name.push_back(&g);
      for (size_t i = 0; i < g.inline_group["rules"].size(); ++i) {
        const auto& rule = g.inline_group["rules"][i];
        if (rule.contains("alert") == rule.contains("record")) {
          diags_.Error(At(spec::Child(g.pointer + "/rules", i)), "a rule needs exactly one of alert or record",
                       "alert: Name for an alerting rule, record: metric:name for a recording rule");
        }
      }
    }
    CheckRuleThresholds();
  }

  // True when groups a and b can be in one rule file: one of them is for
  // every environment, or their environments meet.
  static bool ShareARuleFile(const RuleGroup& a, const RuleGroup& b) {
    if (a.environments.empty() || b.environments.empty()) return true;
    return std::any_of(a.environments.begin(), a.environments.end(), [&](const std::string& env) {
      return std::find(b.environments.begin(), b.environments.end(), env) != b.environments.end();
    });
  }

  // Inline groups name environments some cluster is in. Catalog groups
  // appear once; a threshold per environment needs a catalog
  // group that has one, an environment some cluster is in, and a value the
  // catalog's unit tests prove. (Each tenant is one cluster's, so it has one
  // environment and one rule file: CheckTenants.)
  void CheckRuleThresholds() {
    std::unordered_map<std::string, const RuleGroup*> catalog;
    std::set<std::string> environments;
    for (const Cluster& c : m_.clusters) {
      if (!c.environment.empty()) environments.insert(c.environment);
    }
    for (const RuleGroup& g : m_.alerting.rules) {
      for (size_t i = 0; i < g.environments.size(); ++i) {
        if (environments.count(g.environments[i]) != 0) continue;
        diags_.Error(At(spec::Child(g.pointer + "/environments", i)),
                     fmt::format("no cluster is in environment '{}'", g.environments[i]),
                     environments.empty() ? std::string("set clusters[].environment, or remove environments")
                                          : diag::SuggestionHint(g.environments[i],
                                                                 {environments.begin(), environments.end()}));
      }
      if (g.catalog_name.empty()) continue;
      if (auto [it, inserted] = catalog.emplace(g.catalog_name, &g); !inserted) {
        diags_.Error(At(g.pointer), fmt::format("catalog rule group '{}' is listed twice", g.catalog_name),
                     "list each catalog group once; set its thresholds in that entry")
            .notes.push_back({At(it->second->pointer), "first listed here"});
      }
      const CatalogRule* rule = FindCatalogRule(g.catalog_name);
      for (const auto& [env, value] : g.thresholds) {
        const std::string ptr = g.pointer + "/thresholds/" + env;
        if (rule == nullptr || rule->threshold.empty()) {
          diags_.Error(At(ptr), fmt::format("catalog rule group '{}' has no threshold to set", g.catalog_name),
                       "list it by name; its conditions are fixed");
          continue;
        }
        if (environments.count(env) == 0) {
          diags_.Error(At(ptr), fmt::format("no cluster is in environment '{}'", env),
                       environments.empty()
                           ? std::string("set clusters[].environment, or remove this threshold")
                           : diag::SuggestionHint(env, {environments.begin(), environments.end()}));
          continue;
        }
        const double v = std::stod(value);
        if (!(v > 0 && v < rule->threshold_below)) {
          diags_.Error(At(ptr),
                       fmt::format("threshold {} of '{}' is out of range (0, {})", value, g.catalog_name,
                                   fmt::format("{}", rule->threshold_below)),
                       fmt::format("the threshold is {} (catalog: {}); {} below {}", rule->threshold_meaning,
                                   rule->threshold,
                                   rule->language == "promql" ? "the group's unit tests prove values" : "keep it",
                                   rule->threshold_below));
        }
      }
    }
  }

  void CheckDashboards() {
    std::unordered_map<std::string, const Dashboard*> uids;
    for (const Dashboard& d : m_.dashboards) {
      if (!d.catalog_name.empty()) uids.emplace(CatalogDashboardUid(d.catalog_name), nullptr);
    }
    for (const Dashboard& d : m_.dashboards) {
      std::string need;
      if (d.catalog_name == "istio-mesh" && (m_.mesh.type != "istio" || m_.mesh.IstioAmbient())) {
        need = "mesh.type: istio in sidecar mode (it reads the sidecars' request metrics; ambient's ztunnel "
               "reports TCP only)";
      }
      if (d.catalog_name == "linkerd-mesh" && m_.mesh.type != "linkerd") need = "mesh.type: linkerd";
      if (d.catalog_name == "hubble" && !m_.HasAddon("hubble")) need = "the hubble add-on (addons: [hubble])";
      if (!need.empty()) {
        diags_.Error(At(d.pointer), fmt::format("dashboard '{}' needs {}", d.catalog_name, need),
                     "remove it from dashboards:, or change the mesh");
      }
    }
    std::unordered_map<int, const Dashboard*> gnet_ids;
    for (const Dashboard& d : m_.dashboards) {
      if (d.gnet_id == 0) continue;
      auto [it, inserted] = gnet_ids.emplace(d.gnet_id, &d);
      if (!inserted) {
        diags_.Error(At(d.pointer + "/gnetId"), fmt::format("grafana.com dashboard {} is listed twice", d.gnet_id),
                     "keep one entry, with the revision you want (both would have the dashboard's one uid)")
            .notes.push_back({At(it->second->pointer + "/gnetId"), "first listed here"});
      }
    }
    std::unordered_map<std::string, const Dashboard*> stems;
    for (const Dashboard& d : m_.dashboards) {
      if (d.file.empty()) continue;
      auto [it, inserted] = stems.emplace(naming::DashboardFileStem(d.file), &d);
      if (!inserted) {
        diags_.Error(At(d.pointer + "/file"),
                     fmt::format("dashboard files '{}' and '{}' would both be dashboards/custom/{}.json",
                                 it->second->file, d.file, it->first),
                     "rename one of the files")
            .notes.push_back({At(it->second->pointer + "/file"), "first used here"});
      }
    }
    for (const Dashboard& d : m_.dashboards) {
      if (d.uid.empty()) continue;
      auto [it, inserted] = uids.emplace(d.uid, &d);
      if (inserted) continue;
      diag::Diagnostic& e = diags_.Error(At(d.pointer + "/file"), fmt::format("dashboard uid '{}' is taken", d.uid),
                                         "give each dashboard its own uid");
      if (it->second != nullptr) e.notes.push_back({At(it->second->pointer + "/file"), "first used here"});
      else e.notes.push_back({{}, "lgtmgen's catalog dashboards use this uid"});
    }
  }

  void CheckReceiverTypes() {
    for (const Receiver& r : m_.alerting.receivers) {
      int types = 0;
      for (const char* type : {"slack", "webhook", "pagerduty", "email"}) {
        if (Given(r.pointer + "/" + type)) ++types;
      }
      if (types > 1) {
        diags_.Error(At(r.pointer), fmt::format("receiver '{}' has {} types; give it exactly one", r.name, types),
                     "split it into one receiver per type and route to each");
      }
    }
  }

  const Model& m_;
  const spec::Document& doc_;
  diag::Diagnostics& diags_;
};

}  // namespace

void Validate(const Model& model, const spec::Document& doc, diag::Diagnostics& diags) {
  Validator(model, doc, diags).Run();
}

}  // namespace lgtmgen::model
