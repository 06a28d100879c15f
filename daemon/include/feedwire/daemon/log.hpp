// Logging for the daemon, through spdlog to stderr. On a terminal lines carry
// a time and a level; under systemd (JOURNAL_STREAM set) they carry neither
// a time (journald adds its own) nor a level word, but the syslog priority
// prefix (<3> error, <4> warning, <6> info, <7> debug) journald reads.
#pragma once

#include <string_view>

namespace feedwire::daemon {

enum class log_level { debug, info, warn, error };

// Parses "debug", "info", "warn"/"warning", "error"; false when unknown.
bool parse_log_level(std::string_view text, log_level& out);

// Sets up the default logger; call once at start.
void setup_logging(log_level level);

}  // namespace feedwire::daemon
