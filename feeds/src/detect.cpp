// See detect.hpp. Sniffing reads at most the first 1 KiB for markers (plus
// the <title> of an HTML page), so it costs nothing next to parsing.
#include "feedwire/feeds/detect.hpp"

#include "feedwire/feeds/charset.hpp"
#include "feedwire/feeds/html_text.hpp"

#include <algorithm>
#include <array>

namespace feedwire::feeds {
namespace {

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(s[i]) != prefix[i]) return false;
    }
    return true;
}

std::size_t ifind(std::string_view s, std::string_view needle) noexcept {
    if (needle.size() > s.size()) return std::string_view::npos;
    for (std::size_t i = 0; i + needle.size() <= s.size(); ++i) {
        if (istarts_with(s.substr(i), needle)) return i;
    }
    return std::string_view::npos;
}

struct magic {
    std::string_view bytes;
    std::string_view what;
};

constexpr std::array<magic, 8> k_magic = {{
    {"\x89PNG", "a PNG image"},
    {"GIF87a", "a GIF image"},
    {"GIF89a", "a GIF image"},
    {"\xFF\xD8\xFF", "a JPEG image"},
    {"%PDF-", "a PDF document"},
    {"\x1F\x8B", "gzip-compressed data (the server sent an encoding the client did not decode)"},
    {"PK\x03\x04", "a ZIP archive"},
    {"BZh", "bzip2-compressed data"},
}};

bool has_utf16_or_32_signature(std::string_view b) noexcept {
    if (b.size() < 2) return false;
    const auto c0 = static_cast<unsigned char>(b[0]);
    const auto c1 = static_cast<unsigned char>(b[1]);
    if ((c0 == 0xFF && c1 == 0xFE) || (c0 == 0xFE && c1 == 0xFF)) return true;
    // "<" or "{" as UTF-16/32 without BOM (XML 1.0 Appendix F).
    if (b.size() >= 4 &&
        ((c0 == 0 && c1 == '<') || (c0 == '<' && c1 == 0) || (c0 == 0 && c1 == '{') ||
         (c0 == '{' && c1 == 0) || (c0 == 0 && c1 == 0) || (c0 == 0 && c1 == ' ') ||
         (c0 == ' ' && c1 == 0) || (c0 == 0 && c1 == '\n') || (c0 == '\n' && c1 == 0))) {
        return true;
    }
    return false;
}

std::string excerpt(std::string_view text) {
    std::string line = collapse_text(text.substr(0, 200));
    if (line.size() > 60) {
        std::size_t cut = 60;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0U) == 0x80U) --cut;
        line = line.substr(0, cut) + "...";
    }
    return line;
}

}  // namespace

std::string describe_html(std::string_view text) {
    const std::size_t open = ifind(text, "<title");
    if (open != std::string_view::npos) {
        const std::size_t gt = text.find('>', open);
        const std::size_t close =
            gt == std::string_view::npos ? gt : ifind(text.substr(gt), "</title");
        if (close != std::string_view::npos) {
            std::string title = html_to_text(text.substr(gt + 1, close - 1));
            if (title.size() > 80) title = title.substr(0, 80) + "...";
            if (!title.empty()) {
                std::string d = "an HTML page titled \"" + title + "\"";
                if (ifind(text, "application/rss+xml") != std::string_view::npos ||
                    ifind(text, "application/atom+xml") != std::string_view::npos) {
                    d += " (it links to a feed: subscribe to the URL in its <link "
                         "rel=\"alternate\">)";
                }
                return d;
            }
        }
    }
    return "an HTML page";
}

sniffed_document sniff_document(std::string_view bytes) {
    sniffed_document out;
    std::size_t i = 0;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
    while (i < bytes.size() && is_space(bytes[i])) ++i;
    if (i == bytes.size()) {
        out.kind = document_kind::empty;
        out.description = bytes.empty() ? "an empty body" : "a body of only whitespace";
        return out;
    }
    for (const auto& m : k_magic) {
        if (bytes.substr(0, m.bytes.size()) == m.bytes) {
            out.kind = document_kind::binary;
            out.description = std::string(m.what);
            return out;
        }
    }
    if (has_utf16_or_32_signature(bytes)) {
        out.kind = document_kind::xml;  // decoded later; the decoder finds its kind
        if (bytes.find('{') != std::string_view::npos &&
            bytes.find('<') == std::string_view::npos) {
            out.kind = document_kind::json;
        }
        return out;
    }
    const std::string_view head = bytes.substr(0, 1024);
    if (head.find('\0') != std::string_view::npos) {
        out.kind = document_kind::binary;
        out.description = "binary data";
        return out;
    }
    const std::string_view rest = bytes.substr(i);
    if (rest[0] == '{' || rest[0] == '[') {
        out.kind = document_kind::json;
        return out;
    }
    if (istarts_with(rest, "<!doctype html") || istarts_with(rest, "<html") ||
        istarts_with(rest, "<head") || istarts_with(rest, "<body")) {
        out.kind = document_kind::html;
        out.description = describe_html(bytes);
        return out;
    }
    if (rest.find('<') != std::string_view::npos) {
        out.kind = document_kind::xml;
        return out;
    }
    out.kind = document_kind::text;
    out.description = "plain text (\"" + excerpt(sanitize_utf8(rest)) + "\")";
    return out;
}

}  // namespace feedwire::feeds
