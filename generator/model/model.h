#pragma once
// The validated, defaulted fleet: plain structs that every emitter reads.
// Emitters never see YAML; positions stay in the spec::Document, reachable
// through each entity's `pointer` (a JSON pointer into the spec).
#include <nlohmann/json.hpp>

#include <map>
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/catalog.h"
#include "model/cidr.h"

namespace lgtmgen::model {

struct SecretRef {
  std::string name;
  std::string key;
};

struct Gitops {
  std::string repo_url;
  std::string target_revision = "main";
  std::string path = ".";
  std::string argocd_cluster;  ///< always set: defaults to the central cluster
};

struct Platform {
  std::string provider = "kind";  ///< every cluster's, unless it names its own
  /// The provider of the clusters the bootstrap creates: kind or minikube
  /// (one of them per fleet), "" when every cluster exists already. cni and
  /// load_balancer apply to those clusters only.
  std::string local_provider = "kind";
  std::string cni = "cilium";
  std::string load_balancer;  ///< defaulted from cni
};

struct Mesh {
  std::string type = "none";
  std::string istio_mode = "sidecar";
  std::string linkerd_channel = "edge";
  std::string cilium_encryption = "wireguard";

  [[nodiscard]] bool IstioAmbient() const { return type == "istio" && istio_mode == "ambient"; }
};

struct Storage {
  std::string type = "s3";
  std::string provider = "minio";
  std::string endpoint;  ///< host:port, without the scheme; defaulted to the in-cluster MinIO
  std::string endpoint_scheme;  ///< "http" or "https" when the spec wrote the endpoint as a URL, else ""
  std::string region;
  bool insecure = true;  ///< plain HTTP: the spec's insecure, else the URL's scheme, else true for MinIO only
  std::string bucket_prefix;
  std::string credentials_secret = "lgtm-s3";
};

struct Retention {
  std::string metrics = "7d";
  std::string logs = "7d";
  std::string traces = "168h";
};

struct Backends {
  Storage storage;
  Retention retention;
  std::string size = "small";
  bool federation = false;
  /// The DNS name of the central ingest proxy's LoadBalancer (an existing
  /// central cluster without a mesh); empty otherwise.
  std::string ingest_host;
};

struct Grafana {
  std::string host;  ///< empty: no Ingress/Gateway, reach Grafana by port-forward
  std::string tls = "self-signed";
  std::string tls_secret;
  std::string admin_secret = "grafana-admin";
  std::string expose;  ///< defaulted from cni
};

struct Dashboard {
  std::string catalog_name;  ///< set for catalog entries
  std::string file;          ///< set for {file: ...}, as written in the spec
  std::string json_text;     ///< the dashboard JSON (unwrapped from {"dashboard": ...}), pretty-printed
  std::string uid;           ///< the file's dashboard uid, checked while building
  int gnet_id = 0;           ///< set for {gnetId, revision}: downloaded by Grafana from grafana.com
  int revision = 0;
  std::string datasource_input = "DS_PROMETHEUS";  ///< the grafana.com dashboard's Prometheus input
  std::string pointer;
};

struct RuleGroup {
  std::string catalog_name;             ///< set for catalog entries
  nlohmann::ordered_json inline_group;  ///< set for inline groups
  std::string language = "promql";      ///< promql: Mimir's ruler evaluates it; logql: Loki's
  /// Catalog groups: environment → threshold there, as written (others keep the catalog's).
  std::map<std::string, std::string> thresholds;
  /// Inline groups: only the tenants of these environments get it (empty: every tenant).
  std::vector<std::string> environments;
  std::string pointer;

  /// The group's name in rule files: the catalog name or the inline group's name.
  [[nodiscard]] std::string Name() const {
    return catalog_name.empty() ? inline_group["name"].get<std::string>() : catalog_name;
  }
};

struct Receiver {
  std::string name;
  std::string type;               ///< slack | webhook | pagerduty | email
  nlohmann::ordered_json config;  ///< that type's block, as written (references only)
  std::string pointer;
};

struct SubRoute {
  std::vector<std::string> matchers;
  std::string receiver;
  bool continue_matching = false;
  std::string pointer;
};

struct Route {
  std::string receiver;  ///< defaulted to the first receiver
  std::vector<std::string> group_by;
  std::string group_wait, group_interval, repeat_interval;
  std::vector<SubRoute> routes;
  std::string pointer;
};

struct Alerting {
  std::vector<RuleGroup> rules;
  std::vector<Receiver> receivers;
  Route route;
};

struct Network {
  std::optional<int> cluster_id;
  std::optional<Cidr> pod_cidr;
  std::optional<Cidr> service_cidr;
  std::optional<Cidr> lb_cidr;  ///< empty with lb_auto or no load balancer
  bool lb_auto = true;
};

struct Cluster {
  std::string name;
  std::string role;      ///< central | remote | control
  std::string provider = "kind";  ///< kind | minikube | existing: its own, or platform.provider
  std::string tenant;
  std::string environment;
  std::string agents;  ///< prometheus-vector | alloy | otel | none
  std::string log_shipper = "vector";
  std::string metrics_transport = "remote-write";
  std::vector<std::string> apps;
  Network network;
  int workers = 1;
  int control_planes = 1;
  std::string pointer;  ///< "/clusters/<i>"

  [[nodiscard]] bool IsCentral() const { return role == "central"; }
  /// The bootstrap creates it (kind, minikube), rather than finding it.
  [[nodiscard]] bool IsLocal() const { return provider != "existing"; }
  [[nodiscard]] bool HasAgents() const { return agents != "none"; }
  /// The central cluster's Prometheus pulls this cluster's metrics (/federate).
  [[nodiscard]] bool Federated() const { return agents == "prometheus-vector" && metrics_transport == "federation"; }
};

struct Model {
  std::string spec_text;  ///< the spec as read, copied into the repository
  std::string name;
  Gitops gitops;
  Platform platform;
  Mesh mesh;
  std::string isolation = "tenants";
  std::string cluster_label = "cluster";
  Backends backends;
  Grafana grafana;
  Catalog catalog;  ///< pinned versions after the spec's `versions:` overrides
  std::vector<std::string> addons;
  [[nodiscard]] bool HasAddon(const std::string& name) const {
    return std::find(addons.begin(), addons.end(), name) != addons.end();
  }
  std::vector<Dashboard> dashboards;
  Alerting alerting;
  std::vector<Cluster> clusters;
  size_t central_index = 0;  ///< index of the one central cluster in clusters
  /// What the clusters use, gathered once (agent scenarios, log shippers), so
  /// per-cluster emitters never scan the fleet again.
  std::set<std::string> scenarios_in_use;
  std::set<std::string> log_shippers_in_use;
  std::set<std::string> apps_in_use;
  std::set<std::string> environments_in_use;
  size_t remotes_with_agents = 0;
  size_t federated_clusters = 0;  ///< prometheus-vector clusters with metricsTransport: federation

  [[nodiscard]] const Cluster& Central() const { return clusters[central_index]; }
  [[nodiscard]] const Cluster& ArgoCdCluster() const;
};

}  // namespace lgtmgen::model
