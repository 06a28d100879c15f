// See folded_words.hpp. A word of lower-case ASCII letters and digits (most
// of them) is returned as a view into the text; other words are copied,
// their code points decoded, tested against the separator table and folded.
#include "folded_words.hpp"

#include "feedwire/feeds/charset.hpp"

#include <array>
#include <cstdint>

namespace feedwire::feeds::detail {
namespace {

// One code point of valid UTF-8 (the parser's text always is), or the
// byte itself when it is not a lead byte.
char32_t next_code_point(std::string_view text, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    int extra = 0;
    char32_t cp = b0;
    if (b0 >= 0xF0) {
        extra = 3;
        cp = b0 & 0x07U;
    } else if (b0 >= 0xE0) {
        extra = 2;
        cp = b0 & 0x0FU;
    } else if (b0 >= 0xC0) {
        extra = 1;
        cp = b0 & 0x1FU;
    }
    ++i;
    for (int k = 0; k < extra && i < text.size(); ++k, ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(text[i]) & 0x3FU);
    return cp;
}

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

bool is_ascii_word_char(unsigned char c) noexcept {
    return k_class[c] == k_lower_or_digit || k_class[c] == k_upper;
}

}  // namespace

bool folded_words::next(std::string_view& word) {
    const std::size_t size = text_.size();
    for (;;) {
        if (pos_ == mark_) words_before_mark_ = count_;
        if (pos_ >= size) return false;
        const std::uint8_t k = class_of(text_[pos_]);
        if (k == k_separator) {
            ++pos_;
            continue;
        }
        if (k != k_non_ascii) break;
        std::size_t after = pos_;
        if (!is_unicode_separator(next_code_point(text_, after))) break;
        pos_ = after;
    }

    // Most words are lower-case ASCII letters and digits already: they are
    // returned in place, without a copy.
    const std::size_t start = pos_;
    while (pos_ < size && class_of(text_[pos_]) == k_lower_or_digit) ++pos_;
    ++count_;
    if (pos_ == size || class_of(text_[pos_]) == k_separator) {
        word = text_.substr(start, pos_ - start);
        return true;
    }

    word_.assign(text_.substr(start, pos_ - start));
    while (pos_ < size) {
        const auto c = static_cast<unsigned char>(text_[pos_]);
        if (c < 0x80) {
            if (!is_ascii_word_char(c)) break;
            word_.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 0x20 : c));
            ++pos_;
            continue;
        }
        const char32_t cp = next_code_point(text_, pos_);
        if (is_unicode_separator(cp)) break;
        const char32_t folded = fold_case(cp);
        if (folded >= 0x80 && folded < 0x800) {
            // Two bytes (Latin-1, Cyrillic), written here as append_utf8 would.
            word_.push_back(static_cast<char>(0xC0U | (folded >> 6U)));
            word_.push_back(static_cast<char>(0x80U | (folded & 0x3FU)));
        } else {
            append_utf8(word_, folded);
        }
    }
    word = word_;
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
