// Second stage: each feed_spec merged with [defaults], then the built-in
// defaults of feed_config. Merging rules: scalars, the feed's value wins;
// headers, merged per name (the feed's wins); tags, the defaults' then the
// feed's, without repeats. Checks that need the merged value or more than
// one feed live here; type and format checks happened while reading.
#include "loader_internal.hpp"

#include <algorithm>
#include <unordered_map>

namespace feedwire::config::detail {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i]) return false;
    }
    return true;
}

// Only http and https, on every hop (issue 3); a host is required.
bool is_http_url(std::string_view url) {
    std::size_t scheme = 0;
    if (starts_with_ci(url, "http://")) {
        scheme = 7;
    } else if (starts_with_ci(url, "https://")) {
        scheme = 8;
    } else {
        return false;
    }
    const std::string_view rest = url.substr(scheme);
    const auto host_end = rest.find_first_of("/?#");
    if (rest.substr(0, host_end).empty()) return false;
    return url.find_first_of(" \t\r\n") == std::string_view::npos;
}

template <typename T>
T pick(const std::optional<T>& feed, const std::optional<T>& defaults, T builtin) {
    if (feed) return *feed;
    if (defaults) return *defaults;
    return builtin;
}

}  // namespace

std::vector<feed_config> validate_feeds(const feed_spec& defaults,
                                        const std::vector<feed_spec>& feeds, diagnostics& diag) {
    std::vector<feed_config> out;
    out.reserve(feeds.size());
    std::unordered_map<std::string, std::size_t> by_id;
    const feed_config builtin;
    for (const feed_spec& spec : feeds) {
        const std::string& p = spec.key_prefix;
        const std::string url_key = spec.key_prefix == "outline" ? "xmlUrl" : p + ".url";
        if (!spec.url) {
            diag.error(config_errc::missing_url, spec.file, spec.line, url_key,
                       "a feed needs a url");
            continue;
        }
        if (!is_http_url(*spec.url)) {
            diag.error(config_errc::bad_url, spec.file, spec.line_of("url"), url_key,
                       "\"" + *spec.url + "\" is not an http or https URL");
            continue;
        }
        feed_config feed;
        feed.url = *spec.url;
        feed.file = spec.file;
        feed.line = spec.line;
        feed.title = spec.title.value_or("");
        if (spec.id) {
            feed.id = *spec.id;
        } else {
            feed.id = derive_feed_id(feed.url);
        }
        feed.interval = pick(spec.interval, defaults.interval, builtin.interval);
        feed.timeout = pick(spec.timeout, defaults.timeout, builtin.timeout);
        feed.max_body = pick(spec.max_body, defaults.max_body, builtin.max_body);
        feed.user_agent = pick(spec.user_agent, defaults.user_agent, builtin.user_agent);
        feed.stream = pick(spec.stream, defaults.stream, builtin.stream);
        feed.agency = pick(spec.agency, defaults.agency, builtin.agency);
        feed.fetch_article =
            pick(spec.fetch_article, defaults.fetch_article, builtin.fetch_article);
        feed.enabled = pick(spec.enabled, defaults.enabled, builtin.enabled);
        if (defaults.headers) feed.headers = *defaults.headers;
        if (spec.headers) {
            for (const auto& [name, value] : *spec.headers) feed.headers[name] = value;
        }
        for (const auto* tags : {&defaults.tags, &spec.tags}) {
            if (!*tags) continue;
            for (const std::string& tag : **tags) {
                if (std::find(feed.tags.begin(), feed.tags.end(), tag) == feed.tags.end()) {
                    feed.tags.push_back(tag);
                }
            }
        }
        const auto [it, inserted] = by_id.emplace(feed.id, out.size());
        if (!inserted) {
            const feed_config& first = out[it->second];
            diag.error(config_errc::duplicate_id, spec.file, spec.line_of("id"), p + ".id",
                       "duplicate feed id \"" + feed.id + "\": also defined at " + first.file +
                           ":" + std::to_string(first.line) +
                           (spec.id ? "" : " (derived from the url; set a distinct id)"));
            continue;
        }
        out.push_back(std::move(feed));
    }
    return out;
}

std::string suggest(std::string_view key, const std::vector<std::string_view>& candidates) {
    // Levenshtein distance, two rows; keys are short so the cost is nil.
    std::string best;
    std::size_t best_distance = 3;
    for (const std::string_view candidate : candidates) {
        std::vector<std::size_t> prev(candidate.size() + 1);
        std::vector<std::size_t> cur(candidate.size() + 1);
        for (std::size_t j = 0; j <= candidate.size(); ++j) prev[j] = j;
        for (std::size_t i = 1; i <= key.size(); ++i) {
            cur[0] = i;
            for (std::size_t j = 1; j <= candidate.size(); ++j) {
                const std::size_t substitution = key[i - 1] == candidate[j - 1] ? 0 : 1;
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + substitution});
            }
            std::swap(prev, cur);
        }
        if (prev[candidate.size()] < best_distance) {
            best_distance = prev[candidate.size()];
            best = std::string(candidate);
        }
    }
    return best;
}

}  // namespace feedwire::config::detail
