// When a feed is polled next: pure functions of the poll's outcome, what
// the feed and the server said about freshness, and the configuration.
//
//   success:  clamp(max(base, <ttl>, sy:updatePeriod/Frequency,
//                       Cache-Control max-age, Expires - now), min, max)
//             + jitter (0-25 %), then moved out of skipHours/skipDays.
//             base is the configured interval, stretched (up to 4x) for a
//             feed that publishes far less often than it is polled.
//   429/503:  Retry-After (seconds or HTTP date) when given, honoured even
//             beyond max_interval up to 7 days; else as a failure.
//   failure:  exponential backoff from 1 minute, doubling per consecutive
//             error, capped at max(interval, min(max_interval, 6 h)), with
//             jitter. Never dropped: at the cap the feed keeps being probed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::daemon {

struct freshness_hints {
    std::optional<std::chrono::seconds> ttl;          // RSS <ttl>
    std::optional<std::chrono::seconds> sy_period;    // sy:updatePeriod / sy:updateFrequency
    std::optional<std::chrono::seconds> max_age;      // Cache-Control: max-age (or s-maxage)
    std::optional<std::chrono::seconds> expires_in;   // Expires - now, when in the future
    std::optional<std::chrono::seconds> retry_after;  // 429/503 Retry-After
    std::vector<std::uint32_t> skip_hours;            // 0..23 UTC
    std::vector<std::string> skip_days;               // "Monday" ...
};

enum class poll_kind { success, failure, throttled /* 429 or 503 */ };

struct schedule_input {
    poll_kind kind = poll_kind::success;
    std::uint32_t consecutive_errors = 0;  // including this poll when it failed
    freshness_hints hints;
    std::chrono::milliseconds interval{std::chrono::minutes{10}};
    std::chrono::milliseconds min_interval{std::chrono::minutes{1}};
    std::chrono::milliseconds max_interval{std::chrono::hours{24}};
    double publish_gap_seconds = 0;  // feed_state::publish_gap_seconds
    double jitter = 0;               // uniform in [0, 1): the caller's randomness
};

// Delay from now until the next poll. `now` is only used for skipHours/skipDays.
std::chrono::milliseconds next_poll_delay(const schedule_input& input,
                                          std::chrono::system_clock::time_point now);

// "120" or an IMF-fixdate / RFC 850 / asctime date; nullopt when neither or in the past.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);
// max-age (s-maxage preferred) from Cache-Control; nullopt with no-cache/no-store too.
std::optional<std::chrono::seconds> parse_max_age(std::string_view cache_control);
// Expires as a delay from now; nullopt when unparsable or past.
std::optional<std::chrono::seconds> parse_expires(std::string_view expires,
                                                  std::chrono::system_clock::time_point now);
// sy:updatePeriod + sy:updateFrequency to a period (hourly/2 = 30 min).
std::optional<std::chrono::seconds> sy_period(std::string_view update_period,
                                              std::optional<std::uint32_t> update_frequency);

// The exponentially weighted gap between new items after a poll that found
// `new_items` new items `since_last_new` after the previous one that did.
double update_publish_gap(double previous_gap_seconds, std::size_t new_items,
                          std::chrono::seconds since_last_new);

}  // namespace feedwire::daemon
