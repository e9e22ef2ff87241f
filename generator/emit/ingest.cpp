// The fleet CA (components/fleet-ca/) and, with mesh: none and remote
// clusters, the central ingest proxy (components/ingest/) that publishes the
// backends' write paths on node ports over TLS with per-tenant basic auth.
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
};

// What the proxy publishes for each backend set.
const std::vector<Listener>& Listeners() {
  static const std::vector<Listener> kListeners = {
      {"Metrics: Mimir's remote-write and OTLP HTTP", Backend::kMimir, Protocol::kRemoteWrite},
      {"Logs: Loki's push API and OTLP HTTP", Backend::kLoki, Protocol::kLokiPush},
      {"Traces: Tempo's OTLP gRPC", Backend::kTempo, Protocol::kOtlpGrpc},
      {"Traces: Tempo's OTLP HTTP", Backend::kTempo, Protocol::kOtlpHttp},
  };
  return kListeners;
}

void EmitIngest(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  std::vector<std::string> instances = {""};
  if (model.isolation == "instances") instances.assign(model.environments_in_use.begin(), model.environments_in_use.end());
  std::string servers, container_ports, service_ports;
  for (const std::string& env : instances) {
    for (const Listener& l : Listeners()) {
      const endpoints::Service s = endpoints::CentralService(l.backend, l.protocol, env);
      const int node_port = endpoints::IngestNodePort(model, l.backend, l.protocol, env);
      const int port = node_port - 30000 + 8443;
      const std::string name = fmt::format("in-{}", node_port);  // port names: at most 15 characters
      servers += render::RenderFile(s.grpc ? "ingest/server-grpc.conf" : "ingest/server-http.conf",
                                    {{"what", env.empty() ? l.what : fmt::format("{} ({})", l.what, env)},
                                     {"port", std::to_string(port)},
                                     {"user_file", IngestUserFile(env)},
                                     {"upstream", fmt::format("{}.{}.svc.cluster.local:{}", s.name, s.ns, s.port)}});
      container_ports += fmt::format("            - name: {}\n              containerPort: {}\n", name, port);
      service_ports += fmt::format("    - name: {}\n      port: {}\n      targetPort: {}\n      nodePort: {}\n{}", name,
                                   port, name, node_port, s.grpc ? "      appProtocol: grpc\n" : "");
    }
  }
  const std::string dir = std::string(kIngestPath) + "/";
  const std::string central = model.Central().name;
  PutTemplate(tree, diags, "ingest", dir + "kustomization.yaml", "ingest/kustomization.yaml", model,
              {{"central", central}});
  PutTemplate(tree, diags, "ingest", dir + "nginx.conf", "ingest/nginx.conf", model, {{"servers", servers}});
  PutTemplate(tree, diags, "ingest", dir + "certificate.yaml", "ingest/certificate.yaml", model,
              {{"host", IngestHost(model)}});
  PutTemplate(tree, diags, "ingest", dir + "deployment.yaml", "ingest/deployment.yaml", model,
              {{"image", model.catalog.ImageRef("nginx-unprivileged")}, {"ports", container_ports}});
  PutTemplate(tree, diags, "ingest", dir + "service.yaml", "ingest/service.yaml", model,
              {{"central", central}, {"ports", service_ports}});
}

}  // namespace

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
