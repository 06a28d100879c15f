// See xml_support.hpp. pugixml 1.13 is not namespace-aware and passes
// undefined entities and bare '&' through; the salvage pass and the
// namespace resolution here close those gaps.
#include "xml_support.hpp"

#include "feedwire/feeds/entities.hpp"
#include "feedwire/feeds/url.hpp"
#include "scan.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>

namespace feedwire::feeds::detail {
namespace {

struct ns_entry {
    std::string_view uri;
    ns space;
};

// Namespace URIs as published, plus the variants seen in the wild
// (missing trailing slash, https).
constexpr std::array<ns_entry, 29> k_namespaces = {{
    {"http://www.w3.org/2005/Atom", ns::atom10},
    {"http://purl.org/atom/ns#", ns::atom03},
    // Drafts of Atom before 0.3 ("Echo", "Pie") went out under these.
    {"http://purl.org/echo/", ns::atom03},
    {"http://purl.org/pie/", ns::atom03},
    {"http://example.com/newformat#", ns::atom03},
    {"http://example.com/necho", ns::atom03},
    {"http://my.netscape.com/rdf/simple/0.9/", ns::rss090},
    {"http://purl.org/rss/1.0/", ns::rss10},
    {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", ns::rdf},
    {"http://purl.org/rss/1.0/modules/content/", ns::content},
    {"http://purl.org/dc/elements/1.1/", ns::dc},
    {"http://purl.org/dc/elements/1.1", ns::dc},
    {"http://purl.org/dc/terms/", ns::dcterms},
    {"http://search.yahoo.com/mrss/", ns::media},
    {"http://search.yahoo.com/mrss", ns::media},
    {"https://search.yahoo.com/mrss/", ns::media},
    {"http://video.search.yahoo.com/mrss", ns::media},
    {"http://tools.search.yahoo.com/mrss/", ns::media},
    {"http://purl.org/rss/1.0/modules/syndication/", ns::sy},
    {"http://www.itunes.com/dtds/podcast-1.0.dtd", ns::itunes},
    {"https://www.itunes.com/dtds/podcast-1.0.dtd", ns::itunes},
    {"http://www.itunes.com/DTDs/Podcast-1.0.dtd", ns::itunes},
    {"http://www.w3.org/1999/xhtml", ns::xhtml},
    {"http://rssnamespace.org/feedburner/ext/1.0", ns::feedburner},
    {"http://backend.userland.com/rss2", ns::none},
    {"http://blogs.law.harvard.edu/tech/rss", ns::none},
    {"http://iptc.org/std/nar/2006-10-01/", ns::nar},
    {"http://iptc.org/std/nar/2006-10-01", ns::nar},
    {"http://iptc.org/std/NITF/2006-10-18/", ns::nitf},
}};

// Conventional prefixes, used when a document uses a prefix it never declared.
constexpr std::array<std::pair<std::string_view, ns>, 11> k_conventional = {{
    {"atom", ns::atom10},
    {"content", ns::content},
    {"dc", ns::dc},
    {"dcterms", ns::dcterms},
    {"media", ns::media},
    {"sy", ns::sy},
    {"itunes", ns::itunes},
    {"rdf", ns::rdf},
    {"xhtml", ns::xhtml},
    {"feedburner", ns::feedburner},
    {"html", ns::xhtml},
}};

ns classify_uri(std::string_view uri) noexcept {
    for (const auto& e : k_namespaces) {
        if (e.uri == uri) return e.space;
    }
    return ns::unknown;
}

bool is_ascii_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Finds the namespace URI bound to `prefix` ("" for the default namespace)
// in scope at `element`; returns false when there is no binding.
bool lookup_prefix(pugi::xml_node element, std::string_view prefix, std::string_view& uri) {
    std::string attr_name = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
    for (pugi::xml_node n = element; n && n.type() == pugi::node_element; n = n.parent()) {
        if (pugi::xml_attribute a = n.attribute(attr_name.c_str())) {
            uri = a.value();
            return true;
        }
    }
    return false;
}

bool is_void_element(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 14> k_void = {
        "area",  "base", "br",   "col",   "embed",  "hr",    "img",
        "input", "link", "meta", "param", "source", "track", "wbr"};
    for (const auto v : k_void) {
        if (v == name) return true;
    }
    return false;
}

bool is_url_attribute(std::string_view name) noexcept {
    return name == "href" || name == "src" || name == "cite" || name == "poster";
}

// The base in force at `element` inside content whose own base is
// `content_base`, when some element between them sets xml:base; else "".
std::string nested_base(pugi::xml_node element, pugi::xml_node content,
                        const std::string& content_base) {
    std::vector<pugi::xml_node> chain;
    for (pugi::xml_node n = element; n && n != content; n = n.parent()) {
        if (n.attribute("xml:base")) chain.push_back(n);
    }
    if (chain.empty()) return {};
    std::string base = content_base;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) base = base_of(*it, base);
    return base;
}

void serialize(std::string& out, pugi::xml_node node, const std::string& content_base) {
    // Iterative pre/post-order walk: depth is bounded by the caller's
    // max_element_depth check, but recursion is avoided all the same.
    pugi::xml_node start = node;
    pugi::xml_node cur = node.first_child();
    while (cur) {
        bool descend = false;
        switch (cur.type()) {
            case pugi::node_pcdata:
            case pugi::node_cdata:
                escape_into(out, cur.value(), false);
                break;
            case pugi::node_element: {
                const std::string_view name = local_name(cur.name());
                out.push_back('<');
                out.append(name);
                for (const pugi::xml_attribute a : cur.attributes()) {
                    const std::string_view an = a.name();
                    if (an == "xmlns" || an.substr(0, 6) == "xmlns:" || an.substr(0, 4) == "xml:") {
                        continue;
                    }
                    out.push_back(' ');
                    out.append(local_name(an));
                    out += "=\"";
                    // xml:base inside content (RFC 4287 3.1.1.3 allows it on
                    // any XHTML element) is applied here, since the HTML
                    // sanitizer only knows the content's own base.
                    std::string resolved;
                    if (is_url_attribute(local_name(an))) {
                        const std::string base = nested_base(cur, node, content_base);
                        if (!base.empty()) resolved = resolve_url(base, a.value()).value_or("");
                    }
                    escape_into(out, resolved.empty() ? std::string_view(a.value()) : resolved,
                                true);
                    out.push_back('"');
                }
                out.push_back('>');
                if (is_void_element(name)) break;
                if (cur.first_child()) {
                    descend = true;
                } else {
                    out += "</";
                    out.append(name);
                    out.push_back('>');
                }
                break;
            }
            default:
                break;
        }
        if (descend) {
            cur = cur.first_child();
            continue;
        }
        while (cur != start && !cur.next_sibling()) {
            cur = cur.parent();
            if (cur == start) break;
            out += "</";
            out.append(local_name(cur.name()));
            out.push_back('>');
        }
        if (cur == start) break;
        cur = cur.next_sibling();
    }
}

bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Length of a well-formed numeric character reference starting at `p`
// ("&#123;", "&#x1F;"), or 0.
std::size_t numeric_ref_length(std::string_view s, std::size_t p) noexcept {
    std::size_t i = p + 2;
    bool hex = false;
    if (i < s.size() && (s[i] == 'x' || s[i] == 'X')) {
        hex = true;
        ++i;
    }
    const std::size_t digits_start = i;
    while (i < s.size() && i - digits_start < 8 &&
           (hex ? is_hex(s[i]) : (s[i] >= '0' && s[i] <= '9'))) {
        ++i;
    }
    if (i == digits_start || i >= s.size() || s[i] != ';') return 0;
    return i + 1 - p;
}

void append_numeric_refs(std::string& out, std::string_view utf8) {
    // Decodes UTF-8 (known valid: it comes from the entity table) into
    // code points and writes each as &#xHEX;.
    static constexpr char digits[] = "0123456789ABCDEF";
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        char32_t cp = 0;
        std::size_t n = 1;
        if (c < 0x80) {
            cp = c;
        } else if ((c >> 5U) == 0x6U) {
            cp = c & 0x1FU;
            n = 2;
        } else if ((c >> 4U) == 0xEU) {
            cp = c & 0x0FU;
            n = 3;
        } else {
            cp = c & 0x07U;
            n = 4;
        }
        for (std::size_t k = 1; k < n && i + k < utf8.size(); ++k) {
            cp = (cp << 6U) | (static_cast<unsigned char>(utf8[i + k]) & 0x3FU);
        }
        i += n;
        out += "&#x";
        char buf[8];
        std::size_t len = 0;
        do {
            buf[len++] = digits[cp & 0xFU];
            cp >>= 4U;
        } while (cp != 0 && len < sizeof buf);
        while (len > 0) out.push_back(buf[--len]);
        out.push_back(';');
    }
}

// Skips a construct that runs from `p` to the first `terminator` after it;
// returns the index just past it, or s.size() when unterminated.
std::size_t skip_past(std::string_view s, std::size_t p, std::string_view terminator) noexcept {
    const std::size_t end = s.find(terminator, p);
    return end == std::string_view::npos ? s.size() : end + terminator.size();
}

// Skips "<!DOCTYPE ... [ internal subset ] >".
std::size_t skip_doctype(std::string_view s, std::size_t p) noexcept {
    int bracket = 0;
    for (std::size_t i = p; i < s.size(); ++i) {
        if (s[i] == '[') ++bracket;
        if (s[i] == ']' && bracket > 0) --bracket;
        if (s[i] == '>' && bracket == 0) return i + 1;
    }
    return s.size();
}

bool starts_with_at(std::string_view s, std::size_t p, std::string_view prefix) noexcept {
    return s.size() >= p + prefix.size() && s.compare(p, prefix.size(), prefix) == 0;
}

// Where the XML document really starts: the XML declaration, else the
// first root element a feed can have, else the first markup that can begin
// a document. Junk before it is often a PHP warning, which carries HTML
// tags of its own ("<b>Warning</b>: ... on line <b>12</b><br />").
// The end of a well-formed prolog: whitespace, comments, processing
// instructions and a DOCTYPE, skipped as whole constructs (a comment may
// hold "<b>" or "<!DOCTYPE", an internal subset '>' of its declarations).
std::size_t prolog_end(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        if (is_ascii_space(s[i])) {
            ++i;
        } else if (starts_with_at(s, i, "<!--")) {
            i = skip_past(s, i + 4, "-->");
        } else if (starts_with_at(s, i, "<?")) {
            i = skip_past(s, i + 2, "?>");
        } else if (starts_with_at(s, i, "<!DOCTYPE") || starts_with_at(s, i, "<!doctype")) {
            i = skip_doctype(s, i);
        } else {
            break;
        }
    }
    return i;
}

