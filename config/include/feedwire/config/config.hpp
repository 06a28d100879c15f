// The validated configuration of feedwire: plain values, every default
// already applied, so the daemon never consults a fallback. Produced only by
// load_config (loader.hpp); each problem found on the way is a config_error
// carrying the file, line and key it came from.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::config {

enum class config_errc {
    syntax,           // TOML syntax error
    unknown_key,      // key not in the schema (message may suggest a near miss)
    wrong_type,       // e.g. a number where a string is expected
    bad_value,        // right type, value out of range or malformed
    bad_duration,     // not "90s", "5m", "1h30m", "250ms"
    bad_size,         // not "10MiB", "512KiB", "1GB", 1000
    bad_redis_url,    // not redis://[user[:pass]@]host[:port][/db], unix:///path or
                      // redis+sentinel://[user[:pass]@]host[:port],.../name[/db]
    duplicate_id,     // two feeds with one id
    missing_url,      // a feed without url
    bad_url,          // feed url not http(s)
    unreadable_file,  // main file, include or OPML file that cannot be read
    no_match,         // include/opml glob matching nothing (a warning)
    malformed_opml,   // not XML, or not an OPML document
};

struct config_error {
    config_errc code = config_errc::bad_value;
    std::string file;
    int line = 0;  // 1-based; 0 when the problem concerns the whole file
    std::string key;
    std::string message;
};

// sentinel: the primary is whatever the Sentinels name for master_name,
// asked again at every (re)connect.
enum class redis_scheme { tcp, unix_socket, sentinel };

struct redis_endpoint {
    std::string host;
    std::uint16_t port = 0;
    bool operator==(const redis_endpoint&) const = default;
};

struct redis_config {
    redis_scheme scheme = redis_scheme::tcp;
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::string socket_path;  // scheme unix_socket only
    int db = 0;
    // For the data nodes (the primary), not for the Sentinels.
    std::string user;
    std::string password;
    // Scheme sentinel only: the Sentinels, asked in this order, and the
    // name they monitor the primary under.
    std::vector<redis_endpoint> sentinels;
    std::string master_name;
    // AUTH for the Sentinels (`sentinel_password` in [redis]), when their
    // configuration has requirepass.
    std::string sentinel_password;
    // An item counts as delivered (leaves the spool, lets its feed's state
    // advance) only once `WAIT wait_replicas wait_timeout` after its FCALL
    // says that many replicas hold it. 0: no WAIT.
    int wait_replicas = 0;
    std::chrono::milliseconds wait_timeout{std::chrono::seconds{1}};
    // MAXLEN ~ for every stream (issue 3: "default 100000 per stream").
    std::uint64_t maxlen = 100000;
    // Connecting (TCP or socket, AUTH, SELECT, loading the function) must
    // finish within connect_timeout; a command unanswered for
    // command_timeout drops the connection (a frozen server), its outcome
    // unknown: delivery sends it again or spools it.
    std::chrono::milliseconds connect_timeout{std::chrono::seconds{5}};
    std::chrono::milliseconds command_timeout{std::chrono::seconds{10}};
};

struct daemon_config {
    std::string state_dir = "/var/lib/feedwire";
    std::string listen = "127.0.0.1:9464";  // status/metrics endpoint; empty = off
    std::string user_agent;                 // empty: the daemon names feedwire and its version
    std::string contact_url;                // appended to the User-Agent
    std::chrono::milliseconds shutdown_timeout{std::chrono::seconds{10}};
    int per_host_connections = 2;
    // Least time between two requests to one host (NOTES.md 3: bursts get
    // feeds banned). 250 ms keeps a host of a thousand feeds within minutes.
    std::chrono::milliseconds per_host_spacing{std::chrono::milliseconds{250}};
    std::chrono::milliseconds min_interval{std::chrono::minutes{1}};
    std::chrono::milliseconds max_interval{std::chrono::hours{24}};
    bool allow_private_networks = false;
    // The disk spool under state_dir/spool, where items wait while Redis
    // is away: its size cap, and how often it is fsynced ("0s": after
    // every record).
    std::uint64_t spool_max = std::uint64_t{1} << 30;
    std::chrono::milliseconds spool_sync{std::chrono::seconds{1}};
    // Several instances share the feeds by host through Redis
    // (membership.hpp). Each has an id, unique among the live instances;
    // empty: the daemon uses "<hostname>:<state_dir>", stable across
    // restarts so a restarted instance finds its own leases again.
    std::string instance_id;
    // An instance not heard from within this is dead: its hosts go to the
    // others. Also the lifetime of a host's lease; heartbeats every third.
    std::chrono::milliseconds instance_ttl{std::chrono::seconds{15}};
};

