// The scheduler against a fake clock: politeness per host (NOTES.md 3),
// due order, the life of a feed through add/take/finish/remove, the
// wake-up time the service arms its timer with, and scale (NOTES.md 1, 13).
// A randomized test replays long operation sequences against a small
// brute-force model of the same rules.
#include "feedwire/daemon/scheduler.hpp"

#include "support/fake_clock.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const steady_time t0 = test::fake_clock::default_steady_start;

scheduler make(std::size_t per_host, std::chrono::milliseconds spacing) {
    return scheduler{scheduler_limits{per_host, spacing}};
}

// --- host_of ------------------------------------------------------------------

TEST(HostOf, LowerCasesTheHost) {
    EXPECT_EQ(host_of("HTTPS://Example.COM/Feed.xml"), "example.com");
    EXPECT_EQ(host_of("https://example.com"), "example.com");
    EXPECT_EQ(host_of("https://example.com?x=1"), "example.com");
    EXPECT_EQ(host_of("https://example.com#frag"), "example.com");
}

TEST(HostOf, DropsOnlyTheSchemesDefaultPort) {
    EXPECT_EQ(host_of("http://example.com:80/rss"), "example.com");
    EXPECT_EQ(host_of("https://example.com:443/rss"), "example.com");
    EXPECT_EQ(host_of("https://example.com:0443/rss"), "example.com");
    EXPECT_EQ(host_of("http://example.com:8080/rss"), "example.com:8080");
    EXPECT_EQ(host_of("http://example.com:443/rss"), "example.com:443");
    EXPECT_EQ(host_of("https://example.com:80/rss"), "example.com:80");
    EXPECT_EQ(host_of("https://example.com:/rss"), "example.com");
}

TEST(HostOf, KeepsIpv6Brackets) {
    EXPECT_EQ(host_of("https://[2001:DB8::1]:8443/feed"), "[2001:db8::1]:8443");
    EXPECT_EQ(host_of("http://[::1]/feed"), "[::1]");
    EXPECT_EQ(host_of("http://[::1]:80/feed"), "[::1]");
}

TEST(HostOf, IgnoresUserInfoAndTrailingDot) {
    EXPECT_EQ(host_of("http://user:p%40ss@Host.Example:81/x"), "host.example:81");
    EXPECT_EQ(host_of("https://example.com./feed"), "example.com");
}

TEST(HostOf, OneHostForEveryPathOnIt) {
    EXPECT_EQ(host_of("https://news.example/a"), host_of("https://NEWS.example:443/b?c"));
}

// --- due order and limits -------------------------------------------------------

TEST(Scheduler, NothingIsTakenBeforeItIsDue) {
    auto s = make(2, 0ms);
    s.add("a", "a.example", t0 + 1s);
    EXPECT_THAT(s.take_due(t0), IsEmpty());
    EXPECT_THAT(s.take_due(t0 + 999ms), IsEmpty());
    EXPECT_EQ(s.next_wakeup(), t0 + 1s);
    EXPECT_THAT(s.take_due(t0 + 1s), ElementsAre("a"));
}

TEST(Scheduler, TakesDueFeedsInDueOrderAcrossHosts) {
    auto s = make(2, 0ms);
    s.add("c", "c.example", t0 + 3s);
    s.add("a", "a.example", t0 + 1s);
    s.add("d", "d.example", t0 + 10s);
    s.add("b", "b.example", t0 + 2s);
    EXPECT_THAT(s.take_due(t0 + 5s), ElementsAre("a", "b", "c"));
    EXPECT_EQ(s.running(), 3U);
    EXPECT_EQ(s.next_wakeup(), t0 + 10s);
}

TEST(Scheduler, TakesDueFeedsInDueOrderWithinAHost) {
    auto s = make(10, 0ms);
    s.add("late", "h", t0 + 3s);
    s.add("early", "h", t0 + 1s);
    s.add("middle", "h", t0 + 2s);
    EXPECT_THAT(s.take_due(t0 + 3s), ElementsAre("early", "middle", "late"));
}

