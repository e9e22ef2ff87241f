#include <CLI/CLI.hpp>

#include <ostream>

#include "cli/cli.h"

namespace lgtmgen::cli {

int Run(const std::vector<std::string>& args, Context& ctx) {
  CLI::App app{
      "lgtmgen renders a GitOps repository for multi-cluster Kubernetes observability (Grafana "
      "LGTM, agents, mesh, Argo CD) from one fleet spec.\n\nStart with:\n"
      "  lgtmgen presets init minimal -o lgtm.yaml\n  lgtmgen render lgtm.yaml -o repo/\n\n"
      "Exit codes: 0 ok, 1 render --check or diff found changes, 2 invalid input or usage (or a refused commit), "
      "3 I/O failure.",
      "lgtmgen"};
  app.set_version_flag("--version", std::string("lgtmgen ") + LGTMGEN_VERSION);
  app.require_subcommand(1);
  const std::vector<Command> commands = {
      AddRenderCommand(app, ctx), AddDiffCommand(app, ctx), AddValidateCommand(app, ctx), AddSchemaCommand(app, ctx),
      AddPresetsCommand(app, ctx), AddModelCommand(app, ctx)};

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    ctx.out << app.help();
    return kOk;
  } catch (const CLI::CallForAllHelp&) {
    ctx.out << app.help("", CLI::AppFormatMode::All);
    return kOk;
  } catch (const CLI::CallForVersion&) {
    ctx.out << "lgtmgen " << LGTMGEN_VERSION << "\n";
    return kOk;
  } catch (const CLI::ParseError& e) {
    ctx.err << "lgtmgen: error: " << e.what() << "\n";
    ctx.err << "Run 'lgtmgen --help' (or 'lgtmgen COMMAND --help') for usage.\n";
    return kInvalid;
  }
  for (const Command& cmd : commands) {
    if (cmd.app->parsed()) return cmd.action();
  }
  return kInvalid;
}

int Main(const std::vector<std::string>& args, out::FileSystem& fs, std::ostream& out, std::ostream& err,
         const std::string& cache_dir) {
  Context ctx{fs, out, err, cache_dir};
  try {
    return Run(args, ctx);
  } catch (const out::IoError& e) {
    err << "lgtmgen: error: " << e.what() << "\n";
    return kIoError;
  } catch (const std::exception& e) {
    err << "lgtmgen: internal error: " << e.what() << "\n  please report this with the spec that caused it\n";
    return kIoError;
  }
}

}  // namespace lgtmgen::cli
