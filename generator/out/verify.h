#pragma once
// The post-render check: every .yaml and .json file lgtmgen produced must parse
// before anything is written. A failure is an lgtmgen defect, reported as an
// error naming the file.
#include "diag/diagnostics.h"
#include "out/output_tree.h"

namespace lgtmgen::out {

void VerifyParses(const OutputTree& tree, diag::Diagnostics& diags);

}  // namespace lgtmgen::out
