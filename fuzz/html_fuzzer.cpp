// Fuzz target: the HTML sanitizer and html_to_text. Besides crashes, it
// traps when sanitized output breaks the sanitizer's promise
// (tests/support/html_safety.hpp): executable content, unbalanced tags, or
// a second pass that changes it; and when read_html_body or
// drop_sanitized_html_blocks differ from the functions they stand for.
#include "feedwire/feeds/charset.hpp"
#include "feedwire/feeds/entities.hpp"
#include "feedwire/feeds/html_text.hpp"
#include "fuzz_input.hpp"
#include "html_safety.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

void check(const std::string& violation, std::string_view input) {
    if (violation.empty()) return;
    std::fprintf(stderr, "sanitizer property violated: %s\n  input: %.*s\n", violation.c_str(),
                 static_cast<int>(input.size()), input.data());
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace feedwire::feeds;
    const std::string_view html = feedwire::fuzz::as_text(data, size);

    check(feedwire::testing::sanitize_property_violation(html), html);
    sanitize_options with_base;
    with_base.base_url = "https://example.com/news/2024/a.html?x=1";
    check(feedwire::testing::sanitize_property_violation(html, with_base), html);

    // Dropping whole blocks from sanitized HTML keeps it balanced.
    const std::string clean = sanitize_html(html);
    const std::string pruned = drop_html_blocks(
        clean, [](std::string_view text) { return text.find('a') != std::string_view::npos; });
    check(feedwire::testing::sanitized_html_violation(pruned), html);

    const std::string text = html_to_text(html);

    // The one-pass reading is the separate functions; pruning sanitized
    // HTML without the tokenizer is pruning it with.
    const html_body body = read_html_body(html, with_base);
    const auto has_a = [](std::string_view t) { return t.find('a') != std::string_view::npos; };
    if (body.html != sanitize_html(html, with_base) || body.text != text ||
        drop_sanitized_html_blocks(clean, has_a) != pruned) {
        std::fprintf(stderr, "read_html_body or drop_sanitized_html_blocks differs\n");
        __builtin_trap();
    }
    if (is_valid_utf8(html) && !is_valid_utf8(text)) {
        std::fprintf(stderr, "html_to_text turned UTF-8 into invalid UTF-8\n");
        __builtin_trap();
    }
    (void)html_to_text(clean);
    (void)collapse_text(html);
    (void)decode_html_entities(html);
    (void)looks_like_html(html);
    return 0;
}
