// The format parsers, one file each (rss.cpp covers RSS 0.9x, 2.0 and the
// RDF family; atom.cpp Atom 0.3 and 1.0; jsonfeed.cpp JSON Feed 1.0 and
// 1.1), and the Media RSS reader they share. Each turns a document into a
// raw_feed; normalize.cpp does the rest.
#pragma once

#include "raw_feed.hpp"
#include "xml_support.hpp"

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace feedwire::feeds::detail {

// `document_base` is the URL the document was fetched from ("" if unknown).
raw_feed parse_rss(pugi::xml_node root, const std::string& document_base);
raw_feed parse_atom(pugi::xml_node root, const std::string& document_base);

// Returns false (with *error set) when the JSON is not a JSON Feed.
bool parse_jsonfeed(std::string_view json, const std::string& document_base, unsigned max_depth,
                    raw_feed& out, std::string* error);

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
