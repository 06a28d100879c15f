// The polling policy, rule by rule (NOTES.md 2, 4, 5): the interval and
// what the feed and server say, the clamp, jitter, skipHours/skipDays
// across midnight and the week, Retry-After in both forms, backoff, and the
// header parsers. Wall-clock times are fixed UTC instants; jitter is passed
// in, so every expectation is exact.
#include "feedwire/daemon/schedule_policy.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;
namespace chr = std::chrono;
using ms = chr::milliseconds;
using chr::January;

// 2024-01-01 is a Monday.
chr::system_clock::time_point at(chr::year_month_day day, chr::hours h, chr::minutes m = 0min) {
    return chr::sys_days{day} + h + m;
}

const chr::system_clock::time_point monday_10 = at(2024y / January / 1, 10h);

schedule_input success(ms interval = 10min) {
    schedule_input in;
    in.kind = poll_kind::success;
    in.interval = interval;
    return in;
}

schedule_input failure(std::uint32_t errors) {
    schedule_input in;
    in.kind = poll_kind::failure;
    in.consecutive_errors = errors;
    return in;
}

// --- success ---------------------------------------------------------------------

TEST(SchedulePolicy, SuccessWaitsTheInterval) {
    EXPECT_EQ(next_poll_delay(success(), monday_10), ms{10min});
    EXPECT_EQ(next_poll_delay(success(2h), monday_10), ms{2h});
}

TEST(SchedulePolicy, FreshnessHintsLengthenTheDelay) {
    auto in = success();
    in.hints.ttl = 30min;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{30min});
    in.hints.sy_period = 1h;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{1h});
    in.hints.max_age = 2h;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{2h});
    in.hints.expires_in = 3h;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{3h});
}

TEST(SchedulePolicy, FreshnessHintsNeverShortenTheInterval) {
    auto in = success(1h);
    in.hints.ttl = 1min;
    in.hints.max_age = 0s;
    in.hints.expires_in = 5s;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{1h});
}

TEST(SchedulePolicy, ClampsToMaxInterval) {
    auto in = success();
    in.hints.ttl = chr::days{7};
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{24h});
    in.max_interval = 6h;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{6h});
    in.hints.ttl = chr::seconds{std::numeric_limits<std::int64_t>::max() / 2};  // no overflow
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{6h});
}

TEST(SchedulePolicy, ClampsToMinInterval) {
    auto in = success(10s);
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{1min});
    in.min_interval = 5min;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{5min});
}

TEST(SchedulePolicy, MinAboveMaxMeansMin) {
    auto in = success();
    in.min_interval = 2h;
    in.max_interval = 1h;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{2h});
}

TEST(SchedulePolicy, JitterAddsUpToAQuarter) {
    auto in = success(40min);
    in.jitter = 0.5;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{45min});
    in.jitter = 0.999999;
    const ms most = next_poll_delay(in, monday_10);
    EXPECT_GT(most, ms{49min});
    EXPECT_LE(most, ms{50min});
    for (double odd : {-1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
        in.jitter = odd;
        const ms d = next_poll_delay(in, monday_10);
        EXPECT_GE(d, ms{40min}) << odd;
        EXPECT_LE(d, ms{50min}) << odd;
    }
}

TEST(SchedulePolicy, JitterComesAfterTheClamp) {
    auto in = success();
    in.hints.ttl = chr::days{3};
    in.jitter = 0.5;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{27h});
}

TEST(SchedulePolicy, SlowPublishersArePolledLessOften) {
    auto in = success(10min);
    in.publish_gap_seconds = 3600;  // one item an hour: half of it
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{30min});
    in.publish_gap_seconds = 86400;  // one a day: at most four intervals
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{40min});
    in.publish_gap_seconds = 1200;  // not much larger than the interval
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{10min});
    in.publish_gap_seconds = 0;  // unknown
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{10min});
    in.publish_gap_seconds = std::nan("");
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{10min});
}

TEST(SchedulePolicy, StretchedBaseIsStillClamped) {
    auto in = success(10h);
    in.publish_gap_seconds = 10 * 86400.0;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{24h});
}

// --- skipHours / skipDays ----------------------------------------------------------------

TEST(SchedulePolicy, SkipHoursMoveToTheNextFreeHour) {
    auto in = success(1h);
    in.hints.skip_hours = {11, 12};
    EXPECT_EQ(monday_10 + next_poll_delay(in, monday_10), at(2024y / January / 1, 13h));
}

TEST(SchedulePolicy, TimesOutsideSkipHoursStay) {
    auto in = success(1h);
    in.hints.skip_hours = {3, 4};
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{1h});
}

