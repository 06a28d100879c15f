// redis_client against a real redis-server per test (tests/support/redis_server):
// replies of every type, pipelining, outages, lost replies, frozen servers,
// backoff, AUTH, SELECT, the prelude, the local queue bound and TCP; WAIT
// behind a command, -READONLY, and finding the primary through Sentinels.
#include "feedwire/daemon/redis.hpp"
#include "support/io_loop.hpp"
#include "support/redis_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace feedwire::daemon {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::redis_config_for;
using test::redis_server;
using test::redis_server_options;

using test::run_for;
using test::run_until;

redis_options fast_options() {
    redis_options o;
    o.connect_timeout = 1s;
    o.command_timeout = 2s;
    o.reconnect_min = 10ms;
    o.reconnect_max = 100ms;
    return o;
}

class RedisClient : public ::testing::Test {
protected:
    void SetUp() override {
        if (!redis_server::is_available()) GTEST_SKIP() << "redis-server not installed";
    }

    void start_server(redis_server_options options = {}) {
        server_ = std::make_unique<redis_server>(std::move(options));
    }

    std::unique_ptr<redis_client> make_client(config::redis_config where,
                                              redis_options options = fast_options()) {
        auto c = std::make_unique<redis_client>(io_, std::move(where), options);
        return c;
    }

    // Sends one command and waits for its result.
    std::optional<redis_result> call(redis_client& client, std::vector<std::string> argv,
                                     std::chrono::milliseconds limit = 5s) {
        std::optional<redis_result> out;
        client.command(std::move(argv), [&out](redis_result r) { out.emplace(std::move(r)); });
        run_until(
            io_, [&] { return out.has_value(); }, limit);
        return out;
    }

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_{io_.get_executor()};
    std::unique_ptr<redis_server> server_;
};

TEST_F(RedisClient, RepliesOfEveryType) {
    start_server();
    auto client = make_client(redis_config_for(*server_));
    client->start();

    const std::string binary("a\0b\r\nc", 6);
    auto set = call(*client, {"SET", "k", binary});
    ASSERT_TRUE(set && *set);
    EXPECT_EQ((*set)->type, redis_reply::kind::status);
    EXPECT_EQ((*set)->str, "OK");

    auto get = call(*client, {"GET", "k"});
    ASSERT_TRUE(get && *get);
    EXPECT_EQ((*get)->type, redis_reply::kind::string);
    EXPECT_EQ((*get)->str, binary);

    auto missing = call(*client, {"GET", "nope"});
    ASSERT_TRUE(missing && *missing);
    EXPECT_EQ((*missing)->type, redis_reply::kind::nil);

    auto incr = call(*client, {"INCRBY", "n", "41"});
    ASSERT_TRUE(incr && *incr);
    EXPECT_EQ((*incr)->type, redis_reply::kind::integer);
    EXPECT_EQ((*incr)->integer, 41);

    auto error = call(*client, {"NOSUCHCOMMAND"});
    ASSERT_TRUE(error && *error);
    EXPECT_TRUE((*error)->is_error());
    EXPECT_NE((*error)->str.find("unknown command"), std::string::npos);

    auto nested = call(*client, {"EVAL", "return {1, {'x', 2}, 'y'}", "0"});
    ASSERT_TRUE(nested && *nested);
    ASSERT_EQ((*nested)->type, redis_reply::kind::array);
    ASSERT_EQ((*nested)->elements.size(), 3u);
    EXPECT_EQ((*nested)->elements[0].integer, 1);
    ASSERT_EQ((*nested)->elements[1].elements.size(), 2u);
    EXPECT_EQ((*nested)->elements[1].elements[0].str, "x");
    EXPECT_EQ((*nested)->elements[1].elements[1].integer, 2);
    EXPECT_EQ((*nested)->elements[2].str, "y");
    EXPECT_GT(client->last_round_trip().count(), 0);
}

