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
  if (git_remote_lookup(&remote_raw, raw, remote_name.c_str()) < 0 &&
      git_remote_create_anonymous(&remote_raw, raw, remote_name.c_str()) < 0) {
    return fmt::format("no remote '{}': {}", remote_name, LastGitError());
  }
  GitRemote remote(remote_raw);
  CredentialState state;
  git_push_options opts = GIT_PUSH_OPTIONS_INIT;
  opts.callbacks.credentials = &Credentials;
  opts.callbacks.push_update_reference = &PushUpdate;
  opts.callbacks.payload = &state;
  const std::string refspec = fmt::format("refs/heads/{0}:refs/heads/{0}", branch);
  char* specs[] = {const_cast<char*>(refspec.c_str())};
  const git_strarray refspecs = {specs, 1};
  if (git_remote_push(remote.get(), &refspecs, &opts) < 0) {
    return fmt::format("push to {} failed: {}", remote_name, LastGitError());
  }
  if (!state.rejected.empty()) return fmt::format("push to {} rejected {}", remote_name, state.rejected);
  return {};
}

}  // namespace lgtmgen::out
