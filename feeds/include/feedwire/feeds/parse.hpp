// The parser's single entry point: the bytes of a fetched document plus what
// is known about the fetch, in; the feed's record and its normalized items,
// or an error saying what the document is instead, out. Pure: no I/O, no
// clock (the fetch time comes in the options), no logging (oddities come
// back as warnings).
//
// Item identity (`uri`): "feedwire:" + the first 128 bits, in hex, of
// SHA-256(feed id, "\n", identity key). The identity key is, in order:
//   1. the entry's guid / Atom id / JSON Feed id, when it is non-empty and
//      no other entry of the same document carries it;
//   2. else the canonical link plus the published time ("link plus date",
//      as FreshRSS degrades when guids repeat or are empty);
//   3. else the headline plus the published time;
//   and when two entries of one document still share a key, the later ones
//   add the headline, then their position. The same entry fetched twice
//   therefore keeps its `uri` as long as the feed keeps its guid.
#pragma once

#include "feedwire/feeds/item.hpp"
#include "feedwire/feeds/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds {

struct parse_options {
    std::string url;               // where the document was fetched from
    std::string content_type;      // HTTP Content-Type, with its charset
    std::string content_language;  // HTTP Content-Language
    std::optional<time_point> fetched_at;
    std::string feed_id;  // defaults to the URL without its scheme
    // A news feed is rarely above 2 MiB; 16 MiB leaves room for podcasts
    // with years of episodes while bounding the memory one feed can take.
    std::size_t max_bytes = std::size_t{16} * 1024 * 1024;
    // Feeds nest 4 to 8 levels, XHTML content a dozen more; 256 bounds
    // recursive work on hostile documents without refusing real ones.
    unsigned max_depth = 256;
    // Upper bound on the entries taken from one document.
    std::size_t max_items = 10000;
};

enum class parse_errc {
    empty,       // no bytes, or only whitespace
    too_large,   // above max_bytes
    too_deep,    // nesting above max_depth
    not_a_feed,  // HTML page, error page, other XML, JSON that is no feed, binary
    malformed,   // looked like a feed but nothing could be salvaged
};

std::string_view to_string(parse_errc code) noexcept;

struct parse_error {
    parse_errc code = parse_errc::malformed;
    std::string message;  // names the URL (when known) and the cause
};

struct parsed_feed {
    feed_info feed;
    std::vector<item> items;
    std::vector<std::string> warnings;  // salvage steps, dropped dates, ...
    std::string encoding;               // the character set the bytes were read as
    bool is_salvaged = false;           // the document was broken and repaired
};

result<parsed_feed, parse_error> parse_feed(std::string_view bytes, const parse_options& options);

// The feed id used when parse_options::feed_id is empty.
std::string default_feed_id(std::string_view url);

}  // namespace feedwire::feeds
