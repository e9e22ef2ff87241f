#pragma once
// The label contract: for each kind of telemetry, the labels (for traces,
// resource attributes) every agent scenario delivers at the back end, and
// how each scenario produces them. The generated README states it; the
// agents' templates implement it; tests/chart_checks/label_contract.py
// derives what each scenario's rendered configuration really sends and
// holds it to the README's table.
#include <string>
#include <vector>

#include "model/model.h"

namespace lgtmgen::emit {

struct ContractRow {
  std::string signal;               ///< the row's name, as the checker reads it
  std::vector<std::string> labels;  ///< delivered by every scenario
  std::string alloy;                ///< how each scenario produces them
  std::string prometheus_vector;
  std::string otel;
};

/// The contract's rows; cluster_label is the spec's telemetry.clusterLabel.
[[nodiscard]] std::vector<ContractRow> LabelContract(const std::string& cluster_label);

/// The README's "Label contract" section: one column per scenario in use.
[[nodiscard]] std::string LabelContractSection(const model::Model& model);

}  // namespace lgtmgen::emit
