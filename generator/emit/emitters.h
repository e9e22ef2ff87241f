#pragma once
// The emitter table. Every emitter has one signature and writes only into the
// OutputTree; RenderAll runs them in table order.
#include "diag/diagnostics.h"
#include "model/model.h"
#include "out/output_tree.h"

namespace lgtmgen::emit {

using EmitFn = void (*)(const model::Model&, out::OutputTree&, diag::Diagnostics&);

struct Emitter {
  const char* name;
  const char* description;
  EmitFn fn;
};

/// The emitters, in the order they run.
[[nodiscard]] const std::vector<Emitter>& AllEmitters();

/// Runs every emitter. A template error or a path clash is reported as an
/// error naming the emitter; the other emitters still run.
void RenderAll(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags);

}  // namespace lgtmgen::emit
