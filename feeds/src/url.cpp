// See url.hpp. Everything works on RFC 3986's five components: `split` is
// the regular expression of RFC 3986 Appendix B written as a scanner,
// resolution follows the pseudocode of 5.2.2 to 5.2.4 step by step (so the
// examples of 5.4 hold, strict-parser reading), and canonicalization is the
// syntax-based normalization of 6.2.2 plus what a news pipeline wants
// (tracking parameters and fragments dropped). WHATWG leniencies are
// limited to what browsers do with the links feeds carry: C0 controls and
// spaces trimmed, tab and newline removed, backslash read as slash in
// http(s). The link-safety check is separate and deliberately paranoid.
#include "feedwire/feeds/url.hpp"

#include "scan.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace feedwire::feeds {
namespace {

using std::string_view;

bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char c) noexcept {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}
char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
unsigned char byte(char c) noexcept { return static_cast<unsigned char>(c); }

// `name` is lower-case.
bool iequals(string_view text, string_view name) noexcept {
    if (text.size() != name.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (lower(text[i]) != name[i]) return false;
    }
    return true;
}

bool istarts_with(string_view text, string_view prefix) noexcept {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
bool is_scheme_char(char c) noexcept {
    return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
}

bool is_valid_scheme(string_view s) noexcept {
    if (s.empty() || !is_alpha(s[0])) return false;
    for (const char c : s) {
        if (!is_scheme_char(c)) return false;
    }
    return true;
}

// WHATWG URL "special" schemes where a backslash is a path separator; the
// ones that matter for feed links.
bool is_web_scheme(string_view scheme) noexcept {
    return iequals(scheme, "http") || iequals(scheme, "https");
}

// WHATWG URL basic parser, steps 1-3: strip leading and trailing C0
// controls and spaces, remove every ASCII tab and newline.
std::string clean(string_view s) {
    while (!s.empty() && byte(s.front()) <= 0x20) s.remove_prefix(1);
    while (!s.empty() && byte(s.back()) <= 0x20) s.remove_suffix(1);
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
    }
    return out;
}

struct parts {
    string_view scheme;
    string_view authority;
    string_view path;
    string_view query;
    string_view fragment;
    bool has_scheme = false;
    bool has_authority = false;
    bool has_query = false;
    bool has_fragment = false;
};

// RFC 3986 Appendix B, with the scheme checked against 3.1 so that
// "a b:c" is a relative path rather than a scheme.
parts split(string_view s) noexcept {
    parts p;
    std::size_t i = 0;
    const std::size_t colon = detail::find_any(s, ":/?#");
    if (colon != string_view::npos && s[colon] == ':' && is_valid_scheme(s.substr(0, colon))) {
        p.has_scheme = true;
        p.scheme = s.substr(0, colon);
        i = colon + 1;
    }
    if (s.substr(i, 2) == "//") {
        i += 2;
        const std::size_t end = std::min(detail::find_any(s, "/?#", i), s.size());
        p.has_authority = true;
        p.authority = s.substr(i, end - i);
        i = end;
    }
    const std::size_t path_end = std::min(detail::find_any(s, "?#", i), s.size());
    p.path = s.substr(i, path_end - i);
    i = path_end;
    if (i < s.size() && s[i] == '?') {
        const std::size_t end = std::min(s.find('#', i), s.size());
        p.has_query = true;
        p.query = s.substr(i + 1, end - i - 1);
        i = end;
    }
    if (i < s.size() && s[i] == '#') {
        p.has_fragment = true;
        p.fragment = s.substr(i + 1);
    }
    return p;
}

// A path is hierarchical when it can take relative references (RFC 3986
// 3.3); "mailto:x@y" and "javascript:..." have opaque paths.
bool is_hierarchical(const parts& p) noexcept {
    return p.has_authority || (!p.path.empty() && p.path[0] == '/');
}

void remove_last_segment(std::string& out) {
    const std::size_t slash = out.rfind('/');
    out.erase(slash == std::string::npos ? 0 : slash);
}

