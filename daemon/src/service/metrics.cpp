// The service's counters and the Prometheus text exposition format
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
#include "feedwire/daemon/metrics.hpp"

#include "feedwire/daemon/deliver.hpp"
#include "feedwire/daemon/fetch.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace feedwire::daemon {

histogram::histogram(std::vector<double> upper_bounds)
    : bounds(std::move(upper_bounds)), counts(bounds.size() + 1, 0) {}

void histogram::observe(double value) {
    const auto it = std::lower_bound(bounds.begin(), bounds.end(), value);
    ++counts[static_cast<std::size_t>(it - bounds.begin())];
    sum += value;
    ++count;
}

std::string http_status_class(long status) {
    if (status < 100 || status > 599) return "none";
    return std::to_string(status / 100) + "xx";
}

void service_metrics::on_fetched(const fetch_outcome& outcome) {
    ++http_responses[http_status_class(outcome.http_status)];
    bytes_fetched += outcome.bytes_received;
    fetch_seconds.observe(static_cast<double>(outcome.elapsed.count()) / 1e6);
}

void service_metrics::on_parsed(std::size_t items, std::size_t warnings,
                                std::chrono::nanoseconds took) {
    items_parsed += items;
    parse_warnings += warnings;
    parse_seconds.observe(std::chrono::duration<double>(took).count());
}

void service_metrics::on_timer_fired(std::chrono::nanoseconds late) {
    scheduler_lag_seconds.observe(
        std::chrono::duration<double>(std::max(late, late.zero())).count());
}

namespace {

std::int64_t hour_number(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::hours>(t.time_since_epoch()).count();
}

std::size_t hour_slot(std::int64_t hour) {
    return static_cast<std::size_t>(((hour % 24) + 24) % 24);
}

}  // namespace

void service_metrics::on_delivered(const batch_summary& s,
                                   std::chrono::system_clock::time_point now) {
    items_new += s.added + s.near_duplicates;
    items_updated += s.updated;
    duplicates += s.duplicates;
    near_duplicates_marked += s.near_duplicates;
    near_duplicates_dropped += s.near_dropped;
    delivery_failures += s.failed;
    const std::int64_t hour = hour_number(now);
    const std::size_t slot = hour_slot(hour);
    if (hour_of[slot] != hour) {
        hour_of[slot] = hour;
        per_hour[slot] = 0;
    }
    per_hour[slot] += s.added + s.near_duplicates + s.updated;
}

std::vector<std::uint64_t> service_metrics::last_day(
    std::chrono::system_clock::time_point now) const {
    const std::int64_t current = hour_number(now);
    std::vector<std::uint64_t> out;
    out.reserve(24);
    for (std::int64_t h = current - 23; h <= current; ++h) {
        const std::size_t slot = hour_slot(h);
        out.push_back(hour_of[slot] == h ? per_hour[slot] : 0);
    }
    return out;
}

void failing_first(std::vector<feed_status>& feeds) {
    std::stable_partition(feeds.begin(), feeds.end(),
                          [](const feed_status& f) { return f.is_failing(); });
}

std::size_t status_snapshot::failing_feeds() const {
    return static_cast<std::size_t>(
        std::count_if(feeds.begin(), feeds.end(),
                      [](const feed_status& f) { return f.enabled && f.is_failing(); }));
}

std::size_t status_snapshot::enabled_feeds() const {
    return static_cast<std::size_t>(
        std::count_if(feeds.begin(), feeds.end(), [](const feed_status& f) { return f.enabled; }));
}

// ---- Prometheus text -----------------------------------------------------

namespace {

std::string escape_text(std::string_view text, bool escape_quotes) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && escape_quotes) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::string prometheus_escape_label(std::string_view value) { return escape_text(value, true); }

std::string prometheus_escape_help(std::string_view text) { return escape_text(text, false); }

std::string prometheus_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc{}) return "NaN";
    return std::string(buffer, end);
}

void prometheus_writer::family(std::string_view name, std::string_view help,
                               std::string_view type) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += prometheus_escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void prometheus_writer::labels_and_value(std::string_view name, const metric_labels& labels,
                                         const std::string& value) {
    out_ += name;
    if (!labels.empty()) {
        out_ += '{';
        bool first = true;
        for (const auto& [key, label_value] : labels) {
            if (!first) out_ += ',';
            first = false;
            out_ += key;
            out_ += "=\"";
            out_ += prometheus_escape_label(label_value);
            out_ += '"';
        }
        out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
}

void prometheus_writer::sample(std::string_view name, const metric_labels& labels, double value) {
    labels_and_value(name, labels, prometheus_value(value));
}

void prometheus_writer::sample(std::string_view name, const metric_labels& labels,
                               std::uint64_t value) {
    labels_and_value(name, labels, std::to_string(value));
}

void prometheus_writer::write_histogram(std::string_view name, std::string_view help,
                                        const histogram& h) {
    family(name, help, "histogram");
    const std::string bucket = std::string(name) + "_bucket";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
        cumulative += h.counts[i];
        const std::string le = i < h.bounds.size() ? prometheus_value(h.bounds[i]) : "+Inf";
        sample(bucket, {{"le", le}}, cumulative);
    }
    sample(std::string(name) + "_sum", h.sum);
    sample(std::string(name) + "_count", h.count);
}

