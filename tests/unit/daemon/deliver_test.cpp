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

TEST(DeliverCommand, ArgvFollowsTheFunctionsContract) {
    auto argv = deliver_command("tass", sample_item(), {"s1", "s2"}, 5000);
    ASSERT_EQ(argv.size(), 3u + 3u + 9u);
    EXPECT_EQ(argv[0], "FCALL");
    EXPECT_EQ(argv[1], "feedwire_deliver");
    EXPECT_EQ(argv[2], "3");
    EXPECT_EQ(argv[3], "feedwire:seen:{tass}");
    EXPECT_EQ(argv[4], "s1");
    EXPECT_EQ(argv[5], "s2");
    EXPECT_EQ(argv[6], "feedwire:abc");
    EXPECT_EQ(argv[7], "deadbeef");
    EXPECT_EQ(argv[8], "5000");
    EXPECT_EQ(argv[9], "tass");
    EXPECT_EQ(argv[10], "https://example.com/a");
    EXPECT_EQ(argv[11], "A \"quoted\" headline");
    EXPECT_EQ(argv[12], "2019-11-22T00:00:00Z");  // versioncreated falls back to firstcreated
    EXPECT_EQ(argv[13], "");                      // duplicate_of
    EXPECT_NE(argv[14].find("\"revision\":1"), std::string::npos);
    EXPECT_EQ(argv[14].find("\"revision\":1"), argv[14].rfind("\"revision\":1"));
    auto json = nlohmann::json::parse(argv[14]);
    EXPECT_EQ(json["revision"], 1);
    EXPECT_EQ(json["headline"], "A \"quoted\" headline");
}

TEST(DeliverCommand, NoStreamsStillRecordsTheItem) {
    auto argv = deliver_command("f", sample_item(), {}, 1);
    EXPECT_EQ(argv[2], "1");
    EXPECT_EQ(argv.size(), 3u + 1u + 9u);
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
    auto added = read_delivery_reply(array({integer(1), integer(1), string("1-0")}), reason);
    ASSERT_TRUE(added) << reason;
    EXPECT_EQ(added->event, delivery_event::added);
    EXPECT_EQ(added->revision, 1u);
    EXPECT_EQ(added->stream_id, "1-0");

    auto updated = read_delivery_reply(array({integer(2), integer(4), string("9-1")}), reason);
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->event, delivery_event::updated);
    EXPECT_EQ(updated->revision, 4u);

    auto unchanged = read_delivery_reply(array({integer(0), integer(3), string("")}), reason);
    ASSERT_TRUE(unchanged);
    EXPECT_EQ(unchanged->event, delivery_event::unchanged);
    EXPECT_EQ(unchanged->revision, 3u);
    EXPECT_TRUE(unchanged->stream_id.empty());
}

TEST(ReadDeliveryReply, ErrorReplyGivesItsMessage) {
    redis_reply err;
    err.type = redis_reply::kind::error;
    err.str = "ERR Function not found";
    std::string reason;
    EXPECT_FALSE(read_delivery_reply(err, reason));
    EXPECT_EQ(reason, "ERR Function not found");
}

TEST(ReadDeliveryReply, WrongShapesAreRejected) {
    std::string reason;
    EXPECT_FALSE(read_delivery_reply(integer(1), reason));
    EXPECT_FALSE(reason.empty());
    EXPECT_FALSE(read_delivery_reply(array({integer(1), integer(1)}), reason));
    EXPECT_FALSE(read_delivery_reply(array({string("1"), integer(1), string("")}), reason));
    EXPECT_FALSE(read_delivery_reply(array({integer(5), integer(1), string("")}), reason));
    EXPECT_FALSE(read_delivery_reply(array({integer(1), integer(-1), string("")}), reason));
    EXPECT_FALSE(read_delivery_reply(array({integer(1), integer(1LL << 40), string("")}), reason));
    EXPECT_FALSE(read_delivery_reply(array({integer(1), integer(1), integer(3)}), reason));
    redis_reply nil;
    EXPECT_FALSE(read_delivery_reply(nil, reason));
}

}  // namespace
}  // namespace feedwire::daemon
