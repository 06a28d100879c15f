// Parsing helpers for the configuration types: Redis URLs and feed ids. Both
// are string work only; name resolution and connecting are the daemon's.
#include "feedwire/config/config.hpp"

#include <charconv>

namespace feedwire::config {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out.push_back(in[i]);
            continue;
        }
        if (i + 2 >= in.size()) return std::nullopt;
        const int hi = hex_value(in[i + 1]);
        const int lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

template <typename Int>
bool parse_int(std::string_view s, Int& out) {
    if (s.empty()) return false;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && ptr == s.data() + s.size();
}

bool parse_db(std::string_view s, int& db, std::string& reason) {
    // Redis ships with 16 databases; larger indexes need a configured server,
    // so only the sign and the range of int are checked here.
    if (!parse_int(s, db) || db < 0) {
        reason = "database must be a non-negative integer, got \"" + std::string(s) + "\"";
        return false;
    }
    return true;
}

// "[user[:password]@]" off the front of `authority`, percent-decoded.
bool take_userinfo(std::string_view& authority, redis_config& out, std::string& reason) {
    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) return true;
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password = colon == std::string_view::npos ? std::optional<std::string>{std::string{}}
                                                    : percent_decode(userinfo.substr(colon + 1));
    if (!user || !password) {
        reason = "bad percent-encoding in user or password";
        return false;
    }
    out.user = std::move(*user);
    out.password = std::move(*password);
    return true;
}

// host[:port] or [IPv6][:port]; the port stays as given when absent.
bool parse_endpoint(std::string_view authority, redis_endpoint& out, std::string& reason) {
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            reason = "unterminated [IPv6] host";
            return false;
        }
        out.host = std::string(authority.substr(1, close - 1));
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                reason = "unexpected text after [IPv6] host";
                return false;
            }
            port_text = after.substr(1);
            has_port = true;
        }
    } else {
        const auto colon = authority.find(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
            has_port = true;
        }
    }
    if (out.host.empty()) {
        reason = "missing host";
        return false;
    }
    if (has_port) {
        std::uint16_t port = 0;
        if (!parse_int(port_text, port) || port == 0) {
            reason = "port must be 1-65535, got \"" + std::string(port_text) + "\"";
            return false;
        }
        out.port = port;
    }
    return true;
}

// redis+sentinel://[userinfo@]host[:port][,host[:port]...]/name[/db]
std::optional<redis_config> parse_sentinel_url(std::string_view rest, std::string& reason) {
    redis_config out;
    out.scheme = redis_scheme::sentinel;
    out.host.clear();
    out.port = 0;
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (!take_userinfo(authority, out, reason)) return std::nullopt;
    while (true) {
        const auto comma = authority.find(',');
        redis_endpoint sentinel{{}, 26379};
        if (!parse_endpoint(authority.substr(0, comma), sentinel, reason)) {
            reason = "Sentinel " + std::to_string(out.sentinels.size() + 1) + ": " + reason;
            return std::nullopt;
        }
        out.sentinels.push_back(std::move(sentinel));
        if (comma == std::string_view::npos) break;
        authority = authority.substr(comma + 1);
    }
    const std::string_view path =
        slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    const auto name_end = path.find('/');
    const auto name = percent_decode(path.substr(0, name_end));
    if (!name || name->empty()) {
        reason =
            "missing the name the Sentinels monitor the primary under: "
            "redis+sentinel://host:26379/mymaster";
        return std::nullopt;
    }
    out.master_name = *name;
    if (name_end != std::string_view::npos) {
        const std::string_view db = path.substr(name_end + 1);
        if (!db.empty() && !parse_db(db, out.db, reason)) return std::nullopt;
    }
    return out;
}

}  // namespace

