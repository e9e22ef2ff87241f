#pragma once
// IPv4 networks in CIDR notation.
#include <cstdint>
#include <optional>
#include <string>

namespace lgtmgen::model {

struct Cidr {
  uint32_t address = 0;  ///< host byte order
  int prefix = 0;

  [[nodiscard]] uint32_t First() const { return address; }
  [[nodiscard]] uint32_t Last() const {
    return prefix == 0 ? 0xffffffffu : prefix >= 32 ? address : address | (0xffffffffu >> prefix);
  }
  [[nodiscard]] bool Overlaps(const Cidr& other) const {
    return First() <= other.Last() && other.First() <= Last();
  }
  [[nodiscard]] std::string ToString() const;
};

/// Parses "a.b.c.d/n". Returns nullopt when the text is not an IPv4 CIDR.
[[nodiscard]] std::optional<Cidr> ParseCidr(const std::string& text);

/// True when no host bits are set (10.1.0.0/16, not 10.1.2.3/16).
[[nodiscard]] bool IsNetworkAddress(const Cidr& cidr);

/// The network address of cidr's network (10.1.0.0/16 for 10.1.2.3/16).
[[nodiscard]] Cidr NetworkOf(const Cidr& cidr);

/// The smallest network that contains both a and b (10.0.0.0/11 for
/// 10.11.0.0/16 and 10.31.0.0/16).
[[nodiscard]] Cidr Covering(const Cidr& a, const Cidr& b);

}  // namespace lgtmgen::model
