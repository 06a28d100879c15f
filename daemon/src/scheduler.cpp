// The scheduler: feeds live in a slab of slots found through a hash map by
// id; each host owns a binary min-heap of (due, generation, slot) entries for
// its idle feeds, and a std::set orders the hosts that may start a poll by
// the earliest moment they may (max(earliest due, last start + spacing)).
// A host at its concurrency cap, or with nothing idle, is not in the set, so
// take_due() touches only hosts it can serve: O(k log n) (NOTES.md 1, 13).
//
// Removing or moving an idle feed does not search its heap: the slot's
// generation changes, and heap entries whose generation no longer matches
// are dropped when they reach the top, or all at once when they outnumber
// the live ones (so memory stays O(feeds)). Generations come from one
// counter, so they also order equal due times first come, first served.
//
// A poll in flight belongs to its host until finished() is called, even
// when the feed was removed meanwhile (NOTES.md 3: the request is still on
// the wire). Such polls are kept as "orphans" on the feed's slot, and the
// slot survives as a tombstone until the last of them has finished; a feed
// re-added meanwhile is a fresh idle feed that inherits the orphans, and
// the next finished() calls for its id end the orphans first, oldest first.
#include "feedwire/daemon/scheduler.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace feedwire::daemon {

namespace {

using host_id = std::uint32_t;
using slot_id = std::uint32_t;

enum class slot_status : std::uint8_t { free, idle, running, tombstone };

struct feed_slot {
    std::string id;
    host_id host = 0;
    steady_time due{};
    std::uint64_t generation = 0;
    slot_status status = slot_status::free;
    // add() while the poll ran named another host: it applies at finished().
    std::optional<host_id> pending_host;
    // Hosts of polls still in flight from a removed incarnation of this id.
    std::vector<host_id> orphan_hosts;
};

struct heap_entry {
    steady_time due;
    std::uint64_t generation;
    slot_id slot;
};

// std::push_heap builds a max-heap; "greater" turns it into a min-heap on
// (due, generation).
struct later_first {
    bool operator()(const heap_entry& a, const heap_entry& b) const {
        if (a.due != b.due) return a.due > b.due;
        return a.generation > b.generation;
    }
};

struct host_rec {
    std::string name;
    std::vector<heap_entry> heap;  // idle feeds, with stale entries mixed in
    std::size_t idle = 0;          // live entries in `heap`
    std::size_t running = 0;       // polls in flight, orphans included
    std::optional<steady_time> last_start;
    std::optional<steady_time> ready_key;  // the host's key in ready_, when there
};

// Heaps are rebuilt when stale entries exceed this many plus the live ones:
// rebuilding is O(size), paid for by at least as many earlier changes.
constexpr std::size_t k_stale_slack = 16;

}  // namespace

struct scheduler::impl {
    scheduler_limits limits;
    std::vector<feed_slot> slots;
    std::vector<slot_id> free_slots;
    std::unordered_map<std::string, slot_id> by_id;
    std::vector<host_rec> hosts;
    std::unordered_map<std::string, host_id> host_by_name;
    std::set<std::pair<steady_time, host_id>> ready;
    std::uint64_t next_generation = 1;
    std::size_t live = 0;       // idle + running feeds
    std::size_t in_flight = 0;  // polls started and not finished, orphans included

    explicit impl(scheduler_limits l) : limits(l) {
        // A cap of 0 would never poll anything; one poll per host is the floor.
        if (limits.per_host == 0) limits.per_host = 1;
        if (limits.host_spacing < std::chrono::milliseconds::zero()) {
            limits.host_spacing = std::chrono::milliseconds::zero();
        }
    }

    host_id intern_host(const std::string& name) {
        auto [it, inserted] = host_by_name.try_emplace(name, static_cast<host_id>(hosts.size()));
        if (inserted) {
            hosts.emplace_back();
            hosts.back().name = name;
        }
        return it->second;
    }

    bool is_live_entry(const heap_entry& e) const {
        const feed_slot& s = slots[e.slot];
        return s.status == slot_status::idle && s.generation == e.generation;
    }

    void drop_stale_top(host_rec& h) {
        while (!h.heap.empty() && !is_live_entry(h.heap.front())) {
            std::pop_heap(h.heap.begin(), h.heap.end(), later_first{});
            h.heap.pop_back();
        }
    }

    void compact_if_needed(host_rec& h) {
        if (h.heap.size() <= 2 * h.idle + k_stale_slack) return;
        std::erase_if(h.heap, [this](const heap_entry& e) { return !is_live_entry(e); });
        std::make_heap(h.heap.begin(), h.heap.end(), later_first{});
        if (h.heap.empty()) h.heap.shrink_to_fit();
    }

