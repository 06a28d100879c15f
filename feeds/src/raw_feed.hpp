// The format parsers' output: what a document says, before normalization.
// Each format parser (rss, atom, jsonfeed, and the news-agency formats
// ninjs, newsml and nitf) fills these records from its own vocabulary;
// normalize turns them into items, so the rules for text, links, dates and
// identity live in one place whatever the format.
#pragma once

#include "feedwire/feeds/item.hpp"

#include <optional>
#include <string>
#include <vector>

namespace feedwire::feeds::detail {

enum class text_kind { text, html };

struct raw_text {
    std::string value;
    text_kind kind = text_kind::text;
    std::string base;  // xml:base in force for this text, for links inside HTML
    [[nodiscard]] bool empty() const noexcept { return value.empty(); }
};

struct raw_media {
    std::string url;
    std::string type;    // MIME type
    std::string medium;  // media:content medium: image, video, audio, document
    std::string title;
    std::string description;
    std::string credit;
    std::string rel;  // "enclosure", "thumbnail", "" for media:content
    std::optional<std::uint32_t> width;
    std::optional<std::uint32_t> height;
    std::optional<std::uint64_t> size;
    std::optional<std::uint32_t> duration;
};

struct raw_entry {
    std::string guid;
    std::string link;  // the alternate link, as written (resolved later against base)
    std::string base;  // xml:base in force for the entry
    raw_text title;
    raw_text summary;
    raw_text content;
    std::string published;  // date text as written
    std::string updated;
    std::vector<person> authors;
    std::vector<subject> subjects;
    std::vector<raw_media> media;
    std::string language;
    std::string rights;
    // Entry-level media:description / media:credit, applied to media items
    // that carry none of their own (Media RSS "optional elements" scoping).
    std::string media_description;
    std::string media_credit;
    std::string media_title;  // entry-level media:title, the headline when there is no title
    // What the wire formats (NewsML-G2, NITF, ninjs) state in their own
    // elements and feeds leave to the body. Given here, normalize uses them
    // instead of reading the dispatch's opening.
    std::string dateline;         // as published: "NAGOYA, Japan, Nov 22 (Reuters)"
    std::string dateline_date;    // the dateline's date on its own (NITF story.date norm)
    std::string located;          // "Nagoya, Japan"
    std::string creditline;       // "Reuters", the credit for the content
    std::string copyrightholder;  // "Thomson Reuters"
    // The outlet an aggregator took the entry from: RSS <source>, the title
    // of Atom's <source>.
    std::string source_name;
};

struct raw_feed {
    feed_info info;
    std::string base;  // base for entries without their own
    std::string updated_text;
    std::string update_base_text;  // sy:updateBase
    std::vector<raw_entry> entries;
    std::vector<std::string> warnings;
    bool is_salvaged = false;  // the format parser repaired the document
};

}  // namespace feedwire::feeds::detail
