#include "out/verify.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <future>
#include <thread>
#include <vector>

namespace lgtmgen::out {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Problem {
  diag::SourceLoc loc;
  std::string message;
};

// The parse error of one file, if any.
std::optional<Problem> Check(const std::string& path, const std::string& content) {
  if (EndsWith(path, ".yaml")) {
    try {
      (void)YAML::LoadAll(content);
    } catch (const YAML::Exception& e) {
      return Problem{{path, e.mark.line + 1, e.mark.column + 1}, fmt::format("lgtmgen generated invalid YAML: {}", e.msg)};
    }
  } else if (EndsWith(path, ".json")) {
    if (nlohmann::json::parse(content, nullptr, false).is_discarded()) {
      return Problem{{path, 0, 0}, "lgtmgen generated invalid JSON"};
    }
  }
  return std::nullopt;
}

}  // namespace

void VerifyParses(const OutputTree& tree, diag::Diagnostics& diags) {
  // Parsing dominates the render of a large fleet: spread it over the cores,
  // then report in path order, so the output does not depend on scheduling.
  std::vector<const std::pair<const std::string, std::string>*> files;
  for (const auto& entry : tree.Files()) files.push_back(&entry);
  const size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::optional<Problem>> problems(files.size());
  std::vector<std::future<void>> jobs;
  for (size_t w = 0; w < workers; ++w) {
    jobs.push_back(std::async(std::launch::async, [&, w] {
      for (size_t i = w; i < files.size(); i += workers) problems[i] = Check(files[i]->first, files[i]->second);
    }));
  }
  for (auto& job : jobs) job.get();
  for (const auto& p : problems) {
    if (p) diags.Error(p->loc, p->message, "this is a bug in lgtmgen or in a --templates override");
  }
}

}  // namespace lgtmgen::out
