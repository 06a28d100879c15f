// The pure half of delivery: stream routing, the FCALL argv, and reading the
// function's reply. No server (tests/integration/deliver_test.cpp has one).
#include "feedwire/daemon/deliver.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace feedwire::daemon {
namespace {

using strings = std::vector<std::string>;

TEST(RouteStreams, PlainNameIsOneStream) {
    EXPECT_EQ(route_streams("feedwire:items", "f", {"a", "b"}), strings{"feedwire:items"});
}

TEST(RouteStreams, TagYieldsOneStreamPerTag) {
    EXPECT_EQ(route_streams("news:{tag}", "f", {"world", "tech"}),
              (strings{"news:world", "news:tech"}));
}

TEST(RouteStreams, TagWithoutTagsYieldsNothing) {
    EXPECT_TRUE(route_streams("news:{tag}", "f", {}).empty());
}

TEST(RouteStreams, FeedIsReplacedEverywhere) {
    EXPECT_EQ(route_streams("{feed}:{tag}:{feed}", "tass", {"x"}), strings{"tass:x:tass"});
    EXPECT_EQ(route_streams("by-feed:{feed}", "tass", {}), strings{"by-feed:tass"});
}

TEST(RouteStreams, DuplicatesAndEmptiesAreDroppedInOrder) {
    EXPECT_EQ(route_streams("n:{tag}", "f", {"b", "", "a", "b"}), (strings{"n:b", "n:a"}));
    EXPECT_TRUE(route_streams("", "f", {"a"}).empty());
}

feeds::item sample_item() {
    feeds::item it;
    it.uri = "feedwire:abc";
    it.url = "https://example.com/a";
    it.headline = "A \"quoted\" headline";
    it.firstcreated = std::chrono::sys_days{std::chrono::year{2019} / 11 / 22};
    it.fingerprint.content = "deadbeef";
    it.revision = 7;  // always sent as 1: the function patches it
    return it;
}

TEST(PrepareDelivery, PayloadCarriesTheStreamFieldsAndRevisionOne) {
    auto p = prepare_delivery(sample_item());
    EXPECT_EQ(p.uri, "feedwire:abc");
    EXPECT_EQ(p.fingerprint, "deadbeef");
    EXPECT_EQ(p.url, "https://example.com/a");
    EXPECT_EQ(p.headline, "A \"quoted\" headline");
    EXPECT_EQ(p.versioncreated, "2019-11-22T00:00:00Z");  // falls back to firstcreated
    EXPECT_EQ(p.duplicate_of, "");
    EXPECT_NE(p.json.find("\"revision\":1"), std::string::npos);
    EXPECT_EQ(p.json.find("\"revision\":1"), p.json.rfind("\"revision\":1"));
    auto json = nlohmann::json::parse(p.json);
    EXPECT_EQ(json["revision"], 1);
    EXPECT_EQ(json["headline"], "A \"quoted\" headline");
    EXPECT_EQ(p.size(), p.uri.size() + p.fingerprint.size() + p.url.size() + p.headline.size() +
                            p.versioncreated.size() + p.json.size());
}

TEST(DeliverCommand, ArgvFollowsTheFunctionsContract) {
    auto second = sample_item();
    second.uri = "feedwire:def";
    second.duplicate_of = "feedwire:abc";
    std::vector<delivery_payload> payloads{prepare_delivery(sample_item()),
                                           prepare_delivery(second)};
    const auto json = payloads[0].json;
    auto argv = deliver_command("tass", payloads, {"s1", "s2"}, 5000);
    ASSERT_EQ(argv.size(), 3u + 3u + 2u + 2u * 7u);
    EXPECT_EQ(argv[0], "FCALL");
    EXPECT_EQ(argv[1], "feedwire_deliver");
    EXPECT_EQ(argv[2], "3");
    EXPECT_EQ(argv[3], "feedwire:seen:{tass}");
    EXPECT_EQ(argv[4], "s1");
    EXPECT_EQ(argv[5], "s2");
    EXPECT_EQ(argv[6], "5000");
    EXPECT_EQ(argv[7], "tass");
    EXPECT_EQ(argv[8], "feedwire:abc");
    EXPECT_EQ(argv[9], "deadbeef");
    EXPECT_EQ(argv[10], "https://example.com/a");
    EXPECT_EQ(argv[11], "A \"quoted\" headline");
    EXPECT_EQ(argv[12], "2019-11-22T00:00:00Z");
    EXPECT_EQ(argv[13], "");  // duplicate_of
    EXPECT_EQ(argv[14], json);
    EXPECT_EQ(argv[15], "feedwire:def");
    EXPECT_EQ(argv[20], "feedwire:abc");
}

TEST(DeliverCommand, NoStreamsStillRecordsTheItem) {
    std::vector<delivery_payload> payloads{prepare_delivery(sample_item())};
    auto argv = deliver_command("f", payloads, {}, 1);
    EXPECT_EQ(argv[2], "1");
    EXPECT_EQ(argv.size(), 3u + 1u + 2u + 7u);
}

TEST(DeliveryLibrary, LoadCommandCarriesTheSource) {
    auto load = delivery_library_load_command();
    ASSERT_EQ(load.size(), 4u);
    EXPECT_EQ(load[0], "FUNCTION");
    EXPECT_EQ(load[1], "LOAD");
    EXPECT_EQ(load[2], "REPLACE");
    EXPECT_EQ(load[3].rfind("#!lua name=feedwire\n", 0), 0u);
    EXPECT_NE(load[3].find("redis.register_function('feedwire_deliver'"), std::string::npos);
    EXPECT_EQ(load[3], delivery_library_source());
}

redis_reply integer(long long v) {
    redis_reply r;
    r.type = redis_reply::kind::integer;
    r.integer = v;
    return r;
}

redis_reply string(std::string s) {
    redis_reply r;
    r.type = redis_reply::kind::string;
    r.str = std::move(s);
    return r;
}

redis_reply array(std::vector<redis_reply> e) {
    redis_reply r;
    r.type = redis_reply::kind::array;
    r.elements = std::move(e);
    return r;
}

TEST(ReadDeliveryReply, ReadsTheThreeOutcomes) {
    std::string reason;
    auto results =
        read_delivery_reply(array({integer(1), integer(1), string("1-0"), integer(2), integer(4),
                                   string("9-1"), integer(0), integer(3), string("")}),
                            3, reason);
    ASSERT_TRUE(results) << reason;
    ASSERT_EQ(results->size(), 3u);
    const auto& added = (*results)[0];
    EXPECT_EQ(added.event, delivery_event::added);
    EXPECT_EQ(added.revision, 1u);
    EXPECT_EQ(added.stream_id, "1-0");

    const auto& updated = (*results)[1];
    EXPECT_EQ(updated.event, delivery_event::updated);
    EXPECT_EQ(updated.revision, 4u);
    EXPECT_EQ(updated.stream_id, "9-1");

    const auto& unchanged = (*results)[2];
    EXPECT_EQ(unchanged.event, delivery_event::unchanged);
    EXPECT_EQ(unchanged.revision, 3u);
    EXPECT_TRUE(unchanged.stream_id.empty());
}

TEST(ReadDeliveryReply, ErrorReplyGivesItsMessage) {
    redis_reply err;
    err.type = redis_reply::kind::error;
    err.str = "ERR Function not found";
    std::string reason;
    EXPECT_FALSE(read_delivery_reply(err, 1, reason));
    EXPECT_EQ(reason, "ERR Function not found");
}

TEST(ReadDeliveryReply, WrongShapesAreRejected) {
    std::string reason;
    EXPECT_FALSE(read_delivery_reply(integer(1), 1, reason));
    EXPECT_FALSE(reason.empty());
    EXPECT_FALSE(read_delivery_reply(array({integer(1), integer(1)}), 1, reason));
    // One item's worth of reply for a batch of two.
    EXPECT_FALSE(read_delivery_reply(array({integer(1), integer(1), string("")}), 2, reason));
    EXPECT_FALSE(read_delivery_reply(array({string("1"), integer(1), string("")}), 1, reason));
    EXPECT_FALSE(read_delivery_reply(array({integer(5), integer(1), string("")}), 1, reason));
    EXPECT_FALSE(read_delivery_reply(array({integer(1), integer(-1), string("")}), 1, reason));
    EXPECT_FALSE(
        read_delivery_reply(array({integer(1), integer(1LL << 40), string("")}), 1, reason));
    EXPECT_FALSE(read_delivery_reply(array({integer(1), integer(1), integer(3)}), 1, reason));
    // A good first item does not hide a bad second one.
    EXPECT_FALSE(read_delivery_reply(
        array({integer(1), integer(1), string("1-0"), integer(7), integer(1), string("")}), 2,
        reason));
    redis_reply nil;
    EXPECT_FALSE(read_delivery_reply(nil, 1, reason));
}

}  // namespace
}  // namespace feedwire::daemon
