#pragma once
// libgit2 lives for the whole process: the first use initialises it, and it
// is shut down at exit. Every libgit2 call in lgtmgen goes through out/.
#include <git2.h>

#include <string>

namespace lgtmgen::out {

/// Initialises libgit2 once; call before any other libgit2 function.
void EnsureGitLibrary();

/// The git blob id (40 hex digits) of content, as `git hash-object` prints it.
[[nodiscard]] std::string GitBlobId(const std::string& content);

/// The message of libgit2's last error, for error texts.
[[nodiscard]] std::string LastGitError();

}  // namespace lgtmgen::out