std::optional<redis_config> parse_redis_url(std::string_view url, std::string& reason) {
    redis_config out;
    constexpr std::string_view unix_prefix = "unix://";
    constexpr std::string_view tcp_prefix = "redis://";
    constexpr std::string_view sentinel_prefix = "redis+sentinel://";
    if (url.substr(0, unix_prefix.size()) == unix_prefix) {
        std::string_view rest = url.substr(unix_prefix.size());
        const auto query = rest.find('?');
        std::string_view path = rest.substr(0, query);
        if (path.empty() || path.front() != '/') {
            reason = "a unix URL needs an absolute socket path: unix:///run/redis.sock";
            return std::nullopt;
        }
        out.scheme = redis_scheme::unix_socket;
        out.host.clear();
        out.port = 0;
        out.socket_path = std::string(path);
        if (query != std::string_view::npos) {
            const std::string_view q = rest.substr(query + 1);
            if (q.substr(0, 3) != "db=") {
                reason = "the only query parameter of a unix URL is db=N";
                return std::nullopt;
            }
            if (!parse_db(q.substr(3), out.db, reason)) return std::nullopt;
        }
        return out;
    }
    if (url.substr(0, sentinel_prefix.size()) == sentinel_prefix) {
        return parse_sentinel_url(url.substr(sentinel_prefix.size()), reason);
    }
    if (url.substr(0, 9) == "rediss://") {
        reason = "TLS (rediss://) is not supported: Debian 12's hiredis 0.14 has no TLS";
        return std::nullopt;
    }
    if (url.substr(0, tcp_prefix.size()) != tcp_prefix) {
        reason = "must start with redis://, redis+sentinel:// or unix://";
        return std::nullopt;
    }
    std::string_view rest = url.substr(tcp_prefix.size());
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) {
        const std::string_view db = rest.substr(slash + 1);
        if (!db.empty() && !parse_db(db, out.db, reason)) return std::nullopt;
    }
    if (!take_userinfo(authority, out, reason)) return std::nullopt;
    redis_endpoint where{{}, out.port};
    if (!parse_endpoint(authority, where, reason)) return std::nullopt;
    out.host = std::move(where.host);
    out.port = where.port;
    return out;
}

std::string describe(const redis_endpoint& where) {
    const bool is_ipv6 = where.host.find(':') != std::string::npos;
    return (is_ipv6 ? "[" + where.host + "]" : where.host) + ':' + std::to_string(where.port);
}

std::optional<redis_endpoint> sentinel_primary(bool is_pair, std::string_view host,
                                               std::string_view port, std::string_view master_name,
                                               std::string& reason) {
    if (!is_pair || host.empty()) {
        reason = "does not know a primary named \"" + std::string(master_name) + "\"";
        return std::nullopt;
    }
    std::uint16_t n = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc{} || end != port.data() + port.size() || n == 0) {
        reason = "named the primary at a bad port \"" + std::string(port) + "\"";
        return std::nullopt;
    }
    return redis_endpoint{std::string(host), n};
}

std::string describe(const redis_config& redis) {
    if (redis.scheme == redis_scheme::unix_socket) {
        std::string s = "unix://" + redis.socket_path;
        if (redis.db != 0) s += "?db=" + std::to_string(redis.db);
        return s;
    }
    const bool is_sentinel = redis.scheme == redis_scheme::sentinel;
    std::string s = is_sentinel ? "redis+sentinel://" : "redis://";
    if (!redis.user.empty() || !redis.password.empty()) {
        s += redis.user;
        if (!redis.password.empty()) s += ":***";
        s += '@';
    }
    if (!is_sentinel)
        return s + describe(redis_endpoint{redis.host, redis.port}) + '/' +
               std::to_string(redis.db);
    for (std::size_t i = 0; i < redis.sentinels.size(); ++i) {
        if (i > 0) s += ',';
        s += describe(redis.sentinels[i]);
    }
    return s + '/' + redis.master_name + '/' + std::to_string(redis.db);
}

std::string derive_feed_id(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end != std::string_view::npos) url = url.substr(scheme_end + 3);
    const auto fragment = url.find('#');
    url = url.substr(0, fragment);
    const auto authority_end = url.find_first_of("/?");
    const auto at = url.substr(0, authority_end).rfind('@');
    if (at != std::string_view::npos) url = url.substr(at + 1);
    std::string id;
    id.reserve(url.size());
    for (char c : url) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        const bool keep =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        const char out = keep ? c : '-';
        if (out == '-' && !id.empty() && id.back() == '-') continue;
        id.push_back(out);
    }
    while (!id.empty() && id.back() == '-') id.pop_back();
    const auto first = id.find_first_not_of('-');
    return first == std::string::npos ? std::string{} : id.substr(first);
}

bool is_valid_feed_id(std::string_view id) {
    if (id.empty() || id.size() > 200) return false;
    for (char c : id) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string describe(const config_error& error, std::string_view severity) {
    std::string out = error.file;
    if (error.line > 0) out += ":" + std::to_string(error.line);
    out += ": ";
    if (!error.key.empty()) out += error.key + ": ";
    out += severity;
    return out + error.message;
}

}  // namespace feedwire::config
