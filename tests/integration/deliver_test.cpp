// Delivery through the `feedwire` FUNCTION against a real redis-server per
// test: the stream contract's fields, dedup, revisions, trimming,
// pipelining, outages, lost replies, a deliverer destroyed mid-flight, and
// WAIT for replicas.
#include "feedwire/daemon/deliver.hpp"

#include "feedwire/feeds/fingerprint.hpp"
#include "support/io_loop.hpp"
#include "support/redis_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace feedwire::daemon {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::redis_config_for;
using test::redis_server;

using test::run_for;
using test::run_until;

feeds::item make_item(int i, const std::string& fingerprint = {}) {
    feeds::item it;
    it.uri = "feedwire:item" + std::to_string(i);
    it.guid = "guid-" + std::to_string(i);
    it.url = "https://example.com/news/" + std::to_string(i);
    it.headline = "Headline " + std::to_string(i);
    it.body_text = "Body of item " + std::to_string(i);
    it.versioncreated =
        std::chrono::sys_days{std::chrono::year{2024} / 3 / 1} + std::chrono::hours{i % 24};
    it.source.feed = "feed-a";
    it.fingerprint.content = fingerprint.empty() ? "fp" + std::to_string(i) : fingerprint;
    return it;
}

std::string hash8(const std::string& text) {
    const auto d = feeds::sha256(text);
    return {reinterpret_cast<const char*>(d.data()), 8};
}

std::int64_t exact_epoch_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count() /
           exact_epoch.count();
}

std::vector<feeds::item> make_items(int n) {
    std::vector<feeds::item> out;
    for (int i = 0; i < n; ++i) out.push_back(make_item(i));
    return out;
}

class Deliver : public ::testing::Test {
protected:
    void SetUp() override {
        if (!redis_server::is_available()) GTEST_SKIP() << "redis-server not installed";
        server_ = std::make_unique<redis_server>();
        redis_options o;
        o.connect_timeout = 1s;
        o.command_timeout = 2s;
        o.reconnect_min = 10ms;
        o.reconnect_max = 100ms;
        client_ = std::make_unique<redis_client>(io_, redis_config_for(*server_), o);
        client_->set_prelude({delivery_library_load_command()});
        client_->start();
        ASSERT_TRUE(run_until(io_, [&] { return client_->is_connected(); }));
    }

    void TearDown() override {
        deliverer_.reset();
        client_.reset();
    }

    deliverer& make_deliverer(deliverer_options o = {}) {
        deliverer_ = std::make_unique<deliverer>(io_, *client_, o);
        return *deliverer_;
    }

    // The feed's record of an item in the current exact epoch, as the
    // content hash, the kind and the revision in decimal ("" when none).
    std::string entry_record(const std::string& feed, const std::string& uri) {
        const auto records = server_->command({"GET", entries_key(feed, exact_epoch_now())}).str;
        const auto eh = hash8(uri);
        for (std::size_t at = 0; at + 20 <= records.size(); at += 20) {
            if (records.compare(at, 8, eh) != 0) continue;
            const auto byte = [&](std::size_t i) {
                return static_cast<unsigned>(static_cast<unsigned char>(records[at + i]));
            };
            return records.substr(at + 8, 9) +
                   std::to_string((byte(17) << 16) | (byte(18) << 8) | byte(19));
        }
        return {};
    }

    // Delivers and waits for the summary.
    std::optional<batch_summary> deliver(deliverer& d, const std::vector<feeds::item>& items,
                                         const std::vector<std::string>& streams,
                                         std::chrono::milliseconds limit = 5s,
                                         const std::string& feed = "feed-a") {
        std::optional<batch_summary> out;
        d.deliver(feed, items, streams, [&](batch_summary s) { out = std::move(s); });
        run_until(
            io_, [&] { return out.has_value(); }, limit);
        return out;
    }

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_{io_.get_executor()};
    std::unique_ptr<redis_server> server_;
    std::unique_ptr<redis_client> client_;
    std::unique_ptr<deliverer> deliverer_;
};

TEST_F(Deliver, NewItemsReachEveryRoutedStreamWithTheContractsFields) {
    auto& d = make_deliverer();
    auto streams = route_streams("news:{tag}", "feed-a", {"world", "tech"});
    streams.emplace_back("feedwire:items");
    auto items = make_items(3);
    items[2].url.clear();
    auto summary = deliver(d, items, streams);
    ASSERT_TRUE(summary);
    EXPECT_TRUE(summary->ok()) << summary->error;
    EXPECT_EQ(summary->added, 3u);

    for (const auto& stream : streams) {
        auto entries = server_->xrange(stream);
        ASSERT_EQ(entries.size(), 3u) << stream;
        for (std::size_t i = 0; i < 3; ++i) {
            const auto& e = entries[i];
            EXPECT_EQ(e.field("uri"), items[i].uri);
            EXPECT_EQ(e.field("event"), "new");
            EXPECT_EQ(e.field("feed"), "feed-a");
            EXPECT_EQ(e.field("headline"), items[i].headline);
            EXPECT_EQ(e.field("versioncreated").substr(0, 11), "2024-03-01T");
            auto json = nlohmann::json::parse(e.field("item"));
            EXPECT_EQ(json["uri"], items[i].uri);
            EXPECT_EQ(json["revision"], 1);
        }
        EXPECT_EQ(entries[0].field("url"), items[0].url);
        EXPECT_FALSE(entries[0].has("duplicate_of"));
        EXPECT_FALSE(entries[2].has("url"));  // empty values are omitted
        // Field order of the contract.
        ASSERT_GE(entries[0].fields.size(), 3u);
        EXPECT_EQ(entries[0].fields[0].first, "uri");
        EXPECT_EQ(entries[0].fields[1].first, "event");
        EXPECT_EQ(entries[0].fields.back().first, "item");
    }
    EXPECT_EQ(entry_record("feed-a", items[0].uri), hash8("fp0") + "d1");
}

TEST_F(Deliver, SecondDeliveryOfTheSameItemsAddsNothing) {
    auto& d = make_deliverer();
    const std::vector<std::string> streams{"s"};
    auto first = deliver(d, make_items(5), streams);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->added, 5u);
    auto again = deliver(d, make_items(5), streams);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->added, 0u);
    EXPECT_EQ(again->unchanged, 5u);
    EXPECT_EQ(server_->xlen("s"), 5);
}

