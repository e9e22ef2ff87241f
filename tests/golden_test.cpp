// The golden tests: golden/<case>/spec.yaml renders exactly golden/<case>/expected/,
// every preset renders exactly golden/presets/<preset>/, and golden/errors/<case>.yaml
// fails validation with exactly golden/errors/<case>.stderr (warning-* cases pass,
// with exactly those warnings).
// Set LGTMGEN_UPDATE_GOLDENS=1 to rewrite the expectations instead of checking them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "out/commit.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace lgtmgen;

namespace {

std::map<std::string, std::string> WithManifest(const out::OutputTree& tree) {
  std::map<std::string, std::string> files = tree.Files();
  files[out::kManifestPath] = out::ManifestText(tree);
  return files;
}

void WriteTree(const std::string& dir, const std::map<std::string, std::string>& files) {
  fs::remove_all(dir);
  for (const auto& [path, content] : files) {
    fs::create_directories(fs::path(dir + "/" + path).parent_path());
    std::ofstream(dir + "/" + path, std::ios::binary) << content;
    fs::permissions(dir + "/" + path, out::IsScript(content) ? fs::perms(0755) : fs::perms(0644));
  }
}

std::string CompareTrees(const std::map<std::string, std::string>& expected,
                         const std::map<std::string, std::string>& actual) {
  std::string diff;
  for (const auto& [path, content] : expected) {
    auto it = actual.find(path);
    diff += it == actual.end() ? "missing from the render: " + path + "\n" : test::UnifiedDiff(path, content, it->second);
  }
  for (const auto& [path, _] : actual) {
    if (expected.count(path) == 0) diff += "not in the golden: " + path + "\n";
  }
  return diff;
}

std::vector<std::string> Cases(const std::string& dir, bool folders) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (folders && entry.is_directory() && fs::exists(entry.path() / "spec.yaml")) {
      names.push_back(name);
    }
    if (!folders && entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

// Renders the spec text and compares (or, when updating, replaces) expected_dir.
static void CheckGoldenTree(const std::string& label, const std::string& display_name, const std::string& text,
                     const std::string& spec_dir, const std::string& expected_dir) {
  std::string printed;
  std::optional<out::OutputTree> tree = test::RenderSpec(display_name, text, spec_dir, &printed);
  INFO(printed);
  REQUIRE(tree.has_value());
  const auto actual = WithManifest(*tree);
  if (test::UpdatingGoldens()) WriteTree(expected_dir, actual);
  const std::string diff = CompareTrees(test::ReadTree(expected_dir), actual);
  INFO(label << " differs (LGTMGEN_UPDATE_GOLDENS=1 ctest updates it):\n" << diff);
  CHECK(diff.empty());
}

TEST_CASE("golden repositories", "[golden]") {
  const std::string root = test::SourcePath("golden");
  const std::vector<std::string> cases = Cases(root, true);
  REQUIRE_FALSE(cases.empty());
  for (const std::string& name : cases) {
    DYNAMIC_SECTION("golden/" << name) {
      const std::string dir = root + "/" + name;
      CheckGoldenTree("golden/" + name, "spec.yaml", *test::ReadFile(dir + "/spec.yaml"), dir, dir + "/expected");
    }
  }
}

TEST_CASE("golden preset repositories", "[golden]") {
  // Every preset's full output is pinned under golden/presets/<name>/,
  // rendered as `lgtmgen render --preset <name>` renders it.
  std::vector<std::string> presets;
  for (const auto& entry : fs::directory_iterator(test::SourcePath("presets"))) {
    if (entry.path().extension() == ".yaml") presets.push_back(entry.path().stem().string());
  }
  std::sort(presets.begin(), presets.end());
  REQUIRE_FALSE(presets.empty());
  for (const std::string& name : presets) {
    DYNAMIC_SECTION("golden/presets/" << name) {
      CheckGoldenTree("golden/presets/" + name, "presets/" + name + ".yaml",
                      *test::ReadFile(test::SourcePath("presets/" + name + ".yaml")), ".",
                      test::SourcePath("golden/presets/" + name));
    }
  }
}

TEST_CASE("golden errors", "[golden]") {
  const std::string dir = test::SourcePath("golden/errors");
  const std::vector<std::string> cases = Cases(dir, false);
  REQUIRE_FALSE(cases.empty());
  for (const std::string& name : cases) {
    DYNAMIC_SECTION("golden/errors/" << name) {
      // As `lgtmgen validate` sees it. A case named warning-* must still pass.
      std::string printed;
      const bool valid = test::ValidateSpec(name + ".yaml", *test::ReadFile(dir + "/" + name + ".yaml"), dir, &printed);
      CHECK(valid == (name.rfind("warning-", 0) == 0));
      const std::string stderr_path = dir + "/" + name + ".stderr";
      if (test::UpdatingGoldens()) std::ofstream(stderr_path, std::ios::binary) << printed;
      const std::string expected = test::ReadFile(stderr_path).value_or("");
      INFO("golden/errors/" << name << " differs:\n" << test::UnifiedDiff(name + ".stderr", expected, printed));
      CHECK(printed == expected);
    }
  }
}

TEST_CASE("the fleet-example golden renders the design's reference fleet unchanged", "[golden]") {
  // The design folder sits beside the repository in development and CI; a
  // clean checkout without it still has the golden copy.
  const std::optional<std::string> design = test::ReadFile(test::SourcePath("../shared/design/fleet-example.yaml"));
  if (!design) return;
  CHECK(*design == test::ReadFile(test::SourcePath("golden/fleet-example/spec.yaml")).value_or(""));
}
