// Proof under faults: feeds keep publishing while `feedwired` (the binary,
// as an operator runs it) is killed with SIGKILL again and again, and
// redis-server (with an append-only file) is stopped, restarted, killed
// with SIGKILL (and restarted from its append-only file) and frozen under
// it, the freeze longer than the daemon's command timeout. Afterwards every
// published item must be in the stream exactly once, in the order its feed
// published it, its correction (every tenth item is corrected) at most once
// as an update, and nothing else.
#include "support/daemon_process.hpp"
#include "support/http_fixture_server.hpp"
#include "support/newsroom.hpp"
#include "support/redis_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;
using feedwire::test::daemon_process;
using feedwire::test::http_fixture_server;
using feedwire::test::http_request;
using feedwire::test::http_response;
using feedwire::test::newsroom;
using feedwire::test::redis_server;
using feedwire::test::redis_server_options;

constexpr int feed_count = 4;
// A document lists every item so far: the first poll of a feed can come
// seconds late when the daemon is killed again and again (first polls of
// feeds without saved state are spread over 5 s after each start), and an
// item that scrolled out before any poll was never seen, not lost.
constexpr feedwire::test::newsroom_options publishing{300ms, 1000, true};

int count_lines_with(const std::string& path, const std::string& text) {
    std::ifstream in(path);
    int n = 0;
    for (std::string line; std::getline(in, line);) n += line.find(text) != std::string::npos;
    return n;
}

