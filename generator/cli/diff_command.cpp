// lgtmgen diff: what `render` would change in DIR, as a unified diff.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <ostream>

#include "cli/cli.h"
#include "out/commit.h"
#include "out/unified_diff.h"

namespace lgtmgen::cli {
namespace {

struct DiffOptions {
  SpecSource source;
  std::string output;
  std::string color = "auto";
};

bool UseColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  return ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
}

int RunDiff(const DiffOptions& o, Context& ctx) {
  std::optional<Rendered> r = ReadAndRender(o.source, ctx);
  if (!r) return kInvalid;
  const out::CommitResult result = out::Commit(r->tree, o.output, out::CommitMode::kCheck, true, ctx.fs);
  if (ReportRefusal(result, ctx.err)) return kInvalid;
  const out::ChangeSet& c = result.changes;
  ctx.out << out::RenderDiff(r->tree, o.output, c, ctx.fs, UseColor(o.color));
  const size_t total = c.added.size() + c.changed.size() + c.removed.size();
  ctx.out << total << " file" << (total == 1 ? "" : "s") << " would change in " << o.output << ": "
          << c.added.size() << " added, " << c.changed.size() << " changed, " << c.removed.size() << " removed\n";
  return c.Empty() ? kOk : kDifferences;
}

}  // namespace

Command AddDiffCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DiffOptions>();
  CLI::App* cmd = app.add_subcommand("diff", "Show what `render` would change in DIR, as a unified diff");
  cmd->footer("Exit 0 when DIR is up to date, 1 when render would change it. Needs no network and no cluster.");
  AddSpecOptions(*cmd, o->source);
  cmd->add_option("-o,--output", o->output, "the rendered directory to compare with")->required();
  cmd->add_option("--color", o->color, "auto (when a terminal), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  return {cmd, [o, &ctx] { return RunDiff(*o, ctx); }};
}

}  // namespace lgtmgen::cli
