#pragma once
// The rendered repository, in memory: relative path → file content. Sorted,
// so iteration order (and the manifest) is deterministic.
#include <map>
#include <string>

namespace lgtmgen::out {

class OutputTree {
 public:
  /// Adds a file on behalf of emitter. Rejects (returns an error message, adds
  /// nothing) absolute paths, empty, "." or ".." components, and a path already
  /// added, naming both emitters. Returns "" on success.
  [[nodiscard]] std::string Add(const std::string& path, std::string content,
                                const std::string& emitter);

  [[nodiscard]] const std::map<std::string, std::string>& Files() const { return files_; }
  [[nodiscard]] bool Contains(const std::string& path) const { return files_.count(path) != 0; }
  /// The git blob id of every file (path → 40 hex digits), computed on the
  /// first call after the last Add, on several threads. Not for concurrent
  /// callers.
  [[nodiscard]] const std::map<std::string, std::string>& BlobIds() const;

 private:
  std::map<std::string, std::string> files_;
  std::map<std::string, std::string> owners_;
  mutable std::map<std::string, std::string> blob_ids_;
  mutable bool blob_ids_current_ = false;
};

}  // namespace lgtmgen::out
