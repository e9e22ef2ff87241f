#pragma once
// The command line: one file per sub-command, each adding itself to the
// CLI11 app and returning an exit code. Exit codes are part of the interface.
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "out/commit.h"
#include "out/filesystem.h"
#include "out/output_tree.h"
#include "pipeline.h"

namespace CLI {
class App;
}

namespace lgtmgen::cli {

enum ExitCode : int {
  kOk = 0,
  kDifferences = 1,  ///< render --check found files that would change
  kInvalid = 2,      ///< invalid spec or command line
  kIoError = 3,      ///< reading or writing files failed
};

/// What every command may use; created in main (or by a test).
struct Context {
  out::FileSystem& fs;
  std::ostream& out;
  std::ostream& err;
  /// Where `render` keeps its records (render_cache.h); "" keeps none.
  std::string cache_dir = {};
};

/// Where a command reads its spec from: a file, or a preset by name.
struct SpecSource {
  std::string path;
  std::string preset;
};

/// Adds `SPEC` and `--preset NAME` options to cmd.
void AddSpecOptions(CLI::App& cmd, SpecSource& source);

/// Reads the spec named by source; prints an error and returns nullopt when
/// it cannot (no such file or preset, both or neither given).
[[nodiscard]] std::optional<SpecInput> ReadSpec(const SpecSource& source, Context& ctx);

/// Loads and validates the spec, printing diagnostics (warnings too) to err.
[[nodiscard]] std::optional<model::Model> LoadAndReport(const SpecInput& input, Context& ctx);

/// A spec read, validated and rendered.
struct Rendered {
  SpecInput input;
  model::Model model;
  out::OutputTree tree;
};

/// LoadAndReport and RenderTree in one: nullopt (diagnostics printed) when
/// either failed.
[[nodiscard]] std::optional<Rendered> RenderSpec(SpecInput input, Context& ctx);

/// ReadSpec and RenderSpec in one.
[[nodiscard]] std::optional<Rendered> ReadAndRender(const SpecSource& source, Context& ctx);

/// When out::Commit refused DIR (a link on the way, or a directory lgtmgen
/// does not own), prints why with a hint and returns true.
bool ReportRefusal(const out::CommitResult& result, std::ostream& err);

/// Prints diagnostics to err with the spec's source lines.
void Report(const diag::Diagnostics& diags, const SpecInput* input, Context& ctx);

/// A sub-command and the action it runs once parsing succeeded.
struct Command {
  CLI::App* app;
  std::function<int()> action;
};

Command AddRenderCommand(CLI::App& app, Context& ctx);
Command AddValidateCommand(CLI::App& app, Context& ctx);
Command AddSchemaCommand(CLI::App& app, Context& ctx);
Command AddPresetsCommand(CLI::App& app, Context& ctx);
Command AddModelCommand(CLI::App& app, Context& ctx);
Command AddDiffCommand(CLI::App& app, Context& ctx);

/// Parses args and runs the chosen sub-command. Never throws for user errors.
int Run(const std::vector<std::string>& args, Context& ctx);

/// The whole program on fs: Run, with I/O failures and bugs turned into
/// exit code 3 and one line on err. cache_dir: see Context.
int Main(const std::vector<std::string>& args, out::FileSystem& fs, std::ostream& out, std::ostream& err,
         const std::string& cache_dir = "");

}  // namespace lgtmgen::cli
