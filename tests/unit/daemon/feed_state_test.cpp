// feed_state <-> Redis hash fields: every field survives a round trip, a
// quiet feed writes almost nothing, garbage written by anyone reads back as
// defaults instead of failing (a feed must keep being polled), and a changed
// URL forgets what was learned about the old one (NOTES.md 6, 7).
#include "feedwire/daemon/feed_state.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <string>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;
namespace chr = std::chrono;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Pair;

using field_map = std::map<std::string, std::string>;

field_map as_map(const std::vector<std::pair<std::string, std::string>>& fields) {
    field_map m;
    for (const auto& [k, v] : fields) {
        EXPECT_TRUE(m.emplace(k, v).second) << "field written twice: " << k;
    }
    return m;
}

const chr::system_clock::time_point jan_1_2024{chr::sys_days{chr::year{2024} / 1 / 1}};

feed_state every_field_set() {
    feed_state s;
    s.configured_url = "https://example.com/feed.xml";
    s.current_url = "https://example.org/feed";
    s.etag = "W/\"abc, \\\"quoted\\\"\"";
    s.last_modified = "Mon, 01 Jan 2024 00:00:00 GMT";
    s.body_hash = std::string(64, 'f');
    s.last_poll = jan_1_2024 + 1ms;
    s.last_success = jan_1_2024 + 2h + 123ms;
    s.last_new_item = jan_1_2024 - chr::days{3};
    s.next_poll = jan_1_2024 + 10min;
    s.last_status = "http_error";
    s.last_error = "HTTP 503 Service Unavailable\nsecond line, UTF-8: é";
    s.last_http_status = 503;
    s.consecutive_errors = 4'000'000'000U;
    s.is_gone = true;
    s.moved_to = "https://example.net/rss";
    s.items_delivered = std::numeric_limits<std::uint64_t>::max();
    s.publish_gap_seconds = 1234.5678901234567;
    s.owner = "ingest-2:/var/lib/feedwire";
    return s;
}

TEST(FeedState, KeysShareAHashTag) { EXPECT_EQ(feed_state_key("hn"), "feedwire:feed:{hn}"); }

TEST(FeedState, RoundTripsEveryField) {
    const feed_state s = every_field_set();
    const auto fields = to_fields(s);
    EXPECT_EQ(from_fields(as_map(fields)), s);
    EXPECT_EQ(fields.size(), 19U);  // every field and "v"
}

TEST(FeedState, EncodesAsDocumented) {
    const auto m = as_map(to_fields(every_field_set()));
    EXPECT_EQ(m.at("v"), "1");
    EXPECT_EQ(m.at("last_poll"), "1704067200001");  // Unix milliseconds
    EXPECT_EQ(m.at("last_new_item"), "1703808000000");
    EXPECT_EQ(m.at("is_gone"), "1");
    EXPECT_EQ(m.at("consecutive_errors"), "4000000000");
    EXPECT_EQ(m.at("items_delivered"), "18446744073709551615");
    EXPECT_EQ(m.at("publish_gap_seconds"), "1234.5678901234567");
    EXPECT_EQ(m.at("etag"), "W/\"abc, \\\"quoted\\\"\"");  // as received (NOTES.md 6)
}

TEST(FeedState, DefaultStateWritesOnlyTheVersion) {
    EXPECT_THAT(to_fields(feed_state{}), ElementsAre(Pair("v", "1")));
    EXPECT_EQ(from_fields({{"v", "1"}}), feed_state{});
    EXPECT_EQ(from_fields({}), feed_state{});
}

TEST(FeedState, RoundTripsOneFieldAtATime) {
    // Each field alone: none depends on another being present.
    const feed_state full = every_field_set();
    const auto all = to_fields(full);
    for (const auto& [name, value] : all) {
        if (name == "v") continue;
        const feed_state one = from_fields({{"v", "1"}, {name, value}});
        EXPECT_NE(one, feed_state{}) << name;
        EXPECT_THAT(to_fields(one), Contains(Pair(name, value)));
        EXPECT_EQ(to_fields(one).size(), 2U) << name;
    }
}

TEST(FeedState, TimesBeforeTheEpochRoundTrip) {
    feed_state s;
    s.last_poll = chr::system_clock::time_point{} - 1500ms;
    EXPECT_EQ(as_map(to_fields(s)).at("last_poll"), "-1500");
    EXPECT_EQ(from_fields(as_map(to_fields(s))), s);
}

TEST(FeedState, TimesAreStoredToTheMillisecond) {
    feed_state s;
    s.next_poll = jan_1_2024 + 5ms + 999us;
    EXPECT_EQ(from_fields(as_map(to_fields(s))).next_poll, jan_1_2024 + 5ms);
}

TEST(FeedState, NonFiniteGapIsNotWritten) {
    feed_state s;
    s.publish_gap_seconds = std::nan("");
    EXPECT_THAT(to_fields(s), ElementsAre(Pair("v", "1")));
    s.publish_gap_seconds = std::numeric_limits<double>::infinity();
    EXPECT_THAT(to_fields(s), ElementsAre(Pair("v", "1")));
}

