// lgtmgen model: the validated, defaulted model as JSON.
#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

#include "cli/cli.h"
#include "model/to_json.h"

namespace lgtmgen::cli {

Command AddModelCommand(CLI::App& app, Context& ctx) {
  auto source = std::make_shared<SpecSource>();
  CLI::App* cmd = app.add_subcommand("model", "Print the validated model (defaults applied, versions pinned) as JSON");
  AddSpecOptions(*cmd, *source);
  return {cmd, [source, &ctx] {
            std::optional<SpecInput> input = ReadSpec(*source, ctx);
            if (!input) return static_cast<int>(kInvalid);
            std::optional<model::Model> model = LoadAndReport(*input, ctx);
            if (!model) return static_cast<int>(kInvalid);
            ctx.out << model::ToJson(*model).dump(2) << "\n";
            return static_cast<int>(kOk);
          }};
}

}  // namespace lgtmgen::cli
