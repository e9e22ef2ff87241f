#include "spec/schema_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>

#include "diag/spelling.h"

namespace lgtmgen::spec {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::string TypeOf(const ordered_json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

std::string Describe(const std::string& type) {
  if (type == "object") return "a mapping";
  if (type == "array") return "a list";
  if (type == "string") return "a string";
  if (type == "integer") return "a whole number";
  if (type == "number") return "a number";
  if (type == "boolean") return "true or false";
  return "nothing (null)";
}

bool TypeMatches(const std::string& want, const ordered_json& v) {
  const std::string have = TypeOf(v);
  return want == have || (want == "number" && have == "integer");
}

std::vector<std::string> TypesOf(const json& schema) {
  if (!schema.contains("type")) return {};
  if (schema["type"].is_string()) return {schema["type"].get<std::string>()};
  return schema["type"].get<std::vector<std::string>>();
}

std::string ScalarText(const ordered_json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

class Checker {
 public:
  Checker(const json& root, const Document& doc, const std::set<std::string>& skip,
          diag::Diagnostics& diags)
      : root_(root), doc_(doc), skip_(skip), diags_(diags) {}

  void Check(const json& schema_in, const ordered_json& value, const std::string& ptr) {
    if (skip_.count(ptr) != 0) return;
    const json& schema = Resolve(schema_in);
    if (schema.contains("oneOf")) return CheckOneOf(schema, value, ptr);
    const std::vector<std::string> types = TypesOf(schema);
    if (!types.empty() && !MatchesAny(types, value)) {
      std::vector<std::string> wanted;
      for (const auto& t : types) wanted.push_back(Describe(t));
      diags_.Error(doc_.ValueLoc(ptr),
                   fmt::format("{}: expected {}, got {}", DisplayPath(ptr),
                               fmt::join(wanted, " or "), Describe(TypeOf(value))));
      return;
    }
    if (schema.contains("enum") && !CheckEnum(schema, value, ptr)) return;
    if (value.is_string()) CheckString(schema, value.get<std::string>(), ptr);
    if (value.is_number()) CheckNumber(schema, value, ptr);
    if (value.is_object()) CheckObject(schema, value, ptr);
    if (value.is_array()) CheckArray(schema, value, ptr);
  }

 private:
  const json& Resolve(const json& schema) const {
    if (!schema.contains("$ref")) return schema;
    const std::string ref = schema["$ref"].get<std::string>();
    return Resolve(root_.at(json::json_pointer(ref.substr(1))));
  }

  const std::regex& Compiled(const std::string& pattern) {
    auto it = regexes_.find(pattern);
    if (it == regexes_.end()) it = regexes_.emplace(pattern, std::regex(pattern)).first;
    return it->second;
  }

  static bool HasRequiredKeys(const json& schema, const ordered_json& object) {
    if (!schema.contains("required")) return true;
    for (const json& key : schema["required"]) {
      if (!object.contains(key.get<std::string>())) return false;
    }
    return true;
  }

  static bool KnowsAnyKey(const json& schema, const ordered_json& object) {
    if (!schema.contains("properties")) return false;
    for (const auto& [key, unused] : object.items()) {
      if (schema["properties"].contains(key)) return true;
    }
    return false;
  }

  static bool MatchesAny(const std::vector<std::string>& types, const ordered_json& v) {
    for (const auto& t : types) {
      if (TypeMatches(t, v)) return true;
    }
    return false;
  }

  void CheckOneOf(const json& schema, const ordered_json& value, const std::string& ptr) {
    // The branch to judge by: among those of the value's type, the first
    // whose required keys the object has all (catalog entry vs inline
    // group), else the first that knows one of the object's keys, else the
    // first of its type.
    const json* fallback = nullptr;
    std::vector<std::string> wanted;
    for (const json& branch_in : schema["oneOf"]) {
      const json& branch = Resolve(branch_in);
      const auto types = TypesOf(branch);
      if (MatchesAny(types, value)) {
        if (!value.is_object() || HasRequiredKeys(branch, value)) return Check(branch, value, ptr);
        if (fallback == nullptr || (!KnowsAnyKey(*fallback, value) && KnowsAnyKey(branch, value))) {
          fallback = &branch;
        }
      }
      for (const auto& t : types) wanted.push_back(Describe(t));
    }
    if (fallback != nullptr) return Check(*fallback, value, ptr);
    diags_.Error(doc_.ValueLoc(ptr), fmt::format("{}: expected {}, got {}", DisplayPath(ptr),
                                                 fmt::join(wanted, " or "), Describe(TypeOf(value))));
  }

  bool CheckEnum(const json& schema, const ordered_json& value, const std::string& ptr) {
    std::vector<std::string> allowed;
    for (const json& e : schema["enum"]) {
      if (json(value) == e) return true;
      allowed.push_back(e.is_string() ? e.get<std::string>() : e.dump());
    }
    diags_.Error(doc_.ValueLoc(ptr),
                 fmt::format("{}: '{}' is not one of the allowed values", DisplayPath(ptr),
                             ScalarText(value)),
                 diag::SuggestionHint(ScalarText(value), allowed));
    return false;
  }

  void CheckString(const json& schema, const std::string& s, const std::string& ptr) {
    if (schema.contains("minLength") && s.size() < schema["minLength"].get<size_t>()) {
      diags_.Error(doc_.ValueLoc(ptr), fmt::format("{}: must not be empty", DisplayPath(ptr)));
      return;
    }
    if (schema.contains("maxLength") && s.size() > schema["maxLength"].get<size_t>()) {
      diags_.Error(doc_.ValueLoc(ptr),
                   fmt::format("{}: '{}' is longer than {} characters", DisplayPath(ptr), s,
                               schema["maxLength"].get<size_t>()));
      return;
    }
    if (schema.contains("pattern")) {
      if (!std::regex_search(s, Compiled(schema["pattern"].get<std::string>()))) {
        diags_.Error(doc_.ValueLoc(ptr), fmt::format("{}: '{}' is not valid", DisplayPath(ptr), s),
                     schema.value("x-hint", fmt::format("it must match {}",
                                                        schema["pattern"].get<std::string>())));
      }
    }
  }

  void CheckNumber(const json& schema, const ordered_json& v, const std::string& ptr) {
    const double x = v.get<double>();
    if ((schema.contains("minimum") && x < schema["minimum"].get<double>()) ||
        (schema.contains("maximum") && x > schema["maximum"].get<double>())) {
      diags_.Error(doc_.ValueLoc(ptr),
                   fmt::format("{}: {} is out of range", DisplayPath(ptr), v.dump()),
                   fmt::format("it must be between {} and {}", schema.value("minimum", json("-∞")).dump(),
                               schema.value("maximum", json("∞")).dump()));
    }
  }

  void CheckObject(const json& schema, const ordered_json& obj, const std::string& ptr) {
    const json empty = json::object();
    const json& props = schema.contains("properties") ? schema["properties"] : empty;
    std::vector<std::string> known;
    for (const auto& [k, _] : props.items()) known.push_back(k);
    for (const auto& [key, child] : obj.items()) {
      const std::string child_ptr = Child(ptr, key);
      if (schema.contains("propertyNames") && schema["propertyNames"].contains("pattern") &&
          !std::regex_search(key, Compiled(schema["propertyNames"]["pattern"].get<std::string>()))) {
        diags_.Error(doc_.KeyLoc(child_ptr), fmt::format("{}: the key '{}' is not valid", DisplayPath(ptr), key),
                     schema["propertyNames"].value(
                         "x-hint", fmt::format("keys must match {}", schema["propertyNames"]["pattern"].get<std::string>())));
        continue;
      }
      if (props.contains(key)) {
        Check(props[key], child, child_ptr);
      } else if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
        Check(schema["additionalProperties"], child, child_ptr);
      } else if (schema.value("additionalProperties", true) == false && skip_.count(child_ptr) == 0) {
        std::string where = ptr.empty() ? "at the top level" : "in " + DisplayPath(ptr);
        diags_.Error(doc_.KeyLoc(child_ptr), fmt::format("unknown key '{}' {}", key, where),
                     diag::SuggestionHint(key, known));
      }
    }
    // An object holding a literal secret lacks the reference that should have
    // replaced it; saying so again would only repeat the first error.
    bool reported_child = false;
    for (const auto& [key, _] : obj.items()) reported_child = reported_child || skip_.count(Child(ptr, key)) != 0;
    if (schema.contains("required") && !reported_child) {
      for (const json& r : schema["required"]) {
        const std::string key = r.get<std::string>();
        if (!obj.contains(key)) {
          std::string what = ptr.empty() ? "the spec" : DisplayPath(ptr);
          diags_.Error(doc_.ValueLoc(ptr), fmt::format("{} is missing required key '{}'", what, key),
                       props.contains(key) ? props[key].value("description", "") : "");
        }
      }
    }
  }

  void CheckArray(const json& schema, const ordered_json& arr, const std::string& ptr) {
    if (schema.contains("minItems") && arr.size() < schema["minItems"].get<size_t>()) {
      diags_.Error(doc_.ValueLoc(ptr),
                   fmt::format("{}: needs at least {} item{}", DisplayPath(ptr),
                               schema["minItems"].get<size_t>(),
                               schema["minItems"].get<size_t>() == 1 ? "" : "s"));
    }
    for (size_t i = 0; i < arr.size(); ++i) {
      const std::string item_ptr = Child(ptr, i);
      if (schema.contains("items")) Check(schema["items"], arr[i], item_ptr);
      if (schema.value("uniqueItems", false)) {
        for (size_t j = 0; j < i; ++j) {
          if (arr[j] == arr[i]) {
            diags_.Error(doc_.ValueLoc(item_ptr),
                         fmt::format("{}: '{}' is listed twice", DisplayPath(ptr), ScalarText(arr[i])))
                .notes.push_back({doc_.ValueLoc(Child(ptr, j)), "first listed here"});
            break;
          }
        }
      }
    }
  }

  const json& root_;
  const Document& doc_;
  const std::set<std::string>& skip_;
  diag::Diagnostics& diags_;
  std::map<std::string, std::regex> regexes_;
};

}  // namespace

std::string DisplayPath(const std::string& pointer) {
  std::string out;
  size_t pos = 1;
  while (pos <= pointer.size() && !pointer.empty()) {
    size_t next = pointer.find('/', pos);
    std::string part = pointer.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (!part.empty() && std::all_of(part.begin(), part.end(), ::isdigit)) {
      out += "[" + part + "]";
    } else {
      if (!out.empty()) out += ".";
      out += part;
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return out.empty() ? "(top level)" : out;
}

void CheckSchema(const nlohmann::json& schema, const Document& doc,
                 const std::set<std::string>& skip, diag::Diagnostics& diags) {
  Checker(schema, doc, skip, diags).Check(schema, doc.root, "");
}

}  // namespace lgtmgen::spec
