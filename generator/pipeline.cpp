#include "pipeline.h"

#include "emit/emitters.h"
#include "model/build.h"
#include "model/renderable.h"
#include "out/verify.h"
#include "render/resources.h"
#include "spec/document.h"
#include "spec/schema_check.h"
#include "spec/secret_check.h"

namespace lgtmgen {

const std::string& FleetSchemaText() {
  static const std::string kText(resources::Get("schemas/fleet.schema.json"));
  return kText;
}

std::optional<model::Model> LoadModel(const SpecInput& input, const out::FileSystem& fs,
                                      diag::Diagnostics& diags) {
  static const nlohmann::json kSchema = nlohmann::json::parse(FleetSchemaText());
  std::optional<spec::Document> doc = spec::Load(input.display_name, input.text, diags);
  if (!doc) return std::nullopt;
  const std::set<std::string> secrets = spec::CheckNoLiteralSecrets(*doc, diags);
  spec::CheckCommentsHoldNoSecrets(*doc, diags);
  spec::CheckSchema(kSchema, *doc, secrets, diags);
  if (diags.HasErrors()) return std::nullopt;
  model::Model model = model::Build(*doc, input.dir, fs, diags);
  model::Validate(model, *doc, diags);
  if (diags.HasErrors()) return std::nullopt;
  model::CheckRenderable(model, *doc, diags);
  if (diags.HasErrors()) return std::nullopt;
  return model;
}

std::optional<out::OutputTree> RenderTree(const model::Model& model, diag::Diagnostics& diags) {
  out::OutputTree tree;
  emit::RenderAll(model, tree, diags);
  if (diags.HasErrors()) return std::nullopt;
  out::VerifyParses(tree, diags);
  if (diags.HasErrors()) return std::nullopt;
  return tree;
}

}  // namespace lgtmgen