std::size_t document_start(std::string_view s) noexcept {
    constexpr std::string_view roots[] = {"<rss", "<feed", "<rdf:RDF", "<RDF"};
    // A prolog that leads to the root element is the document's own: it
    // starts at its declaration (comments before one are dropped), else at
    // once. An element that is no feed root while one (or a declaration)
    // follows is junk, such as a PHP warning's "<br />".
    if (const std::size_t end = prolog_end(s);
        end + 1 < s.size() && s[end] == '<' &&
        is_name_start(static_cast<unsigned char>(s[end + 1]))) {
        const bool is_root =
            std::any_of(std::begin(roots), std::end(roots),
                        [&](std::string_view r) { return starts_with_at(s, end, r); });
        const bool more_follows =
            s.find("<?xml", end) != std::string_view::npos ||
            std::any_of(std::begin(roots), std::end(roots), [&](std::string_view r) {
                return s.find(r, end) != std::string_view::npos;
            });
        if (is_root || !more_follows) {
            const std::size_t decl = s.substr(0, end).find("<?xml");
            return decl == std::string_view::npos ? 0 : decl;
        }
    }
    if (const std::size_t decl = s.find("<?xml"); decl != std::string_view::npos) return decl;
    std::size_t best = std::string_view::npos;
    for (const std::string_view root : roots) {
        best = std::min(best, s.find(root));
    }
    if (best != std::string_view::npos) {
        // A comment or DOCTYPE right before the root belongs to the document.
        const std::size_t markup = s.rfind("<!", best);
        // A comment ends at "-->", not at a '>' it holds ("<!-- <b>x</b> -->").
        const std::size_t markup_end = markup == std::string_view::npos ? markup
                                       : s.substr(markup).starts_with("<!--")
                                           ? (s.find("-->", markup + 4) == std::string_view::npos
                                                  ? std::string_view::npos
                                                  : s.find("-->", markup + 4) + 2)
                                           : s.find('>', markup);
        if (markup != std::string_view::npos && markup_end != std::string_view::npos) {
            bool only_markup_between = true;
            for (std::size_t i = markup_end + 1; i < best && only_markup_between; ++i) {
                only_markup_between = is_ascii_space(s[i]);
            }
            if (only_markup_between && markup < best) best = markup;
        }
        return best;
    }
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t lt = s.find('<', i);
        if (lt == std::string_view::npos) return s.size();
        if (lt + 1 < s.size()) {
            const auto n = static_cast<unsigned char>(s[lt + 1]);
            if (is_name_start(n) || n == '!' || n == '?') return lt;
        }
        i = lt + 1;
    }
    return s.size();
}

}  // namespace

