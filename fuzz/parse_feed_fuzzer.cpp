// Fuzz target: the parser's entry point, parse_feed, as the fetcher calls it.
//
// Input: the document's bytes, optionally preceded by a header block that
// says how it was fetched:
//
//   #fw
//   url: http://127.0.0.1:8097/tests/x.xml
//   content-type: text/xml; charset=koi8-r
//   content-language: ru
//   <blank line>
//   <document bytes>
//
// Without the "#fw\n" prefix the whole input is the document, fetched from
// a fixed http URL with no Content-Type.
#include "feedwire/feeds/charset.hpp"
#include "feedwire/feeds/item.hpp"
#include "feedwire/feeds/parse.hpp"
#include "fuzz_input.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view header_magic = "#fw\n";

void check(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "parse_feed property violated: %s\n", what);
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using feedwire::fuzz::split_line;
    std::string_view input = feedwire::fuzz::as_text(data, size);
    feedwire::feeds::parse_options options;
    options.url = "http://127.0.0.1:8097/tests/fuzz.xml";
    options.fetched_at = std::chrono::sys_seconds(std::chrono::seconds(1700000000));
    // Small limits reach the too_large / too_deep / max_items paths too.
    options.max_bytes = 1024 * 1024;
    options.max_items = 500;
    if (input.substr(0, header_magic.size()) == header_magic) {
        input.remove_prefix(header_magic.size());
        for (;;) {
            auto [line, rest] = split_line(input);
            input = rest;
            if (line.empty()) break;
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            const std::string_view key = line.substr(0, colon);
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            if (key == "url") options.url = std::string(value);
            if (key == "content-type") options.content_type = std::string(value);
            if (key == "content-language") options.content_language = std::string(value);
            if (key == "max-depth") options.max_depth = static_cast<unsigned>(value.size() * 4);
        }
    }
    auto result = feedwire::feeds::parse_feed(input, options);
    if (!result) return 0;
    // Whatever the input bytes, the parser hands out UTF-8.
    const auto& feed = *result;
    check(feedwire::feeds::is_valid_utf8(feed.feed.title), "feed title is not UTF-8");
    check(feed.items.size() <= options.max_items, "more items than max_items");
    for (const auto& it : feed.items) {
        check(feedwire::feeds::is_valid_utf8(it.headline), "headline is not UTF-8");
        check(feedwire::feeds::is_valid_utf8(it.body_text), "body_text is not UTF-8");
        check(feedwire::feeds::is_valid_utf8(it.body_html), "body_html is not UTF-8");
        check(!it.uri.empty(), "item without uri");
        // The daemon publishes this JSON; dump() throws on invalid UTF-8.
        (void)feedwire::feeds::to_json(it).dump();
    }
    return 0;
}
