#include "cli/render_cache.h"

#include <algorithm>

#include "out/git_library.h"

namespace lgtmgen::cli {

std::string RenderCache::RecordPath(const std::string& canonical_output) const {
  if (ctx_.cache_dir.empty() || canonical_output.empty()) return "";
  return out::JoinPath(ctx_.cache_dir, "renders/" + out::GitBlobId(canonical_output));
}

const std::string& RenderCache::Program() {
  if (program_.empty()) program_ = ProgramIdentity(ctx_.fs);
  return program_;
}

std::optional<RenderRecord> RenderCache::Proof(const SpecInput& input) {
  if (ctx_.cache_dir.empty()) return std::nullopt;
  const std::string canonical = ctx_.fs.Canonical(output_);
  const std::string path = RecordPath(canonical);
  if (path.empty()) return std::nullopt;
  try {
    const std::optional<std::string> text = ctx_.fs.Read(path);
    const std::optional<out::FileStamp> sealed = ctx_.fs.Stamp(path);
    if (!text || !sealed) return std::nullopt;
    std::optional<RenderRecord> record = ParseRecord(*text);
    if (!record || record->inputs != InputsDigest(Program(), input, output_, canonical)) return std::nullopt;
    if (!StillHolds(*record, output_, sealed->mtime_ns, ctx_.fs)) return std::nullopt;
    return record;
  } catch (const out::IoError&) {
    return std::nullopt;  // an unreadable record or input file: render, which reports what matters
  }
}

void RenderCache::Keep(const SpecInput& input, const RecordingFileSystem& asked, const out::OutputTree& tree,
                       const out::CommitResult& result, int64_t started_at, const std::string& replay) {
  if (ctx_.cache_dir.empty()) return;
  const std::string canonical = ctx_.fs.Canonical(output_);
  const std::string path = RecordPath(canonical);
  if (path.empty()) return;
  std::vector<std::string> files;
  files.reserve(tree.Files().size() + 1);
  for (const auto& [file, _] : tree.Files()) files.push_back(file);
  files.emplace_back(out::kManifestPath);
  std::optional<std::vector<std::pair<std::string, out::FileStamp>>> stamps;
  if (asked.Complete()) stamps = StampOutput(files, output_, result.stamps_as_written, started_at, ctx_.fs);
  if (!stamps) return Forget(path);
  RenderRecord record{InputsDigest(Program(), input, output_, canonical), asked.Queries(), std::move(*stamps),
                      replay};
  const std::string text = RecordText(record);
  if (text.empty()) return Forget(path);
  try {
    ctx_.fs.Write(path, text);
    Prune();
  } catch (const out::IoError&) {
    // No record: the next render renders.
  }
}

void RenderCache::Prune() {
  const std::string folder = out::JoinPath(ctx_.cache_dir, "renders");
  const std::vector<std::string> names = ctx_.fs.List(folder);
  if (names.size() <= kMaxRecords) return;
  std::vector<std::pair<int64_t, std::string>> by_age;
  for (const std::string& name : names) {
    const std::string path = out::JoinPath(folder, name);
    if (const std::optional<out::FileStamp> stamp = ctx_.fs.Stamp(path)) by_age.emplace_back(stamp->mtime_ns, path);
  }
  std::sort(by_age.begin(), by_age.end());
  for (size_t i = 0; i + kMaxRecords < by_age.size(); ++i) ctx_.fs.Remove(by_age[i].second, folder);
}

void RenderCache::Forget(const std::string& record_path) {
  try {
    if (ctx_.fs.Stamp(record_path)) ctx_.fs.Remove(record_path, ctx_.cache_dir);
  } catch (const out::IoError&) {
    // A record that cannot be removed no longer matches the directory's stamps.
  }
}

}  // namespace lgtmgen::cli
