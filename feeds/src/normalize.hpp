// Raw entries to normalized items: text, links, dates, media, identity and
// fingerprints, the same for every format.
#pragma once

#include "feedwire/feeds/item.hpp"
#include "raw_feed.hpp"

#include <optional>
#include <string>
#include <vector>

namespace feedwire::feeds::detail {

struct normalize_context {
    std::string feed_id;
    std::string feed_url;
    std::string fallback_language;  // HTTP Content-Language
    std::optional<time_point> fetched_at;
    std::size_t max_items = 10000;
    // Site furniture, credits, dateline and fingerprints. Off only to time
    // them (parse_detail.hpp).
    bool runs_dispatch_steps = true;
};

// Fills raw.info's derived fields (dates, language) and returns the items.
// Each entry's summary and content are emptied once its item is made.
std::vector<item> normalize(raw_feed& raw, const normalize_context& ctx,
                            std::vector<std::string>& warnings);

// BCP 47 casing ("en-us" -> "en-US", "en_GB" -> "en-GB"); "" when the tag
// is not made of alphanumeric subtags.
std::string normalize_language(std::string_view tag);

}  // namespace feedwire::feeds::detail