TEST(Scheduler, EqualDueTimesAreFirstComeFirstServed) {
    auto s = make(10, 0ms);
    for (const char* id : {"one", "two", "three", "four"}) s.add(id, "h", t0);
    EXPECT_THAT(s.take_due(t0), ElementsAre("one", "two", "three", "four"));
}

TEST(Scheduler, HonoursTheLimit) {
    auto s = make(10, 0ms);
    for (int i = 0; i < 5; ++i)
        s.add("f" + std::to_string(i), "h" + std::to_string(i), t0 + 1ms * i);
    EXPECT_THAT(s.take_due(t0 + 1s, 2), ElementsAre("f0", "f1"));
    EXPECT_THAT(s.take_due(t0 + 1s, 0), IsEmpty());
    EXPECT_THAT(s.take_due(t0 + 1s), ElementsAre("f2", "f3", "f4"));
}

// --- politeness per host (NOTES.md 3) -------------------------------------------

TEST(Scheduler, RespectsPerHostCap) {
    auto s = make(2, 0ms);
    for (int i = 0; i < 5; ++i) s.add("f" + std::to_string(i), "busy.example", t0);
    EXPECT_THAT(s.take_due(t0), ElementsAre("f0", "f1"));
    EXPECT_EQ(s.running(), 2U);
    EXPECT_THAT(s.take_due(t0 + 1h), IsEmpty());
    // At the cap there is nothing to wake up for: finished() comes first.
    EXPECT_EQ(s.next_wakeup(), std::nullopt);

    s.finished("f0", t0 + 1s, t0 + 1h);
    EXPECT_EQ(s.next_wakeup(), t0);  // f2 has been due since t0
    EXPECT_THAT(s.take_due(t0 + 1s), ElementsAre("f2"));
    EXPECT_EQ(s.running(), 2U);
}

TEST(Scheduler, CapIsPerHostNotGlobal) {
    auto s = make(1, 0ms);
    s.add("a1", "a", t0);
    s.add("a2", "a", t0);
    s.add("b1", "b", t0);
    s.add("b2", "b", t0);
    EXPECT_THAT(s.take_due(t0), UnorderedElementsAre("a1", "b1"));
}

TEST(Scheduler, RespectsSpacingBetweenStartsOnAHost) {
    auto s = make(10, 250ms);
    s.add("f0", "h", t0);
    s.add("f1", "h", t0);
    s.add("f2", "h", t0);
    // Two feeds of one host in one call: only the first starts.
    EXPECT_THAT(s.take_due(t0), ElementsAre("f0"));
    EXPECT_EQ(s.next_wakeup(), t0 + 250ms);
    EXPECT_THAT(s.take_due(t0 + 249ms), IsEmpty());
    EXPECT_THAT(s.take_due(t0 + 250ms), ElementsAre("f1"));
    // A late call starts one feed, and spacing counts from that start.
    EXPECT_THAT(s.take_due(t0 + 2s), ElementsAre("f2"));
    s.add("f3", "h", t0);
    EXPECT_EQ(s.next_wakeup(), t0 + 2s + 250ms);
}

TEST(Scheduler, SpacingAppliesAfterFinishedToo) {
    auto s = make(1, 1s);
    s.add("f", "h", t0);
    ASSERT_THAT(s.take_due(t0), ElementsAre("f"));
    s.finished("f", t0 + 10ms, t0 + 10ms);
    EXPECT_EQ(s.next_wakeup(), t0 + 1s);
    EXPECT_THAT(s.take_due(t0 + 500ms), IsEmpty());
    EXPECT_THAT(s.take_due(t0 + 1s), ElementsAre("f"));
}

TEST(Scheduler, SpacingDoesNotDelayOtherHosts) {
    auto s = make(10, 1s);
    s.add("a1", "a", t0);
    s.add("a2", "a", t0);
    s.add("b1", "b", t0 + 10ms);
    EXPECT_THAT(s.take_due(t0 + 10ms), ElementsAre("a1", "b1"));
    EXPECT_EQ(s.next_wakeup(), t0 + 10ms + 1s);
}

