// Fuzz target: the date parser. Every date it accepts must print as
// RFC 3339 and read back as the same instant.
#include "feedwire/feeds/dates.hpp"
#include "fuzz_input.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace feedwire::feeds;
    const std::string_view text = feedwire::fuzz::as_text(data, size);
    (void)parse_rfc822_date(text);
    (void)parse_iso8601_date(text);
    const auto t = parse_date(text);
    if (!t) return 0;
    const std::string printed = format_rfc3339(*t);
    const auto again = parse_date(printed);
    if (!again || *again != *t) {
        std::fprintf(stderr, "dates property violated: %s does not read back\n", printed.c_str());
        __builtin_trap();
    }
    return 0;
}
