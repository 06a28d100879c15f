// Atom 1.0 (RFC 4287) and its predecessor Atom 0.3. Text constructs carry
// their type (RFC 4287 3.1): "text", "html", or "xhtml" whose single div
// child is a wrapper and not content (3.1.1.3). Atom 0.3 uses MIME types
// and a mode attribute ("xml", "escaped", "base64") instead. Entries
// without authors inherit them from atom:source, then from the feed
// (RFC 4287 4.2.1).
#include "feedwire/feeds/charset.hpp"
#include "feedwire/feeds/html_text.hpp"
#include "feedwire/feeds/url.hpp"
#include "formats.hpp"

#include <array>
#include <cctype>

namespace feedwire::feeds::detail {
namespace {

bool is_atom(ns space) noexcept {
    return space == ns::atom10 || space == ns::atom03 || space == ns::none;
}

std::string decode_base64(std::string_view in) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : in) {
        int v = -1;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+' || c == '-')
            v = 62;
        else if (c == '/' || c == '_')
            v = 63;
        else if (c == '=')
            break;
        if (v < 0) continue;
        acc = (acc << 6U) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> static_cast<unsigned>(bits)) & 0xFFU));
        }
    }
    return out;
}

// Reads an Atom text construct (or Atom 0.3 content construct). Returns an
// empty text for out-of-line content (src=) and non-text media types.
raw_text read_text_construct(pugi::xml_node e, const std::string& parent_base) {
    raw_text t;
    t.base = base_of(e, parent_base);
    std::string type = trimmed(attr(e, "type"));
    for (auto& ch : type) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    const std::string mode = trimmed(attr(e, "mode"));
    if (!trimmed(attr(e, "src")).empty()) return t;

    if (type == "xhtml" || type == "application/xhtml+xml" ||
        (mode == "xml" && type != "text/plain" && type != "text")) {
        // RFC 4287 3.1.1.3: the content is the children of the wrapping div.
        pugi::xml_node div;
        for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_element) {
                div = c;
                break;
            }
        }
        if (div && local_name(div.name()) == "div") {
            t.base = base_of(div, t.base);
            t.value = inner_html(div, t.base);
        } else {
            t.value = inner_html(e, t.base);
        }
        t.kind = text_kind::html;
        return t;
    }
    bool is_markup = false;
    std::string value = text_or_markup(e, &is_markup);
    // Decoded bytes are read as UTF-8, like the rest of the decoded document.
    if (mode == "base64") value = sanitize_utf8(decode_base64(value));
    if (type.empty() || type == "text" || type == "text/plain") {
        t.kind = is_markup ? text_kind::html : text_kind::text;
    } else if (type == "html" || type == "text/html" || is_markup) {
        t.kind = text_kind::html;
    } else if (type.rfind("text/", 0) == 0 || type.find("xml") != std::string::npos) {
        t.kind = text_kind::text;
    } else {
        return t;  // a binary media type: nothing to show as text
    }
    t.value = std::move(value);
    return t;
}

person read_person(pugi::xml_node e) {
    person p;
    for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        const std::string_view n = local_name(c.name());
        if (n == "name") p.name = trimmed(text_of(c));
        if (n == "email") p.email = trimmed(text_of(c));
        if (n == "uri" || n == "url") p.uri = trimmed(text_of(c));
    }
    if (p.name.empty() && p.email.empty() && p.uri.empty()) {
        p = parse_person_text(text_of(e));
    }
    return p;
}

link_info read_link(pugi::xml_node e) {
    link_info l;
    l.href = trimmed(attr(e, "href"));
    // Atom 0.3 era documents sometimes put the URL in the element's text.
    if (l.href.empty()) l.href = trimmed(text_of(e));
    l.rel = trimmed(attr(e, "rel"));
    if (l.rel.empty()) l.rel = "alternate";
    l.type = trimmed(attr(e, "type"));
    l.title = trimmed(attr(e, "title"));
    return l;
}

