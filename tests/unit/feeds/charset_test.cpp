// Charset detection and decoding: the precedence of BOM, XML declaration and
// HTTP charset; fallbacks when a label is wrong; sniffing of undeclared
// Cyrillic and Western code pages; UTF-8/16 sanitizing. Byte strings in
// legacy code pages are spelled out in hex (generated with Python's codecs)
// so the test does not depend on the encoder under test.
#include <feedwire/feeds/charset.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

// "Москва" in each encoding.
constexpr std::string_view moscow_utf8 = "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0";
constexpr std::string_view moscow_1251 = "\xCC\xEE\xF1\xEA\xE2\xE0";
constexpr std::string_view moscow_koi8r = "\xED\xCF\xD3\xCB\xD7\xC1";

// "Москва - столица России. Новости дня: погода и события в городе."
constexpr std::string_view sentence_utf8 =
    "Москва - столица России. Новости дня: погода и события в городе.";
constexpr std::string_view sentence_1251 =
    "\xCC\xEE\xF1\xEA\xE2\xE0 - \xF1\xF2\xEE\xEB\xE8\xF6\xE0 \xD0\xEE\xF1\xF1\xE8\xE8. "
    "\xCD\xEE\xE2\xEE\xF1\xF2\xE8 \xE4\xED\xFF: \xEF\xEE\xE3\xEE\xE4\xE0 \xE8 "
    "\xF1\xEE\xE1\xFB\xF2\xE8\xFF \xE2 \xE3\xEE\xF0\xEE\xE4\xE5.";
constexpr std::string_view sentence_koi8r =
    "\xED\xCF\xD3\xCB\xD7\xC1 - \xD3\xD4\xCF\xCC\xC9\xC3\xC1 \xF2\xCF\xD3\xD3\xC9\xC9. "
    "\xEE\xCF\xD7\xCF\xD3\xD4\xC9 \xC4\xCE\xD1: \xD0\xCF\xC7\xCF\xC4\xC1 \xC9 "
    "\xD3\xCF\xC2\xD9\xD4\xC9\xD1 \xD7 \xC7\xCF\xD2\xCF\xC4\xC5.";

constexpr std::string_view fffd = "\xEF\xBF\xBD";

std::string rss(std::string_view declaration, std::string_view title) {
    return std::string(declaration) + "<rss><channel><title>" + std::string(title) +
           "</title></channel></rss>";
}

std::string xml_decl(std::string_view encoding) {
    return "<?xml version=\"1.0\" encoding=\"" + std::string(encoding) + "\"?>";
}

std::string utf16(std::u16string_view text, bool is_be) {
    std::string out;
    for (const char16_t c : text) {
        const auto hi = static_cast<char>(static_cast<unsigned>(c) >> 8);
        const auto lo = static_cast<char>(static_cast<unsigned>(c) & 0xFFU);
        out += is_be ? hi : lo;
        out += is_be ? lo : hi;
    }
    return out;
}

std::string utf32le(std::u32string_view text) {
    std::string out;
    for (const char32_t c : text) {
        for (unsigned shift = 0; shift < 32; shift += 8) {
            out += static_cast<char>((static_cast<std::uint32_t>(c) >> shift) & 0xFFU);
        }
    }
    return out;
}

std::string sanitized(std::string_view bytes, std::size_t* replaced = nullptr) {
    return sanitize_utf8(bytes, replaced);
}

// --- labels and Content-Type ------------------------------------------------

TEST(Charset, EncodingNamesAreCanonical) {
    EXPECT_EQ(encoding_name(encoding::utf8), "utf-8");
    EXPECT_EQ(encoding_name(encoding::utf16be), "utf-16be");
    EXPECT_EQ(encoding_name(encoding::windows1251), "windows-1251");
    EXPECT_EQ(encoding_name(encoding::koi8_r), "koi8-r");
    EXPECT_EQ(encoding_name(encoding::iso8859_15), "iso-8859-15");
    EXPECT_EQ(encoding_name(encoding::x_mac_cyrillic), "x-mac-cyrillic");
}

