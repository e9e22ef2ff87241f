#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "emit/files.h"
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

TEST_CASE("YamlQuote gives a scalar that reads back as exactly the string", "[template]") {
  const std::vector<std::string> samples = {
      "plain",       "it's",           "a: b # c",     "line\nbreak", "tab\there", "\"double\"",
      "back\\slash", "trailing\n",     "",             "- dash",      "{x: 1}",    "caf\xc3\xa9",
      "bell\x07",    "  leading space", "@@not_a_var@@", "null",      "true",      "0x1F"};
  for (const std::string& s : samples) {
    const std::string quoted = lgtmgen::emit::YamlQuote(s);
    INFO(quoted);
    const YAML::Node node = YAML::Load("v: " + quoted);
    CHECK(node["v"].as<std::string>() == s);
    CHECK(node["v"].Tag() != "?");  // quoted: never resolved as a bool, null or number
  }
  CHECK(lgtmgen::emit::YamlQuote("line\nbreak") == "\"line\\nbreak\"");
  CHECK(lgtmgen::emit::YamlQuote("it's") == "'it''s'");
}
