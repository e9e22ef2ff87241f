// bootstrap/: kind cluster configs and the numbered scripts that create the
// kind clusters or minikube profiles, install Argo CD, create Secrets from
// the environment and hand over to argocd/root.yaml. Also the Argo CD and
// Cilium values they install.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "emit/alerting_layout.h"
#include "emit/components.h"
#include "emit/files.h"
#include "emit/host_proxy.h"
#include "endpoints/addresses.h"
#include "endpoints/resolver.h"
#include "naming/namer.h"

namespace lgtmgen::emit {
namespace {

struct Step {
  std::string file;
  std::string does;
  std::vector<std::string> tools;  // the CLIs it calls, besides bash and coreutils
  std::string rerun;               // what running it again does
  bool in_all = true;              // all.sh runs it
};

// The Kubernetes version of the clusters the bootstrap creates: v1.36.1.
std::string LocalKubernetesVersion(const model::Model& model) {
  if (model.platform.local_provider == "minikube") return model.catalog.manifests.at("minikube-kubernetes");
  const std::string image = model.catalog.ImageRef("kindest-node");
  const size_t colon = image.find(':'), at = image.find('@');
  return image.substr(colon + 1, at - colon - 1);
}

// The version of a CLI the bootstrap needs, for bootstrap/README.md.
std::string ToolVersion(const model::Model& model, const std::string& tool) {
  const std::string& local = model.platform.local_provider;
  if (tool == "kubectl") {
    const auto skew = [](const char* which) {
      return fmt::format("within one minor version of each {}cluster's API server (kubectl's version skew policy)",
                         which);
    };
    if (local.empty()) return skew("");
    const std::string version = LocalKubernetesVersion(model);
    const int minor = std::stoi(version.substr(version.find('.') + 1));
    std::string out = fmt::format("v1.{}–v1.{}: one minor version from the {}' {}", minor - 1, minor + 1,
                                  local == "kind" ? "kind clusters" : "minikube profiles", version);
    const bool mixed = std::any_of(model.clusters.begin(), model.clusters.end(),
                                   [](const model::Cluster& c) { return !c.IsLocal(); });
    return mixed ? out + "; and " + skew("existing ") : out;
  }
  if (tool == "minikube") {
    return fmt::format("`{}` (its node image `{}` and Kubernetes `{}` are pinned by the step)",
                       model.catalog.manifests.at("minikube"), model.catalog.ImageRef("kicbase"),
                       LocalKubernetesVersion(model));
  }
  if (tool == "kind") {
    return fmt::format("a release that supports node image `kindest/node:{}` (kind's release notes list them)",
                       LocalKubernetesVersion(model));
  }
  if (tool == "docker") {
    return local == "minikube" ? "a running Docker Engine: minikube's nodes (driver docker) are its containers"
                               : "a running Docker Engine: kind's nodes are its containers";
  }
  if (tool == "helm") return "v3.8 or later";
  if (tool == "openssl") return "1.1.1 or later (the step CLI is used instead when it is installed)";
  if (tool == "linkerd") return "`" + model.catalog.manifests.at("linkerd-cli") + "`, the release of the fleet's Linkerd";
  if (tool == "istioctl") return "`" + model.catalog.manifests.at("istioctl") + "`, the release of the fleet's Istio";
  return "any recent release";
}

std::string KindNodes(const model::Model& model, const model::Cluster& c) {
  const std::string image = model.catalog.ImageRef("kindest-node");
  std::string out;
  for (int i = 0; i < c.control_planes; ++i) out += fmt::format("  - role: control-plane\n    image: {}\n", image);
  for (int i = 0; i < c.workers; ++i) out += fmt::format("  - role: worker\n    image: {}\n", image);
  return out;
}

model::Cidr PodCidrOf(const model::Cluster& c) {
  return c.network.pod_cidr ? *c.network.pod_cidr : *model::ParseCidr("10.244.0.0/16");  // kind's and minikube's default
}

// The smallest range holding every meshed cluster's pods: with ClusterMesh,
// what each meshed cluster's Cilium routes natively, unmasqueraded, so pods
// reach each other across clusters with their own addresses.
std::optional<model::Cidr> MeshPodRange(const model::Model& model) {
  std::optional<model::Cidr> range;
  if (model.mesh.type != "cilium-clustermesh") return range;
  for (const model::Cluster& c : model.clusters) {
    if (Meshed(model, c)) range = range ? model::Covering(*range, PodCidrOf(c)) : PodCidrOf(c);
  }
  return range;
}

// What step 00 sets up besides the clusters.
std::string CniSummary(const model::Model& model) {
  std::string out;
  if (model.platform.cni == "cilium") out += ", with Cilium as CNI (and Gateway API CRDs)";
  if (model.platform.load_balancer == "cilium") out += " and its load-balancer pools";
  if (model.platform.load_balancer == "metallb") out += ", MetalLB and its address pools";
  return out;
}

// A ClusterMesh peer as clustermesh.config.clusters lists it: its
// clustermesh-apiserver's node port on its node host.
std::string ClusterMeshPeer(const model::Model& model, const model::Cluster& peer) {
  return fmt::format("- name: {}\n  address: {}\n  port: {}\n", peer.name, endpoints::NodeHost(model, peer),
                     kClusterMeshApiserverPort);
}

// The ClusterMesh peers of every meshed remote (central), and of central
// (every meshed remote): telemetry flows to central; central's agents learn
// the remotes' nodes for the return path.
std::string CentralClusterMeshPeers(const model::Model& model) {
  std::string out;
  for (const model::Cluster& peer : model.clusters) {
    if (!peer.IsCentral() && Meshed(model, peer)) out += ClusterMeshPeer(model, peer);
  }
  if (!out.empty()) out.pop_back();
  return out;
}

// Gateway API CRDs before Argo CD: Cilium's operator (Grafana's Gateway)
// checks for them once, at start-up; Linkerd's policy controller watches
// HTTPRoutes and GRPCRoutes (linkerd-crds leaves them to the cluster); Istio
// ambient's east-west Gateway on central is one.
bool NeedsGatewayApi(const model::Model& model, const model::Cluster& c) {
  const bool istio_gateway = GrafanaExposed(model) && model.grafana.expose == "gateway" &&
                             GrafanaGatewayClass(model) == "istio";
  return model.platform.cni == "cilium" || (model.mesh.type == "linkerd" && Meshed(model, c)) ||
         (c.IsCentral() && (model.mesh.IstioAmbient() || istio_gateway));
}

// The `minikube start` flags of cluster's profile besides those every
// profile gets (00-create-clusters.sh), each with a leading space: its
// networks and CNI. The default CNI is minikube's bridge, on 10.244.0.0/16 in
// every profile (validation refuses another podCIDR); Cilium replaces
// kube-proxy, so kubeadm skips it.
std::string MinikubeStartFlags(const model::Model& model, const model::Cluster& c) {
  std::string out;
  if (c.network.service_cidr) out += " --service-cluster-ip-range " + c.network.service_cidr->ToString();
  if (model.platform.cni != "cilium") return out + " --cni bridge";
  return out + " --network-plugin cni --cni false --extra-config kubeadm.pod-network-cidr=" +
         PodCidrOf(c).ToString() + " --extra-config kubeadm.skip-phases=addon/kube-proxy";
}

// The commands of step 00, cluster by cluster.
std::string CreateSteps(const model::Model& model) {
  const bool cilium = model.platform.cni == "cilium";
  const std::string& lb = model.platform.load_balancer;
  const bool clustermesh = model.mesh.type == "cilium-clustermesh";
  // With ClusterMesh the central cluster comes first: it holds the shared CA.
  std::vector<size_t> order;
  for (size_t i = 0; i < model.clusters.size(); ++i) {
    if (model.clusters[i].IsLocal()) order.push_back(i);  // existing clusters are there already
  }
  if (clustermesh) std::stable_partition(order.begin(), order.end(), [&](size_t i) { return model.clusters[i].IsCentral(); });
  const bool minikube = model.platform.local_provider == "minikube";
  std::string out = minikube ? "ensure_network\n" : "";
  for (size_t i : order) {
    const model::Cluster& c = model.clusters[i];
    out += minikube ? fmt::format("create_cluster {} {}{}\n", c.name, i, MinikubeStartFlags(model, c))
                    : fmt::format("create_cluster {}\n", c.name);
    if (NeedsGatewayApi(model, c)) out += fmt::format("install_gateway_api {}\n", c.name);
    if (clustermesh) out += fmt::format("share_cilium_ca {}\n", c.name);
    if (cilium) out += fmt::format("install_cilium {}\n", c.name);
    if (lb == "metallb") out += fmt::format("install_metallb {}\n", c.name);
    if (lb == "none") continue;
    if (c.workers == 0) out += fmt::format("announce_from_control_plane {}\n", c.name);
    // An assignment, not an argument: a failing lb_cidr stops the script.
    out += c.network.lb_auto ? fmt::format("pool_cidr=$(lb_cidr {})\n", i)
                             : fmt::format("pool_cidr={}\n", c.network.lb_cidr->ToString());
    out += fmt::format("apply_lb_pool {} \"${{pool_cidr}}\"\n", c.name);
  }
  return out;
}

// Every namespace of the back ends, space-separated.
std::string BackendNamespaces(const model::Model& model) {
  std::vector<std::string> out;
  for (const std::string& env : Instances(model)) {
    for (const char* backend : {"mimir", "loki", "tempo"}) out.push_back(InstanceName(backend, env));
  }
  return fmt::format("{}", fmt::join(out, " "));
}

// One `function <cluster>` line per cluster in the mesh, when mesh.type is mesh.
std::string MeshTrustSteps(const model::Model& model, const std::string& mesh, const std::string& function) {
  if (model.mesh.type != mesh) return "";
  std::string out;
  for (const model::Cluster& c : model.clusters) {
    if (Meshed(model, c)) out += function + " " + c.name + "\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

// One federation_endpoint line per cluster with metricsTransport: federation.
std::string FederationSteps(const model::Model& model) {
  std::string out;
  for (const model::Cluster& c : model.clusters) {
    if (c.Federated() && !c.IsCentral()) {
      out += "federation_endpoint " + c.name + " " + endpoints::NodeHost(model, c) + "\n";
    }
  }
  if (!out.empty()) out.pop_back();
  return out;
}

// ALERTMANAGER_SLACK_URL for key url of Secret alertmanager-slack.
std::string SecretEnvVar(const std::string& secret, const std::string& key) {
  std::string out;
  for (char ch : secret + "_" + key) {
    out += std::isalnum(static_cast<unsigned char>(ch)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch)))
                                                         : '_';
  }
  return out;
}

// Single-quotes s for bash.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// s as one bash word: as it is when it holds only characters bash gives no
// meaning to, else single-quoted. Every spec value written into a script
// goes through it (the schema's patterns already refuse the rest).
std::string ShellWord(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || (c != 0 && std::strchr("_./:@%+=,-", c) != nullptr);
  });
  return plain ? s : ShellQuote(s);
}

