// schemas/fleet.schema.json is also what editors and other tools validate
// with: check it with an independent JSON Schema implementation (valijson)
// against every spec lgtmgen accepts, and a few it must refuse.
#include <catch2/catch.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <memory>

#include "diag/diagnostics.h"
#include "spec/document.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace lgtmgen;

namespace {

nlohmann::json SpecJson(const std::string& text) {
  diag::Diagnostics diags;
  auto doc = spec::Load("spec.yaml", text, diags);
  REQUIRE(doc);
  return nlohmann::json::parse(doc->root.dump());
}

bool ValijsonAccepts(const nlohmann::json& spec, std::string* why) {
  static const nlohmann::json kSchemaJson = nlohmann::json::parse(*test::ReadFile(test::SourcePath("schemas/fleet.schema.json")));
  static const std::unique_ptr<valijson::Schema> schema = [] {
    auto s = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(kSchemaJson);
    parser.populateSchema(adapter, *s);
    return s;
  }();
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(spec);
  const bool ok = validator.validate(*schema, target, &results);
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    for (const auto& c : error.context) *why += c;
    *why += ": " + error.description + "\n";
  }
  return ok;
}

}  // namespace

TEST_CASE("every preset, golden spec and the reference fleet example satisfy the schema", "[schema]") {
  std::vector<std::string> specs = {test::SourcePath("../shared/design/fleet-example.yaml")};
  for (const auto& e : fs::directory_iterator(test::SourcePath("presets"))) specs.push_back(e.path().string());
  for (const auto& e : fs::directory_iterator(test::SourcePath("golden"))) {
    if (fs::exists(e.path() / "spec.yaml")) specs.push_back((e.path() / "spec.yaml").string());
  }
  for (const std::string& path : specs) {
    if (!fs::exists(path)) continue;  // the fleet example lives outside the repository
    DYNAMIC_SECTION(path) {
      std::string why;
      CHECK(ValijsonAccepts(SpecJson(*test::ReadFile(path)), &why));
      INFO(why);
    }
  }
}

TEST_CASE("the schema refuses unknown keys, values outside closed sets and wrong types", "[schema]") {
  const std::string base = *test::ReadFile(test::SourcePath("presets/minimal.yaml"));
  const std::pair<std::string, std::string> edits[] = {
      {"role: central", "role: centrl"},
      {"tenant: central", "tenent: central"},
      {"workers: 2", "workers: two"},
      {"type: none", "type: linkrd"},
      {"podCIDR: 10.11.0.0/16", "podCIDR: 10.11.0.0"},
  };
  for (const auto& [from, to] : edits) {
    DYNAMIC_SECTION(to) {
      std::string text = base;
      text.replace(text.find(from), from.size(), to);
      std::string why;
      CHECK_FALSE(ValijsonAccepts(SpecJson(text), &why));
    }
  }
}
