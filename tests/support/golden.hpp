// Golden-file support: the JSON Lines form of a parse result, and a
// field-by-field comparison that names what differs.
#pragma once

#include "feedwire/feeds/parse.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace feedwire::test {

// Options read from a fixture's "<name>.options" sidecar ("key: value"
// lines: url, content-type, content-language, fetched-at, feed-id).
feeds::parse_options fixture_options(const std::filesystem::path& fixture,
                                     const std::string& group);

// Line 1: {"feed", "encoding", "salvaged", "warnings"} or {"error"}; then
// one line per item.
std::vector<nlohmann::ordered_json> golden_lines(
    const feeds::result<feeds::parsed_feed, feeds::parse_error>& r);

// Human-readable differences ("line 3: headline: expected "A", got "B""),
// empty when equal.
std::vector<std::string> diff_lines(const std::vector<nlohmann::ordered_json>& expected,
                                    const std::vector<nlohmann::ordered_json>& actual);

std::string read_file(const std::filesystem::path& p);

}  // namespace feedwire::test
