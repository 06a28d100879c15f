// The HTML named character references (WHATWG list, 2,231 names) and
// numeric references. Used by the HTML tokenizer and by the XML salvage
// step, which rewrites entities XML does not define (&nbsp;, &mdash;)
// into numeric references before pugixml sees them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace feedwire::feeds {

// UTF-8 text of a named reference, without '&' and ';' ("nbsp" -> "\u00a0").
// Names are case-sensitive as in HTML ("Eacute" and "eacute" differ).
std::optional<std::string_view> html_entity_utf8(std::string_view name) noexcept;

// Decodes every character reference in `text` (named with or without the
// trailing ';' where HTML allows, decimal, hex). Numeric references to
// 0, surrogates or above U+10FFFF become U+FFFD; the windows-1252 range
// 0x80-0x9F maps as HTML prescribes. Unknown names stay as written.
std::string decode_html_entities(std::string_view text);

}  // namespace feedwire::feeds