TEST(Charset, LooksUpWhatwgLabelsAndCommonAliases) {
    EXPECT_EQ(lookup_encoding("utf8"), encoding::utf8);
    EXPECT_EQ(lookup_encoding("unicode-1-1-utf-8"), encoding::utf8);
    EXPECT_EQ(lookup_encoding("  UTF-8\t"), encoding::utf8);
    EXPECT_EQ(lookup_encoding("cp1251"), encoding::windows1251);
    EXPECT_EQ(lookup_encoding("x-cp1251"), encoding::windows1251);
    EXPECT_EQ(lookup_encoding("Windows-1251"), encoding::windows1251);
    EXPECT_EQ(lookup_encoding("win-1251"), encoding::windows1251);
    EXPECT_EQ(lookup_encoding("koi8r"), encoding::koi8_r);
    EXPECT_EQ(lookup_encoding("KOI8-R"), encoding::koi8_r);
    EXPECT_EQ(lookup_encoding("koi8"), encoding::koi8_r);
    EXPECT_EQ(lookup_encoding("cskoi8r"), encoding::koi8_r);
    EXPECT_EQ(lookup_encoding("koi8-u"), encoding::koi8_u);
    EXPECT_EQ(lookup_encoding("iso_8859-5"), encoding::iso8859_5);
    EXPECT_EQ(lookup_encoding("8859_5"), encoding::iso8859_5);
    EXPECT_EQ(lookup_encoding("ISO-8859-15"), encoding::iso8859_15);
    EXPECT_EQ(lookup_encoding("utf-16"), encoding::utf16le);
    EXPECT_EQ(lookup_encoding("UTF-16BE"), encoding::utf16be);
    EXPECT_EQ(lookup_encoding("ibm866"), encoding::ibm866);
}

TEST(Charset, Latin1AndAsciiLabelsMeanWindows1252) {
    for (const auto* label : {"latin1", "iso-8859-1", "ISO_8859-1", "l1", "cp1252", "windows-1252",
                              "us-ascii", "ascii", "latin-1"}) {
        EXPECT_EQ(lookup_encoding(label), encoding::windows1252) << label;
    }
    EXPECT_EQ(lookup_encoding("iso-8859-9"), encoding::windows1254);
}

TEST(Charset, LookupRejectsUnknownLabels) {
    EXPECT_FALSE(lookup_encoding(""));
    EXPECT_FALSE(lookup_encoding("   "));
    EXPECT_FALSE(lookup_encoding("x-klingon"));
    EXPECT_FALSE(lookup_encoding("utf-9"));
    EXPECT_FALSE(lookup_encoding(std::string(500, 'a')));
}

TEST(Charset, ExtractsCharsetFromContentType) {
    EXPECT_EQ(charset_from_content_type("text/xml; charset=\"windows-1251\""), "windows-1251");
    EXPECT_EQ(charset_from_content_type("application/rss+xml;charset=UTF-8"), "UTF-8");
    EXPECT_EQ(charset_from_content_type("text/xml; format=flowed; Charset = koi8-r "), "koi8-r");
    EXPECT_EQ(charset_from_content_type("text/xml;CHARSET='x'"), "'x'");
    EXPECT_EQ(charset_from_content_type("text/xml; foo=\"a;charset=x\"; charset=utf-8"), "utf-8");
    EXPECT_EQ(charset_from_content_type("text/xml; charset=\"a\\\"b\""), "a\"b");
    EXPECT_EQ(charset_from_content_type("text/xml"), "");
    EXPECT_EQ(charset_from_content_type("text/xml; xcharset=koi8-r"), "");
    EXPECT_EQ(charset_from_content_type("text/xml; charset="), "");
    EXPECT_EQ(charset_from_content_type("text/xml; charset=\"unterminated"), "unterminated");
    EXPECT_EQ(charset_from_content_type(""), "");
}

// --- precedence ---------------------------------------------------------------

TEST(Charset, DecodesDeclaredWindows1251) {
    const auto d = decode_xml_document(rss(xml_decl("windows-1251"), moscow_1251), "");
    EXPECT_EQ(d.utf8, rss(xml_decl("windows-1251"), moscow_utf8));
    EXPECT_EQ(d.used, encoding::windows1251);
    EXPECT_EQ(d.how, "xml-declaration");
    EXPECT_TRUE(d.warnings.empty());
    EXPECT_EQ(d.replaced, 0U);
}

