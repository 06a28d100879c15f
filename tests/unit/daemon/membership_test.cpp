// Rendezvous hashing and the lease state machine of membership.hpp against
// a fake clock: a lone instance owns every host, a join moves only the
// hosts the newcomer wins and only after the old owner drained them, a
// lease not renewed is lost, and an instance cut off from Redis keeps what
// it held.
#include "feedwire/daemon/membership.hpp"

#include "support/fake_clock.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> hosts_named(int n) {
    std::vector<std::string> out;
    for (int i = 1; i <= n; ++i) out.push_back("127.0.0." + std::to_string(i));
    return out;
}

std::map<std::string, std::size_t> idle(const std::vector<std::string>& hosts) {
    std::map<std::string, std::size_t> out;
    for (const auto& h : hosts) out[h] = 0;
    return out;
}

// "a", alone, holding the leases of `hosts` since `now`.
host_leases lone_holder(const std::vector<std::string>& hosts, steady_time now) {
    host_leases leases("a", 3s);
    leases.set_live({"a"});
    std::vector<lease_event> events;
    leases.plan(now, idle(hosts), events);
    for (const auto& h : hosts) leases.on_acquire_reply(h, true, now, events);
    return leases;
}

std::set<std::string> of_kind(const std::vector<lease_event>& events, lease_event::kind k) {
    std::set<std::string> out;
    for (const auto& e : events) {
        if (e.what == k) out.insert(e.host);
    }
    return out;
}

TEST(Rendezvous, EveryInstanceComputesTheSameOwnerWhateverTheOrderOfTheLiveSet) {
    const std::vector<std::string> a{"a", "b", "c"};
    const std::vector<std::string> b{"c", "a", "b"};
    for (const auto& host : hosts_named(50))
        EXPECT_EQ(rendezvous_owner(host, a), rendezvous_owner(host, b));
    EXPECT_EQ(rendezvous_owner("h", {}), "");
    EXPECT_EQ(rendezvous_owner("h", {"only"}), "only");
    EXPECT_NE(rendezvous_weight("ab", "c"), rendezvous_weight("a", "bc"));
}

TEST(Rendezvous, SpreadsHostsAndAJoinMovesOnlyTheHostsTheNewcomerWins) {
    const auto hosts = hosts_named(300);
    const std::vector<std::string> three{"a", "b", "c"};
    const std::vector<std::string> four{"a", "b", "c", "d"};
    std::map<std::string, int> per_instance;
    int moved = 0;
    for (const auto& h : hosts) {
        const std::string before = rendezvous_owner(h, three);
        const std::string after = rendezvous_owner(h, four);
        ++per_instance[before];
        if (before != after) {
            ++moved;
            EXPECT_EQ(after, "d") << h;  // nothing moves between the old members
        }
    }
    for (const auto& id : three) {
        EXPECT_GT(per_instance[id], 60) << id;  // 100 expected of 300
        EXPECT_LT(per_instance[id], 140) << id;
    }
    EXPECT_GT(moved, 40);  // 75 expected
    EXPECT_LT(moved, 115);
}

TEST(HostLeases, ALoneInstanceTakesEveryHostAndRenewsThem) {
    test::fake_clock clock;
    host_leases leases("a", 3s);
    const auto hosts = hosts_named(5);
    leases.set_live({});
    EXPECT_EQ(leases.live(), std::vector<std::string>{"a"});
    std::vector<lease_event> events;
    auto plan = leases.plan(clock.steady_now(), idle(hosts), events);
    EXPECT_EQ(plan.acquire, hosts);
    EXPECT_TRUE(plan.release.empty());
    EXPECT_TRUE(events.empty());
    EXPECT_FALSE(leases.can_start(hosts[0], clock.steady_now()));
    // Pending requests are not sent twice.
    EXPECT_TRUE(leases.plan(clock.steady_now(), idle(hosts), events).acquire.empty());
    const auto sent = clock.steady_now();
    for (const auto& h : hosts) leases.on_acquire_reply(h, true, sent, events);
    EXPECT_EQ(of_kind(events, lease_event::kind::gained).size(), 5u);
    EXPECT_TRUE(leases.can_start(hosts[0], clock.steady_now()));
    EXPECT_EQ(leases.held(), 5u);
    // A renewal keeps the lease beyond the first ttl.
    clock.advance(1s);
    events.clear();
    plan = leases.plan(clock.steady_now(), idle(hosts), events);
    EXPECT_EQ(plan.acquire, hosts);
    for (const auto& h : hosts) leases.on_acquire_reply(h, true, clock.steady_now(), events);
    clock.advance(2500ms);
    leases.expire(clock.steady_now(), events);
    EXPECT_TRUE(events.empty());
    EXPECT_TRUE(leases.can_start(hosts[4], clock.steady_now()));
}

