#include "model/catalog.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "render/resources.h"

namespace lgtmgen::model {

std::string Catalog::ImageRef(const std::string& name) const {
  const ImagePin& pin = Image(name);
  return fmt::format("{}:{}", pin.repository, pin.tag);
}

Catalog ParseCatalog(const std::string& yaml_text) {
  Catalog catalog;
  const YAML::Node root = YAML::Load(yaml_text);
  for (const auto& entry : root["charts"]) {
    const std::string name = entry.first.as<std::string>();
    catalog.charts[name] = ChartPin{entry.second["repo"].as<std::string>(),
                                    entry.second["version"].as<std::string>()};
  }
  for (const auto& entry : root["images"]) {
    const std::string name = entry.first.as<std::string>();
    catalog.images[name] = ImagePin{entry.second["repository"].as<std::string>(),
                                    entry.second["tag"].as<std::string>()};
  }
  for (const auto& entry : root["manifests"]) {
    catalog.manifests[entry.first.as<std::string>()] = entry.second.as<std::string>();
  }
  if (catalog.charts.empty()) throw std::runtime_error("version catalog lists no charts");
  return catalog;
}

const Catalog& BuiltinCatalog() {
  static const Catalog kCatalog =
      ParseCatalog(std::string(resources::Get("templates/catalog/versions.yaml")));
  return kCatalog;
}

}  // namespace lgtmgen::model
