// Fuzz target: URL resolution and canonicalization.
//
// Input: a base URL line, then a reference. The reference is resolved
// against the base; what comes out absolute is canonicalized, and the
// canonical form must be a fixed point of canonicalize_url.
#include "feedwire/feeds/url.hpp"
#include "fuzz_input.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

void check(bool condition, const char* what, std::string_view url) {
    if (!condition) {
        std::fprintf(stderr, "url property violated: %s: %.*s\n", what,
                     static_cast<int>(url.size()), url.data());
        __builtin_trap();
    }
}

void check_canonical(std::string_view absolute) {
    const std::string canonical = feedwire::feeds::canonicalize_url(absolute);
    check(feedwire::feeds::canonicalize_url(canonical) == canonical,
          "canonicalize_url is not idempotent", absolute);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace feedwire::feeds;
    const auto [base, ref] = feedwire::fuzz::split_line(feedwire::fuzz::as_text(data, size));
    (void)has_scheme(ref);
    (void)is_safe_link_url(ref);
    check_canonical(base);
    const auto resolved = resolve_url(base, ref);
    if (resolved) {
        check(has_scheme(*resolved), "resolved URL has no scheme", *resolved);
        check_canonical(*resolved);
    }
    return 0;
}