TEST(Charset, DecodesKoi8rFromHttpCharset) {
    const auto d = decode_xml_document(rss("", moscow_koi8r), "KOI8-R");
    EXPECT_EQ(d.utf8, rss("", moscow_utf8));
    EXPECT_EQ(d.used, encoding::koi8_r);
    EXPECT_EQ(d.how, "http-charset");
    EXPECT_TRUE(d.warnings.empty());
}

TEST(Charset, DeclarationWinsOverHttpCharset) {
    const auto d = decode_xml_document(rss(xml_decl("windows-1251"), moscow_1251), "utf-8");
    EXPECT_EQ(d.used, encoding::windows1251);
    EXPECT_EQ(d.how, "xml-declaration");
    EXPECT_EQ(d.utf8, rss(xml_decl("windows-1251"), moscow_utf8));
}

TEST(Charset, BomOverridesDeclaration) {
    const auto d =
        decode_xml_document("\xEF\xBB\xBF"s + rss(xml_decl("windows-1251"), moscow_utf8), "koi8-r");
    EXPECT_EQ(d.used, encoding::utf8);
    EXPECT_EQ(d.how, "bom");
    EXPECT_EQ(d.utf8, rss(xml_decl("windows-1251"), moscow_utf8));  // BOM removed
    ASSERT_EQ(d.warnings.size(), 1U);
    EXPECT_EQ(d.warnings[0],
              "declared encoding windows-1251 contradicts the byte order mark; decoded as utf-8");
}

TEST(Charset, DecodesUtf16leWithBom) {
    const std::u16string doc = u"<?xml version=\"1.0\" encoding=\"UTF-16\"?><t>Москва</t>";
    const auto d = decode_xml_document("\xFF\xFE"s + utf16(doc, false), "");
    EXPECT_EQ(d.used, encoding::utf16le);
    EXPECT_EQ(d.how, "bom");
    EXPECT_EQ(d.utf8, "<?xml version=\"1.0\" encoding=\"UTF-16\"?><t>Москва</t>");
    EXPECT_TRUE(d.warnings.empty());
}

TEST(Charset, ReadsDeclarationOfUtf16beWithoutBom) {
    const std::u16string doc = u"<?xml version=\"1.0\" encoding=\"UTF-16\"?><t>Москва</t>";
    const auto d = decode_xml_document(utf16(doc, true), "windows-1251");
    EXPECT_EQ(d.used, encoding::utf16be);
    EXPECT_EQ(d.how, "xml-declaration");
    EXPECT_EQ(d.utf8, "<?xml version=\"1.0\" encoding=\"UTF-16\"?><t>Москва</t>");
    EXPECT_TRUE(d.warnings.empty());
}

TEST(Charset, RecognisesUtf32leWithoutBomOrDeclaration) {
    const auto d = decode_xml_document(utf32le(U"<t>Москва 😀</t>"), "");
    EXPECT_EQ(d.used, encoding::utf32le);
    EXPECT_EQ(d.how, "sniffed");
    EXPECT_EQ(d.utf8, "<t>Москва 😀</t>");
}

TEST(Charset, Utf16WithWrongDeclarationWarns) {
    const std::u16string doc = u"<?xml version=\"1.0\" encoding=\"windows-1251\"?><t>Москва</t>";
    const auto d = decode_xml_document(utf16(doc, false), "");
    EXPECT_EQ(d.used, encoding::utf16le);
    EXPECT_EQ(d.how, "sniffed");
    ASSERT_EQ(d.warnings.size(), 1U);
    EXPECT_EQ(d.warnings[0],
              "declared encoding windows-1251 does not match the bytes; decoded as utf-16le");
}

// --- fallbacks and sniffing -------------------------------------------------

TEST(Charset, SniffsUndeclaredKoi8r) {
    const auto d = decode_xml_document(rss("<?xml version=\"1.0\"?>", sentence_koi8r), "");
    EXPECT_EQ(d.used, encoding::koi8_r);
    EXPECT_EQ(d.how, "sniffed");
    EXPECT_EQ(d.utf8, rss("<?xml version=\"1.0\"?>", sentence_utf8));
}

