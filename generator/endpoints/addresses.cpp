#include "endpoints/addresses.h"

namespace lgtmgen::endpoints {
namespace {

constexpr int kKindApiServerPort = 6443;

bool Kind(const model::Model& model) { return model.platform.provider == "kind"; }

}  // namespace

std::string NodeHost(const model::Model& model, const model::Cluster& cluster) {
  return Kind(model) ? cluster.name + "-control-plane" : "";
}

std::string ApiServerUrl(const model::Model& model, const model::Cluster& cluster) {
  return Kind(model) ? "https://" + NodeHost(model, cluster) + ":" + std::to_string(kKindApiServerPort) : "";
}

std::string ApiServerHost(const model::Model& model, const model::Cluster& cluster) {
  return NodeHost(model, cluster);
}

std::string NodePortsReachedBy(const model::Model& model) {
  return Kind(model) ? "node ports of the central cluster's control-plane node, on kind's docker network"
                     : "node ports of the central cluster, at an address its provider publishes";
}

}  // namespace lgtmgen::endpoints
