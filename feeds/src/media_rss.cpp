// Media RSS (https://www.rssboard.org/media-rss) and the enclosure-like
// pieces of iTunes podcast feeds. Optional elements (description, credit,
// title, thumbnail) apply at the level they appear: inside a
// media:content, to it; inside a media:group, to the group's contents; at
// the entry level, to every media item that has none of its own.
#include "formats.hpp"

namespace feedwire::feeds::detail {
namespace {

template <typename T>
std::optional<T> number_attr(pugi::xml_node e, const char* name) {
    return parse_unsigned<T>(attr(e, name));
}

// itunes:duration: "SS", "MM:SS" or "HH:MM:SS".
std::optional<std::uint32_t> parse_duration(std::string_view text) {
    std::uint32_t total = 0;
    std::uint32_t part = 0;
    bool has_digit = false;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            if (part > 100000000U) return std::nullopt;
            part = part * 10U + static_cast<std::uint32_t>(c - '0');
            has_digit = true;
        } else if (c == ':') {
            if (total > 100000000U) return std::nullopt;
            total = total * 60U + part;
            part = 0;
        } else if (c == '.') {
            break;  // fractions of a second are dropped
        } else if (c != ' ') {
            return std::nullopt;
        }
    }
    if (!has_digit) return std::nullopt;
    return total * 60U + part;
}

void read_optional(pugi::xml_node e, const qname& q, raw_media& m) {
    if (q.local == "title" && m.title.empty()) {
        m.title = trimmed(text_of(e));
    } else if (q.local == "description" && m.description.empty()) {
        m.description = trimmed(text_of(e));
    } else if (q.local == "credit" && m.credit.empty()) {
        m.credit = trimmed(text_of(e));
    }
}

raw_media read_content(pugi::xml_node e) {
    raw_media m;
    m.url = trimmed(attr(e, "url"));
    m.type = trimmed(attr(e, "type"));
    m.medium = trimmed(attr(e, "medium"));
    m.width = number_attr<std::uint32_t>(e, "width");
    m.height = number_attr<std::uint32_t>(e, "height");
    m.size = number_attr<std::uint64_t>(e, "fileSize");
    m.duration = number_attr<std::uint32_t>(e, "duration");
    for (pugi::xml_node c = e.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        const qname q = name_of(c);
        if (q.space == ns::media) read_optional(c, q, m);
    }
    return m;
}

raw_media read_thumbnail(pugi::xml_node e) {
    raw_media m;
    m.url = trimmed(attr(e, "url"));
    m.medium = "image";
    m.rel = "thumbnail";
    m.width = number_attr<std::uint32_t>(e, "width");
    m.height = number_attr<std::uint32_t>(e, "height");
    return m;
}

}  // namespace

bool read_media_element(pugi::xml_node element, const qname& q, raw_entry& entry) {
    if (q.space == ns::itunes) {
        if (q.local == "duration") {
            const auto d = parse_duration(trimmed(text_of(element)));
            for (auto& m : entry.media) {
                if (m.rel == "enclosure" && !m.duration) m.duration = d;
            }
            return true;
        }
        if (q.local == "image") {
            raw_media m;
            m.url = trimmed(attr(element, "href"));
            m.medium = "image";
            m.rel = "thumbnail";
            if (!m.url.empty()) entry.media.push_back(std::move(m));
            return true;
        }
        return false;
    }
    if (q.space != ns::media) return false;
    if (q.local == "content") {
        raw_media m = read_content(element);
        if (!m.url.empty()) entry.media.push_back(std::move(m));
    } else if (q.local == "thumbnail") {
        raw_media m = read_thumbnail(element);
        if (!m.url.empty()) entry.media.push_back(std::move(m));
    } else if (q.local == "group") {
        raw_media group_defaults;
        const std::size_t first = entry.media.size();
        for (pugi::xml_node c = element.first_child(); c; c = c.next_sibling()) {
            if (c.type() != pugi::node_element) continue;
            const qname cq = name_of(c);
            if (cq.space != ns::media) continue;
            if (cq.local == "content") {
                raw_media m = read_content(c);
                if (!m.url.empty()) entry.media.push_back(std::move(m));
            } else if (cq.local == "thumbnail") {
                raw_media m = read_thumbnail(c);
                if (!m.url.empty()) entry.media.push_back(std::move(m));
            } else {
                read_optional(c, cq, group_defaults);
            }
        }
        for (std::size_t i = first; i < entry.media.size(); ++i) {
            auto& m = entry.media[i];
            if (m.title.empty()) m.title = group_defaults.title;
            if (m.description.empty()) m.description = group_defaults.description;
            if (m.credit.empty()) m.credit = group_defaults.credit;
        }
    } else if (q.local == "description") {
        if (entry.media_description.empty()) entry.media_description = trimmed(text_of(element));
    } else if (q.local == "credit") {
        if (entry.media_credit.empty()) entry.media_credit = trimmed(text_of(element));
    } else if (q.local == "title") {
        if (entry.media_title.empty()) entry.media_title = trimmed(text_of(element));
    }
    return true;
}

void finish_media(raw_entry& entry) {
    if (entry.title.empty() && !entry.media_title.empty()) {
        entry.title.value = entry.media_title;
        entry.title.kind = text_kind::text;
    }
    for (auto& m : entry.media) {
        if (m.rel == "thumbnail") continue;
        if (m.description.empty()) m.description = entry.media_description;
        if (m.credit.empty()) m.credit = entry.media_credit;
    }
}

person parse_person_text(std::string_view text) {
    person p;
    std::string t = trimmed(text);
    // "email (Name)", the RSS 2.0 author form.
    const std::size_t open = t.find('(');
    const std::size_t close = t.rfind(')');
    if (open != std::string::npos && close != std::string::npos && close > open) {
        std::string outside = trimmed(t.substr(0, open));
        std::string inside = trimmed(t.substr(open + 1, close - open - 1));
        if (outside.find('@') != std::string::npos && outside.find(' ') == std::string::npos) {
            p.email = outside;
            p.name = inside;
            return p;
        }
        // "Name (email)", as dc:creator and managingEditor are often written.
        if (!outside.empty() && inside.find('@') != std::string::npos &&
            inside.find(' ') == std::string::npos && close + 1 == t.size()) {
            p.name = outside;
            p.email = inside;
            return p;
        }
    }
    // "Name <email>".
    const std::size_t lt = t.find('<');
    const std::size_t gt = t.rfind('>');
    if (lt != std::string::npos && gt != std::string::npos && gt > lt) {
        std::string inside = trimmed(t.substr(lt + 1, gt - lt - 1));
        if (inside.find('@') != std::string::npos) {
            p.email = inside;
            p.name = trimmed(t.substr(0, lt));
            return p;
        }
    }
    if (t.find('@') != std::string::npos && t.find(' ') == std::string::npos) {
        p.email = t;
    } else {
        p.name = t;
    }
    return p;
}

}  // namespace feedwire::feeds::detail
