// IPTC ninjs, News in JSON (https://iptc.org/standards/ninjs/), 1.x and
// 2.x. One ninjs object is one news item, read as a feed of one entry; a
// JSON array of ninjs objects is a feed of several. Generation 1 names its
// texts `headline`, `body_text`/`body_html`, `description_text`/
// `description_html` and `byline`, and keys `renditions` and
// `associations` by name; generation 2 has arrays `headlines`, `bodies`
// and `descriptions` of {role, contenttype, value}, `by`, and arrays of
// renditions and associations that carry their own name. Both spellings
// are read whatever the document says it is, since producers mix them.
// Pictures, video and audio come from the associations (and from the
// item's own renditions when the item is itself a picture); an HTML
// rendition of a text item is its link. Associated text items are related
// stories, not part of this one, and are skipped.
#include "feedwire/feeds/html_text.hpp"
#include "formats.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <limits>

namespace feedwire::feeds::detail {
namespace {

using json = nlohmann::json;

// An association or rendition list longer than this is not a news item's
// media but a data dump; the rest is dropped with a warning.
constexpr std::size_t k_max_media_per_item = 200;

constexpr std::array<std::string_view, 24> k_ninjs_keys = {
    "versioncreated",   "firstcreated", "contentcreated", "headline",
    "headlines",        "body_text",    "body_html",      "body_xhtml",
    "bodies",           "type",         "renditions",     "associations",
    "byline",           "by",           "located",        "description_text",
    "description_html", "descriptions", "pubstatus",      "subjects",
    "altids",           "slugline",     "urgency",        "copyrightholder"};

std::string str(const json& obj, const char* key) { return json_string(obj, key); }

template <typename T>
std::optional<T> num(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (it->is_string()) return parse_unsigned<T>(it->get_ref<const std::string&>());
    if (!it->is_number()) return std::nullopt;
    const double v = it->get<double>();
    if (!(v > 0) || v > static_cast<double>(std::numeric_limits<T>::max())) return std::nullopt;
    return static_cast<T>(v);
}

bool says_ninjs(const json& o) {
    if (str(o, "$schema").find("ninjs") != std::string::npos) return true;
    auto std_it = o.find("standard");
    return std_it != o.end() && std_it->is_object() && str(*std_it, "name") == "ninjs";
}

bool is_ninjs_object(const json& o) {
    if (!o.is_object()) return false;
    if (says_ninjs(o)) return true;
    if (str(o, "version").find("jsonfeed.org") != std::string::npos) return false;
    if (auto items = o.find("items"); items != o.end() && items->is_array()) return false;
    if (str(o, "uri").empty()) return false;
    for (const auto key : k_ninjs_keys) {
        if (o.contains(key)) return true;
    }
    return false;
}

// 2 for the generation 2 layout, 1 otherwise.
int generation_of(const json& o) {
    std::string version;
    if (auto std_it = o.find("standard"); std_it != o.end() && std_it->is_object()) {
        version = str(*std_it, "version");
    }
    if (version.empty()) {
        const std::string schema = str(o, "$schema");
        if (const std::size_t p = schema.find("schema_"); p != std::string::npos) {
            version = schema.substr(p + 7);
        }
    }
    if (!version.empty()) return version[0] == '1' ? 1 : 2;
    for (const char* key : {"headlines", "bodies", "descriptions", "renditions", "associations"}) {
        auto it = o.find(key);
        if (it != o.end() && it->is_array()) return 2;
    }
    return o.contains("by") ? 2 : 1;
}

bool is_html_type(std::string_view type) {
    return type == "text/html" || type == "application/xhtml+xml" || type == "html";
}

// The value of a {role, contenttype, value} array member that best fits
// `roles` (the first member when none does), as text or HTML.
raw_text pick_text(const json& arr, std::initializer_list<std::string_view> roles,
                   bool prefer_html) {
    raw_text out;
    if (!arr.is_array()) return out;
    const json* best = nullptr;
    int best_score = -1;
    for (const auto& m : arr) {
        if (!m.is_object() || str(m, "value").empty()) continue;
        const std::string role = str(m, "role");
        int score = 0;
        for (const auto r : roles) {
            if (role == r) score += 2;
        }
        if (role.empty()) score += 1;
        if (prefer_html && is_html_type(str(m, "contenttype"))) score += 4;
        if (score > best_score) {
            best = &m;
            best_score = score;
        }
    }
    if (best == nullptr) return out;
    out.value = str(*best, "value");
    out.kind = is_html_type(str(*best, "contenttype")) ? text_kind::html : text_kind::text;
    return out;
}

raw_text headline_of(const json& o) {
    if (auto it = o.find("headlines"); it != o.end() && it->is_array()) {
        return pick_text(*it, {"main", "hld:main"}, false);
    }
    return raw_text{str(o, "headline"), text_kind::text, {}};
}

raw_text description_of(const json& o, std::initializer_list<std::string_view> roles) {
    if (auto it = o.find("descriptions"); it != o.end() && it->is_array()) {
        return pick_text(*it, roles, false);
    }
    if (auto html = str(o, "description_html"); !html.empty()) {
        return raw_text{std::move(html), text_kind::html, {}};
    }
    return raw_text{str(o, "description_text"), text_kind::text, {}};
}

// Media captions are plain text in raw_media (as Media RSS's are).
std::string plain_of(const raw_text& t) {
    return t.kind == text_kind::html ? html_to_text(t.value) : t.value;
}

std::string by_of(const json& o) {
    std::string by = str(o, "by");
    return by.empty() ? str(o, "byline") : by;
}

// The members of a 1.x map keyed by name or of a 2.x array, with the name.
template <typename F>
void for_each_named(const json& o, const char* key, F&& f) {
    auto it = o.find(key);
    if (it == o.end()) return;
    if (it->is_array()) {
        for (const auto& m : *it) {
            if (m.is_object()) f(str(m, "name"), m);
        }
    } else if (it->is_object()) {
        for (auto m = it->begin(); m != it->end(); ++m) {
            if (m->is_object()) f(m.key(), *m);
        }
    }
}

std::string medium_of(std::string_view type) {
    if (type == "picture" || type == "graphic") return "image";
    if (type == "video" || type == "audio") return std::string(type);
    return {};
}

raw_media rendition_media(const std::string& name, const json& r) {
    raw_media m;
    m.url = str(r, "href");
    m.type = str(r, "contenttype");
    if (m.type.empty()) m.type = str(r, "mimetype");
    m.width = num<std::uint32_t>(r, "width");
    m.height = num<std::uint32_t>(r, "height");
    m.size = num<std::uint64_t>(r, "sizeinbytes");
    m.duration = num<std::uint32_t>(r, "duration");
    if (name.find("thumb") != std::string::npos) m.rel = "thumbnail";
    return m;
}

// Every rendition of a picture, video or audio object as media, each with
// the object's caption and credit.
void add_media_object(const json& a, raw_entry& e, std::size_t& dropped) {
    const std::string type = str(a, "type");
    const std::string medium = medium_of(type);
    const std::string caption = plain_of(description_of(a, {"caption", "drol:caption"}));
    const std::string title = plain_of(headline_of(a));
    std::string credit = by_of(a);
    if (credit.empty()) credit = str(a, "creditline");
    if (credit.empty()) credit = str(a, "copyrightholder");
    const std::size_t first = e.media.size();
    for_each_named(a, "renditions", [&](const std::string& name, const json& r) {
        raw_media m = rendition_media(name, r);
        if (m.url.empty()) return;
        if (e.media.size() >= k_max_media_per_item) {
            ++dropped;
            return;
        }
        e.media.push_back(std::move(m));
    });
    // An object without renditions whose uri is a web address is a link to
    // the picture itself, as many producers write it.
    const std::string uri = str(a, "uri");
    if (e.media.size() == first && !medium.empty() &&
        (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0)) {
        raw_media m;
        m.url = uri;
        e.media.push_back(std::move(m));
    }
    for (std::size_t i = first; i < e.media.size(); ++i) {
        raw_media& m = e.media[i];
        m.medium = medium;
        m.title = title;
        m.description = caption;
        m.credit = credit;
    }
}

subject subject_of(const json& s, int generation) {
    subject out;
    out.name = str(s, "name");
    // The scheme keeps the subject's code: a 2.x uri or literal, a 1.x
    // scheme plus code ("http://cv.iptc.org/newscodes/mediatopic/" +
    // "20000430", or the QCode "medtop:20000430").
    if (generation == 2) {
        out.scheme = str(s, "uri");
        if (out.scheme.empty()) out.scheme = str(s, "literal");
    } else {
        const std::string code = str(s, "code");
        const std::string scheme = str(s, "scheme");
        if (code.empty() || scheme.empty()) {
            out.scheme = code.empty() ? scheme : code;
        } else if (scheme.back() == '/' || scheme.back() == '#' || scheme.back() == ':') {
            out.scheme = scheme + code;
        } else {
            out.scheme = scheme + ":" + code;
        }
    }
    if (out.name.empty()) out.name = out.scheme;
    return out;
}

raw_entry read_object(const json& o, const std::string& base, std::vector<std::string>& warnings) {
    const int generation = generation_of(o);
    raw_entry e;
    e.base = base;
    e.guid = str(o, "uri");
    e.title = headline_of(o);
    e.summary = description_of(o, {"summary", "drol:summary"});
    e.summary.base = base;
    if (auto it = o.find("bodies"); it != o.end() && it->is_array()) {
        e.content = pick_text(*it, {"main", "body"}, true);
    } else if (auto html = str(o, "body_html"); !html.empty()) {
        e.content = raw_text{std::move(html), text_kind::html, {}};
    } else if (auto xhtml = str(o, "body_xhtml"); !xhtml.empty()) {
        e.content = raw_text{std::move(xhtml), text_kind::html, {}};
    } else {
        e.content = raw_text{str(o, "body_text"), text_kind::text, {}};
    }
    e.content.base = base;
    e.published = str(o, "firstcreated");
    if (e.published.empty()) e.published = str(o, "contentcreated");
    e.updated = str(o, "versioncreated");
    e.language = str(o, "language");
    if (std::string by = by_of(o); !by.empty()) e.authors.push_back({std::move(by), "", ""});
    if (auto it = o.find("subjects"); it != o.end() && it->is_array()) {
        for (const auto& s : *it) {
            if (!s.is_object()) continue;
            subject sub = subject_of(s, generation);
            if (!sub.name.empty()) e.subjects.push_back(std::move(sub));
        }
    }
    e.located = str(o, "located");
    e.copyrightholder = str(o, "copyrightholder");
    e.rights = str(o, "copyrightnotice");

    std::size_t dropped = 0;
    const std::string type = str(o, "type");
    if (!medium_of(type).empty()) {
        // The item is itself a picture (or video, audio): its renditions
        // are its media, captioned by its description.
        add_media_object(o, e, dropped);
    } else {
        for_each_named(o, "renditions", [&](const std::string& name, const json& r) {
            raw_media m = rendition_media(name, r);
            if (e.link.empty() && !m.url.empty() && (is_html_type(m.type) || name == "web")) {
                e.link = m.url;
            }
        });
    }
    for_each_named(o, "associations", [&](const std::string&, const json& a) {
        if (!medium_of(str(a, "type")).empty()) add_media_object(a, e, dropped);
    });
    if (dropped > 0) {
        warnings.push_back("item \"" + e.guid + "\": " + std::to_string(dropped) +
                           " renditions beyond " + std::to_string(k_max_media_per_item) +
                           " dropped");
    }
    return e;
}

}  // namespace

bool is_ninjs(const json& doc) {
    if (doc.is_array()) return !doc.empty() && is_ninjs_object(doc.front());
    return is_ninjs_object(doc);
}

void parse_ninjs(const json& doc, const std::string& document_base, raw_feed& feed) {
    feed.base = document_base;
    const json& first = doc.is_array() ? doc.front() : doc;
    feed.info.format = generation_of(first) == 2 ? "ninjs2" : "ninjs1";
    if (!doc.is_array()) {
        feed.entries.push_back(read_object(doc, document_base, feed.warnings));
        return;
    }
    std::size_t skipped = 0;
    for (const auto& o : doc) {
        if (is_ninjs_object(o)) {
            feed.entries.push_back(read_object(o, document_base, feed.warnings));
        } else {
            ++skipped;
        }
    }
    if (skipped > 0) {
        feed.warnings.push_back(std::to_string(skipped) +
                                " array members that are not ninjs objects skipped");
    }
}

}  // namespace feedwire::feeds::detail
