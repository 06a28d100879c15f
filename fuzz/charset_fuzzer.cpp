// Fuzz target: the character set decoder.
//
// Input: one line with a charset label (as an HTTP charset parameter or a
// Content-Type value would carry it), then the bytes. The bytes go through
// the XML, HTML and JSON document decoders with that label and through
// decode_to_utf8 for one fixed encoding chosen by the input's length; every
// result must be valid UTF-8.
#include "feedwire/feeds/charset.hpp"
#include "fuzz_input.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

using namespace feedwire::feeds;

void check_utf8(std::string_view text, const char* what) {
    if (!is_valid_utf8(text)) {
        std::fprintf(stderr, "charset property violated: %s is not UTF-8\n", what);
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [label, bytes] = feedwire::fuzz::split_line(feedwire::fuzz::as_text(data, size));
    const std::string charset = charset_from_content_type(label);
    const auto known = lookup_encoding(label);
    if (known) (void)encoding_name(*known);

    check_utf8(decode_xml_document(bytes, charset).utf8, "decode_xml_document");
    check_utf8(decode_xml_document(bytes, label).utf8, "decode_xml_document (raw label)");
    check_utf8(decode_html_document(bytes, charset).utf8, "decode_html_document");
    check_utf8(decode_json_document(bytes, charset).utf8, "decode_json_document");

    constexpr int encodings = static_cast<int>(last_encoding) + 1;
    const auto e = static_cast<encoding>(size % encodings);
    std::size_t replaced = 0;
    check_utf8(decode_to_utf8(bytes, e, &replaced), "decode_to_utf8");

    const std::string clean = sanitize_utf8(bytes, &replaced);
    check_utf8(clean, "sanitize_utf8");
    if (is_valid_utf8(bytes) && clean != bytes) {
        std::fprintf(stderr, "charset property violated: sanitize_utf8 changed valid UTF-8\n");
        __builtin_trap();
    }
    return 0;
}
