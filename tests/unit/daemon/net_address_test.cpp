// Address classes for the SSRF check: every special range at its edges, the
// IPv4-carrying IPv6 forms, sockaddr input, and the hop rule as a table.
#include "feedwire/daemon/net_address.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace feedwire::daemon {
namespace {

struct text_case {
    const char* text;
    address_class expected;
};

class ClassifyText : public ::testing::TestWithParam<text_case> {};

TEST_P(ClassifyText, MatchesRange) {
    EXPECT_EQ(classify_address(GetParam().text), GetParam().expected)
        << GetParam().text << " gave " << to_string(classify_address(GetParam().text));
}

constexpr text_case text_cases[] = {
    // global
    {"8.8.8.8", address_class::global},
    {"1.1.1.1", address_class::global},
    {"9.255.255.255", address_class::global},
    {"11.0.0.0", address_class::global},
    {"100.63.255.255", address_class::global},
    {"100.128.0.0", address_class::global},
    {"172.15.255.255", address_class::global},
    {"172.32.0.0", address_class::global},
    {"192.167.255.255", address_class::global},
    {"192.169.0.0", address_class::global},
    {"169.253.255.255", address_class::global},
    {"223.255.255.255", address_class::global},
    {"2001:4860:4860::8888", address_class::global},
    {"2606:4700:4700::1111", address_class::global},
    // loopback
    {"127.0.0.1", address_class::loopback},
    {"127.255.255.254", address_class::loopback},
    {"::1", address_class::loopback},
    // private
    {"10.0.0.0", address_class::private_network},
    {"10.255.255.255", address_class::private_network},
    {"172.16.0.1", address_class::private_network},
    {"172.31.255.255", address_class::private_network},
    {"192.168.0.1", address_class::private_network},
    {"192.168.255.255", address_class::private_network},
    {"fec0::1", address_class::private_network},
    // link-local, including the cloud metadata service
    {"169.254.0.1", address_class::link_local},
    {"169.254.169.254", address_class::link_local},
    {"169.254.255.255", address_class::link_local},
    {"fe80::1", address_class::link_local},
    {"febf:ffff::1", address_class::link_local},
    {"fe80::1%eth0", address_class::link_local},
    {"fd00:ec2::254", address_class::unique_local},  // AWS metadata over IPv6
    // CGNAT
    {"100.64.0.0", address_class::cgnat},
    {"100.127.255.255", address_class::cgnat},
    // unique-local
    {"fc00::1", address_class::unique_local},
    {"fdff:ffff::1", address_class::unique_local},
    // unspecified
    {"0.0.0.0", address_class::unspecified},
    {"0.1.2.3", address_class::unspecified},
    {"::", address_class::unspecified},
    // multicast
    {"224.0.0.1", address_class::multicast},
    {"239.255.255.255", address_class::multicast},
    {"ff02::1", address_class::multicast},
    // reserved
    {"240.0.0.1", address_class::reserved},
    {"255.255.255.255", address_class::reserved},
    {"192.0.2.1", address_class::reserved},
    {"198.51.100.7", address_class::reserved},
    {"203.0.113.9", address_class::reserved},
    {"198.18.0.1", address_class::reserved},
    {"2001:db8::1", address_class::reserved},
    {"::7f00:1", address_class::reserved},  // IPv4-compatible, deprecated
    // IPv4-mapped IPv6 takes the class of the IPv4 address
    {"::ffff:127.0.0.1", address_class::loopback},
    {"::ffff:7f00:1", address_class::loopback},
    {"::ffff:10.1.2.3", address_class::private_network},
    {"::ffff:169.254.169.254", address_class::link_local},
    {"::ffff:100.64.1.1", address_class::cgnat},
    {"::ffff:0.0.0.0", address_class::unspecified},
    {"::ffff:8.8.8.8", address_class::global},
    {"[::ffff:192.168.1.1]", address_class::private_network},
    // NAT64 and 6to4 reach the embedded IPv4 address
    {"64:ff9b::10.0.0.1", address_class::private_network},
    {"64:ff9b::8.8.8.8", address_class::global},
    {"2002:7f00:1::1", address_class::loopback},
    {"2002:0808:0808::1", address_class::global},
    // not addresses
    {"", address_class::invalid},
    {"localhost", address_class::invalid},
    {"127.1", address_class::invalid},
    {"1.2.3.256", address_class::invalid},
    {"::ffff:1.2.3", address_class::invalid},
};

INSTANTIATE_TEST_SUITE_P(NetAddress, ClassifyText, ::testing::ValuesIn(text_cases));

TEST(NetAddress, ClassifiesSockaddrIpv4) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    ASSERT_EQ(inet_pton(AF_INET, "169.254.169.254", &in.sin_addr), 1);
    sockaddr_storage storage{};
    std::memcpy(&storage, &in, sizeof in);
    EXPECT_EQ(classify_address(reinterpret_cast<const sockaddr*>(&storage)),
              address_class::link_local);
}