// The Secrets alerting.receivers reference, in the Mimir namespace of every
// backend set on the central cluster (Mimir's Alertmanager mounts them):
// credentials someone else issues, so each key must come from the
// environment, or from the Secret a previous run created.
std::string AlertingSecretSteps(const model::Model& model) {
  const std::map<std::string, std::set<std::string>> keys = ReceiverSecretKeys(model);
  if (keys.empty()) return "";
  std::vector<std::string> namespaces;
  for (const std::string& env : Instances(model)) namespaces.push_back(InstanceName("mimir", env));
  std::string out = fmt::format("\n# Alert receivers' credentials (alerting.receivers), namespace{} {}.\n",
                                namespaces.size() == 1 ? "" : "s", fmt::join(namespaces, ", "));
  for (const auto& [secret, names] : keys) {
    std::string pairs;
    for (const std::string& key : names) {
      const std::string var = SecretEnvVar(secret, key);
      std::string shell_var = "v_" + var;
      std::transform(shell_var.begin(), shell_var.end(), shell_var.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      out += fmt::format("{}=$(resolve {} {} {} {} required)\n", shell_var, var, namespaces.front(),
                         ShellWord(secret), ShellWord(key));
      pairs += ShellWord(key) == key ? fmt::format(" \"{}=${{{}}}\"", key, shell_var)
                                     : fmt::format(" {}\"${{{}}}\"", ShellQuote(key + "="), shell_var);
    }
    for (const std::string& ns : namespaces) {
      out += fmt::format("put_secret \"${{CENTRAL}}\" {} {}{}\n", ns, ShellWord(secret), pairs);
    }
  }
  return out;
}

std::string SecretSteps(const model::Model& model) {
  std::string out = fmt::format(
      "# Grafana admin (grafana.adminSecret), namespace grafana.\n"
      "GRAFANA_ADMIN_USER=\"${{GRAFANA_ADMIN_USER:-admin}}\"\n"
      "grafana_password=$(resolve GRAFANA_ADMIN_PASSWORD grafana {0} admin-password generate)\n"
      "put_secret \"${{CENTRAL}}\" grafana {0} \"admin-user=${{GRAFANA_ADMIN_USER}}\" "
      "\"admin-password=${{grafana_password}}\"\n",
      model.grafana.admin_secret);
  if (model.HasAddon("kiali")) {
    // Kiali lists Grafana's dashboards through its API and reads secrets
    // from its own namespace only; its session signing key must be 16, 24
    // or 32 bytes, and is kept across re-runs like every generated value.
    out += fmt::format(
        "# Kiali: Grafana's credentials (the same admin) and its signing key, namespace {0}.\n"
        "kiali_key=$(secret_key \"${{CENTRAL}}\" {0} kiali-credentials signing-key)\n"
        "[[ -n ${{kiali_key}} ]] || kiali_key=$(openssl rand -hex 16)\n"
        "put_secret \"${{CENTRAL}}\" {0} kiali-credentials \"grafana-username=${{GRAFANA_ADMIN_USER}}\" "
        "\"grafana-password=${{grafana_password}}\" \"signing-key=${{kiali_key}}\"\n",
        kIstioNamespace);
  }
  out += AlertingSecretSteps(model);
  const model::Storage& s = model.backends.storage;
  if (s.type != "s3") return out;
  const bool minio = s.provider == "minio";
  const char* mode = minio ? "generate" : "required";
  const std::string home = minio ? "minio" : "mimir";
  out += fmt::format(
      "\n# Object storage (backends.storage.credentialsSecret), in every namespace\n"
      "# that reads it. The back ends read AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY{0}.\n"
      "s3_access=$(resolve LGTM_S3_ACCESS_KEY {1} {2} AWS_ACCESS_KEY_ID {3})\n"
      "s3_secret=$(resolve LGTM_S3_SECRET_KEY {1} {2} AWS_SECRET_ACCESS_KEY {3})\n"
      "for ns in {4}{6}; do\n"
      "  put_secret \"${{CENTRAL}}\" \"${{ns}}\" {2} \\\n"
      "    \"AWS_ACCESS_KEY_ID=${{s3_access}}\" \"AWS_SECRET_ACCESS_KEY=${{s3_secret}}\"{5}\n"
      "done\n",
      minio ? "; MinIO reads rootUser/rootPassword" : "", home, s.credentials_secret, mode,
      minio ? "minio " : "", minio ? " \\\n    \"rootUser=${s3_access}\" \"rootPassword=${s3_secret}\"" : "",
      BackendNamespaces(model));
  return out;
}

// Where a scenario's agents of each signal run: metrics, logs, traces
// (scenario "none": nowhere).
std::array<std::string, 3> SignalNamespaces(const std::string& scenario) {
  if (scenario == "alloy") return {"alloy", "alloy", "alloy"};
  if (scenario == "otel") return {kMonitoringNamespace, kOtelNamespace, kOtelNamespace};
  if (scenario == "prometheus-vector") return {kMonitoringNamespace, "logging", "tracing"};
  return {};
}

// The namespaces where a scenario's agents read the ingest client Secret:
// those of SignalNamespaces, sorted, each once.
std::vector<std::string> AgentNamespaces(const std::string& scenario) {
  const std::array<std::string, 3> per_signal = SignalNamespaces(scenario);
  const std::set<std::string> unique(per_signal.begin(), per_signal.end());
  std::vector<std::string> out;
  for (const std::string& ns : unique) {
    if (!ns.empty()) out.push_back(ns);
  }
  return out;
}

// The (empty) user files of every backend set, as a bash array literal.
std::string HtpasswdFiles(const model::Model& model) {
  std::vector<std::string> files;
  for (const std::string& env : Instances(model)) files.push_back(fmt::format("[{}]=''", IngestUserFile(env)));
  return fmt::format("{}", fmt::join(files, " "));
}

// One ingest_client line per remote cluster that ships telemetry (mesh: none).
std::string IngestClientSteps(const model::Model& model) {
  if (!NeedsIngest(model)) return {};
  std::string out;
  for (const model::Cluster& c : model.clusters) {
    if (c.role != "remote" || !c.HasAgents()) continue;
    const std::string env = endpoints::InstanceOf(model, c);
    out += fmt::format("ingest_client {} {} {} {} {}\n", c.name, ShellQuote(c.tenant), naming::TenantKey(c.tenant, env),
                       IngestUserFile(env),
                       fmt::join(AgentNamespaces(c.agents), " "));
  }
  return out;
}

// One check_cluster line of step 60 per cluster with agents: its tenant's
// datasources, and its traces only where an application sends some.
std::string VerifyChecks(const model::Model& model) {
  std::string out;
  for (const model::Cluster& c : model.clusters) {
    if (!c.HasAgents()) continue;
    const std::string slug = naming::TenantKey(c.tenant, endpoints::InstanceOf(model, c));
    const auto [metrics, logs, traces] = SignalNamespaces(c.agents);
    out += fmt::format("check_cluster {} {} {} {} {} {} {} {}\n", c.name, ShellQuote(c.tenant),
                       naming::DatasourceUid("mimir", slug), naming::DatasourceUid("loki", slug),
                       c.apps.empty() ? "-" : naming::DatasourceUid("tempo", slug), metrics, logs, traces);
  }
  return out;
}

// The mesh control plane that step 18 installs before Argo CD deploys: the
// charts whose webhook injects the proxies (Linkerd; Istio with sidecars), as
// their ApplicationSets declare them. Istio ambient enrolls running pods, so
// its order does not matter and it has no step 18.
struct MeshInstall {
  std::vector<HelmComponent> releases;  ///< in install order
  std::string injector;                 ///< the Deployment that serves the injection webhook
  std::string injector_namespace;
  std::string summary;
};

std::optional<MeshInstall> MeshBeforeArgoCd(const model::Model& model) {
  MeshInstall out;
  std::set<std::string> wanted;
  if (model.mesh.type == "linkerd") {
    wanted = {"linkerd-crds", "linkerd"};
    out.injector = "linkerd-proxy-injector";
    out.injector_namespace = "linkerd";
    out.summary = "Linkerd";
  } else if (model.mesh.type == "istio" && !model.mesh.IstioAmbient()) {
    wanted = {"istio-base", "istiod"};
    out.injector = "istiod";
    out.injector_namespace = kIstioNamespace;
    out.summary = "Istio";
  } else {
    return std::nullopt;
  }
  for (HelmComponent& c : HelmComponents(model)) {
    if (wanted.count(c.name) != 0) out.releases.push_back(std::move(c));
  }
  return out;
}

}  // namespace