TEST(Scheduler, ManyHostsInterleave) {
    auto s = make(3, 1s);
    for (const char* host : {"a", "b", "c"}) {
        for (int i = 0; i < 3; ++i) s.add(std::string(host) + std::to_string(i), host, t0);
    }
    // One start per host per spacing period, every host served in each.
    EXPECT_THAT(s.take_due(t0), UnorderedElementsAre("a0", "b0", "c0"));
    EXPECT_THAT(s.take_due(t0 + 500ms), IsEmpty());
    EXPECT_THAT(s.take_due(t0 + 1s), UnorderedElementsAre("a1", "b1", "c1"));
    EXPECT_THAT(s.take_due(t0 + 2s), UnorderedElementsAre("a2", "b2", "c2"));
    EXPECT_EQ(s.running(), 9U);
    EXPECT_EQ(s.next_wakeup(), std::nullopt);
}

// --- the life of a feed ---------------------------------------------------------------

TEST(Scheduler, FinishedMakesTheFeedIdleAtItsNextDue) {
    auto s = make(2, 0ms);
    s.add("f", "h", t0);
    ASSERT_THAT(s.take_due(t0), ElementsAre("f"));
    EXPECT_EQ(s.due_time("f"), std::nullopt);  // running
    EXPECT_TRUE(s.contains("f"));
    s.finished("f", t0 + 1s, t0 + 10min);
    EXPECT_EQ(s.running(), 0U);
    EXPECT_EQ(s.due_time("f"), t0 + 10min);
    EXPECT_EQ(s.next_wakeup(), t0 + 10min);
    EXPECT_THAT(s.take_due(t0 + 9min), IsEmpty());
    EXPECT_THAT(s.take_due(t0 + 10min), ElementsAre("f"));
}

TEST(Scheduler, StrayFinishedCallsAreIgnored) {
    auto s = make(2, 0ms);
    s.finished("unknown", t0, t0);
    s.add("f", "h", t0 + 1s);
    s.finished("f", t0, t0 + 5s);  // idle: not running, so not ours
    EXPECT_EQ(s.due_time("f"), t0 + 1s);
    ASSERT_THAT(s.take_due(t0 + 1s), ElementsAre("f"));
    s.finished("f", t0 + 2s, t0 + 3s);
    s.finished("f", t0 + 2s, t0 + 9s);  // repeated
    EXPECT_EQ(s.due_time("f"), t0 + 3s);
    EXPECT_EQ(s.running(), 0U);
    EXPECT_EQ(s.size(), 1U);
}

TEST(Scheduler, AddMovesAnIdleFeed) {
    auto s = make(2, 0ms);
    s.add("f", "h", t0 + 5s);
    s.add("f", "h", t0 + 1s);
    EXPECT_EQ(s.size(), 1U);
    EXPECT_EQ(s.due_time("f"), t0 + 1s);
    EXPECT_EQ(s.next_wakeup(), t0 + 1s);
    EXPECT_THAT(s.take_due(t0 + 10s), ElementsAre("f"));  // once, not once per add
    s.finished("f", t0 + 10s, t0 + 20s);
    s.add("f", "h", t0 + 30s);  // later: the old entry must not fire at 20 s
    EXPECT_THAT(s.take_due(t0 + 25s), IsEmpty());
    EXPECT_EQ(s.next_wakeup(), t0 + 30s);
}

TEST(Scheduler, AddMovesAnIdleFeedToAnotherHost) {
    auto s = make(1, 0ms);
    s.add("busy", "a", t0);
    ASSERT_THAT(s.take_due(t0), ElementsAre("busy"));
    s.add("f", "a", t0);
    EXPECT_THAT(s.take_due(t0), IsEmpty());  // host a is at its cap
    s.add("f", "b", t0);
    EXPECT_THAT(s.take_due(t0), ElementsAre("f"));
}

TEST(Scheduler, AddWhileRunningChangesTheHostWhenThePollEnds) {
    auto s = make(1, 0ms);
    s.add("f", "a", t0);
    ASSERT_THAT(s.take_due(t0), ElementsAre("f"));
    s.add("f", "b", t0);  // a config reload moved the feed
    s.add("g", "a", t0);
    EXPECT_THAT(s.take_due(t0), IsEmpty());  // f still holds host a
    EXPECT_EQ(s.running(), 1U);
    EXPECT_EQ(s.size(), 2U);
    s.finished("f", t0 + 1s, t0 + 1s);
    // f now lives on host b, so both hosts have a free slot.
    EXPECT_THAT(s.take_due(t0 + 1s), UnorderedElementsAre("f", "g"));
}

