// Paragraph helpers shared by the credit and boilerplate rules. Plain text
// from html_to_text/collapse_text separates paragraphs by a blank line and
// lines inside a paragraph by one newline; these helpers keep that shape.
// Case folding keeps byte lengths (ASCII, Latin-1 letters, Cyrillic), so an
// offset found in folded text is the same offset in the original.
#pragma once

#include <cstddef>
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
inline std::string fold_case(std::string_view s) {
    std::string out(s);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c >= 'A' && c <= 'Z') {
            out[i] = static_cast<char>(c + 32);
        } else if (i + 1 < out.size()) {
            const auto d = static_cast<unsigned char>(out[i + 1]);
            if (c == 0xC3 && d >= 0x80 && d <= 0x9E && d != 0x97) {
                out[i + 1] = static_cast<char>(d + 0x20);  // À..Þ -> à..þ
                ++i;
            } else if (c == 0xD0 && d >= 0x90 && d <= 0x9F) {
                out[i + 1] = static_cast<char>(d + 0x20);  // А..П -> а..п
                ++i;
            } else if (c == 0xD0 && d >= 0xA0 && d <= 0xAF) {
                out[i] = static_cast<char>(0xD1);  // Р..Я -> р..я
                out[i + 1] = static_cast<char>(d - 0x20);
                ++i;
            } else if (c == 0xD0 && d >= 0x80 && d <= 0x8F) {
                out[i] = static_cast<char>(0xD1);  // Ѐ..Џ -> ѐ..џ
                out[i + 1] = static_cast<char>(d + 0x10);
                ++i;
            } else if (c >= 0xC0) {
                ++i;
            }
        }
    }
    return out;
}

// Folded, whitespace collapsed to one space, trailing full stop dropped:
// the form in which a repeated headline or lead is compared.
inline std::string comparable(std::string_view s) {
    std::string out;
    bool space = false;
    for (const char c : fold_case(trim_view(s))) {
        if (c == ' ' || c == '\n' || c == '\t') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
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
