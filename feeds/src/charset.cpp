// Character set detection and decoding. Everything ends in one of three
// decoders: a validating UTF-8 copier (the common case, so it skips ASCII
// eight bytes at a time and copies valid input once), a UTF-16/32 decoder,
// and a table lookup for single-byte code pages (charset_tables.cpp).
//
// Which decoder runs is decided once per document, from evidence in order of
// trust: the byte order mark, the XML declaration (read in whatever 8/16/32-
// bit form the first bytes show, XML 1.0 Appendix F), the HTTP charset. A
// label that the bytes plainly contradict is skipped with a warning, and when
// nothing usable is left the bytes are sniffed. The declaration outranks HTTP
// although RFC 7303 says otherwise: servers attach a default charset to every
// file, while the document's own declaration was written by whoever chose the
// encoding.
#include "charset_tables.hpp"
#include <feedwire/feeds/charset.hpp>
#include <feedwire/feeds/html_tokenizer.hpp>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <iconv.h>

namespace feedwire::feeds {
namespace {

constexpr std::string_view replacement_utf8 = "\xEF\xBF\xBD";
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

unsigned char byte_at(std::string_view s, std::size_t i) noexcept {
    return static_cast<unsigned char>(s[i]);
}

bool is_ascii_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool is_ascii_alpha(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// Labels

struct label_entry {
    std::string_view key;  // the label reduced to [a-z0-9], see loose_key()
    encoding value;
};

// The WHATWG Encoding Standard's labels ("Encodings" table) for the
// encodings we support, reduced by loose_key(), plus common labels it does
// not list (Java's "8859_5", "koi8r", "win-1251", UTF-32). Per WHATWG,
// "iso-8859-1", "latin1" and "us-ascii" mean windows-1252 and "iso-8859-9"
// means windows-1254: feeds labelled latin-1 routinely carry cp1252 smart
// quotes in 0x80..0x9F, where ISO-8859-1 has only C1 controls nobody writes.
constexpr std::array labels{
    // UTF-8
    label_entry{"unicode11utf8", encoding::utf8},
    label_entry{"unicode20utf8", encoding::utf8},
    label_entry{"utf8", encoding::utf8},
    label_entry{"xunicode20utf8", encoding::utf8},
    // UTF-16/32; a bare "utf-16" means little-endian (WHATWG)
    label_entry{"csunicode", encoding::utf16le},
    label_entry{"iso10646ucs2", encoding::utf16le},
    label_entry{"ucs2", encoding::utf16le},
    label_entry{"unicode", encoding::utf16le},
    label_entry{"unicodefeff", encoding::utf16le},
    label_entry{"utf16", encoding::utf16le},
    label_entry{"utf16le", encoding::utf16le},
    label_entry{"unicodefffe", encoding::utf16be},
    label_entry{"utf16be", encoding::utf16be},
    label_entry{"utf32", encoding::utf32le},
    label_entry{"utf32le", encoding::utf32le},
    label_entry{"ucs4", encoding::utf32le},
    label_entry{"iso10646ucs4", encoding::utf32le},
    label_entry{"utf32be", encoding::utf32be},
    // windows-1252, including the ISO-8859-1 and ASCII labels
    label_entry{"ansix341968", encoding::windows1252},
    label_entry{"ascii", encoding::windows1252},
    label_entry{"usascii", encoding::windows1252},
    label_entry{"cp1252", encoding::windows1252},
    label_entry{"cp819", encoding::windows1252},
    label_entry{"csisolatin1", encoding::windows1252},
    label_entry{"ibm819", encoding::windows1252},
    label_entry{"iso88591", encoding::windows1252},
    label_entry{"isoir100", encoding::windows1252},
    label_entry{"iso885911987", encoding::windows1252},
    label_entry{"l1", encoding::windows1252},
    label_entry{"latin1", encoding::windows1252},
    label_entry{"windows1252", encoding::windows1252},
    label_entry{"xcp1252", encoding::windows1252},
    label_entry{"88591", encoding::windows1252},
    label_entry{"win1252", encoding::windows1252},
    // ISO-8859-2..16
    label_entry{"csisolatin2", encoding::iso8859_2},
    label_entry{"iso88592", encoding::iso8859_2},
    label_entry{"isoir101", encoding::iso8859_2},
    label_entry{"iso885921987", encoding::iso8859_2},
    label_entry{"l2", encoding::iso8859_2},
    label_entry{"latin2", encoding::iso8859_2},
    label_entry{"88592", encoding::iso8859_2},
    label_entry{"csisolatin3", encoding::iso8859_3},
    label_entry{"iso88593", encoding::iso8859_3},
    label_entry{"isoir109", encoding::iso8859_3},
    label_entry{"iso885931988", encoding::iso8859_3},
    label_entry{"l3", encoding::iso8859_3},
    label_entry{"latin3", encoding::iso8859_3},
    label_entry{"88593", encoding::iso8859_3},
    label_entry{"csisolatin4", encoding::iso8859_4},
    label_entry{"iso88594", encoding::iso8859_4},
    label_entry{"isoir110", encoding::iso8859_4},
    label_entry{"iso885941988", encoding::iso8859_4},
    label_entry{"l4", encoding::iso8859_4},
    label_entry{"latin4", encoding::iso8859_4},
    label_entry{"88594", encoding::iso8859_4},
    label_entry{"csisolatincyrillic", encoding::iso8859_5},
    label_entry{"cyrillic", encoding::iso8859_5},
    label_entry{"iso88595", encoding::iso8859_5},
    label_entry{"isoir144", encoding::iso8859_5},
    label_entry{"iso885951988", encoding::iso8859_5},
    label_entry{"88595", encoding::iso8859_5},
    label_entry{"arabic", encoding::iso8859_6},
    label_entry{"asmo708", encoding::iso8859_6},
    label_entry{"csiso88596e", encoding::iso8859_6},
    label_entry{"csiso88596i", encoding::iso8859_6},
    label_entry{"csisolatinarabic", encoding::iso8859_6},
    label_entry{"ecma114", encoding::iso8859_6},
    label_entry{"iso88596", encoding::iso8859_6},
    label_entry{"iso88596e", encoding::iso8859_6},
    label_entry{"iso88596i", encoding::iso8859_6},
    label_entry{"isoir127", encoding::iso8859_6},
    label_entry{"iso885961987", encoding::iso8859_6},
    label_entry{"88596", encoding::iso8859_6},
    label_entry{"csisolatingreek", encoding::iso8859_7},
    label_entry{"ecma118", encoding::iso8859_7},
    label_entry{"elot928", encoding::iso8859_7},
    label_entry{"greek", encoding::iso8859_7},
    label_entry{"greek8", encoding::iso8859_7},
    label_entry{"iso88597", encoding::iso8859_7},
    label_entry{"isoir126", encoding::iso8859_7},
    label_entry{"iso885971987", encoding::iso8859_7},
    label_entry{"suneugreek", encoding::iso8859_7},
    label_entry{"88597", encoding::iso8859_7},
    // ISO-8859-8-I ("logical" order) decodes like ISO-8859-8.
    label_entry{"csiso88598e", encoding::iso8859_8},
    label_entry{"csisolatinhebrew", encoding::iso8859_8},
    label_entry{"hebrew", encoding::iso8859_8},
    label_entry{"iso88598", encoding::iso8859_8},
    label_entry{"iso88598e", encoding::iso8859_8},
    label_entry{"isoir138", encoding::iso8859_8},
    label_entry{"iso885981988", encoding::iso8859_8},
    label_entry{"visual", encoding::iso8859_8},
    label_entry{"csiso88598i", encoding::iso8859_8},
    label_entry{"iso88598i", encoding::iso8859_8},
    label_entry{"logical", encoding::iso8859_8},
    label_entry{"88598", encoding::iso8859_8},
    label_entry{"csisolatin6", encoding::iso8859_10},
    label_entry{"iso885910", encoding::iso8859_10},
    label_entry{"isoir157", encoding::iso8859_10},
    label_entry{"l6", encoding::iso8859_10},
    label_entry{"latin6", encoding::iso8859_10},
    // WHATWG maps these to windows-874; iso8859_11's table is windows-874's.
    label_entry{"dos874", encoding::iso8859_11},
    label_entry{"iso885911", encoding::iso8859_11},
    label_entry{"tis620", encoding::iso8859_11},
    label_entry{"windows874", encoding::iso8859_11},
    label_entry{"cp874", encoding::iso8859_11},
    label_entry{"iso885913", encoding::iso8859_13},
    label_entry{"iso885914", encoding::iso8859_14},
    label_entry{"csisolatin9", encoding::iso8859_15},
    label_entry{"iso885915", encoding::iso8859_15},
    label_entry{"l9", encoding::iso8859_15},
    label_entry{"latin9", encoding::iso8859_15},
    label_entry{"iso885916", encoding::iso8859_16},
    label_entry{"latin10", encoding::iso8859_16},
    // windows-1250..1258; ISO-8859-9 means windows-1254 (WHATWG)
    label_entry{"cp1250", encoding::windows1250},
    label_entry{"windows1250", encoding::windows1250},
    label_entry{"xcp1250", encoding::windows1250},
    label_entry{"win1250", encoding::windows1250},
    label_entry{"cp1251", encoding::windows1251},
    label_entry{"windows1251", encoding::windows1251},
    label_entry{"xcp1251", encoding::windows1251},
    label_entry{"win1251", encoding::windows1251},
    label_entry{"cp1253", encoding::windows1253},
    label_entry{"windows1253", encoding::windows1253},
    label_entry{"xcp1253", encoding::windows1253},
    label_entry{"cp1254", encoding::windows1254},
    label_entry{"csisolatin5", encoding::windows1254},
    label_entry{"iso88599", encoding::windows1254},
    label_entry{"isoir148", encoding::windows1254},
    label_entry{"iso885991989", encoding::windows1254},
    label_entry{"l5", encoding::windows1254},
    label_entry{"latin5", encoding::windows1254},
    label_entry{"windows1254", encoding::windows1254},
    label_entry{"xcp1254", encoding::windows1254},
    label_entry{"cp1255", encoding::windows1255},
    label_entry{"windows1255", encoding::windows1255},
    label_entry{"xcp1255", encoding::windows1255},
    label_entry{"cp1256", encoding::windows1256},
    label_entry{"windows1256", encoding::windows1256},
    label_entry{"xcp1256", encoding::windows1256},
    label_entry{"cp1257", encoding::windows1257},
    label_entry{"windows1257", encoding::windows1257},
    label_entry{"xcp1257", encoding::windows1257},
    label_entry{"cp1258", encoding::windows1258},
    label_entry{"windows1258", encoding::windows1258},
    label_entry{"xcp1258", encoding::windows1258},
    // Cyrillic DOS, KOI8 and Mac code pages
    label_entry{"866", encoding::ibm866},
    label_entry{"cp866", encoding::ibm866},
    label_entry{"csibm866", encoding::ibm866},
    label_entry{"ibm866", encoding::ibm866},
    label_entry{"cskoi8r", encoding::koi8_r},
    label_entry{"koi", encoding::koi8_r},
    label_entry{"koi8", encoding::koi8_r},
    label_entry{"koi8r", encoding::koi8_r},
    label_entry{"koi8ru", encoding::koi8_u},
    label_entry{"koi8u", encoding::koi8_u},
    label_entry{"xmaccyrillic", encoding::x_mac_cyrillic},
    label_entry{"xmacukrainian", encoding::x_mac_cyrillic},
    label_entry{"maccyrillic", encoding::x_mac_cyrillic},
    // Chinese, Japanese and Korean
    label_entry{"chinese", encoding::gb18030},
    label_entry{"csgb2312", encoding::gb18030},
    label_entry{"csiso58gb231280", encoding::gb18030},
    label_entry{"gb2312", encoding::gb18030},
    label_entry{"gb231280", encoding::gb18030},
    label_entry{"gbk", encoding::gb18030},
    label_entry{"isoir58", encoding::gb18030},
    label_entry{"xgbk", encoding::gb18030},
    label_entry{"cp936", encoding::gb18030},
    label_entry{"big5", encoding::big5},
    label_entry{"big5hkscs", encoding::big5},
    label_entry{"cnbig5", encoding::big5},
    label_entry{"csbig5", encoding::big5},
    label_entry{"xxbig5", encoding::big5},
    label_entry{"cp950", encoding::big5},
    label_entry{"cseucpkdfmtjapanese", encoding::euc_jp},
    label_entry{"eucjp", encoding::euc_jp},
    label_entry{"xeucjp", encoding::euc_jp},
    label_entry{"csiso2022jp", encoding::iso2022_jp},
    label_entry{"iso2022jp", encoding::iso2022_jp},
    label_entry{"csshiftjis", encoding::shift_jis},
    label_entry{"ms932", encoding::shift_jis},
    label_entry{"mskanji", encoding::shift_jis},
    label_entry{"shiftjis", encoding::shift_jis},
    label_entry{"sjis", encoding::shift_jis},
    label_entry{"windows31j", encoding::shift_jis},
    label_entry{"xsjis", encoding::shift_jis},
    label_entry{"cp932", encoding::shift_jis},
    label_entry{"cseuckr", encoding::euc_kr},
    label_entry{"csksc56011987", encoding::euc_kr},
    label_entry{"euckr", encoding::euc_kr},
    label_entry{"isoir149", encoding::euc_kr},
    label_entry{"korean", encoding::euc_kr},
    label_entry{"ksc56011987", encoding::euc_kr},
    label_entry{"ksc56011989", encoding::euc_kr},
    label_entry{"ksc5601", encoding::euc_kr},
    label_entry{"windows949", encoding::euc_kr},
    label_entry{"cp949", encoding::euc_kr},
};

// Labels longer than this are not labels; the longest we know is 18.
constexpr std::size_t max_label_length = 40;

// Lower-case ASCII letters and digits only, so that "ISO_8859-5",
// "iso-8859-5" and "8859_5" meet "iso88595"/"88595" (the same loose matching
// as ICU's ucnv_compareNames). No label we know differs only in punctuation.
// Returns the key's length, or 0 when the label is too long or empty.
std::size_t loose_key(std::string_view label, std::array<char, max_label_length>& key) noexcept {
    std::size_t n = 0;
    for (const char c : label) {
        const char lc = ascii_lower(c);
        if ((lc >= 'a' && lc <= 'z') || (lc >= '0' && lc <= '9')) {
            if (n == key.size()) return 0;
            key[n++] = lc;
        }
    }
    return n;
}

// A label as shown in a warning: trimmed, lower-case, printable, short.
std::string printable_label(std::string_view label) {
    label = trim(label);
    std::string out;
    for (const char c : label.substr(0, max_label_length)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u < 0x7F) ? ascii_lower(c) : '?';
    }
    if (label.size() > max_label_length) out += "...";
    return out;
}

// ---------------------------------------------------------------------------
// UTF-8

// True when no byte of the 8 loaded at p has its high bit set.
bool is_ascii_word(const char* p) noexcept {
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return (w & 0x8080808080808080ULL) == 0;
}

// The length of one well-formed sequence starting at bytes[i] (Unicode
// Table 3-7), or 0 when the sequence there is ill-formed or truncated.
std::size_t utf8_sequence_length(std::string_view bytes, std::size_t i) noexcept {
    const unsigned char lead = byte_at(bytes, i);
    std::size_t need = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        if (lead == 0xE0) lo = 0xA0;  // overlong
        if (lead == 0xED) hi = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        if (lead == 0xF0) lo = 0x90;  // overlong
        if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (bytes.size() - i - 1 < need) return 0;
    for (std::size_t k = 1; k <= need; ++k) {
        const unsigned char c = byte_at(bytes, i + k);
        if (c < lo || c > hi) return 0;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

// The length of the maximal subpart of an ill-formed sequence at bytes[i]
// (Unicode 3.9, "U+FFFD Substitution of Maximal Subparts", as WHATWG's UTF-8
// decoder does): the lead byte plus the continuation bytes that could still
// have led to a valid sequence; at least 1.
std::size_t utf8_invalid_length(std::string_view bytes, std::size_t i) noexcept {
    const unsigned char lead = byte_at(bytes, i);
    std::size_t need = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    } else {
        return 1;
    }
    std::size_t len = 1;
    while (len <= need && i + len < bytes.size()) {
        const unsigned char c = byte_at(bytes, i + len);
        if (c < lo || c > hi) break;
        lo = 0x80;
        hi = 0xBF;
        ++len;
    }
    return len;
}

// The length of the longest valid UTF-8 prefix: the offset of the first
// ill-formed sequence, or bytes.size().
std::size_t utf8_valid_prefix(std::string_view bytes) noexcept {
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
        if (n - i >= 8 && is_ascii_word(bytes.data() + i)) {
            i += 8;
            continue;
        }
        if (byte_at(bytes, i) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t len = utf8_sequence_length(bytes, i);
        if (len == 0) return i;
        i += len;
    }
    return n;
}

struct utf8_stats {
    std::size_t multibyte = 0;  // well-formed sequences of 2..4 bytes
    std::size_t invalid = 0;    // maximal subparts of ill-formed ones
    bool is_partial = false;    // the scan stopped early (see scan_utf8)
};

// With `until_not_utf8`, the scan stops as soon as the bytes left could not
// bring the well-formed sequences to four per broken one (each takes at
// least two bytes): the text is then not mostly UTF-8 whatever follows,
// which is all a code page label needs to know (a windows-1251 document
// breaks on nearly every letter, and is decided in its first part).
utf8_stats scan_utf8(std::string_view bytes, bool until_not_utf8 = false) noexcept {
    utf8_stats st;
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
        if (n - i >= 8 && is_ascii_word(bytes.data() + i)) {
            i += 8;
            continue;
        }
        if (byte_at(bytes, i) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t len = utf8_sequence_length(bytes, i);
        if (len == 0) {
            ++st.invalid;
            i += utf8_invalid_length(bytes, i);
            if (until_not_utf8 && st.multibyte + (n - i) / 2 < 4 * st.invalid) {
                st.is_partial = true;
                return st;
            }
        } else {
            ++st.multibyte;
            i += len;
        }
    }
    return st;
}

// UTF-8 with a few broken sequences (a truncated excerpt, one pasted cp1252
// quote) stays UTF-8: reading it as a code page would garble every correct
// character to rescue a handful. Text in a Cyrillic or Western code page
// almost never forms well-formed multi-byte sequences, so four of them per
// broken one is strong evidence.
bool is_mostly_utf8(const utf8_stats& st) noexcept {
    return st.invalid == 0 || st.multibyte >= 4 * st.invalid;
}

// A document that says it is UTF-8 keeps that on weaker evidence: three
// well-formed multi-byte sequences are already more than a code page
// forms by accident, unless the broken ones outnumber them many times
// (a windows-1251 body labelled UTF-8 breaks on nearly every letter).
bool is_plausible_declared_utf8(const utf8_stats& st) noexcept {
    return is_mostly_utf8(st) || (st.multibyte >= 3 && st.invalid <= 4 * st.multibyte);
}

// ---------------------------------------------------------------------------
// UTF-16/32 and single-byte decoders

std::size_t unit_width(encoding e) noexcept {
    switch (e) {
        case encoding::utf16le:
        case encoding::utf16be:
            return 2;
        case encoding::utf32le:
        case encoding::utf32be:
            return 4;
        default:
            return 1;
    }
}

std::uint32_t read_unit(std::string_view b, std::size_t i, std::size_t width, bool is_be) noexcept {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < width; ++k) {
        const std::size_t pos = is_be ? i + k : i + width - 1 - k;
        v = (v << 8) | byte_at(b, pos);
    }
    return v;
}

// The decoders below write through a pointer into a buffer sized up front:
// appending byte by byte to a std::string checks its capacity every time and
// ran at a tenth of the speed.

// Writes the UTF-8 form of a scalar value (no surrogate, at most U+10FFFF).
char* put_utf8(char* p, std::uint32_t c) noexcept {
    if (c < 0x80) {
        *p++ = static_cast<char>(c);
    } else if (c < 0x800) {
        *p++ = static_cast<char>(0xC0U | (c >> 6));
        *p++ = static_cast<char>(0x80U | (c & 0x3FU));
    } else if (c < 0x10000) {
        *p++ = static_cast<char>(0xE0U | (c >> 12));
        *p++ = static_cast<char>(0x80U | ((c >> 6) & 0x3FU));
        *p++ = static_cast<char>(0x80U | (c & 0x3FU));
    } else {
        *p++ = static_cast<char>(0xF0U | (c >> 18));
        *p++ = static_cast<char>(0x80U | ((c >> 12) & 0x3FU));
        *p++ = static_cast<char>(0x80U | ((c >> 6) & 0x3FU));
        *p++ = static_cast<char>(0x80U | (c & 0x3FU));
    }
    return p;
}

char* put_replacement(char* p, std::size_t& replaced) noexcept {
    ++replaced;
    std::memcpy(p, replacement_utf8.data(), replacement_utf8.size());
    return p + replacement_utf8.size();
}

// Trims a worst-case buffer to what was written, returning the excess
// memory when it is large (ASCII in UTF-16 uses a third of the worst case).
void finish_buffer(std::string& out, const char* end) {
    out.resize(static_cast<std::size_t>(end - out.data()));
    if (out.capacity() > out.size() + out.size() / 4 + 64) out.shrink_to_fit();
}

void decode_utf16(std::string_view b, bool is_be, std::string& out, std::size_t& replaced) {
    const std::size_t units = b.size() / 2;
    // At most 3 bytes per unit (a pair of units makes 4), and one U+FFFD.
    out.resize(3 * units + replacement_utf8.size());
    char* p = out.data();
    for (std::size_t u = 0; u < units; ++u) {
        const std::uint32_t c = read_unit(b, 2 * u, 2, is_be);
        if (c < 0xD800 || c > 0xDFFF) {
            p = put_utf8(p, c);
        } else if (c <= 0xDBFF) {
            const std::uint32_t next = u + 1 < units ? read_unit(b, 2 * (u + 1), 2, is_be) : 0;
            if (next >= 0xDC00 && next <= 0xDFFF) {
                p = put_utf8(p, 0x10000 + ((c - 0xD800) << 10) + (next - 0xDC00));
                ++u;
            } else {
                p = put_replacement(p, replaced);  // lone high surrogate
                // A high surrogate cut off by the end of the input is one
                // error with the odd byte after it (WHATWG "UTF-16 decoder").
                if (u + 1 == units && b.size() % 2 != 0) return finish_buffer(out, p);
            }
        } else {
            p = put_replacement(p, replaced);  // lone low surrogate
        }
    }
    if (b.size() % 2 != 0) p = put_replacement(p, replaced);  // truncated unit
    finish_buffer(out, p);
}

void decode_utf32(std::string_view b, bool is_be, std::string& out, std::size_t& replaced) {
    const std::size_t units = b.size() / 4;
    out.resize(4 * units + replacement_utf8.size());
    char* p = out.data();
    for (std::size_t u = 0; u < units; ++u) {
        const std::uint32_t c = read_unit(b, 4 * u, 4, is_be);
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
            p = put_replacement(p, replaced);
        } else {
            p = put_utf8(p, c);
        }
    }
    if (b.size() % 4 != 0) p = put_replacement(p, replaced);
    finish_buffer(out, p);
}

void decode_single_byte(std::string_view b, const detail::high_half_table& table, std::string& out,
                        std::size_t& replaced) {
    // UTF-8 length of every byte's character, to size the output exactly.
    std::array<unsigned char, 256> length{};
    for (std::size_t c = 0; c < 0x80; ++c) length[c] = 1;
    for (std::size_t c = 0; c < 0x80; ++c) length[0x80 + c] = table[c] < 0x800 ? 2 : 3;
    std::size_t total = 0;
    for (const char c : b) total += length[static_cast<unsigned char>(c)];
    out.resize(total);

    char* p = out.data();
    const std::size_t n = b.size();
    std::size_t i = 0;
    while (i < n) {
        std::size_t run = i;
        while (n - run >= 8 && is_ascii_word(b.data() + run)) run += 8;
        while (run < n && byte_at(b, run) < 0x80) ++run;
        std::memcpy(p, b.data() + i, run - i);
        p += run - i;
        i = run;
        for (; i < n && byte_at(b, i) >= 0x80; ++i) {
            const char16_t cp = table[byte_at(b, i) - 0x80U];
            if (cp == 0xFFFD) ++replaced;
            p = put_utf8(p, cp);
        }
    }
}

// The C library's name for the converter that reads `e` as the WHATWG
// Encoding Standard does (GB18030's decoder for GBK too; Big5 with HKSCS;
// Shift_JIS as windows-31j; EUC-KR as windows-949), or nullptr.
const char* iconv_name(encoding e) noexcept {
    switch (e) {
        case encoding::gb18030:
            return "GB18030";
        case encoding::big5:
            return "BIG5-HKSCS";
        case encoding::euc_jp:
            return "EUC-JP-MS";
        case encoding::iso2022_jp:
            return "ISO-2022-JP";
        case encoding::shift_jis:
            return "CP932";
        case encoding::euc_kr:
            return "UHC";
        default:
            return nullptr;
    }
}

// Multi-byte code pages, through iconv once per document: an invalid or
// cut-off sequence becomes U+FFFD and the next byte is read on. Without
// the converter (a C library built without it) the bytes are read as UTF-8.
void decode_with_iconv(std::string_view b, const char* name, std::string& out,
                       std::size_t& replaced) {
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        out = sanitize_utf8(b, &replaced);
        return;
    }
    // Two-byte characters become three bytes of UTF-8, four-byte ones four.
    out.resize(b.size() * 2 + 16);
    char* in = const_cast<char*>(b.data());  // iconv's signature; it only reads
    std::size_t in_left = b.size();
    std::size_t used = 0;
    const auto grow = [&] { out.resize(out.size() * 2); };
    for (;;) {
        char* to = out.data() + used;
        std::size_t to_left = out.size() - used;
        const std::size_t r = iconv(cd, &in, &in_left, &to, &to_left);
        const int error = errno;
        used = static_cast<std::size_t>(to - out.data());
        if (r != static_cast<std::size_t>(-1) || in_left == 0) break;  // all read
        if (error == E2BIG) {
            grow();
            continue;
        }
        // EILSEQ (not a character of the encoding) or EINVAL (cut off at
        // the end): U+FFFD for one byte, then on, in the same shift state.
        if (out.size() - used < replacement_utf8.size()) grow();
        std::memcpy(out.data() + used, replacement_utf8.data(), replacement_utf8.size());
        used += replacement_utf8.size();
        ++replaced;
        ++in;
        --in_left;
    }
    iconv_close(cd);
    out.resize(used);
}

