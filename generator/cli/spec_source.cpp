#include <CLI/CLI.hpp>

#include <ostream>

#include "cli/cli.h"
#include "cli/presets.h"

namespace lgtmgen::cli {

void AddSpecOptions(CLI::App& cmd, SpecSource& source) {
  cmd.add_option("SPEC", source.path, "the fleet spec (YAML)");
  cmd.add_option("--preset", source.preset, "use a preset from the catalog instead of SPEC (see `lgtmgen presets list`)");
}

std::optional<SpecInput> ReadSpec(const SpecSource& source, Context& ctx) {
  if (source.path.empty() == source.preset.empty()) {
    ctx.err << "lgtmgen: error: give either a SPEC file or --preset NAME\n";
    return std::nullopt;
  }
  if (!source.preset.empty()) {
    std::optional<std::string> text = PresetText(source.preset);
    if (!text) {
      ctx.err << "lgtmgen: error: no preset named '" << source.preset << "'\n  hint: "
              << PresetHint(source.preset) << "\n";
      return std::nullopt;
    }
    return SpecInput{"presets/" + source.preset + ".yaml", *text, "."};
  }
  std::optional<std::string> text = ctx.fs.Read(source.path);
  if (!text) {
    ctx.err << "lgtmgen: error: cannot read spec '" << source.path << "': "
            << (ctx.fs.Exists(source.path) ? "not a regular file" : "no such file") << "\n";
    return std::nullopt;
  }
  return SpecInput{source.path, *text, out::DirName(source.path)};
}

void Report(const diag::Diagnostics& diags, const SpecInput* input, Context& ctx) {
  diag::SourceTexts sources;
  if (input != nullptr) sources.Add(input->display_name, input->text);
  ctx.err << diag::Format(diags, sources);
}

std::optional<Rendered> RenderSpec(SpecInput input, Context& ctx) {
  std::optional<model::Model> model = LoadAndReport(input, ctx);
  if (!model) return std::nullopt;
  diag::Diagnostics diags;
  std::optional<out::OutputTree> tree = RenderTree(*model, diags);
  Report(diags, &input, ctx);
  if (!tree) return std::nullopt;
  return Rendered{std::move(input), std::move(*model), std::move(*tree)};
}

std::optional<Rendered> ReadAndRender(const SpecSource& source, Context& ctx) {
  std::optional<SpecInput> input = ReadSpec(source, ctx);
  if (!input) return std::nullopt;
  return RenderSpec(std::move(*input), ctx);
}

std::optional<model::Model> LoadAndReport(const SpecInput& input, Context& ctx) {
  diag::Diagnostics diags;
  std::optional<model::Model> model = LoadModel(input, ctx.fs, diags);
  Report(diags, &input, ctx);
  return model;
}

}  // namespace lgtmgen::cli
