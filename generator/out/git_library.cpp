#include "out/git_library.h"

#include <cstdlib>

namespace lgtmgen::out {

void EnsureGitLibrary() {
  static const bool kInitialised = [] {
    git_libgit2_init();
    std::atexit([] { git_libgit2_shutdown(); });
    return true;
  }();
  (void)kInitialised;
}

std::string GitBlobId(const std::string& content) {
  EnsureGitLibrary();
  git_oid oid;
  git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB);
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof(hex), &oid);
  return hex;
}

std::string LastGitError() {
  const git_error* e = git_error_last();
  return e != nullptr && e->message != nullptr ? e->message : "unknown libgit2 error";
}

}  // namespace lgtmgen::out