TEST_F(Deliver, EntriesKeptAsAHashByAnEarlierReleaseAreReadAndConverted) {
    // An earlier release kept a feed's entries of an epoch as a hash of
    // entry hash -> content hash, kind, revision in decimal.
    const auto key = entries_key("feed-a", exact_epoch_now());
    auto items = make_items(3);
    server_->command({"HSET", key, hash8(items[0].uri), hash8("fp0") + "d1", hash8(items[1].uri),
                      hash8("old text") + "d4"});
    server_->command({"EXPIRE", key, "100000"});

    auto& d = make_deliverer();
    auto summary = deliver(d, items, {"s"});
    ASSERT_TRUE(summary);
    EXPECT_TRUE(summary->ok()) << summary->error;
    EXPECT_EQ(summary->unchanged, 1u);  // items[0], delivered before the upgrade
    EXPECT_EQ(summary->updated, 1u);    // items[1], revision 4 before
    EXPECT_EQ(summary->added, 1u);
    auto entries = server_->xrange("s");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].field("uri"), items[1].uri);
    EXPECT_EQ(nlohmann::json::parse(entries[0].field("item"))["revision"], 5);
    EXPECT_EQ(entries[1].field("uri"), items[2].uri);

    EXPECT_EQ(server_->command({"TYPE", key}).str, "string");
    EXPECT_EQ(server_->command({"STRLEN", key}).integer, 60);
    EXPECT_GT(server_->command({"TTL", key}).integer, 0);
    EXPECT_EQ(entry_record("feed-a", items[0].uri), hash8("fp0") + "d1");
    EXPECT_EQ(entry_record("feed-a", items[1].uri), hash8("fp1") + "d5");
    EXPECT_EQ(entry_record("feed-a", items[2].uri), hash8("fp2") + "d1");
}

TEST_F(Deliver, EntriesBeyondTheRecordStringGoToTheOverflowHash) {
    // The string holds 512 records; the rest of a large feed's entries of
    // the epoch go to <key>:more, and are found there.
    auto& d = make_deliverer();
    auto items = make_items(700);
    auto first = deliver(d, items, {"s"}, 20s);
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->ok()) << first->error;
    EXPECT_EQ(first->added, 700u);
    const auto key = entries_key("feed-a", exact_epoch_now());
    EXPECT_EQ(server_->command({"STRLEN", key}).integer, 512 * 20);
    EXPECT_EQ(server_->command({"HLEN", key + ":more"}).integer, 188);
    EXPECT_GT(server_->command({"TTL", key + ":more"}).integer, 0);

    items[10].fingerprint.content = "revised";
    items[600].fingerprint.content = "revised";
    auto again = deliver(d, items, {"s"}, 20s);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->ok()) << again->error;
    EXPECT_EQ(again->added, 0u);
    EXPECT_EQ(again->updated, 2u);
    EXPECT_EQ(again->unchanged, 698u);
    EXPECT_EQ(server_->xlen("s"), 702);
    EXPECT_EQ(entry_record("feed-a", items[10].uri), hash8("revised") + "d2");
    EXPECT_EQ(server_->command({"HGET", key + ":more", hash8(items[600].uri)}).str,
              hash8("revised") + "d2");
    EXPECT_EQ(server_->command({"STRLEN", key}).integer, 512 * 20);
    EXPECT_EQ(server_->command({"HLEN", key + ":more"}).integer, 188);
}

TEST_F(Deliver, ALargeHashFromAnEarlierReleaseFillsTheStringAndTheOverflow) {
    const auto key = entries_key("feed-a", exact_epoch_now());
    auto items = make_items(600);
    std::vector<std::string> hset{"HSET", key};
    for (const auto& it : items) {
        hset.push_back(hash8(it.uri));
        hset.push_back(hash8(it.fingerprint.content) + "d1");
    }
    server_->command(hset);
    server_->command({"EXPIRE", key, "100000"});

    auto& d = make_deliverer();
    auto summary = deliver(d, items, {"s"}, 20s);
    ASSERT_TRUE(summary);
    EXPECT_TRUE(summary->ok()) << summary->error;
    EXPECT_EQ(summary->unchanged, 600u);
    EXPECT_EQ(server_->xlen("s"), 0);
    EXPECT_EQ(server_->command({"STRLEN", key}).integer, 512 * 20);
    EXPECT_EQ(server_->command({"HLEN", key + ":more"}).integer, 88);
    EXPECT_GT(server_->command({"TTL", key}).integer, 0);
    EXPECT_GT(server_->command({"TTL", key + ":more"}).integer, 0);
}

TEST_F(Deliver, AnEntryHashFoundAcrossTwoRecordsIsNoMatch) {
    // Records are 20 bytes: the bytes of an entry hash found at an offset
    // that is no multiple of 20 belong to other fields and are no match.
    // Here they sit at offset 12, across the first record's content hash,
    // kind and revision.
    auto items = make_items(2);
    const auto key = entries_key("feed-a", exact_epoch_now());
    const auto target = hash8(items[1].uri);
    std::string records(40, 'x');
    records.replace(0, 8, hash8("someone else"));
    records.replace(12, 8, target);
    records.replace(20, 8, hash8("a third"));
    server_->command({"SET", key, records});

    auto& d = make_deliverer();
    auto summary = deliver(d, items, {"s"});
    ASSERT_TRUE(summary);
    EXPECT_TRUE(summary->ok()) << summary->error;
    EXPECT_EQ(summary->added, 2u);
    EXPECT_EQ(server_->command({"STRLEN", key}).integer, 80);
    EXPECT_EQ(entry_record("feed-a", items[1].uri), hash8("fp1") + "d1");
}

TEST_F(Deliver, ChangedFingerprintYieldsAnUpdateWithThePatchedRevision) {
    auto& d = make_deliverer();
    const std::vector<std::string> streams{"s"};
    auto item = make_item(1);
    // The same text inside a string value is escaped and must stay as it is.
    item.headline = R"(He said "revision":1 twice)";
    ASSERT_TRUE(deliver(d, {item}, streams));

    item.fingerprint.content = "changed";
    auto second = deliver(d, {item}, streams);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->updated, 1u);
    item.fingerprint.content = "changed again";
    auto third = deliver(d, {item}, streams);
    ASSERT_TRUE(third);
    EXPECT_EQ(third->updated, 1u);

    auto entries = server_->xrange("s");
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[1].field("event"), "update");
    auto json2 = nlohmann::json::parse(entries[1].field("item"));
    EXPECT_EQ(json2["revision"], 2);
    EXPECT_EQ(json2["headline"], item.headline);
    auto json3 = nlohmann::json::parse(entries[2].field("item"));
    EXPECT_EQ(json3["revision"], 3);
    EXPECT_EQ(entry_record("feed-a", item.uri), hash8("changed again") + "d3");
}

