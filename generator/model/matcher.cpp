#include "model/matcher.h"

#include <cctype>

namespace lgtmgen::model {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

std::string Trim(const std::string& s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// The value after the operator: quoted (with escapes) or bare.
std::optional<std::string> ParseValue(const std::string& raw) {
  const std::string v = Trim(raw);
  if (v.empty() || v.front() != '"') {
    if (v.find('"') != std::string::npos) return std::nullopt;
    return v;
  }
  std::string out;
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      out += v[++i];
    } else if (v[i] == '"') {
      if (i + 1 != v.size()) return std::nullopt;  // text after the closing quote
      return out;
    } else {
      out += v[i];
    }
  }
  return std::nullopt;  // no closing quote
}

}  // namespace

std::optional<Matcher> ParseMatcher(const std::string& text) {
  const std::string t = Trim(text);
  size_t i = 0;
  if (t.empty() || !IsNameStart(t[0])) return std::nullopt;
  while (i < t.size() && IsNameChar(t[i])) ++i;
  Matcher m;
  m.name = t.substr(0, i);
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
  for (const char* op : {"=~", "!~", "!=", "="}) {
    if (t.compare(i, std::char_traits<char>::length(op), op) == 0) {
      m.op = op;
      break;
    }
  }
  if (m.op.empty()) return std::nullopt;
  std::optional<std::string> value = ParseValue(t.substr(i + m.op.size()));
  if (!value) return std::nullopt;
  m.value = *value;
  return m;
}

}  // namespace lgtmgen::model
