// Cross-cluster addresses come from one place (endpoints/addresses.h): no
// emitter or template spells a provider's host names, so a new provider is
// one change there.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include "endpoints/addresses.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace lgtmgen;

TEST_CASE("no emitter or template spells a kind node host outside the address model", "[wiring]") {
  // A host built from a name and kind's node suffix: in C++ ("+ "-control-plane"",
  // "{}-control-plane"), in templates (@@cluster@@-control-plane) and scripts
  // (${CENTRAL}-control-plane, $1-control-plane).
  const std::regex kind_host(R"((\+\s*"|\{[0-9]*\}|@@[a-z_]+@@|\$\{?[A-Za-z_0-9]+\}?)-control-plane)");
  const fs::path address_model = fs::path(test::SourcePath("generator/endpoints/addresses.cpp"));
  int files = 0;
  for (const char* root : {"generator", "templates"}) {
    for (const auto& entry : fs::recursive_directory_iterator(test::SourcePath(root))) {
      if (!entry.is_regular_file() || fs::equivalent(entry.path(), address_model)) continue;
      ++files;
      const std::string text = test::ReadFile(entry.path().string()).value_or("");
      std::smatch m;
      INFO(entry.path().string());
      CHECK_FALSE(std::regex_search(text, m, kind_host));
    }
  }
  CHECK(files > 100);
}

TEST_CASE("the address model: kind node names, minikube profile names, nothing guessed for existing clusters",
          "[wiring]") {
  model::Model m;
  m.name = "lab";
  model::Cluster c;
  c.name = "edge";
  c.provider = m.platform.local_provider = "kind";
  CHECK(endpoints::NodeHost(m, c) == "edge-control-plane");
  CHECK(endpoints::ApiServerUrl(m, c) == "https://edge-control-plane:6443");
  CHECK(endpoints::ApiServerHost(m, c) == "edge-control-plane");
  CHECK(endpoints::ApiServerPort(c) == 6443);
  CHECK(endpoints::DockerNetwork(m) == "kind");
  c.provider = m.platform.local_provider = "minikube";
  CHECK(endpoints::NodeHost(m, c) == "edge");
  CHECK(endpoints::ApiServerUrl(m, c) == "https://edge:8443");
  CHECK(endpoints::ApiServerHost(m, c) == "edge");
  CHECK(endpoints::ApiServerPort(c) == 8443);
  CHECK(endpoints::DockerNetwork(m) == "lgtmgen-lab");
  // A mixed fleet: an existing cluster beside minikube profiles.
  c.provider = "existing";
  CHECK(endpoints::DockerNetwork(m) == "lgtmgen-lab");
  m.platform.local_provider = "";
  CHECK(endpoints::DockerNetwork(m).empty());
  CHECK(endpoints::NodeHost(m, c).empty());
  CHECK(endpoints::ApiServerUrl(m, c).empty());
  CHECK(endpoints::ApiServerHost(m, c).empty());
}
