// The pure steps between a fetch and a delivery: what request a feed's
// configuration and state make, what a fetch outcome means for the feed,
// and how its state moves once the items are in Redis. The service
// (service.cpp) only sequences these around the fetcher, the worker pool
// and the deliverer, so every branch here is unit-tested without a network.
//
// A feed's validators (ETag, Last-Modified, body hash) and its current URL
// advance only after its items are delivered (DESIGN.md, stream contract):
// a poll whose delivery failed is retried with the old validators, so the
// server sends the document again instead of a 304.
#pragma once

#include "feedwire/config/config.hpp"
#include "feedwire/daemon/deliver.hpp"
#include "feedwire/daemon/feed_state.hpp"
#include "feedwire/daemon/fetch.hpp"
#include "feedwire/daemon/schedule_policy.hpp"
#include "feedwire/feeds/item.hpp"

#include <chrono>
#include <string>

namespace feedwire::daemon {

// "feedwire/0.1.0 (+https://contact)" unless the feed or daemon sets one.
std::string user_agent_for(const config::daemon_config& daemon, const config::feed_config& feed);

fetch_request make_request(const config::feed_config& feed, const config::daemon_config& daemon,
                           const feed_state& state);

// The URL a poll goes to: the remembered permanent move, else the configured one.
const std::string& poll_url(const config::feed_config& feed, const feed_state& state);

enum class poll_verdict {
    fetched,       // a body to parse
    not_modified,  // 304
    failed,        // nothing usable; back off
    throttled,     // 429 / 503: honour Retry-After
    gone,          // 410: disabled until the URL changes
};

struct fetch_assessment {
    poll_verdict verdict = poll_verdict::failed;
    std::string error;  // "feed ID (URL): cause", empty unless failed/throttled/gone
};

fetch_assessment assess_fetch(const std::string& feed_id, const std::string& url,
                              const fetch_outcome& outcome);

// What the document says about its freshness (<ttl>, sy:*, skipHours/Days);
// kept between polls, since a 304 carries no document.
freshness_hints document_hints(const feeds::feed_info& document);

// The document's hints plus those of the response headers (Cache-Control,
// Expires, Retry-After).
freshness_hints hints_from(const fetch_outcome& outcome, freshness_hints document,
                           std::chrono::system_clock::time_point now);

// A poll failed (fetch, parse or delivery): count it and keep the reason.
// Returns true when this is a change worth an info/warn line (the first
// failure, or a different reason than last time).
bool record_failure(feed_state& state, std::string_view status, const std::string& error,
                    long http_status, std::chrono::system_clock::time_point now);

// 410 Gone: the feed is disabled with its reason.
void record_gone(feed_state& state, const std::string& error,
                 std::chrono::system_clock::time_point now);

// A poll succeeded: validators from the outcome, the permanent move (if
// any), counters. `status` is "ok", "not_modified" or "unchanged".
// Returns true when the feed recovered from failures (worth a log line).
bool record_success(feed_state& state, std::string_view status, const fetch_outcome& outcome,
                    const std::string& body_hash, const batch_summary& delivered,
                    std::chrono::system_clock::time_point now);

}  // namespace feedwire::daemon
