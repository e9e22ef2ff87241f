#pragma once
// out::Commit: makes a directory hold exactly the rendered tree, touching only
// files lgtmgen owns. The manifest `.lgtmgen/manifest` lists the files written
// last time; it is how stale files are found and how a directory is known to
// be lgtmgen's.
#include <map>
#include <string>
#include <vector>

#include "out/filesystem.h"
#include "out/output_tree.h"

namespace lgtmgen::out {

inline constexpr const char* kManifestPath = ".lgtmgen/manifest";

/// What a commit would do (or did), as sorted relative paths.
struct ChangeSet {
  std::vector<std::string> added;
  std::vector<std::string> changed;
  std::vector<std::string> removed;
  size_t unchanged = 0;

  [[nodiscard]] bool Empty() const { return added.empty() && changed.empty() && removed.empty(); }
};

enum class CommitMode { kWrite, kCheck };

struct CommitResult {
  ChangeSet changes;
  /// Files lgtmgen owns whose content on disk was not what it last wrote
  /// (edited by hand); the write replaced them.
  std::vector<std::string> hand_edited;
  /// Files the previous manifest lists that the tree no longer has, left in
  /// place because their content is not what the manifest says lgtmgen wrote
  /// (edited since, or an entry lgtmgen did not write).
  std::vector<std::string> kept;
  /// When the render created dir: every file's stamp as written (relative
  /// path → stamp), taken before dir was in place. Empty otherwise.
  std::map<std::string, FileStamp> stamps_as_written;
  std::string refusal;  ///< not empty: nothing was written, and this says why
  bool symlink = false;  ///< the refusal is for a symbolic link on the way to a file
};

/// Compares tree (plus its manifest) with dir. In kWrite mode writes added and
/// changed files (atomically, one by one), leaves identical files untouched
/// (their mtime too) and removes files the previous manifest lists that the
/// tree no longer has, when their content is still what the manifest
/// recorded (else they are kept, see CommitResult::kept). In kCheck mode writes nothing. Refuses, writing nothing,
/// when dir is not empty (entries starting with '.' do not count), has no
/// manifest and force is false. Throws IoError.
[[nodiscard]] CommitResult Commit(const OutputTree& tree, const std::string& dir, CommitMode mode,
                                  bool force, FileSystem& fs);

/// True when blob_id is one of the manifest ids ("A" or "A+B").
[[nodiscard]] bool IdMatches(const std::string& ids, const std::string& blob_id);

/// True for a relative path lgtmgen may own inside its output directory: no
/// empty, "." or ".." component, nothing under .git, no backslash or NUL.
[[nodiscard]] bool IsOwnablePath(const std::string& path);

/// True for content that starts with a shebang: written with mode 0755.
[[nodiscard]] bool IsScript(const std::string& content);

/// The manifest text for tree: header comments, then "<git blob id> <path>"
/// per file, sorted by path. The manifest does not list itself.
[[nodiscard]] std::string ManifestText(const OutputTree& tree);

/// Parses a manifest: path → blob id ("" for a line without one; "A+B" while
/// a run that rewrites the file from A to B is unfinished). Paths that
/// IsOwnablePath refuses are dropped.
[[nodiscard]] std::map<std::string, std::string> ReadManifest(const std::string& text);

}  // namespace lgtmgen::out