TEST_F(RedisClient, PipelinesTenThousandCommandsInOrder) {
    start_server();
    auto options = fast_options();
    options.max_in_flight = 64;
    auto client = make_client(redis_config_for(*server_), options);
    client->start();
    ASSERT_TRUE(run_until(io_, [&] { return client->is_connected(); }));

    constexpr int count = 10000;
    std::vector<long long> replies;
    replies.reserve(count);
    std::size_t most_in_flight = 0;
    for (int i = 0; i < count; ++i) {
        client->command({"INCR", "counter"}, [&](redis_result r) {
            most_in_flight = std::max(most_in_flight, client->in_flight());
            replies.push_back(r ? r->integer : -1);
        });
    }
    EXPECT_EQ(client->in_flight(), 64u);
    EXPECT_EQ(client->queued(), static_cast<std::size_t>(count - 64));
    ASSERT_TRUE(run_until(
        io_, [&] { return replies.size() == count; }, 15s));
    for (int i = 0; i < count; ++i) ASSERT_EQ(replies[static_cast<std::size_t>(i)], i + 1);
    EXPECT_GT(most_in_flight, 1u);
    EXPECT_LE(most_in_flight, 64u);
}

TEST_F(RedisClient, KeepsLargeCommandsWithinTheByteWindow) {
    start_server();
    auto options = fast_options();
    options.max_in_flight = 64;
    options.max_in_flight_bytes = 100000;
    auto client = make_client(redis_config_for(*server_), options);
    client->start();
    ASSERT_TRUE(run_until(io_, [&] { return client->is_connected(); }));

    // 40,000-byte values: three fit under the bound of 100,000 bytes, the
    // fourth waits; one alone larger than the bound still goes out.
    constexpr int count = 20;
    const std::string value(40000, 'v');
    std::vector<long long> lengths;
    std::size_t most_in_flight = 0;
    for (int i = 0; i < count; ++i) {
        client->command({"APPEND", "big", value}, [&](redis_result r) {
            most_in_flight = std::max(most_in_flight, client->in_flight());
            lengths.push_back(r ? r->integer : -1);
        });
    }
    EXPECT_EQ(client->in_flight(), 3u);
    EXPECT_EQ(client->queued(), static_cast<std::size_t>(count - 3));
    ASSERT_TRUE(run_until(
        io_, [&] { return lengths.size() == count; }, 15s));
    for (int i = 0; i < count; ++i) {
        ASSERT_EQ(lengths[static_cast<std::size_t>(i)], 40000LL * (i + 1));
    }
    EXPECT_LE(most_in_flight, 3u);

    const std::string huge(300000, 'h');
    std::optional<redis_result> alone;
    client->command({"SET", "huge", huge}, [&](redis_result r) { alone = std::move(r); });
    EXPECT_EQ(client->in_flight(), 1u);
    ASSERT_TRUE(run_until(io_, [&] { return alone.has_value(); }));
    ASSERT_TRUE(*alone);
    EXPECT_EQ((*alone)->str, "OK");
}

TEST_F(RedisClient, QueuesWhileDisconnectedAndSendsWhenTheServerReturns) {
    start_server();
    std::vector<std::pair<bool, std::string>> states;
    auto client = make_client(redis_config_for(*server_));
    client->on_state_change(
        [&](bool connected, const std::string& reason) { states.emplace_back(connected, reason); });
    client->start();
    ASSERT_TRUE(run_until(io_, [&] { return client->is_connected(); }));

    server_->stop();
    ASSERT_TRUE(run_until(io_, [&] { return !client->is_connected(); }));
    int answered = 0;
    for (int i = 0; i < 20; ++i) {
        client->command({"RPUSH", "list", std::to_string(i)}, [&](redis_result r) {
            EXPECT_TRUE(r.has_value());
            ++answered;
        });
    }
    run_for(io_, 300ms);  // several reconnect attempts fail meanwhile
    EXPECT_EQ(answered, 0);
    EXPECT_EQ(client->queued(), 20u);

    server_->start();
    ASSERT_TRUE(run_until(io_, [&] { return answered == 20; }));
    auto list = server_->command({"LRANGE", "list", "0", "-1"});
    ASSERT_EQ(list.elements.size(), 20u);
    EXPECT_EQ(list.elements[0].str, "0");
    EXPECT_EQ(list.elements[19].str, "19");

    // Each change reported once: up, down (however many attempts failed), up.
    ASSERT_EQ(states.size(), 3u);
    EXPECT_TRUE(states[0].first);
    EXPECT_FALSE(states[1].first);
    EXPECT_FALSE(states[1].second.empty());
    EXPECT_TRUE(states[2].first);
}