    // Puts host `hid` where it belongs in `ready` after any change to it.
    void refresh(host_id hid) {
        host_rec& h = hosts[hid];
        if (h.ready_key) {
            ready.erase({*h.ready_key, hid});
            h.ready_key.reset();
        }
        compact_if_needed(h);
        drop_stale_top(h);
        if (h.heap.empty() || h.running >= limits.per_host) return;
        steady_time key = h.heap.front().due;
        if (h.last_start) key = std::max(key, *h.last_start + limits.host_spacing);
        ready.emplace(key, hid);
        h.ready_key = key;
    }

    void push_idle(slot_id sid) {
        feed_slot& s = slots[sid];
        s.status = slot_status::idle;
        s.generation = next_generation++;
        host_rec& h = hosts[s.host];
        h.heap.push_back({s.due, s.generation, sid});
        std::push_heap(h.heap.begin(), h.heap.end(), later_first{});
        ++h.idle;
        refresh(s.host);
    }

    // Takes an idle feed out of its host's heap (lazily).
    void unqueue_idle(slot_id sid) {
        feed_slot& s = slots[sid];
        assert(s.status == slot_status::idle);
        ++s.generation;  // its heap entry is stale from now on
        --hosts[s.host].idle;
    }

    slot_id new_slot(const std::string& id) {
        slot_id sid = 0;
        if (!free_slots.empty()) {
            sid = free_slots.back();
            free_slots.pop_back();
        } else {
            sid = static_cast<slot_id>(slots.size());
            slots.emplace_back();
        }
        slots[sid].id = id;
        by_id.emplace(id, sid);
        return sid;
    }

    void free_slot(slot_id sid) {
        feed_slot& s = slots[sid];
        by_id.erase(s.id);
        s.id.clear();
        s.status = slot_status::free;
        s.pending_host.reset();
        s.orphan_hosts.clear();
        // Generations are never reused: entries left in a heap stay stale.
        s.generation = next_generation++;
        free_slots.push_back(sid);
    }

    void end_poll(host_id hid) {
        host_rec& h = hosts[hid];
        assert(h.running > 0 && in_flight > 0);
        --h.running;
        --in_flight;
        refresh(hid);
    }

    const feed_slot* find(const std::string& id) const {
        auto it = by_id.find(id);
        return it == by_id.end() ? nullptr : &slots[it->second];
    }
};

scheduler::scheduler(scheduler_limits limits) : impl_(std::make_unique<impl>(limits)) {}
scheduler::~scheduler() = default;
scheduler::scheduler(scheduler&&) noexcept = default;
scheduler& scheduler::operator=(scheduler&&) noexcept = default;

void scheduler::add(const std::string& feed_id, const std::string& host, steady_time due) {
    impl& m = *impl_;
    const host_id hid = m.intern_host(host);
    auto it = m.by_id.find(feed_id);
    if (it == m.by_id.end()) {
        const slot_id sid = m.new_slot(feed_id);
        m.slots[sid].host = hid;
        m.slots[sid].due = due;
        ++m.live;
        m.push_idle(sid);
        return;
    }
    const slot_id sid = it->second;
    feed_slot& s = m.slots[sid];
    switch (s.status) {
        case slot_status::tombstone:
            // Re-added while a poll of the removed feed is in flight: a fresh
            // idle feed; the orphans keep their hosts' slots until they end.
            s.host = hid;
            s.due = due;
            ++m.live;
            m.push_idle(sid);
            return;
        case slot_status::idle: {
            const host_id old = s.host;
            m.unqueue_idle(sid);
            s.host = hid;
            s.due = due;
            m.push_idle(sid);
            if (old != hid) m.refresh(old);
            return;
        }
        case slot_status::running:
            // The poll in flight ends with finished(), which sets the due
            // time; only a change of host is remembered for then.
            if (hid != s.host) {
                s.pending_host = hid;
            } else {
                s.pending_host.reset();
            }
            return;
        case slot_status::free:
            break;
    }
    assert(false && "a free slot is never in by_id");
}

void scheduler::remove(const std::string& feed_id) {
    impl& m = *impl_;
    auto it = m.by_id.find(feed_id);
    if (it == m.by_id.end()) return;
    const slot_id sid = it->second;
    feed_slot& s = m.slots[sid];
    switch (s.status) {
        case slot_status::idle: {
            const host_id hid = s.host;
            m.unqueue_idle(sid);
            --m.live;
            if (s.orphan_hosts.empty()) {
                m.free_slot(sid);
            } else {
                s.status = slot_status::tombstone;
            }
            m.refresh(hid);
            return;
        }
        case slot_status::running:
            s.orphan_hosts.push_back(s.host);
            s.pending_host.reset();
            s.status = slot_status::tombstone;
            ++s.generation;
            --m.live;
            return;
        case slot_status::tombstone:
        case slot_status::free:
            return;
    }
}

bool scheduler::contains(const std::string& feed_id) const {
    const feed_slot* s = impl_->find(feed_id);
    return s != nullptr && (s->status == slot_status::idle || s->status == slot_status::running);
}

std::size_t scheduler::size() const { return impl_->live; }

