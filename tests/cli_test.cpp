// The real binary, as a user runs it: exit codes and what it prints.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "cli/presets.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace lgtmgen;
using test::CliResult;
using test::RunCli;

namespace {

struct Case {
  const char* name;
  int exit_code;
  const char* args;
  const char* expect_out;  ///< a line the output must contain ("" for none)
  const char* expect_err;
};

}  // namespace

TEST_CASE("command line cases", "[cli]") {
  const std::string example = test::SourcePath("golden/fleet-example/spec.yaml");
  const Case cases[] = {
      {"help", 0, "--help", "Exit codes: 0 ok", ""},
      {"render help", 0, "render --help", "--check", ""},
      {"version", 0, "--version", "lgtmgen 0.1.0", ""},
      {"no command", 2, "", "", "A subcommand is required"},
      {"unknown command", 2, "frobnicate", "", "error"},
      {"presets list", 0, "presets list", "minimal", ""},
      {"presets show", 0, "presets show minimal", "mimir-distributed      6.2.0", ""},
      {"unknown preset", 2, "presets show minimall", "", "did you mean 'minimal'?"},
      {"validate preset", 0, "validate --preset minimal", "presets/minimal.yaml: valid", ""},
      {"validate missing file", 2, "validate /nonexistent.yaml", "", "no such file"},
      {"validate spec and preset", 2, "validate x.yaml --preset minimal", "", "either a SPEC file or --preset"},
      {"schema", 0, "schema", "\"$schema\": \"http://json-schema.org/draft-07/schema#\"", ""},
      {"model", 0, "model --preset minimal", "\"argocdCluster\": \"lgtm-central\"", ""},
      {"list files", 0, "render --preset minimal -o /nonexistent --list-files", "argocd/root.yaml", ""},
      {"spec is a folder", 2, "validate /", "", "not a regular file"},
      {"empty output", 2, "render --preset minimal -o ''", "", "-o names no directory"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const CliResult r = RunCli(c.args);
      INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
      CHECK(r.exit_code == c.exit_code);
      CHECK(r.out.find(c.expect_out) != std::string::npos);
      CHECK(r.err.find(c.expect_err) != std::string::npos);
    }
  }
  SECTION("the reference fleet example is understood") {
    const CliResult r = RunCli("validate '" + example + "'");
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
  SECTION("what is not rendered yet is refused by name, with nothing written") {
    const std::string spec = (std::filesystem::temp_directory_path() / "lgtmgen-stable.yaml").string();
    std::string text = *test::ReadFile(example);
    text.replace(text.find("channel: edge "), 14, "channel: stable");
    std::ofstream(spec) << text;
    const CliResult r = RunCli("render '" + spec + "' -o /nonexistent/lgtmgen-out");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("mesh.linkerd.channel: stable is not rendered by this version of lgtmgen yet") !=
          std::string::npos);
    CHECK_FALSE(std::filesystem::exists("/nonexistent/lgtmgen-out"));
  }
}

TEST_CASE("render, check, and a failed render that leaves the directory untouched", "[cli]") {
  const fs::path dir = fs::path(test::UniqueTempPath("lgtmgen-cli-repo-"));
  fs::remove_all(dir);
  REQUIRE(RunCli("render --preset minimal -o '" + dir.string() + "'").exit_code == 0);
  CHECK(RunCli("render --preset minimal -o '" + dir.string() + "' --check").exit_code == 0);

  std::ofstream(dir / "README.md") << "hand edit\n";
  const CliResult check = RunCli("render --preset minimal -o '" + dir.string() + "' --check");
  CHECK(check.exit_code == 1);
  CHECK(check.out.find("changed: README.md") != std::string::npos);

  const auto before = test::ReadTree(dir.string());
  std::map<std::string, fs::file_time_type> times;
  for (const auto& e : fs::recursive_directory_iterator(dir)) times[e.path().string()] = e.last_write_time();
  const fs::path bad = fs::path(test::UniqueTempPath("lgtmgen-bad-") + ".yaml");
  std::string spec = *test::ReadFile(test::SourcePath("presets/minimal.yaml"));
  spec.replace(spec.find("podCIDR: 10.11.0.0/16"), 21, "podCIDR: 10.11.0.1/16");
  std::ofstream(bad) << spec;
  const CliResult failed = RunCli("render '" + bad.string() + "' -o '" + dir.string() + "'");
  CHECK(failed.exit_code == 2);
  CHECK(failed.err.find("is not a network address") != std::string::npos);
  CHECK(test::ReadTree(dir.string()) == before);
  for (const auto& e : fs::recursive_directory_iterator(dir)) CHECK(times[e.path().string()] == e.last_write_time());

  const CliResult foreign = RunCli("render --preset minimal -o '" + test::SourcePath("generator") + "'");
  CHECK(foreign.exit_code == 2);
  CHECK(foreign.err.find("was not rendered by lgtmgen") != std::string::npos);
  fs::remove_all(dir);
  fs::remove(bad);
}