TEST_F(RedisClient, InFlightCommandsFailAsOutcomeUnknownWhenTheServerIsKilled) {
    start_server();
    auto options = fast_options();
    options.command_timeout = 10s;
    auto client = make_client(redis_config_for(*server_), options);
    client->start();
    ASSERT_TRUE(run_until(io_, [&] { return client->is_connected(); }));

    server_->pause();  // commands reach the socket but get no reply
    std::vector<redis_result> results;
    for (int i = 0; i < 5; ++i) {
        client->command({"INCR", "n"}, [&](redis_result r) { results.push_back(std::move(r)); });
    }
    run_for(io_, 100ms);
    EXPECT_EQ(client->in_flight(), 5u);
    server_->kill();
    ASSERT_TRUE(run_until(io_, [&] { return results.size() == 5; }));
    for (const auto& r : results) {
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, redis_errc::disconnected);
        EXPECT_TRUE(r.error().is_outcome_unknown());
    }
    EXPECT_EQ(client->in_flight(), 0u);
}

TEST_F(RedisClient, CommandTimeoutWithAFrozenServerThenRecovery) {
    start_server();
    auto options = fast_options();
    options.command_timeout = 300ms;
    options.connect_timeout = 300ms;
    auto client = make_client(redis_config_for(*server_), options);
    client->start();
    ASSERT_TRUE(run_until(io_, [&] { return client->is_connected(); }));

    server_->pause();
    const auto began = std::chrono::steady_clock::now();
    auto frozen = call(*client, {"PING"});
    const auto waited = std::chrono::steady_clock::now() - began;
    ASSERT_TRUE(frozen);
    ASSERT_FALSE(frozen->has_value());
    EXPECT_EQ(frozen->error().code, redis_errc::timeout);
    EXPECT_TRUE(frozen->error().is_outcome_unknown());
    EXPECT_GE(waited, 300ms);
    EXPECT_LT(waited, 2s);

    // Reconnecting to a frozen server times out too; nothing hangs.
    run_for(io_, 500ms);
    EXPECT_FALSE(client->is_connected());

    server_->resume();
    auto after = call(*client, {"PING"});
    ASSERT_TRUE(after && *after);
    EXPECT_EQ((*after)->str, "PONG");
}