TEST(Scheduler, RemovingAnIdleFeed) {
    auto s = make(2, 0ms);
    s.add("a", "h", t0 + 1s);
    s.add("b", "h", t0 + 2s);
    s.remove("a");
    EXPECT_FALSE(s.contains("a"));
    EXPECT_EQ(s.size(), 1U);
    EXPECT_EQ(s.due_time("a"), std::nullopt);
    EXPECT_EQ(s.next_wakeup(), t0 + 2s);
    s.remove("b");
    EXPECT_EQ(s.next_wakeup(), std::nullopt);
    EXPECT_THAT(s.take_due(t0 + 1h), IsEmpty());
    s.remove("b");  // twice
    s.remove("never-added");
    EXPECT_EQ(s.size(), 0U);
}

TEST(Scheduler, RemovedRunningFeedHoldsItsHostUntilFinished) {
    auto s = make(1, 0ms);
    s.add("a1", "h", t0);
    s.add("a2", "h", t0);
    ASSERT_THAT(s.take_due(t0), ElementsAre("a1"));
    s.remove("a1");
    EXPECT_FALSE(s.contains("a1"));
    EXPECT_EQ(s.size(), 1U);
    EXPECT_EQ(s.running(), 1U);  // the request is still on the wire
    EXPECT_THAT(s.take_due(t0 + 1s), IsEmpty());
    s.finished("a1", t0 + 1s, t0 + 2s);  // ignored as a feed, frees the host
    EXPECT_FALSE(s.contains("a1"));
    EXPECT_EQ(s.running(), 0U);
    EXPECT_THAT(s.take_due(t0 + 1s), ElementsAre("a2"));
    EXPECT_THAT(s.take_due(t0 + 1h), IsEmpty());  // a1 never comes back
}

TEST(Scheduler, ReAddedWhileRunningIsNotCorrupted) {
    auto s = make(1, 0ms);
    s.add("f", "h", t0);
    ASSERT_THAT(s.take_due(t0), ElementsAre("f"));
    s.remove("f");
    s.add("f", "h", t0 + 10s);
    EXPECT_TRUE(s.contains("f"));
    EXPECT_EQ(s.due_time("f"), t0 + 10s);
    EXPECT_EQ(s.running(), 1U);
    // The old poll ends: its next_due is the removed feed's, not ours.
    s.finished("f", t0 + 1s, t0 + 1h);
    EXPECT_EQ(s.running(), 0U);
    EXPECT_EQ(s.due_time("f"), t0 + 10s);
    EXPECT_THAT(s.take_due(t0 + 10s), ElementsAre("f"));
    s.finished("f", t0 + 11s, t0 + 20s);
    EXPECT_EQ(s.due_time("f"), t0 + 20s);
    EXPECT_EQ(s.size(), 1U);
}

TEST(Scheduler, ReAddedAndTakenWhileTheOldPollRuns) {
    auto s = make(2, 0ms);
    s.add("f", "h", t0);
    ASSERT_THAT(s.take_due(t0), ElementsAre("f"));
    s.remove("f");
    s.add("f", "h", t0);
    ASSERT_THAT(s.take_due(t0), ElementsAre("f"));
    EXPECT_EQ(s.running(), 2U);
    EXPECT_THAT(s.take_due(t0), IsEmpty());
    s.finished("f", t0 + 1s, t0 + 1h);  // the oldest poll: the removed one's
    EXPECT_EQ(s.running(), 1U);
    EXPECT_EQ(s.due_time("f"), std::nullopt);  // the new one still runs
    s.finished("f", t0 + 2s, t0 + 5s);
    EXPECT_EQ(s.running(), 0U);
    EXPECT_EQ(s.due_time("f"), t0 + 5s);
}