void escape_into(std::string& out, std::string_view text, bool is_attribute) {
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                if (is_attribute) {
                    out += "&quot;";
                } else {
                    out.push_back(c);
                }
                break;
            default:
                out.push_back(c);
        }
    }
}

bool is_name_start(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

bool is_name_char(unsigned char c) noexcept {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

std::string_view local_name(std::string_view qualified) noexcept {
    const std::size_t colon = qualified.find(':');
    return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

qname name_of(pugi::xml_node element) {
    const std::string_view full = element.name();
    const std::size_t colon = full.find(':');
    const std::string_view prefix =
        colon == std::string_view::npos ? std::string_view{} : full.substr(0, colon);
    qname q;
    q.local = colon == std::string_view::npos ? full : full.substr(colon + 1);
    q.has_prefix = colon != std::string_view::npos;
    std::string_view uri;
    if (lookup_prefix(element, prefix, uri)) {
        q.space = uri.empty() ? ns::none : classify_uri(uri);
        return q;
    }
    if (prefix.empty()) {
        q.space = ns::none;
        return q;
    }
    q.space = ns::unknown;
    for (const auto& [p, space] : k_conventional) {
        if (p == prefix) q.space = space;
    }
    return q;
}

std::string base_of(pugi::xml_node element, const std::string& parent_base) {
    const pugi::xml_attribute a = element.attribute("xml:base");
    if (!a) return parent_base;
    const std::string value = trimmed(a.value());
    if (auto resolved = resolve_url(parent_base, value)) return *resolved;
    return parent_base.empty() ? value : parent_base;
}

std::string text_of(pugi::xml_node element) {
    std::string out;
    for (pugi::xml_node c = element.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
    }
    return out;
}

std::string text_or_markup(pugi::xml_node element, bool* is_markup) {
    bool has_element = false;
    for (pugi::xml_node c = element.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element) {
            has_element = true;
            break;
        }
    }
    if (is_markup != nullptr) *is_markup = has_element;
    return has_element ? inner_html(element) : text_of(element);
}

std::string inner_html(pugi::xml_node element, const std::string& base) {
    std::string out;
    serialize(out, element, base);
    return out;
}

std::string_view attr(pugi::xml_node element, const char* name) {
    return element.attribute(name).value();
}

std::string trimmed(std::string_view s) {
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && is_ascii_space(s[b])) ++b;
    while (e > b && is_ascii_space(s[e - 1])) --e;
    return std::string(s.substr(b, e - b));
}

std::string_view salvage_xml(std::string_view text, std::string& storage, salvage_report& report) {
    const std::size_t start = document_start(text);
    // Whitespace and complete comments before the document are not junk:
    // dropping them loses nothing (a comment before "<?xml" is common).
    std::size_t junk = 0;
    for (std::size_t i = 0; i < start; ++i) {
        if (text.substr(i, start - i).starts_with("<!--")) {
            const std::size_t end = text.substr(0, start).find("-->", i + 4);
            if (end != std::string_view::npos) {
                i = end + 2;
                continue;
            }
        }
        if (!is_ascii_space(text[i])) {
            junk = start;
            break;
        }
    }
    report.junk_before_root = junk;
    // Whitespace before the declaration is dropped silently: pugixml
    // accepts it, but "<?xml" must come first for strict parsers.
    text = text.substr(start);

    bool is_copying = false;
    std::size_t copied_to = 0;  // text[copied_to..] not yet in storage
    auto begin_copy = [&](std::size_t upto) {
        if (!is_copying) {
            storage.clear();
            storage.reserve(text.size() + text.size() / 16);
            is_copying = true;
        }
        storage.append(text.substr(copied_to, upto - copied_to));
    };

    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t special = find_either(text, i, text.size(), '<', '&');
        if (special == text.size()) break;
        i = special;
        if (text[i] == '<') {
            if (starts_with_at(text, i, "<![CDATA[")) {
                i = skip_past(text, i + 9, "]]>");
            } else if (starts_with_at(text, i, "<!--")) {
                i = skip_past(text, i + 4, "-->");
            } else if (starts_with_at(text, i, "<?")) {
                i = skip_past(text, i + 2, "?>");
            } else if (starts_with_at(text, i, "<!DOCTYPE") ||
                       starts_with_at(text, i, "<!doctype")) {
                i = skip_doctype(text, i);
            } else {
                ++i;
            }
            continue;
        }
        // text[i] == '&'
        if (i + 1 < text.size() && text[i + 1] == '#') {
            const std::size_t len = numeric_ref_length(text, i);
            if (len > 0) {
                i += len;
                continue;
            }
            begin_copy(i);
            storage += "&amp;";
            copied_to = i + 1;
            ++report.bare_ampersands;
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        if (j < text.size() && is_name_start(static_cast<unsigned char>(text[j]))) {
            while (j < text.size() && is_name_char(static_cast<unsigned char>(text[j])) &&
                   j - i < 40) {
                ++j;
            }
        }
        const std::string_view name = text.substr(i + 1, j - i - 1);
        const bool has_semicolon = j < text.size() && text[j] == ';';
        if (has_semicolon && !name.empty()) {
            if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
                i = j + 1;
                continue;
            }
            if (auto utf8 = html_entity_utf8(name)) {
                begin_copy(i);
                append_numeric_refs(storage, *utf8);
                copied_to = j + 1;
                ++report.html_entities;
                i = j + 1;
                continue;
            }
            ++report.unknown_entities;
        } else {
            ++report.bare_ampersands;
        }
        begin_copy(i);
        storage += "&amp;";
        copied_to = i + 1;
        i = i + 1;
    }
    if (!is_copying) return text;
    storage.append(text.substr(copied_to));
    return storage;
}

unsigned max_element_depth(pugi::xml_node root) {
    unsigned depth = 0;
    unsigned deepest = 0;
    pugi::xml_node cur = root.first_child();
    if (!cur) return 0;
    depth = 1;
    while (cur) {
        if (cur.type() == pugi::node_element && depth > deepest) deepest = depth;
        if (cur.first_child()) {
            cur = cur.first_child();
            ++depth;
            continue;
        }
        while (cur && !cur.next_sibling()) {
            cur = cur.parent();
            --depth;
            if (cur == root) return deepest;
        }
        if (cur) cur = cur.next_sibling();
    }
    return deepest;
}

}  // namespace feedwire::feeds::detail
