// Delivery of items to Redis streams (the stream contract of DESIGN.md).
//
// One Redis 7 FUNCTION, loaded with FUNCTION LOAD REPLACE at every connect
// (functions survive restarts and replicate; EVALSHA's script cache does
// not), does the check and the writes in one atomic step per item:
//   seen hash `feedwire:seen:{<feed>}`: uri -> "<content fingerprint> <revision>"
//   unseen uri            -> XADD to every stream (event=new, revision 1)
//   same fingerprint      -> nothing (already delivered)
//   changed fingerprint   -> XADD (event=update, revision+1)
// then records the uri. A crash between check and XADD cannot happen, and
// resending after a lost reply delivers nothing twice.
//
// Items of one feed go in batches of up to 64 per FCALL, sent back to back
// (pipelined through the client's in-flight window), not one round trip
// each.
#pragma once

#include "feedwire/daemon/redis.hpp"
#include "feedwire/daemon/spool.hpp"
#include "feedwire/feeds/item.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::daemon {

// The Lua source of the `feedwire` function library (FUNCTION LOAD REPLACE).
std::string_view delivery_library_source();
// FUNCTION LOAD REPLACE <source>, for redis_client::set_prelude.
std::vector<std::string> delivery_library_load_command();

// The streams an item goes to: the feed's `stream`, where `{tag}` yields
// one stream per tag of the feed (none when it has no tags) and `{feed}`
// the feed id. Empty names are dropped, duplicates removed, order kept.
std::vector<std::string> route_streams(std::string_view stream_template, const std::string& feed_id,
                                       const std::vector<std::string>& tags);

// What one item sends: the stream entry's fields and the item's JSON
// (always with "revision":1; the function patches it). Serializing is the
// costly part of delivery, so the service prepares payloads on its parse
// workers, off the I/O thread.
struct delivery_payload {
    std::string uri;
    std::string fingerprint;
    std::string url;
    std::string headline;
    std::string versioncreated;  // falls back to firstcreated
    std::string duplicate_of;
    std::string json;
    std::size_t size() const;  // bytes it adds to a command
};

delivery_payload prepare_delivery(const feeds::item& item);

// One FCALL carries up to this many items, and stops adding items past
// this many bytes (a single larger item still goes alone).
inline constexpr std::size_t max_batch_items = 64;
inline constexpr std::size_t max_batch_bytes = std::size_t{1} << 20;

// FCALL feedwire_deliver argv for a batch of items; the payloads' strings
// are moved into it.
std::vector<std::string> deliver_command(const std::string& feed_id,
                                         std::span<delivery_payload> payloads,
                                         const std::vector<std::string>& streams,
                                         std::uint64_t maxlen);

enum class delivery_event { added, updated, unchanged };

// Since start: what went through the spool.
struct spool_counters {
    std::uint64_t spooled_items = 0;
    std::uint64_t replayed_items = 0;
    std::uint64_t refused_full = 0;     // commands refused: spool full
    std::uint64_t write_errors = 0;     // appends or syncs that failed
    std::uint64_t read_errors = 0;      // records unreadable at replay
    std::uint64_t refused_records = 0;  // replayed records Redis refused
};

struct delivery_result {
    delivery_event event = delivery_event::unchanged;
    std::uint32_t revision = 0;
    std::string stream_id;  // id of the entry in the first stream; empty when unchanged
};

// Reads the function's reply for a batch of `count` items; nullopt +
// reason when it is not what the function returns (an error reply, a
// wrong shape).
std::optional<std::vector<delivery_result>> read_delivery_reply(const redis_reply& reply,
                                                                std::size_t count,
                                                                std::string& reason);

struct batch_summary {
    std::size_t added = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
    std::size_t spooled = 0;  // durably in the spool, delivered when Redis returns
    std::size_t failed = 0;   // gave up (see error)
    std::string error;        // first failure, for the feed's status
    bool ok() const { return failed == 0; }
};

struct deliverer_options {
    std::uint64_t maxlen = 100000;  // MAXLEN ~ per stream
    // Where commands wait while Redis is away (none: they wait in memory,
    // retried up to max_attempts). With a spool, a command goes to disk
    // when Redis is not connected, when its outcome is unknown (a lost
    // reply, a timeout, -LOADING), and while the spool still holds older
    // commands; a batch counts as spooled once the fsync after it ran
    // (every sync_interval). Replay starts at on_redis_connected().
    spool* disk = nullptr;
    std::chrono::milliseconds sync_interval{std::chrono::seconds{1}};
    // Problems worth a log line that belong to no batch (replay errors).
    std::function<void(const std::string&)> report;
    // A command whose outcome is unknown (lost reply, timeout) or that met
    // -LOADING is sent again: the function makes that safe. Up to this many
    // attempts per item, with the client reconnecting in between.
    int max_attempts = 1000;
    std::chrono::milliseconds retry_delay{std::chrono::milliseconds{500}};
};

class deliverer {
public:
    using done_handler = std::function<void(batch_summary)>;

    deliverer(boost::asio::io_context& io, redis_client& redis, deliverer_options options = {});
    ~deliverer();
    deliverer(const deliverer&) = delete;
    deliverer& operator=(const deliverer&) = delete;

    // Delivers the items of one poll; `done` runs once every item is settled
    // (delivered, found unchanged, or given up after max_attempts).
    void deliver(const std::string& feed_id, std::vector<delivery_payload> payloads,
                 const std::vector<std::string>& streams, done_handler done);
    // The same, preparing the payloads here.
    void deliver(const std::string& feed_id, const std::vector<feeds::item>& items,
                 const std::vector<std::string>& streams, done_handler done);

    // Items waiting for Redis (for status, metrics and shutdown).
    std::size_t pending() const;
    // Gives up on everything pending: their batches finish with failures.
    void abandon();

    // Redis is (again) connected and ready: replays the spool.
    void on_redis_connected();
    // Shutdown with a spool: every command not answered yet is written to
    // it and synced; their batches finish as spooled.
    void spool_pending();
    spool_counters counters() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace feedwire::daemon
