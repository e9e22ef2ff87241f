#pragma once
// Helpers shared by the tests: the source tree, whole-pipeline runs, diffs.
#include <map>
#include <optional>
#include <string>

#include "diag/diagnostics.h"
#include "out/output_tree.h"
#include "pipeline.h"

namespace lgtmgen::test {

/// Path of a file or folder of the source tree ("golden/minimal").
std::string SourcePath(const std::string& relative);

/// A path in the temporary directory that no other test, in this process or
/// another (ctest -j runs them side by side), is given: prefix, pid, counter.
/// Nothing is created there.
std::string UniqueTempPath(const std::string& prefix);

/// Reads a file of the real disk; nullopt when missing.
std::optional<std::string> ReadFile(const std::string& path);

/// Every regular file under dir, relative path → content (dot-folders too).
std::map<std::string, std::string> ReadTree(const std::string& dir);

/// Runs the whole pipeline on text named display_name (relative paths in it
/// resolve against dir). On success returns the tree; diagnostics (formatted as
/// the CLI prints them) go to *printed.
std::optional<out::OutputTree> RenderSpec(const std::string& display_name, const std::string& text,
                                          const std::string& dir, std::string* printed);

/// Loads and validates only, as `lgtmgen validate` does; true when valid.
bool ValidateSpec(const std::string& display_name, const std::string& text, const std::string& dir,
                  std::string* printed);

/// A unified diff of expected → actual, labelled with path ("" when equal).
std::string UnifiedDiff(const std::string& path, const std::string& expected, const std::string& actual);

/// What a command printed and how it exited.
struct CliResult {
  int exit_code;
  std::string out;
  std::string err;
};

/// Runs the lgtmgen binary with args (a shell-quoted string) in cwd, with
/// env (e.g. "HOME=/tmp/x ") prepended to the command. Render records go to
/// the build folder's test-cache/ unless env sets LGTMGEN_CACHE_DIR.
CliResult RunCli(const std::string& args, const std::string& cwd = ".", const std::string& env = "");

/// Runs a shell command in cwd; its standard output, or "" on failure.
std::string Shell(const std::string& command, const std::string& cwd = ".");

/// True when LGTMGEN_UPDATE_GOLDENS=1 is set.
bool UpdatingGoldens();

}  // namespace lgtmgen::test
