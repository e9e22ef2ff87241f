#include "spec/document.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <regex>
#include <sstream>
#include <unordered_set>
#include <vector>

namespace lgtmgen::spec {
namespace {

using nlohmann::ordered_json;

diag::SourceLoc LocOf(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

ordered_json PlainScalar(const std::string& s) {
  static const std::regex kInt(R"([-+]?[0-9]+)");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::regex_match(s, kInt)) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      return s;
    }
  }
  if (std::regex_match(s, kFloat)) {
    try {
      return std::stod(s);
    } catch (const std::out_of_range&) {
      return s;  // beyond a double (1e309): a string, which the schema then refuses with its location
    }
  }
  return s;
}

// Records where the first value of a document is (an empty document has
// none).
class FirstValue final : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> mark;
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { Seen(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { Seen(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    Seen(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    Seen(m);
  }
  void OnMapEnd() override {}

 private:
  void Seen(const YAML::Mark& m) {
    if (!mark) mark = m;
  }
};

// Where a second, non-empty document starts, if the text has one. Reads at
// most two documents: yaml-cpp's LoadAll can loop forever on broken input.
std::optional<YAML::Mark> SecondDocument(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstValue first, second;
  if (!parser.HandleNextDocument(first) || !parser.HandleNextDocument(second)) return std::nullopt;
  return second.mark;
}

// The offset of the first byte that is not part of well-formed UTF-8, or
// npos. YAML is Unicode; the JSON the checks work on must be UTF-8.
size_t InvalidUtf8At(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t len = 0;
    uint32_t min = 0, cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2, min = 0x80, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, min = 0x800, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > text.size()) return i;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return std::string::npos;
}

// A spec is small: a fleet of 1000 clusters has about 20,000 values. These
// limits stop what only a hostile or broken file holds (an alias bomb: a few
// hundred bytes whose aliases expand to billions of values; nesting deep
// enough to exhaust the stack) before it costs time or memory.
constexpr size_t kMaxValues = 200'000;
constexpr int kMaxDepth = 64;

// Thrown inside the conversion to stop it (a limit reached, an unclosed
// quote), with where and why.
struct Refusal {
  YAML::Mark mark;
  std::string what;
  std::string hint =
      "a fleet spec is a few thousand values; check the aliases (*name) and anchors (&name) near here";
};

class Converter {
 public:
  Converter(Document& doc, diag::Diagnostics& diags) : doc_(doc), diags_(diags) {}

  ordered_json Convert(const YAML::Node& node, const std::string& pointer, int depth = 0) {
    if (++values_ > kMaxValues) {
      throw Refusal{node.Mark(), fmt::format("the spec holds more than {} values once its aliases are "
                                                   "expanded", kMaxValues)};
    }
    if (depth > kMaxDepth) {
      throw Refusal{node.Mark(), fmt::format("the spec nests deeper than {} levels", kMaxDepth)};
    }
    doc_.value_locs.emplace(pointer, LocOf(doc_.file, node.Mark()));
    switch (node.Type()) {
      case YAML::NodeType::Map: return ConvertMap(node, pointer, depth);
      case YAML::NodeType::Sequence: {
        ordered_json out = ordered_json::array();
        size_t i = 0;
        for (const YAML::Node& item : node) out.push_back(Convert(item, Child(pointer, i++), depth + 1));
        return out;
      }
      case YAML::NodeType::Scalar:
        if (node.Tag() == "?") return PlainScalar(node.Scalar());
        CheckQuoteClosed(node);
        return node.Scalar();
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined: return nullptr;
    }
    return nullptr;
  }

 private:
  ordered_json ConvertMap(const YAML::Node& node, const std::string& pointer, int depth) {
    ordered_json out = ordered_json::object();
    // ordered_json finds keys by a linear scan: keys are tracked here and
    // appended directly, so a mapping of n keys costs O(n), not O(n²).
    auto& members = out.get_ref<ordered_json::object_t&>();
    std::unordered_set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      diag::SourceLoc key_loc = LocOf(doc_.file, it->first.Mark());
      if (!it->first.IsScalar()) {
        diags_.Error(key_loc, "a mapping key must be a plain string",
                     "write the key as a name; a list or mapping as a key (YAML's `? ...`) means nothing here");
        continue;
      }
      const std::string key = it->first.Scalar();
      const std::string child = Child(pointer, key);
      if (!seen.insert(key).second) {
        diags_.Error(key_loc, fmt::format("duplicate key '{}'", key),
                     "YAML keeps only one of them; remove or merge the other")
            .notes.push_back({doc_.key_locs.at(child), "first defined here"});
        continue;
      }
      doc_.key_locs.emplace(child, key_loc);
      members.std::vector<ordered_json::object_t::value_type>::emplace_back(key, Convert(it->second, child, depth + 1));
    }
    return out;
  }

  // yaml-cpp accepts a quoted scalar that runs to the end of the file as if
  // the quote were closed there; YAML does not.
  void CheckQuoteClosed(const YAML::Node& node) {
    const std::string& text = doc_.text;
    const auto pos = static_cast<size_t>(node.Mark().pos);
    if (node.Mark().pos < 0 || pos >= text.size() || (text[pos] != '"' && text[pos] != '\'')) return;
    const char quote = text[pos];
    for (size_t i = pos + 1; i < text.size(); ++i) {
      if (quote == '"' && text[i] == '\\') {
        ++i;
      } else if (text[i] == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;  // '' is a quote inside a single-quoted scalar
        } else {
          return;
        }
      }
    }
    throw Refusal{node.Mark(), "invalid YAML: the quoted string that starts here is never closed",
                  fmt::format("add the closing {} (the string runs to the end of the file)", quote)};
  }

  Document& doc_;
  diag::Diagnostics& diags_;
  size_t values_ = 0;
};

}  // namespace