TEST_F(RedisClient, ReconnectBackoffGrowsAndIsCapped) {
    // A listener that accepts and hangs up at once: every attempt fails in
    // the handshake (the prelude PING gets no answer).
    start_server();
    const std::string path = server_->directory() + "/fake.sock";
    asio::local::stream_protocol::acceptor acceptor(io_,
                                                    asio::local::stream_protocol::endpoint(path));
    std::vector<std::chrono::steady_clock::time_point> accepts;
    std::function<void()> do_accept = [&] {
        acceptor.async_accept(
            [&](const boost::system::error_code& ec, asio::local::stream_protocol::socket socket) {
                if (ec) return;
                accepts.push_back(std::chrono::steady_clock::now());
                socket.close();
                do_accept();
            });
    };
    do_accept();

    config::redis_config where;
    where.scheme = config::redis_scheme::unix_socket;
    where.socket_path = path;
    auto options = fast_options();
    options.reconnect_min = 10ms;
    options.reconnect_max = 80ms;
    int state_reports = 0;
    auto client = make_client(where, options);
    client->set_prelude({{"PING"}});
    client->on_state_change([&](bool connected, const std::string&) {
        EXPECT_FALSE(connected);
        ++state_reports;
    });
    client->start();
    run_for(io_, 1200ms);
    client->stop();
    acceptor.close();
    run_for(io_, 20ms);

    ASSERT_GE(accepts.size(), 6u);
    EXPECT_LE(accepts.size(), 40u);  // not a tight loop
    // Jitter keeps each delay within [d/2, d]: from the fifth attempt the
    // delay is capped at 80 ms, so no gap is shorter than 40 ms.
    for (std::size_t i = 5; i < accepts.size(); ++i) {
        EXPECT_GE(accepts[i] - accepts[i - 1], 39ms) << "attempt " << i;
    }
    EXPECT_LT(accepts[1] - accepts[0], 60ms);  // the first delay is short
    EXPECT_EQ(state_reports, 1);               // one report for the whole outage
}

TEST_F(RedisClient, AuthenticatesWithPasswordOrUserAndPassword) {
    redis_server_options o;
    o.password = "s3cret pass";
    start_server(o);

    auto where = redis_config_for(*server_);
    auto client = make_client(where);
    client->start();
    auto pong = call(*client, {"PING"});
    ASSERT_TRUE(pong && *pong);
    EXPECT_EQ((*pong)->str, "PONG");

    where.user = "default";
    auto with_user = make_client(where);
    with_user->start();
    auto who = call(*with_user, {"ACL", "WHOAMI"});
    ASSERT_TRUE(who && *who);
    EXPECT_EQ((*who)->str, "default");
}

TEST_F(RedisClient, WrongPasswordNeverConnectsAndKeepsCommandsQueued) {
    redis_server_options o;
    o.password = "right";
    start_server(o);
    auto where = redis_config_for(*server_);
    where.password = "wrong";
    std::vector<std::string> reasons;
    auto client = make_client(where);
    client->on_state_change([&](bool connected, const std::string& reason) {
        EXPECT_FALSE(connected);
        reasons.push_back(reason);
    });
    client->start();
    bool answered = false;
    client->command({"PING"}, [&](redis_result) { answered = true; });
    run_for(io_, 400ms);
    EXPECT_FALSE(client->is_connected());
    EXPECT_FALSE(answered);
    EXPECT_EQ(client->queued(), 1u);
    ASSERT_EQ(reasons.size(), 1u);
    EXPECT_NE(reasons[0].find("AUTH failed"), std::string::npos) << reasons[0];
    EXPECT_NE(reasons[0].find("WRONGPASS"), std::string::npos) << reasons[0];
    // It kept trying with backoff.
    auto stats = server_->command({"INFO", "stats"});
    EXPECT_EQ(stats.str.find("total_connections_received:1\r"), std::string::npos);

    client->stop();
    ASSERT_TRUE(run_until(io_, [&] { return answered; }));
}

TEST_F(RedisClient, SelectsTheConfiguredDatabase) {
    start_server();
    auto where = redis_config_for(*server_);
    where.db = 3;
    auto client = make_client(where);
    client->start();
    auto set = call(*client, {"SET", "in-db-3", "yes"});
    ASSERT_TRUE(set && *set);
    EXPECT_EQ(server_->command({"GET", "in-db-3"}).type, test::sync_reply::kind::nil);
    auto in3 = server_->command(
        {"EVAL", "redis.call('SELECT', 3) return redis.call('GET', KEYS[1])", "1", "in-db-3"});
    EXPECT_EQ(in3.str, "yes");
}

