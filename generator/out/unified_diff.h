#pragma once
// What a render would change in a directory, as a unified diff.
#include <string>

#include "out/commit.h"
#include "out/filesystem.h"
#include "out/output_tree.h"

namespace lgtmgen::out {

/// A unified diff (git style, a/ and b/ prefixes) of every added, changed and
/// removed file in changes, reading the current files from dir. With color,
/// ANSI colours as git uses them.
[[nodiscard]] std::string RenderDiff(const OutputTree& tree, const std::string& dir, const ChangeSet& changes,
                                     const FileSystem& fs, bool color);

}  // namespace lgtmgen::out
