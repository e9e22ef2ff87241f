#include "endpoints/resolver.h"

#include <fmt/format.h>

#include <iterator>
#include <set>
#include <stdexcept>

#include "endpoints/addresses.h"

namespace lgtmgen::endpoints {
namespace {

const char* BackendName(Backend b) {
  switch (b) {
    case Backend::kMimir: return "mimir";
    case Backend::kLoki: return "loki";
    case Backend::kTempo: return "tempo";
  }
  return "";
}

// The path under the service where the protocol's API lives.
std::string PathOf(Backend backend, Protocol protocol) {
  switch (protocol) {
    case Protocol::kRemoteWrite: return "/api/v1/push";
    case Protocol::kLokiPush: return "/loki/api/v1/push";
    case Protocol::kOtlpHttp: return backend == Backend::kTempo ? "" : "/otlp";
    case Protocol::kOtlpGrpc: return "";
  }
  return "";
}

}  // namespace

// 30000 + 10 × (index of the backend set) + the service's offset, so the
// backend sets of isolation: instances never share a port.
int IngestNodePort(const model::Model& model, Backend backend, Protocol protocol, const std::string& environment) {
  const Service s = CentralService(backend, protocol, environment);
  int offset = 0;
  if (s.name == "loki-gateway") offset = 1;
  if (s.name == "tempo-distributor") offset = s.grpc ? 2 : 3;
  int index = 0;
  if (!environment.empty()) {
    const auto& environments = model.environments_in_use;
    index = static_cast<int>(std::distance(environments.begin(), environments.find(environment)));
  }
  return 30000 + 10 * index + offset;
}


std::vector<Route> ScenarioRoutes(const std::string& scenario) {
  if (scenario == "prometheus-vector" || scenario == "alloy") {
    return {{Backend::kMimir, Protocol::kRemoteWrite}, {Backend::kLoki, Protocol::kLokiPush},
            {Backend::kTempo, Protocol::kOtlpGrpc}};
  }
  if (scenario == "otel") {
    return {{Backend::kMimir, Protocol::kOtlpHttp}, {Backend::kLoki, Protocol::kOtlpHttp},
            {Backend::kTempo, Protocol::kOtlpGrpc}};
  }
  return {};
}

std::string Endpoint::Url() const {
  return fmt::format("{}://{}:{}{}", tls ? "https" : "http", host, port, path);
}

std::string Endpoint::HostPort() const { return fmt::format("{}:{}", host, port); }

std::string BackendNamespace(Backend backend, const std::string& environment) {
  return environment.empty() ? BackendName(backend) : fmt::format("{}-{}", BackendName(backend), environment);
}

std::string InstanceOf(const model::Model& model, const model::Cluster& cluster) {
  return model.isolation == "instances" ? cluster.environment : "";
}

Service CentralService(Backend backend, Protocol protocol, const std::string& environment) {
  const std::string ns = BackendNamespace(backend, environment);
  switch (backend) {
    case Backend::kMimir:
      if (protocol == Protocol::kRemoteWrite || protocol == Protocol::kOtlpHttp) return {"mimir-gateway", ns, 80, false};
      break;
    case Backend::kLoki:
      if (protocol == Protocol::kLokiPush || protocol == Protocol::kOtlpHttp) return {"loki-gateway", ns, 80, false};
      break;
    case Backend::kTempo:
      if (protocol == Protocol::kOtlpGrpc) return {"tempo-distributor", ns, 4317, true};
      if (protocol == Protocol::kOtlpHttp) return {"tempo-distributor", ns, 4318, false};
      break;
  }
  throw std::invalid_argument(fmt::format("no {} endpoint takes this protocol", BackendName(backend)));
}

Endpoint ResolveOnCentral(Backend backend, Protocol protocol, const std::string& environment) {
  const Service s = CentralService(backend, protocol, environment);
  Endpoint e;
  e.protocol = protocol;
  e.path = PathOf(backend, protocol);
  e.port = s.port;
  e.host = fmt::format("{}.{}.svc", s.name, s.ns);
  return e;
}

int IngestServicePort(const model::Model& model, Backend backend, Protocol protocol, const std::string& environment) {
  return IngestNodePort(model, backend, protocol, environment) - 30000 + 8443;
}

bool IngestOnNodePorts(const model::Model& model) {
  return model.mesh.type == "none" && !NodeHost(model, model.Central()).empty();
}

bool IngestOnLoadBalancer(const model::Model& model) {
  return model.mesh.type == "none" && NodeHost(model, model.Central()).empty();
}

int IngestPort(const model::Model& model, Backend backend, Protocol protocol, const std::string& environment) {
  return IngestOnNodePorts(model) ? IngestNodePort(model, backend, protocol, environment)
                                  : IngestServicePort(model, backend, protocol, environment);
}

std::string WritePath(Backend backend, Protocol protocol) {
  switch (protocol) {
    case Protocol::kOtlpGrpc: return "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    case Protocol::kOtlpHttp:  // the exporters append /v1/<signal> to the base path
      return PathOf(backend, protocol) + "/v1/" +
             (backend == Backend::kMimir ? "metrics" : backend == Backend::kLoki ? "logs" : "traces");
    default: return PathOf(backend, protocol);
  }
}

std::string IngestHost(const model::Model& model) {
  const std::string central = model.Central().name;
  const std::string& mesh = model.mesh.type;
  // No mesh: the central cluster's node ports (endpoints/addresses.h), or
  // the DNS name of the proxy's LoadBalancer when lgtmgen knows no node.
  if (mesh == "none") return IngestOnNodePorts(model) ? NodeHost(model, model.Central()) : model.backends.ingest_host;
  // Linkerd's service mirror names the copy of an exported service
  // <service>-<source cluster>, in the same namespace.
  if (mesh == "linkerd") return fmt::format("{}-{}.{}.svc.cluster.local", kIngestService, central, kIngestNamespace);
  // Istio and ClusterMesh: the same name resolves on every cluster of the mesh.
  return fmt::format("{}.{}.svc.cluster.local", kIngestService, kIngestNamespace);
}

Endpoint Resolve(const model::Model& model, const model::Cluster& from, Backend backend, Protocol protocol) {
  const std::string instance = InstanceOf(model, from);
  Endpoint e = ResolveOnCentral(backend, protocol, instance);
  if (from.name == model.Central().name) return e;
  // Every other cluster writes through the ingest proxy, whatever the mesh:
  // the mesh carries the connection (and adds mTLS), the proxy decides the
  // tenant from the credentials.
  e.host = IngestHost(model);
  e.port = IngestPort(model, backend, protocol, instance);
  e.tls = true;
  return e;
}

}  // namespace lgtmgen::endpoints
