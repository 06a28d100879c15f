// The format parsers, one file each (rss.cpp covers RSS 0.9x, 2.0 and the
// RDF family; atom.cpp Atom 0.3 and 1.0; jsonfeed.cpp JSON Feed 1.0 and
// 1.1; the news-agency formats ninjs.cpp ninjs 1.x and 2.x, newsml.cpp
// NewsML-G2 and nitf.cpp NITF 3.x), and the Media RSS reader they share.
// Each turns a document into a raw_feed; normalize.cpp does the rest.
#pragma once

#include "raw_feed.hpp"
#include "xml_support.hpp"

#include <nlohmann/json_fwd.hpp>
#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds::detail {

// `document_base` is the URL the document was fetched from ("" if unknown).
raw_feed parse_rss(pugi::xml_node root, const std::string& document_base);
raw_feed parse_atom(pugi::xml_node root, const std::string& document_base);
// A NewsML-G2 newsItem, or a newsMessage carrying several.
raw_feed parse_newsml(pugi::xml_node root, const std::string& document_base);
raw_feed parse_nitf(pugi::xml_node root, const std::string& document_base);

// NITF body.content as HTML for NITF documents and NITF inside NewsML-G2
// inlineXML: NITF's own elements mapped to HTML (hl2, block, bq), and its
// media elements taken out into `media` with their captions and credits.
std::string nitf_body_html(pugi::xml_node body_content, const std::string& base,
                           std::vector<raw_media>& media);

// Parses JSON text (json_support.cpp), nesting checked first and a
// document cut off mid-way closed after its last complete item (a warning
// in `out`). Returns false with *error set when the nesting exceeds
// `max_depth` ("JSON nested deeper than ...") or nothing can be read.
bool load_json(std::string_view text, unsigned max_depth, nlohmann::json& doc, raw_feed& out,
               std::string* error);

// A string member of a JSON object, trimmed; a number member as its
// decimal digits; "" when absent or of another type.
std::string json_string(const nlohmann::json& obj, const char* key);

// Returns false (with *error set) when the JSON is not a JSON Feed.
bool parse_jsonfeed(const nlohmann::json& doc, const std::string& document_base, raw_feed& out,
                    std::string* error);

// True for one ninjs object (a "uri" plus ninjs fields, or a ninjs
// "$schema"/"standard") or an array of them.
bool is_ninjs(const nlohmann::json& doc);
void parse_ninjs(const nlohmann::json& doc, const std::string& document_base, raw_feed& out);

// Reads one Media RSS or enclosure-like element (media:content,
// media:group, media:thumbnail, media:description, media:credit,
// media:title, itunes:duration) found under an entry into `entry`.
// Returns true when the element was a Media RSS one.
bool read_media_element(pugi::xml_node element, const qname& q, raw_entry& entry);

// Applies entry-level media:description / media:credit / media:thumbnail
// (collected by read_media_element into `pending`) to media that have none.
void finish_media(raw_entry& entry);

// "jane@example.com (Jane Doe)", "Jane Doe <jane@example.com>", "Jane Doe".
person parse_person_text(std::string_view text);

}  // namespace feedwire::feeds::detail
