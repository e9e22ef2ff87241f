// lgtmgen render: spec → repository on disk (or --check / --list-files).
#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

#include "cli/cli.h"
#include "out/commit.h"
#include "render/resources.h"

namespace lgtmgen::cli {
namespace {

struct RenderOptions {
  SpecSource source;
  std::string output;
  bool check = false;
  bool list_files = false;
  bool force = false;
  std::string templates;
};

void PrintChanges(const out::ChangeSet& changes, std::ostream& os) {
  for (const auto& p : changes.added) os << "  added:   " << p << "\n";
  for (const auto& p : changes.changed) os << "  changed: " << p << "\n";
  for (const auto& p : changes.removed) os << "  removed: " << p << "\n";
}

int RunRender(const RenderOptions& o, Context& ctx) {
  if (!o.templates.empty()) resources::SetTemplateOverride(o.templates);
  std::optional<SpecInput> input = ReadSpec(o.source, ctx);
  if (!input) return kInvalid;
  std::optional<model::Model> model = LoadAndReport(*input, ctx);
  if (!model) return kInvalid;
  diag::Diagnostics diags;
  std::optional<out::OutputTree> tree = RenderTree(*model, diags);
  Report(diags, input ? &*input : nullptr, ctx);
  if (!tree) return kInvalid;
  if (o.list_files) {
    for (const auto& [path, _] : tree->Files()) ctx.out << path << "\n";
    ctx.out << out::kManifestPath << "\n";
    return kOk;
  }
  const out::CommitMode mode = o.check ? out::CommitMode::kCheck : out::CommitMode::kWrite;
  const out::CommitResult result = out::Commit(*tree, o.output, mode, o.force, ctx.fs);
  if (!result.refusal.empty()) {
    ctx.err << "lgtmgen: error: " << result.refusal << "\n  hint: render into a new or empty directory, or "
            << "pass --force to write into this one (lgtmgen then owns the files it writes)\n";
    return kInvalid;
  }
  const out::ChangeSet& c = result.changes;
  if (o.check) {
    if (c.Empty()) {
      ctx.out << o.output << " is up to date (" << c.unchanged << " files)\n";
      return kOk;
    }
    ctx.out << o.output << " is out of date: " << c.added.size() << " to add, " << c.changed.size()
            << " to change, " << c.removed.size() << " to remove\n";
    PrintChanges(c, ctx.out);
    return kDifferences;
  }
  ctx.out << "rendered " << o.output << ": " << c.added.size() << " added, " << c.changed.size() << " changed, "
          << c.removed.size() << " removed, " << c.unchanged << " unchanged\n";
  return kOk;
}

}  // namespace

Command AddRenderCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<RenderOptions>();
  CLI::App* cmd = app.add_subcommand("render", "Render the GitOps repository of a fleet spec into a directory");
  cmd->footer(
      "Writes only files whose content changed, removes files it generated before and no longer "
      "generates (listed in DIR/.lgtmgen/manifest), and touches nothing else in DIR (a .git/ there "
      "survives). Nothing is written unless the whole render succeeded.\n\nExamples:\n"
      "  lgtmgen render lgtm.yaml -o repo/\n  lgtmgen render --preset minimal -o repo/\n"
      "  lgtmgen render lgtm.yaml -o repo/ --check    # exit 1 if repo/ is out of date");
  AddSpecOptions(*cmd, o->source);
  cmd->add_option("-o,--output", o->output, "the directory to render into")->required();
  cmd->add_flag("--check", o->check, "write nothing; list what would change and exit 1 if anything would");
  cmd->add_flag("--list-files", o->list_files, "print the files the render produces and write nothing");
  cmd->add_flag("--force", o->force, "write into a non-empty directory that lgtmgen did not create");
  cmd->add_option("--templates", o->templates, "read templates from DIR instead of the built-in ones");
  return {cmd, [o, &ctx] { return RunRender(*o, ctx); }};
}

}  // namespace lgtmgen::cli
