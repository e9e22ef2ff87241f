// Alloy configurations are checked as far as the project can without the
// alloy binary: the syntax (blocks, attributes, strings, brackets) parses,
// every component is declared once, and every reference to a component's
// export names a component declared in the same configuration.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "rendered_fleets.h"

using lgtmgen::test::AllRenders;
using lgtmgen::test::Rendered;

namespace {

// A small reader of Alloy's syntax: a body is a sequence of attributes
// (`name = expression`) and blocks (`a.b.c "label" { body }`). Expressions
// are checked for balanced brackets and terminated strings only.
class AlloyReader {
 public:
  explicit AlloyReader(const std::string& text) : s_(text) {}

  /// Parses the whole text; "" when it parses, else what is wrong and where.
  std::string Parse() {
    try {
      Body(false);
      return "";
    } catch (const std::string& error) {
      return error + " at line " + std::to_string(Line());
    }
  }

  /// "a.b.c \"label\"" of every block that has a label (components).
  const std::multiset<std::string>& Components() const { return components_; }
  /// Every expression, for reference checks.
  const std::string& Expressions() const { return expressions_; }

 private:
  void Body(bool nested) {
    for (;;) {
      Skip();
      if (pos_ >= s_.size()) {
        if (nested) throw std::string("unclosed block");
        return;
      }
      if (s_[pos_] == '}') {
        if (!nested) throw std::string("unexpected }");
        ++pos_;
        return;
      }
      const std::string name = DottedName();
      Skip();
      if (pos_ < s_.size() && s_[pos_] == '=') {
        ++pos_;
        Expression();
        continue;
      }
      std::string label;
      if (pos_ < s_.size() && s_[pos_] == '"') label = String();
      Skip();
      if (pos_ >= s_.size() || s_[pos_] != '{') throw std::string("expected = or { after '" + name + "'");
      ++pos_;
      if (!label.empty()) components_.insert(name + " \"" + label + "\"");
      Body(true);
    }
  }

  std::string DottedName() {
    const size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' ||
                                s_[pos_] == '.')) {
      ++pos_;
    }
    if (start == pos_) throw std::string("expected a name, found '") + s_[pos_] + "'";
    return s_.substr(start, pos_ - start);
  }

  // An expression ends at a newline outside brackets.
  void Expression() {
    std::string stack;
    const size_t start = pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '"' || c == '`') {
        String();
        continue;
      }
      if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') stack += c;
      if (c == ')' || c == ']' || c == '}') {
        if (stack.empty()) break;  // the enclosing block's }
        const char open = stack.back();
        if ((c == ')' && open != '(') || (c == ']' && open != '[') || (c == '}' && open != '{')) {
          throw std::string("mismatched ") + c;
        }
        stack.pop_back();
      }
      if (c == '\n' && stack.empty()) break;
      ++pos_;
    }
    if (!stack.empty()) throw std::string("unclosed ") + stack.back();
    expressions_ += s_.substr(start, pos_ - start) + "\n";
  }

  std::string String() {
    const char quote = s_[pos_++];
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      if (quote == '"' && s_[pos_] == '\n') throw std::string("newline in a string");
      if (quote == '"' && s_[pos_] == '\\') ++pos_;
      out += s_[pos_++];
    }
    if (pos_ >= s_.size()) throw std::string("unterminated string");
    ++pos_;
    return out;
  }

  void Skip() {
    while (pos_ < s_.size()) {
      if (std::isspace(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == ',') {
        ++pos_;
      } else if (s_.compare(pos_, 2, "//") == 0) {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (s_.compare(pos_, 2, "/*") == 0) {
        const size_t end = s_.find("*/", pos_ + 2);
        if (end == std::string::npos) throw std::string("unterminated comment");
        pos_ = end + 2;
      } else {
        return;
      }
    }
  }

  size_t Line() const { return static_cast<size_t>(std::count(s_.begin(), s_.begin() + pos_, '\n')) + 1; }

  const std::string& s_;
  size_t pos_ = 0;
  std::multiset<std::string> components_;
  std::string expressions_;
};

}  // namespace

TEST_CASE("every Alloy configuration parses and its component references resolve", "[alloy]") {
  // <component name>.<label>.<export>: the exports our configurations use.
  const std::regex reference(
      "\\b((?:[a-z_]+\\.)+[a-z_]+)\\.([A-Za-z0-9_]+)\\.(input|receiver|receivers|targets|output|rules)\\b");
  int checked = 0;
  for (const Rendered& r : AllRenders()) {
    for (const auto& [path, content] : r.files) {
      if (path.find("alloy") == std::string::npos || !lgtmgen::test::EndsWith(path, ".yaml")) continue;
      const YAML::Node values = YAML::Load(content);
      if (!values.IsMap() || !values["alloy"] || !values["alloy"]["configMap"] ||
          !values["alloy"]["configMap"]["content"]) {
        continue;
      }
      const std::string config = values["alloy"]["configMap"]["content"].as<std::string>();
      INFO(r.name << ": " << path << "\n" << config);
      AlloyReader reader(config);
      REQUIRE(reader.Parse().empty());
      for (const std::string& component : reader.Components()) {
        INFO(component);
        CHECK(reader.Components().count(component) == 1);  // declared once
      }
      const std::string& expressions = reader.Expressions();
      for (auto it = std::sregex_iterator(expressions.begin(), expressions.end(), reference);
           it != std::sregex_iterator(); ++it) {
        INFO("reference " << it->str());
        CHECK(reader.Components().count((*it)[1].str() + " \"" + (*it)[2].str() + "\"") == 1);
      }
      ++checked;
    }
  }
  CHECK(checked > 0);
}

TEST_CASE("the Alloy reader finds what it is meant to find", "[alloy]") {
  CHECK(AlloyReader("a.b \"x\" {\n  k = [1, {v = \"s\"}]\n  c { d = `raw` }\n}\n").Parse().empty());
  CHECK_FALSE(AlloyReader("a.b \"x\" {\n  k = [1, 2\n").Parse().empty());
  CHECK_FALSE(AlloyReader("a.b \"x\" {\n  k = \"open\n}\n").Parse().empty());
  CHECK_FALSE(AlloyReader("a.b \"x\" \n  k = 1\n}\n").Parse().empty());
}
