// /healthz, /feeds and the status page people read (/). Every string that
// comes from a feed or a server (URLs, errors) is escaped: a hostile feed
// must not inject markup into the page or break the JSON.
#include "feedwire/daemon/status_page.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace feedwire::daemon {

health assess_health(const status_snapshot& s) {
    if (s.is_stopping) return {false, "stopping"};
    if (s.is_redis_connected) return {true, "ok"};
    if (!s.has_spool) return {false, "redis " + s.redis_address + " not connected, and no spool"};
    if (s.spool_max_bytes > 0 && s.spool_bytes >= s.spool_max_bytes)
        return {false, "redis " + s.redis_address + " not connected, and the spool is full"};
    return {true, "ok (redis not connected; items go to the spool)"};
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string format_utc(std::chrono::system_clock::time_point t) {
    if (t == std::chrono::system_clock::time_point{}) return "";
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    if (gmtime_r(&secs, &tm) == nullptr) return "";
    char buffer[32];
    const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buffer, n);
}

namespace {

// "45s", "3m20s", "12m", "3h05m", "2d": what matters at that distance.
std::string span(std::chrono::seconds d) {
    const auto s = d.count();
    const auto two = [](long long n) { return (n < 10 ? "0" : "") + std::to_string(n); };
    if (s < 60) return std::to_string(s) + "s";
    if (s < 600) return std::to_string(s / 60) + "m" + (s % 60 != 0 ? two(s % 60) + "s" : "");
    if (s < 3600) return std::to_string(s / 60) + "m";
    if (s < 86400)
        return std::to_string(s / 3600) + "h" +
               ((s % 3600) / 60 != 0 ? two((s % 3600) / 60) + "m" : "");
    return std::to_string(s / 86400) + "d";
}

}  // namespace

std::string relative_time(std::chrono::system_clock::time_point t,
                          std::chrono::system_clock::time_point now) {
    if (t == std::chrono::system_clock::time_point{}) return "never";
    const auto d = std::chrono::duration_cast<std::chrono::seconds>(t - now);
    if (d == std::chrono::seconds{0}) return "now";
    return d < std::chrono::seconds{0} ? span(-d) + " ago" : "in " + span(d);
}

std::string status_text(const feed_status& f) {
    if (f.last_error.empty()) return f.last_status.empty() ? "-" : f.last_status;
    // The service's errors read "feed ID (URL): what happened"; the URL may
    // be a later one than the configured (a permanent move).
    const std::string prefix = "feed " + f.id + " (";
    if (f.last_error.rfind(prefix, 0) == 0) {
        const auto end = f.last_error.find("): ", prefix.size());
        if (end != std::string::npos && end + 3 < f.last_error.size())
            return f.last_error.substr(end + 3);
    }
    return f.last_error;
}

namespace {

nlohmann::json json_time(std::chrono::system_clock::time_point t) {
    const std::string s = format_utc(t);
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

std::string human_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    auto value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return buffer;
}

// A time cell: relative to the page's own time, the exact time on hover.
std::string html_time(std::chrono::system_clock::time_point t,
                      std::chrono::system_clock::time_point now) {
    if (t == std::chrono::system_clock::time_point{}) return "<td class=\"t\">never</td>";
    return "<td class=\"t\" title=\"" + format_utc(t) + "\">" + relative_time(t, now) + "</td>";
}

}  // namespace

