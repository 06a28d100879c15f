// First stage: TOML text to typed values, checking every key against the
// schema as it goes so each problem keeps the line of its node. Includes and
// OPML lists are followed through the caller's file_source; a file met twice
// (a cycle or an overlapping glob) is read once. toml++ reports syntax errors
// by exception (Debian's build, see config/CMakeLists.txt); the one parse
// call catches it, so nothing escapes this file.
#include "feedwire/config/durations.hpp"
#include "feedwire/config/loader.hpp"
#include "loader_internal.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace feedwire::config {
namespace {

using detail::diagnostics;
using detail::feed_spec;

// Include chains deeper than this are a mistake, not a layout.
constexpr int max_include_depth = 16;

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::string type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a float";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return {};
    return path.substr(0, slash + 1);
}

// Lexical only ("a/b/../c" -> "a/c"), so one file spelled two ways is read
// once; symlinks are the operator's business.
std::string normalize(const std::string& path) {
    const bool is_absolute = !path.empty() && path.front() == '/';
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const std::string part = path.substr(start, end - start);
        if (part == "..") {
            if (!parts.empty() && parts.back() != "..") {
                parts.pop_back();
            } else if (!is_absolute) {
                parts.push_back(part);
            }
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = end + 1;
    }
    std::string out = is_absolute ? "/" : "";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out += '/';
        out += parts[i];
    }
    return out.empty() ? "." : out;
}

std::string resolve(const std::string& including_file, const std::string& path) {
    if (!path.empty() && path.front() == '/') return normalize(path);
    return normalize(directory_of(including_file) + path);
}

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

bool has_line_break(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos;
}

// A header name is an RFC 9110 5.1 token.
bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') ||
                        std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

bool is_valid_listen(std::string_view s) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const std::string_view port = s.substr(colon + 1);
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    return !port.empty() && ec == std::errc{} && ptr == port.data() + port.size() && value >= 1 &&
           value <= 65535;
}

class loader {
public:
    explicit loader(file_source& files) : files_(files) {}

    load_result run(const std::string& path) {
        load_result result;
        const std::optional<std::string> text = files_.read(path);
        if (!text) {
            diag_.error(config_errc::unreadable_file, path, 0, "", "cannot read file");
        } else {
            loaded_.insert(path);
            result.config.files.push_back(path);
            load_toml(path, *text, true, 0, result.config);
        }
        result.config.feeds = detail::validate_feeds(defaults_, feeds_, diag_);
        result.errors = std::move(diag_.errors);
        result.warnings = std::move(diag_.warnings);
        return result;
    }

private:
    file_source& files_;
    diagnostics diag_;
    feed_spec defaults_;
    std::vector<feed_spec> feeds_;
    std::set<std::string> loaded_;

    void error(config_errc code, const std::string& file, const toml::node& node, std::string key,
               std::string message) {
        diag_.error(code, file, line_of(node), std::move(key), std::move(message));
    }

    void wrong_type(const std::string& file, const toml::node& node, const std::string& key,
                    const std::string& expected) {
        error(config_errc::wrong_type, file, node, key,
              "expected " + expected + ", got " + type_name(node));
    }

    void unknown_key(const std::string& file, const toml::node& node, const std::string& key,
                     const std::vector<std::string_view>& allowed) {
        const auto dot = key.rfind('.');
        const std::string leaf = dot == std::string::npos ? key : key.substr(dot + 1);
        const std::string near = detail::suggest(leaf, allowed);
        error(config_errc::unknown_key, file, node, key,
              "unknown key" + (near.empty() ? std::string{} : "; did you mean \"" + near + "\"?"));
    }

    std::optional<std::string> get_string(const std::string& file, const toml::node& node,
                                          const std::string& key) {
        if (const auto* s = node.as_string()) {
            if (has_line_break(s->get())) {
                error(config_errc::bad_value, file, node, key, "must not contain a line break");
                return std::nullopt;
            }
            return s->get();
        }
        wrong_type(file, node, key, "a string");
        return std::nullopt;
    }

