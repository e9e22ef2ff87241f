// The endpoint resolver over every agent scenario × backend × mesh ×
// isolation, from the central cluster and from a remote: protocols and ports
// must match (gRPC only to gRPC ports), names follow each mesh's rules.
#include <catch2/catch.hpp>

#include <set>

#include "endpoints/resolver.h"

using namespace lgtmgen;
using endpoints::Backend;
using endpoints::Protocol;

namespace {

model::Model Fleet(const std::string& mesh, const std::string& isolation) {
  model::Model m;
  m.mesh.type = mesh;
  m.isolation = isolation;
  model::Cluster central;
  central.name = "lgtm-central";
  central.role = "central";
  central.environment = "prod";
  model::Cluster stage = central;
  stage.name = "stage-1";
  stage.role = "remote";
  stage.environment = "stage";
  model::Cluster prod = stage;
  prod.name = "prod-1";
  prod.environment = "prod";
  m.clusters = {central, stage, prod};
  m.environments_in_use = {"prod", "stage"};
  m.central_index = 0;
  return m;
}

}  // namespace

TEST_CASE("every scenario, backend, mesh and isolation resolves to a compatible endpoint", "[endpoints]") {
  for (const std::string scenario : {"prometheus-vector", "alloy", "otel"}) {
    for (const std::string mesh : {"none", "linkerd", "istio", "cilium-clustermesh"}) {
      for (const std::string isolation : {"tenants", "instances"}) {
        const model::Model m = Fleet(mesh, isolation);
        for (const model::Cluster& from : m.clusters) {
          for (const endpoints::Route& route : endpoints::ScenarioRoutes(scenario)) {
            DYNAMIC_SECTION(scenario << " " << mesh << " " << isolation << " from " << from.name << " backend "
                                     << static_cast<int>(route.backend)) {
              const endpoints::Endpoint e = endpoints::Resolve(m, from, route.backend, route.protocol);
              const endpoints::Service s =
                  endpoints::CentralService(route.backend, route.protocol, endpoints::InstanceOf(m, from));
              const bool grpc = route.protocol == Protocol::kOtlpGrpc;
              CHECK(s.grpc == grpc);  // never OTLP/gRPC into an HTTP-only port, nor HTTP into gRPC
              CHECK_FALSE(e.host.empty());
              CHECK(e.port > 0);
              if (grpc) CHECK(e.path.empty());
              if (route.protocol == Protocol::kRemoteWrite) CHECK(e.path == "/api/v1/push");
              if (route.protocol == Protocol::kLokiPush) CHECK(e.path == "/loki/api/v1/push");
              if (isolation == "instances") {
                CHECK(s.ns.find("-" + from.environment) != std::string::npos);
              } else {
                CHECK(s.ns.find('-') == std::string::npos);
              }
              if (from.role == "central") {
                CHECK(e.host == s.name + "." + s.ns + ".svc");
                CHECK(e.port == s.port);
                CHECK_FALSE(e.tls);
              } else {
                // Every remote write goes through the ingest proxy: TLS, and a
                // port of the proxy, never a back end's own Service.
                CHECK(e.tls);
                CHECK(e.host.find(s.name) == std::string::npos);
                const std::string env = endpoints::InstanceOf(m, from);
                if (mesh == "none") {
                  CHECK(e.host == "lgtm-central-control-plane");
                  CHECK(e.port == endpoints::IngestNodePort(m, route.backend, route.protocol, env));
                  CHECK(e.port >= 30000);
                  CHECK(e.port <= 32767);
                } else {
                  CHECK(e.host == (mesh == "linkerd" ? "lgtm-ingest-lgtm-central.lgtm-ingest.svc.cluster.local"
                                                     : "lgtm-ingest.lgtm-ingest.svc.cluster.local"));
                  CHECK(e.port == endpoints::IngestServicePort(m, route.backend, route.protocol, env));
                }
              }
            }
          }
        }
      }
    }
  }
}

TEST_CASE("node ports of different backend sets never collide", "[endpoints]") {
  const model::Model m = Fleet("none", "instances");
  std::set<int> ports;
  int resolved = 0;
  for (const model::Cluster& from : m.clusters) {
    if (from.role == "central") continue;
    for (const endpoints::Route& route : endpoints::ScenarioRoutes("alloy")) {
      ports.insert(endpoints::Resolve(m, from, route.backend, route.protocol).port);
      ++resolved;
    }
  }
  CHECK(ports.size() == static_cast<size_t>(resolved));
}

TEST_CASE("protocols no backend accepts are refused", "[endpoints]") {
  CHECK_THROWS(endpoints::CentralService(Backend::kMimir, Protocol::kOtlpGrpc, ""));
  CHECK_THROWS(endpoints::CentralService(Backend::kLoki, Protocol::kRemoteWrite, ""));
  CHECK_THROWS(endpoints::CentralService(Backend::kTempo, Protocol::kLokiPush, ""));
}

TEST_CASE("URLs", "[endpoints]") {
  const model::Model m = Fleet("none", "tenants");
  CHECK(endpoints::Resolve(m, m.clusters[0], Backend::kMimir, Protocol::kRemoteWrite).Url() ==
        "http://mimir-gateway.mimir.svc:80/api/v1/push");
  CHECK(endpoints::Resolve(m, m.clusters[1], Backend::kLoki, Protocol::kLokiPush).Url() ==
        "https://lgtm-central-control-plane:30001/loki/api/v1/push");
  CHECK(endpoints::Resolve(m, m.clusters[0], Backend::kTempo, Protocol::kOtlpGrpc).HostPort() ==
        "tempo-distributor.tempo.svc:4317");
}
