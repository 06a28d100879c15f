// IPTC NewsML-G2 (https://iptc.org/std/NewsML-G2/), namespace
// http://iptc.org/std/nar/2006-10-01/. A document is one newsItem or a
// newsMessage whose itemSet carries several; each text newsItem is one
// entry. Its itemMeta gives the times and links, its contentMeta the
// headline, dateline, located, creditline, by, subjects, description and
// language, and its contentSet the body: inlineXML (XHTML, or NITF as
// Reuters and AP send it) before inlineData (text), plus remoteContent
// renditions. Picture, graphic, video and audio newsItems of a message are
// the media of the text item that links to them (itemMeta link residref,
// or a packageItem grouping both), or of the only text item when the
// message links nothing; otherwise each stands as an entry of its own. Elements are read by local
// name in the NewsML-G2 namespace or in none, since hand-made documents drop it.
#include "feedwire/feeds/html_text.hpp"
#include "formats.hpp"

#include <algorithm>
#include <unordered_map>

namespace feedwire::feeds::detail {
namespace {

bool is_g2(pugi::xml_node n) {
    if (n.type() != pugi::node_element) return false;
    const ns space = name_of(n).space;
    return space == ns::nar || space == ns::none;
}

bool is_named(pugi::xml_node n, std::string_view local) {
    return is_g2(n) && local_name(n.name()) == local;
}

pugi::xml_node child(pugi::xml_node parent, std::string_view local) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
        if (is_named(c, local)) return c;
    }
    return {};
}

// Text of a G2 "Block" or "Label" element, inline markup (span, br)
// flattened.
std::string plain_text(pugi::xml_node n) { return n ? html_to_text(inner_html(n)) : ""; }

// The last part of a QCode or its expanded URI: "ninat:picture" and
// "http://cv.iptc.org/newscodes/ninature/picture" both give "picture".
std::string_view code_of(std::string_view qcode) {
    const std::size_t p = qcode.find_last_of(":/");
    return p == std::string_view::npos ? qcode : qcode.substr(p + 1);
}

// The <name> child in `lang` when there is one, else the first.
std::string name_in(pugi::xml_node n, std::string_view lang) {
    pugi::xml_node first;
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
        if (!is_named(c, "name")) continue;
        if (!first) first = c;
        const std::string_view l = attr(c, "xml:lang");
        if (!lang.empty() && l.substr(0, 2) == lang.substr(0, 2)) return plain_text(c);
    }
    return plain_text(first);
}

std::string medium_of_class(std::string_view item_class) {
    const std::string_view code = code_of(item_class);
    if (code == "picture" || code == "graphic") return "image";
    if (code == "video" || code == "audio") return std::string(code);
    return {};
}

struct g2_item {
    raw_entry entry;
    std::string medium;             // "" for text items
    std::vector<std::string> refs;  // guids of items this one links to
    std::string caption;            // a media item's caption and credit
    std::string credit;
};

// "Nagoya" plus the widest broader place ("Japan"): "Nagoya, Japan".
std::string located_text(pugi::xml_node located, std::string_view lang) {
    std::string place = name_in(located, lang);
    std::string widest;
    for (pugi::xml_node b = located.first_child(); b; b = b.next_sibling()) {
        if (is_named(b, "broader")) {
            std::string name = name_in(b, lang);
            if (!name.empty()) widest = std::move(name);
        }
    }
    if (place.empty()) return widest;
    if (!widest.empty() && widest != place) place += ", " + widest;
    return place;
}

raw_media remote_content(pugi::xml_node rc) {
    raw_media m;
    m.url = trimmed(attr(rc, "href"));
    m.type = trimmed(attr(rc, "contenttype"));
    m.width = parse_unsigned<std::uint32_t>(attr(rc, "width"));
    m.height = parse_unsigned<std::uint32_t>(attr(rc, "height"));
    m.size = parse_unsigned<std::uint64_t>(attr(rc, "size"));
    m.duration = parse_unsigned<std::uint32_t>(attr(rc, "duration"));
    if (m.type.rfind("image/", 0) == 0) m.medium = "image";
    if (m.type.rfind("video/", 0) == 0) m.medium = "video";
    if (m.type.rfind("audio/", 0) == 0) m.medium = "audio";
    const std::string_view rendition = code_of(attr(rc, "rendition"));
    if (rendition.find("thumb") != std::string_view::npos ||
        rendition.find("Thumb") != std::string_view::npos) {
        m.rel = "thumbnail";
    }
    return m;
}

