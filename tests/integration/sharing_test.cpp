// Several `feedwired` instances share one configuration and one Redis
// (membership.hpp): 300 feeds on 30 hosts, each host a distinct loopback
// address (127.0.0.1 .. 127.0.0.30) served by the test. Each instance names
// itself in its User-Agent, so the server knows who polled what, when, and
// how many requests of one host overlapped.
//
// Three instances share the feeds; one is killed with SIGKILL mid-cycle and
// its hosts are taken over; a fourth joins and hosts move to it. Through all
// of it: no feed is polled twice within half its interval, no host sees
// more requests at once than per_host_connections across all instances,
// and every published item reaches the stream exactly once.
#include "support/daemon_process.hpp"
#include "support/http_fixture_server.hpp"
#include "support/redis_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
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
using feedwire::test::redis_server;
using clock_type = std::chrono::steady_clock;

constexpr int host_count = 30;
constexpr int feeds_per_host = 10;
constexpr int feed_count = host_count * feeds_per_host;
constexpr auto interval = std::chrono::milliseconds{3000};
constexpr auto ttl = std::chrono::milliseconds{3000};
// Each feed publishes an item this often (feeds staggered), and its
// document lists every item so far: nothing scrolls out unseen.
constexpr auto publish_every = 4s;
// A reply takes at least this long (its body comes in two parts), so a
// request is in progress at the server for at least this long: requests of
// one host that start closer than this overlapped.
constexpr auto reply_time = 100ms;

struct poll_record {
    int feed = 0;
    int host = 0;
    std::string instance;
    clock_type::time_point at;
};

class newsroom {
public:
    void freeze() {
        const std::lock_guard lock(mutex_);
        frozen_ = clock_type::now();
    }
    // Items feed f has published by now.
    int published(int feed) const {
        const std::lock_guard lock(mutex_);
        const auto now = frozen_ ? *frozen_ : clock_type::now();
        const auto offset = publish_every * feed / feed_count;
        return 1 + static_cast<int>((now - started_ + offset) / publish_every);
    }
    std::string document(int feed) const {
        const int n = published(feed);
        std::string out = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed " +
                          std::to_string(feed) +
                          "</title><link>https://wire.example/</link><description>d</description>";
        for (int i = 0; i < n; ++i) {
            const std::string guid = "f" + std::to_string(feed) + "-" + std::to_string(i);
            out += "<item><guid>" + guid + "</guid><title>Dispatch " + guid +
                   "</title><link>https://wire.example/" + guid + "</link><description>Item " +
                   guid + "</description></item>";
        }
        return out + "</channel></rss>";
    }

private:
    mutable std::mutex mutex_;
    clock_type::time_point started_ = clock_type::now();
    std::optional<clock_type::time_point> frozen_;
};