std::string Child(const std::string& pointer, const std::string& key) {
  std::string escaped;
  for (char c : key) {
    if (c == '~') escaped += "~0";
    else if (c == '/') escaped += "~1";
    else escaped += c;
  }
  return pointer + "/" + escaped;
}

std::string Child(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

diag::SourceLoc Document::ValueLoc(const std::string& pointer) const {
  for (std::string p = pointer;; p = p.substr(0, p.rfind('/'))) {
    if (auto it = value_locs.find(p); it != value_locs.end()) return it->second;
    if (p.empty()) return {file, 0, 0};
  }
}

diag::SourceLoc Document::KeyLoc(const std::string& pointer) const {
  if (auto it = key_locs.find(pointer); it != key_locs.end()) return it->second;
  return ValueLoc(pointer);
}

std::optional<Document> Load(const std::string& file, const std::string& text,
                             diag::Diagnostics& diags) {
  Document doc;
  doc.file = file;
  doc.text = text;
  if (const size_t bad = InvalidUtf8At(text); bad != std::string::npos) {
    const size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
    const int line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n')) + 1;
    const int col = static_cast<int>(bad - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
    diags.Error(diag::SourceLoc{file, line, col},
                fmt::format("the spec is not UTF-8 text (byte 0x{:02x})",
                            static_cast<unsigned>(static_cast<unsigned char>(text[bad]))),
                "save the file as UTF-8");
    return std::nullopt;
  }
  YAML::Node node;
  try {
    node = YAML::Load(text);  // the first document
    if (const std::optional<YAML::Mark> second = SecondDocument(text)) {
      diags.Error(LocOf(file, *second), "the fleet spec is one YAML document; this is another one",
                  "remove the `---` and what follows, or put the other fleet in its own file");
      return std::nullopt;
    }
  } catch (const YAML::ParserException& e) {
    diags.Error(LocOf(file, e.mark), fmt::format("invalid YAML: {}", e.msg),
                "check the indentation and quoting on this line and the one before it");
    return std::nullopt;
  }
  if (!node.IsMap()) {
    diags.Error(LocOf(file, node.Mark()), "the fleet spec must be a YAML mapping",
                "start from `lgtmgen presets init minimal`");
    return std::nullopt;
  }
  const int errors_before = diags.ErrorCount();
  try {
    doc.root = Converter(doc, diags).Convert(node, "");
  } catch (const Refusal& e) {
    diags.Error(LocOf(file, e.mark), e.what, e.hint);
    return std::nullopt;
  }
  if (diags.ErrorCount() > errors_before) return std::nullopt;
  return doc;
}

}  // namespace lgtmgen::spec
