// The HTML named character references (WHATWG list, 2,231 names) and
// numeric references. Used by the HTML tokenizer and by the XML salvage
// step, which rewrites entities XML does not define (&nbsp;, &mdash;)
// into numeric references before pugixml sees them.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
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

// One row of the WHATWG table. Every name exists with ';'; is_legacy marks
// the 106 that HTML also accepts without it ("amp", "nbsp", "not").
struct html_named_reference {
    std::string_view name;  // without ';'
    std::string_view utf8;
    bool is_legacy;
};

// The whole table, 2,125 names sorted by bytes (2,231 identifiers counting
// the legacy forms without ';').
std::span<const html_named_reference> html_named_references() noexcept;

// Decodes the character reference at the start of `text` (text[0] == '&')
// as the WHATWG tokenizer does ("Character reference state" and the states
// after it): the longest matching name, ';' optional only for legacy names;
// decimal and hex references with ';' optional. With is_attribute_value, a
// named match without ';' followed by '=' or an alphanumeric is not a
// reference ("&copy=1" in a URL stays as written). Appends the UTF-8 to
// `out` and returns the bytes consumed, or returns 0 and appends nothing
// when the '&' is literal.
std::size_t append_html_char_ref(std::string_view text, bool is_attribute_value, std::string& out);

}  // namespace feedwire::feeds
