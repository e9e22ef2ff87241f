// lgtmgen presets list | show NAME | init NAME [-o FILE]
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <ostream>

#include "cli/cli.h"
#include "cli/presets.h"
#include "model/catalog.h"

namespace lgtmgen::cli {
namespace {

struct PresetOptions {
  std::string show_name;
  std::string init_name;
  std::string init_output;
};

void PrintCatalog(Context& ctx) {
  const model::Catalog& catalog = model::BuiltinCatalog();
  ctx.out << "\n# Pinned versions (override with `versions:` in the spec)\n# charts:\n";
  for (const auto& [name, pin] : catalog.charts) {
    ctx.out << fmt::format("#   {:<22} {:<10} {}\n", name, pin.version, pin.repo);
  }
  ctx.out << "# images:\n";
  for (const auto& [name, pin] : catalog.images) {
    ctx.out << fmt::format("#   {:<22} {}:{}\n", name, pin.repository, pin.tag);
  }
  ctx.out << "# manifests:\n";
  for (const auto& [name, version] : catalog.manifests) ctx.out << fmt::format("#   {:<22} {}\n", name, version);
}

int Show(const std::string& name, Context& ctx) {
  std::optional<std::string> text = PresetText(name);
  if (!text) {
    ctx.err << "lgtmgen: error: no preset named '" << name << "'\n  hint: " << PresetHint(name) << "\n";
    return kInvalid;
  }
  ctx.out << *text;
  PrintCatalog(ctx);
  return kOk;
}

int Init(const PresetOptions& o, Context& ctx) {
  std::optional<std::string> text = PresetText(o.init_name);
  if (!text) {
    ctx.err << "lgtmgen: error: no preset named '" << o.init_name << "'\n  hint: " << PresetHint(o.init_name)
            << "\n";
    return kInvalid;
  }
  if (o.init_output.empty() || o.init_output == "-") {
    ctx.out << *text;
    return kOk;
  }
  if (ctx.fs.Exists(o.init_output)) {  // a FIFO or a dangling link too: never replaced
    ctx.err << "lgtmgen: error: " << o.init_output << " exists; not overwriting it\n";
    return kInvalid;
  }
  ctx.fs.Write(o.init_output, *text);
  ctx.out << "wrote " << o.init_output << " from preset " << o.init_name << "; next: lgtmgen render "
          << o.init_output << " -o repo/\n";
  return kOk;
}

}  // namespace

Command AddPresetsCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<PresetOptions>();
  CLI::App* cmd = app.add_subcommand("presets", "List, show or copy the ready-made fleet specs");
  cmd->require_subcommand(1);
  CLI::App* list = cmd->add_subcommand("list", "List the presets");
  CLI::App* show = cmd->add_subcommand("show", "Print a preset and the pinned version catalog");
  show->add_option("NAME", o->show_name, "preset name")->required();
  CLI::App* init = cmd->add_subcommand("init", "Start a spec from a preset");
  init->add_option("NAME", o->init_name, "preset name")->required();
  init->add_option("-o,--output", o->init_output, "file to write (default: standard output); never overwritten");
  return {cmd, [o, list, show, &ctx] {
            if (list->parsed()) {
              const std::vector<Preset> presets = ListPresets();
              size_t width = 0;  // the longest name, so the summaries line up
              for (const Preset& p : presets) width = std::max(width, p.name.size());
              // One line per preset, its name first (scripts read the first column).
              for (const Preset& p : presets) {
                const std::string system = p.reproduces.empty() ? "" : " [reproduces " + p.reproduces + "]";
                ctx.out << fmt::format("{:<{}}  {}{}\n", p.name, width, p.summary, system);
              }
              return static_cast<int>(kOk);
            }
            if (show->parsed()) return Show(o->show_name, ctx);
            return Init(*o, ctx);
          }};
}

}  // namespace lgtmgen::cli
