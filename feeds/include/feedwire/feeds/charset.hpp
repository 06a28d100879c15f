// Character set detection and decoding to UTF-8. Pure: bytes in, UTF-8 out.
//
// Supported encodings: UTF-8, UTF-16LE/BE, UTF-32LE/BE, US-ASCII,
// ISO-8859-1..16 (except 12), windows-1250..1258, KOI8-R, KOI8-U, IBM866,
// x-mac-cyrillic through lookup tables; GB18030, Big5, EUC-JP, ISO-2022-JP,
// Shift_JIS and EUC-KR through the C library's iconv, once per document,
// as the WHATWG Encoding Standard reads them (gb2312 and GBK with GB18030's
// decoder, Shift_JIS as windows-31j, EUC-KR as windows-949, Big5 with
// HKSCS).
// Labels follow the WHATWG Encoding Standard's list (case-
// and whitespace-insensitive; "latin1", "cp1251", "utf8", ...).
//
// Invalid byte sequences are replaced with U+FFFD, never passed through.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds {

enum class encoding {
    utf8,
    utf16le,
    utf16be,
    utf32le,
    utf32be,
    us_ascii,
    iso8859_1,
    iso8859_2,
    iso8859_3,
    iso8859_4,
    iso8859_5,
    iso8859_6,
    iso8859_7,
    iso8859_8,
    iso8859_9,
    iso8859_10,
    iso8859_11,
    iso8859_13,
    iso8859_14,
    iso8859_15,
    iso8859_16,
    windows1250,
    windows1251,
    windows1252,
    windows1253,
    windows1254,
    windows1255,
    windows1256,
    windows1257,
    windows1258,
    koi8_r,
    koi8_u,
    ibm866,
    x_mac_cyrillic,
    gb18030,
    big5,
    euc_jp,
    iso2022_jp,
    shift_jis,
    euc_kr,
};

// The last enumerator, for loops over every encoding.
inline constexpr encoding last_encoding = encoding::euc_kr;

// Canonical lower-case name ("utf-8", "windows-1251", "koi8-r", ...).
std::string_view encoding_name(encoding e);

// Looks up a label as found in an HTTP charset or an XML declaration.
std::optional<encoding> lookup_encoding(std::string_view label);

struct decoded_text {
    std::string utf8;  // the document as UTF-8, BOM removed
    encoding used = encoding::utf8;
    std::string how;           // "bom", "xml-declaration", "http-charset", "sniffed", "default"
    std::size_t replaced = 0;  // invalid sequences replaced by U+FFFD
    std::vector<std::string> warnings;  // e.g. declared encoding wrong, unknown label
};

// Decodes an XML document. Precedence: byte order mark, then the encoding
// in the XML declaration, then the HTTP charset parameter. When none is
// given, or the given one is unknown or plainly wrong (declared UTF-8 but
// the bytes are not UTF-8), the bytes are sniffed: valid UTF-8 stays UTF-8,
// otherwise a Cyrillic frequency test chooses between windows-1251, KOI8-R
// and windows-1252. The XML declaration's encoding attribute in the output
// is left as is; callers parse the result as UTF-8.
decoded_text decode_xml_document(std::string_view bytes, std::string_view http_charset);

// Decodes an HTML page (HTML standard, "determining the character
// encoding"): byte order mark, then the HTTP charset parameter, then a
// <meta charset> or <meta http-equiv="Content-Type"> in the page's first
// 8 KiB; a label the bytes plainly contradict is skipped with a warning,
// and without a usable label the bytes are sniffed as for XML.
decoded_text decode_html_document(std::string_view bytes, std::string_view http_charset);

// Decodes a JSON document (RFC 8259: UTF-8, or UTF-16/32 recognised by BOM
// or by the zero-byte pattern of the first characters).
decoded_text decode_json_document(std::string_view bytes, std::string_view http_charset);

// Decodes bytes known to be in `e`; counts replaced sequences in *replaced.
std::string decode_to_utf8(std::string_view bytes, encoding e, std::size_t* replaced = nullptr);

// Replaces every invalid UTF-8 sequence (overlong forms, surrogates, code
// points above U+10FFFF, truncated sequences) with U+FFFD.
std::string sanitize_utf8(std::string_view bytes, std::size_t* replaced = nullptr);

bool is_valid_utf8(std::string_view bytes) noexcept;

// Appends the UTF-8 form of a code point; invalid ones become U+FFFD.
void append_utf8(std::string& out, char32_t cp);

// Extracts the charset parameter from a Content-Type value
// ("text/xml; charset=\"windows-1251\"" -> "windows-1251").
std::string charset_from_content_type(std::string_view content_type);

}  // namespace feedwire::feeds
