// Properties of render + commit on a real directory: determinism, idempotence,
// pruning, ownership, and that a failed render changes nothing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "out/commit.h"
#include "out/git_library.h"
#include "rendered_fleets.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace lgtmgen;

namespace {

struct TempDir {
  TempDir() : path(test::UniqueTempPath("lgtmgen-test-")) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

std::string MinimalSpec() { return *test::ReadFile(test::SourcePath("presets/minimal.yaml")); }

out::ChangeSet CommitTo(const out::OutputTree& tree, const fs::path& dir, bool force = false) {
  out::RealFileSystem disk;
  out::CommitResult r = out::Commit(tree, dir.string(), out::CommitMode::kWrite, force, disk);
  INFO(r.refusal);
  REQUIRE(r.refusal.empty());
  return r.changes;
}

std::map<std::string, fs::file_time_type> MTimes(const fs::path& dir) {
  std::map<std::string, fs::file_time_type> times;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) times[e.path().string()] = e.last_write_time();
  }
  return times;
}

}  // namespace

TEST_CASE("rendering the same spec twice gives byte-identical trees", "[render]") {
  CHECK(test::RenderOrFail(MinimalSpec()).Files() == test::RenderOrFail(MinimalSpec()).Files());
}

TEST_CASE("re-rendering over the previous output writes nothing", "[render]") {
  TempDir dir;
  const out::OutputTree tree = test::RenderOrFail(MinimalSpec());
  const out::ChangeSet first = CommitTo(tree, dir.path);
  CHECK(first.added.size() == tree.Files().size() + 1);  // + the manifest
  const auto before = MTimes(dir.path);
  const out::ChangeSet second = CommitTo(test::RenderOrFail(MinimalSpec()), dir.path);
  CHECK(second.Empty());
  CHECK(second.unchanged == tree.Files().size() + 1);
  CHECK(MTimes(dir.path) == before);
}

TEST_CASE("a spec change rewrites only what changed and prunes what is no longer generated", "[render]") {
  TempDir dir;
  CommitTo(test::RenderOrFail(MinimalSpec()), dir.path);
  // Files lgtmgen does not own survive, including a .git folder.
  fs::create_directories(dir.path / ".git");
  std::ofstream(dir.path / ".git" / "HEAD") << "ref: refs/heads/main\n";
  std::ofstream(dir.path / "NOTES.md") << "mine\n";

  std::string spec = MinimalSpec();
  const std::string from = "agents: alloy ";
  spec.replace(spec.find(from), from.size(), "agents: none  ");
  const out::ChangeSet changes = CommitTo(test::RenderOrFail(spec), dir.path);
  CHECK(std::find(changes.removed.begin(), changes.removed.end(), "clusters/lgtm-central/values/alloy.yaml") !=
        changes.removed.end());
  CHECK(std::find(changes.removed.begin(), changes.removed.end(), "argocd/applicationsets/alloy.yaml") !=
        changes.removed.end());
  CHECK_FALSE(fs::exists(dir.path / "components/agents"));  // emptied folders go too
  CHECK(changes.added.empty());
  CHECK(fs::exists(dir.path / ".git" / "HEAD"));
  CHECK(fs::exists(dir.path / "NOTES.md"));
}

TEST_CASE("scripts are executable, other files are not", "[render]") {
  TempDir dir;
  CommitTo(test::RenderOrFail(MinimalSpec()), dir.path);
  const auto exec = fs::perms::owner_exec;
  CHECK((fs::status(dir.path / "bootstrap/all.sh").permissions() & exec) == exec);
  CHECK((fs::status(dir.path / "bootstrap/lib.sh").permissions() & exec) == exec);
  CHECK((fs::status(dir.path / "README.md").permissions() & exec) == fs::perms::none);
}

TEST_CASE("a directory lgtmgen did not create is refused without --force", "[render]") {
  TempDir dir;
  std::ofstream(dir.path / "precious.txt") << "keep me\n";
  out::RealFileSystem disk;
  const out::OutputTree tree = test::RenderOrFail(MinimalSpec());
  const out::CommitResult refused = out::Commit(tree, dir.path.string(), out::CommitMode::kWrite, false, disk);
  CHECK_FALSE(refused.refusal.empty());
  CHECK(test::ReadTree(dir.path.string()).size() == 1);
  const out::ChangeSet forced = CommitTo(tree, dir.path, true);
  CHECK_FALSE(forced.added.empty());
  CHECK(fs::exists(dir.path / "precious.txt"));
}

TEST_CASE("a directory holding only a .git folder is not foreign", "[render]") {
  TempDir dir;
  fs::create_directories(dir.path / ".git");
  CHECK_FALSE(CommitTo(test::RenderOrFail(MinimalSpec()), dir.path).added.empty());
}

TEST_CASE("check mode reports changes and writes nothing", "[render]") {
  TempDir dir;
  CommitTo(test::RenderOrFail(MinimalSpec()), dir.path);
  std::ofstream(dir.path / "README.md") << "edited by hand\n";
  const auto before = test::ReadTree(dir.path.string());
  out::RealFileSystem disk;
  const out::CommitResult r = out::Commit(test::RenderOrFail(MinimalSpec()), dir.path.string(), out::CommitMode::kCheck, false, disk);
  CHECK(r.changes.changed == std::vector<std::string>{"README.md"});
  CHECK(r.hand_edited == std::vector<std::string>{"README.md"});
  CHECK(test::ReadTree(dir.path.string()) == before);
}