// What to do with an item found to near-duplicate one another feed
// delivered within the window: deliver it with duplicate_of set (mark),
// leave it out of the stream (drop), or not look (off).
enum class near_duplicate_action { mark, drop, off };

// The dedup state in Redis: how long delivered items are remembered (an
// entry polled again within it is not delivered again), and the window in
// which another feed's republication counts as a near-duplicate.
struct dedup_config {
    std::chrono::milliseconds retention{std::chrono::hours{24 * 30}};
    std::chrono::milliseconds near_window{std::chrono::hours{72}};
    // Bytes of each near-duplicate index (one per window; two are alive):
    // cells of 6 bytes, each band of an item takes one; about 400 bytes per
    // item expected in a window keeps old items findable (README).
    std::uint64_t near_index_size = 16ULL << 20U;
    // LSH bands of each item in the index: 32 (every band of the
    // signature) or 16 (every other band). 16 halves Redis's work per item
    // and finds fewer heavily cut republications (README).
    std::uint32_t near_bands = 32;
    near_duplicate_action near_duplicates = near_duplicate_action::mark;
    // Per stream name, overriding near_duplicates.
    std::map<std::string, near_duplicate_action> streams;
    near_duplicate_action action_for(const std::string& stream) const {
        auto it = streams.find(stream);
        return it == streams.end() ? near_duplicates : it->second;
    }
};

struct feed_config {
    std::string id;  // given, or derived from url (derive_feed_id)
    std::string url;
    std::string title;  // from OPML, or `title` in TOML; informational
    std::chrono::milliseconds interval{std::chrono::minutes{10}};
    std::chrono::milliseconds timeout{std::chrono::seconds{30}};
    std::uint64_t max_body = 16ull * 1024 * 1024;
    std::map<std::string, std::string> headers;
    std::string user_agent;  // empty: daemon.user_agent
    std::vector<std::string> tags;
    std::string stream = "feedwire:items";
    std::string agency;
    bool fetch_article = false;
    bool enabled = true;
    std::string file;  // where the feed was defined
    int line = 0;
};

struct configuration {
    redis_config redis;
    daemon_config daemon;
    dedup_config dedup;
    std::vector<feed_config> feeds;
    std::vector<std::string> files;  // every file read, main file first
};

// redis://[user[:password]@]host[:port][/db], host may be [IPv6];
// unix:///path/to.sock[?db=N];
// redis+sentinel://[user[:password]@]host[:port][,host[:port]...]/name[/db]
// (Sentinel ports default to 26379; user and password are the data
// nodes'). rediss:// is rejected: Debian 12's hiredis 0.14 has no TLS.
// Userinfo is percent-decoded. nullopt + reason on error.
std::optional<redis_config> parse_redis_url(std::string_view url, std::string& reason);

// The URL for humans: the password is never shown.
std::string describe(const redis_config& redis);
// host:port, [IPv6]:port.
std::string describe(const redis_endpoint& where);

// The primary named by a Sentinel's reply to SENTINEL
// get-master-addr-by-name: `fields` are the reply's strings (host, port),
// `is_pair` whether the reply was an array of two. nullopt + reason when it
// does not name one (an unknown master_name) or names a bad port.
std::optional<redis_endpoint> sentinel_primary(bool is_pair, std::string_view host,
                                               std::string_view port, std::string_view master_name,
                                               std::string& reason);

// "FILE:LINE: key: [severity]message" (LINE and key when known), as
// compilers print diagnostics, so editors jump to the line.
std::string describe(const config_error& error, std::string_view severity = {});

// The id of a feed without one: host, port, path and query of the URL,
// lowercased, every character outside [a-z0-9._-] replaced by '-', runs of
// '-' collapsed, leading and trailing '-' dropped.
// "https://tass.com/rss/v2.xml" -> "tass.com-rss-v2.xml".
std::string derive_feed_id(std::string_view url);

// Ids must be usable inside Redis keys and URLs: [a-z0-9._-], 1..200 chars.
bool is_valid_feed_id(std::string_view id);

}  // namespace feedwire::config
