// RSS 0.90, 0.91, 0.92, 2.0 and RSS 1.0 (RDF). The families share their
// element vocabulary; they differ in where items live (inside <channel>
// for <rss>, beside it under <rdf:RDF>) and in the namespace of the core
// elements (none, RSS 1.0's or RSS 0.90's). Extension namespaces (Dublin
// Core, content, Media RSS, atom:link, syndication, iTunes, FeedBurner)
// are read wherever they appear.
#include "feedwire/feeds/html_text.hpp"
#include "feedwire/feeds/url.hpp"
#include "formats.hpp"

namespace feedwire::feeds::detail {
namespace {

// RSS's own elements: no namespace, RSS 1.0's or 0.90's, or an unknown
// default namespace (RSS 0.91/2.0 documents that declare one of their own
// invention). A prefixed element of an unknown namespace is an extension
// (<vendor:title>) and never stands in for the core element.
bool is_core(const qname& q) noexcept {
    return q.space == ns::none || q.space == ns::rss10 || q.space == ns::rss090 ||
           (q.space == ns::unknown && !q.has_prefix);
}

// RSS titles and descriptions carry no type: descriptions are HTML by the
// RSS 2.0 spec, titles are HTML in practice whenever they contain markup.
raw_text html_text(pugi::xml_node e, const std::string& base) {
    raw_text t;
    bool is_markup = false;
    t.value = text_or_markup(e, &is_markup);
    t.kind = text_kind::html;
    t.base = base_of(e, base);
    return t;
}

raw_text title_text(pugi::xml_node e, const std::string& base) {
    raw_text t;
    bool is_markup = false;
    t.value = text_or_markup(e, &is_markup);
    t.kind = (is_markup || looks_like_html(t.value)) ? text_kind::html : text_kind::text;
    t.base = base_of(e, base);
    return t;
}

void add_subject(std::vector<subject>& subjects, std::string name, const std::string& scheme) {
    name = trimmed(name);
    if (name.empty()) return;
    subjects.push_back({std::move(name), trimmed(scheme)});
}

void read_atom_link(pugi::xml_node e, feed_info& info) {
    const std::string rel = trimmed(attr(e, "rel"));
    const std::string href = trimmed(attr(e, "href"));
    if (href.empty()) return;
    if (rel == "self" && info.self.empty()) info.self = href;
    if (rel == "hub") info.hubs.push_back(href);
    if ((rel.empty() || rel == "alternate") && info.link.empty()) info.link = href;
    info.links.push_back({href, rel.empty() ? "alternate" : rel, trimmed(attr(e, "type")),
                          trimmed(attr(e, "title"))});
}

void read_channel(pugi::xml_node channel, raw_feed& feed) {
    feed_info& info = feed.info;
    for (pugi::xml_node c = channel.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        const qname q = name_of(c);
        const std::string_view n = q.local;
        if (is_core(q)) {
            if (n == "title") {
                info.title = trimmed(text_of(c));
            } else if (n == "link") {
                if (info.link.empty()) info.link = trimmed(text_of(c));
            } else if (n == "description") {
                info.subtitle = text_of(c);
            } else if (n == "language") {
                info.language = trimmed(text_of(c));
            } else if (n == "copyright") {
                info.copyright = trimmed(text_of(c));
            } else if (n == "generator") {
                info.generator = trimmed(text_of(c));
            } else if (n == "managingEditor" || n == "webMaster") {
                if (n == "managingEditor") info.authors.push_back(parse_person_text(text_of(c)));
            } else if (n == "ttl") {
                info.ttl_minutes = parse_unsigned<std::uint32_t>(text_of(c));
            } else if (n == "lastBuildDate" || (n == "pubDate" && feed.updated_text.empty())) {
                feed.updated_text = trimmed(text_of(c));
            } else if (n == "image") {
                feed_image img;
                for (pugi::xml_node ic = c.first_child(); ic; ic = ic.next_sibling()) {
                    const std::string_view in = local_name(ic.name());
                    if (in == "url") img.url = trimmed(text_of(ic));
                    if (in == "title") img.title = trimmed(text_of(ic));
                    if (in == "link") img.link = trimmed(text_of(ic));
                    if (in == "width") img.width = parse_unsigned<std::uint32_t>(text_of(ic));
                    if (in == "height") img.height = parse_unsigned<std::uint32_t>(text_of(ic));
                }
                // RSS 1.0 names the image by rdf:resource on the channel.
                if (img.url.empty()) img.url = trimmed(attr(c, "rdf:resource"));
                if (!img.url.empty()) info.image = std::move(img);
            } else if (n == "skipHours") {
                for (pugi::xml_node h = c.first_child(); h; h = h.next_sibling()) {
                    if (local_name(h.name()) != "hour") continue;
                    auto v = parse_unsigned<std::uint32_t>(text_of(h));
                    // RSS 2.0 says 0-23; 24 is seen in the wild and means midnight.
                    if (v && *v <= 24) info.skip_hours.push_back(*v % 24U);
                }
            } else if (n == "skipDays") {
                for (pugi::xml_node d = c.first_child(); d; d = d.next_sibling()) {
                    if (local_name(d.name()) != "day") continue;
                    std::string day = trimmed(text_of(d));
                    if (!day.empty()) info.skip_days.push_back(std::move(day));
                }
            }
        } else if (q.space == ns::dc) {
            if (n == "language" && info.language.empty()) info.language = trimmed(text_of(c));
            if (n == "rights" && info.copyright.empty()) info.copyright = trimmed(text_of(c));
            if (n == "creator" || n == "publisher") {
                if (n == "creator") info.authors.push_back({trimmed(text_of(c)), "", ""});
            }
            if (n == "date" && feed.updated_text.empty()) feed.updated_text = trimmed(text_of(c));
            if (n == "title" && info.title.empty()) info.title = trimmed(text_of(c));
        } else if (q.space == ns::atom10 && n == "link") {
            read_atom_link(c, info);
        } else if (q.space == ns::sy) {
            if (n == "updatePeriod") info.update_period = trimmed(text_of(c));
            if (n == "updateFrequency") {
                info.update_frequency = parse_unsigned<std::uint32_t>(text_of(c));
            }
            if (n == "updateBase") feed.update_base_text = trimmed(text_of(c));
        } else if (q.space == ns::itunes && n == "image" && !info.image) {
            feed_image img;
            img.url = trimmed(attr(c, "href"));
            if (!img.url.empty()) info.image = std::move(img);
        }
    }
}

raw_entry read_item(pugi::xml_node item, const std::string& parent_base) {
    raw_entry e;
    e.base = base_of(item, parent_base);
    e.language = trimmed(attr(item, "xml:lang"));
    std::string atom_alternate;
    std::string orig_link;
    bool guid_is_permalink = true;
    for (pugi::xml_node c = item.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        const qname q = name_of(c);
        const std::string_view n = q.local;
        if ((q.space == ns::xhtml || is_core(q)) && n == "body") {
            // xhtml:body, or a bare <body> (as feedparser reads it): the
            // content, unless content:encoded gave one.
            if (e.content.empty()) {
                e.content.value = inner_html(c);
                e.content.kind = text_kind::html;
                e.content.base = base_of(c, e.base);
            }
        } else if (is_core(q)) {
            if (n == "title") {
                e.title = title_text(c, e.base);
            } else if (n == "link") {
                // <link href="..."/>: Atom's form, seen in RSS written by hand.
                if (e.link.empty()) e.link = trimmed(text_of(c));
                if (e.link.empty() && trimmed(attr(c, "rel")).empty()) {
                    e.link = trimmed(attr(c, "href"));
                }
            } else if (n == "guid") {
                e.guid = trimmed(text_of(c));
                const std::string p = trimmed(attr(c, "isPermaLink"));
                guid_is_permalink = !(p == "false" || p == "False" || p == "FALSE");
            } else if (n == "description") {
                e.summary = html_text(c, e.base);
            } else if (n == "pubDate") {
                e.published = trimmed(text_of(c));
            } else if (n == "author") {
                person p = parse_person_text(text_of(c));
                if (!p.name.empty() || !p.email.empty()) e.authors.push_back(std::move(p));
            } else if (n == "category") {
                add_subject(e.subjects, text_of(c), std::string(attr(c, "domain")));
            } else if (n == "source") {
                e.source_name = trimmed(text_of(c));
            } else if (n == "enclosure") {
                raw_media m;
                m.url = trimmed(attr(c, "url"));
                m.type = trimmed(attr(c, "type"));
                m.rel = "enclosure";
                m.size = parse_unsigned<std::uint64_t>(attr(c, "length"));
                if (m.size && *m.size == 0) m.size.reset();
                if (!m.url.empty()) e.media.push_back(std::move(m));
            }
        } else if (q.space == ns::content && n == "encoded") {
            e.content = html_text(c, e.base);
        } else if (q.space == ns::dc) {
            if (n == "creator" || n == "author") {
                std::string name = trimmed(text_of(c));
                if (!name.empty()) e.authors.push_back(parse_person_text(name));
            } else if (n == "date") {
                if (e.published.empty()) e.published = trimmed(text_of(c));
            } else if (n == "subject") {
                add_subject(e.subjects, text_of(c), "");
            } else if (n == "language") {
                if (e.language.empty()) e.language = trimmed(text_of(c));
            } else if (n == "rights") {
                e.rights = trimmed(text_of(c));
            } else if (n == "title") {
                if (e.title.empty()) e.title = title_text(c, e.base);
            } else if (n == "description") {
                if (e.summary.empty()) e.summary = html_text(c, e.base);
            } else if (n == "identifier") {
                if (e.guid.empty()) e.guid = trimmed(text_of(c));
            }
        } else if (q.space == ns::dcterms) {
            if (n == "modified") e.updated = trimmed(text_of(c));
            if ((n == "issued" || n == "created") && e.published.empty()) {
                e.published = trimmed(text_of(c));
            }
        } else if (q.space == ns::atom10) {
            if (n == "link") {
                const std::string rel = trimmed(attr(c, "rel"));
                if ((rel.empty() || rel == "alternate") && atom_alternate.empty()) {
                    atom_alternate = trimmed(attr(c, "href"));
                }
            } else if (n == "updated") {
                e.updated = trimmed(text_of(c));
            } else if (n == "published" && e.published.empty()) {
                e.published = trimmed(text_of(c));
            } else if (n == "author") {
                person p;
                for (pugi::xml_node ac = c.first_child(); ac; ac = ac.next_sibling()) {
                    const std::string_view an = local_name(ac.name());
                    if (an == "name") p.name = trimmed(text_of(ac));
                    if (an == "email") p.email = trimmed(text_of(ac));
                    if (an == "uri") p.uri = trimmed(text_of(ac));
                }
                if (!p.name.empty() || !p.email.empty()) e.authors.push_back(std::move(p));
            }
        } else if (q.space == ns::feedburner && n == "origLink") {
            orig_link = trimmed(text_of(c));
        } else if (q.space == ns::itunes && n == "author") {
            if (e.authors.empty()) e.authors.push_back({trimmed(text_of(c)), "", ""});
        } else {
            read_media_element(c, q, e);
        }
    }
    // FeedBurner rewrites <link> to its redirector; origLink is the article.
    if (!orig_link.empty()) e.link = orig_link;
    if (e.link.empty()) e.link = atom_alternate;
    // RDF items are identified by rdf:about.
    const std::string about = trimmed(attr(item, "rdf:about"));
    if (e.guid.empty() && !about.empty()) e.guid = about;
    if (e.link.empty() && !e.guid.empty() && guid_is_permalink &&
        (e.guid.rfind("http://", 0) == 0 || e.guid.rfind("https://", 0) == 0)) {
        e.link = e.guid;
    }
    finish_media(e);
    return e;
}

std::string rss_format(pugi::xml_node root) {
    const qname q = name_of(root);
    if (q.local == "RDF") {
        for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_element && name_of(c).space == ns::rss090) return "rss0.90";
        }
        // An empty RSS 0.90 document says so only in its default namespace.
        if (std::string_view(attr(root, "xmlns")) == "http://my.netscape.com/rdf/simple/0.9/")
            return "rss0.90";
        return "rss1.0";
    }
    const std::string version = trimmed(attr(root, "version"));
    if (version == "0.91" || version == "0.92" || version == "0.93" || version == "0.94" ||
        version == "2.0" || version == "0.90") {
        return "rss" + version;
    }
    // feedparser's rule: any 2.x is RSS 2.0 (2.01 and 2.1 exist in the wild).
    if (version == "2" || version.rfind("2.", 0) == 0) return "rss2.0";
    return "rss";
}

}  // namespace

