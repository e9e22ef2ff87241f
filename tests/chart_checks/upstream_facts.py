"""Facts about the software the fleet runs, not about lgtmgen's configuration:
which metrics an exporter serves and with which labels of its own, which
resource attributes a collector component sets, what Loki and Tempo do with
OTLP data by default. label_contract.py combines them with what the rendered
configuration does (scrapes, relabel rules, processors, exporters) to derive
what reaches each tenant.

A metric's scope says which object one series describes: its labels must
identify that object at the back end (see the README's label contract).
"""

# exporter -> {metric: (native labels, scope)}; only the families the catalog
# reads or the contract judges. Histograms list their _bucket, _count, _sum.
_POD = {"namespace", "pod", "uid"}
EXPORTERS = {
    "kube-state-metrics": {
        "kube_node_info": ({"node", "kernel_version", "os_image", "container_runtime_version", "kubelet_version",
                            "provider_id", "internal_ip", "system_uuid"}, "node"),
        "kube_pod_info": (_POD | {"node", "host_ip", "pod_ip", "created_by_kind", "created_by_name"}, "pod"),
        "kube_pod_status_phase": (_POD | {"phase"}, "pod"),
        "kube_pod_status_ready": (_POD | {"condition"}, "pod"),
        "kube_pod_container_status_restarts_total": (_POD | {"container"}, "container"),
        "kube_deployment_status_replicas_available": ({"namespace", "deployment"}, None),
    },
    "cadvisor": {
        "container_cpu_usage_seconds_total": ({"namespace", "pod", "container", "id", "image", "name", "cpu"},
                                              "container"),
        "container_memory_working_set_bytes": ({"namespace", "pod", "container", "id", "image", "name"},
                                               "container"),
    },
    "kubelet": {
        "kubelet_running_pods": (set(), "node"),
        "kubelet_volume_stats_used_bytes": ({"namespace", "persistentvolumeclaim"}, None),
    },
    "node-exporter": {
        "node_cpu_seconds_total": ({"cpu", "mode"}, "node"),
        "node_memory_MemAvailable_bytes": (set(), "node"),
        "node_memory_MemTotal_bytes": (set(), "node"),
        "node_filesystem_avail_bytes": ({"device", "fstype", "mountpoint"}, "node"),
    },
    "tns": {
        "tns_request_duration_seconds_bucket": ({"method", "route", "status_code", "ws", "le"}, None),
        "tns_request_duration_seconds_count": ({"method", "route", "status_code", "ws"}, None),
        "tns_request_duration_seconds_sum": ({"method", "route", "status_code", "ws"}, None),
    },
    "mimir": {
        "cortex_distributor_received_samples_total": ({"user"}, None),
        "cortex_discarded_samples_total": ({"user", "reason"}, None),
        "cortex_ingester_active_series": ({"user"}, None),
        "cortex_request_duration_seconds_bucket": ({"method", "route", "status_code", "ws", "le"}, None),
    },
    "loki": {
        "loki_distributor_bytes_received_total": ({"tenant"}, None),
        "loki_discarded_samples_total": ({"tenant", "reason"}, None),
    },
    "tempo": {
        "tempo_distributor_spans_received_total": ({"tenant"}, None),
        "tempo_discarded_spans_total": ({"tenant", "reason"}, None),
    },
}

# The agents' own metrics: what they failed or still have to send.
_REMOTE_WRITE = {"prometheus_remote_storage_samples_failed_total": ({"remote_name", "url"}, None),
                 "prometheus_remote_storage_samples_pending": ({"remote_name", "url"}, None)}
_OTELCOL = {"otelcol_exporter_send_failed_spans_total": ({"exporter"}, None),
            "otelcol_exporter_send_failed_metric_points_total": ({"exporter"}, None),
            "otelcol_exporter_send_failed_log_records_total": ({"exporter"}, None),
            "otelcol_exporter_queue_size": ({"exporter"}, None)}
EXPORTERS.update({
    "prometheus": dict(_REMOTE_WRITE),
    # Alloy runs Prometheus' remote write and the collector's exporters.
    "alloy": {**_REMOTE_WRITE, **{m: ({"component_id"} | labels, scope) for m, (labels, scope) in _OTELCOL.items()},
              "loki_write_dropped_entries_total": ({"component_id", "host", "reason"}, None)},
    "otel-collector": dict(_OTELCOL),
    "vector": {"vector_component_discarded_events_total": ({"component_id", "component_kind", "component_type",
                                                            "intentional"}, None)},
    "fluent-bit": {"fluentbit_output_dropped_records_total": ({"name"}, None),
                   "fluentbit_output_retries_failed_total": ({"name"}, None)},
})

# The mesh's proxies (Istio's standard metrics from Envoy, port 15090, and
# Linkerd's proxy metrics, port 4191): the labels the catalog's mesh
# dashboards read.
_ISTIO_PEERS = {"reporter", "source_workload", "source_workload_namespace", "source_cluster", "source_app",
                "source_principal", "source_canonical_service", "destination_workload",
                "destination_workload_namespace", "destination_cluster", "destination_app", "destination_principal",
                "destination_service", "destination_service_name", "destination_service_namespace",
                "destination_canonical_service", "connection_security_policy", "response_flags"}
