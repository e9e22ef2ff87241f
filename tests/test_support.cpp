#include "test_support.h"

#include <git2.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "out/filesystem.h"

namespace lgtmgen::test {

namespace fs = std::filesystem;

std::string SourcePath(const std::string& relative) { return std::string(LGTMGEN_SOURCE_DIR) + "/" + relative; }

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::map<std::string, std::string> ReadTree(const std::string& dir) {
  std::map<std::string, std::string> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    files[fs::relative(entry.path(), dir).generic_string()] = *ReadFile(entry.path().string());
  }
  return files;
}

std::optional<out::OutputTree> RenderSpec(const std::string& display_name, const std::string& text,
                                          const std::string& dir, std::string* printed) {
  out::RealFileSystem disk;
  diag::Diagnostics diags;
  const SpecInput input{display_name, text, dir};
  std::optional<out::OutputTree> tree;
  if (std::optional<model::Model> model = LoadModel(input, disk, diags)) tree = RenderTree(*model, diags);
  diag::SourceTexts sources;
  sources.Add(display_name, text);
  if (printed != nullptr) *printed = diag::Format(diags, sources);
  return tree;
}

bool ValidateSpec(const std::string& display_name, const std::string& text, const std::string& dir,
                  std::string* printed) {
  out::RealFileSystem disk;
  diag::Diagnostics diags;
  const bool valid = LoadModel(SpecInput{display_name, text, dir}, disk, diags).has_value();
  diag::SourceTexts sources;
  sources.Add(display_name, text);
  *printed = diag::Format(diags, sources);
  return valid;
}

std::string UnifiedDiff(const std::string& path, const std::string& expected, const std::string& actual) {
  if (expected == actual) return {};
  git_libgit2_init();
  git_patch* patch = nullptr;
  git_buf buf = {nullptr, 0, 0};
  std::string out;
  const std::string old_path = "expected/" + path;
  const std::string new_path = "actual/" + path;
  if (git_patch_from_buffers(&patch, expected.data(), expected.size(), old_path.c_str(), actual.data(),
                             actual.size(), new_path.c_str(), nullptr) == 0 &&
      git_patch_to_buf(&buf, patch) == 0) {
    out.assign(buf.ptr, buf.size);
  } else {
    out = "(files differ: " + path + ")\n";
  }
  git_buf_dispose(&buf);
  git_patch_free(patch);
  git_libgit2_shutdown();
  return out;
}

bool UpdatingGoldens() {
  const char* v = std::getenv("LGTMGEN_UPDATE_GOLDENS");
  return v != nullptr && std::string(v) == "1";
}

}  // namespace lgtmgen::test
