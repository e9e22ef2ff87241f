#pragma once
// What a render's output depends on, besides the files the spec makes it
// read: the program (its code, templates and presets are one binary, plus the
// shared libraries it loaded), the spec and the output directory. The render
// record (render_record.h) keeps their digest.
#include <string>
#include <vector>

#include "out/filesystem.h"
#include "pipeline.h"

namespace lgtmgen::cli {

/// The running program: the GNU build id of every loaded object (the binary
/// and each shared library, by name) and the stamp of the binary's file.
[[nodiscard]] std::string ProgramIdentity(const out::FileSystem& fs);

/// One digest of the program identity, the spec (its name, folder and text)
/// and the output directory as given and as resolved.
[[nodiscard]] std::string InputsDigest(const std::string& program, const SpecInput& input, const std::string& output,
                                       const std::string& canonical_output);

/// One question the render asked the file system about its inputs, and the
/// answer: kind "read" (answer: GitBlobId of the content, "-" when absent) or
/// "link" (is the path a symbolic link: "yes" or "no").
struct InputQuery {
  std::string kind;
  std::string path;
  std::string answer;
};

/// Asks query's question of fs again; the answer, as InputQuery holds it.
[[nodiscard]] std::string AskAgain(const InputQuery& query, const out::FileSystem& fs);

/// A FileSystem that answers through another and remembers the questions a
/// spec made lgtmgen ask: reads and symbolic-link tests. Any other question
/// marks the record incomplete.
class RecordingFileSystem final : public out::FileSystem {
 public:
  explicit RecordingFileSystem(const out::FileSystem& base) : base_(base) {}

  std::optional<std::string> Read(const std::string& path) const override;
  bool IsDirectory(const std::string& path) const override;
  std::vector<std::string> List(const std::string& path) const override;
  bool Exists(const std::string& path) const override;
  bool IsSymlink(const std::string& path) const override;
  void Write(const std::string& path, const std::string& content, bool executable) override;
  void Remove(const std::string& path, const std::string& stop_at) override;

  /// The questions asked, in order.
  [[nodiscard]] const std::vector<InputQuery>& Queries() const { return queries_; }
  /// False when a question other than Read or IsSymlink was asked.
  [[nodiscard]] bool Complete() const { return complete_; }

 private:
  const out::FileSystem& base_;
  mutable std::vector<InputQuery> queries_;
  mutable bool complete_ = true;
};

}  // namespace lgtmgen::cli