// ---------------------------------------------------------------------------
// XML specifics

// XML 1.0 section 2.2 Char excludes these C0 controls; pugixml keeps them
// silently and they are never content.
constexpr std::uint32_t xml_invalid_controls =
    0xFFFFFFFFU & ~((1U << '\t') | (1U << '\n') | (1U << '\r'));

bool is_xml_invalid_control(unsigned char c) noexcept {
    return c < 0x20 && ((xml_invalid_controls >> c) & 1U) != 0;
}

// True when a byte below 0x20 is among the 8 at p (Bit Twiddling Hacks'
// hasless(x, 0x20), exact for "is there one"). Tab, newline and carriage
// return hit too, so the caller looks closer.
bool may_have_control(const char* p) noexcept {
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return ((w - 0x2020202020202020ULL) & ~w & 0x8080808080808080ULL) != 0;
}

// Replaces the C0 controls that XML forbids with spaces, in place; returns
// how many. A space rather than nothing, because feeds use vertical tab
// and form feed as word separators ("rain\x0Bthen" must not become
// "rainthen").
std::size_t replace_xml_controls(std::string& s) noexcept {
    const std::size_t n = s.size();
    std::size_t i = 0;
    std::size_t replaced = 0;
    while (i < n) {
        while (n - i >= 8 && !may_have_control(s.data() + i)) i += 8;
        const std::size_t end = n - i >= 8 ? i + 8 : n;
        for (; i < end; ++i) {
            if (is_xml_invalid_control(static_cast<unsigned char>(s[i]))) {
                s[i] = ' ';
                ++replaced;
            }
        }
    }
    return replaced;
}

