// The daemon end to end, in process: a real redis-server (private, on a
// Unix socket), the Beast fixture server scripting each feed's replies, and
// the service running its real fetcher, parser pool and deliverer. Each test
// asserts what reaches the stream and what the feed's saved state says.
#include "feedwire/daemon/feed_state.hpp"
#include "feedwire/daemon/service.hpp"
#include "feedwire/daemon/state_files.hpp"
#include "support/http_fixture_server.hpp"
#include "support/redis_server.hpp"
#include "support/run_command.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <thread>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;
using feedwire::test::http_fixture_server;
using feedwire::test::http_request;
using feedwire::test::http_response;
using feedwire::test::redis_server;
using feedwire::test::run_command;

std::string rss(const std::vector<std::pair<std::string, std::string>>& items) {
    std::string out =
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>"
        "<link>https://wire.example/</link><description>d</description>";
    for (const auto& [guid, title] : items) {
        out += "<item><guid>" + guid + "</guid><title>" + title +
               "</title><link>https://wire.example/" + guid +
               "?utm_source=rss</link><pubDate>Sat, 22 Nov 2025 09:14:00 GMT</pubDate>"
               "<description>NAGOYA /Japan/, November 22. /TASS/. " +
               title + " text.</description></item>";
    }
    return out + "</channel></rss>";
}

const char* atom_doc =
    R"(<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Newsroom</title><id>urn:newsroom</id><updated>2025-11-22T10:00:00Z</updated>
<entry><id>urn:a1</id><title>Budget passes</title><updated>2025-11-22T10:00:00Z</updated>
<link href="/2025/budget"/><content type="html">&lt;p&gt;LONDON, Nov 22 (Reuters) - The budget passed.&lt;/p&gt;</content></entry>
<entry><id>urn:a2</id><title>Storm warning</title><updated>2025-11-22T11:00:00Z</updated>
<link href="/2025/storm"/><summary>Winds of 120 km/h.</summary></entry></feed>)";

class Daemon : public ::testing::Test {
protected:
    void SetUp() override {
        if (!redis_server::is_available()) GTEST_SKIP() << "redis-server is not installed";
        redis_ = std::make_unique<redis_server>();
    }

    config::feed_config feed(const std::string& id, const std::string& target) {
        config::feed_config f;
        f.id = id;
        f.url = http_.url(target);
        f.timeout = 5s;
        return f;
    }

    config::configuration configuration(std::vector<config::feed_config> feeds) {
        config::configuration c;
        c.redis = feedwire::test::redis_config_for(*redis_);
        c.daemon.per_host_spacing = 0ms;
        c.daemon.per_host_connections = 4;
        c.daemon.shutdown_timeout = 3s;
        c.daemon.state_dir = redis_->directory() + "/state";
        c.feeds = std::move(feeds);
        return c;
    }

    run_summary run_once(std::vector<config::feed_config> feeds) {
        service_options o;
        o.mode = run_mode::once;
        service s(configuration(std::move(feeds)), o);
        return s.run();
    }

    std::map<std::string, std::string> state_of(const std::string& id) {
        const auto r = redis_->command({"HGETALL", feed_state_key(id)});
        std::map<std::string, std::string> out;
        for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2)
            out[r.elements[i].str] = r.elements[i + 1].str;
        return out;
    }

    std::size_t requests_for(const std::string& target) {
        std::size_t n = 0;
        for (const auto& r : http_.requests()) n += r.target == target ? 1u : 0u;
        return n;
    }

    http_fixture_server http_;
    std::unique_ptr<redis_server> redis_;
};

