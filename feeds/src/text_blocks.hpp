// Paragraph helpers shared by the credit and boilerplate rules. Plain text
// from html_to_text/collapse_text separates paragraphs by a blank line and
// lines inside a paragraph by one newline; these helpers keep that shape.
// Case folding keeps byte lengths (ASCII, Latin-1 letters, Cyrillic), so an
// offset found in folded text is the same offset in the original.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds::detail {

inline std::string_view trim_view(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

inline std::vector<std::string> split_paragraphs(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = text.find("\n\n", start);
        const std::string_view part =
            trim_view(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (!part.empty()) out.emplace_back(part);
        if (end == std::string_view::npos) break;
        start = end + 2;
    }
    return out;
}

inline std::string join_paragraphs(const std::vector<std::string>& paragraphs) {
    std::string out;
    for (const auto& p : paragraphs) {
        if (p.empty()) continue;
        if (!out.empty()) out += "\n\n";
        out += p;
    }
    return out;
}

// Lower case for ASCII, Latin-1 letters and Cyrillic; same byte length.
// Eight ASCII bytes at a time when none has the high bit; otherwise one
// character: an ASCII byte, a continuation byte alone, or a lead byte with
// the byte after it (folded when it is a Latin-1 or Cyrillic capital).
inline void fold_case_in_place(char* s, std::size_t n) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    while (i < n) {
        if (n - i >= 8) {
            std::uint64_t v = 0;
            std::memcpy(&v, s + i, 8);
            if ((v & highs) == 0) {
                // Bytes under 0x80: adding 0x3F sets the high bit from 'A' up,
                // adding 0x25 from past 'Z' up, with no carry between bytes.
                const std::uint64_t from_a = (v + (0x80 - 'A') * ones) & highs;
                const std::uint64_t past_z = (v + (0x80 - 'Z' - 1) * ones) & highs;
                v |= (from_a & ~past_z) >> 2U;  // 0x80 >> 2 is the 0x20 of lower case
                std::memcpy(s + i, &v, 8);
                i += 8;
                continue;
            }
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z') s[i] = static_cast<char>(c + 32);
            ++i;
            continue;
        }
        if (c < 0xC0 || i + 1 >= n) {
            ++i;
            continue;
        }
        const auto d = static_cast<unsigned char>(s[i + 1]);
        if (c == 0xC3) {
            if (d >= 0x80 && d <= 0x9E && d != 0x97) s[i + 1] = static_cast<char>(d + 0x20);
        } else if (c == 0xD0) {
            if (d >= 0x90 && d <= 0x9F) {
                s[i + 1] = static_cast<char>(d + 0x20);  // А..П -> а..п
            } else if (d >= 0xA0 && d <= 0xAF) {
                s[i] = static_cast<char>(0xD1);  // Р..Я -> р..я
                s[i + 1] = static_cast<char>(d - 0x20);
            } else if (d >= 0x80 && d <= 0x8F) {
                s[i] = static_cast<char>(0xD1);  // Ѐ..Џ -> ѐ..џ
                s[i + 1] = static_cast<char>(d + 0x10);
            }
        }
        i += 2;  // À..Þ -> à..þ above; other two-byte leads take their next byte as is
    }
}

inline std::string fold_case(std::string_view s) {
    std::string out(s);
    fold_case_in_place(out.data(), out.size());
    return out;
}

// Folded, whitespace collapsed to one space, trailing full stop dropped:
// the form in which a repeated headline or lead is compared.
inline std::string comparable(std::string_view s) {
    std::string out = fold_case(trim_view(s));
    // Compacted in place: the write position never passes the read one.
    std::size_t o = 0;
    bool space = false;
    for (const char c : out) {
        if (c == ' ' || c == '\n' || c == '\t') {
            space = true;
            continue;
        }
        if (space && o > 0) out[o++] = ' ';
        space = false;
        out[o++] = c;
    }
    out.resize(o);
    while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
    return out;
}

inline bool ends_sentence(std::string_view s) {
    s = trim_view(s);
    if (s.empty()) return false;
    const char c = s.back();
    return c == '.' || c == '!' || c == '?' || c == '"' || s.ends_with("\xC2\xBB") ||
           s.ends_with("\xE2\x80\x9D");  // » ”
}

}  // namespace feedwire::feeds::detail
