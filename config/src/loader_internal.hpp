// Shared between the loader's stages: TOML and OPML reading produce
// feed_specs (every field optional, so [defaults] can fill the gaps), and
// validation turns them into feed_configs. Not installed; not public API.
#pragma once

#include "feedwire/config/config.hpp"
#include "feedwire/config/loader.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::config::detail {

struct diagnostics {
    std::vector<config_error> errors;
    std::vector<config_error> warnings;
    void error(config_errc code, const std::string& file, int line, std::string key,
               std::string message) {
        errors.push_back({code, file, line, std::move(key), std::move(message)});
    }
    void warning(config_errc code, const std::string& file, int line, std::string key,
                 std::string message) {
        warnings.push_back({code, file, line, std::move(key), std::move(message)});
    }
};

struct feed_spec {
    std::string file;
    int line = 0;
    std::string key_prefix = "feed";  // "feed", "defaults" or "outline"
    std::map<std::string, int> key_lines;
    std::optional<std::string> id, url, title, user_agent, stream, agency;
    std::optional<std::chrono::milliseconds> interval, timeout;
    std::optional<std::uint64_t> max_body;
    std::optional<std::map<std::string, std::string>> headers;
    std::optional<std::vector<std::string>> tags;
    std::optional<bool> fetch_article, enabled;

    int line_of(const std::string& key) const {
        const auto it = key_lines.find(key);
        return it == key_lines.end() ? line : it->second;
    }
};

// Reads the feeds of one OPML document into `feeds`; problems go to `diag`.
void read_opml(const std::string& file, std::string_view text, std::vector<feed_spec>& feeds,
               diagnostics& diag);

// Applies [defaults] and the built-in defaults, derives ids, and checks what
// needs more than one value: urls, ids, duplicates.
std::vector<feed_config> validate_feeds(const feed_spec& defaults,
                                        const std::vector<feed_spec>& feeds, diagnostics& diag);

// The closest of `candidates` within edit distance 2, or empty.
std::string suggest(std::string_view key, const std::vector<std::string_view>& candidates);

}  // namespace feedwire::config::detail
