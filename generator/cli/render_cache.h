#pragma once
// How `render` skips rendering when nothing its output depends on changed:
// the render record (render_record.h) of each output directory, kept in
// Context::cache_dir as renders/<digest of the directory's resolved path>.
// Only a render that wrote into its directory keeps one, and a record that
// cannot be read or kept costs only the shortcut: the next render renders.
// The cache holds the kMaxRecords records kept last; older ones are removed.
#include <optional>
#include <string>

#include "cli/cli.h"
#include "cli/render_inputs.h"
#include "cli/render_record.h"
#include "out/commit.h"

namespace lgtmgen::cli {

inline constexpr size_t kMaxRecords = 64;

class RenderCache {
 public:
  /// ctx.cache_dir "" keeps and proves nothing.
  RenderCache(Context& ctx, std::string output) : ctx_(ctx), output_(std::move(output)) {}

  /// The record of the last render into the output directory, when it proves
  /// that rendering input again would change nothing there.
  [[nodiscard]] std::optional<RenderRecord> Proof(const SpecInput& input);

  /// Keeps the record of a render of input: asked holds the questions its
  /// loading asked of the file system, replay what it printed to stderr;
  /// it just made the output directory hold tree (result says how,
  /// started_at is fs.Now() from before it compared or wrote anything).
  /// Forgets the old record when the new one cannot vouch for every file.
  void Keep(const SpecInput& input, const RecordingFileSystem& asked, const out::OutputTree& tree,
            const out::CommitResult& result, int64_t started_at, const std::string& replay);

 private:
  /// The record's path for the output directory, "" when there is none.
  [[nodiscard]] std::string RecordPath(const std::string& canonical_output) const;
  [[nodiscard]] const std::string& Program();
  void Forget(const std::string& record_path);
  /// Removes all but the kMaxRecords newest records.
  void Prune();

  Context& ctx_;
  std::string output_;
  std::string program_;
};

}  // namespace lgtmgen::cli