TEST_F(Deliver, OneBatchMixesNewUnchangedAndUpdatedItems) {
    auto& d = make_deliverer();
    ASSERT_TRUE(deliver(d, make_items(4), {"s"}));
    auto items = make_items(6);  // 0-3 seen, 4-5 new
    items[1].fingerprint.content = "revised";
    items[3].fingerprint.content = "revised";
    auto summary = deliver(d, items, {"s"});
    ASSERT_TRUE(summary);
    EXPECT_TRUE(summary->ok()) << summary->error;
    EXPECT_EQ(summary->added, 2u);
    EXPECT_EQ(summary->updated, 2u);
    EXPECT_EQ(summary->unchanged, 2u);
    auto entries = server_->xrange("s");
    ASSERT_EQ(entries.size(), 8u);
    // In the order of the batch: item 1 and 3 as updates, then 4 and 5.
    EXPECT_EQ(entries[4].field("uri"), items[1].uri);
    EXPECT_EQ(entries[4].field("event"), "update");
    EXPECT_EQ(nlohmann::json::parse(entries[4].field("item"))["revision"], 2);
    EXPECT_EQ(entries[5].field("uri"), items[3].uri);
    EXPECT_EQ(entries[6].field("uri"), items[4].uri);
    EXPECT_EQ(entries[6].field("event"), "new");
    EXPECT_EQ(entries[7].field("uri"), items[5].uri);
}

// ---- across feeds ------------------------------------------------------

// A dispatch of about 120 words, and the same republished elsewhere:
// retitled, a sentence reworded, a credit line added.
const char* const dispatch_text =
    "Container traffic at Europe's largest port came to a near standstill on Tuesday after about "
    "1,800 dock workers walked out in a dispute over automation and shift patterns, the union "
    "said. The 48-hour strike, the first at the port's terminals since 2016, left at least 23 "
    "container ships waiting at anchor by midday, according to vessel tracking data. The union "
    "negotiator said talks with the terminal operators had broken down over plans to run "
    "unmanned cranes around the clock. The port authority said it was working with shipping "
    "lines to divert urgent cargo to Antwerp and Hamburg, but warned that delays would ripple "
    "through supply chains for at least a week. The employers called the walkout "
    "disproportionate and said their offer of a 4.5 percent pay rise over two years remained "
    "on the table.";
const char* const republished_text =
    "Container traffic at Europe's largest port came to a near standstill on Tuesday after about "
    "1,800 dock workers walked out in a dispute over automation and shift patterns, the union "
    "said. The 48-hour strike, the first at the port's terminals since 2016, left at least 23 "
    "container ships waiting at anchor by midday, according to vessel tracking data. The union "
    "negotiator said talks with the terminal operators collapsed over plans to run unmanned "
    "cranes day and night. The port authority said it was working with shipping lines to divert "
    "urgent cargo to Antwerp and Hamburg, but warned that delays would ripple through supply "
    "chains for at least a week. The employers called the walkout disproportionate and said "
    "their offer of a 4.5 percent pay rise over two years remained on the table. Reporting by "
    "the port desk.";

feeds::item text_item(const std::string& uri, const std::string& headline,
                      const std::string& text) {
    feeds::item it;
    it.uri = uri;
    it.url = "https://" + uri.substr(uri.find(':') + 1) + ".example/story";
    it.headline = headline;
    it.body_text = text;
    it.fingerprint.content = feeds::content_fingerprint(headline, text);
    it.fingerprint.minhash = feeds::minhash_signature(text);
    return it;
}

std::map<std::string, std::string> as_map(const test::sync_reply& r) {
    std::map<std::string, std::string> out;
    for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2)
        out[r.elements[i].str] = r.elements[i + 1].str;
    return out;
}

TEST_F(Deliver, TheSameUrlFromAnotherFeedIsASightingNotASecondEntry) {
    auto& d = make_deliverer();
    auto first = make_item(1);
    ASSERT_TRUE(deliver(d, {first}, {"s"}));
    // The agency's "world" feed carries the same story under its own id.
    auto other = make_item(2);
    other.url = first.url;
    auto seen = deliver(d, {other}, {"s"}, 5s, "feed-b");
    ASSERT_TRUE(seen);
    EXPECT_TRUE(seen->ok()) << seen->error;
    EXPECT_EQ(seen->added, 0u);
    EXPECT_EQ(seen->duplicates, 1u);
    EXPECT_EQ(server_->xlen("s"), 1);
    EXPECT_EQ(as_map(server_->command({"HGETALL", sightings_key(first.uri)})),
              (std::map<std::string, std::string>{{"feed-a", first.uri}, {"feed-b", other.uri}}));
    const auto ttl = server_->command({"TTL", sightings_key(first.uri)}).integer;
    EXPECT_GT(ttl, 29 * 86400);
    EXPECT_LE(ttl, 30 * 86400);
    // Polled again: nothing new, nothing recorded twice.
    auto again = deliver(d, {other}, {"s"}, 5s, "feed-b");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->unchanged, 1u);
    EXPECT_EQ(server_->xlen("s"), 1);
}

TEST_F(Deliver, TheSameTextUnderAnotherUrlIsASighting) {
    auto& d = make_deliverer();
    auto first = make_item(1, "same words");
    ASSERT_TRUE(deliver(d, {first}, {"s"}));
    auto other = make_item(2, "same words");
    other.url.clear();
    auto seen = deliver(d, {other}, {"s"}, 5s, "feed-b");
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->duplicates, 1u);
    EXPECT_EQ(server_->xlen("s"), 1);
    // Its text changes later into something nobody delivered: now it is news.
    other.fingerprint.content = "other words";
    auto changed = deliver(d, {other}, {"s"}, 5s, "feed-b");
    ASSERT_TRUE(changed);
    EXPECT_EQ(changed->added, 1u);
    auto entries = server_->xrange("s");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[1].field("uri"), other.uri);
    EXPECT_EQ(entries[1].field("event"), "new");
}

