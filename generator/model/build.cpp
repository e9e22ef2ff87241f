#include "model/build.h"

#include <fmt/format.h>

#include <algorithm>

#include "diag/spelling.h"
#include "model/rule_catalog.h"
#include "out/commit.h"

namespace lgtmgen::model {
namespace {

using nlohmann::ordered_json;

const ordered_json& Sub(const ordered_json& obj, const char* key) {
  static const ordered_json kEmpty = ordered_json::object();
  return obj.contains(key) ? obj[key] : kEmpty;
}

void Set(std::string& field, const ordered_json& obj, const char* key) {
  if (obj.contains(key)) field = obj[key].get<std::string>();
}

std::vector<std::string> Strings(const ordered_json& obj, const char* key) {
  return obj.contains(key) ? obj[key].get<std::vector<std::string>>() : std::vector<std::string>{};
}

class Builder {
 public:
  Builder(const spec::Document& doc, const std::string& spec_dir, const out::FileSystem& fs,
          diag::Diagnostics& diags)
      : doc_(doc), spec_dir_(spec_dir), fs_(fs), diags_(diags) {}

  Model Build() {
    const ordered_json& r = doc_.root;
    Model m;
    m.spec_text = doc_.text;
    m.name = r["metadata"]["name"].get<std::string>();
    BuildGitops(Sub(r, "gitops"), m.gitops);
    BuildPlatform(Sub(r, "platform"), m.platform);
    BuildMesh(Sub(r, "mesh"), m.mesh);
    Set(m.isolation, r, "isolation");
    Set(m.cluster_label, Sub(r, "telemetry"), "clusterLabel");
    BuildBackends(Sub(r, "backends"), m.backends);
    BuildGrafana(Sub(r, "grafana"), m.platform, m.grafana);
    m.catalog = BuildCatalog(Sub(r, "versions"));
    m.addons = Strings(r, "addons");
    BuildDashboards(r, m.dashboards);
    BuildAlerting(Sub(r, "alerting"), m.alerting);
    BuildClusters(r["clusters"], m);
    AddAppDashboards(m);
    if (m.gitops.argocd_cluster.empty()) m.gitops.argocd_cluster = m.Central().name;
    return m;
  }

 private:
  static void BuildGitops(const ordered_json& g, Gitops& out) {
    Set(out.repo_url, g, "repoURL");
    Set(out.target_revision, g, "targetRevision");
    Set(out.path, g, "path");
    Set(out.argocd_cluster, Sub(g, "argocd"), "cluster");
  }

  static void BuildPlatform(const ordered_json& p, Platform& out) {
    Set(out.provider, p, "provider");
    // Existing clusters come with their CNI and their LoadBalancer Services.
    const bool existing = out.provider == "existing";
    if (existing) out.cni = "default";
    Set(out.cni, p, "cni");
    out.load_balancer = existing ? "none" : out.cni == "cilium" ? "cilium" : "metallb";
    Set(out.load_balancer, p, "loadBalancer");
  }

  static void BuildMesh(const ordered_json& m, Mesh& out) {
    Set(out.type, m, "type");
    Set(out.istio_mode, Sub(m, "istio"), "mode");
    Set(out.linkerd_channel, Sub(m, "linkerd"), "channel");
    Set(out.cilium_encryption, Sub(m, "cilium"), "encryption");
  }

  static void BuildBackends(const ordered_json& b, Backends& out) {
    const ordered_json& s = Sub(b, "storage");
    Set(out.storage.type, s, "type");
    Set(out.storage.provider, s, "provider");
    Set(out.storage.endpoint, s, "endpoint");
    // An endpoint pasted as a URL: the scheme says whether TLS is used.
    for (const char* scheme : {"http", "https"}) {
      const std::string prefix = std::string(scheme) + "://";
      if (out.storage.endpoint.rfind(prefix, 0) == 0) {
        out.storage.endpoint_scheme = scheme;
        out.storage.endpoint.erase(0, prefix.size());
        if (!out.storage.endpoint.empty() && out.storage.endpoint.back() == '/') out.storage.endpoint.pop_back();
      }
    }
    Set(out.storage.region, s, "region");
    Set(out.storage.bucket_prefix, s, "bucketPrefix");
    Set(out.storage.credentials_secret, s, "credentialsSecret");
    const bool plain_by_default = out.storage.endpoint_scheme.empty() ? out.storage.provider == "minio"
                                                                      : out.storage.endpoint_scheme == "http";
    out.storage.insecure = s.value("insecure", plain_by_default);
    if (out.storage.endpoint.empty() && out.storage.provider == "minio") {
      out.storage.endpoint = "minio.minio.svc:9000";
    }
    const ordered_json& r = Sub(b, "retention");
    Set(out.retention.metrics, r, "metrics");
    Set(out.retention.logs, r, "logs");
    Set(out.retention.traces, r, "traces");
    Set(out.size, b, "size");
    out.federation = b.value("federation", false);
    Set(out.ingest_host, Sub(b, "ingest"), "host");
  }

