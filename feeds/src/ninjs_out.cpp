// See ninjs.hpp. The ninjs 2.0 schema sets additionalProperties to false at
// every level, so only its own property names are written; a property with
// nothing to say is left out rather than written empty.
#include "feedwire/feeds/dates.hpp"
#include "feedwire/feeds/ninjs.hpp"
#include "json_put.hpp"

#include <string>
#include <string_view>

namespace feedwire::feeds {
namespace {

using detail::ojson;
using detail::put;

// Characters (code points) and words, as ninjs charcount and wordcount.
std::size_t char_count(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++n;
    }
    return n;
}

std::size_t word_count(std::string_view s) {
    std::size_t n = 0;
    bool in_word = false;
    for (const char c : s) {
        const bool is_blank = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (!is_blank && !in_word) ++n;
        in_word = !is_blank;
    }
    return n;
}

ojson text_member(const char* role, const char* contenttype, const std::string& value) {
    ojson o = ojson::object();
    o["role"] = role;
    o["contenttype"] = contenttype;
    o["value"] = value;
    return o;
}

ojson subject_json(const subject& s) {
    ojson o = ojson::object();
    put(o, "name", s.name);
    // A QCode ("medtop:20000430") is a literal code; a concept URI of the
    // IPTC NewsCodes is the subject's uri. Other schemes (an RSS category
    // domain, an Atom scheme) name a vocabulary, not the subject, and have
    // no place in ninjs.
    const bool is_uri = s.scheme.find("://") != std::string::npos;
    if (!is_uri && s.scheme.find(':') != std::string::npos) {
        o["literal"] = s.scheme;
    } else if (s.scheme.rfind("http://cv.iptc.org/", 0) == 0) {
        o["uri"] = s.scheme;
    }
    return o;
}

bool same_object(const association& a, const association& b) {
    return a.type == b.type && a.headline == b.headline && a.creditline == b.creditline &&
           !a.uri.empty() && !b.uri.empty() && (!a.headline.empty() || !a.creditline.empty());
}

ojson rendition_json(const association& a, const std::string& name) {
    ojson r = ojson::object();
    r["name"] = name;
    r["href"] = a.uri;
    put(r, "contenttype", a.mimetype);
    put(r, "width", a.width);
    put(r, "height", a.height);
    put(r, "sizeinbytes", a.size);
    put(r, "duration", a.duration);
    return r;
}

// Consecutive associations with the same caption and credit are renditions
// of one picture (a media:group, NewsML-G2 remoteContent renditions).
ojson associations_json(const std::vector<association>& all) {
    ojson out = ojson::array();
    std::size_t counter_picture = 0;
    std::size_t counter_other = 0;
    for (std::size_t i = 0; i < all.size();) {
        std::size_t end = i + 1;
        while (end < all.size() && same_object(all[i], all[end])) ++end;
        const association& a = all[i];
        const std::string type = a.type.empty() ? "picture" : a.type;
        const std::size_t n = type == "picture" ? ++counter_picture : ++counter_other;
        ojson o = ojson::object();
        o["name"] = type + std::to_string(n);
        // ninjs has no "file" type: a file is a component of the item.
        o["type"] = type == "file" ? "component" : type;
        put(o, "uri", a.uri);
        if (!a.headline.empty()) {
            o["descriptions"] = ojson::array({text_member("caption", "text/plain", a.headline)});
        }
        put(o, "by", a.creditline);
        if (!a.uri.empty()) {
            // The widest rendition is the original; thumbnails keep their role.
            std::size_t widest = i;
            for (std::size_t k = i; k < end; ++k) {
                if (all[k].rel != "thumbnail" &&
                    (all[widest].rel == "thumbnail" ||
                     all[k].width.value_or(0) > all[widest].width.value_or(0))) {
                    widest = k;
                }
            }
            ojson renditions = ojson::array();
            std::size_t thumbnails = 0;
            for (std::size_t k = i; k < end; ++k) {
                std::string name;
                if (all[k].rel == "thumbnail") {
                    name =
                        ++thumbnails == 1 ? "thumbnail" : "thumbnail" + std::to_string(thumbnails);
                } else if (k == widest) {
                    name = "original";
                } else {
                    name = "rendition" + std::to_string(k - i + 1);
                }
                renditions.push_back(rendition_json(all[k], name));
            }
            o["renditions"] = std::move(renditions);
        }
        out.push_back(std::move(o));
        i = end;
    }
    return out;
}

}  // namespace

ojson to_ninjs(const item& it) {
    ojson j = ojson::object();
    put(j, "uri", it.uri);
    j["standard"] = {{"name", "ninjs"}, {"version", k_ninjs_version}, {"schema", k_ninjs_schema}};
    j["type"] = "text";
    j["version"] = std::to_string(it.revision);
    put(j, "firstcreated", it.firstcreated);
    put(j, "versioncreated", it.versioncreated);
    put(j, "copyrightholder", it.copyrightholder);
    put(j, "copyrightnotice", it.copyrightnotice);
    put(j, "language", it.language);
    if (!it.headline.empty()) {
        j["headlines"] = ojson::array({text_member("main", "text/plain", it.headline)});
    }
    if (!it.description_text.empty()) {
        j["descriptions"] =
            ojson::array({text_member("summary", "text/plain", it.description_text)});
    }
    if (!it.body_text.empty() || !it.body_html.empty()) {
        ojson bodies = ojson::array();
        const std::size_t chars = char_count(it.body_text);
        const std::size_t words = word_count(it.body_text);
        for (const auto& [type, value] :
             {std::pair{"text/plain", &it.body_text}, std::pair{"text/html", &it.body_html}}) {
            if (value->empty()) continue;
            ojson b = ojson::object();
            b["role"] = "main";
            b["contenttype"] = type;
            // Counted on the text: markup is not content.
            if (!it.body_text.empty()) {
                b["charcount"] = chars;
                b["wordcount"] = words;
            }
            b["value"] = *value;
            bodies.push_back(std::move(b));
        }
        j["bodies"] = std::move(bodies);
    }
    if (!it.subjects.empty()) {
        ojson arr = ojson::array();
        for (const auto& s : it.subjects) arr.push_back(subject_json(s));
        j["subjects"] = std::move(arr);
    }
    put(j, "by", it.byline);
    put(j, "located", it.located);
    if (!it.located.empty()) j["places"] = ojson::array({ojson{{"name", it.located}}});
    if (!it.url.empty()) {
        j["renditions"] =
            ojson::array({ojson{{"name", "web"}, {"href", it.url}, {"contenttype", "text/html"}}});
    }
    if (!it.associations.empty()) j["associations"] = associations_json(it.associations);
    if (!it.guid.empty()) {
        j["altids"] = ojson::array({ojson{{"role", "guid"}, {"value", it.guid}}});
    }
    if (!it.source.feed_title.empty() || !it.source.feed.empty() || !it.source.feed_url.empty()) {
        ojson s = ojson::object();
        put(s, "name", it.source.feed_title.empty() ? it.source.feed : it.source.feed_title);
        put(s, "uri", it.source.feed_url);
        j["infosources"] = ojson::array({std::move(s)});
    }
    return j;
}

}  // namespace feedwire::feeds