    std::optional<bool> get_bool(const std::string& file, const toml::node& node,
                                 const std::string& key) {
        if (const auto* b = node.as_boolean()) return b->get();
        wrong_type(file, node, key, "a boolean (true or false)");
        return std::nullopt;
    }

    std::optional<std::int64_t> get_int(const std::string& file, const toml::node& node,
                                        const std::string& key, std::int64_t min,
                                        std::int64_t max) {
        const auto* i = node.as_integer();
        if (i == nullptr) {
            wrong_type(file, node, key, "an integer");
            return std::nullopt;
        }
        if (i->get() < min || i->get() > max) {
            error(config_errc::bad_value, file, node, key,
                  "must be between " + std::to_string(min) + " and " + std::to_string(max));
            return std::nullopt;
        }
        return i->get();
    }

    std::optional<std::chrono::milliseconds> get_duration(const std::string& file,
                                                          const toml::node& node,
                                                          const std::string& key,
                                                          bool may_be_zero = false) {
        const auto* s = node.as_string();
        if (s == nullptr) {
            wrong_type(file, node, key, "a duration string such as \"90s\", \"5m\" or \"1h30m\"");
            return std::nullopt;
        }
        const auto d = parse_duration(s->get());
        if (!d || (d->count() == 0 && !may_be_zero)) {
            error(config_errc::bad_duration, file, node, key,
                  "\"" + s->get() + "\" is not a " + (may_be_zero ? "" : "positive ") +
                      "duration such as \"90s\", \"5m\", "
                      "\"1h30m\" or \"250ms\"");
            return std::nullopt;
        }
        return d;
    }

    std::optional<std::uint64_t> get_size(const std::string& file, const toml::node& node,
                                          const std::string& key) {
        std::optional<std::uint64_t> size;
        if (const auto* i = node.as_integer()) {
            if (i->get() > 0) size = static_cast<std::uint64_t>(i->get());
        } else if (const auto* s = node.as_string()) {
            size = parse_size(s->get());
        } else {
            wrong_type(file, node, key, "a size such as \"10MiB\" or a number of bytes");
            return std::nullopt;
        }
        if (!size || *size == 0) {
            error(config_errc::bad_size, file, node, key,
                  "not a positive size such as \"10MiB\", \"512KiB\", \"1GB\" or 1000");
            return std::nullopt;
        }
        return size;
    }

    std::optional<std::vector<std::string>> get_strings(const std::string& file,
                                                        const toml::node& node,
                                                        const std::string& key) {
        const auto* array = node.as_array();
        if (array == nullptr) {
            wrong_type(file, node, key, "an array of strings");
            return std::nullopt;
        }
        std::vector<std::string> out;
        for (const toml::node& element : *array) {
            auto s = get_string(file, element, key);
            if (!s) return std::nullopt;
            out.push_back(std::move(*s));
        }
        return out;
    }

    // include and opml take one string or an array of strings.
    std::vector<std::pair<std::string, const toml::node*>> get_paths(const std::string& file,
                                                                     const toml::node& node,
                                                                     const std::string& key) {
        std::vector<std::pair<std::string, const toml::node*>> out;
        if (const auto* s = node.as_string()) {
            out.emplace_back(s->get(), &node);
        } else if (const auto* array = node.as_array()) {
            for (const toml::node& element : *array) {
                if (const auto* e = element.as_string()) {
                    out.emplace_back(e->get(), &element);
                } else {
                    wrong_type(file, element, key, "a path string");
                }
            }
        } else {
            wrong_type(file, node, key, "a path or an array of paths");
        }
        return out;
    }

