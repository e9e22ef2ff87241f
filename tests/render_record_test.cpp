// The render record (cli/render_record.h): a re-render that would change
// nothing is proved so without rendering, and anything the record cannot
// vouch for makes the render render. In memory (counting reads), then on the
// real disk with the real binary (clocks, links, an unwritable cache).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli.h"
#include "cli/render_cache.h"
#include "cli/render_inputs.h"
#include "cli/render_record.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace lgtmgen;

namespace {

constexpr const char* kCache = "/cache";

struct Run {
  int exit_code;
  std::string out;
  std::string err;
  int reads;  ///< files read by this run
};

Run Render(out::MemFileSystem& disk, std::vector<std::string> args, const std::string& cache = kCache) {
  std::ostringstream out;
  std::ostringstream err;
  const int reads_before = disk.reads;
  args.insert(args.begin(), "render");
  const int rc = cli::Main(args, disk, out, err, cache);
  return {rc, out.str(), err.str(), disk.reads - reads_before};
}

// The one record in the memory disk's cache.
std::string RecordPathIn(const out::MemFileSystem& disk) {
  std::string found;
  for (const auto& [path, _] : disk.files) {
    if (path.rfind(std::string(kCache) + "/renders/", 0) == 0) found = path;
  }
  return found;
}

std::string MinimalWithDashboard() {
  std::string spec = *test::ReadFile(test::SourcePath("presets/minimal.yaml"));
  return spec + "dashboards:\n  - file: boards/board.json\n";
}

}  // namespace

TEST_CASE("a re-render that would change nothing is proved so by the record, without rendering", "[record]") {
  out::MemFileSystem disk;
  const Run first = Render(disk, {"--preset", "minimal", "-o", "repo"});
  REQUIRE(first.exit_code == 0);
  REQUIRE_FALSE(RecordPathIn(disk).empty());
  const size_t files = disk.files.size() - 1;  // all but the record

  const int writes = disk.writes;
  const Run again = Render(disk, {"--preset", "minimal", "-o", "repo"});
  CHECK(again.exit_code == 0);
  CHECK(again.out == "rendered repo: 0 added, 0 changed, 0 removed, " + std::to_string(files) + " unchanged\n");
  CHECK(again.reads == 1);  // the record; not one output file
  CHECK(disk.writes == writes);

  // What a render without records prints, word for word.
  const Run full = Render(disk, {"--preset", "minimal", "-o", "repo"}, "");
  CHECK(full.out == again.out);
  CHECK(full.reads > static_cast<int>(files));
}

TEST_CASE("whatever the record cannot vouch for makes the render render", "[record]") {
  out::MemFileSystem disk;
  disk.files["w/lgtm.yaml"] = MinimalWithDashboard();
  disk.files["w/boards/board.json"] = R"({"uid": "board", "title": "Board"})";
  const std::vector<std::string> render = {"w/lgtm.yaml", "-o", "repo"};
  REQUIRE(Render(disk, render).exit_code == 0);
  const int files = static_cast<int>(disk.files.size()) - 3;  // but the spec, the board and the record
  REQUIRE(Render(disk, render).reads < 5);

  SECTION("a generated file edited") {
    disk.files["repo/README.md"] = "mine\n";
    const Run r = Render(disk, render);
    CHECK(r.err.find("README.md was edited by hand") != std::string::npos);
    CHECK(r.out.find(" 1 changed,") != std::string::npos);
    CHECK(disk.files["repo/README.md"] != "mine\n");
  }
  SECTION("a generated file removed") {
    disk.files.erase("repo/README.md");
    CHECK(Render(disk, render).out.find(": 1 added,") != std::string::npos);
  }
  SECTION("a file the spec reads changed") {
    disk.Write("w/boards/board.json", R"({"uid": "board", "title": "Board 2"})");
    const Run r = Render(disk, render);
    INFO(r.out << r.err);
    CHECK(r.out.find(" 0 changed,") == std::string::npos);  // the board, its ConfigMap, the manifest
    CHECK(r.reads > files);
  }
  SECTION("the spec changed, by as little as a comment") {
    disk.Write("w/lgtm.yaml", disk.files["w/lgtm.yaml"] + "# a comment\n");
    const Run r = Render(disk, render);
    CHECK(r.exit_code == 0);
    CHECK(r.reads > files);
  }
  SECTION("the same spec into another directory") {
    const Run r = Render(disk, {"w/lgtm.yaml", "-o", "repo2"});
    CHECK(r.out.find(" 0 changed, 0 removed, 0 unchanged") != std::string::npos);
  }
  SECTION("a record of another program, or damaged") {
    std::string& record = disk.files[RecordPathIn(disk)];
    SECTION("another program") { record.replace(record.find("inputs ") + 7, 40, "another"); }
    SECTION("truncated") { record.resize(record.size() / 2); }
    SECTION("a stamp changed") { record.insert(record.find("stamp ") + 6, "1"); }
    const Run r = Render(disk, render);
    CHECK(r.exit_code == 0);
    CHECK(r.reads > files);
  }
  SECTION("--check and --list-files neither use nor keep a record") {
    disk.files["repo/README.md"] = "mine\n";
    const std::string record = disk.files[RecordPathIn(disk)];
    CHECK(Render(disk, {"w/lgtm.yaml", "-o", "repo", "--check"}).exit_code == 1);
    CHECK(Render(disk, {"w/lgtm.yaml", "-o", "repo", "--list-files"}).exit_code == 0);
    CHECK(disk.files[RecordPathIn(disk)] == record);
  }
}