class poll_log {
public:
    void add(poll_record r) {
        const std::lock_guard lock(mutex_);
        records_.push_back(std::move(r));
    }
    std::vector<poll_record> all() const {
        const std::lock_guard lock(mutex_);
        return records_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<poll_record> records_;
};

// Feeds polled at or after `since`, by anyone.
std::set<int> polled_since(const std::vector<poll_record>& log, clock_type::time_point since) {
    std::set<int> out;
    for (const auto& r : log) {
        if (r.at >= since) out.insert(r.feed);
    }
    return out;
}

// Per host, the instances that polled it in [from, to).
std::map<int, std::set<std::string>> owners_between(const std::vector<poll_record>& log,
                                                    clock_type::time_point from,
                                                    clock_type::time_point to) {
    std::map<int, std::set<std::string>> out;
    for (const auto& r : log) {
        if (r.at >= from && r.at < to) out[r.host].insert(r.instance);
    }
    return out;
}

// Waits (bounded) until `done` holds; returns whether it did.
template <typename Predicate>
bool wait_for(std::chrono::milliseconds limit, Predicate done) {
    const auto deadline = clock_type::now() + limit;
    while (clock_type::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return done();
}

TEST(Sharing, InstancesSplitHostsTakeOverFromTheDeadAndHandOverToANewcomer) {
    if (!redis_server::is_available()) GTEST_SKIP() << "redis-server is not installed";
    redis_server redis;
    newsroom room;
    poll_log polls;

    std::vector<std::unique_ptr<http_fixture_server>> hosts;
    for (int h = 0; h < host_count; ++h) {
        const std::string address = "127.0.0." + std::to_string(h + 1);
        hosts.push_back(std::make_unique<http_fixture_server>(
            address, [&room, &polls, h](const http_request& r) {
                int feed = -1;
                if (std::sscanf(r.target.c_str(), "/feed%d.xml", &feed) != 1 || feed < 0 ||
                    feed >= feed_count)
                    return http_response::status_only(404);
                polls.add({feed, h, r.header("user-agent"), clock_type::now()});
                auto reply = http_response::ok(room.document(feed), "application/rss+xml");
                reply.chunk_size = reply.body.size() / 2 + 1;
                reply.chunk_interval = reply_time;
                return reply;
            }));
    }

    // One configuration; each instance's copy differs only in its
    // User-Agent, which tells the server who polls.
    const auto config_for = [&](const std::string& name) {
        const std::string path = redis.directory() + "/" + name + ".toml";
        std::ofstream out(path);
        out << "[redis]\nurl = \"unix://" << redis.socket_path() << "\"\n"
            << "[daemon]\nstate_dir = \"" << redis.directory() << "/state-" << name << "\"\n"
            << "listen = \"\"\nuser_agent = \"" << name << "\"\n"
            << "per_host_connections = 1\nper_host_spacing = \"0s\"\nmin_interval = \"1s\"\n"
            << "shutdown_timeout = \"3s\"\ninstance_ttl = \"3s\"\n"
            << "[defaults]\ninterval = \"3s\"\n";
        for (int f = 0; f < feed_count; ++f) {
            out << "[[feed]]\nid = \"feed" << f << "\"\nurl = \""
                << hosts[static_cast<std::size_t>(f / feeds_per_host)]->url("/feed") << f
                << ".xml\"\n";
        }
        return path;
    };
    const std::string log = redis.directory() + "/feedwired.log";
    // The live instances as Redis records them.
    const auto members = [&] {
        std::set<std::string> out;
        for (const auto& e : redis.command({"ZRANGE", "{feedwire}:instances", "0", "-1"}).elements)
            out.insert(e.str);
        return out;
    };
    std::map<std::string, std::unique_ptr<daemon_process>> instances;
    const auto start = [&](const std::string& name) {
        auto p = std::make_unique<daemon_process>(
            config_for(name), log,
            std::vector<std::string>{"--log-level", "warn", "--instance-id", name});
        p->start();
        instances[name] = std::move(p);
    };

    // ---- three instances ----------------------------------------------------
    const auto began = clock_type::now();
    for (const std::string name : {"a", "b", "c"}) start(name);
    // The first to start owns everything until the others have joined and
    // it has handed their hosts over: watch once that is done.
    EXPECT_TRUE(wait_for(30s, [&] {
        return members() == std::set<std::string>{"a", "b", "c"};
    })) << "the instances did not all join";
    std::this_thread::sleep_for(ttl);
    EXPECT_TRUE(wait_for(20s, [&] {
        return polled_since(polls.all(), began).size() == static_cast<std::size_t>(feed_count);
    })) << "not every feed was polled";
    const auto all_polled = clock_type::now();
    std::this_thread::sleep_for(interval * 2);
    const auto three_window = owners_between(polls.all(), all_polled, clock_type::now());
    std::map<std::string, int> hosts_of;
    for (const auto& [h, who] : three_window) {
        EXPECT_EQ(who.size(), 1u) << "host " << h << " polled by several instances";
        for (const auto& w : who) ++hosts_of[w];
    }
    EXPECT_EQ(three_window.size(), static_cast<std::size_t>(host_count));
    EXPECT_EQ(hosts_of.size(), 3u) << "not every instance got hosts";

    // ---- b dies mid-cycle ---------------------------------------------------
    std::set<int> hosts_of_b;
    for (const auto& [h, who] : three_window) {
        if (who.count("b") > 0) hosts_of_b.insert(h);
    }
    instances.at("b")->kill_now();
    const auto killed = clock_type::now();
    // Taken over: every host of b's polled by a survivor.
    std::map<int, clock_type::time_point> taken_at;
    EXPECT_TRUE(wait_for(20s,
                         [&] {
                             for (const auto& r : polls.all()) {
                                 if (r.at > killed && hosts_of_b.count(r.host) > 0 &&
                                     !taken_at.count(r.host))
                                     taken_at[r.host] = r.at;
                             }
                             return taken_at.size() == hosts_of_b.size();
                         }))
        << taken_at.size() << " of b's " << hosts_of_b.size() << " hosts taken over";
    auto slowest = std::chrono::milliseconds{0};
    for (const auto& [h, at] : taken_at)
        slowest =
            std::max(slowest, std::chrono::duration_cast<std::chrono::milliseconds>(at - killed));
    std::this_thread::sleep_for(interval * 2);
    const auto after_kill =
        owners_between(polls.all(), killed + ttl + interval * 2, clock_type::now());
    for (const auto& [h, who] : after_kill) {
        EXPECT_EQ(who.count("b"), 0u) << "host " << h;
        EXPECT_EQ(who.size(), 1u) << "host " << h << " polled by several instances";
    }

    // ---- d joins ------------------------------------------------------------
    start("d");
    EXPECT_TRUE(wait_for(30s, [&] {
        return members() == std::set<std::string>{"a", "c", "d"};
    })) << "d did not join";
    std::this_thread::sleep_for(ttl + interval * 2);
    const auto settled = clock_type::now();
    std::this_thread::sleep_for(interval * 2);
    const auto after_join = owners_between(polls.all(), settled, clock_type::now());
    int hosts_of_d = 0;
    for (const auto& [h, who] : after_join) {
        EXPECT_EQ(who.size(), 1u) << "host " << h << " polled by several instances";
        hosts_of_d += who.count("d") > 0 ? 1 : 0;
    }
    EXPECT_EQ(after_join.size(), static_cast<std::size_t>(host_count));
    EXPECT_GT(hosts_of_d, 0) << "no host moved to the newcomer";

    // ---- the newsroom stops; the last polls deliver what is left -------------
    room.freeze();
    const auto frozen = clock_type::now();
    EXPECT_TRUE(wait_for(15s, [&] {
        return polled_since(polls.all(), frozen + reply_time).size() ==
               static_cast<std::size_t>(feed_count);
    })) << "not every feed was polled after the last item";
    std::this_thread::sleep_for(1s);
    for (const std::string name : {"a", "c", "d"}) EXPECT_EQ(instances.at(name)->stop(), 0) << name;

    // ---- what the server saw ----------------------------------------------------
    const auto all = polls.all();
    std::map<int, std::vector<clock_type::time_point>> per_feed;
    std::map<int, std::vector<clock_type::time_point>> per_host;
    for (const auto& r : all) {
        per_feed[r.feed].push_back(r.at);
        per_host[r.host].push_back(r.at);
    }
    int too_close = 0;
    auto closest = std::chrono::milliseconds{std::chrono::hours{1}};
    for (auto& [f, times] : per_feed) {
        std::sort(times.begin(), times.end());
        for (std::size_t i = 1; i < times.size(); ++i) {
            const auto gap =
                std::chrono::duration_cast<std::chrono::milliseconds>(times[i] - times[i - 1]);
            closest = std::min(closest, gap);
            if (gap < interval / 2) ++too_close;
        }
    }
    int overlapping = 0;
    for (auto& [h, times] : per_host) {
        std::sort(times.begin(), times.end());
        for (std::size_t i = 1; i < times.size(); ++i)
            overlapping += times[i] - times[i - 1] < reply_time;
    }

    // ---- what reached the stream ------------------------------------------------
    std::map<std::string, int> seen;
    for (const auto& e : redis.xrange("feedwire:items")) {
        if (e.field("event") != "new") continue;
        ++seen[nlohmann::json::parse(e.field("item")).value("guid", "")];
    }
    int published = 0;
    int missing = 0;
    int doubled = 0;
    for (int f = 0; f < feed_count; ++f) {
        for (int i = 0; i < room.published(f); ++i) {
            ++published;
            const auto it = seen.find("f" + std::to_string(f) + "-" + std::to_string(i));
            if (it == seen.end()) {
                ++missing;
            } else if (it->second > 1) {
                ++doubled;
            }
        }
    }
    // The feed states name their last poller.
    std::set<std::string> owners;
    for (int f = 0; f < feed_count; ++f) {
        const auto r =
            redis.command({"HGET", "feedwire:feed:{feed" + std::to_string(f) + "}", "owner"});
        owners.insert(r.str);
    }

    std::printf(
        "sharing: %zu polls of %d feeds on %d hosts; 3 instances (hosts %d/%d/%d), b killed: its "
        "%zu hosts taken over within %lld ms; d joined and took %d hosts; closest two polls of "
        "a feed %lld ms apart (%d under %lld ms), %d overlapping requests on a host; %d items "
        "published, %zu in the stream, %d missing, %d twice; owners recorded: %zu\n",
        all.size(), feed_count, host_count, hosts_of["a"], hosts_of["b"], hosts_of["c"],
        hosts_of_b.size(), static_cast<long long>(slowest.count()), hosts_of_d,
        static_cast<long long>(closest.count()), too_close,
        static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(interval / 2).count()),
        overlapping, published, seen.size(), missing, doubled, owners.size());
    EXPECT_EQ(too_close, 0);
    EXPECT_EQ(overlapping, 0);
    EXPECT_EQ(missing, 0);
    EXPECT_EQ(doubled, 0);
    EXPECT_EQ(static_cast<int>(seen.size()), published);
    EXPECT_EQ(owners.count(""), 0u) << "a feed state without its owner";
    EXPECT_EQ(owners.count("b"), 0u) << "b's feeds were all polled again by the others";
    if (::testing::Test::HasFailure()) feedwire::test::print_log_tail(log, 60);
}

}  // namespace
}  // namespace feedwire::daemon