    void read_feed_keys(const std::string& file, const toml::table& table, feed_spec& spec,
                        bool is_defaults) {
        static const std::vector<std::string_view> feed_keys = {
            "id",         "url",  "title",  "interval", "timeout",       "max_body", "headers",
            "user_agent", "tags", "stream", "agency",   "fetch_article", "enabled"};
        static const std::vector<std::string_view> defaults_keys(feed_keys.begin() + 3,
                                                                 feed_keys.end());
        const std::string& p = spec.key_prefix;
        for (const auto& [k, node] : table) {
            const std::string name(k.str());
            const std::string key = p + "." + name;
            spec.key_lines[name] = line_of(node);
            const auto& allowed = is_defaults ? defaults_keys : feed_keys;
            if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
                unknown_key(file, node, key, allowed);
            } else if (name == "id") {
                spec.id = get_string(file, node, key);
                if (spec.id && !is_valid_feed_id(*spec.id)) {
                    error(config_errc::bad_value, file, node, key,
                          "\"" + *spec.id + "\": an id is 1-200 characters of [a-z0-9._-]");
                    spec.id.reset();
                }
            } else if (name == "url") {
                spec.url = get_string(file, node, key);
            } else if (name == "title") {
                spec.title = get_string(file, node, key);
            } else if (name == "interval") {
                spec.interval = get_duration(file, node, key);
            } else if (name == "timeout") {
                spec.timeout = get_duration(file, node, key);
            } else if (name == "max_body") {
                spec.max_body = get_size(file, node, key);
            } else if (name == "user_agent") {
                spec.user_agent = get_string(file, node, key);
            } else if (name == "stream") {
                spec.stream = get_string(file, node, key);
                if (spec.stream && spec.stream->empty()) {
                    error(config_errc::bad_value, file, node, key, "must not be empty");
                }
            } else if (name == "agency") {
                spec.agency = get_string(file, node, key);
            } else if (name == "tags") {
                spec.tags = get_strings(file, node, key);
            } else if (name == "fetch_article") {
                spec.fetch_article = get_bool(file, node, key);
            } else if (name == "enabled") {
                spec.enabled = get_bool(file, node, key);
            } else if (name == "headers") {
                read_headers(file, node, key, spec);
            }
        }
    }

    void read_headers(const std::string& file, const toml::node& node, const std::string& key,
                      feed_spec& spec) {
        const auto* table = node.as_table();
        if (table == nullptr) {
            wrong_type(file, node, key, "a table of header names to strings");
            return;
        }
        std::map<std::string, std::string> headers;
        for (const auto& [k, value] : *table) {
            const std::string name(k.str());
            if (!is_token(name)) {
                error(config_errc::bad_value, file, value, key + "." + name,
                      "not a valid HTTP header name");
                continue;
            }
            // get_string rejects CR and LF, which would inject headers.
            if (auto s = get_string(file, value, key + "." + name)) headers[name] = std::move(*s);
        }
        spec.headers = std::move(headers);
    }

    // Shorter than a round trip under load drops healthy connections over
    // and over; longer than an hour leaves a frozen server unnoticed.
    std::optional<std::chrono::milliseconds> get_redis_timeout(const std::string& file,
                                                               const toml::node& node,
                                                               const std::string& key) {
        auto d = get_duration(file, node, key);
        if (!d) return std::nullopt;
        if (*d < std::chrono::milliseconds{100} || *d > std::chrono::hours{1}) {
            error(config_errc::bad_value, file, node, key, "must be between 100ms and 1h");
            return std::nullopt;
        }
        return d;
    }

    void read_redis(const std::string& file, const toml::node& node, redis_config& redis) {
        const auto* table = node.as_table();
        if (table == nullptr) return wrong_type(file, node, "redis", "a table");
        static const std::vector<std::string_view> keys = {
            "url",           "maxlen",       "connect_timeout",  "command_timeout",
            "wait_replicas", "wait_timeout", "sentinel_password"};
        const toml::node* url_node = nullptr;
        const toml::node* wait_node = nullptr;
        const toml::node* sentinel_password_node = nullptr;
        for (const auto& [k, value] : *table) {
            const std::string name(k.str());
            const std::string key = "redis." + name;
            if (name == "url") {
                const auto url = get_string(file, value, key);
                if (!url) continue;
                std::string reason;
                if (auto parsed = parse_redis_url(*url, reason)) {
                    // The other keys of the table may come first.
                    parsed->maxlen = redis.maxlen;
                    parsed->connect_timeout = redis.connect_timeout;
                    parsed->command_timeout = redis.command_timeout;
                    parsed->sentinel_password = std::move(redis.sentinel_password);
                    parsed->wait_replicas = redis.wait_replicas;
                    parsed->wait_timeout = redis.wait_timeout;
                    redis = std::move(*parsed);
                    url_node = &value;
                } else {
                    error(config_errc::bad_redis_url, file, value, key,
                          "\"" + *url + "\": " + reason);
                }
            } else if (name == "maxlen") {
                if (const auto n = get_int(file, value, key, 1, std::int64_t{1} << 40)) {
                    redis.maxlen = static_cast<std::uint64_t>(*n);
                }
            } else if (name == "connect_timeout") {
                if (auto d = get_redis_timeout(file, value, key)) redis.connect_timeout = *d;
            } else if (name == "command_timeout") {
                if (auto d = get_redis_timeout(file, value, key)) redis.command_timeout = *d;
            } else if (name == "wait_replicas") {
                if (const auto n = get_int(file, value, key, 0, 16)) {
                    redis.wait_replicas = static_cast<int>(*n);
                }
            } else if (name == "wait_timeout") {
                if (auto d = get_duration(file, value, key)) {
                    redis.wait_timeout = *d;
                    wait_node = &value;
                }
            } else if (name == "sentinel_password") {
                if (auto s = get_string(file, value, key)) {
                    redis.sentinel_password = std::move(*s);
                    sentinel_password_node = &value;
                }
            } else {
                unknown_key(file, value, key, keys);
            }
        }
        // WAIT blocks the connection: an answer later than command_timeout
        // would drop it every time.
        if (redis.wait_replicas > 0 && redis.wait_timeout >= redis.command_timeout) {
            error(config_errc::bad_value, file, wait_node != nullptr ? *wait_node : node,
                  "redis.wait_timeout", "must be shorter than redis.command_timeout");
        }
        if (sentinel_password_node != nullptr && url_node != nullptr &&
            redis.scheme != redis_scheme::sentinel) {
            error(config_errc::bad_value, file, *sentinel_password_node, "redis.sentinel_password",
                  "only for a redis+sentinel:// url");
        }
    }

    void read_daemon(const std::string& file, const toml::node& node, daemon_config& daemon) {
        const auto* table = node.as_table();
        if (table == nullptr) return wrong_type(file, node, "daemon", "a table");
        static const std::vector<std::string_view> keys = {
            "state_dir",        "listen",
            "user_agent",       "contact_url",
            "shutdown_timeout", "min_interval",
            "max_interval",     "per_host_connections",
            "per_host_spacing", "allow_private_networks",
            "spool_max",        "spool_sync",
            "instance_id",      "instance_ttl"};
        for (const auto& [k, value] : *table) {
            const std::string name(k.str());
            const std::string key = "daemon." + name;
            if (name == "state_dir") {
                if (auto s = get_string(file, value, key)) {
                    if (s->empty()) {
                        error(config_errc::bad_value, file, value, key, "must not be empty");
                    } else {
                        daemon.state_dir = std::move(*s);
                    }
                }
            } else if (name == "listen") {
                if (auto s = get_string(file, value, key)) {
                    if (!s->empty() && !is_valid_listen(*s)) {
                        error(config_errc::bad_value, file, value, key,
                              "\"" + *s + "\" is not host:port (or \"\" to turn it off)");
                    } else {
                        daemon.listen = std::move(*s);
                    }
                }
            } else if (name == "user_agent") {
                if (auto s = get_string(file, value, key)) daemon.user_agent = std::move(*s);
            } else if (name == "contact_url") {
                if (auto s = get_string(file, value, key)) daemon.contact_url = std::move(*s);
            } else if (name == "shutdown_timeout") {
                if (auto d = get_duration(file, value, key)) daemon.shutdown_timeout = *d;
            } else if (name == "min_interval") {
                if (auto d = get_duration(file, value, key)) daemon.min_interval = *d;
            } else if (name == "max_interval") {
                if (auto d = get_duration(file, value, key)) daemon.max_interval = *d;
            } else if (name == "per_host_connections") {
                if (auto n = get_int(file, value, key, 1, 64)) {
                    daemon.per_host_connections = static_cast<int>(*n);
                }
            } else if (name == "per_host_spacing") {
                if (auto d = get_duration(file, value, key, true)) daemon.per_host_spacing = *d;
            } else if (name == "allow_private_networks") {
                if (auto b = get_bool(file, value, key)) daemon.allow_private_networks = *b;
            } else if (name == "spool_max") {
                if (auto n = get_size(file, value, key)) daemon.spool_max = *n;
            } else if (name == "spool_sync") {
                if (auto d = get_duration(file, value, key, true)) daemon.spool_sync = *d;
            } else if (name == "instance_id") {
                if (auto s = get_string(file, value, key)) daemon.instance_id = std::move(*s);
            } else if (name == "instance_ttl") {
                if (auto d = get_duration(file, value, key)) {
                    if (*d < std::chrono::seconds{1}) {
                        error(config_errc::bad_value, file, value, key, "must be at least 1s");
                    } else {
                        daemon.instance_ttl = *d;
                    }
                }
            } else {
                unknown_key(file, value, key, keys);
            }
        }
        if (daemon.min_interval > daemon.max_interval) {
            error(config_errc::bad_value, file, node, "daemon.min_interval",
                  "is longer than daemon.max_interval");
        }
    }

    std::optional<near_duplicate_action> get_action(const std::string& file, const toml::node& node,
                                                    const std::string& key) {
        const auto s = get_string(file, node, key);
        if (!s) return std::nullopt;
        if (*s == "mark") return near_duplicate_action::mark;
        if (*s == "drop") return near_duplicate_action::drop;
        if (*s == "off") return near_duplicate_action::off;
        error(config_errc::bad_value, file, node, key,
              "\"" + *s + "\" is not one of \"mark\", \"drop\", \"off\"");
        return std::nullopt;
    }

    void read_dedup(const std::string& file, const toml::node& node, dedup_config& dedup) {
        const auto* table = node.as_table();
        if (table == nullptr) return wrong_type(file, node, "dedup", "a table");
        static const std::vector<std::string_view> keys = {"retention",       "near_window",
                                                           "near_index_size", "near_bands",
                                                           "near_duplicates", "streams"};
        for (const auto& [k, value] : *table) {
            const std::string name(k.str());
            const std::string key = "dedup." + name;
            if (name == "retention") {
                if (auto d = get_duration(file, value, key)) {
                    if (*d < std::chrono::hours{1}) {
                        error(config_errc::bad_value, file, value, key,
                              "must be at least 1h: a shorter memory delivers items again");
                    } else {
                        dedup.retention = *d;
                    }
                }
            } else if (name == "near_window") {
                if (auto d = get_duration(file, value, key)) {
                    if (*d < std::chrono::minutes{10}) {
                        error(config_errc::bad_value, file, value, key, "must be at least 10m");
                    } else {
                        dedup.near_window = *d;
                    }
                }
            } else if (name == "near_index_size") {
                if (auto size = get_size(file, value, key)) {
                    if (*size < (64U << 10U) || *size > (512U << 20U)) {
                        error(config_errc::bad_value, file, value, key,
                              "must be from 64KiB to 512MiB (a Redis string)");
                    } else {
                        dedup.near_index_size = *size;
                    }
                }
            } else if (name == "near_bands") {
                if (auto bands = get_int(file, value, key, 16, 32)) {
                    if (*bands != 16 && *bands != 32) {
                        error(config_errc::bad_value, file, value, key,
                              "must be 16 or 32 (LSH bands of 2 bins each)");
                    } else {
                        dedup.near_bands = static_cast<std::uint32_t>(*bands);
                    }
                }
            } else if (name == "near_duplicates") {
                if (auto a = get_action(file, value, key)) dedup.near_duplicates = *a;
            } else if (name == "streams") {
                const auto* streams = value.as_table();
                if (streams == nullptr) {
                    wrong_type(file, value, key, "a table of stream = \"mark\"|\"drop\"|\"off\"");
                    continue;
                }
                for (const auto& [stream, action] : *streams) {
                    const std::string sname(stream.str());
                    if (auto a = get_action(file, action, key + "." + sname))
                        dedup.streams[sname] = *a;
                }
            } else {
                unknown_key(file, value, key, keys);
            }
        }
    }

    void read_feeds(const std::string& file, const toml::node& node) {
        const auto* array = node.as_array();
        if (array == nullptr || !array->is_array_of_tables()) {
            return wrong_type(file, node, "feed", "an array of tables: write [[feed]]");
        }
        for (const toml::node& element : *array) {
            feed_spec spec;
            spec.file = file;
            spec.line = line_of(element);
            read_feed_keys(file, *element.as_table(), spec, false);
            feeds_.push_back(std::move(spec));
        }
    }

    // Each path or glob of an include/opml key, each match read once.
    template <typename Load>
    void follow(const std::string& file, const toml::node& node, const std::string& key,
                Load load) {
        for (const auto& [path, element] : get_paths(file, node, key)) {
            const std::string resolved = resolve(file, path);
            std::vector<std::string> matches;
            if (has_glob_chars(resolved)) {
                matches = files_.glob(resolved);
                if (matches.empty()) {
                    diag_.warning(config_errc::no_match, file, line_of(*element), key,
                                  "\"" + resolved + "\" matches no file");
                }
            } else {
                matches.push_back(resolved);
            }
            for (const std::string& match : matches) {
                if (!loaded_.insert(match).second) continue;
                const std::optional<std::string> text = files_.read(match);
                if (!text) {
                    diag_.error(config_errc::unreadable_file, file, line_of(*element), key,
                                "cannot read \"" + match + "\"");
                    continue;
                }
                load(match, *text);
            }
        }
    }

    void load_toml(const std::string& file, const std::string& text, bool is_main, int depth,
                   configuration& config) {
        toml::table root;
        try {
            root = toml::parse(text, file);
        } catch (const toml::parse_error& e) {
            diag_.error(config_errc::syntax, file, static_cast<int>(e.source().begin.line), "",
                        std::string(e.description()));
            return;
        }
        static const std::vector<std::string_view> main_keys = {
            "redis", "daemon", "dedup", "defaults", "feed", "include", "opml"};
        for (const auto& [k, node] : root) {
            const std::string name(k.str());
            const bool main_only =
                name == "redis" || name == "daemon" || name == "dedup" || name == "defaults";
            if (main_only && !is_main) {
                error(config_errc::unknown_key, file, node, name,
                      "allowed only in the main configuration file");
            } else if (name == "redis") {
                read_redis(file, node, config.redis);
            } else if (name == "daemon") {
                read_daemon(file, node, config.daemon);
            } else if (name == "dedup") {
                read_dedup(file, node, config.dedup);
            } else if (name == "defaults") {
                if (const auto* table = node.as_table()) {
                    defaults_.file = file;
                    defaults_.line = line_of(node);
                    defaults_.key_prefix = "defaults";
                    read_feed_keys(file, *table, defaults_, true);
                } else {
                    wrong_type(file, node, "defaults", "a table");
                }
            } else if (name == "feed") {
                read_feeds(file, node);
            } else if (name == "include") {
                if (depth >= max_include_depth) {
                    error(config_errc::bad_value, file, node, "include",
                          "includes nested deeper than " + std::to_string(max_include_depth));
                    continue;
                }
                follow(file, node, "include",
                       [&](const std::string& path, const std::string& included) {
                           config.files.push_back(path);
                           load_toml(path, included, false, depth + 1, config);
                       });
            } else if (name == "opml") {
                follow(file, node, "opml", [&](const std::string& path, const std::string& xml) {
                    config.files.push_back(path);
                    detail::read_opml(path, xml, feeds_, diag_);
                });
            } else {
                unknown_key(file, node, name, main_keys);
            }
        }
    }
};

}  // namespace

load_result load_config(const std::string& path, file_source& files) {
    return loader(files).run(path);
}

}  // namespace feedwire::config
