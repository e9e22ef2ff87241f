#pragma once
// Cross-cluster addresses: how one cluster's nodes and pods reach another
// cluster's nodes and API server, by the provider of the cluster reached
// (model::Cluster::provider). It is the one place that knows a provider's
// host names; emitters and templates take addresses from here.
//
//   kind      every node is a container on the docker network "kind", found
//             by its container name: "<cluster>-control-plane" for the first
//             control-plane node, whose API server listens on 6443.
//   minikube  every profile's nodes are containers of the docker driver on
//             one docker network the bootstrap shares between the profiles
//             (MinikubeNetwork), found by container name: the profile's name
//             for its first node, whose API server listens on 8443 and whose
//             certificate names the profile (--apiserver-names).
//   existing  nothing is known in advance: API servers come from the user's
//             kubeconfig at bootstrap (NodeHost is "": node ports are not a
//             cross-cluster path there).
#include <string>

#include "model/model.h"

namespace lgtmgen::endpoints {

/// The host name other clusters reach cluster's node ports by, and the DNS
/// name a certificate for such an endpoint carries; "" when the provider has
/// none.
[[nodiscard]] std::string NodeHost(const model::Model& model, const model::Cluster& cluster);

/// The API server URL of cluster as the other clusters' nodes and pods reach
/// it; "" when only the user's kubeconfig knows it (the bootstrap reads it
/// from there).
[[nodiscard]] std::string ApiServerUrl(const model::Model& model, const model::Cluster& cluster);

/// The API server's host as cluster's own nodes reach it before any CNI runs
/// (Cilium without kube-proxy); "" when the provider has none.
[[nodiscard]] std::string ApiServerHost(const model::Model& model, const model::Cluster& cluster);

/// The port ApiServerHost serves cluster's API on; 0 when its provider has none.
[[nodiscard]] int ApiServerPort(const model::Cluster& cluster);

/// The docker network every node the bootstrap creates joins: kind's own
/// network, or the one it starts every minikube profile on; "" when every
/// cluster exists already.
[[nodiscard]] std::string DockerNetwork(const model::Model& model);

/// How remote agents reach the central ingest proxy without a mesh, completing
/// "reached by ..." in docs: node ports of central's NodeHost, or (an existing
/// central cluster) its LoadBalancer at backends.ingest.host.
[[nodiscard]] std::string IngestWithoutMeshReachedBy(const model::Model& model);

}  // namespace lgtmgen::endpoints
