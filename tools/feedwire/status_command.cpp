// `feedwire status`: the feeds table of the daemon's /feeds endpoint, read
// from Redis instead, so it works whether or not the daemon (or its HTTP
// endpoint) runs. The feed list comes from the configuration file through
// the daemon's loader; each feed's state is the hash the daemon writes after
// every poll (feedwire:feed:{id}, feed_state.hpp), fetched with one
// pipelined HGETALL per feed. The rows are the daemon's own feed_status,
// failing feeds first, so the tool, /feeds and the status page agree.
//
// On a terminal: an aligned table with relative times ("3m ago", "in 5m"),
// failing rows in red (not when NO_COLOR is set). --json prints exactly
// what /feeds serves (RFC 3339 UTC times). Text that a feed's server
// supplied (error messages) has its control characters replaced: a hostile
// server must not drive the terminal.
#include "commands.hpp"
#include "feedwire/config/loader.hpp"
#include "feedwire/daemon/config_files.hpp"
#include "feedwire/daemon/feed_state.hpp"
#include "feedwire/daemon/http_endpoint.hpp"
#include "feedwire/daemon/metrics.hpp"
#include "feedwire/daemon/status_page.hpp"
#include "redis_session.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace feedwire::cli {
namespace {

namespace chr = std::chrono;
using time_point = chr::system_clock::time_point;

// Control characters (C0, DEL, and C1 as UTF-8) become spaces.
std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) {
            out += ' ';
        } else if (c == 0xc2 && i + 1 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            out += ' ';
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

// Columns on a terminal: code points, not bytes (ids and errors may be UTF-8).
std::size_t display_width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    }));
}

struct column {
    const char* title;
    bool is_numeric;
};

// The status page's columns, in its order.
constexpr column columns[] = {
    {"FEED", false},         {"URL", false},       {"LAST POLL", false},
    {"LAST SUCCESS", false}, {"NEXT POLL", false}, {"ERRORS", true},
    {"ITEMS", true},         {"OWNER", false},     {"STATUS", false},
};
constexpr std::size_t column_count = std::size(columns);

// The status page's cells, as text.
std::vector<std::string> row_of(const daemon::feed_status& f, time_point now) {
    return {
        printable(f.id) + (f.enabled ? "" : " (disabled)"),
        printable(f.url),
        daemon::relative_time(f.last_poll, now),
        daemon::relative_time(f.last_success, now),
        f.is_gone ? std::string("never (gone)") : daemon::relative_time(f.next_poll, now),
        std::to_string(f.consecutive_errors),
        std::to_string(f.items_delivered),
        f.owner.empty() ? std::string("-") : printable(f.owner),
        printable(daemon::status_text(f)),
    };
}

void print_table(const daemon::status_snapshot& s, const std::string& where, bool has_color) {
    std::vector<daemon::feed_status> feeds = s.feeds;
    daemon::failing_first(feeds);
    std::vector<std::vector<std::string>> rows;
    rows.reserve(feeds.size());
    for (const auto& f : feeds) rows.push_back(row_of(f, s.now));

    std::size_t widths[column_count];
    for (std::size_t c = 0; c < column_count; ++c) {
        widths[c] = display_width(columns[c].title);
        for (const auto& r : rows) widths[c] = std::max(widths[c], display_width(r[c]));
    }
    // Two spaces between columns; the last one is not padded.
    const auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t c = 0; c < column_count; ++c) {
            const std::size_t pad = widths[c] - display_width(cells[c]);
            if (c > 0) out += "  ";
            if (columns[c].is_numeric) out.append(pad, ' ');
            out += cells[c];
            if (!columns[c].is_numeric && c + 1 < column_count) out.append(pad, ' ');
        }
        return out;
    };
    std::vector<std::string> titles;
    for (const auto& c : columns) titles.emplace_back(c.title);
    const char* bold = has_color ? "\033[1m" : "";
    const char* red = has_color ? "\033[31m" : "";
    const char* reset = has_color ? "\033[0m" : "";
    std::cout << bold << line(titles) << reset << '\n';
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const bool is_failing = feeds[i].is_failing();
        std::cout << (is_failing ? red : "") << line(rows[i]) << (is_failing ? reset : "") << '\n';
    }
    std::uint64_t items = 0;
    for (const auto& f : feeds) items += f.items_delivered;
    const std::size_t failing = s.failing_feeds();
    std::cout << '\n'
              << s.enabled_feeds() << (s.enabled_feeds() == 1 ? " feed, " : " feeds, ")
              << (failing > 0 ? red : "") << failing << " failing" << (failing > 0 ? reset : "")
              << ", " << items << " items delivered (redis " << where << ")\n";
}

}  // namespace

int run_status(const status_command_options& options) {
    daemon::filesystem_source files;
    const config::load_result loaded = config::load_config(options.config_file, files);
    if (!loaded.ok()) {
        for (const auto& e : loaded.errors) std::cerr << config::describe(e) << '\n';
        std::cerr << "feedwire status: " << options.config_file << ": " << loaded.errors.size()
                  << " configuration errors\n";
        return 1;
    }
    const config::configuration& cfg = loaded.config;
    const std::string where = config::describe(cfg.redis);

    redis_session redis(cfg.redis);
    if (!redis.connect(cfg.redis.connect_timeout) ||
        !redis.set_command_timeout(cfg.redis.command_timeout)) {
        std::cerr << "feedwire status: cannot connect to redis " << where << ": " << redis.error()
                  << '\n';
        return 1;
    }
    std::vector<std::vector<std::string>> commands;
    commands.reserve(cfg.feeds.size());
    for (const auto& f : cfg.feeds) commands.push_back({"HGETALL", daemon::feed_state_key(f.id)});
    const std::vector<reply_ptr> replies = redis.pipeline(commands);
    if (replies.size() != commands.size()) {
        std::cerr << "feedwire status: reading feed states from redis " << where << ": "
                  << redis.error() << '\n';
        return 1;
    }

    daemon::status_snapshot s;
    s.now = chr::system_clock::now();
    s.redis_address = where;
    s.is_redis_connected = true;
    for (std::size_t i = 0; i < cfg.feeds.size(); ++i) {
        std::map<std::string, std::string> fields;
        const redisReply* r = replies[i].get();
        if (r->type == REDIS_REPLY_ARRAY) {
            for (std::size_t k = 0; k + 1 < r->elements; k += 2)
                fields[as_string(r->element[k])] = as_string(r->element[k + 1]);
        }
        s.feeds.push_back(daemon::feed_status_of(cfg.feeds[i], daemon::from_fields(fields)));
    }

    if (options.as_json) {
        std::cout << daemon::render_feeds_json(s);
        return 0;
    }
    const bool is_terminal = ::isatty(STDOUT_FILENO) == 1;
    const char* no_color = std::getenv("NO_COLOR");
    print_table(s, where, is_terminal && (no_color == nullptr || *no_color == '\0'));
    return 0;
}

}  // namespace feedwire::cli