TEST(Scheduler, ReAddedOnAnotherHostReleasesTheOldHost) {
    auto s = make(1, 0ms);
    s.add("f", "a", t0);
    s.add("other", "a", t0);
    ASSERT_THAT(s.take_due(t0), ElementsAre("f"));
    s.remove("f");
    s.add("f", "b", t0);
    EXPECT_THAT(s.take_due(t0), ElementsAre("f"));  // host b is free
    s.finished("f", t0 + 1s, t0 + 1h);              // ends the poll on a
    EXPECT_THAT(s.take_due(t0 + 1s), ElementsAre("other"));
}

// --- next_wakeup ------------------------------------------------------------------------

TEST(Scheduler, NextWakeupInEachSituation) {
    auto s = make(1, 100ms);
    EXPECT_EQ(s.next_wakeup(), std::nullopt);  // no feeds

    s.add("a", "a", t0 + 5s);
    EXPECT_EQ(s.next_wakeup(), t0 + 5s);  // a future due time

    s.add("b", "b", t0 - 1s);
    EXPECT_EQ(s.next_wakeup(), t0 - 1s);  // overdue: the past, so "now"

    ASSERT_THAT(s.take_due(t0), ElementsAre("b"));
    EXPECT_EQ(s.next_wakeup(), t0 + 5s);

    s.add("b2", "b", t0);
    EXPECT_EQ(s.next_wakeup(), t0 + 5s);  // b2 is due, but host b is at its cap
    s.remove("a");
    EXPECT_EQ(s.next_wakeup(), std::nullopt);  // the only idle feed's host is capped

    s.finished("b", t0 + 10ms, t0 + 1h);
    EXPECT_EQ(s.next_wakeup(), t0 + 100ms);  // b2 is due, spacing decides

    ASSERT_THAT(s.take_due(t0 + 100ms), ElementsAre("b2"));
    s.finished("b2", t0 + 150ms, t0 + 150ms);
    EXPECT_EQ(s.next_wakeup(), t0 + 200ms);  // spacing from b2's start
}

TEST(Scheduler, NextWakeupIsNulloptWhenEverythingRuns) {
    auto s = make(5, 0ms);
    s.add("a", "a", t0);
    s.add("b", "b", t0);
    ASSERT_EQ(s.take_due(t0).size(), 2U);
    EXPECT_EQ(s.next_wakeup(), std::nullopt);
}

// --- initial_due --------------------------------------------------------------------------

TEST(InitialDue, SpreadsAThousandFeedsEvenly) {
    constexpr std::size_t count = 1000;
    const auto spread = std::chrono::milliseconds{10s};
    std::mt19937_64 rng{42};
    std::uniform_real_distribution<double> unit{0.0, 1.0};
    std::map<std::int64_t, int> per_slot;  // 10 ms slots
    for (std::size_t i = 0; i < count; ++i) {
        const steady_time due = initial_due(t0, i, count, spread, unit(rng));
        ASSERT_GE(due, t0);
        ASSERT_LT(due, t0 + spread);
        ++per_slot[std::chrono::duration_cast<std::chrono::milliseconds>(due - t0).count() / 10];
    }
    int busiest = 0;
    for (const auto& [slot, n] : per_slot) busiest = std::max(busiest, n);
    EXPECT_LE(busiest, 2);  // one feed per slot, two where jitter pushes one over
    EXPECT_GE(per_slot.size(), 500U);
}

TEST(InitialDue, WithoutJitterFeedsStartOnSlotBoundaries) {
    EXPECT_EQ(initial_due(t0, 0, 4, 1000ms, 0.0), t0);
    EXPECT_EQ(initial_due(t0, 1, 4, 1000ms, 0.0), t0 + 250ms);
    EXPECT_EQ(initial_due(t0, 3, 4, 1000ms, 0.0), t0 + 750ms);
    EXPECT_EQ(initial_due(t0, 1, 4, 1000ms, 0.5), t0 + 375ms);
}

TEST(InitialDue, OddInputsStayWithinTheSpread) {
    EXPECT_EQ(initial_due(t0, 0, 0, 1000ms, 0.5), t0);
    EXPECT_EQ(initial_due(t0, 3, 4, 0ms, 0.5), t0);
    EXPECT_EQ(initial_due(t0, 1, 4, 1000ms, std::nan("")), t0 + 250ms);
    EXPECT_EQ(initial_due(t0, 1, 4, 1000ms, 1.0), t0 + 250ms);
    EXPECT_EQ(initial_due(t0, 1, 4, 1000ms, -1.0), t0 + 250ms);
    EXPECT_LT(initial_due(t0, 99, 4, 1000ms, 0.99), t0 + 1000ms);
}

