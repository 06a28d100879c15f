// Where an IP address leads, as far as server-side request forgery goes.
// The fetcher checks the address libcurl actually connected to on every hop
// (CURLOPT_PREREQFUNCTION), not what a resolver said beforehand: a resolver
// check is bypassed by DNS rebinding and, in CommaFeed's case, by IPv6
// (GHSA-q5qw-345w-55xg). Pure functions, no I/O; IPv4-mapped (::ffff:a.b.c.d)
// and NAT64 (64:ff9b::a.b.c.d) addresses are judged by the IPv4 address they
// carry, since that is where the packets end up.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

struct sockaddr;

namespace feedwire::daemon {

enum class address_class {
    global,           // publicly routable: the only class a public feed may lead to
    loopback,         // 127/8, ::1
    private_network,  // 10/8, 172.16/12, 192.168/16, fec0::/10 (deprecated site-local)
    link_local,       // 169.254/16 (cloud metadata at 169.254.169.254), fe80::/10
    cgnat,            // 100.64/10 (RFC 6598 shared address space)
    unique_local,     // fc00::/7
    unspecified,      // 0.0.0.0/8, :: (Linux connects 0.0.0.0 to the local host)
    multicast,        // 224/4, ff00::/8
    reserved,         // documentation, benchmarking, 240/4, broadcast, IETF ranges
    invalid,          // not an IP address at all
};

const char* to_string(address_class value);

address_class classify_ipv4(const std::array<std::uint8_t, 4>& octets);
address_class classify_ipv6(const std::array<std::uint8_t, 16>& octets);

// Numeric text only ("192.0.2.1", "::1", "[::1]", "fe80::1%eth0"); names and
// IPv4 shorthands such as "127.1" are invalid, never resolved.
address_class classify_address(std::string_view text);

// AF_INET and AF_INET6; anything else is invalid.
address_class classify_address(const sockaddr* address);

inline bool is_global(address_class value) { return value == address_class::global; }

// May a transfer whose first hop connected to `first_hop` go on to a hop that
// connected to `this_hop`? A non-global hop is allowed only when the operator
// allows private networks, or when the first hop was itself non-global (the
// operator configured a private URL on purpose, so its redirects are trusted
// alike). An address that could not be read (invalid) counts as non-global.
bool is_hop_allowed(address_class first_hop, address_class this_hop, bool allow_private_networks);

}  // namespace feedwire::daemon
