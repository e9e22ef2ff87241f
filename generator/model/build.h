#pragma once
// model::Build: a schema-checked spec::Document → the defaulted Model.
// model::Validate: the semantic rules of SPEC.md's refuse-list.
#include <optional>

#include "diag/diagnostics.h"
#include "model/model.h"
#include "out/filesystem.h"
#include "spec/document.h"

namespace lgtmgen::model {

/// Builds the model from a document that passed the schema check. Reads
/// dashboard files named in the spec (relative to spec_dir) through fs.
/// Reports what it cannot resolve (unknown catalog versions, unreadable
/// files); the model is still complete enough for Validate to run, so one run
/// shows those errors and the semantic ones together.
[[nodiscard]] Model Build(const spec::Document& doc, const std::string& spec_dir,
                                         const out::FileSystem& fs, diag::Diagnostics& diags);

/// Reports every violation of the fleet's semantic rules (duplicates, CIDRs,
/// roles, mesh/CNI combinations, receivers, name lengths). Never throws.
void Validate(const Model& model, const spec::Document& doc, diag::Diagnostics& diags);

}  // namespace lgtmgen::model