TEST_F(Daemon, OnceDeliversEveryItemWithTheStreamContract) {
    http_.route("/tass.xml",
                http_response::ok(rss({{"g1", "First"}, {"g2", "Second"}, {"g3", "Third"}}),
                                  "application/rss+xml")
                    .header("ETag", "\"v1\""));
    http_.route("/news.atom", http_response::ok(atom_doc, "application/atom+xml"));
    const auto summary = run_once({feed("tass", "/tass.xml"), feed("newsroom", "/news.atom")});
    EXPECT_TRUE(summary.ok());
    EXPECT_EQ(summary.items_delivered, 5u);

    const auto entries = redis_->xrange("feedwire:items");
    ASSERT_EQ(entries.size(), 5u);
    std::map<std::string, int> per_feed;
    for (const auto& e : entries) {
        EXPECT_EQ(e.field("event"), "new");
        EXPECT_EQ(e.field("uri").rfind("feedwire:", 0), 0u);
        ++per_feed[e.field("feed")];
        const auto item = nlohmann::json::parse(e.field("item"));
        EXPECT_EQ(item["uri"], e.field("uri"));
        EXPECT_EQ(item["headline"], e.field("headline"));
        EXPECT_EQ(item["revision"], 1);
        EXPECT_EQ(item["source"]["feed"], e.field("feed"));
        EXPECT_FALSE(e.has("duplicate_of"));
    }
    EXPECT_EQ(per_feed["tass"], 3);
    EXPECT_EQ(per_feed["newsroom"], 2);
    // Tracking parameters are gone from the canonical link.
    EXPECT_EQ(entries[0].field("url").find("utm_"), std::string::npos);

    const auto state = state_of("tass");
    EXPECT_EQ(state.at("etag"), "\"v1\"");
    EXPECT_EQ(state.at("last_status"), "ok");
    EXPECT_EQ(state.count("consecutive_errors"), 0u);
}

TEST_F(Daemon, SecondPollSendsValidatorsAndDeliversNothingOn304) {
    const std::string body = rss({{"g1", "First"}});
    http_.set_handler([&](const http_request& r) {
        if (r.header("if-none-match") == "\"v1\"") return http_response::status_only(304);
        return http_response::ok(body, "application/rss+xml").header("ETag", "\"v1\"");
    });
    ASSERT_TRUE(run_once({feed("tass", "/tass.xml")}).ok());
    ASSERT_EQ(redis_->xlen("feedwire:items"), 1);
    const auto second = run_once({feed("tass", "/tass.xml")});
    EXPECT_TRUE(second.ok());
    EXPECT_EQ(redis_->xlen("feedwire:items"), 1);
    const auto requests = http_.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_FALSE(requests[0].has_header("if-none-match"));
    EXPECT_EQ(requests[1].header("if-none-match"), "\"v1\"");
    EXPECT_EQ(requests[1].header("user-agent").rfind("feedwire/", 0), 0u);
    EXPECT_EQ(state_of("tass").at("last_status"), "not_modified");
}

TEST_F(Daemon, ChangedFeedDeliversNewAndUpdatedItemsOnly) {
    http_.route("/tass.xml", http_response::ok(rss({{"g1", "First"}, {"g2", "Second"}})));
    ASSERT_TRUE(run_once({feed("tass", "/tass.xml")}).ok());
    http_.route(
        "/tass.xml",
        http_response::ok(rss({{"g1", "First"}, {"g2", "Second, corrected"}, {"g3", "Third"}})));
    const auto summary = run_once({feed("tass", "/tass.xml")});
    EXPECT_TRUE(summary.ok());
    const auto entries = redis_->xrange("feedwire:items");
    ASSERT_EQ(entries.size(), 4u);
    std::map<std::string, std::string> events;
    for (std::size_t i = 2; i < entries.size(); ++i)
        events[entries[i].field("headline")] = entries[i].field("event");
    EXPECT_EQ(events["Second, corrected"], "update");
    EXPECT_EQ(events["Third"], "new");
    for (std::size_t i = 2; i < entries.size(); ++i) {
        if (entries[i].field("event") == "update") {
            EXPECT_EQ(nlohmann::json::parse(entries[i].field("item"))["revision"], 2);
            EXPECT_EQ(entries[i].field("uri"), entries[1].field("uri"));
        }
    }
}

TEST_F(Daemon, UnchangedBodyIsNotParsedAgain) {
    http_.route("/same.xml", http_response::ok(rss({{"g1", "First"}})));  // ignores validators
    ASSERT_TRUE(run_once({feed("same", "/same.xml")}).ok());
    ASSERT_TRUE(run_once({feed("same", "/same.xml")}).ok());
    EXPECT_EQ(state_of("same").at("last_status"), "unchanged");
    EXPECT_EQ(redis_->xlen("feedwire:items"), 1);
}