TEST_CASE("a render that fails writes nothing", "[render]") {
  std::string spec = MinimalSpec();
  spec.replace(spec.find("role: central"), 13, "role: centrl");
  std::string printed;
  CHECK_FALSE(test::RenderSpec("spec.yaml", spec, ".", &printed).has_value());
  CHECK(printed.find("did you mean 'central'?") != std::string::npos);
}

TEST_CASE("rendering the repository's own lgtm.yaml reproduces the repository", "[render]") {
  const out::OutputTree first = test::RenderOrFail(MinimalSpec());
  std::string printed;
  const auto again = test::RenderSpec("elsewhere/lgtm.yaml", first.Files().at("lgtm.yaml"), ".", &printed);
  INFO(printed);
  REQUIRE(again.has_value());
  CHECK(again->Files() == first.Files());
}

TEST_CASE("a tampered manifest deletes nothing lgtmgen did not write: never .git, never outside, never edited files",
          "[render]") {
  TempDir dir;
  CommitTo(test::RenderOrFail(MinimalSpec()), dir.path);
  fs::create_directories(dir.path / ".git");
  std::ofstream(dir.path / ".git" / "HEAD") << "ref: refs/heads/main\n";
  std::ofstream(dir.path / "NOTES.md") << "my notes\n";
  std::ofstream(dir.path / "stale.yaml") << "lgtmgen wrote this\n";
  std::ofstream(dir.path / "stale-edited.yaml") << "edited since\n";
  {
    std::ofstream manifest(dir.path / out::kManifestPath, std::ios::app);
    manifest << out::GitBlobId("ref: refs/heads/main\n") << " .git/HEAD\n"
             << out::GitBlobId("ref: refs/heads/main\n") << " ./.git/HEAD\n"
             << out::GitBlobId("ref: refs/heads/main\n") << " sub/../.git/HEAD\n"
             << "0000000000000000000000000000000000000000 NOTES.md\n"
             << "NOTES.md\n"  // no id: not provably lgtmgen's
             << out::GitBlobId("lgtmgen wrote this\n") << " stale.yaml\n"
             << out::GitBlobId("what lgtmgen wrote\n") << " stale-edited.yaml\n";
  }
  out::RealFileSystem disk;
  const out::CommitResult r = out::Commit(test::RenderOrFail(MinimalSpec()), dir.path.string(), out::CommitMode::kWrite, false, disk);
  CHECK(r.changes.removed == std::vector<std::string>{"stale.yaml"});
  CHECK(r.kept == std::vector<std::string>{"NOTES.md", "stale-edited.yaml"});
  CHECK(fs::exists(dir.path / ".git" / "HEAD"));
  CHECK(fs::exists(dir.path / "NOTES.md"));
  CHECK(fs::exists(dir.path / "stale-edited.yaml"));
  CHECK_FALSE(fs::exists(dir.path / "stale.yaml"));
}

TEST_CASE("only plain relative paths inside the output can be owned", "[render]") {
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../../x", "./x", "a//b", "a/", ".git/config", "x/.git/HEAD",
                          ".git", "a\\b"}) {
    INFO(bad);
    CHECK_FALSE(out::IsOwnablePath(bad));
  }
  for (const char* good : {"README.md", "clusters/a/values/x.yaml", ".lgtmgen/manifest", "a..b/c", ".gitignore"}) {
    INFO(good);
    CHECK(out::IsOwnablePath(good));
  }
}

TEST_CASE("nothing is written, read or removed through a symbolic link inside the output", "[render]") {
  TempDir dir;
  TempDir elsewhere;
  CommitTo(test::RenderOrFail(MinimalSpec()), dir.path);
  // A generated directory replaced by a link to somewhere else: refused, nothing written there.
  fs::rename(dir.path / "bootstrap", elsewhere.path / "bootstrap");
  fs::create_directory_symlink(elsewhere.path / "bootstrap", dir.path / "bootstrap");
  std::ofstream(elsewhere.path / "bootstrap" / "all.sh") << "changed outside\n";
  out::RealFileSystem disk;
  const out::CommitResult r = out::Commit(test::RenderOrFail(MinimalSpec()), dir.path.string(), out::CommitMode::kWrite, false, disk);
  CHECK(r.symlink);
  CHECK(r.refusal.find("symbolic link") != std::string::npos);
  CHECK(test::ReadFile((elsewhere.path / "bootstrap" / "all.sh").string()) == std::string("changed outside\n"));

  // A fresh directory whose only entry is .lgtmgen -> elsewhere: refused, no manifest written through it.
  TempDir fresh;
  TempDir target;
  fs::create_directory_symlink(target.path, fresh.path / ".lgtmgen");
  const out::CommitResult f = out::Commit(test::RenderOrFail(MinimalSpec()), fresh.path.string(), out::CommitMode::kWrite, false, disk);
  CHECK(f.symlink);
  CHECK(test::ReadTree(target.path.string()).empty());

  // A generated file replaced by a link: the link is replaced by the file, its target untouched.
  TempDir third;
  CommitTo(test::RenderOrFail(MinimalSpec()), third.path);
  std::ofstream(elsewhere.path / "secret.txt") << "not lgtmgen's\n";
  fs::remove(third.path / "README.md");
  fs::create_symlink(elsewhere.path / "secret.txt", third.path / "README.md");
  CommitTo(test::RenderOrFail(MinimalSpec()), third.path);
  CHECK_FALSE(fs::is_symlink(third.path / "README.md"));
  CHECK(test::ReadFile((elsewhere.path / "secret.txt").string()) == std::string("not lgtmgen's\n"));
}
