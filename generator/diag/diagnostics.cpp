#include "diag/diagnostics.h"

#include <fmt/format.h>

#include <sstream>

namespace lgtmgen::diag {

Diagnostic& Diagnostics::Error(SourceLoc loc, std::string message, std::string hint) {
  ++error_count_;
  return all_.emplace_back(
      Diagnostic{Severity::kError, std::move(loc), std::move(message), std::move(hint), {}});
}

Diagnostic& Diagnostics::Warning(SourceLoc loc, std::string message, std::string hint) {
  return all_.emplace_back(
      Diagnostic{Severity::kWarning, std::move(loc), std::move(message), std::move(hint), {}});
}

void SourceTexts::Add(const std::string& file, const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  files_.emplace_back(file, std::move(lines));
}

const std::string* SourceTexts::Line(const std::string& file, int line) const {
  for (const auto& [name, lines] : files_) {
    if (name == file && line >= 1 && line <= static_cast<int>(lines.size())) {
      return &lines[static_cast<size_t>(line - 1)];
    }
  }
  return nullptr;
}

namespace {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "error";
}

std::string Location(const SourceLoc& loc) {
  if (loc.file.empty()) return "lgtmgen";
  if (loc.line == 0) return loc.file;
  return fmt::format("{}:{}:{}", loc.file, loc.line, loc.col);
}

// text with every control character but tab shown as an escape (\n, \r,
// \x1b...): a spec value quoted in a message never moves the cursor, clears
// the terminal or starts a line of its own.
std::string Printable(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out;
}

void AppendSourceLine(std::string& out, const SourceLoc& loc, const SourceTexts& sources) {
  const std::string* line = sources.Line(loc.file, loc.line);
  if (line == nullptr) return;
  out += fmt::format("{:>5} | {}\n", loc.line, Printable(*line));
  std::string pad;
  for (int i = 1; i < loc.col && i <= static_cast<int>(line->size()); ++i) {
    pad += (*line)[static_cast<size_t>(i - 1)] == '\t' ? '\t' : ' ';
  }
  out += fmt::format("{:>5} | {}^\n", "", pad);
}

}  // namespace

std::string Format(const Diagnostics& diags, const SourceTexts& sources, size_t max_shown) {
  std::string out;
  int warnings = 0;
  size_t shown = 0;
  for (const Diagnostic& d : diags.All()) {
    if (d.severity == Severity::kWarning) ++warnings;
    if (shown++ == max_shown) out += fmt::format("(only the first {} diagnostics are shown)\n", max_shown);
    if (shown > max_shown) continue;
    out += fmt::format("{}: {}: {}\n", Location(d.loc), SeverityName(d.severity), Printable(d.message));
    AppendSourceLine(out, d.loc, sources);
    if (!d.hint.empty()) out += fmt::format("  hint: {}\n", Printable(d.hint));
    for (const Note& n : d.notes) {
      out += fmt::format("{}: note: {}\n", Location(n.loc), Printable(n.message));
      AppendSourceLine(out, n.loc, sources);
    }
  }
  if (diags.ErrorCount() > 0 || warnings > 0) {
    out += fmt::format("{} error{}, {} warning{}\n", diags.ErrorCount(),
                       diags.ErrorCount() == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  }
  return out;
}

}  // namespace lgtmgen::diag