  static void BuildGrafana(const ordered_json& g, const Platform& platform, Grafana& out) {
    Set(out.host, g, "host");
    Set(out.tls, g, "tls");
    Set(out.tls_secret, g, "tlsSecret");
    Set(out.admin_secret, g, "adminSecret");
    out.expose = platform.cni == "cilium" ? "gateway" : "ingress";
    Set(out.expose, g, "expose");
    if (out.tls_secret.empty() && !out.host.empty()) out.tls_secret = "grafana-tls";
  }

  Catalog BuildCatalog(const ordered_json& versions) {
    Catalog catalog = BuiltinCatalog();
    std::vector<std::string> names;
    for (const auto& [name, _] : catalog.charts) names.push_back(name);
    for (const auto& [name, _] : catalog.images) names.push_back(name);
    for (const auto& [name, _] : catalog.manifests) names.push_back(name);
    for (const auto& [name, version] : versions.items()) {
      const std::string v = version.get<std::string>();
      if (auto it = catalog.charts.find(name); it != catalog.charts.end()) {
        it->second.version = v;
      } else if (auto img = catalog.images.find(name); img != catalog.images.end()) {
        img->second.tag = v;
      } else if (auto manifest = catalog.manifests.find(name); manifest != catalog.manifests.end()) {
        manifest->second = v;
      } else {
        diags_.Error(doc_.KeyLoc(spec::Child("/versions", name)),
                     fmt::format("versions: '{}' is not a chart or image of the catalog", name),
                     diag::SuggestionHint(name, names) + " (see `lgtmgen presets show minimal`)");
      }
    }
    return catalog;
  }

  // A demo app comes with its catalog dashboard (named like the app), after
  // the dashboards the spec lists, unless the spec lists it already.
  static void AddAppDashboards(Model& m) {
    for (const std::string& app : m.apps_in_use) {
      const bool listed = std::any_of(m.dashboards.begin(), m.dashboards.end(),
                                      [&](const Dashboard& d) { return d.catalog_name == app; });
      if (listed) continue;
      Dashboard dash;
      dash.catalog_name = app;
      m.dashboards.push_back(std::move(dash));
    }
  }

  void BuildDashboards(const ordered_json& r, std::vector<Dashboard>& out) {
    if (!r.contains("dashboards")) return;
    for (size_t i = 0; i < r["dashboards"].size(); ++i) {
      const ordered_json& d = r["dashboards"][i];
      Dashboard dash;
      dash.pointer = spec::Child("/dashboards", i);
      if (d.is_string()) {
        dash.catalog_name = d.get<std::string>();
      } else if (d.contains("gnetId")) {
        dash.gnet_id = d["gnetId"].get<int>();
        dash.revision = d["revision"].get<int>();
        Set(dash.datasource_input, d, "datasource");
      } else {
        dash.file = d["file"].get<std::string>();
        ReadDashboardFile(dash);
      }
      out.push_back(std::move(dash));
    }
  }

  // The file must lie under the spec's folder, reached without a symbolic
  // link: its content is copied into the repository.
  bool InsideSpecFolder(Dashboard& dash, const diag::SourceLoc& loc) {
    while (dash.file.rfind("./", 0) == 0) dash.file.erase(0, 2);
    if (!out::IsOwnablePath(dash.file)) {
      diags_.Error(loc, fmt::format("dashboard file '{}' is outside the spec's folder", dash.file),
                   "give a path relative to the spec file's folder, without '..' (copy the file there)");
      return false;
    }
    for (size_t end = dash.file.find('/');; end = dash.file.find('/', end + 1)) {
      const std::string prefix = dash.file.substr(0, end);
      if (fs_.IsSymlink(out::JoinPath(spec_dir_, prefix))) {
        diags_.Error(loc, fmt::format("dashboard file '{}' is reached through the symbolic link '{}'", dash.file,
                                      prefix),
                     "copy the file into the spec's folder: a link could point anywhere");
        return false;
      }
      if (end == std::string::npos) return true;
    }
  }

