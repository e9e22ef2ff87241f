// A render interrupted at any point (a crash, kill -9, a full disk) leaves a
// directory the next render repairs: same files as a clean render, no orphan,
// no temporary file, never refused as foreign, and --check never calls an
// interrupted directory up to date.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "out/commit.h"
#include "real_disk_reads.h"
#include "rendered_fleets.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace lgtmgen;

namespace {

struct Crash {};

// The real disk, stopping dead at the n-th write or removal (counting from
// 0): a write that is cut off leaves its temporary file behind, as a killed
// process does.
class CrashingFileSystem final : public test::RealDiskReads {
 public:
  explicit CrashingFileSystem(int crash_at) : crash_at_(crash_at) {}

  void Write(const std::string& path, const std::string& content, bool executable) override {
    if (ops_++ == crash_at_) {
      fs::create_directories(fs::path(path).parent_path());
      std::ofstream(path + ".lgtmgen-tmp-424242") << content.substr(0, content.size() / 2);
      throw Crash{};
    }
    disk_.Write(path, content, executable);
  }
  void Remove(const std::string& path, const std::string& stop_at) override {
    if (ops_++ == crash_at_) throw Crash{};
    disk_.Remove(path, stop_at);
  }
  [[nodiscard]] int Operations() const { return ops_; }

 private:
  int crash_at_;
  int ops_ = 0;
};

std::string Edited(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a render interrupted after any number of writes is repaired by the next one", "[render][crash]") {
  const std::string a = *test::ReadFile(test::SourcePath("presets/minimal.yaml"));
  // b removes files (no agents), changes some (retention) and adds none; going
  // back from b to a adds them again.
  const std::string b = Edited(Edited(a, "agents: alloy ", "agents: none  "), "logs: 7d", "logs: 14d");
  const out::OutputTree tree_a = test::RenderOrFail(a), tree_b = test::RenderOrFail(b);
  const std::string root = test::UniqueTempPath("lgtmgen-crash-");

  // The clean result of each render, to compare with.
  std::map<std::string, std::map<std::string, std::string>> clean;
  for (const auto* tree : {&tree_a, &tree_b}) {
    const std::string dir = root + "-clean";
    fs::remove_all(dir);
    out::RealFileSystem disk;
    REQUIRE(out::Commit(*tree, dir, out::CommitMode::kWrite, false, disk).refusal.empty());
    clean[tree == &tree_a ? "a" : "b"] = test::ReadTree(dir);
    fs::remove_all(dir);
  }

  struct Transition {
    const char* name;
    const out::OutputTree* from;  // nullptr: into an empty directory
    const out::OutputTree* to;
    const char* expect;
  };
  const Transition transitions[] = {{"first render", nullptr, &tree_a, "a"},
                                    {"files removed and changed", &tree_a, &tree_b, "b"},
                                    {"files added and changed", &tree_b, &tree_a, "a"}};
  int crashes = 0;
  for (const Transition& t : transitions) {
    for (int crash_at = 0;; ++crash_at) {
      INFO(t.name << ", interrupted at operation " << crash_at);
      const std::string dir = root + "-" + std::to_string(crash_at);
      fs::remove_all(dir);
      out::RealFileSystem disk;
      if (t.from != nullptr) REQUIRE(out::Commit(*t.from, dir, out::CommitMode::kWrite, false, disk).refusal.empty());
      CrashingFileSystem crashing(crash_at);
      bool crashed = false;
      try {
        (void)out::Commit(*t.to, dir, out::CommitMode::kWrite, false, crashing);
      } catch (const Crash&) {
        crashed = true;
      }
      if (!crashed) {  // every point of this transition was tried
        fs::remove_all(dir);
        break;
      }
      ++crashes;
      // --check never says "up to date" for an interrupted directory.
      const out::CommitResult check = out::Commit(*t.to, dir, out::CommitMode::kCheck, false, disk);
      CHECK(check.refusal.empty());
      if (test::ReadTree(dir) != clean[t.expect]) CHECK_FALSE(check.changes.Empty());
      // The next render (no --force) repairs it completely.
      const out::CommitResult repair = out::Commit(*t.to, dir, out::CommitMode::kWrite, false, disk);
      CHECK(repair.refusal.empty());
      CHECK(repair.hand_edited.empty());
      CHECK(repair.kept.empty());
      const std::map<std::string, std::string> after = test::ReadTree(dir);
      CHECK(after == clean[t.expect]);
      fs::remove_all(dir);
    }
  }
  CHECK(crashes > 20);
}
