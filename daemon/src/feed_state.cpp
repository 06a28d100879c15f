// feed_state <-> Redis hash fields. Only fields that differ from their
// default are written, plus "v" (the format version), so the hash of a
// quiet feed stays a few dozen bytes (NOTES.md 13: state is O(1) per feed).
// Times are integer milliseconds since the Unix epoch: exact, compact, and
// readable by any consumer without a date parser. Reading never fails: a
// field that does not parse keeps its default, because a state written by
// a newer or broken version must not stop the feed from being polled.
// Validators are stored exactly as received (NOTES.md 6).
#include "feedwire/daemon/feed_state.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <system_error>

namespace feedwire::daemon {

namespace {

namespace chr = std::chrono;

constexpr std::string_view k_version = "1";

template <typename Int>
std::optional<Int> parse_int(std::string_view s) {
    Int value{};
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, value);
    if (ec != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

std::string format_double(double d) {
    // Shortest text that reads back as the same double.
    std::array<char, 32> buf{};
    const auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
    if (ec != std::errc{}) return "0";
    return std::string(buf.data(), ptr);
}

std::optional<double> parse_double(std::string_view s) {
    double value = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, value);
    if (ec != std::errc{} || ptr != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::int64_t to_millis(chr::system_clock::time_point t) {
    return chr::floor<chr::milliseconds>(t.time_since_epoch()).count();
}

std::optional<chr::system_clock::time_point> from_millis(std::string_view s) {
    const auto ms = parse_int<std::int64_t>(s);
    if (!ms) return std::nullopt;
    // system_clock counts nanoseconds in 64 bits: about +-292 years.
    constexpr auto limit = chr::duration_cast<chr::milliseconds>(
        chr::system_clock::duration::max() - chr::milliseconds{1});
    if (*ms > limit.count() || *ms < -limit.count()) return std::nullopt;
    return chr::system_clock::time_point{chr::milliseconds{*ms}};
}

}  // namespace

std::string feed_state_key(const std::string& feed_id) { return "feedwire:feed:{" + feed_id + "}"; }

const std::vector<std::string>& feed_state_field_names() {
    static const std::vector<std::string> names = {"v",
                                                   "configured_url",
                                                   "current_url",
                                                   "etag",
                                                   "last_modified",
                                                   "body_hash",
                                                   "last_poll",
                                                   "last_success",
                                                   "last_new_item",
                                                   "next_poll",
                                                   "last_status",
                                                   "last_error",
                                                   "last_http_status",
                                                   "consecutive_errors",
                                                   "is_gone",
                                                   "moved_to",
                                                   "items_delivered",
                                                   "publish_gap_seconds",
                                                   "owner"};
    return names;
}

std::vector<std::pair<std::string, std::string>> to_fields(const feed_state& state) {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(19);
    out.emplace_back("v", k_version);
    const auto text = [&out](const char* name, const std::string& value) {
        if (!value.empty()) out.emplace_back(name, value);
    };
    const auto time = [&out](const char* name, chr::system_clock::time_point t) {
        if (t != chr::system_clock::time_point{}) {
            out.emplace_back(name, std::to_string(to_millis(t)));
        }
    };
    text("configured_url", state.configured_url);
    text("current_url", state.current_url);
    text("etag", state.etag);
    text("last_modified", state.last_modified);
    text("body_hash", state.body_hash);
    time("last_poll", state.last_poll);
    time("last_success", state.last_success);
    time("last_new_item", state.last_new_item);
    time("next_poll", state.next_poll);
    text("last_status", state.last_status);
    text("last_error", state.last_error);
    if (state.last_http_status != 0) {
        out.emplace_back("last_http_status", std::to_string(state.last_http_status));
    }
    if (state.consecutive_errors != 0) {
        out.emplace_back("consecutive_errors", std::to_string(state.consecutive_errors));
    }
    if (state.is_gone) out.emplace_back("is_gone", "1");
    text("moved_to", state.moved_to);
    if (state.items_delivered != 0) {
        out.emplace_back("items_delivered", std::to_string(state.items_delivered));
    }
    // NaN or infinity would read back as garbage: an unknown gap is 0.
    if (state.publish_gap_seconds != 0 && std::isfinite(state.publish_gap_seconds)) {
        out.emplace_back("publish_gap_seconds", format_double(state.publish_gap_seconds));
    }
    text("owner", state.owner);
    return out;
}

feed_state from_fields(const std::map<std::string, std::string>& fields) {
    feed_state s;
    const auto get = [&fields](const char* name) -> const std::string* {
        auto it = fields.find(name);
        return it == fields.end() ? nullptr : &it->second;
    };
    const auto text = [&get](const char* name, std::string& into) {
        if (const auto* v = get(name)) into = *v;
    };
    const auto time = [&get](const char* name, chr::system_clock::time_point& into) {
        if (const auto* v = get(name)) {
            if (auto t = from_millis(*v)) into = *t;
        }
    };
    text("configured_url", s.configured_url);
    text("current_url", s.current_url);
    text("etag", s.etag);
    text("last_modified", s.last_modified);
    text("body_hash", s.body_hash);
    time("last_poll", s.last_poll);
    time("last_success", s.last_success);
    time("last_new_item", s.last_new_item);
    time("next_poll", s.next_poll);
    text("last_status", s.last_status);
    text("last_error", s.last_error);
    if (const auto* v = get("last_http_status")) {
        if (auto n = parse_int<long>(*v)) s.last_http_status = *n;
    }
    if (const auto* v = get("consecutive_errors")) {
        if (auto n = parse_int<std::uint32_t>(*v)) s.consecutive_errors = *n;
    }
    if (const auto* v = get("is_gone")) s.is_gone = *v == "1" || *v == "true";
    text("moved_to", s.moved_to);
    if (const auto* v = get("items_delivered")) {
        if (auto n = parse_int<std::uint64_t>(*v)) s.items_delivered = *n;
    }
    if (const auto* v = get("publish_gap_seconds")) {
        if (auto d = parse_double(*v); d && *d >= 0) s.publish_gap_seconds = *d;
    }
    text("owner", s.owner);
    return s;
}

feed_state state_for_url(feed_state stored, const std::string& configured_url) {
    if (!stored.configured_url.empty() && stored.configured_url != configured_url) {
        // What was learned about the old URL says nothing about the new one
        // (NOTES.md 7: a move or a 410 is the old URL's). Counters stay.
        stored.etag.clear();
        stored.last_modified.clear();
        stored.current_url.clear();
        stored.moved_to.clear();
        stored.is_gone = false;
        stored.body_hash.clear();
        stored.consecutive_errors = 0;
        stored.last_error.clear();
    }
    stored.configured_url = configured_url;
    return stored;
}

bool is_newer_state(const feed_state& candidate, const feed_state& other) {
    // Every save follows a poll, which sets last_poll; a state never saved
    // has none and loses to any saved one.
    return candidate.last_poll > other.last_poll;
}

}  // namespace feedwire::daemon