TEST(Charset, SniffsUndeclaredWindows1251) {
    const auto d = decode_xml_document(rss("", sentence_1251), "");
    EXPECT_EQ(d.used, encoding::windows1251);
    EXPECT_EQ(d.how, "sniffed");
    EXPECT_EQ(d.utf8, rss("", sentence_utf8));
}

TEST(Charset, SniffsShortCyrillicWord) {
    EXPECT_EQ(decode_xml_document(rss("", moscow_1251), "").used, encoding::windows1251);
    EXPECT_EQ(decode_xml_document(rss("", moscow_koi8r), "").used, encoding::koi8_r);
}

TEST(Charset, SniffsUndeclaredWindows1252SmartQuotes) {
    const std::string_view title =
        "\x93"
        "Caf\xE9 cr\xE8me\x94 \x96 \xE0 la fran\xE7"
        "aise, \x80"
        "5";
    const auto d = decode_xml_document(rss("", title), "");
    EXPECT_EQ(d.used, encoding::windows1252);
    EXPECT_EQ(d.how, "sniffed");
    EXPECT_EQ(d.utf8, rss("", "“Café crème” – à la française, €5"));
}

TEST(Charset, DeclaredUtf8ButWindows1251FallsBackWithWarning) {
    const auto d = decode_xml_document(rss(xml_decl("utf-8"), sentence_1251), "");
    EXPECT_EQ(d.used, encoding::windows1251);
    EXPECT_EQ(d.how, "sniffed");
    EXPECT_EQ(d.utf8, rss(xml_decl("utf-8"), sentence_utf8));
    EXPECT_EQ(d.replaced, 0U);
    ASSERT_EQ(d.warnings.size(), 1U);
    EXPECT_EQ(d.warnings[0],
              "declared encoding utf-8 does not match the bytes; decoded as windows-1251");
}

TEST(Charset, HttpUtf8ButKoi8rFallsBackWithWarning) {
    const auto d = decode_xml_document(rss("", sentence_koi8r), "UTF-8");
    EXPECT_EQ(d.used, encoding::koi8_r);
    ASSERT_EQ(d.warnings.size(), 1U);
    EXPECT_EQ(d.warnings[0], "HTTP charset utf-8 does not match the bytes; decoded as koi8-r");
}

TEST(Charset, WrongDeclarationFallsBackToHttpCharset) {
    // Too short to sniff reliably: the HTTP charset is the better witness.
    const auto d = decode_xml_document(rss(xml_decl("utf-8"), moscow_koi8r), "koi8-r");
    EXPECT_EQ(d.used, encoding::koi8_r);
    EXPECT_EQ(d.how, "http-charset");
    EXPECT_EQ(d.utf8, rss(xml_decl("utf-8"), moscow_utf8));
    ASSERT_EQ(d.warnings.size(), 1U);
    EXPECT_EQ(d.warnings[0], "declared encoding utf-8 does not match the bytes; decoded as koi8-r");
}

TEST(Charset, Latin1LabelDecodesCp1252SmartQuotes) {
    const auto d = decode_xml_document(rss(xml_decl("ISO-8859-1"), "\x93Hi\x94 caf\xE9"), "");
    EXPECT_EQ(d.used, encoding::windows1252);
    EXPECT_EQ(d.how, "xml-declaration");
    EXPECT_EQ(d.utf8, rss(xml_decl("ISO-8859-1"), "“Hi” café"));
    EXPECT_TRUE(d.warnings.empty());
}

TEST(Charset, CodePageLabelOnUtf8BytesKeepsUtf8) {
    const auto d = decode_xml_document(rss(xml_decl("iso-8859-1"), "Café “Москва”"), "");
    EXPECT_EQ(d.used, encoding::utf8);
    EXPECT_EQ(d.utf8, rss(xml_decl("iso-8859-1"), "Café “Москва”"));
    ASSERT_EQ(d.warnings.size(), 1U);
    EXPECT_EQ(d.warnings[0],
              "declared encoding iso-8859-1 does not match the bytes; decoded as utf-8");
}

