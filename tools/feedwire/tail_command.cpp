// `feedwire tail`: follows a Redis stream the way a consumer would and
// prints each item, as JSON Lines (the entry's `item` field, verbatim) or
// as one readable line per item. A tool, not the daemon: hiredis's
// synchronous API, one connection, one command at a time.
//
// Without --group it is XREAD from `$` (or `0`), remembering the last id.
// With --group it is XREADGROUP: first this consumer's own pending entries
// (id `0`, left by a run that stopped before acknowledging), then new ones
// (`>`); each batch is XACKed once printed, so delivery is at least once.
//
// Ctrl-C while blocked in XREAD: hiredis retries a read interrupted by a
// signal (EINTR), so the handler shuts the socket down instead; the read
// then fails and the loop sees the stop flag and exits 0.
#include "commands.hpp"
#include "feedwire/config/config.hpp"
#include "redis_session.hpp"

#include <hiredis.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

namespace feedwire::cli {
namespace {

// Entries per XREAD: a bound on one reply's memory; --count lowers it so
// a group consumer never takes entries it will not print and acknowledge.
constexpr long long batch_limit = 100;
// BLOCK per XREAD: the loop wakes this often even with no signal and no
// entries, so a lost wake-up can delay an exit by at most this long.
constexpr int block_ms = 5000;
constexpr std::chrono::seconds connect_timeout{5};
// Line format: agencies and feed ids up to this many bytes keep headlines aligned.
constexpr std::size_t agency_width = 14;

volatile std::sig_atomic_t stop_requested = 0;
volatile std::sig_atomic_t redis_fd = -1;

extern "C" void on_stop_signal(int) {
    stop_requested = 1;
    // shutdown(2) is async-signal-safe; it makes the blocked read return.
    if (redis_fd >= 0) ::shutdown(redis_fd, SHUT_RDWR);
}

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

// A URL that failed to parse has no redis_config to describe(): hide
// whatever sits between the scheme's "//" and the last '@'.
std::string redact_url(std::string_view url) {
    const auto scheme = url.find("://");
    const auto at = url.rfind('@');
    if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) {
        return std::string(url);
    }
    const auto userinfo = url.substr(scheme + 3, at - scheme - 3);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) return std::string(url);
    return std::string(url.substr(0, scheme + 3 + colon + 1)) + "***" + std::string(url.substr(at));
}

struct stream_entry {
    std::string id;
    std::vector<std::pair<std::string, std::string>> fields;  // empty: entry deleted

    const std::string* field(std::string_view name) const {
        for (const auto& [k, v] : fields) {
            if (k == name) return &v;
        }
        return nullptr;
    }
};

// XREAD/XREADGROUP reply: nil on timeout, else [[stream, [[id, [k, v, ...]]...]]].
std::vector<stream_entry> entries_of(const redisReply* reply) {
    std::vector<stream_entry> out;
    if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY) return out;
    for (std::size_t s = 0; s < reply->elements; ++s) {
        const redisReply* stream = reply->element[s];
        if (stream->type != REDIS_REPLY_ARRAY || stream->elements != 2) continue;
        const redisReply* list = stream->element[1];
        if (list->type != REDIS_REPLY_ARRAY) continue;
        for (std::size_t i = 0; i < list->elements; ++i) {
            const redisReply* e = list->element[i];
            if (e->type != REDIS_REPLY_ARRAY || e->elements != 2) continue;
            stream_entry entry;
            entry.id = as_string(e->element[0]);
            // A pending entry trimmed from the stream comes back with nil fields.
            const redisReply* kv = e->element[1];
            if (kv->type == REDIS_REPLY_ARRAY) {
                for (std::size_t k = 0; k + 1 < kv->elements; k += 2) {
                    entry.fields.emplace_back(as_string(kv->element[k]),
                                              as_string(kv->element[k + 1]));
                }
            }
            out.push_back(std::move(entry));
        }
    }
    return out;
}

std::string string_at(const nlohmann::json& j, std::initializer_list<const char*> path) {
    const nlohmann::json* cur = &j;
    for (const char* key : path) {
        if (!cur->is_object()) return {};
        const auto it = cur->find(key);
        if (it == cur->end()) return {};
        cur = &*it;
    }
    return cur->is_string() ? cur->get<std::string>() : std::string{};
}

// "2019-11-22T09:14:00Z" -> "2019-11-22 09:14"; other shapes pass through.
std::string display_time(const std::string& rfc3339) {
    if (rfc3339.size() >= 16 && rfc3339[10] == 'T') {
        return rfc3339.substr(0, 10) + ' ' + rfc3339.substr(11, 5);
    }
    return rfc3339.empty() ? std::string(16, ' ') : rfc3339;
}

