#include <catch2/catch.hpp>

#include "render/template.h"

using lgtmgen::render::Render;
using lgtmgen::render::TemplateError;

TEST_CASE("placeholders are replaced inline and block-wise", "[template]") {
  CHECK(Render("a: @@x@@\n", "t", {{"x", "1"}}) == "a: 1\n");
  CHECK(Render("list:\n  @@items@@\nend\n", "t", {{"items", "- a\n- b\n"}}) == "list:\n  - a\n  - b\nend\n");
  CHECK(Render("list:\n  @@items@@\nend\n", "t", {{"items", ""}}) == "list:\nend\n");
}

TEST_CASE("#~ lines are template-only", "[template]") {
  const std::string t = "#~ a comment\n#~if on\nyes\n#~end\n#~ifnot on\nno @@v@@\n#~end\n";
  CHECK(Render(t, "t", {{"on", "true"}, {"v", "x"}}) == "yes\n");
  CHECK(Render(t, "t", {{"on", "false"}, {"v", "x"}}) == "no x\n");
  CHECK(Render(t, "t", {{"on", ""}, {"v", "x"}}) == "no x\n");
}

TEST_CASE("template mistakes are errors naming template:line", "[template]") {
  CHECK_THROWS_WITH(Render("a\nb: @@missing@@\n", "t.yaml", {}), "t.yaml:2: unknown variable 'missing'");
  CHECK_THROWS_WITH(Render("a\n", "t.yaml", {{"extra", "1"}}), "t.yaml: variable 'extra' is given but never used");
  CHECK_THROWS_AS(Render("#~if x\n", "t", {{"x", "1"}}), TemplateError);
  CHECK_THROWS_AS(Render("#~end\n", "t", {}), TemplateError);
  CHECK_THROWS_AS(Render("a: @@x\n", "t", {{"x", "1"}}), TemplateError);
  CHECK_THROWS_AS(Render("a: @@x@@ b\n", "t", {{"x", "1\n2"}}), TemplateError);
}

TEST_CASE("UsedBy picks the variables a template uses, in placeholders and conditions", "[template]") {
  using lgtmgen::render::UsedBy;
  const std::string t = "a: @@x@@ @@y@@\n#~if flag\nb\n#~end\n#~ifnot other\nc\n#~end\n#~ comment @@z@@ only\n";
  const lgtmgen::render::Vars all = {{"x", "1"}, {"y", "2"}, {"flag", "true"}, {"other", ""}, {"z", "3"}, {"w", "4"}};
  const lgtmgen::render::Vars used = UsedBy(t, all);
  CHECK(used == lgtmgen::render::Vars{{"x", "1"}, {"y", "2"}, {"flag", "true"}, {"other", ""}});
  CHECK(Render(t, "t", used) == "a: 1 2\nb\nc\n");
  // A variable the template uses but the superset lacks is still reported.
  CHECK_THROWS_WITH(Render("@@missing@@\n", "t", UsedBy("@@missing@@\n", all)), "t:1: unknown variable 'missing'");
}
