// Comparing two configurations for a reload; see reload.hpp.
#include "feedwire/daemon/reload.hpp"

#include <tuple>
#include <unordered_map>

namespace feedwire::daemon {
namespace {

auto feed_tie(const config::feed_config& f) {
    return std::tie(f.id, f.url, f.title, f.interval, f.timeout, f.max_body, f.headers,
                    f.user_agent, f.tags, f.stream, f.agency, f.fetch_article, f.enabled);
}

auto redis_tie(const config::redis_config& r) {
    return std::tie(r.scheme, r.host, r.port, r.socket_path, r.db, r.user, r.password, r.maxlen,
                    r.sentinels, r.master_name, r.sentinel_password, r.wait_replicas,
                    r.wait_timeout);
}

auto dedup_tie(const config::dedup_config& d) {
    return std::tie(d.retention, d.near_window, d.near_index_size, d.near_bands, d.near_duplicates,
                    d.streams);
}

}  // namespace

bool same_feed_settings(const config::feed_config& a, const config::feed_config& b) {
    return feed_tie(a) == feed_tie(b);
}

reload_plan plan_reload(const config::configuration& running, const config::configuration& next) {
    reload_plan plan;
    plan.config = next;

    // Bound to what the service opened at start: kept, and reported.
    auto& d = plan.config.daemon;
    const auto& was = running.daemon;
    const auto keep = [&plan](auto& field, const auto& running_value, const char* name) {
        if (field == running_value) return;
        plan.restart_only.emplace_back(name);
        field = running_value;
    };
    keep(d.state_dir, was.state_dir, "daemon.state_dir");
    keep(d.listen, was.listen, "daemon.listen");
    keep(d.per_host_connections, was.per_host_connections, "daemon.per_host_connections");
    keep(d.per_host_spacing, was.per_host_spacing, "daemon.per_host_spacing");
    keep(d.spool_max, was.spool_max, "daemon.spool_max");
    keep(d.spool_sync, was.spool_sync, "daemon.spool_sync");
    keep(d.instance_id, was.instance_id, "daemon.instance_id");
    keep(d.instance_ttl, was.instance_ttl, "daemon.instance_ttl");
    if (redis_tie(plan.config.redis) != redis_tie(running.redis)) {
        plan.restart_only.emplace_back("redis");
        plan.config.redis = running.redis;
    }
    if (dedup_tie(plan.config.dedup) != dedup_tie(running.dedup)) {
        plan.restart_only.emplace_back("dedup");
        plan.config.dedup = running.dedup;
    }

    std::unordered_map<std::string, const config::feed_config*> before;
    for (const auto& f : running.feeds) before.emplace(f.id, &f);
    std::unordered_map<std::string, bool> still_there;
    for (const auto& f : next.feeds) {
        auto it = before.find(f.id);
        if (it == before.end()) {
            plan.added.push_back(f);
            continue;
        }
        still_there[f.id] = true;
        if (same_feed_settings(*it->second, f)) {
            ++plan.unchanged;
        } else {
            plan.changed.push_back(f);
        }
    }
    for (const auto& f : running.feeds) {
        if (!still_there.contains(f.id)) plan.removed.push_back(f.id);
    }
    return plan;
}

}  // namespace feedwire::daemon
