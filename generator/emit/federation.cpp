// components/federation/: the /federate endpoint of every cluster with
// metricsTransport: federation (one set of files for all of them), which the
// central cluster's Prometheus pulls (see emit/agents.cpp).
#include <fmt/format.h>

#include "emit/components.h"
#include "emit/files.h"

namespace lgtmgen::emit {

void EmitFederation(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  if (model.federated_clusters == 0) return;
  const model::ImagePin& nginx = model.catalog.Image("nginx-unprivileged");
  const std::string dir = std::string(kFederationPath) + "/";
  const std::string port = std::to_string(kFederationNodePort);
  PutTemplate(tree, diags, "federation", dir + "kustomization.yaml", "federation/kustomization.yaml", model,
              {{"node_port", port}});
  PutTemplate(tree, diags, "federation", dir + "nginx.conf", "federation/nginx.conf", model,
              {{"prometheus", "kube-prometheus-stack-prometheus.monitoring.svc:9090"}});
  PutTemplate(tree, diags, "federation", dir + "deployment.yaml", "federation/deployment.yaml", model,
              {{"image", nginx.repository + ":" + nginx.tag}});
  PutTemplate(tree, diags, "federation", dir + "service.yaml", "federation/service.yaml", model,
              {{"node_port", port}});
}

}  // namespace lgtmgen::emit