TEST_F(RedisClient, PreludeRunsAgainAfterEveryReconnect) {
    start_server();
    auto client = make_client(redis_config_for(*server_));
    client->set_prelude({{"FUNCTION", "LOAD", "REPLACE",
                          "#!lua name=t\nredis.register_function('t_hello', function() return "
                          "'hello' end)"}});
    client->start();
    auto first = call(*client, {"FCALL", "t_hello", "0"});
    ASSERT_TRUE(first && *first);
    EXPECT_EQ((*first)->str, "hello");

    // Nothing is persisted: the restarted server has no functions until the
    // prelude loads it again.
    server_->stop();
    ASSERT_TRUE(run_until(io_, [&] { return !client->is_connected(); }));
    server_->start();
    auto second = call(*client, {"FCALL", "t_hello", "0"});
    ASSERT_TRUE(second && *second);
    EXPECT_EQ((*second)->str, "hello");
}

TEST_F(RedisClient, PreludeErrorDropsTheConnectionAndRetries) {
    start_server();
    std::string reason;
    auto client = make_client(redis_config_for(*server_));
    client->set_prelude({{"FUNCTION", "LOAD", "not lua at all"}});
    client->on_state_change([&](bool, const std::string& r) { reason = r; });
    client->start();
    run_for(io_, 400ms);
    EXPECT_FALSE(client->is_connected());
    EXPECT_NE(reason.find("FUNCTION failed"), std::string::npos) << reason;
    auto stats = server_->command({"INFO", "stats"});
    auto at = stats.str.find("total_connections_received:");
    ASSERT_NE(at, std::string::npos);
    EXPECT_GT(std::stoi(stats.str.substr(at + 27)), 3);  // helper connections + retries
}

TEST_F(RedisClient, QueueFullFailsAtOnce) {
    start_server();
    auto options = fast_options();
    options.max_queue = 5;
    auto client = make_client(redis_config_for(*server_), options);  // not started
    std::vector<redis_result> results;
    for (int i = 0; i < 6; ++i) {
        client->command({"PING"}, [&](redis_result r) { results.push_back(std::move(r)); });
    }
    ASSERT_TRUE(run_until(io_, [&] { return results.size() == 1; }));
    ASSERT_FALSE(results[0].has_value());
    EXPECT_EQ(results[0].error().code, redis_errc::queue_full);
    EXPECT_FALSE(results[0].error().is_outcome_unknown());
    EXPECT_EQ(client->queued(), 5u);

    client->start();
    ASSERT_TRUE(run_until(io_, [&] { return results.size() == 6; }));
    for (std::size_t i = 1; i < 6; ++i) EXPECT_TRUE(results[i].has_value());
}

TEST_F(RedisClient, StopFailsQueuedCommandsAndThoseInFlight) {
    start_server();
    auto options = fast_options();
    options.max_in_flight = 2;
    options.command_timeout = 10s;
    auto client = make_client(redis_config_for(*server_), options);
    client->start();
    ASSERT_TRUE(run_until(io_, [&] { return client->is_connected(); }));
    server_->pause();
    std::vector<redis_result> results;
    for (int i = 0; i < 5; ++i) {
        client->command({"PING"}, [&](redis_result r) { results.push_back(std::move(r)); });
    }
    EXPECT_EQ(client->in_flight(), 2u);
    EXPECT_EQ(client->queued(), 3u);
    client->stop();
    ASSERT_TRUE(run_until(io_, [&] { return results.size() == 5; }));
    int stopped = 0;
    int disconnected = 0;
    for (const auto& r : results) {
        ASSERT_FALSE(r.has_value());
        if (r.error().code == redis_errc::stopped) ++stopped;
        if (r.error().code == redis_errc::disconnected) ++disconnected;
    }
    EXPECT_EQ(stopped, 3);
    EXPECT_EQ(disconnected, 2);

    bool refused = false;
    client->command({"PING"},
                    [&](redis_result r) { refused = !r && r.error().code == redis_errc::stopped; });
    ASSERT_TRUE(run_until(io_, [&] { return refused; }));
    server_->resume();
}

