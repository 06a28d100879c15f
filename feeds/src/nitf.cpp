// IPTC NITF, News Industry Text Format 3.x (https://iptc.org/std/NITF/),
// one story per document. head carries the title and docdata (doc-id,
// date.issue, date.release, doc.copyright, key-list) and pubdata; body.head
// the hedline, byline, distributor, dateline (location, story.date) and
// abstract; body.content the paragraphs, with media elements (references,
// caption, producer) among them. Elements are looked for where the DTD puts
// them first, then anywhere in the document, since producers move them (a
// hedline straight under body, a dateline inside body.content).
#include "feedwire/feeds/html_text.hpp"
#include "formats.hpp"

#include <array>

namespace feedwire::feeds::detail {
namespace {

bool is_nitf(pugi::xml_node n) {
    if (n.type() != pugi::node_element) return false;
    const ns space = name_of(n).space;
    return space == ns::nitf || space == ns::none;
}

pugi::xml_node child(pugi::xml_node parent, std::string_view local) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
        if (is_nitf(c) && local_name(c.name()) == local) return c;
    }
    return {};
}

// The first element of that name anywhere under `root` (pugixml walks the
// tree without recursion; depth is bounded by parse_options::max_depth).
pugi::xml_node descendant(pugi::xml_node root, std::string_view local) {
    return root.find_node(
        [local](pugi::xml_node n) { return is_nitf(n) && local_name(n.name()) == local; });
}

std::string plain_text(pugi::xml_node n) { return n ? html_to_text(inner_html(n)) : ""; }

// NITF's block elements that have an HTML twin, and a dateline misplaced
// into body.content, which reads as a paragraph of its own.
constexpr std::array<std::pair<std::string_view, const char*>, 7> k_html_names = {{
    {"hl1", "h1"},
    {"hl2", "h2"},
    {"block", "div"},
    {"bq", "blockquote"},
    {"credit", "p"},
    {"nitf-table", "table"},
    {"dateline", "p"},
}};

void read_media(pugi::xml_node media, std::vector<raw_media>& out) {
    const std::string type = trimmed(attr(media, "media-type"));
    std::string caption;
    std::string credit;
    for (pugi::xml_node c = media.first_child(); c; c = c.next_sibling()) {
        const std::string_view n = local_name(c.name());
        if (n == "media-caption" && caption.empty()) caption = plain_text(c);
        if (n == "media-producer" && credit.empty()) credit = plain_text(c);
    }
    for (pugi::xml_node c = media.first_child(); c; c = c.next_sibling()) {
        if (local_name(c.name()) != "media-reference") continue;
        raw_media m;
        m.url = trimmed(attr(c, "source"));
        if (m.url.empty()) m.url = trimmed(attr(c, "data-location"));
        if (m.url.empty()) continue;
        m.type = trimmed(attr(c, "mime-type"));
        m.medium = type == "image" || type == "graphic" ? "image" : type;
        if (m.medium != "image" && m.medium != "video" && m.medium != "audio") m.medium.clear();
        m.width = parse_unsigned<std::uint32_t>(attr(c, "width"));
        m.height = parse_unsigned<std::uint32_t>(attr(c, "height"));
        m.title = trimmed(attr(c, "alternate-text"));
        m.description = caption;
        m.credit = credit.empty() ? trimmed(attr(c, "source-credit")) : credit;
        out.push_back(std::move(m));
    }
}

}  // namespace

std::string nitf_body_html(pugi::xml_node body_content, const std::string& base,
                           std::vector<raw_media>& media) {
    // A copy, so that media elements can be taken out and NITF names
    // mapped without touching the document.
    pugi::xml_document scratch;
    pugi::xml_node copy = scratch.append_copy(body_content);
    std::vector<pugi::xml_node> media_nodes;
    std::vector<pugi::xml_node> all;
    for (pugi::xml_node n = copy.first_child(); n;) {
        if (n.type() == pugi::node_element) all.push_back(n);
        if (n.first_child() &&
            !(n.type() == pugi::node_element && local_name(n.name()) == "media")) {
            n = n.first_child();
            continue;
        }
        while (n != copy && !n.next_sibling()) n = n.parent();
        if (n == copy) break;
        n = n.next_sibling();
    }
    for (pugi::xml_node n : all) {
        const std::string_view name = local_name(n.name());
        if (name == "media") {
            media_nodes.push_back(n);
            continue;
        }
        for (const auto& [nitf_name, html_name] : k_html_names) {
            if (name == nitf_name) n.set_name(html_name);
        }
    }
    for (pugi::xml_node n : media_nodes) {
        read_media(n, media);
        n.parent().remove_child(n);
    }
    return inner_html(copy, base);
}

