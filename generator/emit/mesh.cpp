// components/mesh/: the service mesh between the clusters (mesh.type), its
// shared values and each cluster's part in it. Trust material is never here:
// bootstrap/15-create-secrets.sh makes it, bootstrap/50-link-mesh.sh links
// the clusters with live credentials.
#include <fmt/format.h>

#include "emit/components.h"
#include "emit/files.h"
#include "endpoints/resolver.h"
#include "naming/namer.h"

namespace lgtmgen::emit {
namespace {

// The values of every mesh chart in the component table: its defaults and,
// where the chart takes them, each selected cluster's part in the mesh.
void EmitMeshValues(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const render::Vars fleet = {{"ambient", render::Flag(model.mesh.IstioAmbient())}};
  for (const HelmComponent& comp : HelmComponents(model)) {
    if (comp.area != "mesh") continue;
    PutTemplateFrom(tree, diags, "mesh", naming::ComponentValues("mesh", comp.values_name),
                    "mesh/" + comp.values_name + "-values.yaml", model, fleet);
    if (!comp.per_cluster_values) continue;
    for (const model::Cluster& c : model.clusters) {
      if (!Selects(model, c, comp.selectors)) continue;
      render::Vars vars = MeshTracingVars(model, c);
      vars.insert({{"cluster", c.name},
                   {"central", render::Flag(c.IsCentral())},
                   {"central_name", model.Central().name},
                   {"mesh_id", model.name}});
      PutTemplateFrom(tree, diags, "mesh", naming::ClusterValues(c.name, comp.values_name),
                      "mesh/" + comp.values_name + "-cluster-values.yaml", model, vars);
    }
  }
}

// components/mesh/istio/expose/: the central cluster's east-west Gateway.
void EmitIstioExpose(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const bool ambient = model.mesh.IstioAmbient();
  const std::string dir = std::string(kIstioExposePath) + "/";
  PutTemplate(tree, diags, "mesh", dir + "kustomization.yaml", "mesh/istio-expose-kustomization.yaml", model,
              {{"mode", model.mesh.istio_mode},
               {"summary", ambient ? "the east-west Gateway (HBONE) remote ztunnels reach its global services through"
                                   : "the Gateway that opens its east-west gateway to the remote networks"}});
  if (ambient) {
    PutTemplate(tree, diags, "mesh", dir + "gateway.yaml", "mesh/istio-ambient-eastwest-gateway.yaml", model,
                {{"central", model.Central().name}});
  } else {
    PutTemplate(tree, diags, "mesh", dir + "gateway.yaml", "mesh/istio-cross-network-gateway.yaml", model,
                {{"ingest_host", endpoints::IngestHost(model)}});
  }
}

// components/mesh/global-services/: the stand-in of central's ingest proxy
// Service on every remote cluster that ships telemetry.
void EmitGlobalServiceStubs(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const std::string why = model.mesh.type == "istio"
                              ? "# Istio ambient routes a global service only where a local Service of\n"
                                "# that name exists."
                              : "# Cilium ClusterMesh merges the endpoints of global Services by name,\n"
                                "# namespace and port names.";
  const std::string dir = std::string(kGlobalServicesPath) + "/";
  PutTemplate(tree, diags, "mesh", dir + "kustomization.yaml", "mesh/global-services-kustomization.yaml", model,
              {{"why", why}});
  PutTemplate(tree, diags, "mesh", dir + "services.yaml", "mesh/global-services.yaml", model,
              {{"namespace", kIngestNamespace},
               {"service", endpoints::kIngestService},
               {"ports", IngestServicePorts(model, false)},
               {"metadata", MeshExportMetadata(model)}});
}

// components/mesh/linkerd-gateway-policy/: the central gateway's egress,
// closed to everything but the ingest proxy.
void EmitLinkerdGatewayPolicy(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  const std::string dir = std::string(kLinkerdGatewayPolicyPath) + "/";
  PutTemplate(tree, diags, "mesh", dir + "kustomization.yaml", "mesh/linkerd-gateway-policy-kustomization.yaml", model,
              {});
  PutTemplate(tree, diags, "mesh", dir + "network-policy.yaml", "mesh/linkerd-gateway-policy.yaml", model,
              {{"ingest_namespace", kIngestNamespace}});
}

}  // namespace

std::string MeshExportMetadata(const model::Model& model) {
  if (model.mesh.type == "linkerd") return "labels:\n  mirror.linkerd.io/exported: \"true\"";
  if (model.mesh.IstioAmbient()) return "labels:\n  istio.io/global: \"true\"";
  if (model.mesh.type == "cilium-clustermesh") return "annotations:\n  service.cilium.io/global: \"true\"";
  return "";
}

std::string MeshOptOutAnnotation(const model::Model& model) {
  if (model.mesh.type == "linkerd") return "linkerd.io/inject: disabled";
  if (model.mesh.type == "istio" && !model.mesh.IstioAmbient()) return "sidecar.istio.io/inject: \"false\"";
  return "";
}

void EmitMesh(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  EmitMeshValues(model, tree, diags);
  if (model.mesh.type == "linkerd" && NeedsIngest(model)) EmitLinkerdGatewayPolicy(model, tree, diags);
  if (model.mesh.type == "istio") EmitIstioExpose(model, tree, diags);
  if (NeedsGlobalServiceStubs(model)) EmitGlobalServiceStubs(model, tree, diags);
}

}  // namespace lgtmgen::emit
