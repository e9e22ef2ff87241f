#include "out/verify.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml.h>

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

// libyaml's event parser: the YAML syntax check without building a document
// (yaml-cpp's node tree made this check most of a large render's time).
class YamlParser {
 public:
  YamlParser(const std::string& content) : ok_(yaml_parser_initialize(&parser_) != 0) {
    if (ok_) {
      yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(content.data()), content.size());
    }
  }
  ~YamlParser() {
    if (ok_) yaml_parser_delete(&parser_);
  }
  YamlParser(const YamlParser&) = delete;
  YamlParser& operator=(const YamlParser&) = delete;

  // Parses every event of every document; the first syntax error, if any.
  std::optional<Problem> Run(const std::string& path) {
    if (!ok_) return Problem{{path, 0, 0}, "lgtmgen could not check its YAML: out of memory"};
    for (;;) {
      yaml_event_t event;
      if (yaml_parser_parse(&parser_, &event) == 0) {
        const yaml_mark_t& mark = parser_.problem_mark;
        return Problem{{path, static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1},
                       fmt::format("lgtmgen generated invalid YAML: {}{}",
                                   parser_.context ? std::string(parser_.context) + ", " : "",
                                   parser_.problem ? parser_.problem : "a syntax error")};
      }
      const bool end = event.type == YAML_STREAM_END_EVENT;
      yaml_event_delete(&event);
      if (end) return std::nullopt;
    }
  }

 private:
  yaml_parser_t parser_;
  bool ok_;
};

// The parse error of one file, if any.
std::optional<Problem> Check(const std::string& path, const std::string& content) {
  if (EndsWith(path, ".yaml")) return YamlParser(content).Run(path);
  if (EndsWith(path, ".json") && !nlohmann::json::accept(content)) {
    return Problem{{path, 0, 0}, "lgtmgen generated invalid JSON"};
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