TEST(InitialDue, FeedsFromInitialDueAreTakenSpreadOut) {
    auto s = make(100, 0ms);
    constexpr std::size_t count = 1000;
    for (std::size_t i = 0; i < count; ++i) {
        s.add("f" + std::to_string(i), "h" + std::to_string(i % 10),
              initial_due(t0, i, count, 10s, 0.5));
    }
    EXPECT_EQ(s.take_due(t0 + 10ms).size(), 1U);
    std::size_t taken = 1;
    for (auto now = t0 + 20ms; now <= t0 + 10s; now += 10ms) {
        const auto got = s.take_due(now);
        EXPECT_LE(got.size(), 2U);
        taken += got.size();
    }
    EXPECT_EQ(taken, count);
}

// --- scale (NOTES.md 1, 13): correctness at size, not timing ---------------------------------

TEST(Scheduler, TenThousandFeedsOnOneHost) {
    auto s = make(2, 0ms);
    constexpr int n = 10000;
    for (int i = 0; i < n; ++i) s.add("f" + std::to_string(i), "one.example", t0 + 1ms * (n - i));
    // Remove most of them while idle: lazily, yet never returned later.
    for (int i = 0; i < n; i += 2) s.remove("f" + std::to_string(i));
    EXPECT_EQ(s.size(), static_cast<std::size_t>(n / 2));
    int taken = 0;
    steady_time last_due = t0;
    auto now = t0 + 1ms * (n + 1);
    while (true) {
        const auto got = s.take_due(now);
        if (got.empty()) break;
        ASSERT_LE(got.size(), 2U);
        for (const auto& id : got) {
            const int i = std::stoi(id.substr(1));
            ASSERT_EQ(i % 2, 1) << id;
            const steady_time due = t0 + 1ms * (n - i);
            ASSERT_GE(due, last_due);
            last_due = due;
            s.finished(id, now, now + 1h);
            ++taken;
        }
    }
    EXPECT_EQ(taken, n / 2);
    EXPECT_EQ(s.next_wakeup(), now + 1h);
}

TEST(Scheduler, TenThousandFeedsOnTenThousandHosts) {
    auto s = make(1, 1s);
    constexpr int n = 10000;
    for (int i = 0; i < n; ++i) {
        s.add("f" + std::to_string(i), "h" + std::to_string(i) + ".example", t0 + 1us * i);
    }
    auto got = s.take_due(t0 + 5ms, 1000);
    ASSERT_EQ(got.size(), 1000U);
    for (int i = 0; i < 1000; ++i)
        EXPECT_EQ(got[static_cast<std::size_t>(i)], "f" + std::to_string(i));
    got = s.take_due(t0 + 1s);
    EXPECT_EQ(got.size(), static_cast<std::size_t>(n - 1000));
    EXPECT_EQ(s.running(), static_cast<std::size_t>(n));
    EXPECT_EQ(s.next_wakeup(), std::nullopt);
}

