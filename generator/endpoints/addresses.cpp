#include "endpoints/addresses.h"

namespace lgtmgen::endpoints {
namespace {

constexpr int kKindApiServerPort = 6443;
constexpr int kMinikubeApiServerPort = 8443;

}  // namespace

std::string NodeHost(const model::Model& /*model*/, const model::Cluster& cluster) {
  if (cluster.provider == "kind") return cluster.name + "-control-plane";
  if (cluster.provider == "minikube") return cluster.name;
  return "";
}

int ApiServerPort(const model::Cluster& cluster) {
  if (cluster.provider == "kind") return kKindApiServerPort;
  if (cluster.provider == "minikube") return kMinikubeApiServerPort;
  return 0;
}

std::string ApiServerUrl(const model::Model& model, const model::Cluster& cluster) {
  const std::string host = NodeHost(model, cluster);
  return host.empty() ? "" : "https://" + host + ":" + std::to_string(ApiServerPort(cluster));
}

std::string ApiServerHost(const model::Model& model, const model::Cluster& cluster) {
  return NodeHost(model, cluster);
}

std::string DockerNetwork(const model::Model& model) {
  if (model.platform.local_provider == "kind") return "kind";
  if (model.platform.local_provider == "minikube") return "lgtmgen-" + model.name;
  return "";
}

std::string IngestWithoutMeshReachedBy(const model::Model& model) {
  const std::string& provider = model.Central().provider;
  if (provider == "kind") return "node ports of the central cluster's control-plane node, on kind's docker network";
  if (provider == "minikube") {
    return "node ports of the central cluster's minikube node, on the docker network " + DockerNetwork(model);
  }
  return "the proxy's LoadBalancer Service, at " + model.backends.ingest_host +
         " (backends.ingest.host: point that DNS name at the Service's address)";
}

}  // namespace lgtmgen::endpoints