TEST_F(Deliver, ARepublicationByAnotherFeedIsMarkedOrDroppedPerStream) {
    deliverer_options o;
    o.dedup.streams["desk"] = config::near_duplicate_action::drop;
    o.dedup.streams["raw"] = config::near_duplicate_action::off;
    auto& d = make_deliverer(o);
    const std::vector<std::string> streams{"all", "desk", "raw"};
    auto original = text_item("feedwire:port-a", "Dock strike halts Rotterdam", dispatch_text);
    ASSERT_FALSE(original.fingerprint.minhash.empty());
    ASSERT_TRUE(deliver(d, {original}, streams));
    auto copy =
        text_item("feedwire:port-b", "Rotterdam port paralysed by strike", republished_text);
    auto summary = deliver(d, {copy}, streams, 5s, "feed-b");
    ASSERT_TRUE(summary);
    EXPECT_TRUE(summary->ok()) << summary->error;
    EXPECT_EQ(summary->near_duplicates, 1u);
    EXPECT_EQ(summary->added, 0u);

    auto all = server_->xrange("all");
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1].field("uri"), copy.uri);
    EXPECT_EQ(all[1].field("event"), "new");
    EXPECT_EQ(all[1].field("duplicate_of"), original.uri);
    auto json = nlohmann::json::parse(all[1].field("item"));
    EXPECT_EQ(json["duplicate_of"], original.uri);
    EXPECT_EQ(json["revision"], 1);
    EXPECT_EQ(server_->xlen("desk"), 1);  // dropped there
    auto raw = server_->xrange("raw");    // not looked for there
    ASSERT_EQ(raw.size(), 2u);
    EXPECT_FALSE(raw[1].has("duplicate_of"));
    EXPECT_FALSE(nlohmann::json::parse(raw[1].field("item")).contains("duplicate_of"));

    // A third feed's copy of the copy points at the first item too.
    auto third = text_item("feedwire:port-c", "Port strike", republished_text);
    third.fingerprint.content = "third";
    auto again = deliver(d, {third}, {"desk"}, 5s, "feed-c");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->near_dropped, 1u);
    EXPECT_EQ(server_->xlen("desk"), 1);
}

// Cells of the near index that are set, and the refs they name.
std::pair<std::size_t, std::set<std::string>> near_index_cells(redis_server& server) {
    const auto keys = server.command({"KEYS", "feedwire:{dedup}:nearidx:*"});
    if (keys.elements.size() != 1) return {};
    const std::string index = server.command({"GET", keys.elements[0].str}).str;
    std::size_t cells = 0;
    std::set<std::string> refs;
    for (std::size_t at = 0; at + 6 <= index.size(); at += 6) {
        const std::string cell = index.substr(at, 6);
        if (cell == std::string(6, '\0')) continue;
        ++cells;
        refs.insert(cell.substr(2));
    }
    return {cells, refs};
}

// Syndication: many outlets carry one dispatch. Every copy points at the
// first item, and only that item is in the band index, so the hundredth
// copy is compared with one candidate, not with the ninety-nine before it.
TEST_F(Deliver, ADispatchManyFeedsRepublishIsIndexedOnceAndEveryCopyPointsAtIt) {
    auto& d = make_deliverer();
    auto original = text_item("feedwire:wire-0", "Dock strike halts Rotterdam", dispatch_text);
    ASSERT_TRUE(deliver(d, {original}, {"s"}, 5s, "wire"));
    for (int outlet = 1; outlet <= 12; ++outlet) {
        const std::string n = std::to_string(outlet);
        auto copy =
            text_item("feedwire:outlet-" + n, "Rotterdam strike, outlet " + n, republished_text);
        copy.fingerprint.content = "outlet " + n;
        auto summary = deliver(d, {copy}, {"s"}, 5s, "outlet-" + n);
        ASSERT_TRUE(summary);
        EXPECT_EQ(summary->near_duplicates, 1u) << "outlet " << n;
    }
    const auto entries = server_->xrange("s");
    ASSERT_EQ(entries.size(), 13u);
    for (std::size_t i = 1; i < entries.size(); ++i) {
        EXPECT_EQ(entries[i].field("duplicate_of"), original.uri) << i;
    }
    // The index names one item, once per band: 32 cells of 6 bytes (a
    // band's tag, then the item's ref), all with its ref.
    const auto [cells, refs] = near_index_cells(*server_);
    EXPECT_EQ(cells, 32u);
    EXPECT_EQ(refs.size(), 1u);
    const auto near = server_->command({"KEYS", "feedwire:{dedup}:near:*"});
    ASSERT_EQ(near.elements.size(), 1u);
    EXPECT_EQ(server_->command({"HLEN", near.elements[0].str}).integer, 1);
}

// dedup.near_bands = 16 writes every other band of the 32: half the cells,
// and the same cells, so daemons of either setting sharing one Redis find
// each other's items.
TEST_F(Deliver, SixteenBandsAreHalfTheIndexAndFindItemsOfThirtyTwo) {
    deliverer_options o;
    o.dedup.near_bands = 16;
    auto& sixteen = make_deliverer(o);
    deliverer thirty_two(io_, *client_);
    auto original = text_item("feedwire:wire-0", "Dock strike halts Rotterdam", dispatch_text);
    ASSERT_TRUE(deliver(sixteen, {original}, {"s"}, 5s, "wire"));
    const auto [cells, refs] = near_index_cells(*server_);
    EXPECT_EQ(cells, 16u);
    EXPECT_EQ(refs.size(), 1u);

    auto copy = text_item("feedwire:outlet-1", "Rotterdam strike", republished_text);
    copy.fingerprint.content = "outlet 1";
    auto summary = deliver(thirty_two, {copy}, {"s"}, 5s, "outlet-1");
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->near_duplicates, 1u);
    auto other = text_item("feedwire:outlet-2", "Rotterdam strike, again", republished_text);
    other.fingerprint.content = "outlet 2";
    summary = deliver(sixteen, {other}, {"s"}, 5s, "outlet-2");
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->near_duplicates, 1u);
    const auto entries = server_->xrange("s");
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[1].field("duplicate_of"), original.uri);
    EXPECT_EQ(entries[2].field("duplicate_of"), original.uri);
}

TEST_F(Deliver, OneFeedsSimilarStoriesAreNeverNearDuplicatesOfEachOther) {
    auto& d = make_deliverer();
    // A template the feed fills in daily: the same words, other figures.
    auto monday = text_item("feedwire:rates-1", "Rates", dispatch_text);
    auto tuesday = text_item("feedwire:rates-2", "Rates", republished_text);
    ASSERT_TRUE(deliver(d, {monday}, {"s"}));
    auto summary = deliver(d, {tuesday}, {"s"});
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->added, 1u);
    EXPECT_EQ(summary->near_duplicates, 0u);
    auto entries = server_->xrange("s");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_FALSE(entries[1].has("duplicate_of"));
}

