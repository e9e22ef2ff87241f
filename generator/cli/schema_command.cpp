// lgtmgen schema: the fleet spec's JSON Schema, for editors.
#include <CLI/CLI.hpp>

#include <ostream>

#include "cli/cli.h"

namespace lgtmgen::cli {

Command AddSchemaCommand(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("schema", "Print the fleet spec's JSON Schema");
  cmd->footer(
      "For editor completion, e.g. with the YAML language server, put this first in the spec:\n"
      "  # yaml-language-server: $schema=./fleet.schema.json\n"
      "after `lgtmgen schema > fleet.schema.json`.");
  return {cmd, [&ctx] {
            ctx.out << FleetSchemaText();
            return static_cast<int>(kOk);
          }};
}

}  // namespace lgtmgen::cli
