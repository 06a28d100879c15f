// The pure half of delivery: stream routing, the FCALL argv, and reading the
// function's reply. No server (tests/integration/deliver_test.cpp has one).
#include "feedwire/daemon/deliver.hpp"

#include "feedwire/feeds/fingerprint.hpp"

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

std::string first8(const std::string& text) {
    const auto d = feeds::sha256(text);
    return {reinterpret_cast<const char*>(d.data()), 8};
}

TEST(PrepareDelivery, PayloadCarriesTheKeysTheStreamFieldsAndRevisionOne) {
    auto p = prepare_delivery(sample_item());
    EXPECT_EQ(p.uri, "feedwire:abc");
    EXPECT_EQ(p.keys,
              first8("feedwire:abc") + first8("deadbeef") + first8("https://example.com/a"));
    EXPECT_TRUE(p.minhash.empty());  // no signature: too short a text
    EXPECT_EQ(p.url, "https://example.com/a");
    EXPECT_EQ(p.headline, "A \"quoted\" headline");
    EXPECT_EQ(p.versioncreated, "2019-11-22T00:00:00Z");  // falls back to firstcreated
    EXPECT_NE(p.json.find("\"revision\":1"), std::string::npos);
    EXPECT_EQ(p.json.find("\"revision\":1"), p.json.rfind("\"revision\":1"));
    auto json = nlohmann::json::parse(p.json);
    EXPECT_EQ(json["revision"], 1);
    EXPECT_EQ(json["headline"], "A \"quoted\" headline");
    EXPECT_EQ(p.size(), p.uri.size() + p.keys.size() + p.url.size() + p.headline.size() +
                            p.versioncreated.size() + p.json.size());
}

TEST(PrepareDelivery, NoUrlGivesZeroUrlHashAndASignatureTravelsRaw) {
    auto it = sample_item();
    it.url.clear();
    const std::string text =
        "The central bank kept its key rate at 16 percent on Friday, saying inflation "
        "slowed for a third month while lending to companies kept growing";
    it.fingerprint.minhash = feeds::minhash_signature(text);
    ASSERT_FALSE(it.fingerprint.minhash.empty());
    auto p = prepare_delivery(it);
    EXPECT_EQ(p.keys.substr(16), std::string(8, '\0'));
    const auto m = feeds::decode_minhash(it.fingerprint.minhash);
    ASSERT_TRUE(m);
    ASSERT_EQ(p.minhash.size(), 258u + 32u * 6u);
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(p.minhash[i]); };
    EXPECT_EQ(byte(0) + 256u * byte(1), m->shingles);
    for (std::size_t b = 0; b < feeds::minhash_bins; ++b)
        EXPECT_EQ(byte(2 + 2 * b) + 256u * byte(3 + 2 * b), m->bins[b]) << b;
    // Band 5's 48-bit hash, of its number and bins 10 and 11, big-endian.
    const std::size_t at = 258 + 5 * 6;
    std::uint64_t h = 0;
    for (std::size_t i = 0; i < 6; ++i) h = (h << 8U) | byte(at + i);
    EXPECT_EQ(h, feeds::lsh_band_hashes(*m)[5]);
}