std::size_t scheduler::running() const { return impl_->in_flight; }

std::vector<std::string> scheduler::take_due(steady_time now, std::size_t limit) {
    impl& m = *impl_;
    std::vector<std::string> out;
    while (out.size() < limit && !m.ready.empty()) {
        const auto [key, hid] = *m.ready.begin();
        if (key > now) break;
        host_rec& h = m.hosts[hid];
        // refresh() left a live entry on top of every host in `ready`.
        assert(!h.heap.empty() && m.is_live_entry(h.heap.front()));
        const slot_id sid = h.heap.front().slot;
        std::pop_heap(h.heap.begin(), h.heap.end(), later_first{});
        h.heap.pop_back();
        feed_slot& s = m.slots[sid];
        m.unqueue_idle(sid);
        s.status = slot_status::running;
        ++h.running;
        ++m.in_flight;
        // Spacing counts from when the poll really starts, not from when it
        // could have: a late call must not let the next one follow at once.
        h.last_start = now;
        out.push_back(s.id);
        m.refresh(hid);
    }
    return out;
}

void scheduler::finished(const std::string& feed_id, steady_time /*now*/, steady_time next_due) {
    impl& m = *impl_;
    auto it = m.by_id.find(feed_id);
    if (it == m.by_id.end()) return;
    const slot_id sid = it->second;
    feed_slot& s = m.slots[sid];
    if (!s.orphan_hosts.empty()) {
        // The oldest poll in flight ends first: a removed incarnation's.
        const host_id hid = s.orphan_hosts.front();
        s.orphan_hosts.erase(s.orphan_hosts.begin());
        if (s.status == slot_status::tombstone && s.orphan_hosts.empty()) m.free_slot(sid);
        m.end_poll(hid);
        return;
    }
    if (s.status != slot_status::running) return;  // not ours: a stray or repeated call
    const host_id ran_on = s.host;
    if (s.pending_host) {
        s.host = *s.pending_host;
        s.pending_host.reset();
    }
    s.due = next_due;
    m.push_idle(sid);
    m.end_poll(ran_on);
}

std::optional<steady_time> scheduler::next_wakeup() const {
    if (impl_->ready.empty()) return std::nullopt;
    return impl_->ready.begin()->first;
}

std::optional<steady_time> scheduler::due_time(const std::string& feed_id) const {
    const feed_slot* s = impl_->find(feed_id);
    if (s == nullptr || s->status != slot_status::idle) return std::nullopt;
    return s->due;
}

steady_time initial_due(steady_time now, std::size_t index, std::size_t count,
                        std::chrono::milliseconds spread, double jitter) {
    if (count == 0 || spread <= std::chrono::milliseconds::zero()) return now;
    index = std::min(index, count - 1);
    // NaN fails both comparisons and becomes 0; 1 would reach the next slot.
    if (!(jitter >= 0.0)) jitter = 0.0;
    if (jitter >= 1.0) jitter = 0.0;
    // long double keeps the offset exact to the nanosecond for spreads of
    // years, where spread * index in integer nanoseconds could overflow.
    using ns = std::chrono::nanoseconds;
    const long double spread_ns = static_cast<long double>(ns{spread}.count());
    const long double offset =
        spread_ns * (static_cast<long double>(index) + jitter) / static_cast<long double>(count);
    return now +
           std::chrono::duration_cast<steady_time::duration>(ns{static_cast<ns::rep>(offset)});
}

namespace {

char to_lower_ascii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string host_of(std::string_view url) {
    std::string scheme;
    if (const auto colon = url.find("://"); colon != std::string_view::npos) {
        for (char c : url.substr(0, colon)) scheme.push_back(to_lower_ascii(c));
        url.remove_prefix(colon + 3);
    }
    std::string_view authority = url.substr(0, url.find_first_of("/?#"));
    // RFC 3986 3.2.1: userinfo ends at the last '@' of the authority.
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        // RFC 3986 3.2.2: an IPv6 literal keeps its brackets; a port follows ']'.
        const auto close = authority.find(']');
        if (close != std::string_view::npos) {
            host = authority.substr(0, close + 1);
            std::string_view rest = authority.substr(close + 1);
            if (!rest.empty() && rest.front() == ':') port = rest.substr(1);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    // "example.com." and "example.com" are one server.
    if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);

    std::string out;
    out.reserve(host.size() + 6);
    for (char c : host) out.push_back(to_lower_ascii(c));

    if (port.empty()) return out;
    if (is_all_digits(port)) {
        // "080" is port 80: leading zeros would otherwise split one host in two.
        port.remove_prefix(std::min(port.find_first_not_of('0'), port.size() - 1));
        const bool is_default = (scheme == "http" && port == "80") ||
                                (scheme == "https" && port == "443") ||
                                (scheme.empty() && (port == "80" || port == "443"));
        if (is_default) return out;
    }
    out.push_back(':');
    out.append(port);
    return out;
}

}  // namespace feedwire::daemon