TEST(Charset, DeclaredUtf16OnAsciiBytesIsIgnored) {
    const auto d = decode_xml_document(rss(xml_decl("UTF-16"), "News"), "");
    EXPECT_EQ(d.used, encoding::utf8);
    EXPECT_EQ(d.utf8, rss(xml_decl("UTF-16"), "News"));
    ASSERT_EQ(d.warnings.size(), 1U);
    EXPECT_EQ(d.warnings[0], "declared encoding utf-16 does not match the bytes; decoded as utf-8");
}

TEST(Charset, UnknownLabelWarnsAndSniffs) {
    const auto d = decode_xml_document(rss(xml_decl("x-klingon"), sentence_1251), "");
    EXPECT_EQ(d.used, encoding::windows1251);
    ASSERT_EQ(d.warnings.size(), 1U);
    EXPECT_EQ(d.warnings[0],
              "unknown encoding \"x-klingon\" in the XML declaration; decoded as windows-1251");

    const auto h = decode_xml_document(rss("", "plain"), "bogus");
    EXPECT_EQ(h.used, encoding::utf8);
    ASSERT_EQ(h.warnings.size(), 1U);
    EXPECT_EQ(h.warnings[0], "unknown encoding \"bogus\" in the HTTP charset; decoded as utf-8");
}

TEST(Charset, UndeclaredUtf8IsTheDefault) {
    const auto d = decode_xml_document(rss("<?xml version=\"1.0\"?>", sentence_utf8), "");
    EXPECT_EQ(d.used, encoding::utf8);
    EXPECT_EQ(d.how, "default");
    EXPECT_EQ(d.utf8, rss("<?xml version=\"1.0\"?>", sentence_utf8));
    EXPECT_TRUE(d.warnings.empty());
}

TEST(Charset, MostlyUtf8WithOneBadByteStaysUtf8) {
    const std::string title = std::string(sentence_utf8) + " \xE9 ";
    const auto d = decode_xml_document(rss(xml_decl("utf-8"), title), "");
    EXPECT_EQ(d.used, encoding::utf8);
    EXPECT_EQ(d.how, "xml-declaration");
    EXPECT_EQ(d.replaced, 1U);
    EXPECT_EQ(d.utf8, rss(xml_decl("utf-8"), std::string(sentence_utf8) + " \uFFFD "));
    EXPECT_TRUE(d.warnings.empty());
}

TEST(Charset, EmptyDocumentIsEmptyUtf8) {
    const auto d = decode_xml_document("", "");
    EXPECT_EQ(d.utf8, "");
    EXPECT_EQ(d.used, encoding::utf8);
    EXPECT_EQ(d.how, "default");
}

// --- control characters -------------------------------------------------------

TEST(Charset, ReplacesXmlInvalidControlCharactersWithSpaces) {
    const auto d = decode_xml_document(
        "<t>a\x01"
        "b\x0B\x0C\tc\r\n\x1F"
        "d\x7F</t>",
        "");
    EXPECT_EQ(d.utf8, "<t>a b  \tc\r\n d\x7F</t>");
    ASSERT_EQ(d.warnings.size(), 1U);
    EXPECT_EQ(d.warnings[0], "replaced 4 control characters with spaces");

    const auto w =
        decode_xml_document("\xFF\xFE"s + utf16(u"<t>\u0002Москва\u001F</t>", false), "");
    EXPECT_EQ(w.utf8, "<t> Москва </t>");
    EXPECT_EQ(w.warnings, std::vector<std::string>{"replaced 2 control characters with spaces"});
}

TEST(Charset, GenericDecodingKeepsControlCharacters) {
    EXPECT_EQ(decode_to_utf8("a\x01\x00"
                             "b"sv,
                             encoding::windows1251),
              "a\x01\x00"
              "b"s);
    EXPECT_EQ(sanitized("a\x01\x00"
                        "b"sv),
              "a\x01\x00"
              "b"s);
}

// --- single-byte tables -------------------------------------------------------