TEST(DeliverCommand, ArgvFollowsTheFunctionsContract) {
    auto second = sample_item();
    second.uri = "feedwire:def";
    std::vector<delivery_payload> payloads{prepare_delivery(sample_item()),
                                           prepare_delivery(second)};
    const auto json = payloads[0].json;
    const auto keys = payloads[0].keys;
    delivery_target t;
    t.feed_id = "tass";
    t.streams = {"s1", "s2"};
    t.actions = {config::near_duplicate_action::drop};  // s2: the default, mark
    t.maxlen = 5000;
    t.retention = std::chrono::hours{24 * 30};
    t.near_window = std::chrono::hours{72};
    // Day 20,000 since 1970 at noon: exact epoch 2,000; near epoch (72 h)
    // 6,666.
    t.now = std::chrono::system_clock::time_point{std::chrono::hours{24 * 20000 + 12}};
    auto argv = deliver_command(t, payloads);
    // 30 days in epochs of 10: 4 keys of each exact kind; near keys: 2.
    const std::size_t keys_n = 4 + 4 + 1 + 2 + 2;
    ASSERT_EQ(argv.size(), 3u + keys_n + 8u + 2u * 7u);
    EXPECT_EQ(argv[0], "FCALL");
    EXPECT_EQ(argv[1], "feedwire_deliver");
    EXPECT_EQ(argv[2], std::to_string(keys_n));
    EXPECT_EQ(argv[3], "feedwire:{dedup}:entries:tass:2000");
    EXPECT_EQ(argv[6], "feedwire:{dedup}:entries:tass:1997");
    EXPECT_EQ(argv[7], "feedwire:{dedup}:articles:2000");
    // One 16 MiB near index by default: cells of 6 bytes.
    EXPECT_EQ(argv[11], "feedwire:{dedup}:nearidx:259200:2796202");
    EXPECT_EQ(argv[12], "feedwire:{dedup}:near:259200:6666");
    EXPECT_EQ(argv[13], "feedwire:{dedup}:near:259200:6665");
    EXPECT_EQ(argv[14], "s1");
    EXPECT_EQ(argv[15], "s2");
    std::size_t a = 16;
    EXPECT_EQ(argv[a], "5000");
    EXPECT_EQ(argv[a + 1], "tass");
    EXPECT_EQ(argv[a + 2], "4");
    EXPECT_EQ(argv[a + 3], "2");
    // Exact keys expire 30 days after their epoch ends, near keys a window
    // after theirs.
    EXPECT_EQ(argv[a + 4], std::to_string(2001LL * 864000 + 30 * 86400));
    EXPECT_EQ(argv[a + 5], std::to_string(6668LL * 259200));
    EXPECT_EQ(argv[a + 6], "dm");
    EXPECT_EQ(argv[a + 7], std::to_string(30 * 86400));
    a += 8;
    EXPECT_EQ(argv[a], "feedwire:abc");
    EXPECT_EQ(argv[a + 1], keys);
    EXPECT_EQ(argv[a + 2], "");
    EXPECT_EQ(argv[a + 3], "https://example.com/a");
    EXPECT_EQ(argv[a + 4], "A \"quoted\" headline");
    EXPECT_EQ(argv[a + 5], "2019-11-22T00:00:00Z");
    EXPECT_EQ(argv[a + 6], json);
    EXPECT_EQ(argv[a + 7], "feedwire:def");
}

TEST(DeliverCommand, TheNearBlobPlacesEveryBandInTheIndex) {
    auto it = sample_item();
    it.fingerprint.minhash = feeds::minhash_signature(
        "The central bank kept its key rate at 16 percent on Friday, saying inflation "
        "slowed for a third month while lending to companies kept growing");
    const auto m = feeds::decode_minhash(it.fingerprint.minhash);
    ASSERT_TRUE(m);
    std::vector<delivery_payload> payloads{prepare_delivery(it)};
    const std::string raw = payloads[0].minhash;
    const std::string keys = payloads[0].keys;
    delivery_target t;
    t.feed_id = "f";
    t.streams = {"s"};
    t.near_index_cells = 1000;
    t.now = std::chrono::system_clock::time_point{std::chrono::hours{24 * 20000}};
    const auto argv = deliver_command(t, payloads);
    const std::string& blob = argv[std::stoul(argv[2]) + 3 + 8 + 2];
    // MessagePack, read here by nlohmann-json as the function's cmsgpack
    // reads it: [cell offsets and values, band tags, signature].
    const auto near = nlohmann::json::from_msgpack(blob);
    ASSERT_TRUE(near.is_array());
    ASSERT_EQ(near.size(), 3u);
    const auto& cells = near[0];
    const auto& tags = near[1];
    ASSERT_EQ(cells.size(), 2 * feeds::minhash_bands);
    ASSERT_EQ(tags.size(), feeds::minhash_bands);
    EXPECT_EQ(near[2].get<std::string>(), raw.substr(0, 258));
    const std::uint64_t ref = (std::uint64_t{static_cast<unsigned char>(keys[0])} << 24U) |
                              (std::uint64_t{static_cast<unsigned char>(keys[1])} << 16U) |
                              (std::uint64_t{static_cast<unsigned char>(keys[2])} << 8U) |
                              static_cast<unsigned char>(keys[3]);
    const auto bands = feeds::lsh_band_hashes(*m);
    for (std::size_t b = 0; b < feeds::minhash_bands; ++b) {
        const std::uint64_t h = bands[b];
        const std::uint64_t tag = h >> 32U;
        EXPECT_EQ(tags[b].get<std::uint64_t>(), tag) << b;
        EXPECT_EQ(cells[b].get<std::string>(), "#" + std::to_string((h & 0xFFFFFFFFU) % 1000)) << b;
        EXPECT_EQ(cells[feeds::minhash_bands + b].get<std::string>(),
                  std::to_string((tag << 32U) | (ref == 0 ? 1 : ref)))
            << b;
    }
}

