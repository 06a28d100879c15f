// Redis with a replica and three Sentinels, all on loopback ports: the
// daemon (the in-process service) finds the primary through a
// redis+sentinel:// URL and delivers with wait_replicas = 1 while feeds keep
// publishing. The primary is killed (SIGKILL) mid-ingestion; the Sentinels
// promote the replica and the daemon follows it, delivering there while
// its items stay in the spool (no replica acknowledges them yet). Once the old
// primary is back as the new one's replica, WAIT is answered, the spool
// drains, and the stream on the new primary must hold every published item
// exactly once.
// Feed documents list only their latest items, so an item acknowledged but
// lost in the failover would not come back with a later poll.
#include "feedwire/daemon/service.hpp"
#include "support/http_fixture_server.hpp"
#include "support/newsroom.hpp"
#include "support/redis_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;
using feedwire::test::http_fixture_server;
using feedwire::test::http_request;
using feedwire::test::http_response;
using feedwire::test::newsroom;
using feedwire::test::redis_server;
using feedwire::test::redis_server_options;
using clock_type = std::chrono::steady_clock;

constexpr int feed_count = 3;
// Documents list 6 s of news: several polls of every item (one a second,
// the outage does not stop them), yet most items scroll out before the
// test ends, so one lost after it was acknowledged would not come back.
constexpr feedwire::test::newsroom_options publishing{250ms, 24, false};
const std::string stream = "feedwire:items";

bool wait_for(const std::function<bool()>& condition, std::chrono::seconds limit) {
    const auto deadline = clock_type::now() + limit;
    while (clock_type::now() < deadline) {
        try {
            if (condition()) return true;
        } catch (const std::exception&) {
            // A server between stop and start: ask again.
        }
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

// SENTINEL MASTER's flat field/value list as a map.
std::map<std::string, std::string> sentinel_view(const redis_server& sentinel) {
    std::map<std::string, std::string> out;
    const auto r = sentinel.command({"SENTINEL", "MASTER", "m"});
    for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2)
        out[r.elements[i].str] = r.elements[i + 1].str;
    return out;
}

// Bytes of records in the daemon's spool (each segment starts with an
// 8-byte header; a segment goes once replay passed its last record).
std::uintmax_t spooled_bytes(const std::string& dir) {
    std::uintmax_t total = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".spool") continue;
        const auto size = std::filesystem::file_size(entry.path(), ec);
        if (!ec && size > 8) total += size - 8;
    }
    return total;
}

// How often a command ran on a server (INFO commandstats).
long long calls_of(const redis_server& server, const std::string& command) {
    const std::string stats = server.info_field("commandstats", "cmdstat_" + command);
    if (stats.compare(0, 6, "calls=") != 0) return 0;
    return std::stoll(stats.substr(6));
}

std::string primary_port_per(const redis_server& sentinel) {
    const auto r = sentinel.command({"SENTINEL", "get-master-addr-by-name", "m"});
    return r.elements.size() == 2 ? r.elements[1].str : std::string{};
}

