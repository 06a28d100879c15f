// Address classification by prefix tables, IANA special-purpose registries
// (RFC 6890 and updates). Everything outside the listed IPv4 ranges, and
// inside 2000::/3 for IPv6, is global. Addresses that embed an IPv4 address
// and route to it (mapped, NAT64, 6to4) take the class of that address when
// it is not global, so ::ffff:127.0.0.1 is loopback, not global.
#include "feedwire/daemon/net_address.hpp"

#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace feedwire::daemon {
namespace {

using ipv4 = std::array<std::uint8_t, 4>;
using ipv6 = std::array<std::uint8_t, 16>;

struct ipv4_range {
    std::uint32_t prefix;
    int length;
    address_class value;
};

constexpr std::uint32_t make_ipv4(std::uint32_t a, std::uint32_t b, std::uint32_t c,
                                  std::uint32_t d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
}

// Most specific first where ranges nest (0.0.0.0/8 is all unspecified).
constexpr ipv4_range ipv4_ranges[] = {
    {make_ipv4(0, 0, 0, 0), 8, address_class::unspecified},
    {make_ipv4(10, 0, 0, 0), 8, address_class::private_network},
    {make_ipv4(100, 64, 0, 0), 10, address_class::cgnat},
    {make_ipv4(127, 0, 0, 0), 8, address_class::loopback},
    {make_ipv4(169, 254, 0, 0), 16, address_class::link_local},
    {make_ipv4(172, 16, 0, 0), 12, address_class::private_network},
    {make_ipv4(192, 0, 0, 0), 24, address_class::reserved},    // IETF protocol assignments
    {make_ipv4(192, 0, 2, 0), 24, address_class::reserved},    // TEST-NET-1
    {make_ipv4(192, 88, 99, 0), 24, address_class::reserved},  // 6to4 relay anycast (deprecated)
    {make_ipv4(192, 168, 0, 0), 16, address_class::private_network},
    {make_ipv4(198, 18, 0, 0), 15, address_class::reserved},    // benchmarking
    {make_ipv4(198, 51, 100, 0), 24, address_class::reserved},  // TEST-NET-2
    {make_ipv4(203, 0, 113, 0), 24, address_class::reserved},   // TEST-NET-3
    {make_ipv4(224, 0, 0, 0), 4, address_class::multicast},
    {make_ipv4(255, 255, 255, 255), 32, address_class::reserved},  // broadcast, before 240/4
    {make_ipv4(240, 0, 0, 0), 4, address_class::reserved},
};

bool in_range(std::uint32_t address, std::uint32_t prefix, int length) {
    const std::uint32_t mask = length == 0 ? 0u : ~std::uint32_t{0} << (32 - length);
    return (address & mask) == (prefix & mask);
}

bool all_zero(const ipv6& octets, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
        if (octets[i] != 0) return false;
    }
    return true;
}

ipv4 ipv4_at(const ipv6& octets, std::size_t offset) {
    return {octets[offset], octets[offset + 1], octets[offset + 2], octets[offset + 3]};
}

}  // namespace

const char* to_string(address_class value) {
    switch (value) {
        case address_class::global:
            return "global";
        case address_class::loopback:
            return "loopback";
        case address_class::private_network:
            return "private";
        case address_class::link_local:
            return "link-local";
        case address_class::cgnat:
            return "carrier-grade NAT";
        case address_class::unique_local:
            return "unique-local";
        case address_class::unspecified:
            return "unspecified";
        case address_class::multicast:
            return "multicast";
        case address_class::reserved:
            return "reserved";
        case address_class::invalid:
            return "invalid";
    }
    return "invalid";
}

address_class classify_ipv4(const ipv4& octets) {
    const std::uint32_t address = make_ipv4(octets[0], octets[1], octets[2], octets[3]);
    for (const auto& range : ipv4_ranges) {
        if (in_range(address, range.prefix, range.length)) return range.value;
    }
    return address_class::global;
}

address_class classify_ipv6(const ipv6& octets) {
    if (all_zero(octets, 0, 10)) {
        if (octets[10] == 0xff && octets[11] == 0xff) {
            return classify_ipv4(ipv4_at(octets, 12));  // ::ffff:a.b.c.d (RFC 4291 2.5.5.2)
        }
        if (all_zero(octets, 10, 16)) return address_class::unspecified;
        if (all_zero(octets, 10, 15) && octets[15] == 1) return address_class::loopback;
        // ::a.b.c.d (IPv4-compatible, deprecated) and ::ffff:0:a.b.c.d.
        return address_class::reserved;
    }
    // 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052): the gateway
    // connects to the embedded address.
    if (octets[0] == 0x00 && octets[1] == 0x64 && octets[2] == 0xff && octets[3] == 0x9b &&
        all_zero(octets, 4, 12)) {
        return classify_ipv4(ipv4_at(octets, 12));
    }
    if (octets[0] == 0xff) return address_class::multicast;
    if (octets[0] == 0xfe && (octets[1] & 0xc0) == 0x80) return address_class::link_local;
    if (octets[0] == 0xfe && (octets[1] & 0xc0) == 0xc0) return address_class::private_network;
    if ((octets[0] & 0xfe) == 0xfc) return address_class::unique_local;
    if ((octets[0] & 0xe0) != 0x20) return address_class::reserved;  // outside 2000::/3
    if (octets[0] == 0x20 && octets[1] == 0x01 && octets[2] == 0x0d && octets[3] == 0xb8) {
        return address_class::reserved;  // 2001:db8::/32 documentation
    }
    if (octets[0] == 0x20 && octets[1] == 0x02) {  // 2002::/16 6to4 (RFC 3056)
        return classify_ipv4(ipv4_at(octets, 2));
    }
    return address_class::global;
}

address_class classify_address(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        text = text.substr(1, text.size() - 2);
    }
    if (const auto zone = text.find('%'); zone != std::string_view::npos) {
        text = text.substr(0, zone);
    }
    // Longest textual IPv6 address (with embedded IPv4) is 45 characters.
    if (text.empty() || text.size() > 45) return address_class::invalid;
    const std::string copy(text);
    ipv4 v4{};
    if (inet_pton(AF_INET, copy.c_str(), v4.data()) == 1) return classify_ipv4(v4);
    ipv6 v6{};
    if (inet_pton(AF_INET6, copy.c_str(), v6.data()) == 1) return classify_ipv6(v6);
    return address_class::invalid;
}

address_class classify_address(const sockaddr* address) {
    if (address == nullptr) return address_class::invalid;
    if (address->sa_family == AF_INET) {
        sockaddr_in in{};
        std::memcpy(&in, address, sizeof in);
        ipv4 v4{};
        std::memcpy(v4.data(), &in.sin_addr, v4.size());
        return classify_ipv4(v4);
    }
    if (address->sa_family == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, address, sizeof in6);
        ipv6 v6{};
        std::memcpy(v6.data(), &in6.sin6_addr, v6.size());
        return classify_ipv6(v6);
    }
    return address_class::invalid;
}

bool is_hop_allowed(address_class first_hop, address_class this_hop, bool allow_private_networks) {
    if (this_hop == address_class::global || allow_private_networks) return true;
    return first_hop != address_class::global && first_hop != address_class::invalid &&
           this_hop != address_class::invalid;
}

}  // namespace feedwire::daemon
