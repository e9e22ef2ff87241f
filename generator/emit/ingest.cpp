// The fleet CA (components/fleet-ca/) and, with remote clusters, the central
// ingest proxy (components/ingest/) that publishes the back ends' write paths
// over TLS with per-tenant basic auth: on node ports with mesh: none, as a
// Service exported over the mesh otherwise.
#include <fmt/format.h>

#include "emit/components.h"
#include "emit/files.h"
#include "endpoints/resolver.h"
#include "render/template.h"

namespace lgtmgen::emit {
namespace {

using endpoints::Backend;
using endpoints::Protocol;

struct Listener {
  std::string what;
  Backend backend;
  Protocol protocol;
  std::vector<Protocol> writes;  ///< whose write paths it passes (endpoints::WritePath), and only those
};

// What the proxy publishes for each backend set: the write APIs the agents
// use (see endpoints::Resolve), nothing that reads.
const std::vector<Listener>& Listeners() {
  static const std::vector<Listener> kListeners = {
      {"Metrics: Mimir's remote-write and OTLP HTTP", Backend::kMimir, Protocol::kRemoteWrite,
       {Protocol::kRemoteWrite, Protocol::kOtlpHttp}},
      {"Logs: Loki's push API and OTLP HTTP", Backend::kLoki, Protocol::kLokiPush,
       {Protocol::kLokiPush, Protocol::kOtlpHttp}},
      {"Traces: Tempo's OTLP gRPC", Backend::kTempo, Protocol::kOtlpGrpc, {Protocol::kOtlpGrpc}},
      {"Traces: Tempo's OTLP HTTP", Backend::kTempo, Protocol::kOtlpHttp, {Protocol::kOtlpHttp}},
  };
  return kListeners;
}

// A listener's port name (at most 15 characters), the same on the proxy's
// Service, its container and the remote clusters' stand-ins.
std::string IngestPortName(const model::Model& model, Backend backend, Protocol protocol, const std::string& env) {
  return fmt::format("in-{}", endpoints::IngestNodePort(model, backend, protocol, env));
}

void EmitIngest(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const bool node_ports = endpoints::IngestOnNodePorts(model);
  const bool load_balancer = endpoints::IngestOnLoadBalancer(model);
  std::string servers, container_ports;
  for (const std::string& env : Instances(model)) {
    for (const Listener& l : Listeners()) {
      const endpoints::Service s = endpoints::CentralService(l.backend, l.protocol, env);
      const int port = endpoints::IngestServicePort(model, l.backend, l.protocol, env);
      const std::string name = IngestPortName(model, l.backend, l.protocol, env);
      std::string locations;
      for (const Protocol write : l.writes) {
        locations += render::RenderFile(s.grpc ? "ingest/location-grpc.conf" : "ingest/location-http.conf",
                                        {{"path", endpoints::WritePath(l.backend, write)}});
      }
      servers += render::RenderFile(s.grpc ? "ingest/server-grpc.conf" : "ingest/server-http.conf",
                                    {{"what", env.empty() ? l.what : fmt::format("{} ({})", l.what, env)},
                                     {"port", std::to_string(port)},
                                     {"user_file", IngestUserFile(env)},
                                     {"locations", locations},
                                     {"upstream", fmt::format("{}.{}.svc.cluster.local:{}", s.name, s.ns, s.port)}});
      container_ports += fmt::format("            - name: {}\n              containerPort: {}\n", name, port);
    }
  }
  const std::string service_ports = IngestServicePorts(model, node_ports);
  const std::string dir = std::string(kIngestPath) + "/";
  const std::string central = model.Central().name;
  PutTemplate(tree, diags, "ingest", dir + "kustomization.yaml", "ingest/kustomization.yaml", model,
              {{"central", central},
               {"reached_by", node_ports      ? "node ports of " + central
                              : load_balancer ? "a LoadBalancer Service at " + model.backends.ingest_host
                                              : "the mesh"}});
  PutTemplate(tree, diags, "ingest", dir + "nginx.conf", "ingest/nginx.conf", model, {{"servers", servers}});
  PutTemplate(tree, diags, "ingest", dir + "certificate.yaml", "ingest/certificate.yaml", model,
              {{"host", endpoints::IngestHost(model)}});
  PutTemplate(tree, diags, "ingest", dir + "deployment.yaml", "ingest/deployment.yaml", model,
              {{"image", model.catalog.ImageRef("nginx-unprivileged")}, {"ports", container_ports}});
  PutTemplate(tree, diags, "ingest", dir + "service.yaml", "ingest/service.yaml", model,
              {{"central", central},
               {"ports", service_ports},
               {"node_ports", render::Flag(node_ports)},
               {"load_balancer", render::Flag(load_balancer)},
               {"over_mesh", render::Flag(model.mesh.type != "none")},
               {"ingest_host", model.backends.ingest_host},
               {"export", MeshExportMetadata(model)}});
}

}  // namespace

std::string IngestServicePorts(const model::Model& model, bool node_ports) {
  std::string out;
  for (const std::string& env : Instances(model)) {
    for (const Listener& l : Listeners()) {
      const std::string name = IngestPortName(model, l.backend, l.protocol, env);
      out += fmt::format("    - name: {}\n      port: {}\n      targetPort: {}\n", name,
                         endpoints::IngestServicePort(model, l.backend, l.protocol, env), name);
      if (node_ports) out += fmt::format("      nodePort: {}\n", endpoints::IngestNodePort(model, l.backend, l.protocol, env));
      if (endpoints::CentralService(l.backend, l.protocol, env).grpc) out += "      appProtocol: grpc\n";
    }
  }
  return out;
}

void EmitPki(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  if (!NeedsFleetCa(model)) return;
  std::vector<std::string> uses;
  if (SelfSignedTls(model)) uses.push_back("Grafana's");
  if (NeedsIngest(model)) uses.push_back("the ingest proxy's");
  PutTemplate(tree, diags, "pki", std::string(kFleetCaPath) + "/issuer.yaml", "pki/ca-issuer.yaml", model,
              {{"uses", fmt::format("{}", fmt::join(uses, ", "))}});
  PutTemplate(tree, diags, "pki", std::string(kFleetCaPath) + "/kustomization.yaml", "pki/kustomization.yaml", model,
              {});
  if (NeedsIngest(model)) EmitIngest(model, tree, diags);
}

}  // namespace lgtmgen::emit