std::string render_metrics(const service_metrics& m, const status_snapshot& s) {
    prometheus_writer w;
    auto counter = [&w](std::string_view name, std::string_view help, std::uint64_t value) {
        w.family(name, help, "counter");
        w.sample(name, value);
    };
    auto gauge = [&w](std::string_view name, std::string_view help, double value) {
        w.family(name, help, "gauge");
        w.sample(name, value);
    };

    w.family("feedwire_polls_total",
             "Polls finished, by result (ok, not_modified, unchanged, or the failure).", "counter");
    for (const auto& [result, n] : m.polls)
        w.sample("feedwire_polls_total", {{"result", result}}, n);
    w.family("feedwire_http_responses_total",
             "Feed fetches by HTTP status class (none: no response arrived).", "counter");
    for (const auto& [cls, n] : m.http_responses)
        w.sample("feedwire_http_responses_total", {{"class", cls}}, n);
    counter("feedwire_fetched_bytes_total", "Feed body bytes received, after decoding.",
            m.bytes_fetched);
    counter("feedwire_items_parsed_total", "Items parsed from fetched feed documents.",
            m.items_parsed);
    counter("feedwire_parse_warnings_total",
            "Oddities the parser noted in fetched documents (logged at debug level).",
            m.parse_warnings);
    w.family("feedwire_items_delivered_total",
             "Items appended to Redis streams: new (near-duplicates marked included) and "
             "updated (revisions).",
             "counter");
    w.sample("feedwire_items_delivered_total", {{"kind", "new"}}, m.items_new);
    w.sample("feedwire_items_delivered_total", {{"kind", "updated"}}, m.items_updated);
    counter("feedwire_duplicates_total",
            "Items another feed delivered already, recorded as sightings.", m.duplicates);
    w.family("feedwire_near_duplicates_total",
             "Near-duplicates found: delivered marked with duplicate_of, or dropped.", "counter");
    w.sample("feedwire_near_duplicates_total", {{"action", "marked"}}, m.near_duplicates_marked);
    w.sample("feedwire_near_duplicates_total", {{"action", "dropped"}}, m.near_duplicates_dropped);
    counter("feedwire_delivery_failures_total", "Items given up on after every delivery attempt.",
            m.delivery_failures);
    w.write_histogram("feedwire_fetch_duration_seconds", "Time of each feed fetch.",
                      m.fetch_seconds);
    w.write_histogram("feedwire_parse_duration_seconds",
                      "Time to parse a fetched document and prepare its items, on a worker.",
                      m.parse_seconds);
    w.write_histogram("feedwire_scheduler_lag_seconds",
                      "How late the poll timer fired after its due time (event loop lag).",
                      m.scheduler_lag_seconds);

    gauge("feedwire_feeds", "Feeds enabled in the configuration.",
          static_cast<double>(s.enabled_feeds()));
    gauge("feedwire_feeds_failing", "Enabled feeds whose last poll failed, or that are gone.",
          static_cast<double>(s.failing_feeds()));
    gauge("feedwire_redis_connected", "1 when the Redis connection is up.",
          s.is_redis_connected ? 1.0 : 0.0);
    gauge("feedwire_redis_round_trip_seconds", "Round-trip time of the last Redis reply.",
          static_cast<double>(s.redis_round_trip.count()) / 1e6);
    gauge("feedwire_delivery_pending_items", "Items waiting for Redis in memory.",
          static_cast<double>(s.delivery_pending));
    gauge("feedwire_spool_bytes", "Bytes of spool records waiting for Redis.",
          static_cast<double>(s.spool_bytes));
    gauge("feedwire_spool_records", "Spool records waiting for Redis.",
          static_cast<double>(s.spool_records));
    counter("feedwire_spool_refused_total", "Commands the spool refused because it was full.",
            s.spool_refused_full);
    counter("feedwire_spool_write_errors_total", "Spool appends or syncs that failed.",
            s.spool_write_errors);
    counter("feedwire_spooled_items_total", "Items written to the spool while Redis was away.",
            s.spooled_items);
    counter("feedwire_spool_replayed_items_total", "Items replayed from the spool to Redis.",
            s.replayed_items);
    if (s.has_membership) {
        gauge("feedwire_instances_live",
              "Instances sharing the feeds through Redis that this one sees alive.",
              static_cast<double>(s.live_instances.size()));
        gauge("feedwire_hosts_owned", "Hosts whose lease this instance holds (it polls them).",
              static_cast<double>(s.hosts_owned));
        w.family("feedwire_instance_info", "This instance's id among those sharing the feeds.",
                 "gauge");
        w.sample("feedwire_instance_info", {{"instance", s.instance_id}}, std::uint64_t{1});
        w.family("feedwire_instance_live", "1 for every instance this one sees alive.", "gauge");
        for (const auto& id : s.live_instances)
            w.sample("feedwire_instance_live", {{"instance", id}}, std::uint64_t{1});
    }
    gauge("feedwire_start_time_seconds", "When the daemon started, seconds since the epoch.",
          static_cast<double>(
              std::chrono::duration_cast<std::chrono::seconds>(s.started.time_since_epoch())
                  .count()));
    return w.text();
}

}  // namespace feedwire::daemon