TEST_F(Deliver, AnUnrelatedStoryIsNotANearDuplicate) {
    auto& d = make_deliverer();
    ASSERT_TRUE(deliver(d, {text_item("feedwire:port-a", "Strike", dispatch_text)}, {"s"}));
    const std::string other =
        "The central bank kept its key interest rate unchanged on Friday, saying inflation had "
        "slowed for a third month in a row while lending to companies kept growing. The governor "
        "told reporters that the board saw no reason to cut rates before the summer, as wages "
        "were still rising faster than prices in most sectors of the economy. Economists polled "
        "before the meeting had expected the decision, and markets barely moved after it.";
    auto summary = deliver(d, {text_item("feedwire:bank-b", "Rates", other)}, {"s"}, 5s, "feed-b");
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->added, 1u);
    EXPECT_EQ(summary->near_duplicates, 0u);
}

TEST_F(Deliver, TwoDaemonsSharingRedisGiveTheAnswersOfOne) {
    // A second daemon: its own connection and deliverer, the same Redis.
    redis_options o;
    o.connect_timeout = 1s;
    o.command_timeout = 2s;
    redis_client other_client(io_, redis_config_for(*server_), o);
    other_client.set_prelude({delivery_library_load_command()});
    other_client.start();
    ASSERT_TRUE(run_until(io_, [&] { return other_client.is_connected(); }));
    deliverer& mine = make_deliverer();
    deliverer theirs(io_, other_client);
    // Two agencies' feeds carry the same 200 stories (same urls, other
    // ids); each daemon polls one feed, their batches interleave.
    std::vector<feeds::item> a, b;
    for (int i = 0; i < 200; ++i) {
        a.push_back(make_item(i));
        auto copy = make_item(1000 + i);
        copy.url = a.back().url;
        b.push_back(copy);
    }
    int done = 0;
    std::size_t added = 0, duplicates = 0;
    for (int round = 0; round < 4; ++round) {
        const auto from = a.begin() + round * 50;
        const auto to = b.begin() + round * 50;
        mine.deliver("feed-a", std::vector<feeds::item>(from, from + 50), {"s"},
                     [&](batch_summary s) {
                         added += s.added;
                         duplicates += s.duplicates;
                         ++done;
                     });
        theirs.deliver("feed-b", std::vector<feeds::item>(to, to + 50), {"s"},
                       [&](batch_summary s) {
                           added += s.added;
                           duplicates += s.duplicates;
                           ++done;
                       });
    }
    ASSERT_TRUE(run_until(io_, [&] { return done == 8; }));
    EXPECT_EQ(added, 200u);
    EXPECT_EQ(duplicates, 200u);
    auto entries = server_->xrange("s");
    ASSERT_EQ(entries.size(), 200u);
    std::set<std::string> urls;
    for (const auto& e : entries) urls.insert(e.field("url"));
    EXPECT_EQ(urls.size(), 200u);
}

TEST_F(Deliver, RetentionForgetsOldItemsButNotOnesTheFeedStillCarries) {
    auto now = std::chrono::system_clock::now();
    deliverer_options o;
    o.now = [&] { return now; };
    auto& d = make_deliverer(o);
    auto kept = make_item(1);
    auto gone = make_item(2);
    ASSERT_TRUE(deliver(d, {kept, gone}, {"s"}));
    const auto entries_now = entries_key("feed-a", exact_epoch_now());
    const auto until = server_->command({"EXPIRETIME", entries_now}).integer;
    const auto epoch_end = (exact_epoch_now() + 1) * exact_epoch.count();
    EXPECT_EQ(until, epoch_end + 30 * 86400);
    // Three weeks on the feed still carries `kept`.
    now += std::chrono::hours{24 * 21};
    auto later = deliver(d, {kept}, {"s"});
    ASSERT_TRUE(later);
    EXPECT_EQ(later->unchanged, 1u);
    // Seven weeks after the first delivery `gone` is forgotten (a feed that
    // brings it back delivers it again), `kept` is not.
    now += std::chrono::hours{24 * 28};
    auto back = deliver(d, {kept, gone}, {"s"});
    ASSERT_TRUE(back);
    EXPECT_EQ(back->unchanged, 1u);
    EXPECT_EQ(back->added, 1u);
    auto entries = server_->xrange("s");
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[2].field("uri"), gone.uri);
    // Another feed's copy of `kept` is still recognized by its url.
    auto copy = make_item(3);
    copy.url = kept.url;
    auto elsewhere = deliver(d, {copy}, {"s"}, 5s, "feed-b");
    ASSERT_TRUE(elsewhere);
    EXPECT_EQ(elsewhere->duplicates, 1u);
}

TEST_F(Deliver, LargeItemsGoInCommandsOfBoundedSize) {
    auto& d = make_deliverer();
    auto items = make_items(3);
    for (auto& it : items) it.body_text.assign(700 * 1024, 'x');
    std::optional<batch_summary> summary;
    d.deliver("feed-a", items, {"s"}, [&](batch_summary s) { summary = std::move(s); });
    // 700 KB each, 1 MiB per command: one item per FCALL.
    EXPECT_EQ(client_->in_flight() + client_->queued(), 3u);
    ASSERT_TRUE(run_until(io_, [&] { return summary.has_value(); }));
    EXPECT_EQ(summary->added, 3u);
    EXPECT_EQ(server_->xlen("s"), 3);
}

TEST_F(Deliver, TheFunctionRejectsAMalformedBatch) {
    auto r = server_->command({"FCALL", "feedwire_deliver", "5", "e", "a", "b", "n", "s", "0", "f",
                               "1", "1", "0", "0", "m", "60", "feedwire:x", "fp"});
    EXPECT_EQ(r.type, test::sync_reply::kind::error);
    EXPECT_NE(r.str.find("wrong number of arguments"), std::string::npos) << r.str;
    EXPECT_EQ(server_->xlen("s"), 0);
}

TEST_F(Deliver, StreamsAreTrimmedWithMaxlen) {
    deliverer_options o;
    o.maxlen = 10;
    auto& d = make_deliverer(o);
    auto summary = deliver(d, make_items(500), {"trimmed"});
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->added, 500u);
    // MAXLEN ~ trims whole macro nodes (100 entries by default).
    const auto len = server_->xlen("trimmed");
    EXPECT_GE(len, 10);
    EXPECT_LT(len, 250);
}

