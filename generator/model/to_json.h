#pragma once
#include <nlohmann/json.hpp>

#include "model/model.h"

namespace lgtmgen::model {

/// The model as JSON, keys in a fixed order: what `lgtmgen model` prints.
[[nodiscard]] nlohmann::ordered_json ToJson(const Model& model);

}  // namespace lgtmgen::model