struct bom_match {
    encoding value;
    std::size_t length;
};

std::optional<bom_match> detect_bom(std::string_view b) noexcept {
    const auto starts = [b](std::string_view p) { return b.substr(0, p.size()) == p; };
    using namespace std::string_view_literals;
    if (starts(utf8_bom)) return bom_match{encoding::utf8, 3};
    // UTF-32LE before UTF-16LE: FF FE 00 00 would otherwise read as a
    // UTF-16LE BOM followed by U+0000, which no XML or JSON text contains.
    if (starts("\xFF\xFE\x00\x00"sv)) return bom_match{encoding::utf32le, 4};
    if (starts("\x00\x00\xFE\xFF"sv)) return bom_match{encoding::utf32be, 4};
    if (starts("\xFF\xFE"sv)) return bom_match{encoding::utf16le, 2};
    if (starts("\xFE\xFF"sv)) return bom_match{encoding::utf16be, 2};
    return std::nullopt;
}

// Without a BOM, the zero bytes among the first four tell the code unit
// size, since the first character of XML and JSON is ASCII ('<', '{',
// whitespace): XML 1.0 Appendix F (00 00 00 3C, 00 3C 00 3F, ...) and
// RFC 4627 section 3, loosened to any ASCII first characters.
std::optional<encoding> detect_zero_pattern(std::string_view b) noexcept {
    if (b.size() < 4) return std::nullopt;
    const bool z0 = b[0] == '\0';
    const bool z1 = b[1] == '\0';
    const bool z2 = b[2] == '\0';
    const bool z3 = b[3] == '\0';
    if (z0 && z1 && z2 && !z3) return encoding::utf32be;
    if (!z0 && z1 && z2 && z3) return encoding::utf32le;
    if (z0 && !z1 && z2 && !z3) return encoding::utf16be;
    if (!z0 && z1 && !z2 && z3) return encoding::utf16le;
    return std::nullopt;
}