  void ReadDashboardFile(Dashboard& dash) {
    const diag::SourceLoc loc = doc_.ValueLoc(dash.pointer + "/file");
    if (!InsideSpecFolder(dash, loc)) return;
    const std::string path = out::JoinPath(spec_dir_, dash.file);
    std::optional<std::string> text = fs_.Read(path);
    if (!text) {
      diags_.Error(loc, fmt::format("dashboard file '{}' does not exist", dash.file),
                   "paths are relative to the spec file's folder");
      return;
    }
    const ordered_json parsed = ordered_json::parse(*text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      diags_.Error(loc, fmt::format("dashboard file '{}' is not a JSON object", dash.file),
                   "export the dashboard from Grafana as JSON (Share → Export)");
      return;
    }
    const ordered_json& body = parsed.contains("dashboard") && parsed["dashboard"].is_object() ? parsed["dashboard"]
                                                                                            : parsed;
    if (!body.contains("title") || !body["title"].is_string() || body["title"].get<std::string>().empty()) {
      diags_.Error(loc, fmt::format("dashboard file '{}' has no title", dash.file),
                   "a Grafana dashboard JSON has a top-level \"title\"");
      return;
    }
    const std::string uid = body.contains("uid") && body["uid"].is_string() ? body["uid"].get<std::string>() : "";
    if (!ValidDashboardUid(uid)) {
      diags_.Error(loc, fmt::format("dashboard file '{}' has {}", dash.file,
                                    uid.empty() ? "no uid" : "the invalid uid '" + uid + "'"),
                   "give it a \"uid\" of at most 40 letters, digits, '-' or '_': links and alerts find "
                   "dashboards by uid, so Grafana must not invent one");
      return;
    }
    dash.uid = uid;
    dash.json_text = body.dump(2) + "\n";  // one line per value, so diffs are per line
  }

  static bool ValidDashboardUid(const std::string& uid) {
    if (uid.empty() || uid.size() > 40) return false;
    for (char c : uid) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    }
    return true;
  }

  static void BuildAlerting(const ordered_json& a, Alerting& out) {
    if (a.contains("rules")) {
      for (size_t i = 0; i < a["rules"].size(); ++i) {
        const ordered_json& rule = a["rules"][i];
        RuleGroup group;
        group.pointer = spec::Child("/alerting/rules", i);
        if (rule.is_string()) {
          group.catalog_name = rule.get<std::string>();
        } else if (rule.contains("catalog")) {
          group.catalog_name = rule["catalog"].get<std::string>();
          for (const auto& [env, value] : rule["thresholds"].items()) group.thresholds[env] = value.dump();
        } else {
          group.inline_group = rule;
          group.language = rule.value("language", "promql");
          group.environments = Strings(rule, "environments");
        }
        if (const CatalogRule* c = FindCatalogRule(group.catalog_name); c != nullptr) group.language = c->language;
        out.rules.push_back(std::move(group));
      }
    }
    if (a.contains("receivers")) {
      for (size_t i = 0; i < a["receivers"].size(); ++i) {
        const ordered_json& rec = a["receivers"][i];
        Receiver receiver{rec["name"].get<std::string>(), "", ordered_json::object(),
                          spec::Child("/alerting/receivers", i)};
        for (const char* type : {"slack", "webhook", "pagerduty", "email"}) {
          if (rec.contains(type) && receiver.type.empty()) {
            receiver.type = type;
            receiver.config = rec[type];
          }
        }
        out.receivers.push_back(std::move(receiver));
      }
    }
    const ordered_json& route = Sub(a, "route");
    out.route.pointer = "/alerting/route";
    if (!out.receivers.empty()) out.route.receiver = out.receivers.front().name;
    Set(out.route.receiver, route, "receiver");
    out.route.group_by = Strings(route, "groupBy");
    Set(out.route.group_wait, route, "groupWait");
    Set(out.route.group_interval, route, "groupInterval");
    Set(out.route.repeat_interval, route, "repeatInterval");
    if (route.contains("routes")) {
      for (size_t i = 0; i < route["routes"].size(); ++i) {
        const ordered_json& sub = route["routes"][i];
        out.route.routes.push_back(SubRoute{Strings(sub, "matchers"), sub["receiver"].get<std::string>(),
                                            sub.value("continue", false),
                                            spec::Child("/alerting/route/routes", i)});
      }
    }
  }