TEST_F(Deliver, ABatchIsPipelined) {
    auto& d = make_deliverer();
    std::optional<batch_summary> summary;
    const auto began = std::chrono::steady_clock::now();
    d.deliver("feed-a", make_items(500), {"s"}, [&](batch_summary s) { summary = std::move(s); });
    // Handed to the client at once, 64 items per FCALL: 8 commands, all in
    // flight before any reply.
    EXPECT_EQ(client_->in_flight(), 8u);
    EXPECT_EQ(d.pending(), 500u);
    ASSERT_TRUE(run_until(io_, [&] { return summary.has_value(); }));
    EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);
    EXPECT_EQ(summary->added, 500u);
    EXPECT_EQ(d.pending(), 0u);
    EXPECT_EQ(server_->xlen("s"), 500);
}

TEST_F(Deliver, DeliveryWhileRedisIsDownCompletesWhenItReturns) {
    deliverer_options o;
    o.retry_delay = 50ms;
    auto& d = make_deliverer(o);
    server_->stop();
    ASSERT_TRUE(run_until(io_, [&] { return !client_->is_connected(); }));
    std::optional<batch_summary> summary;
    d.deliver("feed-a", make_items(10), {"s"}, [&](batch_summary s) { summary = std::move(s); });
    run_for(io_, 300ms);
    EXPECT_FALSE(summary.has_value());
    EXPECT_EQ(d.pending(), 10u);
    server_->start();  // empty: the prelude loads the function again
    ASSERT_TRUE(run_until(io_, [&] { return summary.has_value(); }));
    EXPECT_TRUE(summary->ok()) << summary->error;
    EXPECT_EQ(summary->added, 10u);
    EXPECT_EQ(server_->xlen("s"), 10);
}

TEST_F(Deliver, LostRepliesAreRetriedWithoutDuplicates) {
    // A frozen server: the commands reach it, the client times out and
    // resends after reconnecting; the function finds the first copies.
    client_.reset();
    redis_options ro;
    ro.command_timeout = 200ms;
    ro.connect_timeout = 200ms;
    ro.reconnect_min = 10ms;
    ro.reconnect_max = 50ms;
    client_ = std::make_unique<redis_client>(io_, redis_config_for(*server_), ro);
    client_->set_prelude({delivery_library_load_command()});
    client_->start();
    ASSERT_TRUE(run_until(io_, [&] { return client_->is_connected(); }));
    deliverer_options o;
    o.retry_delay = 50ms;
    auto& d = make_deliverer(o);

    server_->pause();
    std::optional<batch_summary> summary;
    d.deliver("feed-a", make_items(20), {"s"}, [&](batch_summary s) { summary = std::move(s); });
    run_for(io_, 500ms);
    EXPECT_FALSE(summary.has_value());
    server_->resume();
    ASSERT_TRUE(run_until(io_, [&] { return summary.has_value(); }));
    EXPECT_TRUE(summary->ok()) << summary->error;
    EXPECT_EQ(summary->added + summary->unchanged, 20u);
    // The frozen server ran the first copies when it woke: the resent ones
    // found them (outcome unknown was the right call, NOTES.md 16).
    EXPECT_GT(summary->unchanged, 0u);
    EXPECT_EQ(server_->xlen("s"), 20);  // exactly once in the stream
}

TEST_F(Deliver, LoadingErrorsAreRetried) {
    deliverer_options o;
    o.retry_delay = 20ms;
    o.max_attempts = 3;
    auto& d = make_deliverer(o);
    // A function that always answers -LOADING: three attempts, then a failure
    // that names it.
    bool loaded = false;
    client_->command({"FUNCTION", "LOAD", "REPLACE",
                      "#!lua name=feedwire\nredis.register_function('feedwire_deliver', "
                      "function() return redis.error_reply('LOADING Redis is loading') end)"},
                     [&](redis_result r) { loaded = r && !r->is_error(); });
    ASSERT_TRUE(run_until(io_, [&] { return loaded; }));
    auto summary = deliver(d, make_items(2), {"s"});
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->failed, 2u);
    EXPECT_NE(summary->error.find("gave up after 3 attempts"), std::string::npos) << summary->error;
    EXPECT_NE(summary->error.find("LOADING"), std::string::npos);
}

TEST_F(Deliver, OtherErrorsFailWithTheMessage) {
    auto& d = make_deliverer();
    ASSERT_TRUE(server_->command({"SET", "wrongtype", "x"}).type == test::sync_reply::kind::status);
    auto summary = deliver(d, make_items(1), {"wrongtype"});
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->failed, 1u);
    EXPECT_NE(summary->error.find("WRONGTYPE"), std::string::npos) << summary->error;
}

TEST_F(Deliver, AStreamRefusingAnItemDoesNotMakeTheOthersGetItTwice) {
    auto& d = make_deliverer();
    ASSERT_TRUE(server_->command({"SET", "wrongtype", "x"}).type == test::sync_reply::kind::status);
    auto first = deliver(d, make_items(2), {"good", "wrongtype"});
    ASSERT_TRUE(first);
    EXPECT_EQ(first->failed, 2u);
    EXPECT_EQ(server_->xlen("good"), 1);  // the first item, before the refusal
    // Sent again (a retry, a replay): the item "good" took is not appended
    // again; the one that never got anywhere is.
    auto again = deliver(d, make_items(2), {"good"});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->unchanged, 1u);
    EXPECT_EQ(again->added, 1u);
    EXPECT_EQ(server_->xlen("good"), 2);
}