// The ASCII characters at the start of b read as code units of `e`, up to
// the first non-ASCII one; enough to hold an XML declaration.
std::string ascii_prefix(std::string_view b, encoding e) {
    constexpr std::size_t max_chars = 512;
    const std::size_t width = unit_width(e);
    const bool is_be = e == encoding::utf16be || e == encoding::utf32be;
    std::string out;
    for (std::size_t i = 0; i + width <= b.size() && out.size() < max_chars; i += width) {
        const std::uint32_t c = width == 1 ? byte_at(b, i) : read_unit(b, i, width, is_be);
        if (c == 0 || c >= 0x80) break;
        out += static_cast<char>(c);
    }
    return out;
}

// The encoding pseudo-attribute of an XML declaration ("<?xml version="1.0"
// encoding="koi8-r"?>"), if the text starts with one. Leading whitespace is
// tolerated because feeds often have it, though XML forbids it.
std::optional<std::string> declared_encoding(std::string_view s) {
    s = trim(s);
    if (s.substr(0, 5) != "<?xml" || s.size() < 6 || !is_ascii_space(s[5])) return std::nullopt;
    s.remove_prefix(5);
    s = s.substr(0, s.find("?>"));
    for (;;) {
        while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
        std::size_t name_end = 0;
        while (name_end < s.size() && s[name_end] != '=' && !is_ascii_space(s[name_end])) {
            ++name_end;
        }
        if (name_end == 0) return std::nullopt;
        const std::string_view name = s.substr(0, name_end);
        s.remove_prefix(name_end);
        while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
        if (s.empty() || s.front() != '=') return std::nullopt;
        s.remove_prefix(1);
        while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
        if (s.empty() || (s.front() != '"' && s.front() != '\'')) return std::nullopt;
        const char quote = s.front();
        s.remove_prefix(1);
        const std::size_t close = s.find(quote);
        if (close == std::string_view::npos) return std::nullopt;
        if (iequals(name, "encoding")) return std::string(s.substr(0, close));
        s.remove_prefix(close + 1);
    }
}

