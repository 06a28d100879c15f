// Several feedwired instances share the feeds of one configuration by host,
// so per-host politeness holds across the deployment: all feeds of one host
// are polled by one instance at a time.
//
// Membership: every instance records itself in the sorted set
// `{feedwire}:instances` (score: Redis's clock, ms) every ttl/3, and the
// members seen within the ttl are the live ones; whoever sees a stale member
// removes it (the `feedwire_heartbeat` FUNCTION does both, with TIME on the
// server, so the instances' clocks need not agree).
//
// Ownership: rendezvous (highest-random-weight) hashing of a host over the
// live instances says who should poll it; a lease per host,
// `{feedwire}:lease:<host>` holding the owner's id with a PX expiry, says
// who may. Rendezvous alone moves few hosts on a join or a death, but two
// instances whose views of the membership differ for a moment would both
// poll; the lease (taken only while free, renewed and released only by its
// holder, all in FUNCTIONs) excludes that. An instance starts polls on a
// host only while it holds the lease. A host it should no longer own is
// drained: no new polls, the ones in flight finish and save their state,
// then the lease is released and the rendezvous winner takes it.
//
// host_leases is the state machine of one instance's leases, with no I/O:
// the service sends what plan() asks for, reports the replies, and reacts
// to the events (gained: load the host's feed states and schedule its
// feeds; lost: stop starting polls there). Time is passed in.
#pragma once

#include "feedwire/daemon/clock.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::daemon {

// The weight of `instance` for `host`: a 64-bit hash of both, stable across
// processes, machines and releases (every instance must compute the same).
std::uint64_t rendezvous_weight(std::string_view instance, std::string_view host);

// The live instance with the highest weight for `host` (ties: the smaller
// id); empty when `live` is empty.
std::string rendezvous_owner(std::string_view host, const std::vector<std::string>& live);

// Redis keys (one hash tag, so the FUNCTIONs' keys share a slot on a Redis
// Cluster too).
inline constexpr std::string_view instances_key = "{feedwire}:instances";
std::string lease_key(std::string_view host);  // "{feedwire}:lease:<host>"

// The Lua of the membership FUNCTIONs, appended to the `feedwire` library
// (deliver.cpp loads it):
//   feedwire_heartbeat KEYS[1] = instances_key, ARGV = id, ttl ms
//     -> the live members (seen within ttl), this one included
//   feedwire_leases KEYS = lease keys, ARGV = id, ttl ms
//     -> per key 1 (free: taken; ours: renewed) or 0 (another holds it)
//   feedwire_release KEYS = lease keys, ARGV = id
//     -> how many were ours and are deleted
std::string_view membership_library_source();

struct lease_event {
    enum class kind {
        gained,  // the lease is ours: polls may start on the host
        lost,    // polls may no longer start there (draining, expired, taken)
    };
    kind what = kind::gained;
    std::string host;
};

// What one tick sends: the leases to take or renew (one feedwire_leases
// call), and drained ones to release (one feedwire_release call).
struct lease_plan {
    std::vector<std::string> acquire;
    std::vector<std::string> release;
};

class host_leases {
public:
    host_leases(std::string self, std::chrono::milliseconds ttl);

    const std::string& self() const { return self_; }
    std::chrono::milliseconds ttl() const { return ttl_; }

    // The live members from a heartbeat reply (this instance is added when
    // missing: it is alive, whatever the reply says).
    void set_live(std::vector<std::string> live);
    const std::vector<std::string>& live() const { return live_; }
    bool has_view() const { return has_view_; }

    // Whether rendezvous over the live set names this instance for `host`.
    bool should_own(std::string_view host) const;

    // The hosts the configuration polls now, each with its polls in flight.
    // Returns the requests to send, marking them pending, and the events of
    // hosts that start draining (lost). A host not in `hosts` is no longer
    // configured: released once idle.
    lease_plan plan(steady_time now, const std::map<std::string, std::size_t>& hosts,
                    std::vector<lease_event>& events);

    // The reply to a feedwire_leases call sent at `sent_at` (the local
    // expiry counts from then: never later than Redis's).
    void on_acquire_reply(const std::string& host, bool granted, steady_time sent_at,
                          std::vector<lease_event>& events);
    // The reply to a feedwire_release: the lease is gone either way.
    void on_released(const std::string& host);
    // A request that failed or whose outcome is unknown: nothing learned.
    void on_request_failed(const std::string& host);

    // Leases whose local expiry passed (not renewed in time) are lost.
    void expire(steady_time now, std::vector<lease_event>& events);

    // Redis is unreachable: the leases held stay held (an instance cut off
    // from Redis goes on polling what it had; at start, before any view,
    // it is a lone instance and takes `hosts`), until Redis answers again.
    void hold_without_redis(steady_time now, const std::map<std::string, std::size_t>& hosts,
                            std::vector<lease_event>& events);

    // Whether a poll may start on `host` now: lease held, not draining.
    bool can_start(std::string_view host, steady_time now) const;
    std::size_t held() const;  // leases held and not draining
    // Every lease this instance holds, for the release at shutdown.
    std::vector<std::string> all_held() const;

private:
    struct lease {
        bool is_held = false;
        bool is_draining = false;
        bool is_pending = false;  // a request about it is in flight
        steady_time expires{};
    };
    std::string self_;
    std::chrono::milliseconds ttl_;
    std::vector<std::string> live_;
    bool has_view_ = false;
    std::map<std::string, lease, std::less<>> leases_;
};

}  // namespace feedwire::daemon
