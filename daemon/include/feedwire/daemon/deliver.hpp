// Delivery of items to Redis streams (the stream contract of DESIGN.md).
//
// One Redis 7 FUNCTION, loaded with FUNCTION LOAD REPLACE at every connect
// (functions survive restarts and replicate; EVALSHA's script cache does
// not), does the checks and the writes of a batch in one atomic step:
//   same feed, same uri, same content fingerprint -> nothing (unchanged)
//   same feed, same uri, other fingerprint        -> XADD event=update, revision+1
//   same canonical url or same content as an item another feed delivered
//                                                 -> nothing; the feed joins
//                                                    the item's sightings record
//   MinHash close to another feed's item in the near window
//                                                 -> XADD with duplicate_of, or
//                                                    dropped, per stream
//   otherwise                                     -> XADD event=new, revision 1
// A crash between check and XADD cannot happen, and resending after a lost
// reply delivers nothing twice.
//
// The dedup state (every key carries the {dedup} hash tag, so one FCALL's
// keys share a Cluster slot):
//   feedwire:{dedup}:entries:<feed>:<epoch>  string of 20-byte records: entry hash,
//                                              content hash, kind, revision (3 bytes);
//                                              at most 512, the rest in the hash
//                                              <same key>:more (entry hash -> value)
//   feedwire:{dedup}:articles:<epoch>        hash: url hash -> feed, uri; content
//                                              hash -> the url field (or feed, uri)
//   feedwire:{dedup}:sightings:<uri>         hash: feed -> that feed's uri for the item
//   feedwire:{dedup}:nearidx:<window>:<cells>
//                                            string of 48-bit cells (BITFIELD): per
//                                              LSH band hash, the tag and ref of the
//                                              newest item whose band fell there
//   feedwire:{dedup}:near:<window>:<epoch>   hash: ref (4 bytes of the entry hash)
//                                              -> signature, feed, uri
// Hashes are 8 bytes of SHA-256. Exact keys cover epochs of 10 days and
// expire `retention` after their epoch ends; near records cover one
// `near_window` and expire a window after theirs ends. The near index has
// no epochs: newer items overwrite its cells, and it expires one to two
// windows after the last write. Lookups read every epoch still alive, and an
// item a feed still carries is copied forward, so it is never forgotten
// while it is there.
//
// Items of one feed go in batches of up to 64 per FCALL, sent back to back
// (pipelined through the client's in-flight window), not one round trip
// each.
#pragma once

#include "feedwire/config/config.hpp"
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

// What one item sends: its dedup keys, the stream entry's fields and the
// item's JSON (always with "revision":1; the function patches it).
// Serializing is the costly part of delivery, so the service prepares
// payloads on its parse workers, off the I/O thread.
struct delivery_payload {
    std::string uri;
    // 24 bytes: 8 bytes of SHA-256 of the uri, of the content fingerprint,
    // and of the url (zeros without a url).
    std::string keys;
    // 258 raw bytes (count, 128 bins, little-endian), then the 32 LSH band
    // hashes (6 bytes each, big-endian); or empty.
    std::string minhash;
    std::string url;
    std::string headline;
    std::string versioncreated;  // falls back to firstcreated
    std::string json;
    std::size_t size() const;  // bytes it adds to a command
};

delivery_payload prepare_delivery(const feeds::item& item);

// One FCALL carries up to this many items, and stops adding items past
// this many bytes (a single larger item still goes alone).
inline constexpr std::size_t max_batch_items = 64;
inline constexpr std::size_t max_batch_bytes = std::size_t{1} << 20;

// Epochs of the dedup keys (see above).
inline constexpr std::chrono::seconds exact_epoch{std::chrono::hours{24 * 10}};

std::string entries_key(const std::string& feed_id, std::int64_t epoch);
std::string articles_key(std::int64_t epoch);
// Near records: epochs as long as the window (in seconds, part of the
// name); the index: one per window and cell count.
std::string near_index_key(std::chrono::seconds window, std::uint64_t cells);
std::string near_key(std::chrono::seconds window, std::int64_t epoch);
// Where consumers look up which feeds carried the item `uri`.
std::string sightings_key(const std::string& uri);

// Where one batch goes and what the function needs to know about time.
struct delivery_target {
    std::string feed_id;
    std::vector<std::string> streams;
    std::vector<config::near_duplicate_action> actions;  // per stream; missing = mark
    std::uint64_t maxlen = 100000;
    std::chrono::seconds retention{std::chrono::hours{24 * 30}};
    std::chrono::seconds near_window{std::chrono::hours{72}};
    // Cells of 6 bytes in each near index (config dedup.near_index_size).
    std::uint64_t near_index_cells = (16ULL << 20U) / 6;
    // Bands of each item in the index (config dedup.near_bands): 32, or
    // 16 (every other band of the signature).
    std::uint32_t near_bands = 32;
    std::chrono::system_clock::time_point now{};
};

// FCALL feedwire_deliver argv for a batch of items; the payloads' strings
// are moved into it.
std::vector<std::string> deliver_command(const delivery_target& target,
                                         std::span<delivery_payload> payloads);

enum class delivery_event {
    added,
    updated,
    unchanged,
    duplicate,              // another feed delivered it: only recorded as a sighting
    near_duplicate,         // delivered with duplicate_of (where a stream marks)
    near_duplicate_dropped  // every stream drops near-duplicates
};

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
    std::string stream_id;  // id of the first stream entry; empty when nothing was appended
    std::string related;    // duplicate and near-duplicates: the uri of the first item
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
    std::size_t duplicates = 0;       // cross-feed: recorded as sightings
    std::size_t near_duplicates = 0;  // delivered marked
    std::size_t near_dropped = 0;
    std::size_t spooled = 0;  // durably in the spool, delivered when Redis returns
    std::size_t failed = 0;   // gave up (see error)
    std::string error;        // first failure, for the feed's status
    bool ok() const { return failed == 0; }
};

struct deliverer_options {
    std::uint64_t maxlen = 100000;  // MAXLEN ~ per stream
    config::dedup_config dedup;
    // The time that picks the dedup epochs (tests move it).
    std::function<std::chrono::system_clock::time_point()> now = [] {
        return std::chrono::system_clock::now();
    };
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
    // Above 0, every FCALL is followed by `WAIT wait_replicas wait_timeout`
    // (redis_client::command_and_wait), and its items count as delivered,
    // and leave the spool, only when that many replicas acknowledged it;
    // fewer is an unknown outcome like a lost reply (sent again, or
    // spooled). 0: no WAIT, no extra round trip.
    int wait_replicas = 0;
    std::chrono::milliseconds wait_timeout{std::chrono::seconds{1}};
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