TEST(HostLeases, ALeaseHeldByAnotherInstanceIsNotTakenAndIsTriedAgain) {
    test::fake_clock clock;
    host_leases leases("a", 3s);
    leases.set_live({"a"});
    std::vector<lease_event> events;
    auto plan = leases.plan(clock.steady_now(), idle({"h"}), events);
    ASSERT_EQ(plan.acquire.size(), 1u);
    leases.on_acquire_reply("h", false, clock.steady_now(), events);
    EXPECT_TRUE(events.empty());
    EXPECT_FALSE(leases.can_start("h", clock.steady_now()));
    clock.advance(1s);
    plan = leases.plan(clock.steady_now(), idle({"h"}), events);
    EXPECT_EQ(plan.acquire, std::vector<std::string>{"h"});
}

TEST(HostLeases, AnOwnerDrainsAHostTheNewcomerWinsThenReleasesIt) {
    test::fake_clock clock;
    const auto hosts = hosts_named(40);
    host_leases leases = lone_holder(hosts, clock.steady_now());
    std::vector<lease_event> events;

    // "b" joins: the hosts it wins drain. One of them has a poll in flight.
    leases.set_live({"a", "b"});
    std::set<std::string> to_b;
    for (const auto& h : hosts) {
        if (rendezvous_owner(h, {"a", "b"}) == "b") to_b.insert(h);
    }
    ASSERT_FALSE(to_b.empty());
    const std::string busy = *to_b.begin();
    auto running = idle(hosts);
    running[busy] = 1;
    clock.advance(1s);
    auto plan = leases.plan(clock.steady_now(), running, events);
    EXPECT_EQ(of_kind(events, lease_event::kind::lost), to_b);
    std::set<std::string> released(plan.release.begin(), plan.release.end());
    std::set<std::string> idle_to_b = to_b;
    idle_to_b.erase(busy);
    EXPECT_EQ(released, idle_to_b);
    // The busy one is renewed while it drains, and no poll starts there.
    EXPECT_NE(std::find(plan.acquire.begin(), plan.acquire.end(), busy), plan.acquire.end());
    EXPECT_FALSE(leases.can_start(busy, clock.steady_now()));
    for (const auto& h : plan.acquire) leases.on_acquire_reply(h, true, clock.steady_now(), events);
    for (const auto& h : plan.release) leases.on_released(h);
    EXPECT_EQ(leases.held(), hosts.size() - to_b.size());

    // Its poll ends: released at the next tick, with no second lost event.
    events.clear();
    running[busy] = 0;
    clock.advance(1s);
    plan = leases.plan(clock.steady_now(), running, events);
    EXPECT_EQ(plan.release, std::vector<std::string>{busy});
    EXPECT_TRUE(events.empty());
    leases.on_released(busy);
    EXPECT_EQ(leases.all_held().size(), hosts.size() - to_b.size());
}

