// Pure transitions of one poll; see pipeline.hpp.
#include "feedwire/daemon/pipeline.hpp"

#include <algorithm>

namespace feedwire::daemon {

std::string user_agent_for(const config::daemon_config& daemon, const config::feed_config& feed) {
    if (!feed.user_agent.empty()) return feed.user_agent;
    if (!daemon.user_agent.empty()) return daemon.user_agent;
    std::string ua = "feedwire/" FEEDWIRE_VERSION;
    if (!daemon.contact_url.empty()) ua += " (+" + daemon.contact_url + ")";
    return ua;
}

const std::string& poll_url(const config::feed_config& feed, const feed_state& state) {
    return state.current_url.empty() ? feed.url : state.current_url;
}

fetch_request make_request(const config::feed_config& feed, const config::daemon_config& daemon,
                           const feed_state& state) {
    fetch_request r;
    r.feed_id = feed.id;
    r.url = poll_url(feed, state);
    r.etag = state.etag;
    r.last_modified = state.last_modified;
    r.total_timeout = feed.timeout;
    // Connecting never needs more than a third of the whole budget, and
    // 15 s is the upper end of what peers use (NOTES.md 10).
    r.connect_timeout = std::min<std::chrono::milliseconds>(feed.timeout, std::chrono::seconds{15});
    r.max_body = feed.max_body;
    r.headers = feed.headers;
    r.user_agent = user_agent_for(daemon, feed);
    r.allow_private_networks = daemon.allow_private_networks;
    return r;
}

namespace {

std::string prefix(const std::string& feed_id, const std::string& url) {
    return "feed " + feed_id + " (" + url + "): ";
}

}  // namespace

fetch_assessment assess_fetch(const std::string& feed_id, const std::string& url,
                              const fetch_outcome& outcome) {
    fetch_assessment a;
    switch (outcome.status) {
        case fetch_status::ok:
            a.verdict = poll_verdict::fetched;
            return a;
        case fetch_status::not_modified:
            a.verdict = poll_verdict::not_modified;
            return a;
        case fetch_status::http_error:
            if (outcome.http_status == 410) {
                a.verdict = poll_verdict::gone;
                a.error = prefix(feed_id, url) +
                          "410 Gone: the publisher removed the feed; polling stops until its URL "
                          "changes in the configuration";
                return a;
            }
            a.verdict = (outcome.http_status == 429 || outcome.http_status == 503)
                            ? poll_verdict::throttled
                            : poll_verdict::failed;
            a.error = prefix(feed_id, url) + "HTTP " + std::to_string(outcome.http_status);
            if (!outcome.error.empty()) a.error += ": " + outcome.error;
            if (a.verdict == poll_verdict::throttled && !outcome.retry_after.empty())
                a.error += " (Retry-After: " + outcome.retry_after + ")";
            return a;
        case fetch_status::blocked:
            a.verdict = poll_verdict::failed;
            a.error = prefix(feed_id, url) + "blocked by the publisher's bot protection (HTTP " +
                      std::to_string(outcome.http_status) +
                      "); this is not a broken feed: ask the publisher to allow this client";
            if (!outcome.error.empty()) a.error += " (" + outcome.error + ")";
            return a;
        default:
            break;
    }
    a.verdict = poll_verdict::failed;
    a.error = prefix(feed_id, url) + to_string(outcome.status);
    if (!outcome.error.empty()) a.error += ": " + outcome.error;
    return a;
}

freshness_hints document_hints(const feeds::feed_info& document) {
    freshness_hints h;
    if (document.ttl_minutes && *document.ttl_minutes > 0)
        h.ttl = std::chrono::minutes{*document.ttl_minutes};
    if (!document.update_period.empty() || document.update_frequency)
        h.sy_period = sy_period(document.update_period, document.update_frequency);
    h.skip_hours = document.skip_hours;
    h.skip_days = document.skip_days;
    return h;
}

freshness_hints hints_from(const fetch_outcome& outcome, freshness_hints document,
                           std::chrono::system_clock::time_point now) {
    freshness_hints h = std::move(document);
    if (!outcome.cache_control.empty()) h.max_age = parse_max_age(outcome.cache_control);
    if (!outcome.expires.empty()) h.expires_in = parse_expires(outcome.expires, now);
    if (!outcome.retry_after.empty()) h.retry_after = parse_retry_after(outcome.retry_after, now);
    return h;
}

bool record_failure(feed_state& state, std::string_view status, const std::string& error,
                    long http_status, std::chrono::system_clock::time_point now) {
    const bool is_change = state.consecutive_errors == 0 || state.last_error != error;
    state.last_poll = now;
    state.last_status = std::string(status);
    state.last_error = error;
    state.last_http_status = http_status;
    ++state.consecutive_errors;
    return is_change;
}

void record_gone(feed_state& state, const std::string& error,
                 std::chrono::system_clock::time_point now) {
    record_failure(state, "gone", error, 410, now);
    state.is_gone = true;
}

bool record_success(feed_state& state, std::string_view status, const fetch_outcome& outcome,
                    const std::string& body_hash, const batch_summary& delivered,
                    std::chrono::system_clock::time_point now) {
    const bool recovered = state.consecutive_errors > 0;
    state.last_poll = now;
    state.last_success = now;
    state.last_status = std::string(status);
    state.last_error.clear();
    state.last_http_status = outcome.http_status;
    state.consecutive_errors = 0;
    // A 304 may carry fresh validators (NOTES.md 6); keep the old ones otherwise.
    if (!outcome.etag.empty()) state.etag = outcome.etag;
    if (!outcome.last_modified.empty()) state.last_modified = outcome.last_modified;
    if (!body_hash.empty()) state.body_hash = body_hash;
    if (outcome.is_permanent_redirect && !outcome.effective_url.empty()) {
        state.current_url = outcome.effective_url;
        state.moved_to = outcome.effective_url;
    }
    const std::size_t fresh = delivered.added + delivered.updated + delivered.near_duplicates;
    state.items_delivered += fresh;
    if (delivered.added > 0) {
        if (state.last_new_item != std::chrono::system_clock::time_point{}) {
            const auto since =
                std::chrono::duration_cast<std::chrono::seconds>(now - state.last_new_item);
            state.publish_gap_seconds =
                update_publish_gap(state.publish_gap_seconds, delivered.added, since);
        }
        state.last_new_item = now;
    }
    return recovered;
}

}  // namespace feedwire::daemon
