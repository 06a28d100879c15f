// feedwired's service: one Boost.Asio io_context runs the scheduler's timer,
// every HTTP transfer (fetcher) and the Redis connection (redis_client,
// deliverer); parsing runs on a small worker pool so a large document never
// stalls polling. run() returns when the service stops (SIGTERM/SIGINT, or
// after one round with run_mode::once). SIGHUP rereads the configuration
// (reload.hpp); sd_notify goes through notify.hpp.
#pragma once

#include "feedwire/config/config.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace feedwire::daemon {

enum class run_mode {
    daemon,  // poll for ever, until a signal
    once,    // poll every enabled feed once, deliver, stop
};

struct service_options {
    run_mode mode = run_mode::daemon;
    std::size_t workers = 2;  // parse threads
    // First polls of a freshly started daemon are spread over this much time
    // (then per-host spacing applies), so thousands of feeds never fire in
    // one instant yet every feed is polled within seconds.
    std::chrono::milliseconds startup_spread{std::chrono::seconds{5}};
    // Most polls in flight at once, across all hosts.
    std::size_t max_polls_in_flight = 256;
    // Show a progress line on stderr (once mode on a terminal).
    bool show_progress = false;
    // How long to wait for Redis to hand back the feeds' saved state at start
    // before polling without it (Redis down at start must not stop polling).
    std::chrono::milliseconds state_load_timeout{std::chrono::seconds{3}};
    // SIGHUP (daemon mode) calls this on the event loop to read the
    // configuration again; nullopt (after logging why) keeps the running
    // one. Unset: a reload rereads nothing and keeps the running one.
    std::function<std::optional<config::configuration>()> reload_config;
};

// The outcome of one feed in a run, for --once's summary.
struct feed_report {
    std::string id;
    std::string url;
    bool ok = false;
    std::string error;  // when !ok
    std::size_t items_new = 0;
    std::size_t items_updated = 0;
};

struct run_summary {
    std::size_t feeds = 0;
    std::size_t polls = 0;
    std::size_t failed = 0;
    std::size_t items_delivered = 0;
    // Found in another feed's delivery: sightings, and near-duplicates
    // (delivered marked, or dropped).
    std::size_t items_duplicate = 0;
    std::size_t items_spooled = 0;  // written to the spool while Redis was away
    std::size_t spool_records = 0;  // left in the spool at exit
    std::vector<feed_report> failures;
    // Once mode's verdict: every feed fetched, and nothing left waiting.
    bool ok() const { return failed == 0 && spool_records == 0; }
};

class service {
public:
    service(config::configuration config, service_options options);
    ~service();
    service(const service&) = delete;
    service& operator=(const service&) = delete;

    // Runs until stopped; installs SIGINT/SIGTERM handlers for the duration.
    run_summary run();
    // Thread-safe: asks a running service to stop as SIGTERM would.
    void request_stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace feedwire::daemon
