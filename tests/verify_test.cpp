// The post-render check (out/verify.cpp): a generated YAML or JSON file that
// does not parse is an error at its line and column, whatever the other files.
#include <catch2/catch.hpp>

#include <string>

#include "diag/diagnostics.h"
#include "out/output_tree.h"
#include "out/verify.h"

using namespace lgtmgen;

namespace {

out::OutputTree TreeOf(const std::string& path, const std::string& content) {
  out::OutputTree tree;
  REQUIRE(tree.Add("README.md", "# not checked: {[\n", "test").empty());
  REQUIRE(tree.Add("good.yaml", "a: 1\n---\nb: [x, 'y']\n---\n# only a comment\n", "test").empty());
  REQUIRE(tree.Add(path, content, "test").empty());
  return tree;
}

}  // namespace

TEST_CASE("every generated YAML and JSON file parses, or the render fails at the file's error", "[verify]") {
  diag::Diagnostics ok;
  out::VerifyParses(TreeOf("scripts/x.json", "{\"a\": [1, 2]}\n"), ok);
  CHECK(ok.All().empty());

  struct Case {
    std::string path, content, message;
    int line;
  };
  const Case cases[] = {
      {"a/unclosed.yaml", "a: 1\nb: 'never closed\nc: 2\n", "while scanning a quoted scalar", 4},
      {"a/indent.yaml", "a:\n  b: 1\n c: 2\n", "did not find expected key", 3},
      {"a/second-document.yaml", "a: 1\n---\n- x\ny: 2\n", "invalid YAML", 4},
      {"a/broken.json", "{\"a\": [1, 2}\n", "invalid JSON", 0},
  };
  for (const Case& c : cases) {
    INFO(c.path);
    diag::Diagnostics diags;
    out::VerifyParses(TreeOf(c.path, c.content), diags);
    REQUIRE(diags.All().size() == 1);
    const diag::Diagnostic& d = diags.All().front();
    CHECK(d.loc.file == c.path);
    CHECK(d.loc.line == c.line);
    CHECK(d.message.find(c.message) != std::string::npos);
  }
}
