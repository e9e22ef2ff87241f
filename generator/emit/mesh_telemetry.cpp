// components/mesh/telemetry/: what each meshed cluster's agent scrapes from
// the mesh (proxies and control plane), and with Istio sidecars the mesh's
// tracing. The per-cluster half of Istio's tracing (where the spans go) is
// in clusters/<name>/values/istiod.yaml (emit/mesh.cpp); Linkerd's is all
// in clusters/<name>/values/linkerd-control-plane.yaml.
#include "emit/components.h"
#include "emit/files.h"

namespace lgtmgen::emit {

void EmitMeshTelemetry(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags) {
  if (!HasMeshTelemetry(model)) return;
  const bool istio = model.mesh.type == "istio";
  const bool ambient = model.mesh.IstioAmbient();
  const std::string dir = std::string(kMeshTelemetryPath) + "/";
  std::string summary = "Linkerd's proxies";
  if (istio) summary = ambient ? "ztunnels and istiod" : "Envoy proxies and istiod, and their spans";
  PutTemplate(tree, diags, "mesh-telemetry", dir + "kustomization.yaml", "mesh/telemetry-kustomization.yaml", model,
              {{"summary", summary},
               {"namespace", MeshTelemetryNamespace(model)},
               {"tracing", render::Flag(istio && MeshTracing(model))}});
  PutTemplate(tree, diags, "mesh-telemetry", dir + "monitors.yaml", "mesh/telemetry-monitors.yaml", model,
              {{"istio", render::Flag(istio)},
               {"sidecar", render::Flag(istio && !ambient)},
               {"ambient", render::Flag(ambient)},
               {"linkerd", render::Flag(model.mesh.type == "linkerd")}});
  if (istio && MeshTracing(model)) {
    PutTemplate(tree, diags, "mesh-telemetry", dir + "tracing.yaml", "mesh/telemetry-tracing.yaml", model, {});
  }
}

}  // namespace lgtmgen::emit