TEST(Faults, EveryPublishedItemIsDeliveredExactlyOnceThroughKillsAndRedisOutages) {
    if (!redis_server::is_available()) GTEST_SKIP() << "redis-server is not installed";
    redis_server_options ro;
    ro.extra_args = {"--appendonly", "yes", "--appendfsync", "always"};
    redis_server redis(ro);
    newsroom room(publishing);
    http_fixture_server http([&](const http_request& r) {
        for (int f = 0; f < feed_count; ++f) {
            if (r.target == "/feed" + std::to_string(f) + ".xml")
                return http_response::ok(room.document(f), "application/rss+xml");
        }
        return http_response::status_only(404);
    });

    const std::string config = redis.directory() + "/feedwire.toml";
    {
        std::ofstream out(config);
        // A command unanswered for 1 s drops the connection: the freeze
        // below lasts longer.
        out << "[redis]\nurl = \"unix://" << redis.socket_path() << "\"\n"
            << "command_timeout = \"1s\"\n"
            << "[daemon]\nstate_dir = \"" << redis.directory() << "/state\"\nlisten = \"\"\n"
            << "per_host_spacing = \"0s\"\nper_host_connections = 8\nmin_interval = \"1s\"\n"
            << "shutdown_timeout = \"2s\"\nspool_sync = \"100ms\"\n"
            << "[defaults]\ninterval = \"1s\"\n";
        for (int f = 0; f < feed_count; ++f)
            out << "[[feed]]\nid = \"feed" << f << "\"\nurl = \"" << http.url("/feed") << f
                << ".xml\"\n";
    }

    room.start();
    const std::string log = redis.directory() + "/feedwired.log";
    // Every run's log (warnings and errors) goes to one file, read at the end.
    daemon_process daemon(config, log);
    daemon.start();
    std::mt19937 rng(20261127);
    std::uniform_int_distribution<int> pause_ms(150, 900);
    int kills = 0;
    int redis_restarts = 0;
    int redis_kills = 0;
    for (int round = 0; round < 24; ++round) {
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
        if (round == 6 || round == 14) {
            // Redis goes away under a running daemon, which spools, then
            // comes back from its append-only file.
            redis.stop();
            std::this_thread::sleep_for(1500ms);
            redis.start();
            ++redis_restarts;
        } else if (round == 10) {
            // Redis away, the daemon killed with a spool, Redis back, and
            // the new daemon killed while it replays.
            redis.stop();
            std::this_thread::sleep_for(1500ms);
            daemon.kill_now();
            ++kills;
            redis.start();
            ++redis_restarts;
            daemon.start();
            std::this_thread::sleep_for(300ms);
        } else if (round == 18) {
            // A frozen server: connections open, nothing answered, for
            // longer than the command timeout. The daemon drops the
            // connection, spools or resends what was in flight, and
            // reconnects to a server that answers again after SIGCONT.
            redis.pause();
            std::this_thread::sleep_for(2500ms);
            redis.resume();
        } else if (round == 21) {
            // Redis killed mid-ingestion: replies in flight are lost, and
            // what it acknowledged is in its append-only file (fsynced at
            // every write), which it loads when it starts again on the
            // same socket and directory.
            const long long before = redis.xlen("feedwire:items");
            redis.kill();
            ++redis_kills;
            std::this_thread::sleep_for(800ms);
            redis.start();
            ++redis_restarts;
            const long long after = redis.xlen("feedwire:items");
            EXPECT_GE(after, before) << "the stream did not come back from the append-only file";
            EXPECT_GT(after, 0);
            std::this_thread::sleep_for(500ms);
        }
        daemon.kill_now();
        ++kills;
        daemon.start();
    }
    EXPECT_GE(kills, 20);

    // The newsroom stops; the last daemon delivers what is left.
    room.freeze();
    const int published = room.published();
    const auto total = static_cast<long long>(published) * feed_count;
    // Until as many new entries as items published are there (the
    // corrections come on top, so the stream's length alone says too
    // little) and the stream stopped growing.
    const auto new_entries = [&] {
        long long n = 0;
        for (const auto& e : redis.xrange("feedwire:items")) n += e.field("event") == "new";
        return n;
    };
    feedwire::test::wait_for_settled_stream(
        redis, "feedwire:items", [&] { return new_entries() >= total; }, 1500ms, 60s);
    EXPECT_EQ(daemon.stop(), 0);

    // The ground truth against the stream. A corrected item is new once and,
    // when the daemon saw it before the correction, updated once (revision
    // 2) after that; had it missed the first version, the corrected one is
    // simply new.
    std::map<std::string, int> seen;     // "new" entries per guid
    std::map<std::string, int> updates;  // "update" entries per guid
    std::map<int, int> last_index;       // per feed, the index delivered new last
    int out_of_order = 0;
    int bad_updates = 0;
    for (const auto& e : redis.xrange("feedwire:items")) {
        const auto item = nlohmann::json::parse(e.field("item"));
        const std::string guid = item.value("guid", "");
        const auto dash = guid.find('-');
        ASSERT_NE(dash, std::string::npos) << guid;
        const int feed = std::stoi(guid.substr(1, dash - 1));
        const int index = std::stoi(guid.substr(dash + 1));
        if (e.field("event") == "update") {
            ++updates[guid];
            if (item.value("revision", 0) != 2 || seen[guid] != 1 ||
                !room.is_revised(index, published)) {
                ++bad_updates;
                std::printf("bad update: %s\n", guid.c_str());
            }
            continue;
        }
        EXPECT_EQ(e.field("event"), "new") << guid;
        ++seen[guid];
        auto [it, fresh] = last_index.emplace(feed, index);
        if (!fresh) {
            if (index < it->second) ++out_of_order;
            it->second = index;
        }
    }
    int missing = 0;
    int doubled = 0;
    int revised = 0;
    for (int f = 0; f < feed_count; ++f) {
        for (int i = 0; i < published; ++i) {
            const std::string guid = "f" + std::to_string(f) + "-" + std::to_string(i);
            if (room.is_revised(i, published)) ++revised;
            const auto it = seen.find(guid);
            if (it == seen.end()) {
                ++missing;
                std::printf("missing: f%d-%d\n", f, i);  // names what was lost
            } else if (it->second > 1 || updates[guid] > 1) {
                ++doubled;
            }
        }
    }
    std::size_t updated = 0;
    for (const auto& [guid, n] : updates) updated += static_cast<std::size_t>(n);
    std::size_t known = 0;
    for (const auto& [guid, n] : seen) known += n > 0 ? 1 : 0;
    const auto unknown = static_cast<long long>(known) - (total - missing);
    // The freeze outlasted the command timeout: the daemon said so.
    const int timeouts = count_lines_with(log, "no reply within 1000 ms");
    std::printf(
        "faults: %d SIGKILLs, %d Redis restarts (%d after a SIGKILL, from the append-only "
        "file), 1 freeze of 2.5 s (%d command timeouts of 1 s); %lld items published, "
        "%lld stream entries, %d missing, %d delivered twice, %lld unknown, %d out of "
        "order; %d corrections published, %zu delivered as updates, %d wrong updates\n",
        kills, redis_restarts, redis_kills, timeouts, total, redis.xlen("feedwire:items"), missing,
        doubled, unknown, out_of_order, revised, updated, bad_updates);
    EXPECT_GE(timeouts, 1);
    // The directory goes with the server: show the daemon's last words.
    if (::testing::Test::HasFailure()) feedwire::test::print_log_tail(log, 60);
    EXPECT_EQ(missing, 0);
    EXPECT_EQ(doubled, 0);
    EXPECT_EQ(unknown, 0);
    EXPECT_EQ(out_of_order, 0);
    EXPECT_EQ(bad_updates, 0);
    // Corrections that came while the daemon knew the first version went
    // out as updates (how many depends on how often kills hit the 4.5 s
    // between an item and its correction: 19 of 24 in a normal build, 13
    // of 28 under the sanitizers on CI's two cores).
    EXPECT_GE(updated, 1u);
    EXPECT_EQ(redis.xlen("feedwire:items"), total + static_cast<long long>(updated));
}

}  // namespace
}  // namespace feedwire::daemon