bool is_html_type(std::string_view type) {
    return type.empty() || type == "text/html" || type == "application/xhtml+xml";
}

// The xml:lang in scope at `e` (XML 1.0 2.12: inherited from the nearest
// ancestor that has one).
std::string_view language_in_scope(pugi::xml_node e) {
    for (; e; e = e.parent()) {
        if (const pugi::xml_attribute a = e.attribute("xml:lang")) return a.value();
    }
    return {};
}

// The primary language subtags of two BCP 47 tags match ("en", "en-GB").
bool same_language(std::string_view a, std::string_view b) {
    a = a.substr(0, a.find('-'));
    b = b.substr(0, b.find('-'));
    if (a.empty() || a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

// How well an HTML alternate (RFC 4287 4.2.7.2) fits as the entry's link:
// one in the entry's own language first, then one with no hreflang (the
// default page), then a translation.
int alternate_rank(std::string_view hreflang, std::string_view entry_language) {
    if (hreflang.empty()) return 1;
    return same_language(hreflang, entry_language) ? 2 : 0;
}

raw_entry read_entry(pugi::xml_node entry, const std::string& parent_base,
                     const std::vector<person>& feed_authors) {
    raw_entry e;
    e.base = base_of(entry, parent_base);
    e.language = trimmed(attr(entry, "xml:lang"));
    std::vector<person> source_authors;
    std::string first_alternate;
    std::string orig_link;
    int html_alternate_rank = -1;
    const std::string_view entry_language = language_in_scope(entry);
    for (pugi::xml_node c = entry.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        const qname q = name_of(c);
        const std::string_view n = q.local;
        if (is_atom(q.space)) {
            if (n == "id") {
                e.guid = trimmed(text_of(c));
            } else if (n == "title") {
                e.title = read_text_construct(c, e.base);
            } else if (n == "summary") {
                e.summary = read_text_construct(c, e.base);
            } else if (n == "content") {
                e.content = read_text_construct(c, e.base);
            } else if (n == "published" || n == "issued" || n == "created") {
                if (e.published.empty()) e.published = trimmed(text_of(c));
            } else if (n == "updated" || n == "modified") {
                if (e.updated.empty() || n == "updated") e.updated = trimmed(text_of(c));
            } else if (n == "author") {
                person p = read_person(c);
                if (!p.name.empty() || !p.email.empty()) e.authors.push_back(std::move(p));
            } else if (n == "category") {
                std::string term = trimmed(attr(c, "term"));
                std::string label = trimmed(attr(c, "label"));
                if (term.empty()) term = trimmed(text_of(c));  // Atom 0.3 style
                std::string name = label.empty() ? term : label;
                if (!name.empty()) e.subjects.push_back({name, trimmed(attr(c, "scheme"))});
            } else if (n == "rights" || n == "copyright") {
                e.rights = trimmed(text_of(c));
            } else if (n == "link") {
                link_info l = read_link(c);
                if (l.href.empty()) continue;
                const std::string href = resolve_url(base_of(c, e.base), l.href).value_or(l.href);
                if (l.rel == "alternate") {
                    // Prefer the HTML alternate when several are given, and
                    // among those the best fit for the entry's language.
                    if (first_alternate.empty()) first_alternate = href;
                    if (is_html_type(l.type)) {
                        const int rank =
                            alternate_rank(trimmed(attr(c, "hreflang")), entry_language);
                        if (rank > html_alternate_rank) {
                            html_alternate_rank = rank;
                            e.link = href;
                        }
                    }
                } else if (l.rel == "enclosure") {
                    raw_media m;
                    m.url = href;
                    m.type = l.type;
                    m.rel = "enclosure";
                    m.title = l.title;
                    m.size = parse_unsigned<std::uint64_t>(attr(c, "length"));
                    if (m.size && *m.size == 0) m.size.reset();
                    e.media.push_back(std::move(m));
                }
            } else if (n == "source") {
                for (pugi::xml_node sc = c.first_child(); sc; sc = sc.next_sibling()) {
                    if (sc.type() != pugi::node_element) continue;
                    const std::string_view sn = local_name(sc.name());
                    if (sn == "author") source_authors.push_back(read_person(sc));
                    if (sn == "title" && e.source_name.empty())
                        e.source_name = trimmed(text_of(sc));
                }
            }
        } else if (q.space == ns::dc) {
            if (n == "creator") e.authors.push_back({trimmed(text_of(c)), "", ""});
            if (n == "subject") {
                std::string s = trimmed(text_of(c));
                if (!s.empty()) e.subjects.push_back({s, ""});
            }
            if (n == "date" && e.published.empty()) e.published = trimmed(text_of(c));
            if (n == "language" && e.language.empty()) e.language = trimmed(text_of(c));
        } else if (q.space == ns::feedburner && n == "origLink") {
            orig_link = trimmed(text_of(c));
        } else {
            read_media_element(c, q, e);
        }
    }
    if (!orig_link.empty()) e.link = std::move(orig_link);
    if (e.link.empty()) e.link = first_alternate;
    if (e.authors.empty()) e.authors = source_authors.empty() ? feed_authors : source_authors;
    finish_media(e);
    return e;
}

}  // namespace

raw_feed parse_atom(pugi::xml_node root, const std::string& document_base) {
    raw_feed feed;
    feed.info.format = name_of(root).space == ns::atom03 ? "atom0.3" : "atom1.0";
    const std::string base = base_of(root, document_base);
    feed.base = base;
    feed.info.language = trimmed(attr(root, "xml:lang"));

    for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        const qname q = name_of(c);
        const std::string_view n = q.local;
        if (!is_atom(q.space)) continue;
        if (n == "title") {
            raw_text t = read_text_construct(c, base);
            feed.info.title =
                t.kind == text_kind::html ? html_to_text(t.value) : collapse_text(t.value);
        } else if (n == "subtitle" || n == "tagline") {
            raw_text t = read_text_construct(c, base);
            feed.info.subtitle =
                t.kind == text_kind::html ? html_to_text(t.value) : collapse_text(t.value);
        } else if (n == "id") {
            feed.info.id = trimmed(text_of(c));
        } else if (n == "updated" || n == "modified") {
            feed.updated_text = trimmed(text_of(c));
        } else if (n == "rights" || n == "copyright") {
            feed.info.copyright = collapse_text(text_of(c));
        } else if (n == "generator") {
            feed.info.generator = trimmed(text_of(c));
        } else if (n == "author") {
            feed.info.authors.push_back(read_person(c));
        } else if (n == "logo" || n == "icon") {
            if (!feed.info.image || n == "logo") {
                feed_image img;
                img.url = resolve_url(base_of(c, base), trimmed(text_of(c))).value_or("");
                if (!img.url.empty()) feed.info.image = std::move(img);
            }
        } else if (n == "link") {
            link_info l = read_link(c);
            if (l.href.empty()) continue;
            l.href = resolve_url(base_of(c, base), l.href).value_or(l.href);
            if (l.rel == "self" && feed.info.self.empty()) feed.info.self = l.href;
            if (l.rel == "hub") feed.info.hubs.push_back(l.href);
            if (l.rel == "alternate" && feed.info.link.empty() && is_html_type(l.type)) {
                feed.info.link = l.href;
            }
            feed.info.links.push_back(std::move(l));
        }
    }
    for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
        // <item> in an Atom document is a common slip; read it as an entry.
        if (c.type() == pugi::node_element &&
            (local_name(c.name()) == "entry" || local_name(c.name()) == "item")) {
            feed.entries.push_back(read_entry(c, base, feed.info.authors));
        }
    }
    return feed;
}

}  // namespace feedwire::feeds::detail