// In one batch, an item's cells may already hold what an earlier item of
// the batch wrote there; the value from before the batch is what counts.
// An index of one cell makes every band of every item share it: the other
// feed's unrelated story, first in the batch, overwrites the cell the
// republication needs, and the republication is still found.
TEST_F(Deliver, AnEarlierItemOfTheBatchDoesNotHideTheRootFromALaterOne) {
    deliverer_options o;
    o.dedup.near_index_size = 6;  // one 6-byte cell
    auto& d = make_deliverer(o);
    auto original = text_item("feedwire:port-a", "Dock strike halts Rotterdam", dispatch_text);
    ASSERT_TRUE(deliver(d, {original}, {"s"}));
    // The same body under another headline and url: every band equal, the
    // content fingerprint not.
    auto unrelated = text_item("feedwire:port-b1", "Lunar probe lands", std::string(256, 'x'));
    unrelated.fingerprint.minhash = feeds::minhash_signature(
        "The lunar probe touched down near the south pole on Saturday after a three week "
        "flight, the space agency said, making the country the fifth to land on the moon. "
        "Engineers cheered in the control room as the first pictures came through.");
    ASSERT_FALSE(unrelated.fingerprint.minhash.empty());
    auto copy = text_item("feedwire:port-b2", "Rotterdam port paralysed by strike", dispatch_text);
    auto summary = deliver(d, {unrelated, copy}, {"s"}, 5s, "feed-b");
    ASSERT_TRUE(summary);
    EXPECT_TRUE(summary->ok()) << summary->error;
    EXPECT_EQ(summary->added, 1u);
    EXPECT_EQ(summary->near_duplicates, 1u);
    const auto all = server_->xrange("s");
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[2].field("uri"), copy.uri);
    EXPECT_EQ(all[2].field("duplicate_of"), original.uri);
}

// The function writes a batch's bands into the near index before it knows
// which items go out; a batch a stream refuses writes no near records, so
// its cells go back to what they held.
TEST_F(Deliver, ARefusedBatchLeavesTheNearIndexAsItWas) {
    auto& d = make_deliverer();
    ASSERT_TRUE(server_->command({"SET", "wrongtype", "x"}).type == test::sync_reply::kind::status);
    auto refused = deliver(d, {text_item("feedwire:port-a", "Strike", dispatch_text)},
                           {"wrongtype"}, 5s, "wire");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->failed, 1u);
    const auto keys = server_->command({"KEYS", "feedwire:{dedup}:nearidx:*"});
    ASSERT_EQ(keys.elements.size(), 1u);
    const std::string index = server_->command({"GET", keys.elements[0].str}).str;
    ASSERT_FALSE(index.empty());
    EXPECT_EQ(index.find_first_not_of('\0'), std::string::npos);
    // The same story from another feed later is new, not a near-duplicate
    // of the item that never went out.
    auto later =
        deliver(d, {text_item("feedwire:port-b", "Strike", republished_text)}, {"s"}, 5s, "outlet");
    ASSERT_TRUE(later);
    EXPECT_EQ(later->added, 1u);
    EXPECT_EQ(later->near_duplicates, 0u);
}

TEST_F(Deliver, AbandonFinishesPendingBatchesWithFailures) {
    auto& d = make_deliverer();
    server_->stop();
    ASSERT_TRUE(run_until(io_, [&] { return !client_->is_connected(); }));
    std::optional<batch_summary> summary;
    d.deliver("feed-a", make_items(4), {"s"}, [&](batch_summary s) { summary = std::move(s); });
    d.abandon();
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->failed, 4u);
    EXPECT_EQ(d.pending(), 0u);
    server_->start();
    run_for(io_, 300ms);  // the queued commands still go out; nobody is told twice
    EXPECT_EQ(summary->failed, 4u);
}

TEST_F(Deliver, DestroyedWithWorkPendingDoesNotCrash) {
    deliverer_options o;
    o.retry_delay = 20ms;
    server_->stop();
    ASSERT_TRUE(run_until(io_, [&] { return !client_->is_connected(); }));
    bool called = false;
    make_deliverer(o).deliver("feed-a", make_items(50), {"s"},
                              [&](batch_summary) { called = true; });
    deliverer_.reset();
    server_->start();
    run_for(io_, 400ms);
    EXPECT_FALSE(called);
    EXPECT_EQ(client_->queued(), 0u);
}

TEST_F(Deliver, WithWaitReplicasItemsCountOnlyOnceAReplicaHoldsThem) {
    test::redis_server_options po;
    po.has_tcp = true;
    po.extra_args = {"--repl-diskless-sync-delay", "0"};  // a replica syncs at once
    redis_server primary(po);
    redis_options ro;
    ro.command_timeout = 2s;
    ro.reconnect_min = 10ms;
    ro.reconnect_max = 100ms;
    redis_client client(io_, redis_config_for(primary), ro);
    client.set_prelude({delivery_library_load_command()});
    client.start();
    deliverer_options o;
    o.wait_replicas = 1;
    // A replica acknowledges within milliseconds; the slack is for a
    // loaded machine and the sanitizers.
    o.wait_timeout = 1s;
    o.max_attempts = 2;
    o.retry_delay = 10ms;
    deliverer d(io_, client, o);
    const auto deliver_to_primary = [&](const std::vector<feeds::item>& items) {
        std::optional<batch_summary> out;
        d.deliver("feed-a", items, {"s"}, [&](batch_summary s) { out = std::move(s); });
        run_until(
            io_, [&] { return out.has_value(); }, 10s);
        return out;
    };

    // No replica: written, but never confirmed, so the batch fails (the
    // feed's state would not advance) after its attempts.
    auto alone = deliver_to_primary(make_items(3));
    ASSERT_TRUE(alone);
    EXPECT_EQ(alone->failed, 3u);
    EXPECT_NE(alone->error.find("WAIT: 0 of 1 replicas"), std::string::npos) << alone->error;
    EXPECT_EQ(primary.xlen("s"), 3);

    test::redis_server_options replica_options;
    replica_options.extra_args = {"--replicaof", "127.0.0.1", std::to_string(primary.tcp_port())};
    redis_server replica(replica_options);
    ASSERT_TRUE(run_until(
        io_, [&] { return replica.info_field("replication", "master_link_status") == "up"; }, 20s));

    // Sent again with a replica attached: found delivered, now confirmed.
    auto again = deliver_to_primary(make_items(3));
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->ok()) << again->error;
    EXPECT_EQ(again->unchanged, 3u);
    auto more = make_items(5);
    auto fresh = deliver_to_primary({more.begin() + 3, more.end()});
    ASSERT_TRUE(fresh);
    EXPECT_TRUE(fresh->ok()) << fresh->error;
    EXPECT_EQ(fresh->added, 2u);
    EXPECT_EQ(replica.xlen("s"), 5);
    client.stop();
    run_for(io_, 20ms);
}

