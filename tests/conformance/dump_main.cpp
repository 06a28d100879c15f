// conformance_dump TESTS_DIR DUMPS_DIR: runs every document of Python
// feedparser's test corpus (../shared/conformance/feedparser/tests) through
// feedwire's parser and writes DUMPS_DIR/<path>.json in the view the
// corpus's check.py reads: feedparser's key names (bozo, encoding, version,
// feed{}, entries[] with title, link, links, id, summary, content, ...),
// dates as UTC time tuples. Test-only: run_conformance.sh scores the dumps
// (bench/README.md, "Conformance", has the figures).
//
// Like the corpus's reference dumper (harness/dump_feedparser.py), a file
// whose path contains "http" is read as fetched from
// http://127.0.0.1:8097/tests/<path> with its `Header:` lines as the HTTP
// response headers (Content-Type text/xml unless one is given).
#include "feedwire/feeds/charset.hpp"
#include "feedwire/feeds/dates.hpp"
#include "feedwire/feeds/parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
namespace fw = feedwire::feeds;
using json = nlohmann::json;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

// `Header: Name: value` lines of the test's leading comment, as
// harness/dump_feedparser.py reads them (names lower-cased).
std::map<std::string, std::string> header_lines(std::string_view data) {
    std::map<std::string, std::string> headers;
    std::size_t pos = 0;
    while (pos < data.size()) {
        std::size_t end = data.find('\n', pos);
        if (end == std::string_view::npos) end = data.size();
        std::string_view line = data.substr(pos, end - pos);
        pos = end + 1;
        if (line.rfind("Header:", 0) != 0) continue;
        line.remove_prefix(7);
        if (line.empty() || !std::isspace(static_cast<unsigned char>(line.front()))) continue;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    }
    return headers;
}

// feedparser's version names.
std::string version_of(const std::string& format) {
    if (format == "rss2.0") return "rss20";
    if (format == "rss1.0") return "rss10";
    if (format == "rss0.90") return "rss090";
    if (format == "rss0.91") return "rss091u";
    if (format == "rss0.92") return "rss092";
    if (format == "rss0.93") return "rss093";
    if (format == "rss0.94") return "rss094";
    if (format == "atom1.0") return "atom10";
    if (format == "atom0.3") return "atom03";
    if (format == "jsonfeed1.0") return "json1";
    if (format == "jsonfeed1.1") return "json11";
    return format;
}

// A Python time.struct_time in UTC: [Y, M, D, h, m, s, wday (Monday 0), yday, 0].
json time_tuple(fw::time_point t) {
    using namespace std::chrono;
    const sys_days day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<seconds> hms{t - day};
    const sys_days jan1 = sys_days{ymd.year() / January / 1};
    return json::array({static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                        static_cast<unsigned>(ymd.day()), hms.hours().count(),
                        hms.minutes().count(), hms.seconds().count(),
                        weekday{day}.iso_encoding() - 1, (day - jan1).count() + 1, 0});
}

json person_json(const fw::person& p) {
    json d = json::object();
    if (!p.name.empty()) d["name"] = p.name;
    if (!p.email.empty()) d["email"] = p.email;
    if (!p.uri.empty()) {
        d["href"] = p.uri;
        d["url"] = p.uri;  // feedparser's alias of href, which its tests read
    }
    return d;
}

// author, author_detail and authors, as feedparser gives them.
void put_authors(json& out, const std::vector<fw::person>& authors, const std::string& byline) {
    if (authors.empty()) return;
    json list = json::array();
    for (const auto& p : authors) list.push_back(person_json(p));
    out["authors"] = list;
    out["author_detail"] = list[0];
    const auto& first = authors[0];
    // feedparser: "Name (email)" when both are known.
    std::string author = byline.empty() ? first.name : byline;
    if (author.empty()) {
        author = first.email;
    } else if (!first.email.empty() && authors.size() == 1) {
        author += " (" + first.email + ")";
    }
    if (!author.empty()) out["author"] = author;
}