TEST_F(Daemon, FailingFeedIsReportedAndOthersStillDelivered) {
    http_.route("/good.xml", http_response::ok(rss({{"g1", "First"}})));
    http_.route("/missing.xml", http_response::status_only(404));
    http_.route(
        "/page.html",
        http_response::ok("<!DOCTYPE html><html><body><p>Our news</p></body></html>", "text/html"));
    http_.route("/stalled.xml", http_response::stalled());
    auto stalled = feed("stalled", "/stalled.xml");
    stalled.timeout = 1s;
    const auto summary = run_once({feed("good", "/good.xml"), feed("missing", "/missing.xml"),
                                   feed("page", "/page.html"), stalled});
    EXPECT_FALSE(summary.ok());
    EXPECT_EQ(summary.failed, 3u);
    EXPECT_EQ(redis_->xlen("feedwire:items"), 1);

    const auto missing = state_of("missing");
    EXPECT_EQ(missing.at("consecutive_errors"), "1");
    EXPECT_NE(missing.at("last_error").find(http_.url("/missing.xml")), std::string::npos);
    EXPECT_NE(missing.at("last_error").find("404"), std::string::npos);
    EXPECT_EQ(state_of("page").at("last_status"), "parse_error");
    EXPECT_EQ(state_of("stalled").at("last_status"), "timeout");
    for (const auto& f : summary.failures)
        EXPECT_NE(f.error.find("feed " + f.id + " ("), std::string::npos);
}