// With a spool: what Redis cannot take now waits on disk, durably, and
// is replayed in order when it is back.
class DeliverWithSpool : public Deliver {
protected:
    void SetUp() override {
        Deliver::SetUp();
        if (IsSkipped()) return;
        std::vector<std::string> warnings;
        spool_options so;
        so.dir = server_->directory() + "/spool";
        auto opened = spool::open(so, warnings);
        ASSERT_TRUE(opened) << opened.error().message;
        disk_ = std::move(opened).value();
    }
    void TearDown() override {
        Deliver::TearDown();
        disk_.reset();
    }
    deliverer& make_spooling_deliverer() {
        deliverer_options o;
        o.disk = disk_.get();
        o.sync_interval = 20ms;
        o.retry_delay = 20ms;
        o.report = [this](const std::string& m) { reports_.push_back(m); };
        return make_deliverer(o);
    }
    std::unique_ptr<spool> disk_;
    std::vector<std::string> reports_;
};

TEST_F(DeliverWithSpool, RedisAwayMeansSpooledDurablyThenReplayedInOrder) {
    auto& d = make_spooling_deliverer();
    server_->stop();
    ASSERT_TRUE(run_until(io_, [&] { return !client_->is_connected(); }));
    auto summary = deliver(d, make_items(100), {"s"});
    ASSERT_TRUE(summary);
    EXPECT_TRUE(summary->ok()) << summary->error;
    EXPECT_EQ(summary->spooled, 100u);
    EXPECT_EQ(disk_->durable(), disk_->appended());  // settled only after the fsync
    EXPECT_EQ(disk_->stats().records, 2u);           // 64 + 36 items
    // A later poll queues behind the spool, even with Redis back.
    auto later = make_items(101);
    later.erase(later.begin(), later.begin() + 100);
    server_->start();
    ASSERT_TRUE(run_until(io_, [&] { return client_->is_connected(); }));
    d.on_redis_connected();
    ASSERT_TRUE(run_until(io_, [&] { return disk_->empty() && server_->xlen("s") == 100; }));
    auto second = deliver(d, later, {"s"});
    ASSERT_TRUE(second);
    ASSERT_TRUE(run_until(io_, [&] { return server_->xlen("s") == 101; }));
    auto entries = server_->xrange("s");
    ASSERT_EQ(entries.size(), 101u);
    for (std::size_t i = 0; i < entries.size(); ++i)
        EXPECT_EQ(entries[i].field("uri"), "feedwire:item" + std::to_string(i)) << i;
    EXPECT_EQ(d.counters().replayed_items, 100u);
    EXPECT_EQ(disk_->stats().segments, 0u);  // used-up segments are deleted
}

TEST_F(DeliverWithSpool, ReplayingWhatAlreadyArrivedDeliversNothingTwice) {
    auto& d = make_spooling_deliverer();
    ASSERT_TRUE(deliver(d, make_items(5), {"s"}));
    EXPECT_EQ(server_->xlen("s"), 5);
    // As after a crash between a command's reply and its removal: the same
    // commands are in the spool again.
    auto items = make_items(5);
    std::vector<delivery_payload> payloads;
    for (const auto& it : items) payloads.push_back(prepare_delivery(it));
    delivery_target target;
    target.feed_id = "feed-a";
    target.streams = {"s"};
    target.now = std::chrono::system_clock::now();
    ASSERT_TRUE(disk_->append(deliver_command(target, payloads)));
    ASSERT_TRUE(disk_->sync());
    d.on_redis_connected();
    ASSERT_TRUE(run_until(io_, [&] { return disk_->empty(); }));
    EXPECT_EQ(server_->xlen("s"), 5);
}

TEST_F(DeliverWithSpool, LostRepliesGoToTheSpoolNotBackToMemory) {
    auto& d = make_spooling_deliverer();
    server_->pause();  // commands reach a frozen server; their outcome is unknown
    std::optional<batch_summary> summary;
    d.deliver("feed-a", make_items(10), {"s"}, [&](batch_summary s) { summary = std::move(s); });
    ASSERT_TRUE(run_until(
        io_, [&] { return summary.has_value(); }, 15s));
    EXPECT_EQ(summary->spooled, 10u) << summary->error;
    server_->resume();
    ASSERT_TRUE(run_until(io_, [&] { return client_->is_connected(); }));
    d.on_redis_connected();
    ASSERT_TRUE(run_until(
        io_, [&] { return disk_->empty(); }, 10s));
    EXPECT_EQ(server_->xlen("s"), 10);  // the frozen copies and the replay: once
}

TEST_F(DeliverWithSpool, AFullSpoolFailsTheBatchInsteadOfDroppingIt) {
    disk_.reset();
    std::vector<std::string> warnings;
    spool_options so;
    so.dir = server_->directory() + "/small-spool";
    so.max_bytes = 2000;
    auto opened = spool::open(so, warnings);
    ASSERT_TRUE(opened);
    disk_ = std::move(opened).value();
    auto& d = make_spooling_deliverer();
    server_->stop();
    ASSERT_TRUE(run_until(io_, [&] { return !client_->is_connected(); }));
    auto summary = deliver(d, make_items(64), {"s"});
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->failed, 64u);
    EXPECT_NE(summary->error.find("full"), std::string::npos) << summary->error;
    EXPECT_EQ(d.counters().refused_full, 1u);
}

TEST_F(DeliverWithSpool, RecordsRedisRefusesAreReportedAndSkipped) {
    auto& d = make_spooling_deliverer();
    server_->stop();
    ASSERT_TRUE(run_until(io_, [&] { return !client_->is_connected(); }));
    ASSERT_TRUE(deliver(d, make_items(2), {"wrongtype"}));
    auto good = make_items(3);
    good.erase(good.begin(), good.begin() + 2);
    ASSERT_TRUE(deliver(d, good, {"s"}));
    server_->start();  // empty again
    ASSERT_TRUE(server_->command({"SET", "wrongtype", "x"}).type == test::sync_reply::kind::status);
    ASSERT_TRUE(run_until(io_, [&] { return client_->is_connected(); }));
    d.on_redis_connected();
    ASSERT_TRUE(run_until(io_, [&] { return disk_->empty(); }));
    EXPECT_EQ(server_->xlen("s"), 1);  // the record behind the refused one went through
    ASSERT_EQ(reports_.size(), 1u);
    EXPECT_NE(reports_[0].find("WRONGTYPE"), std::string::npos) << reports_[0];
    EXPECT_EQ(d.counters().refused_records, 1u);
}

TEST_F(Deliver, EmptyBatchFinishesAtOnce) {
    auto& d = make_deliverer();
    auto summary = deliver(d, {}, {"s"});
    ASSERT_TRUE(summary);
    EXPECT_TRUE(summary->ok());
    EXPECT_EQ(summary->added, 0u);
}

}  // namespace
}  // namespace feedwire::daemon
