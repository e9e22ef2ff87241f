#include <catch2/catch.hpp>

#include "diag/spelling.h"
#include "model/cidr.h"
#include "naming/namer.h"
#include "spec/document.h"
#include "spec/schema_check.h"

using namespace lgtmgen;

TEST_CASE("YAML scalars are typed as YAML 1.2 reads them; quoted ones stay strings", "[spec]") {
  diag::Diagnostics diags;
  auto doc = spec::Load("s.yaml", "a: 1\nb: \"1\"\nc: true\nd: 7d\ne: ~\nf: 1.5\ng: '#k8s'\n", diags);
  REQUIRE(doc);
  CHECK(doc->root["a"] == 1);
  CHECK(doc->root["b"] == "1");
  CHECK(doc->root["c"] == true);
  CHECK(doc->root["d"] == "7d");
  CHECK(doc->root["e"].is_null());
  CHECK(doc->root["f"] == 1.5);
  CHECK(doc->root["g"] == "#k8s");
}

TEST_CASE("every value and key keeps its 1-based position", "[spec]") {
  diag::Diagnostics diags;
  auto doc = spec::Load("s.yaml", "top:\n  list:\n    - name: x\n      role: y\n", diags);
  REQUIRE(doc);
  const diag::SourceLoc v = doc->ValueLoc("/top/list/0/role");
  CHECK(v.line == 4);
  CHECK(v.col == 13);
  const diag::SourceLoc k = doc->KeyLoc("/top/list/0/role");
  CHECK(k.line == 4);
  CHECK(k.col == 7);
  CHECK(doc->ValueLoc("/top/list/0/missing").line == 3);  // nearest parent
}

TEST_CASE("duplicate keys and YAML syntax errors are reported with positions", "[spec]") {
  diag::Diagnostics diags;
  CHECK_FALSE(spec::Load("s.yaml", "a: 1\nb: 2\na: 3\n", diags));
  REQUIRE(diags.All().size() == 1);
  CHECK(diags.All()[0].loc.line == 3);
  CHECK(diags.All()[0].notes.at(0).loc.line == 1);
  diag::Diagnostics syntax;
  CHECK_FALSE(spec::Load("s.yaml", "a: [1, 2\n", syntax));
  CHECK(syntax.HasErrors());
  CHECK(syntax.All()[0].loc.line >= 1);
}

TEST_CASE("did you mean", "[diag]") {
  CHECK(diag::ClosestMatch("tenent", {"tenant", "name", "role"}) == "tenant");
  CHECK(diag::ClosestMatch("linkrd", {"linkerd", "istio", "none"}) == "linkerd");
  CHECK(diag::ClosestMatch("zzzzzz", {"linkerd", "istio"}).empty());
  CHECK(diag::SuggestionHint("zzzzzz", {"alpha", "beta"}) == "expected one of: alpha, beta");
}

TEST_CASE("CIDRs", "[model]") {
  auto c = model::ParseCidr("10.11.0.0/16");
  REQUIRE(c);
  CHECK(model::IsNetworkAddress(*c));
  CHECK(c->ToString() == "10.11.0.0/16");
  CHECK_FALSE(model::IsNetworkAddress(*model::ParseCidr("10.11.0.1/16")));
  CHECK(model::NetworkOf(*model::ParseCidr("10.11.3.4/16")).ToString() == "10.11.0.0/16");
  CHECK(c->Overlaps(*model::ParseCidr("10.11.128.0/17")));
  CHECK_FALSE(c->Overlaps(*model::ParseCidr("10.12.0.0/16")));
  CHECK_FALSE(model::ParseCidr("10.300.0.0/16"));
  CHECK_FALSE(model::ParseCidr("10.0.0.0/33"));
  CHECK_FALSE(model::ParseCidr("10.0.0.0/16x"));
}

TEST_CASE("names", "[naming]") {
  CHECK(naming::IsDns1123Label("lgtm-central"));
  CHECK_FALSE(naming::IsDns1123Label("-x"));
  CHECK_FALSE(naming::IsDns1123Label("X"));
  CHECK(naming::TenantSlug("_local") == "local");
  CHECK(naming::TenantSlug("Team.A") == "team-a");
  CHECK(naming::DatasourceUid("mimir", "remote01") == "mimir-remote01");
  const std::string long_uid = naming::DatasourceUid("tempo", std::string(59, 'a'));
  CHECK(long_uid.size() == naming::kMaxGrafanaUid);
  CHECK(long_uid == naming::DatasourceUid("tempo", std::string(59, 'a')));
  CHECK(long_uid != naming::DatasourceUid("tempo", std::string(58, 'a')));
  CHECK(naming::RepoPath("fleet/prod", "argocd") == "fleet/prod/argocd");
  CHECK(naming::RepoPath(".", "argocd") == "argocd");
  CHECK(spec::DisplayPath("/clusters/0/network/podCIDR") == "clusters[0].network.podCIDR");
}