// ---------------------------------------------------------------------------
// Sniffing

// The ten most frequent Russian letters (о е а и н т с р в л, about two
// thirds of running text) at their lower-case positions in each code page.
// Lower case is 0xE0..0xFF in windows-1251 and 0xC0..0xDF in KOI8-R, so
// text in one code page scores high in its own set and low in the other.
constexpr std::array<unsigned char, 10> frequent_windows1251{0xEE, 0xE5, 0xE0, 0xE8, 0xED,
                                                             0xF2, 0xF1, 0xF0, 0xE2, 0xEB};
constexpr std::array<unsigned char, 10> frequent_koi8r{0xCF, 0xC5, 0xC1, 0xC9, 0xCE,
                                                       0xD4, 0xD3, 0xD2, 0xD7, 0xCC};

constexpr std::array<unsigned char, 256> make_frequency_mask() {
    std::array<unsigned char, 256> mask{};
    for (const unsigned char c : frequent_windows1251) mask[c] |= 1U;
    for (const unsigned char c : frequent_koi8r) mask[c] |= 2U;
    return mask;
}
constexpr std::array<unsigned char, 256> frequency_mask = make_frequency_mask();

// Chooses a code page for bytes that are not UTF-8. Cyrillic text in a
// single-byte code page is mostly high bytes in 0xC0..0xFF, the letter
// positions of both windows-1251 and KOI8-R, and few ASCII letters; Western
// text in windows-1252 has a few accented letters among many ASCII ones.
// ASCII letters inside tags (element and attribute names) are not counted,
// so markup does not dilute a Cyrillic feed's text.
encoding sniff_single_byte(std::string_view b) noexcept {
    std::size_t high = 0;
    std::size_t high_letters = 0;
    std::size_t ascii_letters = 0;
    std::size_t score_1251 = 0;
    std::size_t score_koi8 = 0;
    bool is_in_tag = false;
    for (std::size_t i = 0; i < b.size(); ++i) {
        const unsigned char c = byte_at(b, i);
        if (c < 0x80) {
            if (c == '<') {
                // CDATA holds text: skip only its opening.
                if (b.substr(i, 9) == "<![CDATA[") {
                    i += 8;
                } else {
                    is_in_tag = true;
                }
            } else if (c == '>') {
                is_in_tag = false;
            } else if (!is_in_tag && is_ascii_alpha(c)) {
                ++ascii_letters;
            }
            continue;
        }
        ++high;
        if (c >= 0xC0) ++high_letters;
        score_1251 += frequency_mask[c] & 1U;
        score_koi8 += (frequency_mask[c] >> 1) & 1U;
    }
    const std::size_t best = score_1251 >= score_koi8 ? score_1251 : score_koi8;
    const std::size_t other = score_1251 >= score_koi8 ? score_koi8 : score_1251;
    const bool is_cyrillic = high_letters * 10 >= high * 7         // mostly letter positions
                             && high_letters * 2 >= ascii_letters  // mostly non-ASCII text
                             && best >= 2 && best >= 2 * other     // one code page clearly fits
                             && best * 4 >= high_letters;          // like Russian letter frequency
    if (!is_cyrillic) return encoding::windows1252;
    return score_1251 >= score_koi8 ? encoding::windows1251 : encoding::koi8_r;
}

