#include "render/template.h"

#include <fmt/format.h>

#include <set>
#include <vector>

#include "render/resources.h"

namespace lgtmgen::render {
namespace {

bool IsTrue(const std::string& v) { return !v.empty() && v != "false"; }

class Renderer {
 public:
  Renderer(const std::string& name, const Vars& vars) : name_(name), vars_(vars) {}

  std::string Run(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 2);
    std::vector<bool> active{true};
    int line_no = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      const bool has_newline = end != std::string_view::npos;
      if (!has_newline) end = text.size();
      const std::string_view line = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      if (Directive(line, line_no, active)) continue;
      // Lines of a dropped block are still substituted (into nothing), so
      // that their variables count as used and unknown ones are reported.
      Substitute(line, line_no, has_newline, active.back() ? &out : nullptr);
    }
    if (active.size() != 1) Fail(line_no, "#~if without #~end");
    for (const auto& [var, _] : vars_) {
      if (used_.count(var) == 0) Fail(0, fmt::format("variable '{}' is given but never used", var));
    }
    return out;
  }

 private:
  [[noreturn]] void Fail(int line, const std::string& what) const {
    throw TemplateError(line > 0 ? fmt::format("{}:{}: {}", name_, line, what)
                                 : fmt::format("{}: {}", name_, what));
  }

  const std::string& Lookup(std::string_view var, int line) {
    auto it = vars_.find(var);
    if (it == vars_.end()) Fail(line, fmt::format("unknown variable '{}'", var));
    if (used_.find(var) == used_.end()) used_.emplace(var);
    return it->second;
  }

  // Handles #~ lines; returns true when line was one.
  bool Directive(std::string_view line, int line_no, std::vector<bool>& active) {
    const size_t start = line.find_first_not_of(' ');
    if (start == std::string_view::npos || line.substr(start, 2) != "#~") return false;
    const std::string_view rest = line.substr(start + 2);
    if (rest.substr(0, 3) == "if " || rest.substr(0, 6) == "ifnot ") {
      const bool negate = rest.substr(0, 6) == "ifnot ";
      const bool cond = IsTrue(Lookup(rest.substr(negate ? 6 : 3), line_no)) != negate;
      active.push_back(active.back() && cond);
    } else if (rest == "end") {
      if (active.size() == 1) Fail(line_no, "#~end without #~if");
      active.pop_back();
    }
    return true;
  }

  // Appends line, its placeholders replaced, to *out (when out is not null).
  void Substitute(std::string_view line, int line_no, bool newline, std::string* out) {
    const size_t indent = line.find_first_not_of(' ');
    // A placeholder alone on its line: indent a multi-line value block-wise.
    if (indent != std::string_view::npos && line.size() > indent + 4 && line.substr(indent, 2) == "@@" &&
        line.substr(line.size() - 2) == "@@" && line.find("@@", indent + 2) == line.size() - 2) {
      const std::string& value = Lookup(line.substr(indent + 2, line.size() - indent - 4), line_no);
      if (out != nullptr) AppendIndented(*out, value, line.substr(0, indent));
      return;
    }
    size_t pos = 0;
    while (true) {
      const size_t open = line.find("@@", pos);
      if (open == std::string_view::npos) break;
      const size_t close = line.find("@@", open + 2);
      if (close == std::string_view::npos) Fail(line_no, "unterminated @@ placeholder");
      const std::string& value = Lookup(line.substr(open + 2, close - open - 2), line_no);
      if (value.find('\n') != std::string::npos) {
        Fail(line_no, "a multi-line value must stand alone on its line");
      }
      if (out != nullptr) out->append(line.substr(pos, open - pos)).append(value);
      pos = close + 2;
    }
    if (out == nullptr) return;
    out->append(line.substr(pos));
    if (newline) out->push_back('\n');
  }

  // Each line of value, indented (an empty line stays empty).
  static void AppendIndented(std::string& out, const std::string& value, std::string_view indent) {
    size_t pos = 0;
    while (pos < value.size()) {
      size_t end = value.find('\n', pos);
      if (end == std::string::npos) end = value.size();
      if (end > pos) out.append(indent).append(value, pos, end - pos);
      out.push_back('\n');
      pos = end + 1;
    }
  }

  const std::string& name_;
  const Vars& vars_;
  std::set<std::string, std::less<>> used_;
};

}  // namespace

Vars UsedBy(std::string_view text, const Vars& vars) {
  Vars used;
  auto take = [&](std::string_view name) {
    if (auto it = vars.find(name); it != vars.end()) used.insert(*it);
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    const size_t start = line.find_first_not_of(' ');
    if (start != std::string_view::npos && line.substr(start, 2) == "#~") {  // #~if NAME, #~ifnot NAME
      const std::string_view rest = line.substr(start + 2);
      if (rest.substr(0, 3) == "if ") take(rest.substr(3));
      if (rest.substr(0, 6) == "ifnot ") take(rest.substr(6));
      continue;
    }
    for (size_t open = line.find("@@"); open != std::string_view::npos;) {
      const size_t close = line.find("@@", open + 2);
      if (close == std::string_view::npos) break;
      take(line.substr(open + 2, close - open - 2));
      open = line.find("@@", close + 2);
    }
  }
  return used;
}

std::string Render(std::string_view text, const std::string& name, const Vars& vars) {
  return Renderer(name, vars).Run(text);
}

std::string RenderFile(const std::string& path, const Vars& vars) {
  const std::string full = "templates/" + path;
  return Render(resources::Get(full), full, vars);
}

}  // namespace lgtmgen::render
