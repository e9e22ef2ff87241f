#pragma once
// out::CommitToGit: the rendered tree as one Git commit, made in-process with
// libgit2. Only files lgtmgen owns are ever staged; everything else in the
// repository (the user's files, their staged changes) is left as it is.
#include <optional>
#include <string>

#include "out/commit.h"
#include "out/filesystem.h"
#include "out/output_tree.h"

namespace lgtmgen::out {

struct GitIdentity {
  std::string name;
  std::string email;
};

/// Parses "Name <email>"; nullopt when it is not of that form.
[[nodiscard]] std::optional<GitIdentity> ParseIdentity(const std::string& text);

struct GitCommitOptions {
  std::string message;                ///< empty: a summary of the change
  std::string branch;                 ///< empty: commit on the checked-out branch and write DIR;
                                      ///< else commit on this branch only, DIR untouched
  std::optional<GitIdentity> author;  ///< empty: the repository's / global Git config
  bool force = false;                 ///< commit over files edited by hand; write into a foreign DIR
  std::string initial_branch = "main";  ///< the default branch when a repository is created
  std::string fleet;                  ///< named in the default message
  std::string spec_label;             ///< named in the default message
  std::string spec_text;              ///< its blob id is named in the default message
};

struct GitCommitResult {
  std::string refusal;  ///< not empty: nothing was written or committed, and this says why
  ChangeSet changes;    ///< what the commit changes under DIR, relative to DIR
  std::string commit_id;  ///< empty: nothing to commit
  std::string branch;     ///< the branch committed to (short name)
  std::string repository;  ///< the repository's working directory
  bool initialized = false;  ///< the repository was created by this call
};

/// Renders tree into DIR (unless options.branch is set) and commits what
/// changed. DIR may be the repository's root or any folder inside one; with
/// no repository around DIR, one is created at DIR on options.initial_branch.
/// Refuses (changing nothing) when files lgtmgen owns were edited by hand
/// since it wrote them, unless options.force. Throws IoError for I/O and
/// libgit2 failures.
[[nodiscard]] GitCommitResult CommitToGit(const OutputTree& tree, const std::string& dir,
                                          const GitCommitOptions& options, FileSystem& fs);

/// Pushes branch to remote (a remote's name or a URL) with libgit2. HTTPS:
/// the token in LGTMGEN_GIT_TOKEN (or GIT_TOKEN), else the Git credential
/// helper (`git credential fill`, when git is installed). SSH: the agent, then
/// ~/.ssh/id_ed25519 or id_rsa. Returns "" on success, else the error.
[[nodiscard]] std::string PushBranch(const std::string& dir, const std::string& remote, const std::string& branch);

}  // namespace lgtmgen::out
