#pragma once
// Endpoint resolution: the one place that decides where an agent on a cluster
// sends a signal — scheme, host, port, path and protocol — for every agent
// scenario, mesh and isolation mode, so the files in Git hold final values
// (no sed at deploy time, no IP addresses).
#include <string>
#include <vector>

#include "model/model.h"

namespace lgtmgen::endpoints {

enum class Backend { kMimir, kLoki, kTempo };

/// The wire protocol a sender speaks. gRPC is never sent to an HTTP-only port.
enum class Protocol {
  kRemoteWrite,  ///< Prometheus remote-write (HTTP POST, snappy protobuf) → Mimir
  kLokiPush,     ///< Loki push API (HTTP) → Loki
  kOtlpHttp,     ///< OTLP over HTTP → Mimir, Loki or Tempo
  kOtlpGrpc,     ///< OTLP over gRPC → Tempo
};

/// A service of the central stack, as it exists on the central cluster.
struct Service {
  std::string name;  ///< e.g. "mimir-gateway"
  std::string ns;    ///< e.g. "mimir", or "mimir-prod" with isolation: instances
  int port = 0;
  bool grpc = false;  ///< the port speaks gRPC (HTTP/2), not HTTP/1 APIs
};

struct Endpoint {
  Protocol protocol = Protocol::kRemoteWrite;
  bool tls = false;
  std::string host;
  int port = 0;
  std::string path;  ///< "" for gRPC; for OTLP HTTP the base the exporter appends /v1/<signal> to

  /// "http(s)://host:port/path" (HTTP protocols).
  [[nodiscard]] std::string Url() const;
  /// "host:port" (gRPC exporters take this form).
  [[nodiscard]] std::string HostPort() const;
};

/// What an agent scenario sends: one (backend, protocol) per signal.
struct Route {
  Backend backend;
  Protocol protocol;
};
/// The routes of scenario (prometheus-vector, alloy, otel); none for "none".
[[nodiscard]] std::vector<Route> ScenarioRoutes(const std::string& scenario);

/// The central service that receives backend data over protocol, for the
/// backend set of environment (isolation: instances) or the only one ("").
/// Throws std::invalid_argument for a pair no backend accepts (OTLP gRPC to
/// Mimir or Loki, remote-write to Loki...): a bug in the caller.
[[nodiscard]] Service CentralService(Backend backend, Protocol protocol, const std::string& environment);

/// The address inside the central cluster of the service that takes backend
/// data over protocol for environment's backend set (no TLS, no mesh name).
[[nodiscard]] Endpoint ResolveOnCentral(Backend backend, Protocol protocol, const std::string& environment);

/// Where an agent on cluster `from` sends backend data over protocol.
[[nodiscard]] Endpoint Resolve(const model::Model& model, const model::Cluster& from, Backend backend,
                               Protocol protocol);

/// The central ingest proxy: every write from a remote cluster goes through
/// it, under every mesh. It authenticates the cluster (TLS, basic auth with
/// one user per tenant), sets X-Scope-OrgID from the credentials and passes
/// only the back ends' write APIs. The back ends' own Services are never
/// published to other clusters.
inline constexpr const char* kIngestService = "lgtm-ingest";
inline constexpr const char* kIngestNamespace = "lgtm-ingest";

/// With mesh: none, the node port on which the central cluster's ingest proxy
/// publishes (over TLS, with per-tenant basic auth) the service that takes
/// backend data over protocol for environment's backend set.
[[nodiscard]] int IngestNodePort(const model::Model& model, Backend backend, Protocol protocol,
                                 const std::string& environment);

/// The port of the ingest proxy's Service (and container) for the same:
/// what remote agents connect to over a mesh.
[[nodiscard]] int IngestServicePort(const model::Model& model, Backend backend, Protocol protocol,
                                    const std::string& environment);

/// With mesh: none, remote agents reach the ingest proxy on node ports of the
/// central cluster's node (kind, minikube), or through its LoadBalancer
/// Service at backends.ingest.host (an existing central cluster).
[[nodiscard]] bool IngestOnNodePorts(const model::Model& model);
[[nodiscard]] bool IngestOnLoadBalancer(const model::Model& model);

/// The port remote agents connect to the ingest proxy on for the same: the
/// node port on node ports, else the Service port.
[[nodiscard]] int IngestPort(const model::Model& model, Backend backend, Protocol protocol,
                             const std::string& environment);

/// The full request path a sender of protocol uses on backend's service (for
/// gRPC, the method): what the ingest proxy must pass, and nothing else.
[[nodiscard]] std::string WritePath(Backend backend, Protocol protocol);

/// The name remote agents reach the ingest proxy by, and its certificate's
/// DNS name: the central cluster's node host or backends.ingest.host (mesh:
/// none), Linkerd's mirror of the proxy's Service, or the Service's global
/// name (Istio, Cilium ClusterMesh).
[[nodiscard]] std::string IngestHost(const model::Model& model);

/// The backend namespace for an environment: "mimir", or "mimir-prod".
[[nodiscard]] std::string BackendNamespace(Backend backend, const std::string& environment);

/// The environment whose backends cluster writes to ("" with isolation: tenants).
[[nodiscard]] std::string InstanceOf(const model::Model& model, const model::Cluster& cluster);

}  // namespace lgtmgen::endpoints