TEST_F(Daemon, HostileAndBrokenServersLeaveTheCauseInState) {
    http_.route("/bomb.xml", http_response::gzipped(feedwire::test::gzip_zeros(50u << 20)));
    http_.route("/huge.xml", http_response::ok(std::string(3u << 20, 'x')));
    http_.route("/error.xml", http_response::status_only(500));
    http_.route("/loop.xml", http_response::redirect(302, http_.url("/loop.xml")));
    http_.route("/unavailable.xml", http_response::status_only(503).header(
                                        "Retry-After", "Wed, 21 Oct 2099 07:28:00 GMT"));
    auto trickle_reply = http_response::ok(rss({{"g1", "First"}}));
    trickle_reply.chunk_size = 1;
    trickle_reply.chunk_interval = 400ms;
    http_.route("/trickle.xml", trickle_reply);
    auto limited = [&](const std::string& id, const std::string& target) {
        auto f = feed(id, target);
        f.max_body = 1u << 20;
        f.timeout = 2s;
        return f;
    };
    http_.route("/good.xml", http_response::ok(rss({{"g1", "First"}})));
    const auto summary = run_once(
        {limited("bomb", "/bomb.xml"), limited("huge", "/huge.xml"), limited("error", "/error.xml"),
         limited("loop", "/loop.xml"), limited("unavailable", "/unavailable.xml"),
         limited("trickle", "/trickle.xml"), limited("good", "/good.xml")});
    EXPECT_EQ(summary.failed, 6u);
    EXPECT_EQ(redis_->xlen("feedwire:items"), 1);
    EXPECT_EQ(state_of("bomb").at("last_status"), "too_large");
    EXPECT_EQ(state_of("huge").at("last_status"), "too_large");
    EXPECT_EQ(state_of("error").at("last_http_status"), "500");
    EXPECT_EQ(state_of("loop").at("last_status"), "bad_protocol");
    EXPECT_EQ(state_of("trickle").at("last_status"), "timeout");
    // Retry-After as a date far away: honoured up to its cap of 7 days.
    const auto next_ms = std::stoll(state_of("unavailable").at("next_poll"));
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    EXPECT_NEAR(static_cast<double>(next_ms - now_ms), 7.0 * 24 * 3600 * 1000, 60'000.0);
    for (const auto& id : {"bomb", "huge", "error", "loop", "unavailable", "trickle"}) {
        const auto st = state_of(id);
        EXPECT_EQ(st.at("consecutive_errors"), "1") << id;
        EXPECT_NE(st.at("last_error").find(std::string("feed ") + id + " (http://127.0.0.1:"),
                  std::string::npos)
            << st.at("last_error");
    }
}

TEST_F(Daemon, RecoveryClearsTheLastErrorFromState) {
    int calls = 0;
    http_.set_handler([&](const http_request&) {
        return ++calls == 1 ? http_response::status_only(500)
                            : http_response::ok(rss({{"g1", "First"}}));
    });
    EXPECT_FALSE(run_once({feed("flaky", "/flaky.xml")}).ok());
    EXPECT_EQ(state_of("flaky").count("last_error"), 1u);
    EXPECT_TRUE(run_once({feed("flaky", "/flaky.xml")}).ok());
    const auto state = state_of("flaky");
    EXPECT_EQ(state.count("last_error"), 0u);
    EXPECT_EQ(state.count("consecutive_errors"), 0u);
    EXPECT_EQ(state.at("last_status"), "ok");
}

TEST_F(Daemon, GoneFeedIsDisabledAndNotPolledAgain) {
    http_.route("/gone.xml", http_response::status_only(410));
    EXPECT_FALSE(run_once({feed("gone", "/gone.xml")}).ok());
    EXPECT_EQ(state_of("gone").at("is_gone"), "1");
    const auto second = run_once({feed("gone", "/gone.xml")});
    EXPECT_FALSE(second.ok());
    EXPECT_EQ(requests_for("/gone.xml"), 1u);
}

TEST_F(Daemon, PermanentMoveIsRememberedAndFollowedDirectly) {
    http_.route("/old.xml", http_response::redirect(301, http_.url("/new.xml")));
    http_.route("/new.xml", http_response::ok(rss({{"g1", "First"}})));
    ASSERT_TRUE(run_once({feed("moved", "/old.xml")}).ok());
    EXPECT_EQ(state_of("moved").at("current_url"), http_.url("/new.xml"));
    ASSERT_TRUE(run_once({feed("moved", "/old.xml")}).ok());
    EXPECT_EQ(requests_for("/old.xml"), 1u);
    EXPECT_EQ(requests_for("/new.xml"), 2u);
}

TEST_F(Daemon, TooManyRequestsHonoursRetryAfter) {
    http_.route("/busy.xml", http_response::status_only(429).header("Retry-After", "3600"));
    const auto before = std::chrono::system_clock::now();
    EXPECT_FALSE(run_once({feed("busy", "/busy.xml")}).ok());
    const auto next_ms = std::stoll(state_of("busy").at("next_poll"));
    const auto expected =
        std::chrono::duration_cast<std::chrono::milliseconds>((before + 3600s).time_since_epoch())
            .count();
    EXPECT_NEAR(static_cast<double>(next_ms), static_cast<double>(expected), 5000.0);
}

TEST_F(Daemon, TagTemplateRoutesToOneStreamPerTag) {
    http_.route("/tass.xml", http_response::ok(rss({{"g1", "First"}})));
    auto f = feed("tass", "/tass.xml");
    f.stream = "news:{tag}";
    f.tags = {"world", "asia"};
    ASSERT_TRUE(run_once({f}).ok());
    EXPECT_EQ(redis_->xlen("news:world"), 1);
    EXPECT_EQ(redis_->xlen("news:asia"), 1);
    EXPECT_EQ(redis_->xlen("feedwire:items"), 0);
}

TEST_F(Daemon, PollsWhileRedisIsDownAndDeliversWhenItReturns) {
    http_.route("/tass.xml", http_response::ok(rss({{"g1", "First"}, {"g2", "Second"}})));
    redis_->stop();
    service_options o;
    o.mode = run_mode::daemon;
    o.startup_spread = 0ms;
    o.state_load_timeout = 200ms;
    service s(configuration({feed("tass", "/tass.xml")}), o);
    std::thread runner([&] { s.run(); });
    // The feed is fetched although Redis is away.
    for (int i = 0; i < 100 && requests_for("/tass.xml") == 0; ++i)
        std::this_thread::sleep_for(50ms);
    EXPECT_EQ(requests_for("/tass.xml"), 1u);
    redis_->start();
    long long delivered = 0;
    for (int i = 0; i < 200 && delivered < 2; ++i) {
        std::this_thread::sleep_for(50ms);
        delivered = redis_->xlen("feedwire:items");
    }
    s.request_stop();
    runner.join();
    EXPECT_EQ(delivered, 2);
    EXPECT_EQ(state_of("tass").at("last_status"), "ok");
}

std::size_t spool_files(const std::string& dir) {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        n += e.path().extension() == ".spool" ? 1u : 0u;
    return n;
}

TEST_F(Daemon, ItemsFetchedWhileRedisIsAwaySurviveARestartInTheSpool) {
    http_.route("/tass.xml", http_response::ok(rss({{"g1", "First"}, {"g2", "Second"}})));
    redis_->stop();
    service_options o;
    o.mode = run_mode::once;
    o.state_load_timeout = 200ms;
    auto first = service(configuration({feed("tass", "/tass.xml")}), o).run();
    // Fetched, spooled, and the run says they wait.
    EXPECT_EQ(requests_for("/tass.xml"), 1u);
    EXPECT_EQ(first.items_spooled, 2u);
    EXPECT_EQ(first.spool_records, 1u);
    EXPECT_FALSE(first.ok());
    const std::string spool_dir = redis_->directory() + "/state/spool";
    EXPECT_EQ(spool_files(spool_dir), 1u);

    // The publisher now fails: whatever arrives comes from the spool.
    http_.route("/tass.xml", http_response::status_only(503));
    redis_->start();
    auto second = run_once({feed("tass", "/tass.xml")});
    EXPECT_EQ(second.spool_records, 0u);
    EXPECT_EQ(redis_->xlen("feedwire:items"), 2);
    EXPECT_EQ(spool_files(spool_dir), 0u);
    // And a third run with the publisher back delivers nothing twice.
    http_.route("/tass.xml", http_response::ok(rss({{"g1", "First"}, {"g2", "Second"}})));
    EXPECT_TRUE(run_once({feed("tass", "/tass.xml")}).ok());
    EXPECT_EQ(redis_->xlen("feedwire:items"), 2);
}

// The feed's state file in state_dir/state, decoded; nullopt when absent
// (renames are atomic, so a file read is always whole).
std::optional<std::map<std::string, std::string>> state_file_of(const std::string& state_dir,
                                                                const std::string& id) {
    std::ifstream in(state_dir + "/state/" + state_file_name(id), std::ios::binary);
    if (!in) return std::nullopt;
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::string reason;
    const auto decoded = decode_state_file(bytes, reason);
    EXPECT_TRUE(decoded) << reason;
    if (!decoded) return std::nullopt;
    EXPECT_EQ(decoded->feed_id, id);
    return std::map<std::string, std::string>(decoded->fields.begin(), decoded->fields.end());
}

TEST_F(Daemon, StateKeptOnDiskWhileRedisIsAwayAvoidsFullFetchesAndReachesRedisWhenBack) {
    const std::string last_modified = "Sat, 22 Nov 2025 09:14:00 GMT";
    http_.set_handler([&](const http_request& r) {
        if (r.header("if-none-match") == "\"v1\"")
            return http_response::status_only(304).header("ETag", "\"v1\"");
        return http_response::ok(rss({{"g1", "First"}, {"g2", "Second"}}), "application/rss+xml")
            .header("ETag", "\"v1\"")
            .header("Last-Modified", last_modified);
    });
    auto f = feed("tass", "/tass.xml");
    f.interval = 1s;
    auto c = configuration({f});
    c.daemon.min_interval = 1s;
    const std::string state_dir = c.daemon.state_dir;
    redis_->stop();

    // Redis away: the feed is fetched in full, its items wait in the spool
    // and its state in state_dir/state.
    service_options once;
    once.mode = run_mode::once;
    once.state_load_timeout = 200ms;
    const auto first = service(c, once).run();
    EXPECT_EQ(first.items_spooled, 2u);
    const auto kept = state_file_of(state_dir, "tass");
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->at("etag"), "\"v1\"");
    EXPECT_EQ(kept->at("last_modified"), last_modified);
    EXPECT_EQ(kept->at("last_status"), "ok");

    // Restarted with Redis still away: the polls are conditional, from the
    // state on disk, and the 304 is recorded there.
    service_options o;
    o.mode = run_mode::daemon;
    o.startup_spread = 0ms;
    o.state_load_timeout = 200ms;
    service s(c, o);
    std::thread runner([&] { s.run(); });
    for (int i = 0; i < 100 && requests_for("/tass.xml") < 2; ++i)
        std::this_thread::sleep_for(50ms);
    ASSERT_GE(requests_for("/tass.xml"), 2u);
    for (int i = 0; i < 100; ++i) {
        const auto now = state_file_of(state_dir, "tass");
        if (now && now->at("last_status") == "not_modified") break;
        std::this_thread::sleep_for(50ms);
    }
    const auto after_304 = state_file_of(state_dir, "tass");
    ASSERT_TRUE(after_304);
    EXPECT_EQ(after_304->at("last_status"), "not_modified");
    EXPECT_EQ(after_304->at("etag"), "\"v1\"");

    // Redis returns: the state reaches it, then the file goes; the spool
    // delivers the items.
    redis_->start();
    bool is_in_redis = false;
    for (int i = 0; i < 200 && !is_in_redis; ++i) {
        std::this_thread::sleep_for(50ms);
        const auto st = state_of("tass");
        is_in_redis = st.count("etag") > 0 && !state_file_of(state_dir, "tass") &&
                      redis_->xlen("feedwire:items") == 2;
    }
    s.request_stop();
    runner.join();
    EXPECT_TRUE(is_in_redis);
    const auto st = state_of("tass");
    EXPECT_EQ(st.at("etag"), "\"v1\"");
    EXPECT_EQ(st.at("last_modified"), last_modified);
    EXPECT_EQ(st.at("last_status"), "not_modified");
    EXPECT_FALSE(state_file_of(state_dir, "tass"));
    EXPECT_EQ(redis_->xlen("feedwire:items"), 2);

    // Only the very first request was unconditional.
    const auto requests = http_.requests();
    ASSERT_GE(requests.size(), 2u);
    EXPECT_FALSE(requests[0].has_header("if-none-match"));
    for (std::size_t i = 1; i < requests.size(); ++i) {
        EXPECT_EQ(requests[i].header("if-none-match"), "\"v1\"") << "request " << i;
        EXPECT_EQ(requests[i].header("if-modified-since"), last_modified) << "request " << i;
    }
}

