#pragma once
// The spec may name Kubernetes Secrets but never hold a secret value. This check
// runs before the schema check so that a pasted password or webhook URL is
// reported as what it is, not as an unknown key or a wrong type.
#include <set>
#include <string>

#include "diag/diagnostics.h"
#include "spec/document.h"

namespace lgtmgen::spec {

/// Reports every literal secret in doc and returns the pointers it reported,
/// for the schema check to skip.
[[nodiscard]] std::set<std::string> CheckNoLiteralSecrets(const Document& doc,
                                                          diag::Diagnostics& diags);

/// Reports every comment in doc's text that holds a credential (a URL with
/// user info or a token parameter, a private key block, a well-known token
/// prefix, `password: x`). Comments are copied into the repository with the
/// spec, so they obey the same rule as values.
void CheckCommentsHoldNoSecrets(const Document& doc, diag::Diagnostics& diags);

}  // namespace lgtmgen::spec