raw_feed parse_rss(pugi::xml_node root, const std::string& document_base) {
    raw_feed feed;
    feed.info.format = rss_format(root);
    const std::string root_base = base_of(root, document_base);
    const std::string root_lang = trimmed(attr(root, "xml:lang"));

    pugi::xml_node channel;
    for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element && local_name(c.name()) == "channel") {
            channel = c;
            break;
        }
    }
    std::string channel_base = root_base;
    if (channel) {
        channel_base = base_of(channel, root_base);
        read_channel(channel, feed);
    }
    if (feed.info.language.empty()) {
        feed.info.language = channel ? trimmed(attr(channel, "xml:lang")) : "";
        if (feed.info.language.empty()) feed.info.language = root_lang;
    }
    // Relative item links are relative to the site when the document sets
    // no xml:base: the channel link, itself resolved against the fetch URL.
    std::string item_base = channel_base;
    if (channel && !channel.attribute("xml:base") && !root.attribute("xml:base") &&
        !feed.info.link.empty()) {
        if (auto site = resolve_url(channel_base, feed.info.link)) item_base = *site;
    }
    feed.base = item_base;

    auto collect = [&](pugi::xml_node parent, const std::string& base) {
        for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_element && local_name(c.name()) == "item") {
                feed.entries.push_back(read_item(c, base));
            }
        }
    };
    if (channel) collect(channel, item_base);
    collect(root, item_base);  // RDF, and RSS documents that misplace items
    return feed;
}

}  // namespace feedwire::feeds::detail
