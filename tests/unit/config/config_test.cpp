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

TEST(RedisUrl, SentinelReplyNamesThePrimaryOrSaysWhy) {
    std::string why;
    const auto p = sentinel_primary(true, "10.0.0.7", "6380", "news", why);
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(p->host, "10.0.0.7");
    EXPECT_EQ(p->port, 6380);
    EXPECT_FALSE(sentinel_primary(false, "", "", "news", why));
    EXPECT_EQ(why, "does not know a primary named \"news\"");
    for (const char* port : {"0", "65536", "63x", "", "-1"}) {
        EXPECT_FALSE(sentinel_primary(true, "h", port, "news", why)) << port;
        EXPECT_EQ(why, std::string("named the primary at a bad port \"") + port + "\"");
    }
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

TEST(RedisUrl, ParsesSentinels) {
    std::string reason;
    const auto r = parse_redis_url(
        "redis+sentinel://app:s%40cret@10.0.0.1:26380,sentinel.example,[::1]:26381/my%2Dmaster/2",
        reason);
    ASSERT_TRUE(r) << reason;
    EXPECT_EQ(r->scheme, redis_scheme::sentinel);
    EXPECT_EQ(r->user, "app");
    EXPECT_EQ(r->password, "s@cret");
    ASSERT_EQ(r->sentinels.size(), 3u);
    EXPECT_EQ(r->sentinels[0], (redis_endpoint{"10.0.0.1", 26380}));
    EXPECT_EQ(r->sentinels[1], (redis_endpoint{"sentinel.example", 26379}));
    EXPECT_EQ(r->sentinels[2], (redis_endpoint{"::1", 26381}));
    EXPECT_EQ(r->master_name, "my-master");
    EXPECT_EQ(r->db, 2);
    EXPECT_EQ(describe(*r),
              "redis+sentinel://app:***@10.0.0.1:26380,sentinel.example:26379,[::1]:26381/"
              "my-master/2");

    const auto one = parse_redis_url("redis+sentinel://127.0.0.1/mymaster", reason);
    ASSERT_TRUE(one) << reason;
    ASSERT_EQ(one->sentinels.size(), 1u);
    EXPECT_EQ(one->sentinels[0].port, 26379);
    EXPECT_EQ(one->db, 0);
    EXPECT_TRUE(one->password.empty());
    EXPECT_EQ(describe(*one), "redis+sentinel://127.0.0.1:26379/mymaster/0");
}

TEST(RedisUrl, RejectsBadSentinelForms) {
    for (const char* bad :
         {"redis+sentinel://h1:26379", "redis+sentinel://h1:26379/", "redis+sentinel:///m",
          "redis+sentinel://h1,/m", "redis+sentinel://h1,h2:0/m", "redis+sentinel://h1:x/m",
          "redis+sentinel://h1/m/x", "redis+sentinel://u:%zz@h1/m", "redis+sentinel://[::1/m"}) {
        std::string reason;
        EXPECT_FALSE(parse_redis_url(bad, reason).has_value()) << bad;
        EXPECT_FALSE(reason.empty()) << bad;
    }
    std::string reason;
    EXPECT_FALSE(parse_redis_url("redis+sentinel://a:1,b:99999/m", reason));
    EXPECT_NE(reason.find("Sentinel 2"), std::string::npos) << reason;
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