TEST_CASE("the cache keeps the newest records only", "[record]") {
  out::MemFileSystem disk;
  for (size_t i = 0; i < cli::kMaxRecords + 3; ++i) {
    REQUIRE(Render(disk, {"--preset", "minimal", "-o", "repo" + std::to_string(i)}).exit_code == 0);
  }
  std::vector<std::string> records = disk.List(std::string(kCache) + "/renders");
  CHECK(records.size() == cli::kMaxRecords);
  // The newest render's record is there: its re-render is proved.
  const std::string last = "repo" + std::to_string(cli::kMaxRecords + 2);
  CHECK(Render(disk, {"--preset", "minimal", "-o", last}).reads == 1);
  CHECK(Render(disk, {"--preset", "minimal", "-o", "repo0"}).reads > 1);
}

TEST_CASE("the program's identity holds the build id of the binary and of each library", "[record]") {
  out::RealFileSystem disk;
  const std::string identity = cli::ProgramIdentity(disk);
  std::istringstream lines(identity);
  std::string line;
  int with_build_id = 0;
  bool binary_has_one = false;
  while (std::getline(lines, line)) {
    const std::string last = line.substr(line.rfind(' ') + 1);
    if (last.size() != 40 || last.find_first_not_of("0123456789abcdef") != std::string::npos) continue;
    ++with_build_id;
    if (line.size() == 41) binary_has_one = true;  // the binary itself has no name
  }
  CHECK(binary_has_one);
  CHECK(with_build_id >= 3);  // the binary, libc, yaml-cpp...
  CHECK(identity.find("libyaml-cpp") != std::string::npos);
  CHECK(identity == cli::ProgramIdentity(disk));
}

TEST_CASE("a record survives only its own text", "[record]") {
  cli::RenderRecord record;
  record.inputs = "abc";
  record.queries = {{"read", "w/boards/board.json", "0123"}, {"link", "w/boards", "no"}};
  record.stamps = {{".", {7, 0, 0, 0, 040755}}, {"a b/c", {8, 9, 10, 11, 0100644}}};
  record.replay = "warning: x\nline two\n";
  const std::string text = cli::RecordText(record);
  const std::optional<cli::RenderRecord> parsed = cli::ParseRecord(text);
  REQUIRE(parsed);
  CHECK(cli::RecordText(*parsed) == text);
  CHECK(parsed->stamps[1].first == "a b/c");
  CHECK(parsed->replay == record.replay);
  CHECK(parsed->Files() == 1);
  CHECK_FALSE(cli::ParseRecord(text.substr(0, text.size() - 1)));
  CHECK_FALSE(cli::ParseRecord("lgtmgen render record 2\n" + text.substr(text.find('\n') + 1)));
  record.stamps[1].first = "new\nline";
  CHECK(cli::RecordText(record).empty());
}

TEST_CASE("on the real disk: warnings again, an edit at once, a leftover, a linked folder, an unwritable cache",
          "[record][cli]") {
  const fs::path dir = fs::path(test::UniqueTempPath("lgtmgen-record-"));
  fs::create_directories(dir);
  const std::string env = "LGTMGEN_CACHE_DIR='" + (dir / "cache").string() + "' ";
  std::string spec = *test::ReadFile(test::SourcePath("presets/minimal.yaml"));
  spec.replace(spec.find("mesh:\n  type: none\n"), 19, "mesh:\n  type: none\n  istio:\n    mode: sidecar\n");
  std::ofstream(dir / "lgtm.yaml") << spec;
  const std::string render = "render lgtm.yaml -o repo";
  const test::CliResult first = test::RunCli(render, dir.string(), env);
  REQUIRE(first.exit_code == 0);
  REQUIRE(first.err.find("mesh.istio is ignored") != std::string::npos);
  REQUIRE(fs::exists(dir / "cache" / "renders"));

  SECTION("a proved re-render prints the render's warnings again") {
    const test::CliResult again = test::RunCli(render, dir.string(), env);
    CHECK(again.err == first.err);
    CHECK(again.out.find(" 0 added, 0 changed, 0 removed") != std::string::npos);
  }
  SECTION("an edit of the same size right after the render") {
    std::string readme = *test::ReadFile((dir / "repo" / "README.md").string());
    readme[0] = readme[0] == '#' ? '%' : '#';
    std::ofstream(dir / "repo" / "README.md") << readme;
    const test::CliResult again = test::RunCli(render, dir.string(), env);
    CHECK(again.err.find("README.md was edited by hand") != std::string::npos);
  }
  SECTION("what an interrupted run left beside a generated file goes") {
    std::ofstream(dir / "repo" / "argocd" / "root.yaml.lgtmgen-tmp-99999") << "half";
    CHECK(test::RunCli(render, dir.string(), env).exit_code == 0);
    CHECK_FALSE(fs::exists(dir / "repo" / "argocd" / "root.yaml.lgtmgen-tmp-99999"));
  }
  SECTION("a folder moved away and replaced by a link to it") {
    fs::rename(dir / "repo" / "argocd", dir / "argocd-moved");
    fs::create_directory_symlink(dir / "argocd-moved", dir / "repo" / "argocd");
    const test::CliResult again = test::RunCli(render, dir.string(), env);
    CHECK(again.exit_code == 2);
    CHECK(again.err.find("is a symbolic link") != std::string::npos);
  }
  SECTION("a cache that cannot be written costs only the shortcut") {
    std::ofstream(dir / "not-a-folder") << "x";
    const std::string unwritable = "LGTMGEN_CACHE_DIR='" + (dir / "not-a-folder").string() + "' ";
    fs::remove_all(dir / "repo");
    CHECK(test::RunCli(render, dir.string(), unwritable).exit_code == 0);
    const test::CliResult again = test::RunCli(render, dir.string(), unwritable);
    CHECK(again.exit_code == 0);
    CHECK(again.out.find(" 0 added, 0 changed, 0 removed") != std::string::npos);
  }
  fs::remove_all(dir);
}