// The body inside inlineXML: an XHTML document's body, a NITF document's
// body.content (its media elements taken out), or the markup as it is.
raw_text inline_xml(pugi::xml_node ix, const std::string& base, raw_entry& e) {
    raw_text t;
    t.kind = text_kind::html;
    t.base = base_of(ix, base);
    pugi::xml_node root;
    for (pugi::xml_node c = ix.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element) {
            root = c;
            break;
        }
    }
    const std::string_view root_name = root ? local_name(root.name()) : "";
    if (root_name == "nitf") {
        pugi::xml_node content =
            root.find_node([](pugi::xml_node n) { return local_name(n.name()) == "body.content"; });
        if (content) t.value = nitf_body_html(content, t.base, e.media);
        return t;
    }
    if (root_name == "html") {
        pugi::xml_node body;
        for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_element && local_name(c.name()) == "body") body = c;
        }
        t.value = body ? inner_html(body, t.base) : std::string();
        return t;
    }
    t.value = inner_html(ix, t.base);
    return t;
}

void read_item_meta(pugi::xml_node meta, g2_item& g) {
    raw_entry& e = g.entry;
    for (pugi::xml_node c = meta.first_child(); c; c = c.next_sibling()) {
        if (!is_g2(c)) continue;
        const std::string_view n = local_name(c.name());
        if (n == "itemClass") {
            g.medium = medium_of_class(attr(c, "qcode"));
        } else if (n == "versionCreated") {
            e.updated = trimmed(text_of(c));
        } else if (n == "firstCreated") {
            e.published = trimmed(text_of(c));
        } else if (n == "title") {
            if (e.title.empty()) e.title = raw_text{inner_html(c), text_kind::html, e.base};
        } else if (n == "link") {
            const std::string residref = trimmed(attr(c, "residref"));
            if (!residref.empty()) g.refs.push_back(residref);
            const std::string href = trimmed(attr(c, "href"));
            const std::string_view rel = code_of(attr(c, "rel"));
            if (e.link.empty() && !href.empty() &&
                (rel == "canonical" || attr(c, "contenttype") == "text/html")) {
                e.link = href;
            }
        }
    }
}

