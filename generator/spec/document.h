#pragma once
// spec::Load: the fleet spec's YAML text → a JSON document that remembers, for
// every value and every mapping key, where it came from in the file.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <unordered_map>

#include "diag/diagnostics.h"

namespace lgtmgen::spec {

/// The parsed spec. Pointers are JSON pointers ("/clusters/0/name").
struct Document {
  std::string file;  ///< the name diagnostics print
  std::string text;  ///< the file's bytes, as read
  nlohmann::ordered_json root;
  std::unordered_map<std::string, diag::SourceLoc> value_locs;
  std::unordered_map<std::string, diag::SourceLoc> key_locs;

  /// Where the value at pointer starts; falls back to the nearest parent.
  [[nodiscard]] diag::SourceLoc ValueLoc(const std::string& pointer) const;
  /// Where the mapping key naming pointer starts; falls back to ValueLoc.
  [[nodiscard]] diag::SourceLoc KeyLoc(const std::string& pointer) const;
};

/// Parses text. YAML syntax errors, duplicate keys and a non-mapping top level
/// are reported to diags (with positions) and give std::nullopt. Plain scalars
/// become booleans, integers, floats or null as YAML 1.2's core schema reads
/// them; quoted scalars are always strings.
[[nodiscard]] std::optional<Document> Load(const std::string& file, const std::string& text,
                                           diag::Diagnostics& diags);

/// Appends a key to a JSON pointer, escaping '~' and '/'.
[[nodiscard]] std::string Child(const std::string& pointer, const std::string& key);
[[nodiscard]] std::string Child(const std::string& pointer, size_t index);

}  // namespace lgtmgen::spec