TEST(HostLeases, ALeaseNotRenewedWithinTheTtlIsLost) {
    test::fake_clock clock;
    host_leases leases = lone_holder({"h"}, clock.steady_now());
    std::vector<lease_event> events;
    // The renewal fails (Redis did not answer).
    clock.advance(1s);
    leases.plan(clock.steady_now(), idle({"h"}), events);
    leases.on_request_failed("h");
    clock.advance(1999ms);
    leases.expire(clock.steady_now(), events);
    EXPECT_TRUE(leases.can_start("h", clock.steady_now()));
    clock.advance(1ms);
    leases.expire(clock.steady_now(), events);
    EXPECT_EQ(of_kind(events, lease_event::kind::lost), std::set<std::string>{"h"});
    EXPECT_FALSE(leases.can_start("h", clock.steady_now()));
    // Taken by another meanwhile: a renewal refused is a loss too.
    events.clear();
    leases.plan(clock.steady_now(), idle({"h"}), events);
    leases.on_acquire_reply("h", true, clock.steady_now(), events);
    leases.plan(clock.steady_now() + 1s, idle({"h"}), events);
    events.clear();
    leases.on_acquire_reply("h", false, clock.steady_now() + 1s, events);
    EXPECT_EQ(of_kind(events, lease_event::kind::lost), std::set<std::string>{"h"});
}

TEST(HostLeases, WithoutRedisALoneStartOwnsEverythingAndHeldLeasesStay) {
    test::fake_clock clock;
    host_leases leases("a", 3s);
    std::vector<lease_event> events;
    leases.hold_without_redis(clock.steady_now(), idle({"h1", "h2"}), events);
    EXPECT_EQ(of_kind(events, lease_event::kind::gained), (std::set<std::string>{"h1", "h2"}));
    clock.advance(10s);
    events.clear();
    leases.hold_without_redis(clock.steady_now(), idle({"h1", "h2"}), events);
    leases.expire(clock.steady_now(), events);
    EXPECT_TRUE(events.empty());
    EXPECT_TRUE(leases.can_start("h1", clock.steady_now()));

    // Redis is back with another member that wins h2: h2 drains.
    std::string other = "b";
    while (rendezvous_owner("h2", {"a", other}) != other) other += "b";
    leases.set_live({"a", other});
    const auto plan = leases.plan(clock.steady_now(), idle({"h1", "h2"}), events);
    EXPECT_FALSE(leases.can_start("h2", clock.steady_now()));
    EXPECT_NE(std::find(plan.release.begin(), plan.release.end(), "h2"), plan.release.end());

    // With a view, losing Redis takes nothing new.
    host_leases viewed("a", 3s);
    viewed.set_live({"a", "b"});
    events.clear();
    viewed.hold_without_redis(clock.steady_now(), idle({"h1"}), events);
    EXPECT_TRUE(events.empty());
    EXPECT_FALSE(viewed.can_start("h1", clock.steady_now()));
}

TEST(HostLeases, AGrantArrivingAfterTheViewChangedIsGivenBack) {
    test::fake_clock clock;
    host_leases leases("a", 3s);
    leases.set_live({"a"});
    std::vector<lease_event> events;
    leases.plan(clock.steady_now(), idle({"h"}), events);
    std::string other = "b";
    while (rendezvous_owner("h", {"a", other}) != other) other += "b";
    leases.set_live({"a", other});
    leases.on_acquire_reply("h", true, clock.steady_now(), events);
    EXPECT_TRUE(events.empty());
    EXPECT_FALSE(leases.can_start("h", clock.steady_now()));
    const auto plan = leases.plan(clock.steady_now(), idle({"h"}), events);
    EXPECT_EQ(plan.release, std::vector<std::string>{"h"});
}

TEST(HostLeases, AHostNoLongerConfiguredIsReleasedOnceIdle) {
    test::fake_clock clock;
    host_leases leases = lone_holder({"h"}, clock.steady_now());
    std::vector<lease_event> events;
    const auto plan = leases.plan(clock.steady_now(), {}, events);
    EXPECT_EQ(plan.release, std::vector<std::string>{"h"});
    EXPECT_EQ(of_kind(events, lease_event::kind::lost), std::set<std::string>{"h"});
}

}  // namespace
}  // namespace feedwire::daemon