// (Mostly) valid UTF-8 stays UTF-8; anything else goes to the frequency test.
encoding sniff(std::string_view b, const utf8_stats& st) noexcept {
    return is_mostly_utf8(st) ? encoding::utf8 : sniff_single_byte(b);
}

// ---------------------------------------------------------------------------
// Decision bookkeeping

enum class source { declaration, http, meta };

struct rejected_label {
    source from;
    std::string label;
    bool is_unknown;
};

std::string describe(const rejected_label& r, encoding used) {
    const std::string where = r.from == source::declaration ? "the XML declaration"
                              : r.from == source::http      ? "the HTTP charset"
                                                            : "the meta charset";
    std::string w;
    if (r.is_unknown) {
        w = "unknown encoding \"" + r.label + "\" in " + where;
    } else if (r.from != source::http) {
        w = "declared encoding " + r.label + " does not match the bytes";
    } else {
        w = "HTTP charset " + r.label + " does not match the bytes";
    }
    w += "; decoded as ";
    w += encoding_name(used);
    return w;
}

void finish(decoded_text& out, std::string_view body, bool is_valid_utf8_body,
            const std::vector<rejected_label>& rejected) {
    if (out.used == encoding::utf8 && is_valid_utf8_body) {
        out.utf8.assign(body);  // validated already: copy once
    } else {
        out.utf8 = decode_to_utf8(body, out.used, &out.replaced);
    }
    // More BOMs after the first (a UTF-8 one inside UTF-16, files joined by
    // a careless script): the result must not start with one.
    std::size_t boms = 0;
    while (std::string_view(out.utf8).substr(boms, 3) == utf8_bom) boms += 3;
    out.utf8.erase(0, boms);
    for (const auto& r : rejected) out.warnings.push_back(describe(r, out.used));
}

struct labelled {
    source from;
    std::string label;
};

std::string_view how_of(source from) noexcept {
    switch (from) {
        case source::declaration:
            return "xml-declaration";
        case source::http:
            return "http-charset";
        case source::meta:
            return "meta-charset";
    }
    return "sniffed";
}

// Chooses the encoding of an ASCII-compatible document: the first label the
// bytes do not plainly contradict, else sniffing. Returns whether the body
// is valid UTF-8 (so that finish() can copy it instead of decoding).
bool decide_ascii_compatible(std::string_view body, const std::vector<labelled>& candidates,
                             decoded_text& out, std::vector<rejected_label>& rejected) {
    // Statistics only when the fast validation fails or a code page is
    // declared: the common valid UTF-8 document is scanned once.
    const bool is_valid_body = utf8_valid_prefix(body) == body.size();
    std::optional<utf8_stats> stats;
    const auto get_stats = [&]() -> const utf8_stats& {
        if (!stats) stats = scan_utf8(body);
        return *stats;
    };
    for (const auto& [from, label] : candidates) {
        const auto e = lookup_encoding(label);
        bool is_plausible = false;
        if (e && *e == encoding::utf8) {
            is_plausible = is_valid_body || is_plausible_declared_utf8(get_stats());
        } else if (e && unit_width(*e) == 1) {
            // A code page label on well-formed UTF-8 (a WordPress feed
            // saying ISO-8859-1): no Cyrillic or Western text forms
            // multi-byte sequences by accident. A UTF-16/32 label on
            // ASCII-compatible bytes is never plausible. A partial scan
            // has already shown the text is not mostly UTF-8.
            const utf8_stats st = stats ? *stats : scan_utf8(body, true);
            if (!st.is_partial) stats = st;
            is_plausible = st.multibyte == 0 || !is_mostly_utf8(st);
        }
        if (is_plausible) {
            out.used = *e;
            out.how = how_of(from);
            return is_valid_body;
        }
        rejected.push_back({from, printable_label(label), !e});
    }
    out.used = is_valid_body ? encoding::utf8 : sniff(body, get_stats());
    out.how = (candidates.empty() && is_valid_body) ? "default" : "sniffed";
    return is_valid_body;
}

// The charset a <meta> element in the first bytes of an HTML page declares
// (HTML standard, "prescan a byte stream to determine its encoding", read
// with the tokenizer instead of the byte-level state machine): <meta
// charset> or <meta http-equiv="content-type" content="...; charset=...">.
std::optional<std::string> meta_charset(std::string_view body) {
    // The standard looks at 1024 bytes; pages with long inline styles or
    // scripts before the meta element are common enough to look further.
    constexpr std::size_t prescan_bytes = 8192;
    html_tokenizer tokenizer(body.substr(0, prescan_bytes));
    for (;;) {
        const html_token& t = tokenizer.next_token();
        if (t.kind == html_token_kind::end_of_input) return std::nullopt;
        if (t.kind != html_token_kind::start_tag) continue;
        if (t.name == "body") return std::nullopt;
        if (t.name != "meta") continue;
        if (const auto c = t.attribute("charset"); c && !trim(*c).empty()) {
            return std::string(trim(*c));
        }
        const auto equiv = t.attribute("http-equiv");
        const auto content = t.attribute("content");
        if (equiv && content && iequals(trim(*equiv), "content-type")) {
            std::string c = charset_from_content_type(*content);
            if (!c.empty()) return c;
        }
    }
}

}  // namespace

