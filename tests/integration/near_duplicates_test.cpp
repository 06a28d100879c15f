// Near-duplicates end to end: the labelled pairs of
// tests/fixtures/near_duplicates (see the README there) go through the
// real feedwired binary and a real redis-server, and the precision and
// recall are measured on what reaches the stream. Where
// feeds_near_duplicate_test signs the fixture's plain text directly, here
// each text is published as an RSS 2.0 item (paragraphs as <p>, a dateline
// and furniture as written), fetched over HTTP, normalized, and judged by
// the delivery function in Redis.
//
// Per pair: FLUSHALL, then `feedwired --once` with only the feed "first"
// (pair.a), then with only the feed "second" (pair.b). The second item is
// judged a duplicate when its stream entry carries duplicate_of = the first
// item's uri (or, for an exact copy, when it is not delivered and the first
// item's sightings record names the feed "second").
#include "feedwire/daemon/deliver.hpp"
#include "feedwire/feeds/boilerplate.hpp"
#include "feedwire/feeds/credits.hpp"
#include "feedwire/feeds/dateline.hpp"
#include "feedwire/feeds/fingerprint.hpp"
#include "support/http_fixture_server.hpp"
#include "support/redis_server.hpp"
#include "support/run_command.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace feedwire::daemon {
namespace {

using feedwire::test::http_fixture_server;
using feedwire::test::http_response;
using feedwire::test::redis_server;
using feedwire::test::run_command;

struct text {
    std::string headline;
    std::string body;  // paragraphs separated by a blank line
};

struct labelled_pair {
    std::string id;
    std::string kind;
    bool is_duplicate = false;
    text a;
    text b;
};

std::vector<labelled_pair> load_pairs() {
    std::ifstream in(FEEDWIRE_SOURCE_DIR "/tests/fixtures/near_duplicates/pairs.jsonl");
    EXPECT_TRUE(in.good());
    std::vector<labelled_pair> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto j = nlohmann::json::parse(line);
        labelled_pair p;
        p.id = j.at("id").get<std::string>();
        p.kind = j.at("kind").get<std::string>();
        p.is_duplicate = j.at("label").get<std::string>() == "duplicate";
        EXPECT_TRUE(p.is_duplicate || j.at("label") == "different") << p.id;
        for (auto [side, t] : {std::pair{"a", &p.a}, std::pair{"b", &p.b}}) {
            t->headline = j.at(side).at("headline").get<std::string>();
            t->body = j.at(side).at("body").get<std::string>();
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::string escaped(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// The body as a publisher's HTML: one <p> per paragraph.
std::string paragraphs_html(const std::string& body) {
    std::string out;
    std::size_t at = 0;
    while (at <= body.size()) {
        std::size_t end = body.find("\n\n", at);
        if (end == std::string::npos) end = body.size();
        const std::string para = body.substr(at, end - at);
        if (para.find_first_not_of(" \n") != std::string::npos)
            out += "<p>" + escaped(para) + "</p>\n";
        at = end + 2;
    }
    return out;
}

// RFC 822 date of now, as a feed's pubDate.
std::string rfc822_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buffer;
}

// One feed with one item: the headline as title, the body paragraphs as
// content:encoded; link and guid unique per feed and pair.
std::string rss_document(const std::string& feed, const std::string& pair_id, const text& t) {
    const std::string link = "https://" + feed + ".example/news/" + pair_id;
    std::string html = paragraphs_html(t.body);
    EXPECT_EQ(html.find("]]>"), std::string::npos);
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
           "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
           "<channel><title>" +
           feed + " wire</title><link>https://" + feed +
           ".example/</link><description>News</description>\n<item><title>" + escaped(t.headline) +
           "</title><link>" + link + "</link><guid isPermaLink=\"false\">" + feed + "-" + pair_id +
           "</guid><pubDate>" + rfc822_now() + "</pubDate><content:encoded><![CDATA[" + html +
           "]]></content:encoded></item>\n</channel></rss>\n";
}

// The signature feeds_near_duplicate_test computes for the fixture's plain
// text, to tell where the daemon's text differs from it.
std::string unit_test_signature(const text& t) {
    const std::string plain =
        feeds::extract_credits(feeds::remove_furniture(t.body, t.headline)).text;
    std::string_view shingled = plain;
    if (const auto d = feeds::find_dateline(plain, std::nullopt);
        d && shingled.substr(0, d->text.size()) == d->text) {
        shingled.remove_prefix(d->text.size());
    }
    return feeds::minhash_signature(shingled);
}

class NearDuplicates : public ::testing::Test {
protected:
    void SetUp() override {
        if (!redis_server::is_available()) GTEST_SKIP() << "redis-server is not installed";
        redis_ = std::make_unique<redis_server>();
        config_ = redis_->directory() + "/feedwire.toml";
    }

    // feedwired --once with one feed; its output on failure.
    void run_feed(const std::string& id, const std::string& target) {
        {
            std::ofstream out(config_);
            out << "[redis]\nurl = \"unix://" << redis_->socket_path()
                << "\"\n[daemon]\nstate_dir = \"" << redis_->directory()
                << "/state\"\nper_host_spacing = \"0s\"\n[[feed]]\nid = \"" << id << "\"\nurl = \""
                << http_.url(target) << "\"\n";
        }
        std::string output;
        const int code =
            run_command(std::string(FEEDWIRE_FEEDWIRED) + " --once --config " + config_, output);
        ASSERT_EQ(code, 0) << id << " " << target << ":\n" << output;
    }

    http_fixture_server http_;
    std::unique_ptr<redis_server> redis_;
    std::string config_;
};

// The item JSON's fingerprint.minhash, "" when absent, and decoded.
std::string minhash_field(const feedwire::test::stream_entry& e) {
    const auto item = nlohmann::json::parse(e.field("item"));
    return item.contains("fingerprint") ? item["fingerprint"].value("minhash", "") : "";
}

std::optional<feeds::minhash> signature_of(const feedwire::test::stream_entry& e) {
    return feeds::decode_minhash(minhash_field(e));
}

TEST_F(NearDuplicates, PrecisionAndRecallThroughTheDaemonAndRedis) {
    const auto pairs = load_pairs();
    ASSERT_GE(pairs.size(), 40u);
    const auto started = std::chrono::steady_clock::now();
    std::size_t true_pos = 0, false_pos = 0, false_neg = 0, positives = 0;
    std::size_t differs_from_unit = 0, rule_disagrees = 0;
    for (const auto& p : pairs) {
        SCOPED_TRACE(p.id);
        redis_->command({"FLUSHALL"});
        const std::string first_target = "/" + p.id + "/first.xml";
        const std::string second_target = "/" + p.id + "/second.xml";
        http_.route(first_target,
                    http_response::ok(rss_document("first", p.id, p.a), "application/rss+xml"));
        http_.route(second_target,
                    http_response::ok(rss_document("second", p.id, p.b), "application/rss+xml"));

        // "first" is delivered before "second" is fetched at all.
        run_feed("first", first_target);
        if (HasFatalFailure()) return;
        const auto after_first = redis_->xrange("feedwire:items");
        ASSERT_EQ(after_first.size(), 1u);
        ASSERT_EQ(after_first[0].field("feed"), "first");
        const std::string first_uri = after_first[0].field("uri");
        run_feed("second", second_target);
        if (HasFatalFailure()) return;

        const auto entries = redis_->xrange("feedwire:items");
        ASSERT_LE(entries.size(), 2u);
        ASSERT_EQ(entries[0].field("uri"), first_uri);
        bool says = false;
        bool exact = false;
        std::string how = "delivered as new";
        std::optional<feeds::minhash> sig_b;
        if (entries.size() == 2) {
            const auto& second = entries[1];
            EXPECT_EQ(second.field("feed"), "second");
            sig_b = signature_of(second);
            if (second.has("duplicate_of")) {
                says = true;
                how = "duplicate_of";
                EXPECT_EQ(second.field("duplicate_of"), first_uri);
                const auto item = nlohmann::json::parse(second.field("item"));
                EXPECT_EQ(item.value("duplicate_of", ""), first_uri);
            }
        } else {
            // Not delivered: only an exact copy (same url or content) is.
            const auto sightings = redis_->command({"HGET", sightings_key(first_uri), "second"});
            EXPECT_FALSE(sightings.str.empty()) << "the second item vanished";
            says = exact = !sightings.str.empty();
            how = "exact copy (sighting)";
            // Same text as signed: the estimate below comes from the
            // fixture's text, as the unit test signs it.
            sig_b = feeds::decode_minhash(unit_test_signature(p.b));
        }

        const auto sig_a = signature_of(entries[0]);
        double j = -1, c = -1;
        bool rule = false;
        if (sig_a && sig_b) {
            j = feeds::estimate_jaccard(*sig_a, *sig_b);
            c = feeds::estimate_containment(*sig_a, *sig_b);
            rule = feeds::is_near_duplicate(*sig_a, *sig_b);
            // The function in Redis applies the rule of fingerprint.hpp.
            if (!exact && rule != says) ++rule_disagrees;
            EXPECT_TRUE(exact || rule == says) << "Redis and is_near_duplicate disagree";
        }
        // Whether the text the daemon signed is the one the unit test signs.
        const bool same_as_unit =
            minhash_field(entries[0]) == unit_test_signature(p.a) &&
            (entries.size() < 2 || minhash_field(entries[1]) == unit_test_signature(p.b));
        differs_from_unit += same_as_unit ? 0 : 1;

        positives += p.is_duplicate ? 1 : 0;
        if (says && p.is_duplicate) ++true_pos;
        if (says && !p.is_duplicate) ++false_pos;
        if (!says && p.is_duplicate) ++false_neg;
        std::printf("%-9s %-5s %-21s J=%.3f C=%.3f |A|=%-4u |B|=%-4u sig:%-8s %-32s %s\n",
                    p.is_duplicate ? "duplicate" : "different",
                    says == p.is_duplicate ? "ok" : "WRONG", how.c_str(), j, c,
                    sig_a ? sig_a->shingles : 0u, sig_b ? sig_b->shingles : 0u,
                    same_as_unit ? "as-unit" : "DIFFERS", p.kind.c_str(), p.id.c_str());
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double precision =
        true_pos + false_pos == 0
            ? 1.0
            : static_cast<double>(true_pos) / static_cast<double>(true_pos + false_pos);
    const double recall =
        positives == 0 ? 1.0 : static_cast<double>(true_pos) / static_cast<double>(positives);
    std::printf(
        "%zu pairs (%zu duplicates) through feedwired and Redis in %.1f s: precision %.3f, "
        "recall %.3f (%zu true positives, %zu false positives, %zu false negatives); "
        "signatures differing from the unit test's: %zu pairs; Redis vs is_near_duplicate "
        "disagreements: %zu\n",
        pairs.size(), positives, seconds, precision, recall, true_pos, false_pos, false_neg,
        differs_from_unit, rule_disagrees);
    EXPECT_GE(precision, 0.98);
    EXPECT_GE(recall, 0.95);
}

}  // namespace
}  // namespace feedwire::daemon
