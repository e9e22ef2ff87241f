#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "out/git_commit.h"
#include "out/git_handles.h"
#include "out/git_library.h"

namespace lgtmgen::out {
namespace {

struct CredentialState {
  int attempts = 0;
  std::string rejected;  ///< set by the server's answer to a pushed ref
};

// Asks `git credential fill` (the user's credential helper) for url.
bool FromCredentialHelper(const std::string& url, std::string* user, std::string* password) {
  if (std::system("command -v git >/dev/null 2>&1") != 0) return false;
  char input[] = "/tmp/lgtmgen-credential-XXXXXX";
  const int fd = ::mkstemp(input);
  if (fd < 0) return false;
  ::close(fd);
  std::ofstream(input) << "url=" << url << "\n\n";
  const std::string cmd = fmt::format("GIT_TERMINAL_PROMPT=0 git credential fill <'{}' 2>/dev/null", input);
  FILE* pipe = ::popen(cmd.c_str(), "r");
  std::string output;
  if (pipe != nullptr) {
    char buf[512];
    while (std::fgets(buf, sizeof(buf), pipe) != nullptr) output += buf;
    ::pclose(pipe);
  }
  std::filesystem::remove(input);
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("username=", 0) == 0) *user = line.substr(9);
    if (line.rfind("password=", 0) == 0) *password = line.substr(9);
  }
  return !password->empty();
}

int Credentials(git_credential** out, const char* url, const char* username_from_url, unsigned int allowed,
                void* payload) {
  auto* state = static_cast<CredentialState*>(payload);
  const int attempt = state->attempts++;
  if (attempt >= 3) return GIT_EUSER;  // every way was tried and refused
  const std::string user = username_from_url != nullptr ? username_from_url : "git";
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0) {
    if (attempt == 0) return git_credential_ssh_key_from_agent(out, user.c_str());
    const char* home = std::getenv("HOME");
    for (const char* key : {"id_ed25519", "id_rsa"}) {
      const std::string priv = fmt::format("{}/.ssh/{}", home != nullptr ? home : "", key);
      if (std::filesystem::exists(priv)) {
        return git_credential_ssh_key_new(out, user.c_str(), (priv + ".pub").c_str(), priv.c_str(), nullptr);
      }
    }
    return GIT_PASSTHROUGH;
  }
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0) {
    for (const char* var : {"LGTMGEN_GIT_TOKEN", "GIT_TOKEN"}) {
      const char* token = std::getenv(var);
      if (token != nullptr && *token != '\0' && attempt == 0) {
        const char* name = std::getenv("LGTMGEN_GIT_USERNAME");
        return git_credential_userpass_plaintext_new(out, name != nullptr ? name : "x-access-token", token);
      }
    }
    std::string helper_user = user, password;
    if (FromCredentialHelper(url, &helper_user, &password)) {
      return git_credential_userpass_plaintext_new(out, helper_user.c_str(), password.c_str());
    }
  }
  return GIT_PASSTHROUGH;
}

// A remote argument that is a URL or a path rather than a configured remote's name.
bool LooksLikeUrl(const std::string& remote) {
  return remote.find("://") != std::string::npos || remote.find('/') != std::string::npos ||
         remote.find('@') != std::string::npos || remote.find(':') != std::string::npos;
}

// What a failed push means for the user, in place of libgit2's internals
// ("unsupported URL protocol", a config key it looked up last, ...).
std::string ExplainPushFailure(int rc, const std::string& remote, const std::string& url,
                               const CredentialState& state) {
  const git_error* e = git_error_last();
  const std::string detail = e != nullptr && e->message != nullptr ? e->message : "";
  const int klass = e != nullptr ? e->klass : GIT_ERROR_NONE;
  auto has = [&](const char* text) { return detail.find(text) != std::string::npos; };
  if (rc == GIT_EAUTH || state.attempts > 0 || has("401") || has("403") || has("authentication") ||
      has("credentials")) {
    return fmt::format(
        "push to {} ({}) was refused: the server did not accept our credentials\n  hint: for HTTPS set "
        "LGTMGEN_GIT_TOKEN (and LGTMGEN_GIT_USERNAME if the server needs one) or configure a git credential "
        "helper; for SSH load your key into ssh-agent",
        remote, url);
  }
  if (has("unsupported URL") || has("unknown scheme")) {
    return fmt::format("push to {} failed: lgtmgen cannot push to '{}'\n  hint: use an https://, ssh:// or "
                       "user@host:path URL, or a local path",
                       remote, url);
  }
  if (klass == GIT_ERROR_NET || klass == GIT_ERROR_SSL || klass == GIT_ERROR_SSH || klass == GIT_ERROR_HTTP ||
      klass == GIT_ERROR_OS) {
    return fmt::format("push to {} ({}) failed: the remote could not be reached ({})\n  hint: check the "
                       "URL and the network; `git push {} <branch>` shows git's own view",
                       remote, url, detail.empty() ? "no detail" : detail, remote);
  }
  return fmt::format("push to {} ({}) failed: {}", remote, url, detail.empty() ? "no detail" : detail);
}

int PushUpdate(const char* refname, const char* status, void* payload) {
  if (status != nullptr) static_cast<CredentialState*>(payload)->rejected = fmt::format("{}: {}", refname, status);
  return 0;
}

}  // namespace

std::string PushBranch(const std::string& dir, const std::string& remote_name, const std::string& branch) {
  EnsureGitLibrary();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, dir.c_str(), 0, nullptr) < 0) return "no Git repository at " + dir;
  GitRepository repo(raw);
  git_remote* remote_raw = nullptr;
  if (git_remote_lookup(&remote_raw, raw, remote_name.c_str()) < 0) {
    if (!LooksLikeUrl(remote_name)) {
      return fmt::format(
          "the repository has no remote named '{}'; the commit was made, nothing was pushed\n  hint: add it "
          "(`git remote add {} <url>`) and run again, or pass --push <url>",
          remote_name, remote_name);
    }
    if (git_remote_create_anonymous(&remote_raw, raw, remote_name.c_str()) < 0) {
      return fmt::format("'{}' is not a remote lgtmgen can push to: {}", remote_name, LastGitError());
    }
  }
  GitRemote remote(remote_raw);
  const char* remote_url = git_remote_pushurl(remote.get());
  if (remote_url == nullptr) remote_url = git_remote_url(remote.get());
  const std::string url = remote_url != nullptr ? remote_url : remote_name;
  CredentialState state;
  git_push_options opts = GIT_PUSH_OPTIONS_INIT;
  opts.callbacks.credentials = &Credentials;
  opts.callbacks.push_update_reference = &PushUpdate;
  opts.callbacks.payload = &state;
  const std::string refspec = fmt::format("refs/heads/{0}:refs/heads/{0}", branch);
  char* specs[] = {const_cast<char*>(refspec.c_str())};
  const git_strarray refspecs = {specs, 1};
  git_error_clear();
  if (const int rc = git_remote_push(remote.get(), &refspecs, &opts); rc < 0) {
    return ExplainPushFailure(rc, remote_name, url, state);
  }
  if (!state.rejected.empty()) return fmt::format("push to {} rejected {}", remote_name, state.rejected);
  return {};
}

}  // namespace lgtmgen::out
