#pragma once
// Diagnostics are data: every user error is collected here with its source span
// and printed once, compiler style, by diag::Print.
#include <string>
#include <vector>

namespace lgtmgen::diag {

/// A position in a spec file, 1-based. line == 0 means "no position" (for
/// example a rule about the whole file); the printer then prints only the file.
struct SourceLoc {
  std::string file;
  int line = 0;
  int col = 0;
};

enum class Severity { kError, kWarning, kNote };

struct Note {
  SourceLoc loc;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceLoc loc;
  std::string message;
  std::string hint;  ///< printed as "hint: ..." when not empty
  std::vector<Note> notes;
};

/// Collects diagnostics in the order they are reported. Never throws.
class Diagnostics {
 public:
  /// Reports an error; returns it so callers can attach notes.
  Diagnostic& Error(SourceLoc loc, std::string message, std::string hint = {});
  Diagnostic& Warning(SourceLoc loc, std::string message, std::string hint = {});

  [[nodiscard]] bool HasErrors() const { return error_count_ > 0; }
  [[nodiscard]] int ErrorCount() const { return error_count_; }
  [[nodiscard]] const std::vector<Diagnostic>& All() const { return all_; }

 private:
  std::vector<Diagnostic> all_;
  int error_count_ = 0;
};

/// Source text per file name, so the printer can show the offending line.
class SourceTexts {
 public:
  void Add(const std::string& file, const std::string& text);
  /// The 1-based line of file, or nullptr when unknown.
  [[nodiscard]] const std::string* Line(const std::string& file, int line) const;

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> files_;
};

/// Prints diagnostics gcc style: "file:line:col: error: message", the source
/// line with a caret, the hint, then the notes; and a count at the end. After
/// max_shown diagnostics the rest are only counted.
[[nodiscard]] std::string Format(const Diagnostics& diags, const SourceTexts& sources, size_t max_shown = 50);

}  // namespace lgtmgen::diag
