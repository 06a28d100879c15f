// Article pages: one saved HTML page (a story on a news site or a blog) to
// one normalized item, the same model a feed entry becomes.
//
// The page is decoded (byte order mark, HTTP charset, <meta charset>), read
// into a light tree with the HTML tokenizer, and its main text found the
// way readability and trafilatura find it: navigation, headers, footers,
// asides, forms, comment sections, related-link rails, share bars,
// newsletter and cookie boxes, ads and paywall prompts are dropped by tag,
// ARIA role and class/id words; the remaining blocks are scored by text
// length, commas, paragraph count and link density; the best container and
// its qualifying siblings are kept. Metadata comes from Open Graph and
// article:* meta tags, JSON-LD (Article, NewsArticle, ReportageNewsArticle,
// BlogPosting, LiveBlogPosting; @graph and arrays), <time datetime>,
// rel=author and byline markup, <html lang>, <link rel=canonical>, and
// figures with their captions and credits. The result then goes through
// the feed entries' normalization (credits, furniture, dateline,
// fingerprint, identity), so an article and a feed entry come out alike.
//
// Pure: no I/O, no clock. Work is bounded by parse_options::max_bytes, the
// tree depth (parse_options::max_depth) and a cap on tree nodes.
#pragma once

#include "feedwire/feeds/item.hpp"
#include "feedwire/feeds/parse.hpp"
#include "feedwire/feeds/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds {

struct parsed_article {
    item article;
    std::vector<std::string> warnings;  // charset guesses, depth limits, dropped dates, ...
    std::string encoding;               // the character set the bytes were read as
};

// `options.url` is the page's address: the canonical link falls back to it,
// relative links resolve against it, and it is `source.feed_url`. The item's
// `uri` digests `options.feed_id` (default: the URL without its scheme) and
// the canonical link plus the published time, as for a feed entry without
// a guid.
result<parsed_article, parse_error> parse_article(std::string_view html_bytes,
                                                  const parse_options& options);

// The whole visible text of a page (html_to_text of the decoded page):
// what a reader without main-text extraction would take as the article.
// The accuracy measurement uses it as its baseline.
std::string whole_page_text(std::string_view html_bytes, const parse_options& options);

}  // namespace feedwire::feeds
