// What feedwire remembers about one feed between polls and across restarts:
// validators for conditional GET, where the feed lives now, how its last
// polls went and when it is due. Stored as one Redis hash per feed,
// `feedwire:feed:{<feed id>}` (the hash tag keeps a feed's keys together
// for Redis Cluster). Pure: converting to and from hash fields only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace feedwire::daemon {

struct feed_state {
    std::string configured_url;  // the URL the operator configured when this state was written
    std::string current_url;  // where polls go now (after a permanent redirect); empty = configured
    std::string etag;
    std::string last_modified;
    std::string
        body_hash;  // SHA-256 of the last body parsed: unchanged bodies are not parsed again

    std::chrono::system_clock::time_point last_poll{};
    std::chrono::system_clock::time_point last_success{};
    std::chrono::system_clock::time_point last_new_item{};  // last poll that delivered a new item
    std::chrono::system_clock::time_point next_poll{};
    std::string
        last_status;         // "ok", "not_modified", "unchanged", or a fetch_status / "parse_error"
    std::string last_error;  // human description; empty after a success
    long last_http_status = 0;
    std::uint32_t consecutive_errors = 0;
    bool is_gone = false;  // 410: disabled until the operator changes the URL
    std::string moved_to;  // permanent redirect seen: the operator should update the list
    std::uint64_t items_delivered = 0;
    // Average gap between new items, seconds (exponentially weighted); 0 = unknown.
    double publish_gap_seconds = 0;
    // The instance that polled it last (several instances share the feeds:
    // membership.hpp); empty before the first poll.
    std::string owner;

    friend bool operator==(const feed_state&, const feed_state&) = default;
};

std::string feed_state_key(const std::string& feed_id);  // "feedwire:feed:{id}"

std::vector<std::pair<std::string, std::string>> to_fields(const feed_state& state);
// Every field name to_fields() may write, so a save can HDEL the ones it
// leaves out (a default value is not written).
const std::vector<std::string>& feed_state_field_names();

// Unknown fields are ignored, malformed values fall back to defaults.
feed_state from_fields(const std::map<std::string, std::string>& fields);

// The state a poll should start from: when the operator changed the URL,
// everything learned about the old one (validators, moves, gone) is dropped.
feed_state state_for_url(feed_state stored, const std::string& configured_url);

// Of two saved states of one feed (the one in Redis and one kept in the
// state directory while Redis was away), whether `candidate` is the later:
// it records a later poll. Equal polls are one state saved twice.
bool is_newer_state(const feed_state& candidate, const feed_state& other);

}  // namespace feedwire::daemon