TEST(SchedulePolicy, SkipHoursCrossMidnight) {
    auto in = success(1h);
    in.hints.skip_hours = {23, 0, 1};
    const auto now = at(2024y / January / 1, 22h, 30min);
    EXPECT_EQ(now + next_poll_delay(in, now), at(2024y / January / 2, 2h));
}

TEST(SchedulePolicy, SkipHoursCrossTheYear) {
    auto in = success(1h);
    in.hints.skip_hours = {0, 1, 2, 3, 4, 5};
    const auto now = at(2023y / chr::December / 31, 23h, 30min);
    EXPECT_EQ(now + next_poll_delay(in, now), at(2024y / January / 1, 6h));
}

TEST(SchedulePolicy, SkipDaysCrossTheWeek) {
    auto in = success(1h);
    in.hints.skip_days = {"Sunday", "Monday"};
    const auto saturday_late = at(2024y / January / 6, 23h, 30min);
    EXPECT_EQ(saturday_late + next_poll_delay(in, saturday_late), at(2024y / January / 9, 0h));
}

TEST(SchedulePolicy, SkipHoursAndDaysTogether) {
    auto in = success(1h);
    in.hints.skip_days = {"Saturday", "Sunday"};
    in.hints.skip_hours = {0, 1, 2, 3, 4, 5, 6, 7};
    const auto friday_evening = at(2024y / January / 5, 23h, 30min);
    EXPECT_EQ(friday_evening + next_poll_delay(in, friday_evening), at(2024y / January / 8, 8h));
}

TEST(SchedulePolicy, SkipDayNamesAreCaseInsensitiveAndUnknownOnesIgnored) {
    auto in = success(1h);
    in.hints.skip_days = {" monday ", "FUNDAY", ""};
    EXPECT_EQ(monday_10 + next_poll_delay(in, monday_10), at(2024y / January / 2, 0h));
}

TEST(SchedulePolicy, SkipHour24IsMidnight) {
    auto in = success(1h);
    in.hints.skip_hours = {24, 99};
    const auto now = at(2024y / January / 1, 23h, 15min);
    EXPECT_EQ(now + next_poll_delay(in, now), at(2024y / January / 2, 1h));
}

TEST(SchedulePolicy, EverySkippedHourOrDayIsIgnored) {
    auto in = success(1h);
    for (std::uint32_t h = 0; h < 24; ++h) in.hints.skip_hours.push_back(h);
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{1h});
    in.hints.skip_hours.clear();
    in.hints.skip_days = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                          "Friday", "Saturday", "Sunday"};
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{1h});
    // A full list is ignored, the other still counts.
    in.hints.skip_hours = {11};
    EXPECT_EQ(monday_10 + next_poll_delay(in, monday_10), at(2024y / January / 1, 12h));
}

TEST(SchedulePolicy, FeedsLeavingASkippedHourSpreadOverItsFirstQuarter) {
    auto in = success(1h);
    in.hints.skip_hours = {11};
    in.jitter = 0.5;  // 1 h * 1.125 = 11:07:30, skipped
    EXPECT_EQ(monday_10 + next_poll_delay(in, monday_10), at(2024y / January / 1, 12h, 7min) + 30s);
    in.jitter = 0.999;
    const auto t = monday_10 + next_poll_delay(in, monday_10);
    EXPECT_GE(t, at(2024y / January / 1, 12h));
    EXPECT_LE(t, at(2024y / January / 1, 12h, 15min));
}

// --- throttled (NOTES.md 4) ----------------------------------------------------------------

TEST(SchedulePolicy, RetryAfterIsHonouredExactly) {
    schedule_input in;
    in.kind = poll_kind::throttled;
    in.hints.retry_after = 2h;
    in.jitter = 0.9;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{2h});
}

TEST(SchedulePolicy, RetryAfterBeyondMaxIntervalIsHonouredUpToAWeek) {
    schedule_input in;
    in.kind = poll_kind::throttled;
    in.max_interval = 24h;
    in.hints.retry_after = 48h;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{48h});
    in.hints.retry_after = chr::days{30};
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{chr::days{7}});
}

TEST(SchedulePolicy, RetryAfterBelowMinIntervalIsFlooredAtASecond) {
    schedule_input in;
    in.kind = poll_kind::throttled;
    in.min_interval = 5min;
    in.hints.retry_after = 30s;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{30s});
    in.hints.retry_after = 0s;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{1s});
}

TEST(SchedulePolicy, ThrottledWithoutRetryAfterBacksOff) {
    schedule_input in;
    in.kind = poll_kind::throttled;
    in.consecutive_errors = 3;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{4min});
}

// --- failure (NOTES.md 5) -----------------------------------------------------------------

