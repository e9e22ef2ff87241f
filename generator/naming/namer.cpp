#include "naming/namer.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>

namespace lgtmgen::naming {

bool IsDns1123Label(const std::string& s) {
  if (s.empty() || s.size() > kMaxLabel) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (char c : s) {
    if (!alnum(c) && c != '-') return false;
  }
  return alnum(s.front()) && alnum(s.back());
}

std::string ApplicationName(const std::string& cluster, const std::string& component) {
  return cluster + "-" + component;
}

std::string TenantSlug(const std::string& tenant) {
  std::string slug;
  for (char c : tenant) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (ok) slug += c;
    else if (!slug.empty() && slug.back() != '-') slug += '-';
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.size() > kMaxLabel - 4) slug.resize(kMaxLabel - 4);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? "tenant" : slug;
}

std::string TenantKey(const std::string& tenant, const std::string& environment) {
  return environment.empty() ? TenantSlug(tenant) : environment + "-" + TenantSlug(tenant);
}

std::string DatasourceUid(const std::string& backend, const std::string& slug) {
  std::string uid = backend + "-" + slug;
  if (uid.size() <= kMaxGrafanaUid) return uid;
  uint32_t hash = 2166136261u;  // FNV-1a: stable across platforms and runs
  for (unsigned char c : slug) hash = (hash ^ c) * 16777619u;
  return fmt::format("{}-{:08x}", uid.substr(0, kMaxGrafanaUid - 9), hash);
}

std::string ClusterDir(const std::string& cluster) { return "clusters/" + cluster; }
std::string ClusterFacts(const std::string& cluster) { return ClusterDir(cluster) + "/cluster.json"; }
std::string ClusterValues(const std::string& cluster, const std::string& chart) {
  return ClusterDir(cluster) + "/values/" + chart + ".yaml";
}
std::string ComponentValues(const std::string& area, const std::string& chart) {
  if (area == chart) return "components/" + chart + "/values.yaml";
  return "components/" + area + "/" + chart + "/values.yaml";
}
std::string ApplicationSetFile(const std::string& component) {
  return "argocd/applicationsets/" + component + ".yaml";
}

std::string RepoPath(const std::string& gitops_path, const std::string& path) {
  if (gitops_path.empty() || gitops_path == ".") return path;
  return gitops_path + "/" + path;
}

std::string KubeContext(const std::string& provider, const std::string& cluster) {
  return provider == "kind" ? "kind-" + cluster : cluster;
}

std::string KebabSlug(const std::string& text, size_t max, const std::string& fallback) {
  std::string out;
  for (char ch : text) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  if (out.size() > max) out.resize(max);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? fallback : out;
}

std::string DashboardFileStem(const std::string& file) {
  std::string base = file.substr(file.find_last_of('/') + 1);
  if (const size_t dot = base.rfind('.'); dot != std::string::npos && dot > 0) base.resize(dot);
  return KebabSlug(base, 50, "dashboard");
}


}  // namespace lgtmgen::naming