void read_content_meta(pugi::xml_node meta, g2_item& g, std::string_view lang) {
    raw_entry& e = g.entry;
    bool has_headline = false;  // itemMeta's title is only a fallback
    bool has_main_headline = false;
    std::vector<person> creators;
    std::string by;
    for (pugi::xml_node c = meta.first_child(); c; c = c.next_sibling()) {
        if (!is_g2(c)) continue;
        const std::string_view n = local_name(c.name());
        const std::string_view role = code_of(attr(c, "role"));
        if (n == "headline") {
            // The main headline (no role, or hld:main) over subheadlines.
            const bool is_main = role.empty() || role == "main";
            if (!has_headline || (is_main && !has_main_headline)) {
                e.title = raw_text{inner_html(c), text_kind::html, e.base};
                has_headline = true;
                has_main_headline = is_main;
            }
        } else if (n == "description") {
            // A picture's summary is its caption unless a caption is given.
            if (role == "caption") {
                g.caption = plain_text(c);
                continue;
            }
            if (e.summary.empty()) e.summary = raw_text{inner_html(c), text_kind::html, e.base};
            if (!g.medium.empty() && g.caption.empty()) g.caption = plain_text(c);
        } else if (n == "dateline") {
            e.dateline = plain_text(c);
        } else if (n == "located") {
            if (e.located.empty()) e.located = located_text(c, lang);
        } else if (n == "creditline") {
            // A picture's credit line names its photographer, not the
            // agency the story is attributed to.
            if (g.medium.empty()) {
                e.creditline = plain_text(c);
            } else {
                g.credit = plain_text(c);
            }
        } else if (n == "by") {
            by = plain_text(c);
        } else if (n == "creator") {
            std::string name = name_in(c, lang);
            if (name.empty()) name = trimmed(attr(c, "literal"));
            if (!name.empty()) creators.push_back({std::move(name), "", ""});
        } else if (n == "subject") {
            subject s;
            s.scheme = trimmed(attr(c, "qcode"));
            if (s.scheme.empty()) s.scheme = trimmed(attr(c, "uri"));
            s.name = name_in(c, lang);
            if (s.name.empty()) s.name = s.scheme;
            if (!s.name.empty()) e.subjects.push_back(std::move(s));
        } else if (n == "keyword") {
            std::string k = plain_text(c);
            if (!k.empty()) e.subjects.push_back({std::move(k), ""});
        } else if (n == "language") {
            if (e.language.empty()) e.language = trimmed(attr(c, "tag"));
        } else if (n == "contentCreated") {
            if (e.published.empty()) e.published = trimmed(text_of(c));
        }
    }
    // Creators are the structured authors; `by` is the byline as written
    // and stands in when no creator is named.
    if (!creators.empty()) {
        e.authors = std::move(creators);
    } else if (!by.empty()) {
        e.authors.push_back({by, "", ""});
    }
    if (g.credit.empty()) g.credit = e.creditline.empty() ? by : e.creditline;
}

void read_content_set(pugi::xml_node set, g2_item& g, std::vector<std::string>& warnings) {
    raw_entry& e = g.entry;
    raw_text xml_body;
    raw_text data_body;
    for (pugi::xml_node c = set.first_child(); c; c = c.next_sibling()) {
        if (!is_g2(c)) continue;
        const std::string_view n = local_name(c.name());
        if (n == "inlineXML") {
            if (xml_body.empty()) xml_body = inline_xml(c, e.base, e);
        } else if (n == "inlineData") {
            if (!data_body.empty()) continue;
            if (trimmed(attr(c, "encoding")) == "base64") {
                warnings.push_back("item \"" + e.guid + "\": base64 inlineData ignored");
                continue;
            }
            const std::string type = trimmed(attr(c, "contenttype"));
            data_body.value = text_of(c);
            data_body.kind = type == "text/html" || type == "application/xhtml+xml"
                                 ? text_kind::html
                                 : text_kind::text;
            data_body.base = e.base;
        } else if (n == "remoteContent") {
            raw_media m = remote_content(c);
            if (m.url.empty()) continue;
            if (m.type == "text/html" || m.type == "application/xhtml+xml") {
                if (e.link.empty()) e.link = m.url;
                continue;
            }
            if (m.medium.empty()) m.medium = g.medium;
            e.media.push_back(std::move(m));
        }
    }
    e.content = xml_body.empty() ? std::move(data_body) : std::move(xml_body);
}

g2_item read_news_item(pugi::xml_node item, const std::string& base,
                       std::vector<std::string>& warnings) {
    g2_item g;
    raw_entry& e = g.entry;
    e.base = base_of(item, base);
    e.guid = trimmed(attr(item, "guid"));
    const std::string item_lang = trimmed(attr(item, "xml:lang"));
    if (pugi::xml_node rights = child(item, "rightsInfo")) {
        if (pugi::xml_node holder = child(rights, "copyrightHolder")) {
            e.copyrightholder = name_in(holder, item_lang);
            if (e.copyrightholder.empty()) e.copyrightholder = trimmed(attr(holder, "literal"));
        }
        e.rights = plain_text(child(rights, "copyrightNotice"));
    }
    if (pugi::xml_node meta = child(item, "itemMeta")) read_item_meta(meta, g);
    if (pugi::xml_node meta = child(item, "contentMeta")) read_content_meta(meta, g, item_lang);
    if (e.language.empty()) e.language = item_lang;
    if (pugi::xml_node set = child(item, "contentSet")) read_content_set(set, g, warnings);
    const std::string headline = html_to_text(e.title.value);
    for (auto& m : e.media) {
        if (m.description.empty()) m.description = g.caption;
        if (m.credit.empty()) m.credit = g.credit;
        if (m.title.empty() && !g.medium.empty()) m.title = headline;
    }
    return g;
}

