// Which feeds to poll now. A min-heap of due times per host and a heap of
// hosts by when each may start its next request, so taking the due feeds
// costs O(k log n) for k feeds started among n, at any n (NOTES.md 1, 13).
//
// Politeness is per host (NOTES.md 3): at most `per_host` polls of one host
// in flight, and at least `host_spacing` between two starts on one host.
// Time is passed in, never read: the service calls take_due() from one Asio
// timer armed at next_wakeup(); tests drive it with a fake clock.
#pragma once

#include "feedwire/daemon/clock.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::daemon {

struct scheduler_limits {
    std::size_t per_host = 2;
    std::chrono::milliseconds host_spacing{std::chrono::milliseconds{250}};
};

class scheduler {
public:
    explicit scheduler(scheduler_limits limits = {});
    ~scheduler();
    scheduler(scheduler&&) noexcept;
    scheduler& operator=(scheduler&&) noexcept;

    // Adds a feed (or moves an idle one to a new host/due time).
    void add(const std::string& feed_id, const std::string& host, steady_time due);
    // Removes a feed; a poll in flight may still call finished(), which is then ignored.
    void remove(const std::string& feed_id);
    bool contains(const std::string& feed_id) const;
    std::size_t size() const;
    std::size_t running() const;

    // Feeds due at `now` whose host has a free slot and whose spacing has
    // passed, earliest due first, at most `limit`; each is marked running.
    std::vector<std::string> take_due(steady_time now, std::size_t limit = SIZE_MAX);
    // A poll ended: the feed is idle again and due at `next_due`.
    void finished(const std::string& feed_id, steady_time now, steady_time next_due);
    // The earliest time take_due() could return a feed; nullopt when none
    // is waiting (all running, or no feeds).
    std::optional<steady_time> next_wakeup() const;
    // The due time of an idle feed.
    std::optional<steady_time> due_time(const std::string& feed_id) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// First poll times for a freshly started daemon: feed `index` of `count`
// spread evenly over `spread` from now, plus jitter in [0, 1) of one slot,
// so a thousand feeds never fire in one instant yet all are polled within
// seconds.
steady_time initial_due(steady_time now, std::size_t index, std::size_t count,
                        std::chrono::milliseconds spread, double jitter);

// The host part of a URL, lower-cased, with the port when not the default.
std::string host_of(std::string_view url);

}  // namespace feedwire::daemon
