// XML helpers shared by the XML format parsers (RSS, Atom, NewsML-G2,
// NITF): namespace resolution on top of pugixml (which is not
// namespace-aware), text extraction, XHTML
// serialization, and the salvage pass that makes broken-but-common
// documents parseable before pugixml sees them.
#pragma once

#include <pugixml.hpp>

#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds::detail {

enum class ns {
    none,     // no namespace
    unknown,  // a namespace this parser does not read
    atom10,
    atom03,
    rss090,
    rss10,
    rdf,
    content,
    dc,
    dcterms,
    media,
    sy,
    itunes,
    xhtml,
    feedburner,
    nar,   // IPTC NewsML-G2 (News Architecture)
    nitf,  // IPTC NITF 3.4 and later, when namespaced
};

struct qname {
    ns space = ns::none;
    std::string_view local;
    bool has_prefix = false;
};

// The namespace and local name of an element, resolving its prefix through
// the xmlns declarations of it and its ancestors. A prefix that was never
// declared falls back to its conventional namespace (dc, content, media,
// atom, ...), since feeds that forget the declaration are common.
qname name_of(pugi::xml_node element);

std::string_view local_name(std::string_view qualified) noexcept;

// The node's own xml:base resolved against `parent_base`.
std::string base_of(pugi::xml_node element, const std::string& parent_base);

// All character data of the element (text and CDATA children), concatenated.
std::string text_of(pugi::xml_node element);

// The element's text when it has only character data; otherwise its child
// markup serialized as HTML (for RSS descriptions that carry unescaped
// HTML, and Atom type="xhtml" content). Sets *is_markup accordingly.
std::string text_or_markup(pugi::xml_node element, bool* is_markup);

// Serializes the children of `element` as HTML, dropping namespace
// prefixes, xmlns and xml: attributes. URL attributes under an element
// with its own xml:base are resolved against it (the enclosing `base`
// first), since that information is gone once the markup is a string.
std::string inner_html(pugi::xml_node element, const std::string& base = {});

// XML 1.0 NameStartChar / NameChar, for ASCII; every byte of a multi-byte
// UTF-8 sequence counts as a name character.
bool is_name_start(unsigned char c) noexcept;
bool is_name_char(unsigned char c) noexcept;

// A whole unsigned decimal number, surrounding ASCII whitespace allowed
// ("1234", " 15 "); nullopt for anything else, including overflow.
template <typename T>
std::optional<T> parse_unsigned(std::string_view text) {
    std::size_t b = 0;
    std::size_t e = text.size();
    while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\n' || text[b] == '\r')) ++b;
    while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\n' ||
                     text[e - 1] == '\r')) {
        --e;
    }
    if (b == e) return std::nullopt;
    T value{};
    const char* end = text.data() + e;
    auto [ptr, ec] = std::from_chars(text.data() + b, end, value);
    if (ec != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

// The attribute value, or "" (pugixml's as_string default).
std::string_view attr(pugi::xml_node element, const char* name);

// Trimmed copy (ASCII whitespace).
std::string trimmed(std::string_view s);

// Appends `text` with &, <, > (and " when `is_attribute`) escaped, for
// writing HTML.
void escape_into(std::string& out, std::string_view text, bool is_attribute);

struct salvage_report {
    std::size_t junk_before_root = 0;  // bytes dropped before the document
    std::size_t html_entities = 0;     // &nbsp; and friends rewritten
    std::size_t bare_ampersands = 0;   // & escaped
    std::size_t unknown_entities = 0;  // &foo; with no definition, escaped
};

// Rewrites `text` (UTF-8) into well-formed-enough XML for pugixml: drops
// junk before the document, rewrites HTML entities XML does not define
// into numeric references, escapes bare ampersands and references to
// undefined entities (so no entity is ever expanded from a DTD). Leaves
// CDATA sections, comments, processing instructions and the DOCTYPE as
// they are. Returns `text` untouched (no copy) when nothing needs fixing.
std::string_view salvage_xml(std::string_view text, std::string& storage, salvage_report& report);

struct lenient_report {
    std::size_t dropped_entries = 0;   // items/entries cut off by the end of input
    std::size_t ignored_end_tags = 0;  // end tags that closed nothing open
    bool is_too_deep = false;
};

// Builds `doc` from markup that strict XML parsing refused, the way a
// browser reads tag soup: unquoted and valueless attributes, stray '<',
// HTML void elements (<br>, <img>) left open, end tags that do not match
// (they close up to the nearest open element of that name, or are
// ignored), HTML entities, unterminated CDATA. Entries (<item>, <entry>)
// still open at the end of input are incomplete and dropped. Returns false
// when nesting exceeds `max_depth`.
bool parse_xml_leniently(std::string_view text, pugi::xml_document& doc, unsigned max_depth,
                         lenient_report& report);

// Depth of the deepest element, walking iteratively (no recursion on
// hostile documents).
unsigned max_element_depth(pugi::xml_node root);

}  // namespace feedwire::feeds::detail