// RFC 3986 5.2.4, steps A to E.
std::string remove_dot_segments(string_view in) {
    std::string out;
    out.reserve(in.size());
    while (!in.empty()) {
        if (in.substr(0, 3) == "../") {
            in.remove_prefix(3);
        } else if (in.substr(0, 2) == "./") {
            in.remove_prefix(2);
        } else if (in.substr(0, 3) == "/./") {
            in.remove_prefix(2);
        } else if (in == "/.") {
            in = "/";
        } else if (in.substr(0, 4) == "/../") {
            in.remove_prefix(3);
            remove_last_segment(out);
        } else if (in == "/..") {
            in = "/";
            remove_last_segment(out);
        } else if (in == "." || in == "..") {
            in = {};
        } else {
            const std::size_t end = std::min(in.find('/', 1), in.size());
            out.append(in.substr(0, end));
            in.remove_prefix(end);
        }
    }
    return out;
}

// RFC 3986 5.2.3.
std::string merge(const parts& base, string_view ref_path) {
    std::string out;
    if (base.has_authority && base.path.empty()) {
        out.reserve(1 + ref_path.size());
        out += '/';
        out += ref_path;
        return out;
    }
    const std::size_t slash = base.path.rfind('/');
    if (slash != string_view::npos) out.append(base.path.substr(0, slash + 1));
    out.append(ref_path);
    return out;
}

struct target {
    string_view scheme;
    string_view authority;
    std::string path;
    string_view query;
    string_view fragment;
    bool has_authority = false;
    bool has_query = false;
    bool has_fragment = false;
};

// RFC 3986 5.3.
std::string recompose(const target& t) {
    std::string out;
    out.reserve(t.scheme.size() + t.authority.size() + t.path.size() + t.query.size() +
                t.fragment.size() + 6);
    out.append(t.scheme).push_back(':');
    if (t.has_authority) out.append("//").append(t.authority);
    out.append(t.path);
    if (t.has_query) out.append("?").append(t.query);
    if (t.has_fragment) out.append("#").append(t.fragment);
    return out;
}

// Characters no authority can hold (RFC 3986 3.2): a ref with them is
// text, not a link.
constexpr std::array<bool, 256> k_not_in_authority = [] {
    std::array<bool, 256> t{};
    for (std::size_t c = 0; c <= 0x20; ++c) t[c] = true;
    t[0x7F] = true;
    for (const char c : string_view{"<>\"{}|\\^`"}) t[static_cast<unsigned char>(c)] = true;
    return t;
}();

bool is_valid_authority(string_view a) noexcept {
    for (const char c : a) {
        if (k_not_in_authority[byte(c)]) return false;
    }
    const std::size_t open = a.find('[');
    return open == string_view::npos || a.find(']', open) != string_view::npos;
}

bool has_control(string_view s) noexcept {
    for (const char c : s) {
        if (byte(c) < 0x20 || byte(c) == 0x7F) return true;
    }
    return false;
}

void backslashes_to_slashes(std::string& s) {
    const std::size_t end = std::min(detail::find_any(s, "?#"), s.size());
    for (std::size_t i = 0; i < end; ++i) {
        if (s[i] == '\\') s[i] = '/';
    }
}

// --- canonicalization ---

