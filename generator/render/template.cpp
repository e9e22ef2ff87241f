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
    std::vector<bool> active{true};
    int line_no = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      const bool has_newline = end != std::string_view::npos;
      if (!has_newline) end = text.size();
      const std::string line(text.substr(pos, end - pos));
      pos = end + 1;
      ++line_no;
      if (Directive(line, line_no, active)) continue;
      // Lines of a dropped block are still substituted, so that their
      // variables count as used and unknown ones are reported.
      std::string rendered = Substitute(line, line_no, has_newline);
      if (active.back()) out += rendered;
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

  const std::string& Lookup(const std::string& var, int line) {
    auto it = vars_.find(var);
    if (it == vars_.end()) Fail(line, fmt::format("unknown variable '{}'", var));
    used_.insert(var);
    return it->second;
  }

  // Handles #~ lines; returns true when line was one.
  bool Directive(const std::string& line, int line_no, std::vector<bool>& active) {
    const size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos || line.compare(start, 2, "#~") != 0) return false;
    const std::string rest = line.substr(start + 2);
    if (rest.rfind("if ", 0) == 0 || rest.rfind("ifnot ", 0) == 0) {
      const bool negate = rest.rfind("ifnot ", 0) == 0;
      const std::string var = rest.substr(negate ? 6 : 3);
      const bool cond = IsTrue(Lookup(var, line_no)) != negate;
      active.push_back(active.back() && cond);
    } else if (rest == "end") {
      if (active.size() == 1) Fail(line_no, "#~end without #~if");
      active.pop_back();
    }
    return true;
  }

  std::string Substitute(const std::string& line, int line_no, bool newline) {
    const size_t indent = line.find_first_not_of(' ');
    // A placeholder alone on its line: indent a multi-line value block-wise.
    if (indent != std::string::npos && line.size() > indent + 4 && line.compare(indent, 2, "@@") == 0 &&
        line.compare(line.size() - 2, 2, "@@") == 0 &&
        line.find("@@", indent + 2) == line.size() - 2) {
      const std::string& value = Lookup(line.substr(indent + 2, line.size() - indent - 4), line_no);
      return IndentBlock(value, line.substr(0, indent));
    }
    std::string out;
    size_t pos = 0;
    while (true) {
      const size_t open = line.find("@@", pos);
      if (open == std::string::npos) break;
      const size_t close = line.find("@@", open + 2);
      if (close == std::string::npos) Fail(line_no, "unterminated @@ placeholder");
      out += line.substr(pos, open - pos);
      const std::string& value = Lookup(line.substr(open + 2, close - open - 2), line_no);
      if (value.find('\n') != std::string::npos) {
        Fail(line_no, "a multi-line value must stand alone on its line");
      }
      out += value;
      pos = close + 2;
    }
    out += line.substr(pos);
    if (newline) out += '\n';
    return out;
  }

  static std::string IndentBlock(const std::string& value, const std::string& indent) {
    std::string out;
    size_t pos = 0;
    while (pos < value.size()) {
      size_t end = value.find('\n', pos);
      if (end == std::string::npos) end = value.size();
      const std::string line = value.substr(pos, end - pos);
      out += line.empty() ? "\n" : indent + line + "\n";
      pos = end + 1;
    }
    return out;
  }

  const std::string& name_;
  const Vars& vars_;
  std::set<std::string> used_;
};

}  // namespace

Vars UsedBy(std::string_view text, const Vars& vars) {
  Vars used;
  auto take = [&](std::string_view name) {
    if (auto it = vars.find(std::string(name)); it != vars.end()) used.insert(*it);
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
