// Rendezvous hashing and the lease state machine of membership.hpp; the
// Lua of the membership FUNCTIONs lives here too, next to its callers.
#include "feedwire/daemon/membership.hpp"

#include <algorithm>
#include <utility>

namespace feedwire::daemon {
namespace {

constexpr std::string_view library_source = R"lua(
-- feedwire_heartbeat: KEYS[1] the instances set, ARGV[1] this instance's id,
-- ARGV[2] the ttl in ms. Records the instance as seen now (the server's
-- clock), removes the members not seen within the ttl, and returns the
-- live ones. The set expires when no instance is left to beat.
local function heartbeat(keys, args)
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local ttl = tonumber(args[2])
    redis.call('ZADD', keys[1], now, args[1])
    redis.call('ZREMRANGEBYSCORE', keys[1], '-inf', '(' .. tostring(now - ttl))
    redis.call('PEXPIRE', keys[1], 2 * ttl)
    return redis.call('ZRANGE', keys[1], 0, -1)
end

-- feedwire_leases: KEYS the lease keys, ARGV[1] the instance, ARGV[2] the
-- ttl in ms. A free lease is taken, one of ours renewed (compare, then
-- PEXPIRE), one of another instance left alone: 1 or 0 per key.
local function leases(keys, args)
    local out = {}
    for i, key in ipairs(keys) do
        local holder = redis.call('GET', key)
        if holder == args[1] then
            redis.call('PEXPIRE', key, args[2])
            out[i] = 1
        elseif not holder then
            redis.call('SET', key, args[1], 'PX', args[2])
            out[i] = 1
        else
            out[i] = 0
        end
    end
    return out
end

-- feedwire_release: KEYS the lease keys, ARGV[1] the instance: each lease
-- it holds is deleted (compare, then DEL); returns how many.
local function release(keys, args)
    local n = 0
    for _, key in ipairs(keys) do
        if redis.call('GET', key) == args[1] then
            redis.call('DEL', key)
            n = n + 1
        end
    end
    return n
end

redis.register_function('feedwire_heartbeat', heartbeat)
redis.register_function('feedwire_leases', leases)
redis.register_function('feedwire_release', release)
)lua";

// FNV-1a, then the splitmix64 finalizer so that hosts differing in one
// character get unrelated weights.
std::uint64_t mix(std::uint64_t h) {
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

}  // namespace

std::uint64_t rendezvous_weight(std::string_view instance, std::string_view host) {
    std::uint64_t h = fnv1a(0xcbf29ce484222325ULL, instance);
    h = fnv1a(h ^ 0xff, host);  // the separator keeps ("ab","c") from ("a","bc")
    return mix(h);
}

std::string rendezvous_owner(std::string_view host, const std::vector<std::string>& live) {
    const std::string* best = nullptr;
    std::uint64_t best_weight = 0;
    for (const auto& id : live) {
        const std::uint64_t w = rendezvous_weight(id, host);
        if (best == nullptr || w > best_weight || (w == best_weight && id < *best)) {
            best = &id;
            best_weight = w;
        }
    }
    return best ? *best : std::string{};
}

std::string lease_key(std::string_view host) { return "{feedwire}:lease:" + std::string(host); }

std::string_view membership_library_source() { return library_source; }

host_leases::host_leases(std::string self, std::chrono::milliseconds ttl)
    : self_(std::move(self)), ttl_(ttl), live_{self_} {}

void host_leases::set_live(std::vector<std::string> live) {
    if (std::find(live.begin(), live.end(), self_) == live.end()) live.push_back(self_);
    std::sort(live.begin(), live.end());
    live.erase(std::unique(live.begin(), live.end()), live.end());
    live_ = std::move(live);
    has_view_ = true;
}

bool host_leases::should_own(std::string_view host) const {
    return rendezvous_owner(host, live_) == self_;
}

lease_plan host_leases::plan(steady_time now, const std::map<std::string, std::size_t>& hosts,
                             std::vector<lease_event>& events) {
    lease_plan out;
    for (const auto& [host, running] : hosts) leases_.try_emplace(host);
    for (auto it = leases_.begin(); it != leases_.end();) {
        const std::string& host = it->first;
        lease& l = it->second;
        const auto configured = hosts.find(host);
        const bool is_configured = configured != hosts.end();
        const std::size_t running = is_configured ? configured->second : 0;
        if (l.is_pending) {
            ++it;
            continue;
        }
        if (!l.is_held || now >= l.expires) {
            if (l.is_held) {  // expired before expire() saw it
                l.is_held = false;
                if (!l.is_draining) events.push_back({lease_event::kind::lost, host});
                l.is_draining = false;
            }
            if (!is_configured) {
                it = leases_.erase(it);
                continue;
            }
            if (should_own(host)) {
                l.is_pending = true;
                out.acquire.push_back(host);
            }
            ++it;
            continue;
        }
        const bool wants = is_configured && should_own(host);
        if (wants && l.is_draining) {  // the view changed back while draining
            l.is_draining = false;
            events.push_back({lease_event::kind::gained, host});
        } else if (!wants && !l.is_draining) {
            l.is_draining = true;
            events.push_back({lease_event::kind::lost, host});
        }
        l.is_pending = true;
        if (l.is_draining && running == 0) {
            out.release.push_back(host);
        } else {
            out.acquire.push_back(host);  // renewed, also while polls drain
        }
        ++it;
    }
    return out;
}

void host_leases::on_acquire_reply(const std::string& host, bool granted, steady_time sent_at,
                                   std::vector<lease_event>& events) {
    auto it = leases_.find(host);
    if (it == leases_.end()) return;
    lease& l = it->second;
    l.is_pending = false;
    if (granted) {
        const bool was_held = l.is_held;
        l.is_held = true;
        l.expires = sent_at + ttl_;
        if (!was_held) {
            l.is_draining = !should_own(host);  // the view changed meanwhile: give it back
            if (!l.is_draining) events.push_back({lease_event::kind::gained, host});
        }
        return;
    }
    if (l.is_held && !l.is_draining) events.push_back({lease_event::kind::lost, host});
    l.is_held = false;
    l.is_draining = false;
}

void host_leases::on_released(const std::string& host) {
    auto it = leases_.find(host);
    if (it == leases_.end()) return;
    it->second = lease{};
}

void host_leases::on_request_failed(const std::string& host) {
    auto it = leases_.find(host);
    if (it != leases_.end()) it->second.is_pending = false;
}

void host_leases::expire(steady_time now, std::vector<lease_event>& events) {
    for (auto& [host, l] : leases_) {
        if (!l.is_held || now < l.expires) continue;
        if (!l.is_draining) events.push_back({lease_event::kind::lost, host});
        l.is_held = false;
        l.is_draining = false;
    }
}

void host_leases::hold_without_redis(steady_time now,
                                     const std::map<std::string, std::size_t>& hosts,
                                     std::vector<lease_event>& events) {
    if (!has_view_) {
        for (const auto& [host, running] : hosts) {
            lease& l = leases_[host];
            if (!l.is_held) events.push_back({lease_event::kind::gained, host});
            l.is_held = true;
            l.is_draining = false;
        }
    }
    for (auto& [host, l] : leases_) {
        if (l.is_held) l.expires = std::max(l.expires, now + ttl_);
    }
}

bool host_leases::can_start(std::string_view host, steady_time now) const {
    auto it = leases_.find(host);
    return it != leases_.end() && it->second.is_held && !it->second.is_draining &&
           now < it->second.expires;
}

std::size_t host_leases::held() const {
    return static_cast<std::size_t>(
        std::count_if(leases_.begin(), leases_.end(),
                      [](const auto& l) { return l.second.is_held && !l.second.is_draining; }));
}

std::vector<std::string> host_leases::all_held() const {
    std::vector<std::string> out;
    for (const auto& [host, l] : leases_) {
        if (l.is_held) out.push_back(host);
    }
    return out;
}

}  // namespace feedwire::daemon