TEST(Charset, DecodesIsoSamples) {
    EXPECT_EQ(decode_to_utf8("\xA3\xF3"
                             "d\xBC",
                             encoding::iso8859_2),
              "Łódź");
    EXPECT_EQ(decode_to_utf8("\xC1\xE8\xDE\xED\xE1", encoding::iso8859_7), "Αθήνα");
    EXPECT_EQ(decode_to_utf8("\xA4 \xBD \xA6", encoding::iso8859_15), "€ œ Š");
    EXPECT_EQ(decode_to_utf8(moscow_1251, encoding::windows1251), moscow_utf8);
    EXPECT_EQ(decode_to_utf8(moscow_koi8r, encoding::koi8_r), moscow_utf8);
    // "Привет" in IBM866; KOI8-U's 0xAE is the Belarusian "ў" (WHATWG KOI8-RU).
    EXPECT_EQ(decode_to_utf8("\x8F\xE0\xA8\xA2\xA5\xE2", encoding::ibm866), "Привет");
    EXPECT_EQ(decode_to_utf8("\xAE", encoding::koi8_u), "ў");
}

// Chinese, Japanese and Korean code pages, as the WHATWG Encoding Standard
// reads them: gb2312 and GBK with GB18030's decoder (four-byte forms too),
// Shift_JIS as windows-31j, EUC-KR as windows-949 (its extra syllables).
TEST(Charset, DecodesCjkCodePages) {
    EXPECT_EQ(lookup_encoding("GB2312"), encoding::gb18030);
    EXPECT_EQ(lookup_encoding("x-sjis"), encoding::shift_jis);
    EXPECT_EQ(lookup_encoding("ks_c_5601-1987"), encoding::euc_kr);
    EXPECT_EQ(lookup_encoding("Big5-HKSCS"), encoding::big5);
    EXPECT_EQ(decode_to_utf8("\xB1\xB1\xBE\xA9\xD0\xC2\xCE\xC5", encoding::gb18030), "北京新闻");
    EXPECT_EQ(decode_to_utf8("\x81\x34\xD6\x30", encoding::gb18030), "ᠠ");
    EXPECT_EQ(decode_to_utf8("\xA5\x78\xA5\x5F", encoding::big5), "台北");
    EXPECT_EQ(decode_to_utf8("\xC5\xEC\xB5\xFE", encoding::euc_jp), "東京");
    EXPECT_EQ(decode_to_utf8("a\x1B\x24\x42\x45\x6C\x35\x7E\x1B\x28\x42z", encoding::iso2022_jp),
              "a東京z");
    EXPECT_EQ(decode_to_utf8("\x93\x8C\x8B\x9E \x81\x60\x87\x40", encoding::shift_jis), "東京 ～①");
    EXPECT_EQ(decode_to_utf8("\xBC\xAD\xBF\xEF \x8C\x63", encoding::euc_kr), "서울 똠");
    EXPECT_EQ(encoding_name(encoding::shift_jis), "shift_jis");
}

TEST(Charset, CjkInvalidAndCutOffSequencesAreReplaced) {
    std::size_t replaced = 0;
    // 0xFF is no lead byte; a lead byte at the very end is cut off.
    EXPECT_EQ(decode_to_utf8("\xBC\xAD\xFF\xBF\xEF\xBC", encoding::euc_kr, &replaced),
              "서\xEF\xBF\xBD울\xEF\xBF\xBD");
    EXPECT_EQ(replaced, 2u);
    // A long document grows the output past its first guess.
    std::string many;
    for (int i = 0; i < 5000; ++i) many += "\x81\x34\xD6\x30";
    std::string expected;
    for (int i = 0; i < 5000; ++i) expected += "ᠠ";
    EXPECT_EQ(decode_to_utf8(many, encoding::gb18030), expected);
}

TEST(Charset, DeclaredEucKrDocumentIsDecoded) {
    const auto d = decode_xml_document(
        "<?xml version=\"1.0\" encoding=\"euc-kr\"?><rss><title>\xBC\xAD\xBF\xEF</title></rss>",
        "");
    EXPECT_EQ(d.used, encoding::euc_kr);
    EXPECT_EQ(d.how, "xml-declaration");
    EXPECT_NE(d.utf8.find("<title>서울</title>"), std::string::npos) << d.utf8;
    EXPECT_TRUE(d.warnings.empty());
}

TEST(Charset, Windows1252UndefinedBytesAreC1Controls) {
    std::size_t replaced = 0;
    EXPECT_EQ(decode_to_utf8("\x81\x8D\x8F\x90\x9D\x80", encoding::windows1252, &replaced),
              "\u0081\u008D\u008F\u0090\u009D€");
    EXPECT_EQ(replaced, 0U);
}

