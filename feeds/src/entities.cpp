// Character references as the WHATWG tokenizer reads them ("Character
// reference state", "Named character reference state", "Numeric character
// reference end state"). Names are looked up by binary search in the
// generated table (entities_table.cpp); there is no map built at start-up.
// A named reference is the longest name followed by ';', or else the longest
// legacy name that prefixes the alphanumeric run, which is why "&notit;" is
// "¬it;" while "&notin;" is "∉".
#include <feedwire/feeds/entities.hpp>

#include <algorithm>
#include <cstdint>

namespace feedwire::feeds {
namespace {

// The longest name in the table ("CounterClockwiseContourIntegral") and the
// longest legacy one ("middot", "frac34"): scanning further cannot match.
constexpr std::size_t max_name_length = 31;
constexpr std::size_t max_legacy_name_length = 6;

bool is_ascii_alnum(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

const html_named_reference* find_name(std::string_view name) noexcept {
    const auto table = html_named_references();
    const auto it = std::lower_bound(
        table.begin(), table.end(), name,
        [](const html_named_reference& row, std::string_view key) { return row.name < key; });
    if (it == table.end() || it->name != name) return nullptr;
    return &*it;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0U | (cp >> 6));
        out += static_cast<char>(0x80U | (cp & 0x3FU));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0U | (cp >> 12));
        out += static_cast<char>(0x80U | ((cp >> 6) & 0x3FU));
        out += static_cast<char>(0x80U | (cp & 0x3FU));
    } else {
        out += static_cast<char>(0xF0U | (cp >> 18));
        out += static_cast<char>(0x80U | ((cp >> 12) & 0x3FU));
        out += static_cast<char>(0x80U | ((cp >> 6) & 0x3FU));
        out += static_cast<char>(0x80U | (cp & 0x3FU));
    }
}

// "Numeric character reference end state": the C1 range is read as
// windows-1252, as browsers always have; 0x81, 0x8D, 0x8F, 0x90 and 0x9D
// have no windows-1252 character and stay as they are.
std::uint32_t windows_1252_c1(std::uint32_t cp) noexcept {
    static constexpr std::uint16_t table[32] = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
    return table[cp - 0x80];
}

std::size_t append_numeric_ref(std::string_view text, std::string& out) {
    // text starts with "&#".
    std::size_t i = 2;
    const bool is_hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (is_hex) ++i;
    const std::size_t digits_begin = i;
    // Values are clamped once past U+10FFFF so that "&#99999999999999;" can
    // neither overflow nor wrap into a valid code point.
    constexpr std::uint32_t too_large = 0x110000;
    std::uint32_t cp = 0;
    for (; i < text.size(); ++i) {
        const int digit =
            is_hex ? hex_value(text[i]) : (text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1);
        if (digit < 0) break;
        cp = std::min(cp * (is_hex ? 16U : 10U) + static_cast<std::uint32_t>(digit), too_large);
    }
    // "absence-of-digits-in-numeric-character-reference": "&#" and "&#x"
    // are literal text.
    if (i == digits_begin) return 0;
    if (i < text.size() && text[i] == ';') ++i;

    if (cp == 0 || cp >= too_large || (cp >= 0xD800 && cp <= 0xDFFF)) {
        cp = 0xFFFD;
    } else if (cp >= 0x80 && cp <= 0x9F) {
        cp = windows_1252_c1(cp);
    }
    append_utf8(out, cp);
    return i;
}

}  // namespace

std::optional<std::string_view> html_entity_utf8(std::string_view name) noexcept {
    if (const auto* row = find_name(name)) return row->utf8;
    return std::nullopt;
}

std::size_t append_html_char_ref(std::string_view text, bool is_attribute_value, std::string& out) {
    if (text.size() < 2 || text[0] != '&') return 0;
    if (text[1] == '#') return append_numeric_ref(text, out);

    std::size_t run = 1;
    while (run < text.size() && run <= max_name_length && is_ascii_alnum(text[run])) ++run;
    const std::size_t run_length = run - 1;
    if (run_length == 0) return 0;

    if (run < text.size() && text[run] == ';') {
        if (const auto* row = find_name(text.substr(1, run_length))) {
            out += row->utf8;
            return run + 1;
        }
    }
    // Without ';' only a legacy name can match, and it may be a prefix of the
    // run ("&notit" is "&not" + "it").
    for (std::size_t n = std::min(run_length, max_legacy_name_length); n >= 2; --n) {
        const auto* row = find_name(text.substr(1, n));
        if (row == nullptr || !row->is_legacy) continue;
        const std::size_t end = 1 + n;
        // "Named character reference state", the attribute case kept for
        // historical reasons: "?a=1&copy=2" must survive in a URL.
        if (is_attribute_value && end < text.size() &&
            (text[end] == '=' || is_ascii_alnum(text[end]))) {
            return 0;
        }
        out += row->utf8;
        return end;
    }
    return 0;
}

std::string decode_html_entities(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    std::size_t amp = text.find('&');
    while (amp != std::string_view::npos) {
        out.append(text.substr(copied, amp - copied));
        const std::size_t used = append_html_char_ref(text.substr(amp), false, out);
        if (used == 0) {
            out += '&';
            copied = amp + 1;
        } else {
            copied = amp + used;
        }
        amp = text.find('&', copied);
    }
    out.append(text.substr(copied));
    return out;
}

}  // namespace feedwire::feeds