TEST(Sentinel, DaemonFollowsFailoverAndDeliversEveryItemOnceWithWaitReplicas) {
    if (!redis_server::is_available()) GTEST_SKIP() << "redis-server is not installed";
    // Either may be the primary; a replica syncs at once, not after 5 s.
    redis_server_options po;
    po.has_tcp = true;
    po.extra_args = {"--repl-diskless-sync-delay", "0"};
    redis_server primary(po);
    redis_server_options ro = po;
    ro.extra_args.insert(ro.extra_args.end(),
                         {"--replicaof", "127.0.0.1", std::to_string(primary.tcp_port())});
    redis_server replica(ro);
    ASSERT_TRUE(wait_for(
        [&] { return replica.info_field("replication", "master_link_status") == "up"; }, 20s));

    std::vector<std::unique_ptr<redis_server>> sentinels;
    for (int i = 0; i < 3; ++i) {
        redis_server_options so;
        so.has_tcp = true;
        so.sentinel_config = "sentinel monitor m 127.0.0.1 " + std::to_string(primary.tcp_port()) +
                             " 2\n"
                             "sentinel down-after-milliseconds m 1000\n"
                             "sentinel failover-timeout m 5000\n";
        sentinels.push_back(std::make_unique<redis_server>(so));
    }
    // Every Sentinel knows the replica and the two others (hello messages
    // every 2 s): only then can two of them agree on a failover.
    ASSERT_TRUE(wait_for(
        [&] {
            for (const auto& s : sentinels) {
                auto view = sentinel_view(*s);
                if (view["num-slaves"] != "1" || view["num-other-sentinels"] != "2") return false;
            }
            return true;
        },
        30s));

    newsroom room(publishing);
    http_fixture_server http([&](const http_request& r) {
        for (int f = 0; f < feed_count; ++f) {
            if (r.target == "/feed" + std::to_string(f) + ".xml")
                return http_response::ok(room.document(f), "application/rss+xml");
        }
        return http_response::status_only(404);
    });

    config::configuration c;
    std::string url = "redis+sentinel://";
    for (std::size_t i = 0; i < sentinels.size(); ++i)
        url += (i > 0 ? "," : "") + std::string("127.0.0.1:") +
               std::to_string(sentinels[i]->tcp_port());
    url += "/m/0";
    std::string reason;
    auto where = config::parse_redis_url(url, reason);
    ASSERT_TRUE(where) << reason;
    c.redis = *where;
    c.redis.wait_replicas = 1;
    c.redis.wait_timeout = 500ms;
    c.redis.connect_timeout = 1s;
    c.redis.command_timeout = 3s;
    c.daemon.state_dir = primary.directory() + "/state";
    c.daemon.listen = "";
    c.daemon.per_host_spacing = 0ms;
    c.daemon.per_host_connections = 4;
    c.daemon.min_interval = 1s;
    c.daemon.shutdown_timeout = 3s;
    c.daemon.spool_sync = 100ms;
    c.daemon.allow_private_networks = true;
    for (int f = 0; f < feed_count; ++f) {
        config::feed_config feed;
        feed.id = "feed" + std::to_string(f);
        feed.url = http.url("/feed" + std::to_string(f) + ".xml");
        feed.interval = 1s;
        feed.timeout = 5s;
        c.feeds.push_back(std::move(feed));
    }
    service_options o;
    o.mode = run_mode::daemon;
    o.startup_spread = 0ms;
    o.state_load_timeout = 1s;
    service daemon(c, o);
    std::thread runner([&] { daemon.run(); });

    // Ingestion through the first primary, confirmed by its replica.
    ASSERT_TRUE(wait_for([&] { return primary.xlen(stream) >= 3 * feed_count; }, 30s));
    const long long before_kill = primary.xlen(stream);
    primary.kill();
    const std::string new_port = std::to_string(replica.tcp_port());
    const bool promoted = wait_for(
        [&] {
            return primary_port_per(*sentinels[0]) == new_port &&
                   replica.info_field("replication", "role") == "master";
        },
        40s);
    EXPECT_TRUE(promoted) << "the Sentinels did not promote the replica";
    // The daemon follows: it delivers to the new primary, and WAITs there.
    // No replica acknowledges anything yet, so the spool keeps its items,
    // and their order: the oldest record is sent again and again.
    EXPECT_TRUE(wait_for(
        [&] { return calls_of(replica, "fcall") >= 2 && calls_of(replica, "wait") >= 2; }, 40s))
        << "no delivery reached the new primary";
    const std::string spool_dir = c.daemon.state_dir + "/spool";
    EXPECT_GT(spooled_bytes(spool_dir), 0u) << "items left the spool without a replica's WAIT";

    // The old primary returns (empty: nothing is persisted) as the new one's
    // replica, so WAIT 1 can be answered again.
    primary.start();
    primary.command({"REPLICAOF", "127.0.0.1", new_port});
    EXPECT_TRUE(wait_for(
        [&] { return primary.info_field("replication", "master_link_status") == "up"; }, 30s));

    // Now confirmed, the spool drains.
    EXPECT_TRUE(wait_for([&] { return spooled_bytes(spool_dir) == 0; }, 30s));

    room.freeze();
    const int published = room.published();
    const auto total = static_cast<long long>(published) * feed_count;
    feedwire::test::wait_for_settled_stream(
        replica, stream, [&] { return replica.xlen(stream) >= total; }, 1500ms, 40s);
    daemon.request_stop();
    runner.join();

    std::map<std::string, int> per_uri;
    std::map<std::string, int> seen;  // per guid
    for (const auto& e : replica.xrange(stream)) {
        EXPECT_EQ(e.field("event"), "new");
        ++per_uri[e.field("uri")];
        ++seen[nlohmann::json::parse(e.field("item")).value("guid", "")];
    }
    for (const auto& [uri, n] : per_uri) EXPECT_EQ(n, 1) << uri;
    int missing = 0;
    int doubled = 0;
    for (int f = 0; f < feed_count; ++f) {
        for (int i = 0; i < published; ++i) {
            const auto it = seen.find(newsroom::guid_of(f, i));
            if (it == seen.end()) {
                ++missing;
                ADD_FAILURE() << "missing: " << newsroom::guid_of(f, i);
            } else if (it->second != 1) {
                ++doubled;
                ADD_FAILURE() << it->second << " times: " << newsroom::guid_of(f, i);
            }
        }
    }
    EXPECT_EQ(missing, 0);
    EXPECT_EQ(doubled, 0);
    EXPECT_EQ(static_cast<long long>(seen.size()), total);
    EXPECT_GT(before_kill, 0);
    std::printf("%d items per feed, %lld in the stream before the failover, %zu after\n", published,
                before_kill, seen.size());
}

}  // namespace
}  // namespace feedwire::daemon