// Every itemRef residref inside a packageItem, in document order.
std::vector<std::string> package_refs(pugi::xml_node package) {
    std::vector<std::string> refs;
    for (pugi::xml_node group = child(child(package, "groupSet"), "group"); group;
         group = group.next_sibling()) {
        if (!is_named(group, "group")) continue;
        for (pugi::xml_node ref = group.first_child(); ref; ref = ref.next_sibling()) {
            if (!is_named(ref, "itemRef")) continue;
            std::string r = trimmed(attr(ref, "residref"));
            if (!r.empty()) refs.push_back(std::move(r));
        }
    }
    return refs;
}

}  // namespace

raw_feed parse_newsml(pugi::xml_node root, const std::string& document_base) {
    raw_feed feed;
    feed.info.format = "newsml-g2";
    feed.base = base_of(root, document_base);
    std::vector<g2_item> items;
    std::vector<std::vector<std::string>> packages;
    if (local_name(root.name()) == "newsItem") {
        items.push_back(read_news_item(root, feed.base, feed.warnings));
    } else {
        if (pugi::xml_node header = child(root, "header")) {
            feed.updated_text = trimmed(text_of(child(header, "sent")));
            feed.info.generator = plain_text(child(header, "sender"));
        }
        for (pugi::xml_node set = child(root, "itemSet"); set; set = set.next_sibling()) {
            if (!is_named(set, "itemSet")) continue;
            for (pugi::xml_node c = set.first_child(); c; c = c.next_sibling()) {
                if (is_named(c, "newsItem")) {
                    items.push_back(read_news_item(c, feed.base, feed.warnings));
                } else if (is_named(c, "packageItem")) {
                    packages.push_back(package_refs(c));
                }
            }
        }
        if (items.empty()) feed.warnings.push_back("newsMessage carries no newsItem");
    }

    // Media items go to the text item that links to them, or shares a
    // package with them, or is the only text item of the message.
    std::unordered_map<std::string, std::size_t> text_by_guid;
    std::vector<std::size_t> texts;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i].medium.empty()) continue;
        texts.push_back(i);
        if (!items[i].entry.guid.empty()) text_by_guid.emplace(items[i].entry.guid, i);
    }
    for (const auto& refs : packages) {
        for (const auto& r : refs) {
            auto it = text_by_guid.find(r);
            if (it == text_by_guid.end()) continue;
            auto& own = items[it->second].refs;
            own.insert(own.end(), refs.begin(), refs.end());
            break;
        }
    }
    // The only-text-item rule holds when the message says nothing itself.
    bool has_links = !packages.empty();
    for (const std::size_t t : texts) has_links = has_links || !items[t].refs.empty();
    std::vector<bool> attached(items.size(), false);
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].medium.empty()) continue;
        std::optional<std::size_t> owner;
        for (const std::size_t t : texts) {
            const auto& refs = items[t].refs;
            if (!items[i].entry.guid.empty() &&
                std::find(refs.begin(), refs.end(), items[i].entry.guid) != refs.end()) {
                owner = t;
                break;
            }
        }
        if (!owner && texts.size() == 1 && !has_links) owner = texts.front();
        if (!owner) continue;
        auto& media = items[*owner].entry.media;
        for (auto& m : items[i].entry.media) media.push_back(std::move(m));
        attached[i] = true;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (attached[i]) continue;
        // A picture standing alone is an entry whose summary is its caption.
        raw_entry& e = items[i].entry;
        if (e.summary.empty() && !items[i].caption.empty()) {
            e.summary = raw_text{items[i].caption, text_kind::text, e.base};
        }
        feed.entries.push_back(std::move(e));
    }
    return feed;
}

}  // namespace feedwire::feeds::detail
