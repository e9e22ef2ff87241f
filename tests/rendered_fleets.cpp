#include "rendered_fleets.h"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "test_support.h"

namespace fs = std::filesystem;

namespace lgtmgen::test {

namespace {

std::vector<Rendered> RenderAll() {
  struct Spec {
    std::string name, text, dir;  ///< dir: where files the spec names are
  };
  std::vector<Spec> specs;
  for (const auto& e : fs::directory_iterator(test::SourcePath("presets"))) {
    specs.push_back({e.path().filename().string(), *test::ReadFile(e.path().string()), "."});
  }
  for (const auto& e : fs::directory_iterator(test::SourcePath("golden"))) {
    if (fs::exists(e.path() / "spec.yaml")) {
      specs.push_back(
          {e.path().filename().string(), *test::ReadFile((e.path() / "spec.yaml").string()), e.path().string()});
    }
  }
  std::vector<Rendered> out;
  for (const auto& [name, text, dir] : specs) {
    std::string printed;
    auto tree = test::RenderSpec("spec.yaml", text, dir, &printed);
    INFO(name << "\n" << printed);
    REQUIRE(tree);
    Rendered r{name, tree->Files(), {}};
    for (const auto& c : YAML::Load(text)["clusters"]) {
      if (c["role"].as<std::string>() == "control") continue;  // ships no telemetry, has no tenant
      r.tenants.insert(c["tenant"] ? c["tenant"].as<std::string>() : c["name"].as<std::string>());
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

const std::vector<Rendered>& AllRenders() {
  static const std::vector<Rendered> kAll = RenderAll();
  return kAll;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

out::OutputTree RenderOrFail(const std::string& text) {
  std::string printed;
  std::optional<out::OutputTree> tree = RenderSpec("spec.yaml", text, ".", &printed);
  INFO(printed);
  REQUIRE(tree.has_value());
  return *tree;
}

}  // namespace lgtmgen::test
