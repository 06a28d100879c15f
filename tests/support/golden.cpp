// See golden.hpp.
#include "golden.hpp"

#include "feedwire/feeds/dates.hpp"

#include <fstream>
#include <iterator>

namespace feedwire::test {
namespace {

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    const auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string brief(const nlohmann::ordered_json& j) {
    std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (s.size() > 300) s = s.substr(0, 300) + "...";
    return s;
}

void diff_value(const std::string& path, const nlohmann::ordered_json& e,
                const nlohmann::ordered_json& a, std::vector<std::string>& out) {
    if (e == a) return;
    if (e.is_object() && a.is_object()) {
        for (auto it = e.begin(); it != e.end(); ++it) {
            const std::string sub = path.empty() ? it.key() : path + "." + it.key();
            if (!a.contains(it.key())) {
                out.push_back(sub + ": expected " + brief(it.value()) + ", missing");
            } else {
                diff_value(sub, it.value(), a.at(it.key()), out);
            }
        }
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (!e.contains(it.key())) {
                const std::string sub = path.empty() ? it.key() : path + "." + it.key();
                out.push_back(sub + ": unexpected " + brief(it.value()));
            }
        }
        return;
    }
    if (e.is_array() && a.is_array() && e.size() == a.size()) {
        for (std::size_t i = 0; i < e.size(); ++i) {
            diff_value(path + "[" + std::to_string(i) + "]", e[i], a[i], out);
        }
        return;
    }
    out.push_back(path + ": expected " + brief(e) + ", got " + brief(a));
}

}  // namespace

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

feeds::parse_options fixture_options(const std::filesystem::path& fixture,
                                     const std::string& group) {
    feeds::parse_options o;
    o.url = "https://feeds.example.com/" + group + "/" + fixture.filename().string();
    o.fetched_at = feeds::parse_date("2019-11-22T10:00:00Z");
    std::filesystem::path sidecar = fixture;
    sidecar.replace_extension(".options");
    if (!std::filesystem::exists(sidecar)) return o;
    std::ifstream in(sidecar);
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos || line.empty() || line[0] == '#') continue;
        const std::string key = trim(line.substr(0, colon));
        const std::string value = trim(line.substr(colon + 1));
        if (key == "url") o.url = value;
        if (key == "content-type") o.content_type = value;
        if (key == "content-language") o.content_language = value;
        if (key == "fetched-at") o.fetched_at = feeds::parse_date(value);
        if (key == "feed-id") o.feed_id = value;
    }
    return o;
}

std::vector<nlohmann::ordered_json> golden_lines(
    const feeds::result<feeds::parsed_feed, feeds::parse_error>& r) {
    std::vector<nlohmann::ordered_json> lines;
    nlohmann::ordered_json head = nlohmann::ordered_json::object();
    if (!r) {
        head["error"] = {{"code", std::string(feeds::to_string(r.error().code))},
                         {"message", r.error().message}};
        lines.push_back(std::move(head));
        return lines;
    }
    head["feed"] = feeds::to_json(r->feed);
    head["encoding"] = r->encoding;
    head["salvaged"] = r->is_salvaged;
    head["warnings"] = r->warnings;
    lines.push_back(std::move(head));
    for (const auto& it : r->items) lines.push_back(feeds::to_json(it));
    return lines;
}

std::vector<std::string> diff_lines(const std::vector<nlohmann::ordered_json>& expected,
                                    const std::vector<nlohmann::ordered_json>& actual) {
    std::vector<std::string> out;
    const std::size_t n = std::max(expected.size(), actual.size());
    for (std::size_t i = 0; i < n; ++i) {
        const std::string where = "line " + std::to_string(i + 1) + (i == 0 ? " (feed)" : "");
        if (i >= expected.size()) {
            out.push_back(where + ": unexpected " + brief(actual[i]));
            continue;
        }
        if (i >= actual.size()) {
            out.push_back(where + ": expected " + brief(expected[i]) + ", missing");
            continue;
        }
        std::vector<std::string> d;
        diff_value("", expected[i], actual[i], d);
        for (auto& s : d) out.push_back(where + ": " + s);
    }
    return out;
}

}  // namespace feedwire::test
