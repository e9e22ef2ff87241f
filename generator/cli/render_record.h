#pragma once
// The render record: how `lgtmgen render` proves, without rendering, that a
// directory already holds what the render would write. One record per output
// directory is kept outside it (in the user's cache). It holds
//   - the digest of the inputs that are not files (this program, the spec,
//     the output path; see render_inputs.h);
//   - each question the spec made lgtmgen ask of the file system (the files
//     it read, with the digest of their content; links tested);
//   - the stamp (lstat) of every file and folder the render owns, each taken
//     when the file's content was known to be the rendered one;
//   - what the render printed to stderr (its warnings), to print again.
// The record proves nothing once any of these differs, or once a file's
// mtime or ctime is not older than the record itself (a change within the
// same clock tick would keep the stamp: git's "racy" entries).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/render_inputs.h"
#include "out/filesystem.h"

namespace lgtmgen::cli {

struct RenderRecord {
  std::string inputs;  ///< InputsDigest of the render
  std::vector<InputQuery> queries;  ///< what the spec made lgtmgen ask of the file system
  /// Path relative to the output directory ("." for itself) → stamp. A
  /// folder's stamp keeps its inode, mode and mtime (its entries changed).
  std::vector<std::pair<std::string, out::FileStamp>> stamps;
  std::string replay;  ///< what the render printed to stderr

  /// The files a re-render compares (the tree and its manifest): every stamp
  /// but the folders'.
  [[nodiscard]] size_t Files() const;
};

/// The record as text (a line per query and per stamp). Empty when a path
/// holds a newline, which the line format cannot carry.
[[nodiscard]] std::string RecordText(const RenderRecord& record);
/// Parses RecordText's output; nullopt for anything else (another version's
/// record, a truncated file).
[[nodiscard]] std::optional<RenderRecord> ParseRecord(std::string_view text);

/// The stamps of a render that just made dir hold files (paths relative to
/// dir) and every folder on their way, or nullopt when one of them cannot be
/// vouched for: a stamp in as_written was taken as the file was created; any
/// other file is stamped now and must be older than started_at (fs.Now()
/// before the render compared it), else it may have changed since.
[[nodiscard]] std::optional<std::vector<std::pair<std::string, out::FileStamp>>> StampOutput(
    const std::vector<std::string>& files, const std::string& dir,
    const std::map<std::string, out::FileStamp>& as_written, int64_t started_at, const out::FileSystem& fs);

/// True when record still describes dir: every query gets the answer it
/// got, every stamp matches lstat, and no file is as new as sealed_at (the
/// record's own mtime).
[[nodiscard]] bool StillHolds(const RenderRecord& record, const std::string& dir, int64_t sealed_at,
                              const out::FileSystem& fs);

}  // namespace lgtmgen::cli
