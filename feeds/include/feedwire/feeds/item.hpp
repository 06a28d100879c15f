// The normalized news item and the feed's own record, with their JSON form.
// Field names follow IPTC ninjs where ninjs has the concept (see
// DESIGN.md, "The normalized item"). Absent values are empty optionals or
// empty strings here and are omitted from JSON, never written as "".
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace feedwire::feeds {

using time_point = std::chrono::sys_seconds;

struct person {
    std::string name;
    std::string email;
    std::string uri;
    friend bool operator==(const person&, const person&) = default;
};

struct subject {
    std::string name;
    std::string scheme;
    friend bool operator==(const subject&, const subject&) = default;
};

struct association {
    std::string type;  // "picture", "video", "audio", "file"
    std::string uri;   // absolute
    std::string mimetype;
    std::string headline;  // caption
    std::string creditline;
    std::optional<std::uint32_t> width;
    std::optional<std::uint32_t> height;
    std::optional<std::uint64_t> size;      // bytes, from an enclosure's length
    std::optional<std::uint32_t> duration;  // seconds
    std::string rel;  // "thumbnail" for media:thumbnail, "enclosure" for enclosures
    friend bool operator==(const association&, const association&) = default;
};

struct dateline_info {
    std::string text;
    std::string place;
    std::string country;
    std::string date;  // YYYY-MM-DD
    std::string agency;
    friend bool operator==(const dateline_info&, const dateline_info&) = default;
};

struct source_info {
    std::string feed;  // feed id
    std::string feed_url;
    std::string feed_title;
    std::optional<time_point> fetched_at;
    friend bool operator==(const source_info&, const source_info&) = default;
};

struct fingerprint_info {
    std::string content;  // hex digest of normalized headline + body
    std::string minhash;  // encoded MinHash of the body (fingerprint.hpp); "" when too short
    friend bool operator==(const fingerprint_info&, const fingerprint_info&) = default;
};

struct item {
    std::string uri;
    std::string guid;
    std::string url;
    std::string headline;
    std::string description_text;
    std::string body_text;
    std::string body_html;
    std::string byline;
    std::vector<person> authors;
    std::optional<time_point> firstcreated;
    std::optional<time_point> versioncreated;
    std::string language;
    std::vector<subject> subjects;
    std::string located;
    std::optional<dateline_info> dateline;
    std::string copyrightholder;
    std::string copyrightnotice;
    std::vector<association> associations;
    source_info source;
    fingerprint_info fingerprint;
    std::uint32_t revision = 1;
    std::string duplicate_of;
    friend bool operator==(const item&, const item&) = default;
};

struct link_info {
    std::string href;
    std::string rel;
    std::string type;
    std::string title;
    friend bool operator==(const link_info&, const link_info&) = default;
};

struct feed_image {
    std::string url;
    std::string title;
    std::string link;
    std::optional<std::uint32_t> width;
    std::optional<std::uint32_t> height;
    friend bool operator==(const feed_image&, const feed_image&) = default;
};

// The feed's own record; the daemon schedules from ttl, sy:* and skip*.
struct feed_info {
    std::string format;  // "rss2.0", "rss1.0", "atom1.0", "jsonfeed1.1", ...
    std::string id;      // Atom id / JSON Feed feed_url
    std::string title;
    std::string subtitle;
    std::string link;               // the site (alternate) link
    std::string self;               // rel=self
    std::vector<std::string> hubs;  // WebSub hubs
    std::string language;
    std::string copyright;
    std::string generator;
    std::vector<person> authors;
    std::optional<feed_image> image;
    std::optional<time_point> updated;
    std::optional<std::uint32_t> ttl_minutes;
    std::string update_period;  // sy:updatePeriod: hourly, daily, weekly, monthly, yearly
    std::optional<std::uint32_t> update_frequency;
    std::optional<time_point> update_base;
    std::vector<std::uint32_t> skip_hours;  // 0..23, GMT
    std::vector<std::string> skip_days;     // "Monday"...
    std::vector<link_info> links;
    friend bool operator==(const feed_info&, const feed_info&) = default;
};

nlohmann::ordered_json to_json(const item& it);
nlohmann::ordered_json to_json(const feed_info& f);

// The item as one line of JSON: the same bytes as to_json(it).dump() with
// invalid UTF-8 replaced by U+FFFD, written straight into a string without
// building a document (several times faster; the daemon writes every item
// this way). `revision` replaces the item's revision when given.
std::string item_json(const item& it, std::optional<std::uint32_t> revision = std::nullopt);

}  // namespace feedwire::feeds