void EmitBootstrap(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const bool kind = model.platform.local_provider == "kind";
  const bool minikube = model.platform.local_provider == "minikube";
  const bool cilium = model.platform.cni == "cilium";
  const bool metallb = model.platform.load_balancer == "metallb";
  const model::ChartPin& argocd = model.catalog.Chart("argo-cd");
  const bool gateway_api = std::any_of(model.clusters.begin(), model.clusters.end(), [&](const model::Cluster& c) {
    return c.IsLocal() && NeedsGatewayApi(model, c);
  });
  std::vector<std::string> existing;  // beside kind clusters, whose contexts are kind-<name>
  for (const model::Cluster& c : model.clusters) {
    if (kind && !c.IsLocal()) existing.push_back(c.name);
  }

  PutTemplate(tree, diags, "bootstrap", "bootstrap/lib.sh", "bootstrap/lib.sh", model,
              {{"argocd_repo", argocd.repo},
               {"argocd_version", argocd.version},
               {"cilium", render::Flag(cilium)},
               {"metallb", render::Flag(metallb)},
               {"metallb_repo", model.catalog.Chart("metallb").repo},
               {"metallb_version", model.catalog.Chart("metallb").version},
               {"cilium_repo", model.catalog.Chart("cilium").repo},
               {"cilium_version", model.catalog.Chart("cilium").version},
               {"gateway_api", render::Flag(gateway_api)},
               {"gateway_api_version", model.catalog.manifests.at("gateway-api")},
               {"argocd_cluster", model.gitops.argocd_cluster},
               {"docker_network", endpoints::DockerNetwork(model)},
               {"minikube", render::Flag(minikube)},
               {"kicbase_image", minikube ? model.catalog.ImageRef("kicbase") : ""},
               {"kubernetes_version", minikube ? LocalKubernetesVersion(model) : ""},
               {"kind", render::Flag(kind)},
               {"kind_contexts", render::Flag(kind && existing.empty())},
               {"mixed_contexts", render::Flag(!existing.empty())},
               {"existing_clusters", fmt::format("{}", fmt::join(existing, " | "))}});
  std::vector<Step> steps;
  if (kind || minikube) {
    const std::string clusters = kind ? "kind clusters" : "minikube profiles";
    std::vector<std::string> tools = {"docker", kind ? "kind" : "minikube", "kubectl"};
    if (cilium || metallb) tools.push_back("helm");
    if (model.mesh.type == "cilium-clustermesh") tools.push_back("openssl");  // the shared Cilium CA
    steps.push_back({"00-create-clusters.sh", clusters + CniSummary(model), tools,
                     "keeps existing clusters; upgrades the CNI and load balancer in place; re-applies the same "
                     "address pools"});
    PutTemplate(tree, diags, "bootstrap", "bootstrap/00-create-clusters.sh", "bootstrap/00-create-clusters.sh", model,
                {{"cilium", render::Flag(cilium)},
                 {"kind", render::Flag(kind)},
                 {"minikube", render::Flag(minikube)},
                 {"provider_clusters", clusters},
                 {"clustermesh", render::Flag(model.mesh.type == "cilium-clustermesh")},
                 {"central", model.Central().name},
                 {"fleet", model.name},
                 {"gateway_api", render::Flag(gateway_api)},
                 {"metallb", render::Flag(metallb)},
                 {"lb_pool", render::Flag(model.platform.load_balancer != "none")},
                 {"network_subnet", render::Flag(minikube || model.platform.load_balancer != "none")},
                 {"tools", fmt::format("{}", fmt::join(tools, " "))},
                 {"cni_summary", CniSummary(model)},
                 {"lb_crds", model.platform.load_balancer == "cilium"
                                 ? "crd/ciliumloadbalancerippools.cilium.io crd/ciliuml2announcementpolicies.cilium.io"
                                 : "crd/ipaddresspools.metallb.io crd/l2advertisements.metallb.io"},
                 {"steps", CreateSteps(model)}});
    const bool clustermesh = model.mesh.type == "cilium-clustermesh";
    const bool cilium_lb = model.platform.load_balancer == "cilium";
    const std::optional<model::Cidr> mesh_pods = MeshPodRange(model);
    const std::string central_peers = clustermesh ? CentralClusterMeshPeers(model) : "";
    std::string remote_peers = clustermesh ? ClusterMeshPeer(model, model.Central()) : "";
    if (!remote_peers.empty()) remote_peers.pop_back();
    for (const model::Cluster& c : model.clusters) {
      if (!c.IsLocal()) continue;
      const bool in_mesh = clustermesh && Meshed(model, c);
      if (model.platform.load_balancer != "none") {
        PutTemplate(tree, diags, "bootstrap", "bootstrap/manifests/" + c.name + "-lb-pool.yaml.in",
                    "bootstrap/lb-pool.yaml.in", model,
                    {{"cluster", c.name},
                     {"cilium", render::Flag(cilium_lb)},
                     {"workers", render::Flag(c.workers > 0)},
                     {"what", cilium_lb ? "a Cilium LB IPAM pool and its L2 announcements"
                                        : "a MetalLB address pool and its L2 advertisement"},
                     {"provider_cluster", kind ? "kind cluster" : "minikube profile"},
                     {"cidr_source", c.network.lb_auto ? "a /29 of the docker network \"" + endpoints::DockerNetwork(model) +
                                                             "\", found at run time"
                                                       : "network.lbCIDR of the spec, " + c.network.lb_cidr->ToString()}});
      }
      if (kind) {
        PutTemplate(tree, diags, "bootstrap", "bootstrap/kind/" + c.name + ".yaml", "bootstrap/kind-cluster.yaml",
                    model,
                    {{"cluster", c.name},
                     {"nodes", KindNodes(model, c)},
                     {"pod_subnet", c.network.pod_cidr ? c.network.pod_cidr->ToString() : ""},
                     {"service_subnet", c.network.service_cidr ? c.network.service_cidr->ToString() : ""},
                     {"cilium", render::Flag(cilium)}});
      }
      if (cilium) {
        PutTemplate(tree, diags, "bootstrap", naming::ClusterValues(c.name, "cilium"),
                    "components/cilium-cluster-values.yaml", model,
                    {{"cluster", c.name},
                     {"api_server_host", endpoints::ApiServerHost(model, c)},
                     {"node_host", endpoints::NodeHost(model, c)},
                     {"cluster_id", c.network.cluster_id ? std::to_string(*c.network.cluster_id) : ""},
                     {"hubble", render::Flag(model.HasAddon("hubble"))},
                     {"pod_cidr", (in_mesh ? *mesh_pods : PodCidrOf(c)).ToString()},
                     {"clustermesh", render::Flag(in_mesh)},
                     {"peers", !in_mesh ? "" : c.IsCentral() ? central_peers : remote_peers}});
      }
    }
    if (cilium) {
      const model::Cluster* first_local = &*std::find_if(model.clusters.begin(), model.clusters.end(),
                                                         [](const model::Cluster& c) { return c.IsLocal(); });
      PutTemplate(tree, diags, "bootstrap", naming::ComponentValues("cni", "cilium"), "components/cilium-values.yaml",
                  model,
                  {{"cilium_version", model.catalog.Chart("cilium").version},
                   {"provider", model.platform.local_provider},
                   {"api_server_port", std::to_string(endpoints::ApiServerPort(*first_local))},
                   {"clustermesh_port", std::to_string(kClusterMeshApiserverPort)},
                   {"clustermesh", render::Flag(model.mesh.type == "cilium-clustermesh")},
                   {"wireguard", render::Flag(model.mesh.type == "cilium-clustermesh" &&
                                              model.mesh.cilium_encryption == "wireguard")}});
    }
  }
  steps.push_back({"10-install-argocd.sh", "Argo CD " + argocd.version + " (chart) on " + model.gitops.argocd_cluster,
                   {"kubectl", "helm"}, "upgrades Argo CD in place (`helm upgrade --install`)"});
  PutTemplate(tree, diags, "bootstrap", "bootstrap/10-install-argocd.sh", "bootstrap/10-install-argocd.sh", model,
              {{"argocd_cluster", model.gitops.argocd_cluster}, {"argocd_version", argocd.version}});
  PutTemplate(tree, diags, "bootstrap", "components/argocd/values.yaml", "components/argocd-values.yaml", model,
              {{"argocd_version", argocd.version},
               {"argocd_cluster", model.gitops.argocd_cluster},
               {"argocd_role", model.ArgoCdCluster().role}});
  steps.push_back({"15-create-secrets.sh", "the Secrets the fleet references, from the environment",
                   {"kubectl", "openssl"},
                   "changes nothing that exists: CAs, issuers and passwords are kept (a variable that is set "
                   "replaces its value); a cluster added to the spec gets its own material"});
  PutTemplate(tree, diags, "bootstrap", "bootstrap/15-create-secrets.sh", "bootstrap/15-create-secrets.sh", model,
              {{"central", model.Central().name},
               {"secrets", SecretSteps(model)},
               // Federation endpoints' certificates are signed by the bootstrap itself.
               {"fleet_ca", render::Flag(NeedsFleetCa(model) || model.federated_clusters > 0)},
               {"fleet", model.name},
               {"ingest", render::Flag(NeedsIngest(model))},
               {"ingest_namespace", kIngestNamespace},
               {"ingest_clients", IngestClientSteps(model)},
               {"htpasswd_files", HtpasswdFiles(model)},
               {"linkerd", render::Flag(model.mesh.type == "linkerd")},
               {"linkerd_clusters", MeshTrustSteps(model, "linkerd", "linkerd_identity")},
               {"istio", render::Flag(model.mesh.type == "istio")},
               {"federation", render::Flag(model.federated_clusters > 0)},
               {"federation_endpoints", FederationSteps(model)},
               {"istio_clusters", MeshTrustSteps(model, "istio", "istio_cacerts")}});
  if (const std::optional<MeshInstall> mesh = MeshBeforeArgoCd(model)) {
    std::string releases, clusters;
    for (const HelmComponent& c : mesh->releases) {
      const model::ChartPin& pin = model.catalog.Chart(c.chart);
      releases += fmt::format("  mesh_release \"${{cluster}}\" {} {} {} {} {} {}\n", c.release, c.chart, pin.repo,
                              pin.version, c.ns, c.values_name);
    }
    releases.pop_back();
    for (const model::Cluster& c : model.clusters) {
      if (Meshed(model, c)) clusters += "install_mesh " + c.name + "\n";
    }
    clusters.pop_back();
    steps.push_back({"18-install-mesh.sh",
                     "the mesh's control plane (" + mesh->summary +
                         ") on every meshed cluster, before Argo CD deploys anything that needs its proxy injector",
                     {"kubectl", "helm"}, "leaves a running control plane alone (Argo CD manages it from step 40 on)"});
    PutTemplate(tree, diags, "bootstrap", "bootstrap/18-install-mesh.sh", "bootstrap/18-install-mesh.sh", model,
                {{"mesh_summary", mesh->summary},
                 {"injector", mesh->injector},
                 {"injector_namespace", mesh->injector_namespace},
                 {"releases", releases},
                 {"clusters", clusters}});
  }
  std::string registrations;
  for (const model::Cluster& c : model.clusters) {
    if (c.name == model.gitops.argocd_cluster) continue;
    const std::string server = ApiServerForArgoCd(model, c);
    // An assignment, not an argument: a failing kubectl stops the script.
    registrations += !server.empty() ? fmt::format("register {} {}\n", c.name, server)
                                     : fmt::format("server=$(kubectl config view --minify --context {0} -o "
                                                   "jsonpath='{{.clusters[0].cluster.server}}')\n"
                                                   "register {0} \"${{server}}\"\n",
                                                   c.name);
  }
  if (!registrations.empty()) {
    steps.push_back({"20-register-clusters.sh", "registers the other clusters with Argo CD (ServiceAccount tokens)",
                     {"kubectl"}, "re-applies the accounts; the tokens and cluster Secrets stay the same"});
    PutTemplate(tree, diags, "bootstrap", "bootstrap/20-register-clusters.sh", "bootstrap/20-register-clusters.sh",
                model, {{"argocd_cluster", model.gitops.argocd_cluster}, {"registrations", registrations}});
    PutTemplate(tree, diags, "bootstrap", "bootstrap/manifests/argocd-manager.yaml", "bootstrap/argocd-manager.yaml",
                model, {{"argocd_cluster", model.gitops.argocd_cluster}});
  }
  steps.push_back({"40-apply-root.sh", "applies argocd/root.yaml: from here on Git is the source of truth",
                   {"kubectl"}, "re-applies root.yaml and waits for it to sync"});
  PutTemplate(tree, diags, "bootstrap", "bootstrap/40-apply-root.sh", "bootstrap/40-apply-root.sh", model, {});

  if (model.HasAddon("host-proxy")) {
    steps.push_back({"45-host-proxy.sh",
                     "the host-proxy add-on: an HAProxy container forwarding this machine's Grafana ports to the "
                     "central cluster (Docker Desktop)",
                     {"kubectl", "docker"}, "keeps the container while its image and target are the same"});
    PutTemplate(tree, diags, "bootstrap", "bootstrap/45-host-proxy.sh", "bootstrap/45-host-proxy.sh", model,
                HostProxyVars(model));
  }
  if (model.mesh.type == "linkerd" || model.mesh.type == "istio") {
    std::vector<std::string> remotes;
    for (const model::Cluster& c : model.clusters) {
      if (Meshed(model, c) && !c.IsCentral()) remotes.push_back(c.name);
    }
    if (!remotes.empty()) {
      const bool linkerd = model.mesh.type == "linkerd";
      const std::string version = model.catalog.manifests.at(linkerd ? "linkerd-cli" : "istioctl");  // for the script
      steps.push_back({"50-link-mesh.sh",
                       linkerd ? "links every remote to central's Linkerd gateway (after Argo CD installs Linkerd)"
                               : "gives every remote's istiod a remote secret for central (after Argo CD installs "
                                 "Istio)",
                       {"kubectl", linkerd ? "linkerd" : "istioctl"},
                       linkerd ? "re-generates the same links" : "re-generates the remote secrets"});
      PutTemplate(tree, diags, "bootstrap", "bootstrap/50-link-mesh.sh",
                  std::string("bootstrap/50-link-mesh-") + model.mesh.type + ".sh", model,
                  {{"central", model.Central().name},
                   {"central_api_server", endpoints::ApiServerUrl(model, model.Central())},
                   {linkerd ? "linkerd_version" : "istio_version", version},
                   {"remotes", fmt::format("{}", fmt::join(remotes, " "))}});
    }
  }
  if (HasVerifyStep(model)) {
    steps.push_back({"60-verify.sh",
                     "once Argo CD has synced: checks that every cluster's metrics, logs and traces arrive in its "
                     "tenant (run it after all.sh)",
                     {"kubectl", "curl"}, "read-only", /*in_all=*/false});
    PutTemplate(tree, diags, "bootstrap", "bootstrap/60-verify.sh", "bootstrap/60-verify.sh", model,
                {{"central", model.Central().name},
                 {"label", model.cluster_label},
                 {"grafana_namespace", kGrafanaNamespace},
                 {"admin_secret", model.grafana.admin_secret},
                 {"checks", VerifyChecks(model)}});
  }
  std::string table, calls, tools_table;
  std::vector<std::string> tools;  // in order of first use
  for (const Step& s : steps) {
    table += fmt::format("| `{}` | {} | {} | {} |\n", s.file, s.does, fmt::join(s.tools, ", "), s.rerun);
    if (s.in_all) calls += fmt::format("\"${{here}}/{}\"\n", s.file);
    for (const std::string& t : s.tools) {
      if (std::find(tools.begin(), tools.end(), t) == tools.end()) tools.push_back(t);
    }
  }
  for (const std::string& t : tools) tools_table += fmt::format("| `{}` | {} |\n", t, ToolVersion(model, t));
  PutTemplate(tree, diags, "bootstrap", "bootstrap/all.sh", "bootstrap/all.sh", model, {{"steps", calls}});
  PutTemplate(tree, diags, "bootstrap", "bootstrap/README.md", "bootstrap/README.md", model,
              {{"steps", table},
               {"tools", tools_table},
               {"repo_url", model.gitops.repo_url},
               {"revision", model.gitops.target_revision}});
}

}  // namespace lgtmgen::emit