TEST(FeedState, GarbageReadsAsDefaults) {
    const field_map garbage = {
        {"v", "99"},
        {"last_poll", "yesterday"},
        {"last_success", "1704067200000x"},
        {"last_new_item", "99999999999999999999999"},
        {"next_poll", "1e12"},
        {"last_http_status", "five hundred"},
        {"consecutive_errors", "-1"},
        {"items_delivered", "18446744073709551616"},  // 2^64
        {"is_gone", "maybe"},
        {"publish_gap_seconds", "nan"},
        {"unknown_field", "whatever"},
    };
    EXPECT_EQ(from_fields(garbage), feed_state{});
}

TEST(FeedState, OutOfRangeValuesReadAsDefaults) {
    // Representable as int64 milliseconds, not as system_clock nanoseconds.
    EXPECT_EQ(from_fields({{"last_poll", "9223372036854775"}}).last_poll,
              chr::system_clock::time_point{});
    EXPECT_EQ(from_fields({{"consecutive_errors", "4294967296"}}).consecutive_errors, 0U);
    EXPECT_EQ(from_fields({{"publish_gap_seconds", "-3"}}).publish_gap_seconds, 0);
    EXPECT_EQ(from_fields({{"publish_gap_seconds", "inf"}}).publish_gap_seconds, 0);
    EXPECT_EQ(from_fields({{"publish_gap_seconds", ""}}).publish_gap_seconds, 0);
    EXPECT_EQ(from_fields({{"last_poll", ""}}).last_poll, chr::system_clock::time_point{});
}

TEST(FeedState, GarbageInOneFieldSparesTheOthers) {
    auto m = as_map(to_fields(every_field_set()));
    m["last_poll"] = "garbage";
    m["items_delivered"] = " 12";
    feed_state expected = every_field_set();
    expected.last_poll = {};
    expected.items_delivered = 0;
    EXPECT_EQ(from_fields(m), expected);
}

TEST(FeedState, BooleansReadLeniently) {
    EXPECT_TRUE(from_fields({{"is_gone", "1"}}).is_gone);
    EXPECT_TRUE(from_fields({{"is_gone", "true"}}).is_gone);
    EXPECT_FALSE(from_fields({{"is_gone", "0"}}).is_gone);
    EXPECT_FALSE(from_fields({{"is_gone", ""}}).is_gone);
}

// --- state_for_url -----------------------------------------------------------------------

TEST(FeedState, SameUrlKeepsEverything) {
    const feed_state s = every_field_set();
    EXPECT_EQ(state_for_url(s, s.configured_url), s);
}

TEST(FeedState, FirstUseRecordsTheUrl) {
    feed_state s = every_field_set();
    s.configured_url.clear();
    feed_state expected = s;
    expected.configured_url = "https://new.example/feed";
    EXPECT_EQ(state_for_url(s, "https://new.example/feed"), expected);
    EXPECT_EQ(state_for_url(feed_state{}, "https://x.example/").configured_url,
              "https://x.example/");
}

TEST(FeedState, ChangedUrlForgetsTheOldOne) {
    const feed_state old = every_field_set();
    const feed_state s = state_for_url(old, "https://new.example/feed");
    EXPECT_EQ(s.configured_url, "https://new.example/feed");
    EXPECT_EQ(s.etag, "");
    EXPECT_EQ(s.last_modified, "");
    EXPECT_EQ(s.current_url, "");
    EXPECT_EQ(s.moved_to, "");
    EXPECT_FALSE(s.is_gone);
    EXPECT_EQ(s.body_hash, "");
    EXPECT_EQ(s.consecutive_errors, 0U);
    EXPECT_EQ(s.last_error, "");
    // What belongs to the feed, not the URL, stays.
    EXPECT_EQ(s.items_delivered, old.items_delivered);
    EXPECT_EQ(s.publish_gap_seconds, old.publish_gap_seconds);
    EXPECT_EQ(s.last_poll, old.last_poll);
    EXPECT_EQ(s.last_success, old.last_success);
    EXPECT_EQ(s.last_new_item, old.last_new_item);
    EXPECT_EQ(s.next_poll, old.next_poll);
    EXPECT_EQ(s.last_status, old.last_status);
    EXPECT_EQ(s.last_http_status, old.last_http_status);
}

TEST(FeedState, TheStateOfTheLaterPollIsNewer) {
    feed_state redis = every_field_set();
    feed_state disk = redis;
    disk.last_poll = redis.last_poll + std::chrono::seconds{30};
    disk.etag = "\"v2\"";
    EXPECT_TRUE(is_newer_state(disk, redis));
    EXPECT_FALSE(is_newer_state(redis, disk));
    // One poll's state saved in both places: neither is newer.
    EXPECT_FALSE(is_newer_state(redis, redis));
    // Anything saved beats nothing saved (an empty hash in Redis).
    EXPECT_TRUE(is_newer_state(redis, feed_state{}));
    EXPECT_FALSE(is_newer_state(feed_state{}, redis));
    // Through the fields, as both stores keep them.
    EXPECT_TRUE(is_newer_state(from_fields(as_map(to_fields(disk))),
                               from_fields(as_map(to_fields(redis)))));
}

}  // namespace
}  // namespace feedwire::daemon