TEST(DeliverCommand, EpochsFollowRetentionAndTimeBefore1970) {
    std::vector<delivery_payload> payloads{prepare_delivery(sample_item())};
    delivery_target t;
    t.feed_id = "f";
    t.streams = {"s"};
    t.retention = std::chrono::hours{24 * 10};  // exactly one epoch: it and the one before
    t.near_window = std::chrono::hours{1};
    t.now = std::chrono::system_clock::time_point{} - std::chrono::seconds{1};
    auto argv = deliver_command(t, payloads);
    // Two epochs of each kind, the index, and the stream.
    ASSERT_EQ(argv[2], "8");
    EXPECT_EQ(argv[3], "feedwire:{dedup}:entries:f:-1");
    EXPECT_EQ(argv[4], "feedwire:{dedup}:entries:f:-2");
    EXPECT_EQ(argv[5], "feedwire:{dedup}:articles:-1");
    EXPECT_EQ(argv[7], "feedwire:{dedup}:nearidx:3600:2796202");
    EXPECT_EQ(argv[8], "feedwire:{dedup}:near:3600:-1");
    EXPECT_EQ(argv[9], "feedwire:{dedup}:near:3600:-2");
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

TEST(ReadDeliveryReply, ReadsEveryOutcome) {
    std::string reason;
    auto results = read_delivery_reply(
        array({integer(1), integer(1), string("1-0"), string(""),                //
               integer(2), integer(4), string("9-1"), string(""),                //
               integer(0), integer(3), string(""),    string(""),                //
               integer(3), integer(0), string(""),    string("feedwire:first"),  //
               integer(4), integer(1), string("9-2"), string("feedwire:first"),  //
               integer(5), integer(1), string(""),    string("feedwire:first")}),
        6, reason);
    ASSERT_TRUE(results) << reason;
    ASSERT_EQ(results->size(), 6u);
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

    EXPECT_EQ((*results)[3].event, delivery_event::duplicate);
    EXPECT_EQ((*results)[3].related, "feedwire:first");
    EXPECT_EQ((*results)[4].event, delivery_event::near_duplicate);
    EXPECT_EQ((*results)[4].stream_id, "9-2");
    EXPECT_EQ((*results)[5].event, delivery_event::near_duplicate_dropped);
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
    EXPECT_FALSE(read_delivery_reply(array({integer(1), integer(1), string("")}), 1, reason));
    const auto one = [](redis_reply a, redis_reply b, redis_reply c, redis_reply d) {
        return array({std::move(a), std::move(b), std::move(c), std::move(d)});
    };
    // One item's worth of reply for a batch of two.
    EXPECT_FALSE(
        read_delivery_reply(one(integer(1), integer(1), string(""), string("")), 2, reason));
    EXPECT_FALSE(
        read_delivery_reply(one(string("1"), integer(1), string(""), string("")), 1, reason));
    EXPECT_FALSE(
        read_delivery_reply(one(integer(6), integer(1), string(""), string("")), 1, reason));
    EXPECT_FALSE(
        read_delivery_reply(one(integer(1), integer(-1), string(""), string("")), 1, reason));
    EXPECT_FALSE(read_delivery_reply(one(integer(1), integer(1LL << 40), string(""), string("")), 1,
                                     reason));
    EXPECT_FALSE(
        read_delivery_reply(one(integer(1), integer(1), integer(3), string("")), 1, reason));
    EXPECT_FALSE(
        read_delivery_reply(one(integer(1), integer(1), string(""), integer(3)), 1, reason));
    // A good first item does not hide a bad second one.
    EXPECT_FALSE(read_delivery_reply(array({integer(1), integer(1), string("1-0"), string(""),
                                            integer(7), integer(1), string(""), string("")}),
                                     2, reason));
    redis_reply nil;
    EXPECT_FALSE(read_delivery_reply(nil, 1, reason));
}

}  // namespace
}  // namespace feedwire::daemon
