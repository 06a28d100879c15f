// The normalized item as an IPTC ninjs 2.0 document
// (http://www.iptc.org/std/ninjs/ninjs-schema_2.0.json), for consumers that
// read the news industry's JSON standard rather than feedwire's own item
// JSON. The schema allows no properties of its own, so the fields ninjs has
// no place for (dateline parts, fingerprint, source feed id, duplicate_of)
// are left out; everything else maps one to one.
#pragma once

#include "feedwire/feeds/item.hpp"

#include <nlohmann/json.hpp>

namespace feedwire::feeds {

// The ninjs version and schema the output follows.
inline constexpr const char* k_ninjs_version = "2.0";
inline constexpr const char* k_ninjs_schema = "http://www.iptc.org/std/ninjs/ninjs-schema_2.0.json";

// One ninjs 2.0 object per item:
// * uri, type "text", version (the item's revision), firstcreated,
//   versioncreated, language, located, by, copyrightholder/-notice;
// * headlines [{role "main", contenttype "text/plain", value}];
// * descriptions [{role "summary", ...}] for description_text;
// * bodies [{role "main", contenttype "text/plain" or "text/html",
//   charcount, wordcount, value}], the text one first;
// * subjects [{name, literal or uri}]: an IPTC QCode is the literal, a
//   cv.iptc.org concept URI the uri;
// * places [{name}] for located; altids [{role "guid", value}];
// * renditions [{name "web", href, contenttype "text/html"}] for the url;
// * associations: one array member per picture, video, audio or file
//   (renditions of one picture share it), named "picture1", "video1", ...,
//   with type, uri, descriptions [{role "caption"}], by (the credit) and
//   renditions [{name, href, contenttype, width, height, sizeinbytes,
//   duration}];
// * infosources [{name, uri}] for the feed the item came from.
// Absent values are omitted, never written as "".
nlohmann::ordered_json to_ninjs(const item& it);

}  // namespace feedwire::feeds