TEST(Charset, UndefinedCodePageBytesAreReplaced) {
    std::size_t replaced = 0;
    EXPECT_EQ(decode_to_utf8("a\xA5"
                             "b",
                             encoding::iso8859_3, &replaced),
              "a\uFFFD"
              "b");
    EXPECT_EQ(decode_to_utf8("\xAA", encoding::windows1253, &replaced), "\uFFFD");
    EXPECT_EQ(decode_to_utf8("\x80", encoding::us_ascii, &replaced), "\uFFFD");
    EXPECT_EQ(replaced, 3U);
}

// --- UTF-8 sanitizing ---------------------------------------------------------

TEST(CharsetUtf8, KeepsValidTextUnchanged) {
    const std::string text = "ASCII, Кириллица, 中文, 😀 and U+10FFFF \xF4\x8F\xBF\xBF";
    std::size_t replaced = 0;
    EXPECT_TRUE(is_valid_utf8(text));
    EXPECT_EQ(sanitized(text, &replaced), text);
    EXPECT_EQ(replaced, 0U);
}

TEST(CharsetUtf8, ReplacesTruncatedSequences) {
    std::size_t replaced = 0;
    EXPECT_EQ(sanitized("a\xE2\x82", &replaced), "a\uFFFD");
    EXPECT_EQ(sanitized("\xF0\x9F\x98"
                        "b",
                        &replaced),
              "\uFFFD"
              "b");
    EXPECT_EQ(sanitized("\xD0", &replaced), "\uFFFD");
    EXPECT_EQ(replaced, 3U);
    EXPECT_FALSE(is_valid_utf8("a\xE2\x82"));
}

TEST(CharsetUtf8, ReplacesOverlongForms) {
    std::size_t replaced = 0;
    EXPECT_EQ(sanitized("\xC0\xAF", &replaced), "\uFFFD\uFFFD");
    EXPECT_EQ(sanitized("\xE0\x80\xAF", &replaced), "\uFFFD\uFFFD\uFFFD");
    EXPECT_EQ(sanitized("\xF0\x80\x80\xAF", &replaced), "\uFFFD\uFFFD\uFFFD\uFFFD");
    EXPECT_EQ(replaced, 9U);
    EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));
}

TEST(CharsetUtf8, ReplacesEncodedSurrogates) {
    std::size_t replaced = 0;
    EXPECT_EQ(sanitized("x\xED\xA0\x80y", &replaced), "x\uFFFD\uFFFD\uFFFDy");
    EXPECT_EQ(replaced, 3U);
    EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));  // U+D7FF, just below
    EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));
}

TEST(CharsetUtf8, ReplacesCodePointsAboveMaximum) {
    std::size_t replaced = 0;
    EXPECT_EQ(sanitized("\xF4\x90\x80\x80", &replaced), "\uFFFD\uFFFD\uFFFD\uFFFD");
    EXPECT_EQ(sanitized("\xF5\x80", &replaced), "\uFFFD\uFFFD");
    EXPECT_EQ(sanitized("\xFF", &replaced), "\uFFFD");
    EXPECT_EQ(replaced, 7U);
}

TEST(CharsetUtf8, ReplacesMaximalSubparts) {
    // The example of Unicode 15.0 section 3.9, Table 3-8.
    std::size_t replaced = 0;
    EXPECT_EQ(sanitized("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", &replaced),
              "a\uFFFD\uFFFD\uFFFD"
              "b\uFFFD"
              "c\uFFFD\uFFFD"
              "d");
    EXPECT_EQ(replaced, 6U);
}

TEST(CharsetUtf8, AppendUtf8RejectsInvalidCodePoints) {
    std::string out;
    append_utf8(out, U'A');
    append_utf8(out, U'é');
    append_utf8(out, U'€');
    append_utf8(out, U'😀');
    append_utf8(out, static_cast<char32_t>(0xD800));
    append_utf8(out, static_cast<char32_t>(0x110000));
    EXPECT_EQ(out, "Aé€😀\uFFFD\uFFFD");
}

