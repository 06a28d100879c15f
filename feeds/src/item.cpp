// JSON form of the item model. Absent values are omitted, never written as
// empty strings or empty arrays, and fields come in the order of the item
// table in DESIGN.md so that a person reading a stream sees the same shape
// every time.
#include "feedwire/feeds/item.hpp"

#include "feedwire/feeds/charset.hpp"
#include "feedwire/feeds/dates.hpp"
#include "json_put.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace feedwire::feeds {
namespace {

using detail::ojson;
using detail::put;

ojson persons_json(const std::vector<person>& people) {
    ojson arr = ojson::array();
    for (const auto& p : people) {
        ojson o = ojson::object();
        put(o, "name", p.name);
        put(o, "email", p.email);
        put(o, "uri", p.uri);
        arr.push_back(std::move(o));
    }
    return arr;
}

}  // namespace

ojson to_json(const item& it) {
    ojson j = ojson::object();
    put(j, "uri", it.uri);
    put(j, "guid", it.guid);
    put(j, "url", it.url);
    put(j, "headline", it.headline);
    put(j, "description_text", it.description_text);
    put(j, "body_text", it.body_text);
    put(j, "body_html", it.body_html);
    put(j, "byline", it.byline);
    if (!it.authors.empty()) j["authors"] = persons_json(it.authors);
    put(j, "firstcreated", it.firstcreated);
    put(j, "versioncreated", it.versioncreated);
    put(j, "language", it.language);
    if (!it.subjects.empty()) {
        ojson arr = ojson::array();
        for (const auto& s : it.subjects) {
            ojson o = ojson::object();
            put(o, "name", s.name);
            put(o, "scheme", s.scheme);
            arr.push_back(std::move(o));
        }
        j["subjects"] = std::move(arr);
    }
    put(j, "located", it.located);
    if (it.dateline) {
        ojson d = ojson::object();
        put(d, "text", it.dateline->text);
        put(d, "place", it.dateline->place);
        put(d, "country", it.dateline->country);
        put(d, "date", it.dateline->date);
        put(d, "agency", it.dateline->agency);
        j["dateline"] = std::move(d);
    }
    put(j, "copyrightholder", it.copyrightholder);
    put(j, "copyrightnotice", it.copyrightnotice);
    if (!it.associations.empty()) {
        ojson arr = ojson::array();
        for (const auto& a : it.associations) {
            ojson o = ojson::object();
            put(o, "type", a.type);
            put(o, "uri", a.uri);
            put(o, "mimetype", a.mimetype);
            put(o, "headline", a.headline);
            put(o, "creditline", a.creditline);
            put(o, "width", a.width);
            put(o, "height", a.height);
            put(o, "size", a.size);
            put(o, "duration", a.duration);
            put(o, "rel", a.rel);
            arr.push_back(std::move(o));
        }
        j["associations"] = std::move(arr);
    }
    {
        ojson s = ojson::object();
        put(s, "feed", it.source.feed);
        put(s, "feed_url", it.source.feed_url);
        put(s, "feed_title", it.source.feed_title);
        put(s, "fetched_at", it.source.fetched_at);
        if (!s.empty()) j["source"] = std::move(s);
    }
    {
        ojson f = ojson::object();
        put(f, "content", it.fingerprint.content);
        put(f, "minhash", it.fingerprint.minhash);
        if (!f.empty()) j["fingerprint"] = std::move(f);
    }
    j["revision"] = it.revision;
    put(j, "duplicate_of", it.duplicate_of);
    return j;
}

ojson to_json(const feed_info& f) {
    ojson j = ojson::object();
    put(j, "format", f.format);
    put(j, "id", f.id);
    put(j, "title", f.title);
    put(j, "subtitle", f.subtitle);
    put(j, "link", f.link);
    put(j, "self", f.self);
    if (!f.hubs.empty()) j["hubs"] = f.hubs;
    put(j, "language", f.language);
    put(j, "copyright", f.copyright);
    put(j, "generator", f.generator);
    if (!f.authors.empty()) j["authors"] = persons_json(f.authors);
    if (f.image) {
        ojson o = ojson::object();
        put(o, "url", f.image->url);
        put(o, "title", f.image->title);
        put(o, "link", f.image->link);
        put(o, "width", f.image->width);
        put(o, "height", f.image->height);
        j["image"] = std::move(o);
    }
    put(j, "updated", f.updated);
    put(j, "ttl_minutes", f.ttl_minutes);
    put(j, "update_period", f.update_period);
    put(j, "update_frequency", f.update_frequency);
    put(j, "update_base", f.update_base);
    if (!f.skip_hours.empty()) j["skip_hours"] = f.skip_hours;
    if (!f.skip_days.empty()) j["skip_days"] = f.skip_days;
    if (!f.links.empty()) {
        ojson arr = ojson::array();
        for (const auto& l : f.links) {
            ojson o = ojson::object();
            put(o, "href", l.href);
            put(o, "rel", l.rel);
            put(o, "type", l.type);
            put(o, "title", l.title);
            arr.push_back(std::move(o));
        }
        j["links"] = std::move(arr);
    }
    return j;
}

