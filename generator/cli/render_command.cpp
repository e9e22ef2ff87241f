// lgtmgen render: spec → repository on disk (or --check / --list-files).
#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/render_cache.h"
#include "out/commit.h"
#include "out/git_commit.h"
#include "render/resources.h"

namespace lgtmgen::cli {

bool ReportRefusal(const out::CommitResult& result, std::ostream& err) {
  if (result.refusal.empty()) return false;
  err << "lgtmgen: error: " << result.refusal << "\n  hint: "
      << (result.symlink ? "replace the link by a directory, or render elsewhere"
                         : "render into a new or empty directory, or pass --force to write into this one "
                           "(lgtmgen then owns the files it writes)")
      << "\n";
  return true;
}

namespace {

struct RenderOptions {
  SpecSource source;
  std::string output;
  bool check = false;
  bool list_files = false;
  bool force = false;
  std::string templates;
  bool commit = false;
  std::string message;
  std::string branch;
  std::string author;
  CLI::Option* push = nullptr;
  std::string push_remote;
};

void PrintChanges(const out::ChangeSet& changes, std::ostream& os) {
  for (const auto& p : changes.added) os << "  added:   " << p << "\n";
  for (const auto& p : changes.changed) os << "  changed: " << p << "\n";
  for (const auto& p : changes.removed) os << "  removed: " << p << "\n";
}

// --commit: render and commit with libgit2, optionally push.
int RunCommit(const RenderOptions& o, const model::Model& model, const SpecInput& input, const out::OutputTree& tree,
              Context& ctx) {
  out::GitCommitOptions g;
  g.message = o.message;
  g.branch = o.branch;
  g.force = o.force;
  g.initial_branch = model.gitops.target_revision;
  g.fleet = model.name;
  g.spec_label = input.display_name;
  g.spec_text = input.text;
  if (!o.author.empty()) {
    g.author = out::ParseIdentity(o.author);
    if (!g.author) {
      ctx.err << "lgtmgen: error: --author must look like \"Name <email>\", got '" << o.author << "'\n";
      return kInvalid;
    }
  }
  const out::GitCommitResult r = out::CommitToGit(tree, o.output, g, ctx.fs);
  if (!r.refusal.empty()) {
    ctx.err << "lgtmgen: error: " << r.refusal << "\n";
    return kInvalid;
  }
  if (r.initialized) ctx.out << "created a Git repository in " << r.repository << " (branch " << r.branch << ")\n";
  if (r.commit_id.empty()) {
    ctx.out << "nothing to commit: " << o.output << " on branch " << r.branch << " is up to date\n";
  } else {
    ctx.out << "committed " << r.commit_id.substr(0, 12) << " on " << r.branch << ": " << r.changes.added.size()
            << " added, " << r.changes.changed.size() << " changed, " << r.changes.removed.size() << " removed\n";
  }
  if (o.push->count() > 0) {
    const std::string remote = o.push_remote.empty() ? "origin" : o.push_remote;
    const std::string error = out::PushBranch(r.repository, remote, r.branch);
    if (!error.empty()) {
      ctx.err << "lgtmgen: error: " << error << "\n";
      return kIoError;
    }
    ctx.out << "pushed " << r.branch << " to " << remote << "\n";
  }
  return kOk;
}

int RunRender(const RenderOptions& o, Context& ctx) {
  const bool git_flags = !o.message.empty() || !o.branch.empty() || !o.author.empty() || o.push->count() > 0;
  if (git_flags && !o.commit) {
    ctx.err << "lgtmgen: error: -m, --branch, --author and --push go with --commit\n";
    return kInvalid;
  }
  if (o.output.empty()) {
    ctx.err << "lgtmgen: error: -o names no directory\n  hint: write -o DIR (-o . to render into the current "
            << "directory)\n";
    return kInvalid;
  }
  if (o.commit && (o.check || o.list_files)) {
    ctx.err << "lgtmgen: error: --commit cannot be combined with --check or --list-files\n";
    return kInvalid;
  }
  if (!o.templates.empty()) resources::SetTemplateOverride(o.templates);
  std::optional<SpecInput> input = ReadSpec(o.source, ctx);
  if (!input) return kInvalid;
  // A plain render keeps a record of what it wrote, and skips rendering when
  // the record proves the directory already holds this render's output.
  const bool recorded = !o.check && !o.list_files && !o.commit && o.templates.empty();
  Context record_nothing{ctx.fs, ctx.out, ctx.err};
  RenderCache cache(recorded ? ctx : record_nothing, o.output);
  if (std::optional<RenderRecord> proof = cache.Proof(*input)) {
    ctx.err << proof->replay;
    ctx.out << "rendered " << o.output << ": 0 added, 0 changed, 0 removed, " << proof->Files() << " unchanged\n";
    return kOk;
  }
  RecordingFileSystem asked(ctx.fs);
  std::ostringstream diagnostics;
  Context loading{asked, ctx.out, diagnostics};
  std::optional<Rendered> rendered = RenderSpec(std::move(*input), loading);
  ctx.err << diagnostics.str();
  if (!rendered) return kInvalid;
  const out::OutputTree* tree = &rendered->tree;
  if (o.commit) return RunCommit(o, rendered->model, rendered->input, *tree, ctx);
  if (o.list_files) {
    for (const auto& [path, _] : tree->Files()) ctx.out << path << "\n";
    ctx.out << out::kManifestPath << "\n";
    return kOk;
  }
  const out::CommitMode mode = o.check ? out::CommitMode::kCheck : out::CommitMode::kWrite;
  const int64_t started_at = ctx.fs.Now();
  const out::CommitResult result = out::Commit(*tree, o.output, mode, o.force, ctx.fs);
  if (ReportRefusal(result, ctx.err)) return kInvalid;
  cache.Keep(rendered->input, asked, *tree, result, started_at, diagnostics.str());
  const out::ChangeSet& c = result.changes;
  for (const std::string& path : result.hand_edited) {
    ctx.err << "lgtmgen: warning: " << path << " was edited by hand since lgtmgen wrote it; "
            << (o.check ? "render would overwrite the edit" : "the edit was overwritten") << "\n";
  }
  for (const std::string& path : result.kept) {
    ctx.err << "lgtmgen: warning: " << path << " is no longer generated but is not what lgtmgen wrote (edited "
            << "since, or listed in " << out::kManifestPath << " by someone else); "
            << (o.check ? "render would keep it" : "kept it") << "\n";
  }
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
      "survives). Nothing is written unless the whole render succeeded. A re-render that would change "
      "nothing is proved so from the record of the last render into DIR (kept in $LGTMGEN_CACHE_DIR, "
      "default ~/.cache/lgtmgen; empty: none) and skipped.\n\nExamples:\n"
      "  lgtmgen render lgtm.yaml -o repo/\n  lgtmgen render --preset minimal -o repo/\n"
      "  lgtmgen render lgtm.yaml -o repo/ --check    # exit 1 if repo/ is out of date\n"
      "  lgtmgen render lgtm.yaml -o repo/ --commit --push");
  AddSpecOptions(*cmd, o->source);
  cmd->add_option("-o,--output", o->output, "the directory to render into")->required();
  cmd->add_flag("--check", o->check, "write nothing; list what would change and exit 1 if anything would");
  cmd->add_flag("--list-files", o->list_files, "print the files the render produces and write nothing");
  cmd->add_flag("--force", o->force, "write into a non-empty directory that lgtmgen did not create");
  cmd->add_option("--templates", o->templates, "read templates from DIR instead of the built-in ones");
  cmd->add_flag("--commit", o->commit,
                "commit what changed with Git (libgit2): the repository around DIR, or a new one at DIR");
  cmd->add_option("-m,--message", o->message, "commit message (default: a summary of the change)");
  cmd->add_option("--branch", o->branch,
                  "commit to this branch only, leaving DIR and the checked-out branch untouched (for review)");
  cmd->add_option("--author", o->author, "\"Name <email>\" (default: user.name and user.email from Git config)");
  o->push = cmd->add_option("--push", o->push_remote, "push the branch after committing (default remote: origin)")
                ->expected(0, 1);
  return {cmd, [o, &ctx] { return RunRender(*o, ctx); }};
}

}  // namespace lgtmgen::cli
