#include "emit/host_proxy.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "emit/components.h"
#include "endpoints/addresses.h"

namespace lgtmgen::emit {
namespace {

// Where Grafana's entry listens: a LoadBalancer Service ({namespace, name}),
// or, without one, central's node host ({"", ""}) and ingress-nginx's node
// ports.
struct Entry {
  std::string ns, service, description;
  std::vector<std::pair<int, int>> ports;  // {port on this machine, port of the entry}
};

Entry EntryOf(const model::Model& model) {
  const bool tls = model.grafana.tls != "none";
  if (model.grafana.expose == "gateway") {
    // The Service the Gateway's implementation makes from Gateway grafana.
    const bool istio = GrafanaGatewayClass(model) == "istio";
    const int port = tls ? 443 : 80;
    return {kGrafanaNamespace, istio ? "grafana-istio" : "cilium-gateway-grafana", "Grafana's Gateway", {{port, port}}};
  }
  if (IngressServiceType(model) == "LoadBalancer") {
    return {kIngressNamespace, "ingress-nginx-controller", "ingress-nginx", {{80, 80}, {443, 443}}};
  }
  return {"", "", "ingress-nginx's node ports", {{80, kIngressHttpNodePort}, {443, kIngressHttpsNodePort}}};
}

}  // namespace

render::Vars HostProxyVars(const model::Model& model) {
  const Entry entry = EntryOf(model);
  std::string config, publish, env, ports_text, label;
  for (const auto& [host_port, target_port] : entry.ports) {
    const std::string name = host_port == 443 ? "https" : "http";
    const int listen = 8000 + host_port;  // HAProxy runs unprivileged in the container
    config += fmt::format("frontend {0}\n  bind :{1}\n  default_backend {0}\nbackend {0}\n  server grafana \"${{GRAFANA_{2}}}\"\n",
                          name, listen, host_port);
    // Lines of the docker run command, each continued.
    publish += fmt::format("--publish 127.0.0.1:{}:{} \\\n", host_port, listen);
    env += fmt::format("--env \"GRAFANA_{}=${{target}}:{}\" \\\n", host_port, target_port);
    ports_text += (ports_text.empty() ? "" : " and ") + std::to_string(host_port);
    label += fmt::format("{}{}:{}", label.empty() ? "" : ",", host_port, target_port);
  }
  const model::Cluster& central = model.Central();
  return {{"central", central.name},
          {"host", model.grafana.host},
          {"network", endpoints::DockerNetwork(model)},
          {"container", model.name + "-host-proxy"},
          {"image", model.catalog.ImageRef("haproxy")},
          {"entry", entry.description},
          {"load_balancer", render::Flag(!entry.service.empty())},
          {"namespace", entry.ns},
          {"service", entry.service},
          {"node_host", endpoints::NodeHost(model, central)},
          {"ports_text", ports_text},
          {"ports_label", label},
          {"haproxy_config", config},
          {"publish", publish},
          {"environment", env}};
}

}  // namespace lgtmgen::emit
