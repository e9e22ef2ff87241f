#pragma once
// The host-proxy add-on: bootstrap/45-host-proxy.sh, an HAProxy container
// on the clusters' docker network that forwards this machine's ports 80 and
// 443 to Grafana's entry on the central cluster (Docker Desktop, whose host
// cannot reach that network's addresses).
#include "model/model.h"
#include "render/template.h"

namespace lgtmgen::emit {

/// The variables of templates/bootstrap/45-host-proxy.sh. Needs the add-on,
/// Grafana exposed (gateway or ingress) and a central cluster the bootstrap
/// creates: validation guarantees them.
[[nodiscard]] render::Vars HostProxyVars(const model::Model& model);

}  // namespace lgtmgen::emit
