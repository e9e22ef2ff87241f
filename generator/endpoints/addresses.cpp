#include "endpoints/addresses.h"

namespace lgtmgen::endpoints {
namespace {

constexpr int kKindApiServerPort = 6443;
constexpr int kMinikubeApiServerPort = 8443;

bool Kind(const model::Model& model) { return model.platform.provider == "kind"; }
bool Minikube(const model::Model& model) { return model.platform.provider == "minikube"; }

}  // namespace

std::string NodeHost(const model::Model& model, const model::Cluster& cluster) {
  if (Kind(model)) return cluster.name + "-control-plane";
  if (Minikube(model)) return cluster.name;
  return "";
}

int ApiServerPort(const model::Model& model) {
  return Kind(model) ? kKindApiServerPort : Minikube(model) ? kMinikubeApiServerPort : 0;
}

std::string ApiServerUrl(const model::Model& model, const model::Cluster& cluster) {
  const std::string host = NodeHost(model, cluster);
  return host.empty() ? "" : "https://" + host + ":" + std::to_string(ApiServerPort(model));
}

std::string ApiServerHost(const model::Model& model, const model::Cluster& cluster) {
  return NodeHost(model, cluster);
}

std::string DockerNetwork(const model::Model& model) {
  if (Kind(model)) return "kind";
  if (Minikube(model)) return "lgtmgen-" + model.name;
  return "";
}

std::string NodePortsReachedBy(const model::Model& model) {
  if (Kind(model)) return "node ports of the central cluster's control-plane node, on kind's docker network";
  if (Minikube(model)) {
    return "node ports of the central cluster's first minikube node, on the docker network " + DockerNetwork(model);
  }
  return "node ports of the central cluster, at an address its provider publishes";
}

}  // namespace lgtmgen::endpoints
