// The external S3 endpoint as users paste it (a URL whose scheme sets TLS)
// and Grafana's default TLS Secret: each form renders what the long form
// renders, and a contradiction is refused.
#include <catch2/catch.hpp>

#include <regex>

#include "rendered_fleets.h"
#include "test_support.h"

namespace lgtmgen {
namespace {

// golden/subfolder-external-s3's spec (external S3 at host form, tls:
// existing with a named Secret), with from replaced by to.
std::string ExternalS3Spec(const std::string& from, const std::string& to) {
  std::string text = *test::ReadFile(test::SourcePath("golden/subfolder-external-s3/spec.yaml"));
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// The rendered files but the spec's own copy and the manifest that lists
// its blob id: what a change of spelling must leave alone.
std::map<std::string, std::string> Product(const out::OutputTree& tree) {
  std::map<std::string, std::string> out;
  for (const auto& [path, content] : tree.Files()) {
    if (path != "lgtm.yaml" && path != ".lgtmgen/manifest") out[path] = content;
  }
  return out;
}

}  // namespace

TEST_CASE("an S3 endpoint written as a URL renders as host[:port] with TLS from its scheme", "[model]") {
  const auto host_form = Product(test::RenderOrFail(ExternalS3Spec("endpoint: s3.eu-west-1.amazonaws.com",
                                                                   "endpoint: s3.eu-west-1.amazonaws.com")));
  SECTION("https:// is the host form with TLS (the default for external)") {
    CHECK(Product(test::RenderOrFail(ExternalS3Spec("endpoint: s3.eu-west-1.amazonaws.com",
                                                    "endpoint: https://s3.eu-west-1.amazonaws.com/"))) == host_form);
  }
  SECTION("http:// is plain HTTP, as insecure: true says") {
    const auto plain = Product(test::RenderOrFail(
        ExternalS3Spec("endpoint: s3.eu-west-1.amazonaws.com", "endpoint: http://s3.internal.example:9000")));
    const auto spelled = Product(test::RenderOrFail(ExternalS3Spec(
        "endpoint: s3.eu-west-1.amazonaws.com", "endpoint: s3.internal.example:9000\n    insecure: true")));
    CHECK(plain == spelled);
    CHECK(plain != host_form);
  }
  SECTION("insecure contradicting the scheme is refused, naming both") {
    std::string printed;
    CHECK_FALSE(test::ValidateSpec("spec.yaml",
                                   ExternalS3Spec("endpoint: s3.eu-west-1.amazonaws.com",
                                                  "endpoint: https://s3.eu-west-1.amazonaws.com\n    insecure: true"),
                                   ".", &printed));
    CHECK(printed.find("insecure: true contradicts the endpoint's scheme https://") != std::string::npos);
  }
}

TEST_CASE("grafana.tls: existing without tlsSecret uses the Secret grafana-tls", "[model]") {
  const out::OutputTree named = test::RenderOrFail(ExternalS3Spec("tlsSecret: grafana-obs-tls", "tlsSecret: grafana-tls"));
  const out::OutputTree defaulted = test::RenderOrFail(ExternalS3Spec("  tlsSecret: grafana-obs-tls\n", ""));
  CHECK(Product(defaulted) == Product(named));
}

}  // namespace lgtmgen
