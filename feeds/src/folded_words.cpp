// See folded_words.hpp. A word of lower-case ASCII letters and digits (most
// of them) is returned as a view into the text; other words are copied,
// their code points decoded, tested against the separator table and folded.
#include "folded_words.hpp"

#include "feedwire/feeds/charset.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace feedwire::feeds::detail {
namespace {

// Punctuation and spaces outside ASCII that news text is full of: no-break
// space, guillemets, the General Punctuation block (dashes, curly quotes,
// ellipsis, bullets), CJK and full-width punctuation.
bool is_unicode_separator(char32_t cp) {
    return cp == 0x00A0 || cp == 0x00AB || cp == 0x00BB || cp == 0x00B7 || cp == 0x00BF ||
           cp == 0x00A1 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
           (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20);
}

// Lower case for the scripts the agencies write in: ASCII, Latin-1,
// Cyrillic (including Ё and the Ukrainian letters).
char32_t fold_case(char32_t cp) {
    if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
    if (cp >= 0x00C0 && cp <= 0x00DE && cp != 0x00D7) return cp + 0x20;
    if (cp >= 0x0410 && cp <= 0x042F) return cp + 0x20;
    if (cp >= 0x0400 && cp <= 0x040F) return cp + 0x50;
    return cp;
}

// Byte classes: what a byte is to the word scanner.
enum : std::uint8_t { k_separator = 0, k_lower_or_digit = 1, k_upper = 2, k_non_ascii = 3 };

constexpr std::array<std::uint8_t, 256> k_class = [] {
    std::array<std::uint8_t, 256> t{};
    for (std::size_t c = 0x80; c < 0x100; ++c) t[c] = k_non_ascii;
    for (std::size_t c = 'a'; c <= 'z'; ++c) t[c] = k_lower_or_digit;
    for (std::size_t c = '0'; c <= '9'; ++c) t[c] = k_lower_or_digit;
    for (std::size_t c = 'A'; c <= 'Z'; ++c) t[c] = k_upper;
    return t;
}();

std::uint8_t class_of(char c) noexcept { return k_class[static_cast<unsigned char>(c)]; }

}  // namespace

char* folded_words::reserve_word(std::size_t capacity, std::size_t keep) {
    if (capacity > word_capacity_) {
        auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
        if (keep > 0) std::memcpy(bigger.get(), word_.get(), keep);
        word_ = std::move(bigger);
        word_capacity_ = capacity;
    }
    return word_.get();
}

bool folded_words::next(std::string_view& word) {
    // The position is kept in a local: the stores into word_ below could
    // otherwise alias it, and it would be reloaded at every byte.
    const char* const text = text_.data();
    const std::size_t size = text_.size();
    std::size_t pos = pos_;
    for (;;) {
        if (pos == mark_) words_before_mark_ = count_;
        if (pos >= size) {
            pos_ = pos;
            return false;
        }
        const std::uint8_t k = class_of(text[pos]);
        if (k == k_separator) {
            ++pos;
            continue;
        }
        if (k != k_non_ascii) break;
        std::size_t after = pos;
        if (!is_unicode_separator(next_code_point(text_, after))) break;
        pos = after;
    }

    // Most words are lower-case ASCII letters and digits already: they are
    // returned in place, without a copy.
    const std::size_t start = pos;
    while (pos < size && class_of(text[pos]) == k_lower_or_digit) ++pos;
    ++count_;
    if (pos == size || class_of(text[pos]) == k_separator) {
        word = text_.substr(start, pos - start);
        pos_ = pos;
        return true;
    }

    // The others are folded into word_, which holds the rest of the text
    // byte for byte (ASCII and two-byte characters fold to as many bytes);
    // other characters make room for what they write.
    char* out = reserve_word(size - start + 8, 0);
    std::size_t n = pos - start;
    std::memcpy(out, text + start, n);
    while (pos < size) {
        const auto c = static_cast<unsigned char>(text[pos]);
        if (c < 0x80) {
            const std::uint8_t k = k_class[c];
            if (k == k_separator) break;
            out[n++] = static_cast<char>(k == k_upper ? c + 0x20 : c);
            ++pos;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF && pos + 1 < size &&
            (static_cast<unsigned char>(text[pos + 1]) & 0xC0U) == 0x80) {
            // A two-byte character (Latin-1, Cyrillic): folded to two bytes,
            // written as append_utf8 would.
            const char32_t cp =
                ((c & 0x1FU) << 6U) | (static_cast<unsigned char>(text[pos + 1]) & 0x3FU);
            if (is_unicode_separator(cp)) {
                pos += 2;  // as next_code_point below: the word's end is past it
                break;
            }
            const char32_t folded = fold_case(cp);
            out[n++] = static_cast<char>(0xC0U | (folded >> 6U));
            out[n++] = static_cast<char>(0x80U | (folded & 0x3FU));
            pos += 2;
            continue;
        }
        const char32_t cp = next_code_point(text_, pos);
        if (is_unicode_separator(cp)) break;
        std::string bytes;
        append_utf8(bytes, fold_case(cp));
        out = reserve_word(n + bytes.size() + (size - pos) + 8, n);
        std::memcpy(out + n, bytes.data(), bytes.size());
        n += bytes.size();
    }
    pos_ = pos;
    word = std::string_view(out, n);
    return true;
}

void append_folded_words(std::string& out, std::string_view text) {
    folded_words words(text);
    std::string_view word;
    bool is_first = true;
    while (words.next(word)) {
        if (!is_first) out.push_back(' ');
        out.append(word);
        is_first = false;
    }
}

}  // namespace feedwire::feeds::detail
