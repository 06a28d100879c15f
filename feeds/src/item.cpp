// JSON form of the item model. Absent values are omitted, never written as
// empty strings or empty arrays, and fields come in the order of the item
// table in DESIGN.md so that a person reading a stream sees the same shape
// every time.
#include "feedwire/feeds/item.hpp"

#include "feedwire/feeds/dates.hpp"
#include "json_put.hpp"

#include <nlohmann/json.hpp>

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

}  // namespace feedwire::feeds