TEST_F(RedisClient, DestroyedAtAnyMomentIsSafe) {
    start_server();
    // While connecting.
    {
        auto client = make_client(redis_config_for(*server_));
        client->start();
    }
    io_.run_for(20ms);
    // With commands in flight and queued on a frozen server.
    int answered = 0;
    {
        auto options = fast_options();
        options.max_in_flight = 4;
        auto client = make_client(redis_config_for(*server_), options);
        client->start();
        ASSERT_TRUE(run_until(io_, [&] { return client->is_connected(); }));
        server_->pause();
        for (int i = 0; i < 10; ++i) {
            client->command({"PING"}, [&](redis_result r) {
                EXPECT_FALSE(r.has_value());
                ++answered;
            });
        }
        io_.run_for(20ms);
    }
    ASSERT_TRUE(run_until(io_, [&] { return answered == 10; }));
    server_->resume();
    // While waiting to reconnect.
    {
        server_->stop();
        auto client = make_client(redis_config_for(*server_));
        client->start();
        io_.run_for(30ms);
    }
    run_for(io_, 50ms);
}

TEST_F(RedisClient, ConnectsOverTcp) {
    redis_server_options o;
    o.has_tcp = true;
    start_server(o);
    auto client = make_client(redis_config_for(*server_, true));
    client->start();
    auto echo = call(*client, {"ECHO", "over tcp"});
    ASSERT_TRUE(echo && *echo);
    EXPECT_EQ((*echo)->str, "over tcp");
    auto info = call(*client, {"CLIENT", "INFO"});
    ASSERT_TRUE(info && *info);
    EXPECT_NE((*info)->str.find("addr=127.0.0.1:"), std::string::npos);
}

TEST_F(RedisClient, ReportsConnectFailureOnceWhenNothingListens) {
    start_server();
    config::redis_config where;
    where.scheme = config::redis_scheme::unix_socket;
    where.socket_path = server_->directory() + "/nobody.sock";
    std::vector<std::string> reasons;
    auto client = make_client(where);
    client->on_state_change([&](bool, const std::string& r) { reasons.push_back(r); });
    client->start();
    run_for(io_, 300ms);
    ASSERT_EQ(reasons.size(), 1u);
    EXPECT_FALSE(reasons[0].empty());
}

TEST_F(RedisClient, CommandAndWaitFailsAsNotReplicatedWithoutReplicas) {
    start_server();
    auto client = make_client(redis_config_for(*server_));
    client->start();
    std::optional<redis_result> waited;
    client->command_and_wait({"SET", "k", "v"}, 1, 100ms,
                             [&](redis_result r) { waited.emplace(std::move(r)); });
    ASSERT_TRUE(run_until(io_, [&] { return waited.has_value(); }));
    ASSERT_FALSE(*waited);
    EXPECT_EQ(waited->error().code, redis_errc::not_replicated);
    EXPECT_TRUE(waited->error().is_outcome_unknown());
    EXPECT_NE(waited->error().message.find("0 of 1"), std::string::npos) << waited->error().message;
    // It ran on the primary all the same.
    EXPECT_EQ(server_->command({"GET", "k"}).str, "v");

    // The command's own error reply comes back as it is.
    std::optional<redis_result> refused;
    client->command_and_wait({"INCR", "k"}, 1, 100ms,
                             [&](redis_result r) { refused.emplace(std::move(r)); });
    ASSERT_TRUE(run_until(io_, [&] { return refused.has_value(); }));
    ASSERT_TRUE(*refused);
    EXPECT_TRUE((*refused)->is_error());

    // No replicas wanted: no WAIT, the plain reply.
    std::optional<redis_result> plain;
    client->command_and_wait({"INCR", "n"}, 0, 100ms,
                             [&](redis_result r) { plain.emplace(std::move(r)); });
    ASSERT_TRUE(run_until(io_, [&] { return plain.has_value(); }));
    ASSERT_TRUE(*plain);
    EXPECT_EQ((*plain)->integer, 1);
}