TEST_CASE("a render into a new directory builds it beside and puts it in place whole", "[cli]") {
  const fs::path parent = fs::path(test::UniqueTempPath("lgtmgen-new-dir-"));
  const fs::path dir = parent / "deep" / "repo";
  // What an interrupted run left beside it goes; a look-alike of another name stays.
  fs::create_directories(parent / "deep" / ".repo.lgtmgen-new-99999" / "sub");
  fs::create_directories(parent / "deep" / ".repo.lgtmgen-new-notapid");
  REQUIRE(RunCli("render --preset minimal -o '" + dir.string() + "'").exit_code == 0);
  std::set<std::string> beside;
  for (const auto& e : fs::directory_iterator(parent / "deep")) beside.insert(e.path().filename().string());
  CHECK(beside == std::set<std::string>{".repo.lgtmgen-new-notapid", "repo"});

  // The same files, modes and manifest as a render over an existing directory.
  const auto fresh = test::ReadTree(dir.string());
  CHECK(fresh.count(".lgtmgen/manifest") == 1);
  CHECK((fs::status(dir / "bootstrap" / "all.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
  CHECK((fs::status(dir / "README.md").permissions() & fs::perms::owner_exec) == fs::perms::none);
  const CliResult again = RunCli("render --preset minimal -o '" + dir.string() + "'");
  CHECK(again.out.find(" 0 added, 0 changed, 0 removed") != std::string::npos);
  CHECK(test::ReadTree(dir.string()) == fresh);
  fs::remove_all(parent);
}

TEST_CASE("every preset says which reference system it reproduces, and how it differs", "[cli]") {
  const std::vector<cli::Preset> presets = cli::ListPresets();
  REQUIRE(presets.size() >= 5);
  std::set<std::string> systems;
  for (const cli::Preset& p : presets) {
    INFO("preset " << p.name);
    const std::string text = cli::PresetText(p.name).value_or("");
    const std::string header = text.substr(0, text.find("\napiVersion:"));
    CHECK(header.find("\n# Reproduces: ") != std::string::npos);
    if (!p.reproduces.empty()) {
      systems.insert(p.reproduces);
      CHECK(header.find("\n# Differs:\n#   - ") != std::string::npos);
    }
  }
  // The five reference systems of ../shared/seeds (LGTM-PoC's two versions share a name).
  CHECK(systems == std::set<std::string>{"agalue/LGTM-PoC", "FaisalAl-Rayes/lgtmo-alloy-o11y", "teddy-ambona/kind-e2e",
                                         "PoojaSrinivasan18/HPE-CTY"});
  // One line per preset, the name first: scripts read the first column.
  const CliResult list = RunCli("presets list");
  CHECK(list.out.find("behind an Istio Gateway. [reproduces teddy-ambona/kind-e2e]\n") != std::string::npos);
  size_t lines = 0;
  for (char c : list.out) lines += c == '\n' ? 1 : 0;
  CHECK(lines == presets.size());
}

TEST_CASE("presets init writes a spec that renders, and never overwrites", "[cli]") {
  const fs::path dir = fs::path(test::UniqueTempPath("lgtmgen-init-"));
  fs::create_directories(dir);
  CHECK(RunCli("presets init minimal -o lgtm.yaml", dir.string()).exit_code == 0);
  CHECK(RunCli("validate lgtm.yaml", dir.string()).exit_code == 0);
  const CliResult again = RunCli("presets init minimal -o lgtm.yaml", dir.string());
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("not overwriting") != std::string::npos);
  // Nor a dangling link (it would write through it) or a FIFO (it would block or replace it).
  fs::create_symlink(dir / "nowhere" / "x.yaml", dir / "dangling.yaml");
  CHECK(RunCli("presets init minimal -o dangling.yaml", dir.string()).exit_code == 2);
  CHECK(fs::is_symlink(dir / "dangling.yaml"));
  CHECK_FALSE(fs::exists(dir / "nowhere"));
  REQUIRE(::mkfifo((dir / "fifo.yaml").c_str(), 0600) == 0);
  CHECK(RunCli("presets init minimal -o fifo.yaml", dir.string()).exit_code == 2);
  CHECK(fs::is_fifo(dir / "fifo.yaml"));
  fs::remove_all(dir);
}

TEST_CASE("the templates option overrides the built-in templates, and a broken one is a clear error", "[cli]") {
  const fs::path dir = fs::path(test::UniqueTempPath("lgtmgen-tpl-"));
  fs::create_directories(dir / "clusters");
  std::ofstream(dir / "clusters" / "empty-values.yaml") << "@@header@@\n# custom @@chart@@ for @@cluster@@\n{}\n";
  const CliResult ok = RunCli("render --preset minimal --list-files -o x --templates '" + dir.string() + "'");
  CHECK(ok.exit_code == 0);
  std::ofstream(dir / "clusters" / "empty-values.yaml") << "@@header@@\n# @@chrt@@\n";
  const CliResult broken = RunCli("render --preset minimal --list-files -o x --templates '" + dir.string() + "'");
  CHECK(broken.exit_code == 2);
  CHECK(broken.err.find("templates/clusters/empty-values.yaml:2: unknown variable 'chrt'") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a dashboard file reached through a symbolic link is refused, and nothing is read through it", "[cli]") {
  const fs::path dir = fs::path(test::UniqueTempPath("lgtmgen-cli-link-"));
  const fs::path outside = fs::path(test::UniqueTempPath("lgtmgen-cli-outside-"));
  fs::create_directories(dir);
  fs::create_directories(outside);
  std::ofstream(outside / "board.json") << R"({"uid": "board", "title": "Board"})";
  fs::create_directory_symlink(outside, dir / "boards");
  std::string spec = *test::ReadFile(test::SourcePath("presets/minimal.yaml"));
  spec += "dashboards:\n  - file: boards/board.json\n";
  std::ofstream(dir / "lgtm.yaml") << spec;
  const CliResult r = RunCli("validate '" + (dir / "lgtm.yaml").string() + "'");
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("is reached through the symbolic link 'boards'") != std::string::npos);
  fs::remove_all(dir);
  fs::remove_all(outside);
}