TEST(Scheduler, HundredThousandFeedsOnAThousandHosts) {
    constexpr std::size_t hosts = 1000;
    constexpr std::size_t per_host_feeds = 100;
    constexpr std::size_t total = hosts * per_host_feeds;
    constexpr std::size_t cap = 2;
    constexpr auto spacing = 100ms;
    auto s = make(cap, spacing);

    std::unordered_map<std::string, std::size_t> host_of_feed;
    std::unordered_map<std::string, steady_time> due_of_feed;
    for (std::size_t i = 0; i < total; ++i) {
        const std::string id = "feed-" + std::to_string(i);
        const std::size_t h = i % hosts;
        const steady_time due = initial_due(t0, i, total, 60s, 0.5);
        s.add(id, "host-" + std::to_string(h) + ".example", due);
        host_of_feed.emplace(id, h);
        due_of_feed.emplace(id, due);
    }
    ASSERT_EQ(s.size(), total);

    std::vector<std::size_t> running(hosts, 0);
    std::vector<std::optional<steady_time>> last_start(hosts);
    std::multimap<steady_time, std::string> finishing;
    std::set<std::string> taken;
    steady_time now = t0;
    std::size_t rounds = 0;
    while (taken.size() < total) {
        ASSERT_LT(++rounds, 10 * total) << "no progress";
        // Sleep until the scheduler's wake-up or the next poll's end.
        std::optional<steady_time> next = s.next_wakeup();
        if (!finishing.empty() && (!next || finishing.begin()->first < *next)) {
            next = finishing.begin()->first;
        }
        ASSERT_TRUE(next.has_value()) << "stuck with " << taken.size() << " taken";
        now = std::max(now, *next);
        while (!finishing.empty() && finishing.begin()->first <= now) {
            const std::string id = finishing.begin()->second;
            finishing.erase(finishing.begin());
            --running[host_of_feed.at(id)];
            s.finished(id, now, now + 24h);  // not due again during this test
        }
        for (const auto& id : s.take_due(now)) {
            ASSERT_TRUE(taken.insert(id).second) << id << " taken twice";
            ASSERT_LE(due_of_feed.at(id), now) << id << " taken early";
            const std::size_t h = host_of_feed.at(id);
            ASSERT_LT(running[h]++, cap) << "host " << h << " over its cap";
            if (last_start[h]) {
                ASSERT_GE(now - *last_start[h], spacing) << "host " << h;
            }
            last_start[h] = now;
            // Polls take 30..270 ms, varying by feed.
            finishing.emplace(now + 30ms + 40ms * static_cast<int>(taken.size() % 7), id);
        }
        // Everything takeable was taken: the wake-up lies in the future.
        if (const auto w = s.next_wakeup()) {
            ASSERT_GT(*w, now);
        }
    }
    EXPECT_EQ(taken.size(), total);
    EXPECT_EQ(s.size(), total);
    // The last feeds are due just before 60 s; nothing may lag far behind.
    EXPECT_GE(now - t0, 59s);
    EXPECT_LE(now - t0, 61s);
}

// --- a brute-force model of the same rules -----------------------------------------------

// O(n) per call and obviously right: which feeds may start is decided host
// by host, so the set taken without a limit does not depend on the order in
// which hosts are visited.
class model {
public:
    model(std::size_t cap, std::chrono::milliseconds spacing) : cap_(cap), spacing_(spacing) {}