TEST_F(RedisClient, ReadonlyReplyDropsTheConnectionAsOutcomeUnknown) {
    start_server();
    auto client = make_client(redis_config_for(*server_));
    int connects = 0;
    client->on_state_change([&](bool connected, const std::string&) { connects += connected; });
    client->start();
    ASSERT_TRUE(run_until(io_, [&] { return connects == 1; }));
    // Demoted: a replica of a primary that is not there.
    server_->command({"REPLICAOF", "127.0.0.1", "1"});
    auto write = call(*client, {"SET", "k", "v"});
    ASSERT_TRUE(write);
    ASSERT_FALSE(*write);
    EXPECT_TRUE(write->error().is_outcome_unknown());
    EXPECT_NE(write->error().message.find("read-only"), std::string::npos)
        << write->error().message;
    server_->command({"REPLICAOF", "NO", "ONE"});
    ASSERT_TRUE(run_until(io_, [&] { return connects == 2; }));
    auto again = call(*client, {"SET", "k", "v"});
    ASSERT_TRUE(again && *again);
    EXPECT_EQ((*again)->str, "OK");
}

TEST_F(RedisClient, FindsThePrimaryThroughTheFirstSentinelThatAnswers) {
    redis_server_options po;
    po.has_tcp = true;
    start_server(po);
    redis_server_options so;
    so.has_tcp = true;
    so.sentinel_config =
        "sentinel monitor feeds 127.0.0.1 " + std::to_string(server_->tcp_port()) + " 1\n";
    redis_server sentinel(so);
    // Nothing listens on the first Sentinel's port (the stopped server's).
    redis_server_options gone_options;
    gone_options.has_tcp = true;
    auto gone = std::make_unique<redis_server>(gone_options);
    const std::uint16_t dead_port = gone->tcp_port();
    gone.reset();

    std::string reason;
    auto where =
        config::parse_redis_url("redis+sentinel://127.0.0.1:" + std::to_string(dead_port) +
                                    ",127.0.0.1:" + std::to_string(sentinel.tcp_port()) + "/feeds",
                                reason);
    ASSERT_TRUE(where) << reason;
    auto client = make_client(*where);
    std::vector<std::pair<std::string, std::string>> primaries;
    client->on_primary_change([&](const std::string& previous, const std::string& current) {
        primaries.emplace_back(previous, current);
    });
    client->start();
    auto set = call(*client, {"SET", "via", "sentinel"});
    ASSERT_TRUE(set && *set) << (set && !*set ? set->error().message : "");
    EXPECT_EQ(server_->command({"GET", "via"}).str, "sentinel");
    run_until(io_, [&] { return !primaries.empty(); });
    ASSERT_EQ(primaries.size(), 1u);
    EXPECT_EQ(primaries[0].first, "");
    EXPECT_EQ(primaries[0].second, "127.0.0.1:" + std::to_string(server_->tcp_port()));

    // A name no Sentinel monitors: never connected, and the reason names
    // every Sentinel asked.
    auto unknown = *where;
    unknown.master_name = "nobody";
    auto lost = make_client(unknown);
    std::vector<std::string> reasons;
    lost->on_state_change([&](bool, const std::string& r) { reasons.push_back(r); });
    lost->start();
    ASSERT_TRUE(run_until(io_, [&] { return !reasons.empty(); }));
    EXPECT_FALSE(lost->is_connected());
    EXPECT_NE(reasons[0].find("no Sentinel named the primary \"nobody\""), std::string::npos)
        << reasons[0];
    EXPECT_NE(reasons[0].find(std::to_string(dead_port)), std::string::npos) << reasons[0];
}

}  // namespace
}  // namespace feedwire::daemon
