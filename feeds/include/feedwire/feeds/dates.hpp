// Date parsing for feeds: RFC 822/1123 and their wild variants, RFC 3339,
// ISO 8601 and W3CDTF (partial dates too), and common broken forms. All
// results are UTC. g++ 12 has no std::chrono::parse and no time zone
// database, so parsing is by hand into year_month_day and sys_seconds;
// never mktime, strptime, timegm or the local time zone.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace feedwire::feeds {

// Parses a date as found in a feed. Returns nullopt when the text is not a
// date or names an impossible one (February 30, hour 25): never a guess.
std::optional<std::chrono::sys_seconds> parse_date(std::string_view text);

// Narrower entry points, used by parse_date and by tests.
std::optional<std::chrono::sys_seconds> parse_rfc822_date(std::string_view text);
// Also accepts the two-digit-year forms of ISO 8601:1988 ("031231",
// "03335", "-0312") that parse_date refuses: in a feed, "22013" is far more
// likely an id than 13 January 2022.
std::optional<std::chrono::sys_seconds> parse_iso8601_date(std::string_view text);

// RFC 3339 in UTC with second precision: "2019-11-22T09:14:00Z".
std::string format_rfc3339(std::chrono::sys_seconds t);

}  // namespace feedwire::feeds
