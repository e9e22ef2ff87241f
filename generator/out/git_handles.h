#pragma once
// Owning handles for libgit2 objects: each frees its object when it goes out
// of scope, so early returns cannot leak.
#include <git2.h>

#include <memory>

namespace lgtmgen::out {

template <typename T, void (*Free)(T*)>
struct GitDeleter {
  void operator()(T* p) const {
    if (p != nullptr) Free(p);
  }
};

using GitRepository = std::unique_ptr<git_repository, GitDeleter<git_repository, git_repository_free>>;
using GitIndex = std::unique_ptr<git_index, GitDeleter<git_index, git_index_free>>;
using GitTree = std::unique_ptr<git_tree, GitDeleter<git_tree, git_tree_free>>;
using GitCommit = std::unique_ptr<git_commit, GitDeleter<git_commit, git_commit_free>>;
using GitReference = std::unique_ptr<git_reference, GitDeleter<git_reference, git_reference_free>>;
using GitSignature = std::unique_ptr<git_signature, GitDeleter<git_signature, git_signature_free>>;
using GitBlob = std::unique_ptr<git_blob, GitDeleter<git_blob, git_blob_free>>;
using GitTreeEntry = std::unique_ptr<git_tree_entry, GitDeleter<git_tree_entry, git_tree_entry_free>>;
using GitRemote = std::unique_ptr<git_remote, GitDeleter<git_remote, git_remote_free>>;
using GitConfig = std::unique_ptr<git_config, GitDeleter<git_config, git_config_free>>;

}  // namespace lgtmgen::out
