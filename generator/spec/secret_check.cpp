#include "spec/secret_check.h"

#include <fmt/format.h>

#include <regex>

#include "spec/schema_check.h"

namespace lgtmgen::spec {
namespace {

using nlohmann::ordered_json;

// Keys under which people paste secret values.
const std::regex kSecretValueKey(
    R"(^(password|passwd|pass|token|apikey|api_key|api-key|secret|secretkey|secret_key|accesskey|access_key|secretaccesskey|url|webhook|webhookurl|webhook_url|routingkey|routing_key|servicekey|bearer|bearertoken|privatekey|private_key)$)",
    std::regex::icase);
// A Secret's name: a DNS-1123 subdomain.
const std::regex kSecretName(R"(^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$)");

// A URL carrying credentials: a password in its user info (any scheme), any
// user info in an HTTP(S) URL (a token passed as the user name), or a query
// parameter that holds a token, key, password or signature.
const std::regex kCredentialUrl(
    R"(^([a-z][a-z0-9+.-]*://[^/@\s]*:[^/@\s]*@|https?://[^/@\s]+@|[a-z][a-z0-9+.-]*://[^\s]*[?&#]([a-z_-]*)(token|password|passwd|pass|key|secret|sig|signature|credential|auth)[a-z_-]*=))",
    std::regex::icase);

// Credential shapes that are never innocent in a comment: a URL with
// credentials, a private key block, tokens with a well-known prefix (Slack,
// GitHub, GitLab, AWS access key ids, Slack webhook paths), and `name: value`
// or `name=value` closing the comment, for a secret-holding name and a value of
// six or more characters (so `# token: see the vault` is prose, not a token).
const std::regex kCommentCredential(
    R"(([a-z][a-z0-9+.-]*://[^/@\s]*:[^/@\s]*@|https?://[^/@\s]+@|[?&](access_)?(token|password|passwd|key|secret|sig|signature|auth)=[^&\s]|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bxox[abposr]-[0-9A-Za-z-]{8,}|\bgh[pousr]_[0-9A-Za-z]{20,}|\bgithub_pat_[0-9A-Za-z_]{20,}|\bglpat-[0-9A-Za-z_-]{20,}|\bAKIA[0-9A-Z]{16}\b|hooks\.slack\.com/services/[A-Za-z0-9]|\b(password|passwd|token|api[_-]?key|secret[_-]?key|access[_-]?key|routing[_-]?key|service[_-]?key|bearer)\s*[:=]\s*["']?[^\s<{$"']{6,}["']?\s*$))",
    std::regex::icase);

// The comment on a line: from the first '#' that starts a token (at the line's
// start or after a blank) outside a quoted scalar, to the end of the line.
// Returns npos when the line has none. A '#' inside a block scalar counts as a
// comment here; that only widens the check (the text is copied either way).
size_t CommentStart(const std::string& line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quote != 0) {
      if (ch == '\\' && quote == '"') ++i;
      else if (ch == quote) quote = 0;
    } else if ((ch == '"' || ch == '\'') && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t' ||
                                              line[i - 1] == ':' || line[i - 1] == '[' ||
                                              line[i - 1] == '{' || line[i - 1] == ',' || line[i - 1] == '-')) {
      quote = ch;
    } else if (ch == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return i;
    }
  }
  return std::string::npos;
}

bool EndsWithSecret(const std::string& key) {
  return key.size() > 6 && key.compare(key.size() - 6, 6, "Secret") == 0;
}

// *Secret keys that name a Secret directly (a string), not a {name, key} pair.
bool TakesSecretName(const std::string& key) {
  return key == "credentialsSecret" || key == "adminSecret" || key == "tlsSecret";
}

class Walker {
 public:
  Walker(const Document& doc, diag::Diagnostics& diags) : doc_(doc), diags_(diags) {}

  void Walk(const ordered_json& v, const std::string& ptr) {
    if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) Walk(v[i], Child(ptr, i));
    } else if (v.is_object()) {
      for (const auto& [key, child] : v.items()) Visit(key, child, Child(ptr, key));
    }
  }

  std::set<std::string> reported;

 private:
  void Visit(const std::string& key, const ordered_json& v, const std::string& ptr) {
    const bool scalar = v.is_string() || v.is_number();
    if (scalar && EndsWithSecret(key) && TakesSecretName(key)) {
      if (!v.is_string() || !std::regex_match(v.get<std::string>(), kSecretName)) {
        Report(ptr, fmt::format("{} must name a Kubernetes Secret, but this looks like a secret value",
                                DisplayPath(ptr)),
               "write the Secret's name (lowercase, e.g. 'grafana-admin'); the bootstrap creates it "
               "from the environment, so no secret value is ever committed");
      }
      return;
    }
    if (scalar && EndsWithSecret(key)) {
      Report(ptr, fmt::format("{} must reference a Kubernetes Secret, not hold a value",
                              DisplayPath(ptr)),
             fmt::format("write `{}: {{name: <secret>, key: <key>}}`; the Secret is created outside Git",
                         key));
      return;
    }
    if (v.is_string() && std::regex_search(v.get<std::string>(), kCredentialUrl)) {
      Report(ptr, fmt::format("{} is a URL with credentials in it; they would be committed to Git",
                              DisplayPath(ptr)),
             "write the URL without user info or token; give Argo CD the repository's credentials as a "
             "repository Secret in the cluster, and other services theirs through *Secret references");
      return;
    }
    if (scalar && std::regex_match(key, kSecretValueKey)) {
      Report(ptr, fmt::format("{} looks like a literal secret; secrets never go into the spec",
                              DisplayPath(ptr)),
             fmt::format("use `{}Secret: {{name: <secret>, key: <key>}}` and create that Secret "
                         "outside Git",
                         key));
      return;
    }
    Walk(v, ptr);
  }

  void Report(const std::string& ptr, std::string message, std::string hint) {
    diags_.Error(doc_.ValueLoc(ptr), std::move(message), std::move(hint));
    reported.insert(ptr);
  }

  const Document& doc_;
  diag::Diagnostics& diags_;
};

}  // namespace

std::set<std::string> CheckNoLiteralSecrets(const Document& doc, diag::Diagnostics& diags) {
  Walker walker(doc, diags);
  walker.Walk(doc.root, "");
  return std::move(walker.reported);
}

void CheckCommentsHoldNoSecrets(const Document& doc, diag::Diagnostics& diags) {
  size_t begin = 0;
  for (int line_no = 1; begin < doc.text.size(); ++line_no) {
    size_t end = doc.text.find('\n', begin);
    if (end == std::string::npos) end = doc.text.size();
    const std::string line = doc.text.substr(begin, end - begin);
    begin = end + 1;
    const size_t hash = CommentStart(line);
    if (hash == std::string::npos) continue;
    std::smatch m;
    const std::string comment = line.substr(hash);
    if (!std::regex_search(comment, m, kCommentCredential)) continue;
    diags.Error({doc.file, line_no, static_cast<int>(hash + m.position(0)) + 1},
                "this comment holds what looks like a credential; the spec is copied into the "
                "repository (lgtm.yaml), comments included",
                "remove it from the comment; credentials live in Kubernetes Secrets that the "
                "bootstrap creates from the environment");
  }
}

}  // namespace lgtmgen::spec
