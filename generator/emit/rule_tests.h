#pragma once
// alerts/tests/: promtool unit tests of the catalog's alert rule groups.
#include "diag/diagnostics.h"
#include "model/model.h"
#include "out/output_tree.h"

namespace lgtmgen::emit {

/// One test file per catalog rule group in the spec, with one case per agent
/// scenario in use, and alerts/tests/run.sh; nothing without catalog rules.
void EmitRuleTests(const model::Model& model, out::OutputTree& tree, diag::Diagnostics& diags);

}  // namespace lgtmgen::emit