std::string render_feeds_json(const status_snapshot& s) {
    std::vector<feed_status> feeds = s.feeds;
    failing_first(feeds);
    auto out = nlohmann::json::array();
    for (const auto& f : feeds) {
        out.push_back({
            {"id", f.id},
            {"url", f.url},
            {"enabled", f.enabled},
            {"failing", f.is_failing()},
            {"gone", f.is_gone},
            {"last_poll", json_time(f.last_poll)},
            {"last_success", json_time(f.last_success)},
            {"last_status", f.last_status},
            {"last_error",
             f.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.last_error)},
            {"consecutive_errors", f.consecutive_errors},
            {"next_poll", json_time(f.next_poll)},
            {"items_delivered", f.items_delivered},
            {"owner", f.owner.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.owner)},
        });
    }
    // A hostile feed's bytes need not be UTF-8: replaced, never thrown.
    return out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_status_page(const service_metrics& m, const status_snapshot& s,
                               std::string_view version) {
    std::vector<feed_status> feeds = s.feeds;
    failing_first(feeds);
    const health h = assess_health(s);
    std::uint64_t polls = 0;
    for (const auto& [result, n] : m.polls) polls += n;

    std::string out;
    out += R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30">
<title>feedwired status</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.4em;margin:0 0 .6em}h2{font-size:1.1em;margin:1.4em 0 .5em}
.cards{display:flex;flex-wrap:wrap;gap:.8em}
.card{flex:1 1 auto;white-space:nowrap;background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6em .9em}
.card b{display:block;font-size:1.5em}
.ok{color:#16794a}.bad{color:#b3261e}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e4e4e4;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0;white-space:nowrap}tr.failing td{background:#fdecea}
td:first-child,td.t{white-space:nowrap}
td.url{max-width:24em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-size:.92em}
td.err{overflow-wrap:anywhere;font-size:.92em}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{display:flex;align-items:flex-end;gap:2px;height:80px;border-bottom:1px solid #999;max-width:600px}
.chart div{flex:1;background:#4a78c2;min-height:1px}
.axis{display:flex;justify-content:space-between;max-width:600px;color:#666;font-size:.8em}
.small{color:#666;font-size:.9em}
</style></head><body>
)";
    out += "<h1>feedwired " + html_escape(version) + "</h1>\n";
    out += "<p class=\"" + std::string(h.is_ok ? "ok" : "bad") +
           "\">Health: " + html_escape(h.reason) + "</p>\n";
    out += "<div class=\"cards\">\n";
    auto card = [&out](std::string_view label, const std::string& value, const char* cls = "") {
        out += "<div class=\"card\"><b" +
               (*cls != '\0' ? " class=\"" + std::string(cls) + "\"" : std::string()) + ">" +
               html_escape(value) + "</b>" + html_escape(label) + "</div>\n";
    };
    card("feeds", std::to_string(s.enabled_feeds()));
    card("failing", std::to_string(s.failing_feeds()), s.failing_feeds() > 0 ? "bad" : "ok");
    card("polls", std::to_string(polls));
    card("items new", std::to_string(m.items_new));
    card("items updated", std::to_string(m.items_updated));
    card("duplicates", std::to_string(m.duplicates));
    card("near-duplicates", std::to_string(m.near_duplicates_marked + m.near_duplicates_dropped));
    card("fetched", human_bytes(m.bytes_fetched));
    out += "</div>\n";

    out += "<h2>Redis and spool</h2>\n<p>Redis " + html_escape(s.redis_address) + ": ";
    if (s.is_redis_connected) {
        char rtt[32];
        std::snprintf(rtt, sizeof rtt, "%.2f ms",
                      static_cast<double>(s.redis_round_trip.count()) / 1000.0);
        out += "<span class=\"ok\">connected</span>, round trip " + std::string(rtt);
    } else {
        out += "<span class=\"bad\">not connected</span>";
    }
    out += "<br>Spool: ";
    if (s.has_spool)
        out += std::to_string(s.spool_records) + " records (" + human_bytes(s.spool_bytes) +
               " of " + human_bytes(s.spool_max_bytes) + ") waiting, " +
               std::to_string(s.spool_refused_full) + " refused when full";
    else
        out += "<span class=\"bad\">unavailable</span>";
    out += "<br>Waiting in memory: " + std::to_string(s.delivery_pending) + " items</p>\n";

    const auto day = m.last_day(s.now);
    const std::uint64_t peak =
        std::max<std::uint64_t>(1, *std::max_element(day.begin(), day.end()));
    std::uint64_t day_total = 0;
    for (const auto n : day) day_total += n;
    out += "<h2>Items per hour, last 24 hours</h2>\n<div class=\"chart\">";
    for (const auto n : day) {
        const auto percent = static_cast<unsigned>((n * 100) / peak);
        out += "<div style=\"height:" + std::to_string(percent) + "%\" title=\"" +
               std::to_string(n) + "\"></div>";
    }
    out += "</div>\n<div class=\"axis\"><span>24 h ago</span><span>now</span></div>\n";
    out += "<p class=\"small\">" + std::to_string(day_total) +
           " items delivered since start in the last 24 hours (peak " + std::to_string(peak) +
           " per hour); the rightmost bar is the current hour.</p>\n";

    out +=
        "<h2>Feeds</h2>\n<table>\n<tr><th>Feed</th><th>URL</th><th>Last poll</th>"
        "<th>Last success</th><th>Next poll</th><th class=\"num\">Errors</th>"
        "<th class=\"num\">Items</th><th>Owner</th><th>Status</th></tr>\n";
    for (const auto& f : feeds) {
        out += f.is_failing() ? "<tr class=\"failing\">" : "<tr>";
        out += "<td>" + html_escape(f.id) + (f.enabled ? "" : " (disabled)") + "</td>";
        out += "<td class=\"url\" title=\"" + html_escape(f.url) + "\">" + html_escape(f.url) +
               "</td>";
        out += html_time(f.last_poll, s.now);
        out += html_time(f.last_success, s.now);
        out += f.is_gone ? std::string("<td class=\"t\">never (gone)</td>")
                         : html_time(f.next_poll, s.now);
        out += "<td class=\"num\">" + std::to_string(f.consecutive_errors) + "</td>";
        out += "<td class=\"num\">" + std::to_string(f.items_delivered) + "</td>";
        out += "<td>" + html_escape(f.owner.empty() ? "-" : f.owner) + "</td>";
        out += "<td class=\"err\">" + html_escape(status_text(f)) + "</td></tr>\n";
    }
    out += "</table>\n<p class=\"small\">Generated " + html_escape(format_utc(s.now)) +
           "; running since " + html_escape(format_utc(s.started)) +
           ". Also: <a href=\"/metrics\">/metrics</a>, <a href=\"/feeds\">/feeds</a>, "
           "<a href=\"/healthz\">/healthz</a>.</p>\n</body></html>\n";
    return out;
}

}  // namespace feedwire::daemon
