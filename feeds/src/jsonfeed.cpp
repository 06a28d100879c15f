// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read from a
// document json_support.cpp has loaded with its nesting checked. Values of
// the wrong type are ignored, not fatal (a numeric id is read as its
// decimal text, as readers do).
#include "feedwire/feeds/url.hpp"
#include "formats.hpp"

#include <nlohmann/json.hpp>

#include <limits>

namespace feedwire::feeds::detail {
namespace {

using json = nlohmann::json;

std::string str(const json& obj, const char* key) { return json_string(obj, key); }

template <typename T>
std::optional<T> num(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number()) return std::nullopt;
    const double v = it->get<double>();
    if (!(v >= 0) || v > static_cast<double>(std::numeric_limits<T>::max())) return std::nullopt;
    return static_cast<T>(v);
}

std::vector<person> read_authors(const json& obj) {
    std::vector<person> out;
    auto add = [&](const json& a) {
        if (!a.is_object()) return;
        person p{str(a, "name"), "", str(a, "url")};
        if (!p.name.empty() || !p.uri.empty()) out.push_back(std::move(p));
    };
    if (auto it = obj.find("authors"); it != obj.end() && it->is_array()) {
        for (const auto& a : *it) add(a);
    }
    if (out.empty()) {
        if (auto it = obj.find("author"); it != obj.end()) add(*it);
    }
    return out;
}

raw_entry read_item(const json& it, const std::string& base, const std::string& feed_language,
                    const std::vector<person>& feed_authors) {
    raw_entry e;
    e.base = base;
    e.guid = str(it, "id");
    e.link = str(it, "url");
    if (e.link.empty()) e.link = str(it, "external_url");
    e.title.value = str(it, "title");
    e.title.kind = text_kind::text;
    e.summary.value = str(it, "summary");
    e.summary.kind = text_kind::text;
    if (auto html = str(it, "content_html"); !html.empty()) {
        e.content.value = std::move(html);
        e.content.kind = text_kind::html;
    } else {
        e.content.value = str(it, "content_text");
        e.content.kind = text_kind::text;
    }
    e.content.base = base;
    e.summary.base = base;
    e.published = str(it, "date_published");
    e.updated = str(it, "date_modified");
    e.authors = read_authors(it);
    if (e.authors.empty()) e.authors = feed_authors;
    e.language = str(it, "language");
    if (e.language.empty()) e.language = feed_language;
    if (auto tags = it.find("tags"); tags != it.end() && tags->is_array()) {
        for (const auto& t : *tags) {
            if (t.is_string()) {
                std::string name = trimmed(t.get_ref<const std::string&>());
                if (!name.empty()) e.subjects.push_back({std::move(name), ""});
            }
        }
    }
    for (const char* key : {"image", "banner_image"}) {
        raw_media m;
        m.url = str(it, key);
        m.medium = "image";
        if (!m.url.empty()) e.media.push_back(std::move(m));
    }
    if (auto atts = it.find("attachments"); atts != it.end() && atts->is_array()) {
        for (const auto& a : *atts) {
            if (!a.is_object()) continue;
            raw_media m;
            m.url = str(a, "url");
            m.type = str(a, "mime_type");
            m.title = str(a, "title");
            m.rel = "enclosure";
            m.size = num<std::uint64_t>(a, "size_in_bytes");
            m.duration = num<std::uint32_t>(a, "duration_in_seconds");
            if (!m.url.empty()) e.media.push_back(std::move(m));
        }
    }
    return e;
}

}  // namespace

bool parse_jsonfeed(const json& doc, const std::string& document_base, raw_feed& feed,
                    std::string* error) {
    if (!doc.is_object()) {
        *error =
            "a JSON document that is neither a JSON Feed nor ninjs (top level is not an "
            "object, nor an array of ninjs items)";
        return false;
    }
    const std::string version = str(doc, "version");
    const auto items = doc.find("items");
    const bool has_items = items != doc.end() && items->is_array();
    if (version.find("jsonfeed.org/version/") == std::string::npos && !has_items) {
        *error =
            "a JSON document that is neither a JSON Feed nor ninjs (no \"version\" naming "
            "jsonfeed.org, no \"items\" array, no ninjs \"uri\")";
        return false;
    }
    if (version.find("jsonfeed.org/version/") == std::string::npos) {
        feed.warnings.push_back("JSON Feed without a jsonfeed.org version; read as version 1.1");
    }
    feed.info.format = version.find("/version/1.1") != std::string::npos ||
                               version.find("jsonfeed.org") == std::string::npos
                           ? "jsonfeed1.1"
                           : "jsonfeed1.0";
    feed.info.title = str(doc, "title");
    feed.info.subtitle = str(doc, "description");
    feed.info.link = str(doc, "home_page_url");
    feed.info.self = str(doc, "feed_url");
    feed.info.id = feed.info.self;
    feed.info.language = str(doc, "language");
    feed.info.authors = read_authors(doc);
    if (auto icon = str(doc, "icon"); !icon.empty()) {
        feed.info.image = feed_image{icon, "", "", std::nullopt, std::nullopt};
    }
    if (auto hubs = doc.find("hubs"); hubs != doc.end() && hubs->is_array()) {
        for (const auto& h : *hubs) {
            if (h.is_object()) {
                std::string url = str(h, "url");
                if (!url.empty()) feed.info.hubs.push_back(std::move(url));
            }
        }
    }
    // Item URLs are relative to the home page when it is given (the JSON
    // Feed spec says nothing; this is what the HTML alternate would mean).
    feed.base = document_base;
    if (!feed.info.link.empty()) {
        if (auto home = resolve_url(document_base, feed.info.link)) feed.base = *home;
    }
    if (has_items) {
        for (const auto& it : *items) {
            if (it.is_object()) {
                feed.entries.push_back(
                    read_item(it, feed.base, feed.info.language, feed.info.authors));
            }
        }
    }
    return true;
}

}  // namespace feedwire::feeds::detail
