// lgtmgen validate: every diagnostic of a spec in one run, nothing written.
#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

#include "cli/cli.h"

namespace lgtmgen::cli {

Command AddValidateCommand(CLI::App& app, Context& ctx) {
  auto source = std::make_shared<SpecSource>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a fleet spec and print every problem found");
  cmd->footer("Exit 0 when the spec is valid (warnings may be printed), 2 when it is not.");
  AddSpecOptions(*cmd, *source);
  return {cmd, [source, &ctx] {
            std::optional<SpecInput> input = ReadSpec(*source, ctx);
            if (!input) return static_cast<int>(kInvalid);
            if (!LoadAndReport(*input, ctx)) return static_cast<int>(kInvalid);
            ctx.out << input->display_name << ": valid\n";
            return static_cast<int>(kOk);
          }};
}

}  // namespace lgtmgen::cli
