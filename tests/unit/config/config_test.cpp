// Redis URL forms and the feed id derivation rule.
#include "feedwire/config/config.hpp"

#include <gtest/gtest.h>

namespace feedwire::config {
namespace {

TEST(RedisUrl, ParsesUserPasswordHostPortDb) {
    std::string reason;
    const auto r = parse_redis_url("redis://feedwire:s%40cret@redis.example:6380/3", reason);
    ASSERT_TRUE(r) << reason;
    EXPECT_EQ(r->scheme, redis_scheme::tcp);
    EXPECT_EQ(r->user, "feedwire");
    EXPECT_EQ(r->password, "s@cret");
    EXPECT_EQ(r->host, "redis.example");
    EXPECT_EQ(r->port, 6380);
    EXPECT_EQ(r->db, 3);
    EXPECT_EQ(describe(*r), "redis://feedwire:***@redis.example:6380/3");
}

TEST(RedisUrl, HostAloneTakesDefaults) {
    std::string reason;
    const auto r = parse_redis_url("redis://localhost", reason);
    ASSERT_TRUE(r) << reason;
    EXPECT_EQ(r->host, "localhost");
    EXPECT_EQ(r->port, 6379);
    EXPECT_EQ(r->db, 0);
    EXPECT_EQ(describe(*r), "redis://localhost:6379/0");
}

TEST(RedisUrl, ParsesIpv6AndPasswordOnly) {
    std::string reason;
    const auto r = parse_redis_url("redis://:pw@[::1]:7000/1", reason);
    ASSERT_TRUE(r) << reason;
    EXPECT_EQ(r->host, "::1");
    EXPECT_EQ(r->port, 7000);
    EXPECT_EQ(r->password, "pw");
    EXPECT_EQ(r->user, "");
}

TEST(RedisUrl, ParsesUnixSocket) {
    std::string reason;
    const auto r = parse_redis_url("unix:///run/redis.sock", reason);
    ASSERT_TRUE(r) << reason;
    EXPECT_EQ(r->scheme, redis_scheme::unix_socket);
    EXPECT_EQ(r->socket_path, "/run/redis.sock");
    const auto d = parse_redis_url("unix:///run/redis.sock?db=2", reason);
    ASSERT_TRUE(d) << reason;
    EXPECT_EQ(d->db, 2);
}

TEST(RedisUrl, RejectsBadForms) {
    for (const char* bad :
         {"rediss://host", "http://host", "redis://", "redis://host:0", "redis://host:99999",
          "redis://host:x", "redis://host/-1", "redis://host/a", "unix://relative.sock",
          "redis://u:%zz@host", "redis://[::1"}) {
        std::string reason;
        EXPECT_FALSE(parse_redis_url(bad, reason).has_value()) << bad;
        EXPECT_FALSE(reason.empty()) << bad;
    }
}

TEST(FeedId, DerivedFromHostPathAndQuery) {
    EXPECT_EQ(derive_feed_id("https://tass.com/rss/v2.xml"), "tass.com-rss-v2.xml");
    EXPECT_EQ(derive_feed_id("https://Example.COM/feed/"), "example.com-feed");
    EXPECT_EQ(derive_feed_id("http://user:pw@host.example:8080/a b?x=1#frag"),
              "host.example-8080-a-b-x-1");
    EXPECT_TRUE(is_valid_feed_id(derive_feed_id("https://tass.com/rss/v2.xml")));
    EXPECT_FALSE(is_valid_feed_id("Has Space"));
    EXPECT_FALSE(is_valid_feed_id(""));
}

}  // namespace
}  // namespace feedwire::config