TEST_F(Daemon, AStateFileOlderThanRedisIsDroppedAtStart) {
    http_.set_handler([&](const http_request& r) {
        if (r.header("if-none-match") == "\"v2\"") return http_response::status_only(304);
        return http_response::ok(rss({{"g1", "First"}}), "application/rss+xml");
    });
    const auto f = feed("tass", "/tass.xml");
    const auto c = configuration({f});
    const auto t0 = std::chrono::system_clock::now() - 1h;
    feed_state older;
    older.configured_url = f.url;
    older.etag = "\"v0\"";
    older.last_poll = t0;
    feed_state newer = older;
    newer.etag = "\"v2\"";
    newer.last_poll = t0 + 10min;
    {
        auto files = state_files::open(c.daemon.state_dir + "/state");
        ASSERT_TRUE(files);
        ASSERT_TRUE((*files)->write(stored_state{"tass", to_fields(older)}));
    }
    std::vector<std::string> hset{"HSET", feed_state_key("tass")};
    for (const auto& [k, v] : to_fields(newer)) {
        hset.push_back(k);
        hset.push_back(v);
    }
    redis_->command(hset);

    service_options once;
    once.mode = run_mode::once;
    EXPECT_TRUE(service(c, once).run().ok());
    ASSERT_EQ(requests_for("/tass.xml"), 1u);
    EXPECT_EQ(http_.requests()[0].header("if-none-match"), "\"v2\"");
    EXPECT_FALSE(state_file_of(c.daemon.state_dir, "tass"));
    EXPECT_EQ(state_of("tass").at("last_status"), "not_modified");
}