void put_time(json& out, const char* key, const std::optional<fw::time_point>& t) {
    if (!t) return;
    out[key] = fw::format_rfc3339(*t);
    out[std::string(key) + "_parsed"] = time_tuple(*t);
}

json text_detail(const std::string& value, const char* type, const std::string& language,
                 const std::string& base) {
    json d = {{"value", value}, {"type", type}};
    d["language"] = language.empty() ? json(nullptr) : json(language);
    d["base"] = base;
    return d;
}

// KEY and KEY_detail, as feedparser gives a text construct; nothing when empty.
void put_text(json& out, const std::string& key, const std::string& value, const char* type,
              const std::string& language, const std::string& base) {
    if (value.empty()) return;
    out[key] = value;
    out[key + "_detail"] = text_detail(value, type, language, base);
}

json feed_json(const fw::feed_info& f, const std::string& base) {
    json feed = json::object();
    put_text(feed, "title", f.title, "text/plain", f.language, base);
    put_text(feed, "subtitle", f.subtitle, "text/plain", f.language, base);
    if (!f.link.empty()) feed["link"] = f.link;
    json links = json::array();
    for (const auto& l : f.links) {
        json link = {{"href", l.href}, {"rel", l.rel.empty() ? "alternate" : l.rel}};
        if (!l.type.empty()) link["type"] = l.type;
        if (!l.title.empty()) link["title"] = l.title;
        links.push_back(link);
    }
    if (links.empty() && !f.link.empty()) {
        links.push_back({{"href", f.link}, {"rel", "alternate"}, {"type", "text/html"}});
    }
    if (!links.empty()) feed["links"] = links;
    if (!f.id.empty()) feed["id"] = f.id;
    if (!f.language.empty()) feed["language"] = f.language;
    put_text(feed, "rights", f.copyright, "text/plain", f.language, base);
    if (!f.generator.empty()) feed["generator"] = f.generator;
    put_authors(feed, f.authors, "");
    if (f.image) {
        json image = json::object();
        if (!f.image->url.empty()) image["href"] = f.image->url;
        if (!f.image->title.empty()) image["title"] = f.image->title;
        if (!f.image->link.empty()) image["link"] = f.image->link;
        if (f.image->width) image["width"] = *f.image->width;
        if (f.image->height) image["height"] = *f.image->height;
        feed["image"] = image;
    }
    put_time(feed, "updated", f.updated);
    if (f.ttl_minutes) feed["ttl"] = std::to_string(*f.ttl_minutes);
    if (!f.update_period.empty()) feed["sy_updateperiod"] = f.update_period;
    if (f.update_frequency) feed["sy_updatefrequency"] = std::to_string(*f.update_frequency);
    return feed;
}