// ---------------------------------------------------------------------------
// Public API

std::string_view encoding_name(encoding e) {
    switch (e) {
        case encoding::utf8:
            return "utf-8";
        case encoding::utf16le:
            return "utf-16le";
        case encoding::utf16be:
            return "utf-16be";
        case encoding::utf32le:
            return "utf-32le";
        case encoding::utf32be:
            return "utf-32be";
        case encoding::us_ascii:
            return "us-ascii";
        case encoding::iso8859_1:
            return "iso-8859-1";
        case encoding::iso8859_2:
            return "iso-8859-2";
        case encoding::iso8859_3:
            return "iso-8859-3";
        case encoding::iso8859_4:
            return "iso-8859-4";
        case encoding::iso8859_5:
            return "iso-8859-5";
        case encoding::iso8859_6:
            return "iso-8859-6";
        case encoding::iso8859_7:
            return "iso-8859-7";
        case encoding::iso8859_8:
            return "iso-8859-8";
        case encoding::iso8859_9:
            return "iso-8859-9";
        case encoding::iso8859_10:
            return "iso-8859-10";
        case encoding::iso8859_11:
            return "iso-8859-11";
        case encoding::iso8859_13:
            return "iso-8859-13";
        case encoding::iso8859_14:
            return "iso-8859-14";
        case encoding::iso8859_15:
            return "iso-8859-15";
        case encoding::iso8859_16:
            return "iso-8859-16";
        case encoding::windows1250:
            return "windows-1250";
        case encoding::windows1251:
            return "windows-1251";
        case encoding::windows1252:
            return "windows-1252";
        case encoding::windows1253:
            return "windows-1253";
        case encoding::windows1254:
            return "windows-1254";
        case encoding::windows1255:
            return "windows-1255";
        case encoding::windows1256:
            return "windows-1256";
        case encoding::windows1257:
            return "windows-1257";
        case encoding::windows1258:
            return "windows-1258";
        case encoding::koi8_r:
            return "koi8-r";
        case encoding::koi8_u:
            return "koi8-u";
        case encoding::ibm866:
            return "ibm866";
        case encoding::x_mac_cyrillic:
            return "x-mac-cyrillic";
        case encoding::gb18030:
            return "gb18030";
        case encoding::big5:
            return "big5";
        case encoding::euc_jp:
            return "euc-jp";
        case encoding::iso2022_jp:
            return "iso-2022-jp";
        case encoding::shift_jis:
            return "shift_jis";
        case encoding::euc_kr:
            return "euc-kr";
    }
    return "utf-8";
}

std::optional<encoding> lookup_encoding(std::string_view label) {
    std::array<char, max_label_length> buffer{};
    const std::size_t n = loose_key(trim(label), buffer);
    if (n == 0) return std::nullopt;
    const std::string_view key(buffer.data(), n);
    for (const auto& entry : labels) {
        if (entry.key == key) return entry.value;
    }
    return std::nullopt;
}

bool is_valid_utf8(std::string_view bytes) noexcept {
    return utf8_valid_prefix(bytes) == bytes.size();
}

std::string sanitize_utf8(std::string_view bytes, std::size_t* replaced) {
    std::size_t valid = utf8_valid_prefix(bytes);
    if (valid == bytes.size()) return std::string(bytes);  // one validation, one copy
    std::string out;
    out.reserve(bytes.size() + 16);
    std::size_t count = 0;
    std::size_t i = 0;
    for (;;) {
        out.append(bytes.data() + i, valid);
        i += valid;
        if (i == bytes.size()) break;
        out += replacement_utf8;
        ++count;
        i += utf8_invalid_length(bytes, i);
        valid = utf8_valid_prefix(bytes.substr(i));
    }
    if (replaced != nullptr) *replaced += count;
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    const auto c = static_cast<std::uint32_t>(cp);
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0U | (c >> 6));
        out += static_cast<char>(0x80U | (c & 0x3FU));
    } else if (c < 0x10000) {
        if (c >= 0xD800 && c <= 0xDFFF) {
            out += replacement_utf8;
            return;
        }
        out += static_cast<char>(0xE0U | (c >> 12));
        out += static_cast<char>(0x80U | ((c >> 6) & 0x3FU));
        out += static_cast<char>(0x80U | (c & 0x3FU));
    } else if (c <= 0x10FFFF) {
        out += static_cast<char>(0xF0U | (c >> 18));
        out += static_cast<char>(0x80U | ((c >> 12) & 0x3FU));
        out += static_cast<char>(0x80U | ((c >> 6) & 0x3FU));
        out += static_cast<char>(0x80U | (c & 0x3FU));
    } else {
        out += replacement_utf8;
    }
}

std::string decode_to_utf8(std::string_view bytes, encoding e, std::size_t* replaced) {
    std::string out;
    std::size_t count = 0;
    switch (e) {
        case encoding::utf8:
            out = sanitize_utf8(bytes, &count);
            break;
        case encoding::utf16le:
        case encoding::utf16be:
            decode_utf16(bytes, e == encoding::utf16be, out, count);
            break;
        case encoding::utf32le:
        case encoding::utf32be:
            decode_utf32(bytes, e == encoding::utf32be, out, count);
            break;
        default:
            if (const auto* table = detail::single_byte_table(e)) {
                decode_single_byte(bytes, *table, out, count);
            } else if (const char* name = iconv_name(e)) {
                decode_with_iconv(bytes, name, out, count);
            } else {
                out = sanitize_utf8(bytes, &count);
            }
            break;
    }
    if (replaced != nullptr) *replaced += count;
    return out;
}

