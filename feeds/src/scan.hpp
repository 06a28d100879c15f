// Finding the first of a few bytes. std::string_view::find_first_of calls
// memchr on the set for every byte of the text, which costs many times the
// scan itself; this loop compares each byte with the set's few bytes, and
// the compiler unrolls that comparison when the set is a literal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace feedwire::feeds::detail {

inline std::size_t find_any(std::string_view text, std::string_view set,
                            std::size_t from = 0) noexcept {
    for (std::size_t i = from; i < text.size(); ++i) {
        const char c = text[i];
        for (const char s : set) {
            if (c == s) return i;
        }
    }
    return std::string_view::npos;
}

// The first `a` or `b` in text[from, end), or `end`: sixteen bytes per
// step where SSE2 is there (every x86-64), a byte at a time elsewhere and
// for the last few bytes.
inline std::size_t find_either(std::string_view text, std::size_t from, std::size_t end, char a,
                               char b) noexcept {
    std::size_t i = from;
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a);
    const __m128i vb = _mm_set1_epi8(b);
    for (; i + 16 <= end; i += 16) {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
        const auto mask = static_cast<std::uint32_t>(
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, va), _mm_cmpeq_epi8(chunk, vb))));
        if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
    }
#endif
    for (; i < end; ++i) {
        if (text[i] == a || text[i] == b) return i;
    }
    return end;
}

}  // namespace feedwire::feeds::detail