raw_feed parse_nitf(pugi::xml_node root, const std::string& document_base) {
    raw_feed feed;
    // version="-//IPTC//DTD NITF 3.5//EN" gives "nitf3.5".
    const std::string_view version = attr(root, "version");
    feed.info.format = "nitf";
    if (const std::size_t p = version.find("NITF "); p != std::string_view::npos) {
        const std::string_view rest = version.substr(p + 5);
        feed.info.format += std::string(rest.substr(0, rest.find('/')));
    }
    feed.base = base_of(root, document_base);

    raw_entry e;
    e.base = feed.base;
    const pugi::xml_node head = child(root, "head");
    const pugi::xml_node body = child(root, "body");
    for (pugi::xml_node n : {root, head, body, child(body, "body.content")}) {
        if (e.language.empty() && n) e.language = trimmed(attr(n, "xml:lang"));
    }
    // NITF's own attribute for the document's language.
    if (e.language.empty()) e.language = trimmed(attr(root, "baselang"));

    pugi::xml_node docdata = child(head, "docdata");
    if (!docdata) docdata = descendant(root, "docdata");
    e.guid = trimmed(attr(child(docdata, "doc-id"), "id-string"));
    e.published = trimmed(attr(child(docdata, "date.issue"), "norm"));
    if (e.published.empty()) e.published = trimmed(attr(child(docdata, "date.release"), "norm"));
    if (const pugi::xml_node copyright = child(docdata, "doc.copyright")) {
        e.copyrightholder = trimmed(attr(copyright, "holder"));
        const std::string year = trimmed(attr(copyright, "year"));
        if (!e.copyrightholder.empty()) {
            e.rights = "Copyright " + (year.empty() ? "" : year + " ") + e.copyrightholder;
        }
    }
    for (pugi::xml_node k = child(child(docdata, "key-list"), "keyword"); k; k = k.next_sibling()) {
        std::string key = trimmed(attr(k, "key"));
        if (!key.empty()) e.subjects.push_back({std::move(key), ""});
    }
    for (pugi::xml_node t = child(head, "tobject"); t; t = t.next_sibling()) {
        if (local_name(t.name()) != "tobject") continue;
        for (pugi::xml_node s = child(t, "tobject.subject"); s; s = s.next_sibling()) {
            if (local_name(s.name()) != "tobject.subject") continue;
            subject sub;
            sub.name = trimmed(attr(s, "tobject.subject.matter"));
            if (sub.name.empty()) sub.name = trimmed(attr(s, "tobject.subject.type"));
            // The reference number is an IPTC Subject Code.
            const std::string refnum = trimmed(attr(s, "tobject.subject.refnum"));
            if (!refnum.empty()) sub.scheme = "subj:" + refnum;
            if (sub.name.empty()) sub.name = sub.scheme;
            if (!sub.name.empty()) e.subjects.push_back(std::move(sub));
        }
    }
    if (const pugi::xml_node pubdata = child(head, "pubdata")) {
        const std::string ref = trimmed(attr(pubdata, "ex-ref"));
        if (ref.rfind("http://", 0) == 0 || ref.rfind("https://", 0) == 0) e.link = ref;
        if (e.published.empty()) e.published = trimmed(attr(pubdata, "date.publication"));
    }

    pugi::xml_node body_head = child(body, "body.head");
    if (!body_head) body_head = body;
    pugi::xml_node hl1 = child(child(body_head, "hedline"), "hl1");
    if (!hl1) hl1 = descendant(root, "hl1");
    if (hl1) {
        e.title = raw_text{inner_html(hl1), text_kind::html, e.base};
    } else if (const pugi::xml_node title = child(head, "title")) {
        e.title = raw_text{text_of(title), text_kind::text, e.base};
    }
    for (pugi::xml_node b = child(body_head, "byline"); b; b = b.next_sibling()) {
        if (local_name(b.name()) != "byline") continue;
        // Named persons are the authors; a byline without any is one.
        bool has_person = false;
        for (pugi::xml_node p = child(b, "person"); p; p = p.next_sibling()) {
            if (local_name(p.name()) != "person") continue;
            has_person = true;
            e.authors.push_back({plain_text(p), "", ""});
        }
        if (!has_person) {
            std::string text = plain_text(b);
            if (!text.empty()) e.authors.push_back({std::move(text), "", ""});
        }
    }
    e.creditline = plain_text(child(body_head, "distributor"));
    pugi::xml_node dateline = child(body_head, "dateline");
    if (!dateline) dateline = descendant(root, "dateline");
    if (dateline) {
        e.dateline = plain_text(dateline);
        if (const pugi::xml_node location = child(dateline, "location")) {
            // city, state, region, country as parts, or the location as text.
            std::string joined;
            for (pugi::xml_node part = location.first_child(); part; part = part.next_sibling()) {
                if (part.type() != pugi::node_element) continue;
                const std::string text = plain_text(part);
                if (text.empty()) continue;
                if (!joined.empty()) joined += ", ";
                joined += text;
            }
            e.located = joined.empty() ? plain_text(location) : joined;
        }
        if (const pugi::xml_node date = child(dateline, "story.date")) {
            e.dateline_date = trimmed(attr(date, "norm"));
            if (e.published.empty()) e.published = e.dateline_date;
        }
    }
    if (const pugi::xml_node abstract = child(body_head, "abstract")) {
        e.summary = raw_text{inner_html(abstract), text_kind::html, e.base};
    }

    if (const pugi::xml_node content = child(body, "body.content")) {
        e.content.value = nitf_body_html(content, e.base, e.media);
        e.content.kind = text_kind::html;
        e.content.base = e.base;
    } else if (body) {
        feed.warnings.push_back("NITF document without body.content");
    } else {
        feed.warnings.push_back("NITF document without body");
    }
    feed.entries.push_back(std::move(e));
    return feed;
}

}  // namespace feedwire::feeds::detail
