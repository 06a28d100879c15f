// One asynchronous connection to Redis, driven by the daemon's Boost.Asio
// io_context through an adapter of ours for hiredis 0.14 (which ships none
// for Asio; modelled on adapters/libuv.h, including its check that the
// context is still alive after a read before writing).
//
// hiredis 0.14 has no timeouts: the connect timeout and the command timeout
// are Asio timers here. A command whose reply does not arrive in time drops
// the connection; every command then in flight fails with
// is_outcome_unknown (it may or may not have run: NOTES.md 16).
//
// Commands queue locally (bounded by max_queue) while disconnected and are
// sent when the connection is back; at most max_in_flight commands and
// max_in_flight_bytes bytes of them (but always one) are on the wire at
// once, since hiredis's output buffer grows without limit. The connection
// reconnects by itself with exponential backoff and reports each change of
// state once, not per command. After connecting it sends AUTH and SELECT as
// the URL says, then the prelude commands (FUNCTION LOAD ...) in order,
// before any queued command; a prelude answered with an error drops the
// connection and retries later (-LOADING after a restart is the common case).
//
// With a redis+sentinel:// URL, every (re)connect first asks the Sentinels,
// in the order given, for the primary (SENTINEL get-master-addr-by-name,
// each Sentinel within connect_timeout and command_timeout, through a
// redis_client of its own), connects there, and checks that ROLE says
// master before the prelude. A node that answers -READONLY (demoted by a
// failover, or a replica named by a stale URL) drops the connection: every
// command in flight fails with is_outcome_unknown, and the next connect
// asks the Sentinels again. So does any lost connection.
//
// Not thread-safe: call from the io_context's thread.
#pragma once

#include "feedwire/config/config.hpp"
#include "feedwire/feeds/result.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace feedwire::daemon {

// A reply copied out of hiredis's redisReply, so it outlives the callback.
struct redis_reply {
    enum class kind { string, array, integer, nil, status, error };
    kind type = kind::nil;
    std::string str;  // string, status and error replies
    long long integer = 0;
    std::vector<redis_reply> elements;

    bool is_error() const { return type == kind::error; }
};

enum class redis_errc {
    disconnected,  // the command was sent but the connection went away: outcome unknown
    timeout,       // no reply within command_timeout: outcome unknown
    queue_full,    // not sent: the local queue is at max_queue
    stopped,       // not sent: the client was stopped
    // command_and_wait: the command ran on the primary, but WAIT did not
    // see enough replicas acknowledge it in time: outcome unknown (a
    // failover could still lose it).
    not_replicated,
};

struct redis_error {
    redis_errc code = redis_errc::disconnected;
    std::string message;
    // True when the command may have run on the server.
    bool is_outcome_unknown() const {
        return code == redis_errc::disconnected || code == redis_errc::timeout ||
               code == redis_errc::not_replicated;
    }
};

using redis_result = feeds::result<redis_reply, redis_error>;

struct redis_options {
    std::chrono::milliseconds connect_timeout{std::chrono::seconds{5}};
    std::chrono::milliseconds command_timeout{std::chrono::seconds{10}};
    std::chrono::milliseconds reconnect_min{std::chrono::milliseconds{100}};
    std::chrono::milliseconds reconnect_max{std::chrono::seconds{30}};
    std::size_t max_in_flight = 64;
    std::size_t max_in_flight_bytes = std::size_t{1} << 20;
    std::size_t max_queue = 100000;
};

class redis_client {
public:
    using reply_handler = std::function<void(redis_result)>;
    // connected == true once AUTH, SELECT and the prelude succeeded;
    // reason says why the connection failed or went away otherwise.
    using state_handler = std::function<void(bool connected, const std::string& reason)>;
    // Sentinel URLs: the primary's address (host:port) at each connect where
    // it is not the one before; `previous` is empty at the first.
    using primary_handler =
        std::function<void(const std::string& previous, const std::string& current)>;

    redis_client(boost::asio::io_context& io, config::redis_config where,
                 redis_options options = {});
    ~redis_client();
    redis_client(const redis_client&) = delete;
    redis_client& operator=(const redis_client&) = delete;

    // Commands sent after every (re)connect, before queued ones.
    void set_prelude(std::vector<std::vector<std::string>> commands);
    void on_state_change(state_handler handler);
    void on_primary_change(primary_handler handler);

    void start();  // begins connecting; returns at once
    // Fails every queued command with `stopped`, disconnects; handlers of
    // commands in flight get `disconnected`.
    void stop();

    // Binary-safe argv. The handler runs on the io_context exactly once.
    void command(std::vector<std::string> argv, reply_handler handler);
    // The command, then `WAIT replicas timeout` right behind it on the same
    // connection (so WAIT covers it). The handler gets the command's reply
    // once WAIT counted at least `replicas` replicas, not_replicated when
    // fewer, and an error reply of the command as it is. replicas <= 0 is
    // command().
    void command_and_wait(std::vector<std::string> argv, int replicas,
                          std::chrono::milliseconds timeout, reply_handler handler);

    bool is_connected() const;
    std::size_t queued() const;     // waiting to be sent
    std::size_t in_flight() const;  // sent, awaiting a reply
    // Round-trip time of the last reply, for status and metrics.
    std::chrono::microseconds last_round_trip() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace feedwire::daemon
