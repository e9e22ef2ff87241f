#pragma once
// The stages, end to end: spec text → Model → OutputTree. Each stage reports
// to one Diagnostics sink and the next stage runs only if no error was
// reported, so one run shows every spec error without follow-on noise.
#include <optional>
#include <string>

#include "diag/diagnostics.h"
#include "model/model.h"
#include "out/filesystem.h"
#include "out/output_tree.h"

namespace lgtmgen {

/// A spec as the user named it: the name diagnostics print, its text, and the
/// folder that relative paths in it (dashboard files) are read from.
struct SpecInput {
  std::string display_name;
  std::string text;
  std::string dir;
};

/// Parses, schema-checks, builds, validates and checks that this version
/// renders it (model/renderable.h). Returns the model, or nullopt when any
/// error was reported (warnings alone do not stop it).
[[nodiscard]] std::optional<model::Model> LoadModel(const SpecInput& input, const out::FileSystem& fs,
                                                    diag::Diagnostics& diags);

/// Runs every emitter, then re-parses every YAML and JSON file produced.
/// Returns nullopt (and reports why) when any emitter or check failed.
[[nodiscard]] std::optional<out::OutputTree> RenderTree(const model::Model& model, diag::Diagnostics& diags);

/// The fleet JSON Schema compiled into the binary.
[[nodiscard]] const std::string& FleetSchemaText();

}  // namespace lgtmgen