json entry_json(const fw::item& it, const std::string& base) {
    json e = json::object();
    put_text(e, "title", it.headline, "text/plain", it.language, base);
    json links = json::array();
    if (!it.url.empty()) {
        e["link"] = it.url;
        links.push_back({{"rel", "alternate"}, {"type", "text/html"}, {"href", it.url}});
    }
    for (const auto& a : it.associations) {
        if (a.rel != "enclosure") continue;
        json link = {{"rel", "enclosure"}, {"href", a.uri}};
        if (!a.mimetype.empty()) link["type"] = a.mimetype;
        if (a.size) link["length"] = std::to_string(*a.size);
        links.push_back(link);
    }
    if (!links.empty()) e["links"] = links;
    if (!it.guid.empty()) e["id"] = it.guid;
    // feedparser's summary is the description, else the content.
    if (!it.description_text.empty()) {
        put_text(e, "summary", it.description_text, "text/plain", it.language, base);
    } else if (!it.body_html.empty()) {
        put_text(e, "summary", it.body_html, "text/html", it.language, base);
    } else {
        put_text(e, "summary", it.body_text, "text/plain", it.language, base);
    }
    if (!it.body_html.empty()) {
        e["content"] = json::array({text_detail(it.body_html, "text/html", it.language, base)});
    } else if (!it.body_text.empty()) {
        e["content"] = json::array({text_detail(it.body_text, "text/plain", it.language, base)});
    }
    put_authors(e, it.authors, it.byline);
    if (!it.subjects.empty()) {
        json tags = json::array();
        for (const auto& s : it.subjects) {
            tags.push_back({{"term", s.name},
                            {"scheme", s.scheme.empty() ? json(nullptr) : json(s.scheme)},
                            {"label", nullptr}});
        }
        e["tags"] = tags;
    }
    put_time(e, "published", it.firstcreated);
    put_time(e, "updated", it.versioncreated);
    if (!it.language.empty()) e["language"] = it.language;
    put_text(e, "rights", it.copyrightnotice, "text/plain", it.language, base);
    return e;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json dump_one(const std::string& rel, const std::string& data) {
    fw::parse_options options;
    json headers = json::object();
    if (rel.find("http") != std::string::npos) {
        options.url = "http://127.0.0.1:8097/tests/" + rel;
        auto h = header_lines(data);
        h.emplace("content-type", "text/xml");
        h.emplace("content-location", options.url);
        for (const auto& [k, v] : h) headers[k] = v;
        options.content_type = h["content-type"];
        if (auto lang = h.find("content-language"); lang != h.end())
            options.content_language = lang->second;
    }
    json doc = json::object();
    doc["headers"] = headers;
    const auto parsed = fw::parse_feed(data, options);
    if (!parsed) {
        // Not a feed, or nothing salvageable: feedparser's bozo result.
        doc["bozo"] = true;
        doc["bozo_exception_type"] = std::string(fw::to_string(parsed.error().code));
        doc["feed"] = json::object();
        doc["entries"] = json::array();
        return doc;
    }
    // The charset was guessed, overridden or repaired: feedparser's
    // CharacterEncodingOverride / CharacterEncodingUnknown (bozo). The
    // decoding is repeated here because parsed_feed keeps only its name.
    bool charset_bozo = false;
    if (rel.rfind("json/", 0) != 0) {
        const fw::decoded_text decoded =
            fw::decode_xml_document(data, fw::charset_from_content_type(options.content_type));
        // "sniffed": nothing declared a charset the bytes fit, so it was guessed.
        charset_bozo =
            !decoded.warnings.empty() || decoded.replaced > 0 || decoded.how == "sniffed";
    }
    doc["bozo"] = parsed->is_salvaged || charset_bozo;
    if (parsed->is_salvaged) {
        doc["bozo_exception_type"] = "SAXParseException";
    } else if (charset_bozo) {
        doc["bozo_exception_type"] = "CharacterEncodingOverride";
    }
    doc["encoding"] = parsed->encoding;
    doc["version"] = version_of(parsed->feed.format);
    const std::string base = options.url;
    doc["feed"] = feed_json(parsed->feed, base);
    json entries = json::array();
    for (const auto& it : parsed->items) entries.push_back(entry_json(it, base));
    doc["entries"] = entries;
    return doc;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: conformance_dump TESTS_DIR DUMPS_DIR\n";
        return 2;
    }
    const fs::path tests = argv[1];
    const fs::path dumps = argv[2];
    if (!fs::is_directory(tests)) {
        std::cerr << "conformance_dump: " << tests.string() << ": not a directory\n";
        return 2;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(tests)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::size_t written = 0;
    for (const auto& file : files) {
        const std::string rel = fs::relative(file, tests).generic_string();
        const json doc = dump_one(rel, read_file(file));
        const fs::path out = dumps / (rel + ".json");
        fs::create_directories(out.parent_path());
        std::ofstream os(out, std::ios::binary);
        os << doc.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
        if (!os) {
            std::cerr << "conformance_dump: cannot write " << out.string() << '\n';
            return 1;
        }
        ++written;
    }
    std::cout << "conformance_dump: " << written << " documents dumped to " << dumps.string()
              << '\n';
    return 0;
}