_ISTIO_HTTP = _ISTIO_PEERS | {"request_protocol", "response_code", "grpc_response_status"}
_LINKERD = {"direction", "authority", "target_addr", "target_ip", "target_port", "tls", "server_id"}
EXPORTERS.update({
    "istio-proxy": {
        "istio_requests_total": (_ISTIO_HTTP, None),
        "istio_request_duration_milliseconds_bucket": (_ISTIO_HTTP | {"le"}, None),
        "istio_request_duration_milliseconds_count": (_ISTIO_HTTP, None),
        "istio_request_duration_milliseconds_sum": (_ISTIO_HTTP, None),
        "istio_tcp_sent_bytes_total": (_ISTIO_PEERS, None),
        "istio_tcp_received_bytes_total": (_ISTIO_PEERS, None),
    },
    "linkerd-proxy": {
        "request_total": (_LINKERD, None),
        "response_total": (_LINKERD | {"status_code", "classification", "error"}, None),
        "response_latency_ms_bucket": (_LINKERD | {"status_code", "le"}, None),
        "tcp_open_connections": (_LINKERD | {"peer"}, None),
    },
})

# Hubble's flow metrics (Cilium agent, port 9965), with the options
# clusters/<name>/values/cilium.yaml gives: flows and drops labelled with
# their source and destination namespaces (labelsContext).
_HUBBLE_CONTEXT = {"source_namespace", "destination_namespace"}
EXPORTERS.update({
    "hubble": {
        "hubble_flows_processed_total": ({"type", "subtype", "verdict"} | _HUBBLE_CONTEXT, None),
        "hubble_drop_total": ({"reason", "protocol"} | _HUBBLE_CONTEXT, None),
        "hubble_dns_queries_total": ({"rcode", "qtypes", "ips_returned"}, None),
        "hubble_dns_responses_total": ({"rcode", "qtypes", "ips_returned"}, None),
        "hubble_tcp_flags_total": ({"flag", "family"}, None),
        "hubble_port_distribution_total": ({"protocol", "port"}, None),
        "hubble_icmp_total": ({"family", "type"}, None),
    },
})

# A container image (by substring of its repository) -> the exporter it is.
# The Cilium agent's one scraped port is Hubble's (cilium/cilium: followed by
# its tag, unlike cilium/cilium-envoy).
IMAGES = [("kube-state-metrics", "kube-state-metrics"), ("node-exporter", "node-exporter"),
          ("grafana/tns-", "tns"), ("grafana/mimir", "mimir"), ("grafana/loki", "loki"),
          ("grafana/tempo", "tempo"), ("grafana/alloy", "alloy"), ("prometheus/prometheus", "prometheus"),
          ("opentelemetry-collector", "otel-collector"), ("timberio/vector", "vector"), ("fluent-bit", "fluent-bit"),
          ("istio/proxyv2", "istio-proxy"), ("linkerd/proxy", "linkerd-proxy"), ("cilium/cilium:", "hubble")]

# The kubelet's metrics paths.
KUBELET_PATHS = {"/metrics": "kubelet", "/metrics/cadvisor": "cadvisor"}

# Target labels the Prometheus Operator's generated scrape configuration (and
# Alloy's prometheus.operator.* components, which reuse it) gives a
# ServiceMonitor's and a PodMonitor's targets; `node` when the endpoint's
# target is a Node (the kubelet Service).
SERVICE_MONITOR_TARGET_LABELS = {"job", "instance", "namespace", "service", "pod", "container", "endpoint"}
POD_MONITOR_TARGET_LABELS = {"job", "instance", "namespace", "pod", "container", "endpoint"}

# The OpenTelemetry Collector's kubelet stats receiver: metric names as
# Mimir's OTLP endpoint writes them with otel_metric_suffixes_enabled (dots to
# underscores, unit suffixes; {cpu} adds none), with the resource attributes
# the receiver sets per metric group.
KUBELET_STATS = {
    "node": ({"k8s_node_cpu_usage", "k8s_node_memory_working_set_bytes"}, {"k8s.node.name"}),
    "pod": ({"k8s_pod_cpu_usage", "k8s_pod_memory_working_set_bytes"},
            {"k8s.node.name", "k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid"}),
    "container": ({"container_cpu_usage", "container_memory_working_set_bytes"},
                  {"k8s.node.name", "k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.container.name"}),
}

# Resource attributes the collectors' container log parser sets from the log
# file's path (file_log's `container` operator).
CONTAINER_PARSER_ATTRIBUTES = {"k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.container.name",
                               "k8s.container.restart_count"}

# Loki's OTLP endpoint: the resource attributes it indexes as stream labels
# unless configured otherwise (distributor.otlp_config default list).
LOKI_OTLP_DEFAULT_INDEX = {"service.name", "service.namespace", "service.instance.id", "deployment.environment",
                           "deployment.environment.name", "cloud.region", "cloud.availability_zone",
                           "k8s.cluster.name", "k8s.namespace.name", "k8s.pod.name", "k8s.container.name",
                           "container.name", "k8s.replicaset.name", "k8s.deployment.name", "k8s.statefulset.name",
                           "k8s.daemonset.name", "k8s.cronjob.name", "k8s.job.name"}

# Tempo's span metrics: the labels every series has, before dimensions.
SPAN_METRICS = {"traces_spanmetrics_calls_total": {"service", "span_name", "span_kind", "status_code"},
                "traces_spanmetrics_latency_bucket": {"service", "span_name", "span_kind", "status_code", "le"},
                "traces_spanmetrics_latency_count": {"service", "span_name", "span_kind", "status_code"},
                "traces_spanmetrics_latency_sum": {"service", "span_name", "span_kind", "status_code"}}

# The contract's labels for the object a series describes.
SCOPE_LABELS = {"node": {"node"}, "pod": {"namespace", "pod"}, "container": {"namespace", "pod", "container"}}


def label_name(attribute):
    """The label a resource attribute becomes at Loki's and Mimir's OTLP
    endpoints and in Tempo's span-metrics dimensions."""
    return attribute.replace(".", "_").replace("-", "_")