  void BuildClusters(const ordered_json& list, Model& m) {
    bool central_seen = false;
    m.platform.local_provider.clear();  // the first cluster lgtmgen creates names it
    for (size_t i = 0; i < list.size(); ++i) {
      Cluster c = BuildCluster(list[i], spec::Child("/clusters", i));
      c.provider = m.platform.provider;
      Set(c.provider, list[i], "provider");
      if (c.IsLocal() && m.platform.local_provider.empty()) m.platform.local_provider = c.provider;
      // A minikube profile is one node unless the spec says otherwise (and
      // validation refuses more: profiles sharing a network need fixed
      // addresses, which minikube gives to single-node profiles only).
      if (c.provider == "minikube" && !Sub(list[i], "nodes").contains("workers")) c.workers = 0;
      if (c.IsCentral() && !central_seen) {
        central_seen = true;
        m.central_index = i;
      }
      m.scenarios_in_use.insert(c.agents);
      m.apps_in_use.insert(c.apps.begin(), c.apps.end());
      if (!c.environment.empty()) m.environments_in_use.insert(c.environment);
      if (c.role == "remote" && c.HasAgents()) ++m.remotes_with_agents;
      if (c.Federated()) ++m.federated_clusters;
      if (c.agents == "prometheus-vector") m.log_shippers_in_use.insert(c.log_shipper);
      m.clusters.push_back(std::move(c));
    }
    if (!central_seen) {
      diags_.Error(doc_.KeyLoc("/clusters"), "the fleet has no cluster with role: central",
                   "exactly one cluster runs the LGTM backends and Grafana; give one `role: central`");
    }
  }

  Cluster BuildCluster(const ordered_json& c, const std::string& pointer) {
    Cluster out;
    out.pointer = pointer;
    Set(out.name, c, "name");
    Set(out.role, c, "role");
    out.tenant = out.role == "control" ? "" : out.name;
    Set(out.tenant, c, "tenant");
    Set(out.environment, c, "environment");
    out.agents = out.role == "control" ? "none" : "alloy";
    Set(out.agents, c, "agents");
    Set(out.log_shipper, c, "logShipper");
    Set(out.metrics_transport, c, "metricsTransport");
    out.apps = Strings(c, "apps");
    const ordered_json& net = Sub(c, "network");
    if (net.contains("clusterId")) out.network.cluster_id = net["clusterId"].get<int>();
    if (net.contains("podCIDR")) out.network.pod_cidr = ParseCidrAt(net, "podCIDR", pointer);
    if (net.contains("serviceCIDR")) out.network.service_cidr = ParseCidrAt(net, "serviceCIDR", pointer);
    if (net.contains("lbCIDR") && net["lbCIDR"] != "auto") {
      out.network.lb_auto = false;
      out.network.lb_cidr = ParseCidrAt(net, "lbCIDR", pointer);
    }
    const ordered_json& nodes = Sub(c, "nodes");
    out.workers = nodes.value("workers", out.workers);
    out.control_planes = nodes.value("controlPlanes", out.control_planes);
    return out;
  }

  std::optional<Cidr> ParseCidrAt(const ordered_json& net, const char* key, const std::string& pointer) {
    std::optional<Cidr> cidr = ParseCidr(net[key].get<std::string>());
    if (!cidr) {
      diags_.Error(doc_.ValueLoc(pointer + "/network/" + key),
                   fmt::format("'{}' is not an IPv4 network", net[key].get<std::string>()),
                   "each octet is 0-255 and the prefix length 0-32, e.g. 10.21.0.0/16");
    }
    return cidr;
  }

  const spec::Document& doc_;
  const std::string& spec_dir_;
  const out::FileSystem& fs_;
  diag::Diagnostics& diags_;
};

}  // namespace

const Cluster& Model::ArgoCdCluster() const {
  for (const Cluster& c : clusters) {
    if (c.name == gitops.argocd_cluster) return c;
  }
  return Central();
}

Model Build(const spec::Document& doc, const std::string& spec_dir, const out::FileSystem& fs,
            diag::Diagnostics& diags) {
  return Builder(doc, spec_dir, fs, diags).Build();
}

}  // namespace lgtmgen::model