bool is_unreserved(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// Bytes that may not appear raw in any URI component (RFC 3986 2 and
// Appendix A): controls, space, non-ASCII, and the "unwise" set.
bool must_encode(unsigned char c) noexcept {
    return c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
           c == '`' || c == '{' || c == '|' || c == '}';
}

// RFC 3986 6.2.2.1 and 6.2.2.2: escapes upper-cased, escaped unreserved
// characters decoded; a '%' that starts no escape becomes "%25". With
// `fold`, ASCII letters are lower-cased (hosts, RFC 3986 3.2.2).
void append_normalized(std::string& out, string_view part, bool fold) {
    for (std::size_t i = 0; i < part.size(); ++i) {
        const unsigned char c = byte(part[i]);
        if (c == '%') {
            if (i + 2 < part.size() && is_hex(part[i + 1]) && is_hex(part[i + 2])) {
                const auto v = static_cast<unsigned char>(hex_value(part[i + 1]) * 16 +
                                                          hex_value(part[i + 2]));
                if (is_unreserved(v)) {
                    out.push_back(fold ? lower(static_cast<char>(v)) : static_cast<char>(v));
                } else {
                    append_percent_escape(out, v);
                }
                i += 2;
            } else {
                append_percent_escape(out, c);
            }
        } else if (must_encode(c)) {
            append_percent_escape(out, c);
        } else {
            out.push_back(fold ? lower(part[i]) : part[i]);
        }
    }
}

constexpr std::array<string_view, 10> k_tracking_params{
    "fbclid", "gclid", "yclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "igshid",
};

bool is_tracking_param(string_view name) noexcept {
    if (istarts_with(name, "utm_")) return true;
    for (const string_view t : k_tracking_params) {
        if (iequals(name, t)) return true;
    }
    return false;
}

// Query parameters split on '&', kept in order unless they are tracking
// parameters; empty ones ("a=1&&b=2") go too.
void append_query(std::string& out, string_view normalized_query) {
    bool first = true;
    while (true) {
        const std::size_t amp = std::min(normalized_query.find('&'), normalized_query.size());
        const string_view param = normalized_query.substr(0, amp);
        const string_view name = param.substr(0, std::min(param.find('='), param.size()));
        if (!param.empty() && !is_tracking_param(name)) {
            out.push_back(first ? '?' : '&');
            out.append(param);
            first = false;
        }
        if (amp == normalized_query.size()) break;
        normalized_query.remove_prefix(amp + 1);
    }
}

// RFC 3986 3.2.2 / 3.2.3: host lower-cased, one trailing dot (the DNS root)
// dropped, the port dropped when empty or the scheme's default (6.2.3).
void append_authority(std::string& out, string_view authority, bool is_https) {
    const std::size_t at = authority.rfind('@');
    if (at != string_view::npos) {
        append_normalized(out, authority.substr(0, at), false);
        out.push_back('@');
        authority.remove_prefix(at + 1);
    }
    std::size_t host_end = 0;
    if (!authority.empty() && authority[0] == '[') {
        host_end = std::min(authority.find(']'), authority.size() - 1) + 1;
    } else {
        host_end = std::min(authority.find(':'), authority.size());
    }
    string_view host = authority.substr(0, host_end);
    string_view port = authority.substr(host_end);
    // Internationalized hosts stay in Unicode: percent-encoding their bytes
    // gives an invalid host, and IDNA (punycode) needs tables this pure
    // library does not carry.
    const std::size_t host_begin = out.size();
    std::size_t run = 0;
    while (run < host.size()) {
        std::size_t next = run;
        while (next < host.size() && byte(host[next]) < 0x80) ++next;
        append_normalized(out, host.substr(run, next - run), true);
        while (next < host.size() && byte(host[next]) >= 0x80) out.push_back(host[next++]);
        run = next;
    }
    // The root label's dot ("example.com." is "example.com"), once the host
    // is decoded ("example.com%2E" too). "a.." has no root label to drop
    // and stays as written, so that canonicalizing is idempotent.
    const std::size_t host_size = out.size() - host_begin;
    if (host_size > 1 && out.back() == '.' && out[out.size() - 2] != '.') out.pop_back();
    if (port.empty() || port[0] != ':') {
        out.append(port);
        return;
    }
    port.remove_prefix(1);
    bool numeric = true;
    for (const char c : port) numeric = numeric && is_digit(c);
    if (!numeric) {
        out.push_back(':');
        out.append(port);
        return;
    }
    while (port.size() > 1 && port[0] == '0') port.remove_prefix(1);
    if (port.empty() || port == (is_https ? "443" : "80")) return;
    out.push_back(':');
    out.append(port);
}

// --- link safety ---

constexpr std::array<string_view, 5> k_safe_schemes{"http", "https", "mailto", "ftp", "tel"};

struct named_char {
    string_view name;
    char value;
};

// The named references (HTML 13.5) that can spell the characters deciding
// where a scheme ends; any other '&' stays a literal that no scheme holds.
constexpr std::array<named_char, 7> k_named_refs{
    named_char{"colon;", ':'}, named_char{"Tab;", '\t'},  named_char{"NewLine;", '\n'},
    named_char{"sol;", '/'},   named_char{"quest;", '?'}, named_char{"num;", '#'},
    named_char{"amp;", '&'},
};

// One character of `s` at `i`, after HTML character references (numeric,
// with or without ';', as browsers read them in attributes, HTML 13.2.5.72)
// and the named ones above. Returns a code point; advances `i`.
char32_t next_char(string_view s, std::size_t& i) noexcept {
    const char c = s[i++];
    if (c != '&' || i >= s.size()) return byte(c);
    if (s[i] == '#') {
        std::size_t j = i + 1;
        const bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
        if (hex) ++j;
        const std::size_t digits_start = j;
        char32_t value = 0;
        while (j < s.size() && (hex ? is_hex(s[j]) : is_digit(s[j]))) {
            // Saturate past the last code point so long runs of digits
            // ("&#0000000000000106;") cannot overflow.
            if (value <= 0x10FFFF) {
                value = value * (hex ? 16U : 10U) + static_cast<char32_t>(hex_value(s[j]));
            }
            ++j;
        }
        if (j == digits_start) return '&';
        if (j < s.size() && s[j] == ';') ++j;
        i = j;
        return value;
    }
    for (const named_char& n : k_named_refs) {
        if (s.substr(i, n.name.size()) == n.name) {
            i += n.name.size();
            return byte(n.value);
        }
    }
    return '&';
}

}  // namespace

