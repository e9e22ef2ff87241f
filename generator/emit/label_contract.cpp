#include "emit/label_contract.h"

#include <fmt/format.h>

namespace lgtmgen::emit {

std::vector<ContractRow> LabelContract(const std::string& cluster_label) {
  const std::string kube_state =
      "kube-state-metrics (its own labels, kept by `honorLabels`)";
  return {
      {"every metric", {cluster_label},
       "`external_labels` of Alloy's `prometheus.remote_write`",
       "Prometheus `externalLabels`",
       "Prometheus `externalLabels`; OTLP data points: copied from the resource (`transform/contract-labels`)"},
      {"metrics of a node", {"node"},
       "relabelled from the node's name (kubelet, cAdvisor, node-exporter)",
       "the Prometheus Operator's `node` label (kubelet, cAdvisor); a relabeling on node-exporter's ServiceMonitor",
       "as prometheus-vector; kubelet stats: copied from `k8s.node.name`"},
      {"metrics of a pod", {"namespace", "pod"},
       kube_state + "; annotated pods: relabelled from the pod",
       kube_state + "; ServiceMonitor and PodMonitor targets",
       "as prometheus-vector; kubelet stats and OTLP: copied from `k8s.namespace.name`, `k8s.pod.name`"},
      {"metrics of a container", {"namespace", "pod", "container"},
       "cAdvisor's own labels; " + kube_state,
       "cAdvisor's own labels; " + kube_state,
       "as prometheus-vector; kubelet stats: copied from `k8s.container.name` and the pod's attributes"},
      {"pod logs", {cluster_label, "namespace", "pod", "container"},
       "`discovery.relabel` of the pod log files; `loki.write` external label",
       "Vector's (or Fluent Bit's) Loki sink labels",
       "resource attributes copied from `k8s.*`, indexed by Loki's OTLP endpoint (`otlp_config`)"},
      {"application logs", {cluster_label, "namespace", "pod"},
       "OTLP logs: `k8sattributes`, copied to resource attributes and made labels (`loki.resource.labels`)",
       "(no OTLP log receiver)",
       "OTLP logs: as pod logs, from `k8s_attributes`"},
      {"traces (resource attributes)", {cluster_label, "k8s.namespace.name", "k8s.pod.name", "service.name"},
       "`k8sattributes` and a transform setting the cluster",
       "Alloy (`alloy-traces`): `k8sattributes` and a transform setting the cluster",
       "`k8s_attributes` and the `resource` processor"},
  };
}

std::string LabelContractSection(const model::Model& model) {
  struct Column {
    const char* scenario;
    std::string ContractRow::*how;
  };
  const Column all[] = {{"alloy", &ContractRow::alloy},
                        {"prometheus-vector", &ContractRow::prometheus_vector},
                        {"otel", &ContractRow::otel}};
  std::vector<Column> used;
  for (const Column& c : all) {
    if (model.scenarios_in_use.count(c.scenario) != 0) used.push_back(c);
  }
  if (used.empty()) return "";
  std::string out =
      "## Label contract\n\n"
      "What every agent scenario delivers, so that each dashboard, alert rule and datasource link works "
      "whichever agents a cluster runs (other labels may exist but are not promised). Scraped series keep "
      "their exporters' names (`kube_pod_status_phase`, `container_cpu_usage_seconds_total`); OTLP metrics get "
      "Prometheus suffixes (`_total`, units) whichever path they take (Mimir's `otel_metric_suffixes_enabled`, "
      "Alloy's `otelcol.exporter.prometheus`). `tests/chart_checks/label_contract.py` in lgtmgen derives "
      "what each scenario's configuration here sends and holds it to this table.\n\n"
      "| Signal | Labels every scenario delivers |";
  std::string rule = "|---|---|";
  for (const Column& c : used) {
    out += fmt::format(" {} |", c.scenario);
    rule += "---|";
  }
  out += "\n" + rule + "\n";
  for (const ContractRow& row : LabelContract(model.cluster_label)) {
    std::vector<std::string> quoted;
    for (const std::string& l : row.labels) quoted.push_back("`" + l + "`");
    out += fmt::format("| {} | {} |", row.signal, fmt::join(quoted, ", "));
    for (const Column& c : used) out += fmt::format(" {} |", row.*(c.how));
    out += "\n";
  }
  return out;
}

}  // namespace lgtmgen::emit