TEST(NetAddress, ClassifiesSockaddrMappedIpv6) {
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    ASSERT_EQ(inet_pton(AF_INET6, "::ffff:10.0.0.5", &in6.sin6_addr), 1);
    sockaddr_storage storage{};
    std::memcpy(&storage, &in6, sizeof in6);
    EXPECT_EQ(classify_address(reinterpret_cast<const sockaddr*>(&storage)),
              address_class::private_network);
}

TEST(NetAddress, SockaddrOfOtherFamilyIsInvalid) {
    sockaddr_storage storage{};
    storage.ss_family = AF_UNIX;
    EXPECT_EQ(classify_address(reinterpret_cast<const sockaddr*>(&storage)),
              address_class::invalid);
    EXPECT_EQ(classify_address(static_cast<const sockaddr*>(nullptr)), address_class::invalid);
}

TEST(NetAddress, EveryClassHasAName) {
    for (int i = 0; i <= static_cast<int>(address_class::invalid); ++i) {
        EXPECT_STRNE(to_string(static_cast<address_class>(i)), "");
    }
    EXPECT_STREQ(to_string(address_class::link_local), "link-local");
}

struct hop_case {
    address_class first;
    address_class hop;
    bool allow_private;
    bool expected;
};

class HopRule : public ::testing::TestWithParam<hop_case> {};

TEST_P(HopRule, MatchesTable) {
    const hop_case& c = GetParam();
    EXPECT_EQ(is_hop_allowed(c.first, c.hop, c.allow_private), c.expected)
        << to_string(c.first) << " -> " << to_string(c.hop) << " allow_private=" << c.allow_private;
}

using ac = address_class;
constexpr hop_case hop_cases[] = {
    // public feeds stay public
    {ac::global, ac::global, false, true},
    {ac::global, ac::loopback, false, false},
    {ac::global, ac::private_network, false, false},
    {ac::global, ac::link_local, false, false},
    {ac::global, ac::cgnat, false, false},
    {ac::global, ac::unique_local, false, false},
    {ac::global, ac::unspecified, false, false},
    {ac::global, ac::multicast, false, false},
    {ac::global, ac::reserved, false, false},
    {ac::global, ac::invalid, false, false},
    // the operator allowed private networks
    {ac::global, ac::loopback, true, true},
    {ac::global, ac::link_local, true, true},
    {ac::global, ac::private_network, true, true},
    // the operator configured a private URL: its first hop and later hops pass
    {ac::private_network, ac::private_network, false, true},
    {ac::loopback, ac::loopback, false, true},
    {ac::private_network, ac::loopback, false, true},
    {ac::unique_local, ac::global, false, true},
    // an address that cannot be read never counts as private-by-configuration
    {ac::invalid, ac::invalid, false, false},
    {ac::private_network, ac::invalid, false, false},
    {ac::invalid, ac::global, false, true},
};

INSTANTIATE_TEST_SUITE_P(NetAddress, HopRule, ::testing::ValuesIn(hop_cases));

}  // namespace
}  // namespace feedwire::daemon
