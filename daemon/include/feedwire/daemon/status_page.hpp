// /healthz, /feeds and the status page (/) of the HTTP endpoint, rendered
// from a status_snapshot. Every string a feed or its server supplies is
// escaped. Pure: no I/O.
#pragma once

#include "feedwire/daemon/metrics.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace feedwire::daemon {

struct health {
    bool is_ok = false;
    std::string reason;  // "ok", or why not
};
health assess_health(const status_snapshot& s);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);
// RFC 3339 UTC, seconds ("2026-11-27T08:00:00Z"); "" for the epoch.
std::string format_utc(std::chrono::system_clock::time_point t);

// How far `t` is from `now` for people: "45s ago", "in 3m", "in 1h05m",
// "2d ago", "now"; "never" for the epoch (a time never set).
std::string relative_time(std::chrono::system_clock::time_point t,
                          std::chrono::system_clock::time_point now);
// A feed's status in a few words: its last error without the "feed ID (URL): "
// that log lines start with (the table shows both), or its last status.
std::string status_text(const feed_status& f);

// /feeds: a JSON array, failing feeds first.
std::string render_feeds_json(const status_snapshot& s);
// /: the status page, HTML and CSS, no scripts.
std::string render_status_page(const service_metrics& m, const status_snapshot& s,
                               std::string_view version);

}  // namespace feedwire::daemon