decoded_text decode_xml_document(std::string_view bytes, std::string_view http_charset) {
    decoded_text out;
    std::vector<rejected_label> rejected;
    const std::optional<bom_match> bom = detect_bom(bytes);
    const std::string_view body = bom ? bytes.substr(bom->length) : bytes;
    // UTF-8 stands for "8-bit, ASCII-compatible": the family to read the
    // declaration in. has_pattern: UTF-16/32 recognised without a BOM.
    const encoding family = bom ? bom->value : detect_zero_pattern(body).value_or(encoding::utf8);
    const bool has_pattern = !bom && family != encoding::utf8;
    const std::optional<std::string> declared = declared_encoding(ascii_prefix(body, family));
    const std::string_view http = trim(http_charset);
    bool is_valid_body = false;

    if (bom) {
        // The BOM is unambiguous; a declaration in another code unit size
        // contradicts it (XML 1.0 section 4.3.3 calls that an error).
        out.used = bom->value;
        out.how = "bom";
        if (declared) {
            const auto e = lookup_encoding(*declared);
            const bool is_consistent =
                !e || (bom->value == encoding::utf8 ? *e == encoding::utf8
                                                    : unit_width(*e) == unit_width(bom->value));
            if (!is_consistent) {
                out.warnings.push_back("declared encoding " + printable_label(*declared) +
                                       " contradicts the byte order mark; decoded as " +
                                       std::string(encoding_name(bom->value)));
            }
        }
    } else if (has_pattern) {
        // UTF-16/32 without a BOM: the zero bytes fix the code unit size and
        // byte order; a label can only agree (UTF-16 for UTF-16) or be wrong.
        out.used = family;
        out.how = "sniffed";
        if (declared) {
            const auto e = lookup_encoding(*declared);
            if (e && unit_width(*e) == unit_width(family)) {
                out.how = "xml-declaration";
            } else {
                rejected.push_back({source::declaration, printable_label(*declared), !e});
            }
        } else if (!http.empty()) {
            const auto e = lookup_encoding(http);
            if (e && unit_width(*e) == unit_width(family)) {
                out.how = "http-charset";
            } else {
                rejected.push_back({source::http, printable_label(http), !e});
            }
        }
    } else {
        // An ASCII-compatible document: try the declaration, then the HTTP
        // charset, skipping any the bytes plainly contradict.
        std::vector<labelled> labels;
        if (declared) labels.push_back({source::declaration, *declared});
        if (!http.empty()) labels.push_back({source::http, std::string(http)});
        is_valid_body = decide_ascii_compatible(body, labels, out, rejected);
    }

    finish(out, body, is_valid_body, rejected);
    const std::size_t removed = replace_xml_controls(out.utf8);
    if (removed > 0) {
        out.warnings.push_back("replaced " + std::to_string(removed) +
                               " control characters with spaces");
    }
    return out;
}

decoded_text decode_html_document(std::string_view bytes, std::string_view http_charset) {
    decoded_text out;
    std::vector<rejected_label> rejected;
    const std::optional<bom_match> bom = detect_bom(bytes);
    const std::string_view body = bom ? bytes.substr(bom->length) : bytes;
    bool is_valid_body = false;
    if (bom) {
        out.used = bom->value;
        out.how = "bom";
    } else if (const auto pattern = detect_zero_pattern(body)) {
        out.used = *pattern;
        out.how = "sniffed";
    } else {
        // HTML standard, "determining the character encoding": the transport
        // layer's charset before the page's own <meta>.
        std::vector<labelled> labels;
        const std::string_view http = trim(http_charset);
        if (!http.empty()) labels.push_back({source::http, std::string(http)});
        if (auto meta = meta_charset(body)) labels.push_back({source::meta, std::move(*meta)});
        is_valid_body = decide_ascii_compatible(body, labels, out, rejected);
    }
    finish(out, body, is_valid_body, rejected);
    return out;
}

decoded_text decode_json_document(std::string_view bytes, std::string_view http_charset) {
    decoded_text out;
    std::vector<rejected_label> rejected;
    const std::optional<bom_match> bom = detect_bom(bytes);
    const std::string_view body = bom ? bytes.substr(bom->length) : bytes;
    const std::string_view http = trim(http_charset);
    bool is_valid_body = false;

    if (bom) {
        out.used = bom->value;
        out.how = "bom";
    } else if (const auto pattern = detect_zero_pattern(body)) {
        out.used = *pattern;
        out.how = "sniffed";
    } else {
        // RFC 8259 section 8.1: JSON exchanged between systems is UTF-8, so a
        // charset parameter only gets a say when the bytes are not UTF-8.
        const utf8_stats st = scan_utf8(body);
        is_valid_body = st.invalid == 0;
        const std::optional<encoding> e = lookup_encoding(http);  // none when empty
        if (is_mostly_utf8(st)) {
            out.used = encoding::utf8;
            out.how = "default";
            const bool is_contradicted =
                !e || unit_width(*e) != 1 || (*e != encoding::utf8 && st.multibyte > 0);
            if (!http.empty() && is_contradicted) {
                rejected.push_back({source::http, printable_label(http), !e});
            }
        } else if (e && unit_width(*e) == 1 && *e != encoding::utf8) {
            out.used = *e;
            out.how = "http-charset";
            out.warnings.push_back("JSON is not UTF-8 (RFC 8259 section 8.1); decoded as " +
                                   std::string(encoding_name(*e)) + " as the HTTP charset says");
        } else {
            out.used = sniff_single_byte(body);
            out.how = "sniffed";
            if (http.empty()) {
                out.warnings.push_back("JSON is not UTF-8 (RFC 8259 section 8.1); decoded as " +
                                       std::string(encoding_name(out.used)));
            } else {
                rejected.push_back({source::http, printable_label(http), !e});
            }
        }
    }
    finish(out, body, is_valid_body, rejected);
    return out;
}

std::string charset_from_content_type(std::string_view content_type) {
    // RFC 9110 section 5.6.6: parameters are `;`-separated name=value pairs
    // with optional whitespace; names are case-insensitive; values are a
    // token or a quoted-string with backslash escapes.
    std::string_view s = content_type;
    const auto skip_space = [&s] {
        while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
    };
    for (;;) {
        // Skip to the next parameter; the media type itself has no '='.
        std::size_t semi = 0;
        while (semi < s.size() && s[semi] != ';') {
            if (s[semi] == '"') {
                ++semi;
                while (semi < s.size() && s[semi] != '"') semi += s[semi] == '\\' ? 2U : 1U;
            }
            if (semi < s.size()) ++semi;
        }
        if (semi >= s.size()) return {};
        s.remove_prefix(semi + 1);
        skip_space();
        std::size_t name_end = 0;
        while (name_end < s.size() && s[name_end] != '=' && s[name_end] != ';' &&
               !is_ascii_space(s[name_end])) {
            ++name_end;
        }
        const std::string_view name = s.substr(0, name_end);
        s.remove_prefix(name_end);
        skip_space();
        if (s.empty() || s.front() != '=') continue;
        s.remove_prefix(1);
        skip_space();
        std::string value;
        if (!s.empty() && s.front() == '"') {
            s.remove_prefix(1);
            while (!s.empty() && s.front() != '"') {
                if (s.front() == '\\' && s.size() > 1) s.remove_prefix(1);
                value += s.front();
                s.remove_prefix(1);
            }
            if (!s.empty()) s.remove_prefix(1);
        } else {
            std::size_t end = 0;
            while (end < s.size() && s[end] != ';' && !is_ascii_space(s[end])) ++end;
            value.assign(s.substr(0, end));
            s.remove_prefix(end);
        }
        if (iequals(name, "charset")) return std::string(trim(value));
    }
}

}  // namespace feedwire::feeds