bool has_scheme(string_view url) noexcept {
    while (!url.empty() && byte(url.front()) <= 0x20) url.remove_prefix(1);
    return split(url).has_scheme;
}

// An absolute http(s) reference with nothing to clean or normalize comes
// back as written: most links in feed HTML are such, and the general path
// below allocates several strings per call. IPv6 literals ("[...]") take
// the general path, which validates them.
namespace {
bool is_plain_absolute_web_url(string_view ref) noexcept {
    if (ref.substr(0, 7) != "http://" && ref.substr(0, 8) != "https://") return false;
    for (const char c : ref) {
        if (byte(c) <= 0x20 || byte(c) == 0x7F || c == '\\' || c == '[' || c == ']') return false;
    }
    return ref.find("/.") == string_view::npos;
}

// The other common case: a root-relative path ("/img/1.jpg") against a
// plain absolute http(s) base takes the base's scheme and authority and is
// otherwise as written, under the same conditions as above.
std::optional<std::string> resolve_root_relative(string_view base, string_view ref) {
    if (ref.size() < 2 || ref[0] != '/' || ref[1] == '/' || ref[1] == '\\') return std::nullopt;
    for (const char c : ref) {
        if (byte(c) <= 0x20 || byte(c) == 0x7F || c == '\\') return std::nullopt;
    }
    if (ref.find("/.") != string_view::npos || !is_plain_absolute_web_url(base)) {
        return std::nullopt;
    }
    const std::size_t authority = base.find("//") + 2;
    const std::size_t end = std::min(detail::find_any(base, "/?#", authority), base.size());
    if (end == authority || !is_valid_authority(base.substr(authority, end - authority))) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(end + ref.size());
    out.append(base.substr(0, end)).append(ref);
    return out;
}
}  // namespace

std::optional<std::string> resolve_url(string_view base_text, string_view ref_text) {
    if (is_plain_absolute_web_url(ref_text)) return std::string(ref_text);
    if (auto fast = resolve_root_relative(base_text, ref_text)) return fast;
    std::string base = clean(base_text);
    std::string ref = clean(ref_text);
    if (has_control(ref)) return std::nullopt;

    const parts base_parts0 = split(base);
    if (base_parts0.has_scheme && is_web_scheme(base_parts0.scheme)) backslashes_to_slashes(base);
    const parts ref_parts0 = split(ref);
    const string_view scheme = ref_parts0.has_scheme    ? ref_parts0.scheme
                               : base_parts0.has_scheme ? base_parts0.scheme
                                                        : string_view{};
    if (is_web_scheme(scheme)) backslashes_to_slashes(ref);

    const parts b = split(base);
    const parts r = split(ref);
    target t;
    t.has_fragment = r.has_fragment;
    t.fragment = r.fragment;
    if (r.has_scheme) {
        // RFC 3986 5.2.2; opaque paths ("mailto:", "javascript:") are left
        // as written.
        t.scheme = r.scheme;
        t.has_authority = r.has_authority;
        t.authority = r.authority;
        t.path = is_hierarchical(r) ? remove_dot_segments(r.path) : std::string(r.path);
        t.has_query = r.has_query;
        t.query = r.query;
    } else {
        if (!b.has_scheme) return std::nullopt;
        t.scheme = b.scheme;
        if (!is_hierarchical(b)) {
            // WHATWG "cannot-be-a-base" URLs take only a fragment.
            if (!r.path.empty() || r.has_authority || r.has_query) return std::nullopt;
            t.path = std::string(b.path);
            t.has_query = b.has_query;
            t.query = b.query;
        } else if (r.has_authority) {
            t.has_authority = true;
            t.authority = r.authority;
            t.path = remove_dot_segments(r.path);
            t.has_query = r.has_query;
            t.query = r.query;
        } else {
            t.has_authority = b.has_authority;
            t.authority = b.authority;
            if (r.path.empty()) {
                t.path = std::string(b.path);
                t.has_query = r.has_query || b.has_query;
                t.query = r.has_query ? r.query : b.query;
            } else {
                t.path =
                    remove_dot_segments(r.path[0] == '/' ? std::string(r.path) : merge(b, r.path));
                t.has_query = r.has_query;
                t.query = r.query;
            }
        }
    }
    if (t.has_authority && !is_valid_authority(t.authority)) return std::nullopt;
    return recompose(t);
}

