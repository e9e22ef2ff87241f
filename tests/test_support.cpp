#include "test_support.h"

#include <git2.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
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

std::string UniqueTempPath(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return (std::filesystem::temp_directory_path() /
          (prefix + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
      .string();
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

CliResult RunCli(const std::string& args, const std::string& cwd, const std::string& env) {
  const fs::path tmp = fs::path(UniqueTempPath("lgtmgen-cli-"));
  fs::create_directories(tmp);
  const std::string cmd = "cd '" + cwd + "' && LGTMGEN_CACHE_DIR='" + std::string(LGTMGEN_TEST_CACHE) + "' " + env +
                          "'" + std::string(LGTMGEN_BINARY) + "' " + args + " >'" +
                          (tmp / "out").string() + "' 2>'" + (tmp / "err").string() + "' </dev/null";
  const int status = std::system(cmd.c_str());
  CliResult r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile((tmp / "out").string()).value_or(""),
              ReadFile((tmp / "err").string()).value_or("")};
  fs::remove_all(tmp);
  return r;
}

std::string Shell(const std::string& command, const std::string& cwd) {
  const std::string cmd = "cd '" + cwd + "' && " + command + " 2>/dev/null";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

bool UpdatingGoldens() {
  const char* v = std::getenv("LGTMGEN_UPDATE_GOLDENS");
  return v != nullptr && std::string(v) == "1";
}

}  // namespace lgtmgen::test
