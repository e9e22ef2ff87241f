// Every refusal of what this version does not render yet
// (generator/model/renderable.cpp), run through the real binary: `validate`
// and `render` refuse the same spec with the same error at the same spec
// field, and render writes nothing. The table must name every refusal the
// source makes, so a new one cannot be added without its case here.
#include <catch2/catch.hpp>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <regex>

#include "test_support.h"

namespace fs = std::filesystem;
using namespace lgtmgen;
using test::CliResult;
using test::RunCli;

namespace {

// A kind fleet of a central and a remote cluster; each case edits it.
constexpr const char* kBase = R"(apiVersion: lgtmgen.io/v1alpha1
kind: Fleet
metadata:
  name: refusals
gitops:
  repoURL: https://github.com/example/lgtm-gitops.git
platform:
  provider: kind
  cni: cilium
  loadBalancer: cilium
mesh:
  type: none
addons: []
clusters:
  - name: central
    role: central
    network: {podCIDR: 10.11.0.0/16, serviceCIDR: 10.12.0.0/16}
  - name: remote
    role: remote
    agents: alloy
    network: {podCIDR: 10.21.0.0/16, serviceCIDR: 10.22.0.0/16}
)";

struct Refusal {
  const char* name;
  std::vector<std::pair<std::string, std::string>> edits;  ///< (from, to) in kBase
  const char* error;  ///< the message, as printed
  const char* at;     ///< the text of the spec line the error points to
};

// "spec.yaml:<line>:", the line of text holding needle.
std::string LineOf(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return "spec.yaml:" + std::to_string(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n') + 1) + ":";
}

std::string Edited(std::string text, const std::vector<std::pair<std::string, std::string>>& edits) {
  for (const auto& [from, to] : edits) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_CASE("validate and render refuse exactly the same unrendered specs, at the field asking for it", "[cli]") {
  const std::vector<Refusal> refusals = {
      {"Linkerd stable",
       {{"mesh:\n  type: none", "mesh:\n  type: linkerd\n  linkerd:\n    channel: stable"}},
       "mesh.linkerd.channel: stable is not rendered by this version of lgtmgen yet",
       "channel: stable"},
      {"Cilium on existing clusters",
       {{"provider: kind", "provider: existing"}, {"loadBalancer: cilium", "loadBalancer: none"}, {"type: none", "type: istio"}},
       "platform.cni: cilium on provider existing is not rendered by this version of lgtmgen yet", "cni: cilium"},
      {"a load balancer on existing clusters", {{"provider: kind", "provider: existing"}, {"cni: cilium", "cni: default"},
                                                {"loadBalancer: cilium", "loadBalancer: metallb"}, {"type: none", "type: istio"}},
       "platform.loadBalancer: metallb on provider existing is not rendered by this version of lgtmgen yet",
       "loadBalancer: metallb"},
      {"federation on existing clusters",
       {{"provider: kind", "provider: existing"}, {"cni: cilium", "cni: default"}, {"loadBalancer: cilium", "loadBalancer: none"},
        {"type: none", "type: istio"}, {"role: central", "role: central\n    agents: prometheus-vector"},
        {"agents: alloy", "agents: prometheus-vector\n    metricsTransport: federation"}},
       "metricsTransport: federation of cluster 'remote' on provider existing is not rendered by this version of "
       "lgtmgen yet",
       "metricsTransport: federation"},
  };

  // Every NotYet(...) call of the source has its case.
  const std::string source = *test::ReadFile(test::SourcePath("generator/model/renderable.cpp"));
  const std::regex call(R"(\bNotYet\(diags,)");
  const auto calls = std::distance(std::sregex_iterator(source.begin(), source.end(), call), std::sregex_iterator());
  CHECK(static_cast<size_t>(calls) == refusals.size());

  const fs::path dir = fs::path(test::UniqueTempPath("lgtmgen-refusals-"));
  fs::create_directories(dir);
  for (const Refusal& r : refusals) {
    DYNAMIC_SECTION(r.name) {
      const std::string spec = Edited(kBase, r.edits);
      std::ofstream(dir / "spec.yaml") << spec;
      const fs::path out = dir / "out";
      const CliResult validate = RunCli("validate spec.yaml", dir.string());
      const CliResult render = RunCli("render spec.yaml -o '" + out.string() + "'", dir.string());
      INFO("validate:\n" << validate.err << "render:\n" << render.err);
      CHECK(validate.exit_code == 2);
      CHECK(render.exit_code == 2);
      CHECK(validate.err == render.err);
      CHECK(validate.err.find(LineOf(spec, r.at)) != std::string::npos);
      CHECK(validate.err.find(r.error) != std::string::npos);
      CHECK_FALSE(fs::exists(out));
    }
  }
  fs::remove_all(dir);
}
