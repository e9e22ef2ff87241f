#include "out/unified_diff.h"

#include <git2.h>

#include <fmt/format.h>

#include "out/git_handles.h"
#include "out/git_library.h"

namespace lgtmgen::out {
namespace {

using GitPatch = std::unique_ptr<git_patch, GitDeleter<git_patch, git_patch_free>>;

std::string Colorize(const std::string& patch) {
  std::string out;
  size_t pos = 0;
  while (pos < patch.size()) {
    size_t end = patch.find('\n', pos);
    if (end == std::string::npos) end = patch.size();
    const std::string line = patch.substr(pos, end - pos);
    const char* color = "";
    if (line.rfind("diff ", 0) == 0 || line.rfind("--- ", 0) == 0 || line.rfind("+++ ", 0) == 0 ||
        line.rfind("index ", 0) == 0 || line.rfind("new file", 0) == 0 || line.rfind("deleted file", 0) == 0) {
      color = "\033[1m";
    } else if (line.rfind("@@", 0) == 0) {
      color = "\033[36m";
    } else if (!line.empty() && line[0] == '+') {
      color = "\033[32m";
    } else if (!line.empty() && line[0] == '-') {
      color = "\033[31m";
    }
    out += *color != '\0' ? fmt::format("{}{}\033[m\n", color, line) : line + "\n";
    pos = end + 1;
  }
  return out;
}

std::string PatchOf(const std::string& path, const std::string* before, const std::string* after) {
  git_patch* raw = nullptr;
  const std::string old_path = before != nullptr ? path : "";
  const std::string new_path = after != nullptr ? path : "";
  if (git_patch_from_buffers(&raw, before != nullptr ? before->data() : nullptr, before != nullptr ? before->size() : 0,
                             before != nullptr ? old_path.c_str() : nullptr, after != nullptr ? after->data() : nullptr,
                             after != nullptr ? after->size() : 0, after != nullptr ? new_path.c_str() : nullptr,
                             nullptr) < 0) {
    throw IoError("cannot diff " + path + ": " + LastGitError());
  }
  GitPatch patch(raw);
  git_buf buf = GIT_BUF_INIT;
  if (git_patch_to_buf(&buf, raw) < 0) throw IoError("cannot diff " + path + ": " + LastGitError());
  std::string text(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  return text;
}

}  // namespace

std::string RenderDiff(const OutputTree& tree, const std::string& dir, const ChangeSet& changes, const FileSystem& fs,
                       bool color) {
  EnsureGitLibrary();
  const std::string manifest = ManifestText(tree);
  auto rendered = [&](const std::string& path) -> const std::string& {
    return path == kManifestPath ? manifest : tree.Files().at(path);
  };
  // A link where a file belongs is shown as an empty file: its target is
  // outside what lgtmgen reads.
  auto on_disk = [&](const std::string& path) {
    const std::string full = JoinPath(dir, path);
    return fs.IsSymlink(full) ? std::string() : fs.Read(full).value_or("");
  };
  std::string out;
  for (const std::string& path : changes.added) out += PatchOf(path, nullptr, &rendered(path));
  for (const std::string& path : changes.changed) {
    const std::string before = on_disk(path);
    out += PatchOf(path, &before, &rendered(path));
  }
  for (const std::string& path : changes.removed) {
    const std::string before = on_disk(path);
    out += PatchOf(path, &before, nullptr);
  }
  return color ? Colorize(out) : out;
}

}  // namespace lgtmgen::out