namespace {

// A JSON string as nlohmann's dump() writes it with ensure_ascii off: '"',
// '\\' and the C0 controls escaped, everything else as it is. Invalid
// UTF-8 (which the parser does not produce) goes through nlohmann itself,
// so that even its replacement of bad bytes is the same.
void append_json_string(std::string& out, std::string_view s) {
    if (!is_valid_utf8(s)) {
        out += nlohmann::json(std::string(s))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
    }
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t copied = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.substr(copied, i - copied));
        copied = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out += hex[c >> 4U];
                out += hex[c & 0xFU];
        }
    }
    out.append(s.substr(copied));
    out += '"';
}

// One JSON object, members put only when they have a value, as put() does
// for the document form.
class object_writer {
public:
    explicit object_writer(std::string& out) : out_(out) { out_ += '{'; }
    object_writer(const object_writer&) = delete;
    object_writer& operator=(const object_writer&) = delete;
    ~object_writer() { out_ += '}'; }

    // The member's name; its value is written next.
    std::string& key(std::string_view name) {
        out_ += is_first_ ? "\"" : ",\"";
        is_first_ = false;
        out_ += name;
        out_ += "\":";
        return out_;
    }
    void put(std::string_view name, const std::string& value) {
        if (!value.empty()) append_json_string(key(name), value);
    }
    void put(std::string_view name, const std::optional<time_point>& value) {
        if (value) append_json_string(key(name), format_rfc3339(*value));
    }
    template <typename T>
    void put(std::string_view name, const std::optional<T>& value) {
        if (value) key(name) += std::to_string(*value);
    }

private:
    std::string& out_;
    bool is_first_ = true;
};

template <typename T, typename Write>
void append_array(std::string& out, const std::vector<T>& values, Write write) {
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += ',';
        write(out, values[i]);
    }
    out += ']';
}

}  // namespace

std::string item_json(const item& it, std::optional<std::uint32_t> revision) {
    std::string out;
    out.reserve(512 + 2 * (it.body_html.size() + it.body_text.size() + it.headline.size() +
                           it.description_text.size()));
    {
        object_writer j(out);
        j.put("uri", it.uri);
        j.put("guid", it.guid);
        j.put("url", it.url);
        j.put("headline", it.headline);
        j.put("description_text", it.description_text);
        j.put("body_text", it.body_text);
        j.put("body_html", it.body_html);
        j.put("byline", it.byline);
        if (!it.authors.empty()) {
            append_array(j.key("authors"), it.authors, [](std::string& o, const person& p) {
                object_writer w(o);
                w.put("name", p.name);
                w.put("email", p.email);
                w.put("uri", p.uri);
            });
        }
        j.put("firstcreated", it.firstcreated);
        j.put("versioncreated", it.versioncreated);
        j.put("language", it.language);
        if (!it.subjects.empty()) {
            append_array(j.key("subjects"), it.subjects, [](std::string& o, const subject& s) {
                object_writer w(o);
                w.put("name", s.name);
                w.put("scheme", s.scheme);
            });
        }
        j.put("located", it.located);
        if (it.dateline) {
            object_writer d(j.key("dateline"));
            d.put("text", it.dateline->text);
            d.put("place", it.dateline->place);
            d.put("country", it.dateline->country);
            d.put("date", it.dateline->date);
            d.put("agency", it.dateline->agency);
        }
        j.put("copyrightholder", it.copyrightholder);
        j.put("copyrightnotice", it.copyrightnotice);
        if (!it.associations.empty()) {
            append_array(j.key("associations"), it.associations,
                         [](std::string& o, const association& a) {
                             object_writer w(o);
                             w.put("type", a.type);
                             w.put("uri", a.uri);
                             w.put("mimetype", a.mimetype);
                             w.put("headline", a.headline);
                             w.put("creditline", a.creditline);
                             w.put("width", a.width);
                             w.put("height", a.height);
                             w.put("size", a.size);
                             w.put("duration", a.duration);
                             w.put("rel", a.rel);
                         });
        }
        const source_info& src = it.source;
        if (!src.feed.empty() || !src.feed_url.empty() || !src.feed_title.empty() ||
            src.fetched_at) {
            object_writer s(j.key("source"));
            s.put("feed", src.feed);
            s.put("feed_url", src.feed_url);
            s.put("feed_title", src.feed_title);
            s.put("fetched_at", src.fetched_at);
        }
        if (!it.fingerprint.content.empty() || !it.fingerprint.minhash.empty()) {
            object_writer f(j.key("fingerprint"));
            f.put("content", it.fingerprint.content);
            f.put("minhash", it.fingerprint.minhash);
        }
        j.key("revision") += std::to_string(revision.value_or(it.revision));
        j.put("duplicate_of", it.duplicate_of);
    }
    return out;
}

}  // namespace feedwire::feeds