std::string canonicalize_url(string_view absolute_url) {
    std::string s = clean(absolute_url);
    const parts p = split(s);
    if (!p.has_scheme) return s;
    std::string out;
    out.reserve(s.size() + 8);
    for (const char c : p.scheme) out.push_back(lower(c));
    out.push_back(':');
    const bool is_https = iequals(p.scheme, "https");
    if (!is_https && !iequals(p.scheme, "http")) {
        out.append(string_view{s}.substr(p.scheme.size() + 1));
        return out;
    }
    if (p.has_authority) {
        out.append("//");
        append_authority(out, p.authority, is_https);
    }
    // RFC 3986 6.2.2: percent-encoding first, so that "%2E%2E" is a dot
    // segment by the time dot segments go; backslashes as in resolve_url.
    std::string raw_path(p.path);
    for (char& c : raw_path) {
        if (c == '\\') c = '/';
    }
    std::string path;
    append_normalized(path, raw_path, false);
    if (path.empty() && p.has_authority) {
        out.push_back('/');
    } else {
        // Hierarchical as the path reads after the backslashes became
        // slashes ("http:\\a/./b"), or a second pass would see it otherwise.
        const bool is_hierarchical_path = p.has_authority || path.starts_with('/');
        const std::string normalized = is_hierarchical_path ? remove_dot_segments(path) : path;
        // Without an authority, a path that starts "//" would read back as
        // one ("http:/..//a"); the WHATWG URL serializer puts "/." first.
        if (!p.has_authority && normalized.starts_with("//")) out.append("/.");
        out.append(normalized);
    }
    if (p.has_query) {
        std::string query;
        append_normalized(query, p.query, false);
        append_query(out, query);
    }
    // "#!" fragments route single-page sites (the AJAX crawling scheme):
    // without them the link is the home page, so they stay.
    if (p.has_fragment && !p.fragment.empty() && p.fragment[0] == '!') {
        out.push_back('#');
        append_normalized(out, p.fragment, false);
    }
    return out;
}

bool is_safe_link_url(string_view url) noexcept {
    // Longest allowed scheme is "mailto"; anything longer is unsafe anyway.
    std::array<char, 8> scheme{};
    std::size_t length = 0;
    bool is_plain = true;  // only scheme characters so far
    std::size_t i = 0;
    while (i < url.size()) {
        const char32_t c = next_char(url, i);
        // Browsers drop leading C0 controls and spaces and every tab and
        // newline; skipping all of them can only make the check stricter.
        if (c <= 0x20 || c == 0x7F) continue;
        if (c == ':') {
            if (!is_plain || length == 0) return false;
            const string_view name{scheme.data(), length};
            for (const string_view safe : k_safe_schemes) {
                if (name == safe) return true;
            }
            return false;
        }
        // A relative reference: its first ':' comes after '/', '?' or '#'.
        if (c == '/' || c == '?' || c == '#') return true;
        if (c < 0x80 && is_scheme_char(static_cast<char>(c)) && length < scheme.size()) {
            scheme[length++] = lower(static_cast<char>(c));
        } else {
            is_plain = false;
        }
    }
    return true;
}

void append_percent_escape(std::string& out, unsigned char byte) {
    constexpr string_view k_hex = "0123456789ABCDEF";
    out.push_back('%');
    out.push_back(k_hex[byte >> 4U]);
    out.push_back(k_hex[byte & 0x0FU]);
}

}  // namespace feedwire::feeds
