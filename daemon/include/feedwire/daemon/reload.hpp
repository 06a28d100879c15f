// What a reload (SIGHUP) changes: the running configuration against the one
// just read, feed by feed (by id). Pure: the service applies the plan.
//
// Feeds are added, removed, changed (any setting but where it was defined:
// moving a feed to another line or file is no change) or unchanged, which
// keep their state and schedule. Settings bound to open resources (the
// Redis connection, the spool in state_dir, the scheduler's per-host
// limits, the dedup rules the deliverer was built with) keep their running
// values; the plan names them so the operator learns that they wait for a
// restart.
#pragma once

#include "feedwire/config/config.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace feedwire::daemon {

struct reload_plan {
    config::configuration config;  // the one to run: the new one, restart-only settings kept
    std::vector<config::feed_config> added;
    std::vector<config::feed_config> changed;  // their new settings
    std::vector<std::string> removed;          // ids
    std::size_t unchanged = 0;
    std::vector<std::string> restart_only;  // changed settings that wait for a restart
};

reload_plan plan_reload(const config::configuration& running, const config::configuration& next);

// Every setting of a feed but `file` and `line`.
bool same_feed_settings(const config::feed_config& a, const config::feed_config& b);

}  // namespace feedwire::daemon