TEST(SchedulePolicy, BackoffDoublesFromAMinute) {
    EXPECT_EQ(next_poll_delay(failure(1), monday_10), ms{1min});
    EXPECT_EQ(next_poll_delay(failure(2), monday_10), ms{2min});
    EXPECT_EQ(next_poll_delay(failure(3), monday_10), ms{4min});
    EXPECT_EQ(next_poll_delay(failure(6), monday_10), ms{32min});
    EXPECT_EQ(next_poll_delay(failure(0), monday_10), ms{1min});  // read as the first
}

TEST(SchedulePolicy, BackoffIsCappedAtSixHoursAndNeverStops) {
    EXPECT_EQ(next_poll_delay(failure(9), monday_10), ms{256min});
    EXPECT_EQ(next_poll_delay(failure(10), monday_10), ms{6h});
    EXPECT_EQ(next_poll_delay(failure(64), monday_10), ms{6h});
    EXPECT_EQ(next_poll_delay(failure(std::numeric_limits<std::uint32_t>::max()), monday_10),
              ms{6h});
}

TEST(SchedulePolicy, BackoffCapFollowsTheConfiguration) {
    auto in = failure(30);
    in.max_interval = 2h;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{2h});
    in.interval = 12h;  // never retried more rarely than polled
    in.max_interval = 24h;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{12h});
}

TEST(SchedulePolicy, BackoffJitterStaysWithinAQuarter) {
    auto in = failure(3);
    in.jitter = 0.5;
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{4min + 30s});
    in = failure(40);
    in.jitter = 0.999999;
    const ms d = next_poll_delay(in, monday_10);
    EXPECT_GT(d, ms{6h});
    EXPECT_LE(d, ms{6h} + ms{90min});
}

TEST(SchedulePolicy, FailuresIgnoreSkipHours) {
    auto in = failure(1);
    in.hints.skip_hours = {10};
    EXPECT_EQ(next_poll_delay(in, monday_10), ms{1min});
}

// --- Retry-After and Expires ------------------------------------------------------------------

TEST(SchedulePolicy, ParsesRetryAfterSeconds) {
    EXPECT_EQ(parse_retry_after("120", monday_10), 120s);
    EXPECT_EQ(parse_retry_after(" 120\t", monday_10), 120s);
    EXPECT_EQ(parse_retry_after("0", monday_10), 0s);
    EXPECT_EQ(parse_retry_after("99999999999999999999999", monday_10), 2147483648s);
}

TEST(SchedulePolicy, RejectsBadRetryAfter) {
    for (const char* bad : {"", "  ", "-1", "abc", "12a", "1.5", "+5", "0x10", "soon"}) {
        EXPECT_EQ(parse_retry_after(bad, monday_10), std::nullopt) << bad;
    }
}

TEST(SchedulePolicy, ParsesRetryAfterInEveryHttpDateForm) {
    const auto now = at(2024y / January / 1, 0h);
    EXPECT_EQ(parse_retry_after("Mon, 01 Jan 2024 00:02:00 GMT", now), 120s);     // IMF-fixdate
    EXPECT_EQ(parse_retry_after("Monday, 01-Jan-24 00:02:00 GMT", now), 120s);    // RFC 850
    EXPECT_EQ(parse_retry_after("Mon Jan  1 00:02:00 2024", now), 120s);          // asctime
    EXPECT_EQ(parse_retry_after("Wed, 03 Jan 2024 00:00:00 GMT", now), 172800s);  // 2 days
    EXPECT_EQ(parse_retry_after("Sun, 31 Dec 2023 23:00:00 GMT", now), std::nullopt);  // past
}

TEST(SchedulePolicy, RetryAfterDateIsRoundedUp) {
    const auto now = at(2024y / January / 1, 0h) + 400ms;
    EXPECT_EQ(parse_retry_after("Mon, 01 Jan 2024 00:00:10 GMT", now), 10s);
}

TEST(SchedulePolicy, ParsesExpires) {
    const auto now = at(2024y / January / 1, 0h);
    EXPECT_EQ(parse_expires("Mon, 01 Jan 2024 01:00:00 GMT", now), 3600s);
    EXPECT_EQ(parse_expires("Sun, 31 Dec 2023 23:00:00 GMT", now), std::nullopt);
    EXPECT_EQ(parse_expires("Mon, 01 Jan 2024 00:00:00 GMT", now), std::nullopt);
    EXPECT_EQ(parse_expires("0", now), std::nullopt);
    EXPECT_EQ(parse_expires("-1", now), std::nullopt);
    EXPECT_EQ(parse_expires("", now), std::nullopt);
}

