#include "model/cidr.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace lgtmgen::model {

std::optional<Cidr> ParseCidr(const std::string& text) {
  unsigned a = 0, b = 0, c = 0, d = 0, n = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%3u.%3u.%3u.%3u/%2u%c", &a, &b, &c, &d, &n, &tail) != 5) {
    return std::nullopt;
  }
  if (a > 255 || b > 255 || c > 255 || d > 255 || n > 32) return std::nullopt;
  return Cidr{(a << 24) | (b << 16) | (c << 8) | d, static_cast<int>(n)};
}

bool IsNetworkAddress(const Cidr& cidr) { return NetworkOf(cidr).address == cidr.address; }

Cidr NetworkOf(const Cidr& cidr) {
  const uint32_t mask = cidr.prefix == 0 ? 0 : 0xffffffffu << (32 - cidr.prefix);
  return Cidr{cidr.address & mask, cidr.prefix};
}

std::string Cidr::ToString() const {
  return fmt::format("{}.{}.{}.{}/{}", address >> 24, (address >> 16) & 0xff, (address >> 8) & 0xff,
                     address & 0xff, prefix);
}

Cidr Covering(const Cidr& a, const Cidr& b) {
  int prefix = std::min(a.prefix, b.prefix);
  auto top = [](uint32_t address, int bits) { return bits == 0 ? 0u : address >> (32 - bits); };
  while (prefix > 0 && top(a.address, prefix) != top(b.address, prefix)) --prefix;
  return NetworkOf(Cidr{a.address, prefix});
}

}  // namespace lgtmgen::model
