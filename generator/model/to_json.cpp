#include "model/to_json.h"

namespace lgtmgen::model {
namespace {

using nlohmann::ordered_json;

ordered_json OptionalCidr(const std::optional<Cidr>& c) { return c ? ordered_json(c->ToString()) : ordered_json(); }

ordered_json ClusterJson(const Cluster& c) {
  ordered_json network;
  network["clusterId"] = c.network.cluster_id ? ordered_json(*c.network.cluster_id) : ordered_json();
  network["podCIDR"] = OptionalCidr(c.network.pod_cidr);
  network["serviceCIDR"] = OptionalCidr(c.network.service_cidr);
  network["lbCIDR"] = c.network.lb_auto ? ordered_json("auto") : OptionalCidr(c.network.lb_cidr);
  return {{"name", c.name},
          {"role", c.role},
          {"provider", c.provider},
          {"tenant", c.tenant},
          {"environment", c.environment},
          {"agents", c.agents},
          {"logShipper", c.log_shipper},
          {"metricsTransport", c.metrics_transport},
          {"apps", c.apps},
          {"network", network},
          {"nodes", {{"workers", c.workers}, {"controlPlanes", c.control_planes}}}};
}

ordered_json CatalogJson(const Catalog& catalog) {
  ordered_json charts = ordered_json::object();
  for (const auto& [name, pin] : catalog.charts) charts[name] = {{"repo", pin.repo}, {"version", pin.version}};
  ordered_json images = ordered_json::object();
  for (const auto& [name, pin] : catalog.images) images[name] = {{"repository", pin.repository}, {"tag", pin.tag}};
  return {{"charts", charts}, {"images", images}, {"manifests", catalog.manifests}};
}

ordered_json AlertingJson(const Alerting& a) {
  ordered_json rules = ordered_json::array();
  for (const RuleGroup& r : a.rules) rules.push_back(r.catalog_name.empty() ? r.inline_group : ordered_json(r.catalog_name));
  ordered_json receivers = ordered_json::array();
  for (const Receiver& r : a.receivers) receivers.push_back({{"name", r.name}, {"type", r.type}, {"config", r.config}});
  ordered_json routes = ordered_json::array();
  for (const SubRoute& s : a.route.routes) {
    routes.push_back({{"matchers", s.matchers}, {"receiver", s.receiver}, {"continue", s.continue_matching}});
  }
  return {{"rules", rules},
          {"receivers", receivers},
          {"route",
           {{"receiver", a.route.receiver},
            {"groupBy", a.route.group_by},
            {"groupWait", a.route.group_wait},
            {"groupInterval", a.route.group_interval},
            {"repeatInterval", a.route.repeat_interval},
            {"routes", routes}}}};
}

}  // namespace

ordered_json ToJson(const Model& m) {
  ordered_json dashboards = ordered_json::array();
  for (const Dashboard& d : m.dashboards) {
    if (!d.catalog_name.empty()) {
      dashboards.push_back(d.catalog_name);
    } else if (d.gnet_id != 0) {
      dashboards.push_back({{"gnetId", d.gnet_id}, {"revision", d.revision}, {"datasource", d.datasource_input}});
    } else {
      dashboards.push_back({{"file", d.file}});
    }
  }
  ordered_json clusters = ordered_json::array();
  for (const Cluster& c : m.clusters) clusters.push_back(ClusterJson(c));
  const Storage& s = m.backends.storage;
  return {
      {"name", m.name},
      {"gitops",
       {{"repoURL", m.gitops.repo_url},
        {"targetRevision", m.gitops.target_revision},
        {"path", m.gitops.path},
        {"argocdCluster", m.gitops.argocd_cluster}}},
      {"platform",
       {{"provider", m.platform.provider}, {"cni", m.platform.cni}, {"loadBalancer", m.platform.load_balancer}}},
      {"mesh",
       {{"type", m.mesh.type},
        {"istioMode", m.mesh.istio_mode},
        {"linkerdChannel", m.mesh.linkerd_channel},
        {"ciliumEncryption", m.mesh.cilium_encryption}}},
      {"isolation", m.isolation},
      {"clusterLabel", m.cluster_label},
      {"backends",
       {{"storage",
         {{"type", s.type},
          {"provider", s.provider},
          {"endpoint", s.endpoint},
          {"region", s.region},
          {"insecure", s.insecure},
          {"bucketPrefix", s.bucket_prefix},
          {"credentialsSecret", s.credentials_secret}}},
        {"retention",
         {{"metrics", m.backends.retention.metrics},
          {"logs", m.backends.retention.logs},
          {"traces", m.backends.retention.traces}}},
        {"size", m.backends.size},
        {"federation", m.backends.federation},
        {"ingest", {{"host", m.backends.ingest_host}}}}},
      {"grafana",
       {{"host", m.grafana.host},
        {"tls", m.grafana.tls},
        {"tlsSecret", m.grafana.tls_secret},
        {"adminSecret", m.grafana.admin_secret},
        {"expose", m.grafana.expose}}},
      {"versions", CatalogJson(m.catalog)},
      {"addons", m.addons},
      {"dashboards", dashboards},
      {"alerting", AlertingJson(m.alerting)},
      {"clusters", clusters},
  };
}

}  // namespace lgtmgen::model