// --- UTF-16 and JSON ----------------------------------------------------------

TEST(CharsetUtf16, DecodesSurrogatePairsAndReplacesLoneOnes) {
    std::size_t replaced = 0;
    EXPECT_EQ(decode_to_utf8(utf16(u"a😀b", false), encoding::utf16le, &replaced), "a😀b");
    EXPECT_EQ(decode_to_utf8(utf16(u"a😀b", true), encoding::utf16be, &replaced), "a😀b");
    EXPECT_EQ(replaced, 0U);
    const std::u16string lone = {u'x', char16_t{0xD83D}, u'y', char16_t{0xDE00}, char16_t{0xD83D}};
    EXPECT_EQ(decode_to_utf8(utf16(lone, false), encoding::utf16le, &replaced),
              "x\uFFFDy\uFFFD\uFFFD");
    EXPECT_EQ(decode_to_utf8("a\x00"
                             "b"sv,
                             encoding::utf16le, &replaced),
              "a\uFFFD");
    EXPECT_EQ(replaced, 4U);
}

TEST(CharsetJson, RecognisesUtf16ByZeroPattern) {
    const auto d = decode_json_document(utf16(u"{\"t\":\"Москва\"}", true), "");
    EXPECT_EQ(d.used, encoding::utf16be);
    EXPECT_EQ(d.utf8, "{\"t\":\"Москва\"}");
    const auto b = decode_json_document("\xEF\xBB\xBF{\"a\":1}", "");
    EXPECT_EQ(b.how, "bom");
    EXPECT_EQ(b.utf8, "{\"a\":1}");
}

TEST(CharsetJson, UsesHttpCharsetOnlyWhenBytesAreNotUtf8) {
    const auto u = decode_json_document("{\"t\":\"Москва\"}", "windows-1251");
    EXPECT_EQ(u.used, encoding::utf8);
    EXPECT_EQ(u.utf8, "{\"t\":\"Москва\"}");
    EXPECT_EQ(u.warnings.size(), 1U);

    const auto d = decode_json_document("{\"t\":\""s + std::string(moscow_1251) + "\"}", "cp1251");
    EXPECT_EQ(d.used, encoding::windows1251);
    EXPECT_EQ(d.how, "http-charset");
    EXPECT_EQ(d.utf8, "{\"t\":\"Москва\"}");
    ASSERT_EQ(d.warnings.size(), 1U);
    EXPECT_NE(d.warnings[0].find("RFC 8259"), std::string::npos);
}

// --- robustness -----------------------------------------------------------------

TEST(Charset, ArbitraryBytesAlwaysGiveValidUtf8) {
    // A cheap stand-in for the fuzz target: a linear congruential generator
    // over short inputs, biased towards the interesting bytes.
    std::uint32_t state = 12345;
    const auto next = [&state] {
        state = state * 1103515245U + 12345U;
        return static_cast<unsigned char>(state >> 16);
    };
    constexpr std::string_view prefixes[] = {"",
                                             "\xEF\xBB\xBF",
                                             "\xFF\xFE",
                                             "\xFE\xFF",
                                             "\x00\x00\xFE\xFF"sv,
                                             "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
                                             "<\x00?\x00x\x00m\x00l\x00 \x00"sv};
    for (int round = 0; round < 3000; ++round) {
        std::string bytes(prefixes[static_cast<std::size_t>(round) % std::size(prefixes)]);
        const std::size_t length = next() % 40U;
        for (std::size_t i = 0; i < length; ++i) bytes += static_cast<char>(next());
        const auto x = decode_xml_document(bytes, round % 2 == 0 ? "koi8-r" : "utf-16");
        ASSERT_TRUE(is_valid_utf8(x.utf8));
        ASSERT_NE(x.utf8.rfind("\xEF\xBB\xBF", 0), 0U);
        const auto j = decode_json_document(bytes, "");
        ASSERT_TRUE(is_valid_utf8(j.utf8));
        for (int e = 0; e <= static_cast<int>(last_encoding); ++e) {
            ASSERT_TRUE(is_valid_utf8(decode_to_utf8(bytes, static_cast<encoding>(e))));
        }
    }
}

}  // namespace
}  // namespace feedwire::feeds
