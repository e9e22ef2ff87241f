#pragma once
// Checks a spec Document against the fleet JSON Schema (schemas/fleet.schema.json),
// reporting each violation at its position with a hint. It interprets the subset
// of JSON Schema that the fleet schema uses: type, properties,
// additionalProperties, required, enum, pattern, minimum, maximum, minLength,
// minItems, uniqueItems, items, oneOf (chosen by type) and local $ref. The
// "x-hint" keyword, ignored by other validators, gives the hint for a pattern.
#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "diag/diagnostics.h"
#include "spec/document.h"

namespace lgtmgen::spec {

/// Reports every violation to diags. Values at pointers in skip (already
/// reported by an earlier, more specific check) are not examined.
void CheckSchema(const nlohmann::json& schema, const Document& doc,
                 const std::set<std::string>& skip, diag::Diagnostics& diags);

/// "clusters[0].network.podCIDR" for "/clusters/0/network/podCIDR".
[[nodiscard]] std::string DisplayPath(const std::string& pointer);

}  // namespace lgtmgen::spec
