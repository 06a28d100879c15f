// What the service counts for its HTTP endpoint (http_endpoint.hpp): a small
// registry of counters and histograms the service updates on its
// io_context thread, the snapshot of its state the endpoint reads, and the
// Prometheus text exposition format /metrics is served in. Pure: no I/O.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace feedwire::daemon {

struct batch_summary;
struct fetch_outcome;

// A Prometheus histogram with fixed upper bounds (seconds); counts are
// per bucket here and made cumulative when written.
struct histogram {
    std::vector<double> bounds;
    std::vector<std::uint64_t> counts;  // bounds.size() + 1: the last is +Inf
    double sum = 0;
    std::uint64_t count = 0;

    explicit histogram(std::vector<double> upper_bounds);
    void observe(double value);
};

// Counters since start. Updated by the service on the I/O thread, read by
// the endpoint on the same thread: no locking.
struct service_metrics {
    std::map<std::string, std::uint64_t> polls;           // by result (feed_state::last_status)
    std::map<std::string, std::uint64_t> http_responses;  // by class: 2xx .. 5xx, none
    std::uint64_t bytes_fetched = 0;
    std::uint64_t items_parsed = 0;
    std::uint64_t parse_warnings = 0;  // oddities the parser noted (logged at debug)
    std::uint64_t items_new = 0;       // added, and near-duplicates delivered marked
    std::uint64_t items_updated = 0;
    std::uint64_t duplicates = 0;  // cross-feed sightings
    std::uint64_t near_duplicates_marked = 0;
    std::uint64_t near_duplicates_dropped = 0;
    std::uint64_t delivery_failures = 0;  // items given up
    histogram fetch_seconds{{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}};
    histogram parse_seconds{{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5}};
    // How late the poll timer fired after the moment it was set for: a
    // busy or stalled loop shows here.
    histogram scheduler_lag_seconds{{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5}};
    // Items delivered (new and updated) per hour over the last day: slot
    // h % 24 holds hour h (hours since the epoch) when hour_of says so.
    std::array<std::uint64_t, 24> per_hour{};
    std::array<std::int64_t, 24> hour_of{};

    void on_fetched(const fetch_outcome& outcome);
    // A document parsed (or not: items 0) in `took` on a worker.
    void on_parsed(std::size_t items, std::size_t warnings, std::chrono::nanoseconds took);
    void on_timer_fired(std::chrono::nanoseconds late);
    void on_delivered(const batch_summary& s, std::chrono::system_clock::time_point now);
    void on_poll_finished(const std::string& result) { ++polls[result]; }
    // Delivered per hour, oldest first, the last entry being `now`'s hour.
    std::vector<std::uint64_t> last_day(std::chrono::system_clock::time_point now) const;
};

// "2xx" for 200 .. 299, and so on; "none" when no response arrived.
std::string http_status_class(long status);

// One feed as /feeds and the status page show it.
struct feed_status {
    std::string id;
    std::string url;
    bool enabled = true;
    std::chrono::system_clock::time_point last_poll{};  // epoch: never
    std::chrono::system_clock::time_point last_success{};
    std::chrono::system_clock::time_point next_poll{};
    std::string last_status;
    std::string last_error;
    std::uint32_t consecutive_errors = 0;
    bool is_gone = false;
    std::uint64_t items_delivered = 0;
    std::string owner;  // the instance that polled it last; empty: none yet

    bool is_failing() const { return is_gone || consecutive_errors > 0; }
};

// Failing feeds first, then the others, each group in the given order.
void failing_first(std::vector<feed_status>& feeds);

// Everything the endpoint reports that the service holds right now.
struct status_snapshot {
    bool is_stopping = false;
    bool is_redis_connected = false;
    std::string redis_address;
    std::chrono::microseconds redis_round_trip{0};
    bool has_spool = false;
    std::uint64_t spool_bytes = 0;
    std::uint64_t spool_records = 0;
    std::uint64_t spool_max_bytes = 0;
    std::uint64_t spool_refused_full = 0;
    std::uint64_t spool_write_errors = 0;
    std::uint64_t spooled_items = 0;
    std::uint64_t replayed_items = 0;
    std::uint64_t delivery_pending = 0;
    std::chrono::system_clock::time_point now{};
    std::chrono::system_clock::time_point started{};
    std::vector<feed_status> feeds;  // configuration order
    // Sharing the feeds (membership.hpp); has_membership is false in once mode.
    bool has_membership = false;
    std::string instance_id;
    std::vector<std::string> live_instances;
    std::size_t hosts_owned = 0;

    std::size_t failing_feeds() const;
    std::size_t enabled_feeds() const;
};

// ---- Prometheus text exposition format (version 0.0.4) -----------------

using metric_labels = std::vector<std::pair<std::string_view, std::string_view>>;

// Label values: backslash, double quote and line feed escaped.
std::string prometheus_escape_label(std::string_view value);
// HELP text: backslash and line feed escaped.
std::string prometheus_escape_help(std::string_view text);
// Integers as integers, NaN and infinities as Prometheus spells them.
std::string prometheus_value(double value);

class prometheus_writer {
public:
    // # HELP and # TYPE lines; type is counter, gauge or histogram.
    void family(std::string_view name, std::string_view help, std::string_view type);
    void sample(std::string_view name, const metric_labels& labels, double value);
    void sample(std::string_view name, const metric_labels& labels, std::uint64_t value);
    void sample(std::string_view name, double value) { sample(name, {}, value); }
    void sample(std::string_view name, std::uint64_t value) { sample(name, {}, value); }
    // The whole family: _bucket{le=...} (cumulative), _sum and _count.
    void write_histogram(std::string_view name, std::string_view help, const histogram& h);
    const std::string& text() const { return out_; }

private:
    void labels_and_value(std::string_view name, const metric_labels& labels,
                          const std::string& value);
    std::string out_;
};

// /metrics: every metric of the service (README lists them).
std::string render_metrics(const service_metrics& m, const status_snapshot& s);

}  // namespace feedwire::daemon