// time  agency  [place] headline  [update rN] [dup]
std::string format_line(const stream_entry& entry) {
    nlohmann::json item;
    if (const std::string* raw = entry.field("item")) {
        item = nlohmann::json::parse(*raw, nullptr, false);
        if (item.is_discarded()) item = nlohmann::json::object();
    }
    auto pick = [&](std::initializer_list<const char*> path, const char* field_name) {
        std::string v = string_at(item, path);
        if (v.empty() && field_name != nullptr) {
            if (const std::string* f = entry.field(field_name)) v = *f;
        }
        return v;
    };
    const std::string time = pick({"versioncreated"}, "versioncreated");
    std::string agency = string_at(item, {"dateline", "agency"});
    if (agency.empty()) agency = string_at(item, {"copyrightholder"});
    if (agency.empty()) agency = pick({"source", "feed"}, "feed");
    std::string place = string_at(item, {"dateline", "place"});
    if (place.empty()) place = string_at(item, {"located"});
    std::string headline = pick({"headline"}, "headline");
    if (headline.empty()) headline = pick({"url"}, "url");

    std::string line = display_time(time) + "  " + agency;
    if (agency.size() < agency_width) line.append(agency_width - agency.size(), ' ');
    line += ' ';
    if (!place.empty()) line += '[' + place + "] ";
    line += headline;

    std::int64_t revision = 1;
    if (const auto it = item.find("revision"); it != item.end() && it->is_number_integer()) {
        revision = it->get<std::int64_t>();
    }
    const std::string* event = entry.field("event");
    if ((event != nullptr && *event == "update") || revision > 1) {
        line += " [update r" + std::to_string(revision) + ']';
    }
    std::string dup = string_at(item, {"duplicate_of"});
    if (const std::string* f = entry.field("duplicate_of"); dup.empty() && f != nullptr) dup = *f;
    if (!dup.empty()) line += " [dup]";
    return line;
}

// The item JSON on one line: verbatim unless it spans lines.
std::optional<std::string> format_json(const stream_entry& entry) {
    const std::string* raw = entry.field("item");
    if (raw == nullptr) return std::nullopt;
    if (raw->find('\n') == std::string::npos) return *raw;
    const auto j = nlohmann::json::parse(*raw, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

int run_tail(const tail_command_options& options) {
    std::string reason;
    const auto cfg = config::parse_redis_url(options.redis_url, reason);
    if (!cfg) {
        std::cerr << "feedwire tail: --redis \"" << redact_url(options.redis_url)
                  << "\": " << reason << '\n';
        return 1;
    }
    const std::string where = config::describe(*cfg);
    const bool as_json =
        options.format == "json" || (options.format.empty() && ::isatty(STDOUT_FILENO) == 0);
    const bool grouped = !options.group.empty();

    install_signal_handlers();
    redis_session redis(*cfg);
    // The handler may shut the socket down only while the session owns it.
    struct forget_fd {
        ~forget_fd() { redis_fd = -1; }
    } forget;
    if (!redis.connect(connect_timeout, [](int fd) { redis_fd = fd; })) {
        if (stop_requested != 0) return 0;
        std::cerr << "feedwire tail: cannot connect to " << where << ": " << redis.error() << '\n';
        return 1;
    }
    auto fail = [&](const char* what) {
        if (stop_requested != 0) return 0;
        std::cerr << "feedwire tail: " << what << " on " << where << " (stream " << options.stream
                  << "): " << redis.error() << '\n';
        return 1;
    };

    if (grouped) {
        const auto created = redis.command({"XGROUP", "CREATE", options.stream, options.group,
                                            options.from_start ? "0" : "$", "MKSTREAM"});
        if (!created && redis.error().rfind("BUSYGROUP", 0) != 0) return fail("XGROUP CREATE");
    }

    // Group mode pages through its own pending entries (from "0") before
    // new ones (">"); XREADGROUP returns pending entries after the id given.
    bool reading_pending = grouped;
    std::string last_id = (grouped || options.from_start) ? "0" : "$";
    std::uint64_t printed = 0;
    while (stop_requested == 0 && (options.count == 0 || printed < options.count)) {
        long long want = batch_limit;
        if (options.count != 0) {
            want = std::min<long long>(want, static_cast<long long>(options.count - printed));
        }
        std::vector<std::string> cmd;
        if (grouped) {
            cmd = {"XREADGROUP", "GROUP", options.group, options.consumer};
        } else {
            cmd = {"XREAD"};
        }
        cmd.insert(cmd.end(),
                   {"COUNT", std::to_string(want), "BLOCK", std::to_string(block_ms), "STREAMS",
                    options.stream, grouped && !reading_pending ? std::string(">") : last_id});
        const auto reply = redis.command(cmd);
        if (!reply) return fail(grouped ? "XREADGROUP" : "XREAD");
        const std::vector<stream_entry> entries = entries_of(reply.get());
        if (reading_pending && entries.empty()) {
            reading_pending = false;
            continue;
        }
        std::vector<std::string> ack = {"XACK", options.stream, options.group};
        for (const stream_entry& entry : entries) {
            last_id = entry.id;
            ack.push_back(entry.id);
            if (entry.fields.empty()) continue;  // trimmed while pending
            if (as_json) {
                const auto json = format_json(entry);
                if (!json) {
                    std::cerr << "feedwire tail: entry " << entry.id
                              << " has no readable item field; skipped\n";
                    continue;
                }
                std::cout << *json << '\n';
            } else {
                std::cout << format_line(entry) << '\n';
            }
            std::cout.flush();
            ++printed;
        }
        if (grouped && ack.size() > 3 && !redis.command(ack)) return fail("XACK");
    }
    return 0;
}

}  // namespace feedwire::cli