    void add(const std::string& id, const std::string& host, steady_time due) {
        auto& f = feeds_[id];
        if (f.state == status::running) {
            f.pending_host = host;
            return;
        }
        f.host = host;
        f.due = due;
        f.seq = ++seq_;
        f.state = status::idle;
    }
    void remove(const std::string& id) {
        auto it = feeds_.find(id);
        if (it == feeds_.end() || it->second.state == status::gone) return;
        if (it->second.state == status::running) it->second.orphans.push_back(it->second.host);
        it->second.state = status::gone;
        it->second.pending_host.reset();
    }
    std::set<std::string> take_due(steady_time now) {
        std::set<std::string> out;
        std::set<std::string> hosts;
        for (const auto& [id, f] : feeds_) {
            if (f.state == status::idle) hosts.insert(f.host);
        }
        for (const auto& host : hosts) {
            auto& h = hosts_[host];
            while (h.running < cap_) {
                std::string best;
                const feed* best_feed = nullptr;
                for (const auto& [id, f] : feeds_) {
                    if (f.state != status::idle || f.host != host) continue;
                    if (best_feed == nullptr || f.due < best_feed->due ||
                        (f.due == best_feed->due && f.seq < best_feed->seq)) {
                        best = id;
                        best_feed = &f;
                    }
                }
                if (best_feed == nullptr || best_feed->due > now) break;
                if (h.last_start && *h.last_start + spacing_ > now) break;
                feeds_[best].state = status::running;
                ++h.running;
                h.last_start = now;
                out.insert(best);
            }
        }
        return out;
    }
    void finished(const std::string& id, steady_time next_due) {
        auto it = feeds_.find(id);
        if (it == feeds_.end()) return;
        feed& f = it->second;
        if (!f.orphans.empty()) {
            --hosts_[f.orphans.front()].running;
            f.orphans.pop_front();
            return;
        }
        if (f.state != status::running) return;
        --hosts_[f.host].running;
        if (f.pending_host) f.host = *f.pending_host;
        f.pending_host.reset();
        f.due = next_due;
        f.seq = ++seq_;
        f.state = status::idle;
    }
    std::optional<steady_time> next_wakeup() {
        std::optional<steady_time> best;
        for (const auto& [id, f] : feeds_) {
            if (f.state != status::idle) continue;
            const auto& h = hosts_[f.host];
            if (h.running >= cap_) continue;
            steady_time at = f.due;
            if (h.last_start) at = std::max(at, *h.last_start + spacing_);
            if (!best || at < *best) best = at;
        }
        return best;
    }
    std::size_t size() const {
        return static_cast<std::size_t>(
            std::count_if(feeds_.begin(), feeds_.end(),
                          [](const auto& p) { return p.second.state != status::gone; }));
    }
    std::optional<steady_time> due_time(const std::string& id) const {
        auto it = feeds_.find(id);
        if (it == feeds_.end() || it->second.state != status::idle) return std::nullopt;
        return it->second.due;
    }

private:
    enum class status { idle, running, gone };
    struct feed {
        std::string host;
        steady_time due{};
        std::uint64_t seq = 0;
        status state = status::gone;
        std::optional<std::string> pending_host;
        std::deque<std::string> orphans;
    };
    struct host_info {
        std::size_t running = 0;
        std::optional<steady_time> last_start;
    };
    std::size_t cap_;
    std::chrono::milliseconds spacing_;
    std::map<std::string, feed> feeds_;
    std::map<std::string, host_info> hosts_;
    std::uint64_t seq_ = 0;
};

TEST(Scheduler, AgreesWithABruteForceModel) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::mt19937_64 rng{seed};
        const std::size_t cap = 1 + rng() % 3;
        const auto spacing = std::chrono::milliseconds{static_cast<int>(rng() % 3) * 50};
        auto s = make(cap, spacing);
        model m{cap, spacing};
        std::vector<std::string> in_flight;  // finished() calls owed, one per poll
        steady_time now = t0;
        std::uint64_t unique = 0;
        const auto pick = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
        for (int step = 0; step < 3000; ++step) {
            const std::string id = "f" + std::to_string(pick(30));
            const std::string host = "h" + std::to_string(pick(4));
            // Distinct due times: equal ones are ordered first come, first
            // served in both, but this keeps the comparison simple.
            const steady_time due = now +
                                    std::chrono::milliseconds{static_cast<int>(pick(400)) - 100} +
                                    std::chrono::nanoseconds{++unique};
            switch (pick(6)) {
                case 0:
                case 1:
                    s.add(id, host, due);
                    m.add(id, host, due);
                    break;
                case 2:
                    s.remove(id);
                    m.remove(id);
                    break;
                case 3: {
                    now += std::chrono::milliseconds{pick(120)};
                    const auto got = s.take_due(now);
                    const std::set<std::string> got_set(got.begin(), got.end());
                    ASSERT_EQ(got_set.size(), got.size()) << "duplicate at step " << step;
                    ASSERT_EQ(got_set, m.take_due(now)) << "step " << step;
                    in_flight.insert(in_flight.end(), got.begin(), got.end());
                    break;
                }
                default:
                    if (!in_flight.empty()) {
                        const std::size_t k = pick(in_flight.size());
                        const std::string done = in_flight[k];
                        in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(k));
                        s.finished(done, now, due);
                        m.finished(done, due);
                    }
                    break;
            }
            ASSERT_EQ(s.next_wakeup(), m.next_wakeup()) << "step " << step;
            ASSERT_EQ(s.size(), m.size()) << "step " << step;
            ASSERT_EQ(s.running(), in_flight.size()) << "step " << step;
            ASSERT_EQ(s.due_time(id), m.due_time(id)) << "step " << step;
        }
    }
}

}  // namespace
}  // namespace feedwire::daemon