// The binary, as an operator runs it.
TEST_F(Daemon, FeedwiredOnceExitCodes) {
    http_.route("/tass.xml", http_response::ok(rss({{"g1", "First"}})));
    http_.route("/missing.xml", http_response::status_only(404));
    const std::string path = redis_->directory() + "/feedwire.toml";
    const auto write = [&](const std::string& feeds) {
        std::ofstream out(path);
        out << "[redis]\nurl = \"unix://" << redis_->socket_path() << "\"\n[daemon]\nstate_dir = \""
            << redis_->directory() << "\"\nper_host_spacing = \"0s\"\n"
            << feeds;
    };
    std::string output;
    write("[[feed]]\nurl = \"" + http_.url("/tass.xml") + "\"\n");
    EXPECT_EQ(run_command(std::string(FEEDWIRE_FEEDWIRED) + " --once --config " + path, output), 0)
        << output;
    EXPECT_EQ(redis_->xlen("feedwire:items"), 1);

    write("[[feed]]\nurl = \"" + http_.url("/tass.xml") + "\"\n[[feed]]\nurl = \"" +
          http_.url("/missing.xml") + "\"\n");
    EXPECT_EQ(run_command(std::string(FEEDWIRE_FEEDWIRED) + " --once --config " + path, output), 1)
        << output;
    EXPECT_NE(output.find("failed: feed "), std::string::npos) << output;
    EXPECT_NE(output.find("HTTP 404"), std::string::npos) << output;

    write("[[feed]]\nurl = \"ftp://example.com/x\"\nintervall = \"5m\"\n");
    EXPECT_EQ(
        run_command(std::string(FEEDWIRE_FEEDWIRED) + " --check-config --config " + path, output),
        1);
    EXPECT_NE(output.find("intervall"), std::string::npos) << output;
    EXPECT_EQ(run_command(std::string(FEEDWIRE_FEEDWIRED) + " --config " + path, output), 78)
        << output;
    EXPECT_EQ(run_command(std::string(FEEDWIRE_FEEDWIRED) + " --no-such-flag", output), 64)
        << output;
}

}  // namespace
}  // namespace feedwire::daemon
