// URL resolution (RFC 3986 section 5) and canonicalization. Pure string
// work: no DNS, no IDNA lookups, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace feedwire::feeds {

// True when `url` has a scheme ("http:", "mailto:", ...).
bool has_scheme(std::string_view url) noexcept;

// Resolves `ref` against `base` (RFC 3986 5.2, with WHATWG leniencies:
// surrounding whitespace trimmed, backslashes in http(s) paths treated as
// slashes, "//host" scheme-relative refs). Returns `ref` unchanged when it
// is already absolute; nullopt when it cannot be made absolute (no usable
// base) or is not a URL at all.
std::optional<std::string> resolve_url(std::string_view base, std::string_view ref);

// Canonical form of an absolute http(s) URL for the item's `url`: scheme
// and host lower-cased, default port dropped, empty path becomes "/",
// dot segments removed, fragment removed, tracking parameters removed
// (utm_*, fbclid, gclid, yclid, dclid, msclkid, mc_cid, mc_eid, _hsenc,
// _hsmi, igshid), other query parameters kept in their order. Percent-
// encoding is normalized (hex upper-cased, unreserved characters decoded;
// spaces and non-ASCII bytes percent-encoded). Non-http(s) URLs come back
// with only scheme lower-cased and the fragment kept.
std::string canonicalize_url(std::string_view absolute_url);

// True for URL schemes that must never appear in sanitized HTML:
// javascript:, vbscript:, data:, and anything not in the allow-list
// (http, https, mailto, ftp, tel, and relative references). The check
// looks through entity-decoded text, whitespace and control characters
// that browsers skip ("jav\tascript:").
bool is_safe_link_url(std::string_view url) noexcept;

// Appends the byte as a percent-escape with upper-case hex ("%E2").
void append_percent_escape(std::string& out, unsigned char byte);

}  // namespace feedwire::feeds