// --- Cache-Control -----------------------------------------------------------------------------

TEST(SchedulePolicy, ParsesMaxAge) {
    EXPECT_EQ(parse_max_age("max-age=300"), 300s);
    EXPECT_EQ(parse_max_age("public, max-age=300"), 300s);
    EXPECT_EQ(parse_max_age("Public,MAX-AGE=300 , must-revalidate"), 300s);
    EXPECT_EQ(parse_max_age("max-age=\"60\""), 60s);
    EXPECT_EQ(parse_max_age("max-age=0"), 0s);
    EXPECT_EQ(parse_max_age("max-age=99999999999999999999"), 2147483648s);
}

TEST(SchedulePolicy, PrefersSMaxage) {
    EXPECT_EQ(parse_max_age("max-age=300, s-maxage=600"), 600s);
    EXPECT_EQ(parse_max_age("s-maxage=60, max-age=300"), 60s);
    EXPECT_EQ(parse_max_age("s-maxage=bad, max-age=300"), 300s);
}

TEST(SchedulePolicy, NoCacheAndNoStoreMeanNoMaxAge) {
    EXPECT_EQ(parse_max_age("no-cache, max-age=60"), std::nullopt);
    EXPECT_EQ(parse_max_age("max-age=60, NO-STORE"), std::nullopt);
    EXPECT_EQ(parse_max_age("no-cache"), std::nullopt);
    // RFC 9111 5.2.2.4: a qualified no-cache names fields, not the response.
    EXPECT_EQ(parse_max_age("no-cache=\"Set-Cookie, X-Id\", max-age=60"), 60s);
}

TEST(SchedulePolicy, ToleratesBadCacheControl) {
    for (const char* bad : {"", "public", "max-age", "max-age=", "max-age=-5", "max-age=1.5",
                            "max-age=abc", ",,,", "\"max-age=60", "max-age=\""}) {
        EXPECT_EQ(parse_max_age(bad), std::nullopt) << bad;
    }
}

// --- sy:updatePeriod ---------------------------------------------------------------------------

TEST(SchedulePolicy, SyPeriodDividesByFrequency) {
    EXPECT_EQ(sy_period("hourly", std::nullopt), 1h);
    EXPECT_EQ(sy_period("hourly", 2U), 30min);
    EXPECT_EQ(sy_period("daily", 1U), 24h);
    EXPECT_EQ(sy_period("weekly", std::nullopt), chr::days{7});
    EXPECT_EQ(sy_period("monthly", std::nullopt), chr::days{30});
    EXPECT_EQ(sy_period("yearly", 365U), chr::days{1});
    EXPECT_EQ(sy_period(" Daily\n", 4U), 6h);
    EXPECT_EQ(sy_period("hourly", 0U), 1h);  // 0 read as 1
    EXPECT_EQ(sy_period("hourly", 1'000'000U), 1s);
    EXPECT_EQ(sy_period("fortnightly", 1U), std::nullopt);
    EXPECT_EQ(sy_period("", std::nullopt), std::nullopt);
}

// --- publish gap -------------------------------------------------------------------------------

TEST(SchedulePolicy, PublishGapIsAnExponentialAverage) {
    double gap = update_publish_gap(0, 2, 3600s);
    EXPECT_DOUBLE_EQ(gap, 1800);  // the first observation, as is
    gap = update_publish_gap(gap, 1, 600s);
    EXPECT_DOUBLE_EQ(gap, 0.3 * 600 + 0.7 * 1800);
    EXPECT_DOUBLE_EQ(update_publish_gap(gap, 0, 600s), gap);  // no new items, no sample
    EXPECT_DOUBLE_EQ(update_publish_gap(gap, 3, 0s), gap);
    EXPECT_DOUBLE_EQ(update_publish_gap(gap, 3, -10s), gap);
}

TEST(SchedulePolicy, PublishGapIsCappedAtThirtyDays) {
    EXPECT_DOUBLE_EQ(update_publish_gap(0, 1, chr::days{400}), 30 * 86400.0);
    EXPECT_DOUBLE_EQ(update_publish_gap(30 * 86400.0, 1, chr::days{400}), 30 * 86400.0);
}

TEST(SchedulePolicy, GarbagePublishGapIsUnknown) {
    EXPECT_DOUBLE_EQ(update_publish_gap(std::nan(""), 1, 100s), 100);
    EXPECT_DOUBLE_EQ(update_publish_gap(-5, 1, 100s), 100);
    EXPECT_DOUBLE_EQ(update_publish_gap(std::numeric_limits<double>::infinity(), 1, 100s), 100);
}

}  // namespace
}  // namespace feedwire::daemon
