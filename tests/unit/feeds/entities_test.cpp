// Character references: the generated WHATWG table, and decoding as the HTML
// tokenizer does it (legacy names without ';', the longest-prefix rule, the
// numeric corner cases and the attribute-value exception).
#include "feedwire/feeds/entities.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace feedwire::feeds {
namespace {

std::size_t consumed(std::string_view text, bool is_attribute_value,
                     std::string* decoded = nullptr) {
    std::string out;
    const std::size_t n = append_html_char_ref(text, is_attribute_value, out);
    if (decoded != nullptr) *decoded = out;
    return n;
}

TEST(HtmlEntities, TableHoldsAllWhatwgIdentifiersSorted) {
    const auto table = html_named_references();
    std::size_t legacy = 0;
    for (const auto& row : table) legacy += row.is_legacy ? 1 : 0;
    EXPECT_EQ(table.size(), 2125U);
    EXPECT_EQ(legacy, 106U);
    EXPECT_EQ(table.size() + legacy, 2231U);  // names with ';' plus the legacy forms
    for (std::size_t i = 1; i < table.size(); ++i) {
        EXPECT_LT(table[i - 1].name, table[i].name) << table[i].name;
    }
}

TEST(HtmlEntities, LooksUpNamesWithoutSemicolon) {
    EXPECT_EQ(html_entity_utf8("nbsp"), "\u00a0");
    EXPECT_EQ(html_entity_utf8("mdash"), "\u2014");
    EXPECT_EQ(html_entity_utf8("amp"), "&");
    EXPECT_EQ(html_entity_utf8("CounterClockwiseContourIntegral"), "\u2233");
}

TEST(HtmlEntities, NamesAreCaseSensitiveAndExact) {
    EXPECT_EQ(html_entity_utf8("Eacute"), "\u00c9");
    EXPECT_EQ(html_entity_utf8("eacute"), "\u00e9");
    EXPECT_FALSE(html_entity_utf8("NBSP").has_value());
    EXPECT_FALSE(html_entity_utf8("bogus").has_value());
    EXPECT_FALSE(html_entity_utf8("").has_value());
    EXPECT_FALSE(html_entity_utf8("amp;").has_value());
}

TEST(HtmlEntities, SomeNamesAreTwoCodePoints) {
    EXPECT_EQ(html_entity_utf8("NotEqualTilde"), "\u2242\u0338");
    EXPECT_EQ(decode_html_entities("&nGt;"), "\u226b\u20d2");
}

TEST(HtmlEntities, DecodesCommonReferences) {
    EXPECT_EQ(decode_html_entities("Tom &amp; Jerry &lt;3 &quot;x&quot; &apos;y&apos;"),
              "Tom & Jerry <3 \"x\" 'y'");
}

TEST(HtmlEntities, LegacyNamesDecodeWithoutSemicolon) {
    EXPECT_EQ(decode_html_entities("a&nbspb"), "a\u00a0b");
    EXPECT_EQ(decode_html_entities("&copy 2024"), "\u00a9 2024");
    EXPECT_EQ(decode_html_entities("&AMP"), "&");
}

TEST(HtmlEntities, OtherNamesNeedTheSemicolon) {
    EXPECT_EQ(decode_html_entities("&mdash and &mdash;"), "&mdash and \u2014");
    EXPECT_EQ(decode_html_entities("&hellip"), "&hellip");
}

TEST(HtmlEntities, LongestLegacyPrefixWins) {
    EXPECT_EQ(decode_html_entities("&notit;"), "\u00acit;");
    EXPECT_EQ(decode_html_entities("&notin;"), "\u2209");
    EXPECT_EQ(decode_html_entities("&ampfoo"), "&foo");
}

TEST(HtmlEntities, UnknownNamesStayAsWritten) {
    EXPECT_EQ(decode_html_entities("AT&T &bogus; & &;"), "AT&T &bogus; & &;");
}

TEST(HtmlEntities, DecimalAndHexReferences) {
    EXPECT_EQ(decode_html_entities("&#65;&#x42;&#X43;&#x6a;"), "ABCj");
    EXPECT_EQ(decode_html_entities("&#x1F600;"), "\U0001F600");
    EXPECT_EQ(decode_html_entities("&#233;"), "\u00e9");
    EXPECT_EQ(decode_html_entities("&#65B"), "AB");
    EXPECT_EQ(decode_html_entities("&#x41g"), "Ag");
}

TEST(HtmlEntities, C1RangeReadsAsWindows1252) {
    EXPECT_EQ(decode_html_entities("&#x80;"), "\u20ac");
    EXPECT_EQ(decode_html_entities("&#150;&#151;&#x92;"), "\u2013\u2014\u2019");
    EXPECT_EQ(decode_html_entities("&#x81;"), "\u0081");  // no windows-1252 character
}

TEST(HtmlEntities, InvalidCodePointsBecomeReplacementCharacter) {
    EXPECT_EQ(decode_html_entities("&#0;"), "\ufffd");
    EXPECT_EQ(decode_html_entities("&#xD800;"), "\ufffd");
    EXPECT_EQ(decode_html_entities("&#xDFFF;"), "\ufffd");
    EXPECT_EQ(decode_html_entities("&#x110000;"), "\ufffd");
    EXPECT_EQ(decode_html_entities("&#99999999999999999999999;"), "\ufffd");
    EXPECT_EQ(decode_html_entities("&#x10FFFF;"), "\U0010FFFF");
}

TEST(HtmlEntities, NumericWithoutDigitsIsLiteral) {
    EXPECT_EQ(decode_html_entities("&#; &#x; &#xyz; &#"), "&#; &#x; &#xyz; &#");
}

TEST(HtmlEntities, AttributeValuesKeepLegacyNameBeforeEqualsOrAlnum) {
    EXPECT_EQ(consumed("&copy=1", true), 0U);
    EXPECT_EQ(consumed("&notit", true), 0U);
    EXPECT_EQ(consumed("&notit", false), 4U);
    std::string decoded;
    EXPECT_EQ(consumed("&copy;=1", true, &decoded), 6U);
    EXPECT_EQ(decoded, "\u00a9");
    EXPECT_EQ(consumed("&copy 1", true, &decoded), 5U);
    EXPECT_EQ(consumed("&#65=", true, &decoded), 4U);  // numeric references have no exception
    EXPECT_EQ(decoded, "A");
}

TEST(HtmlEntities, ReportsBytesConsumedAndSurvivesTruncation) {
    std::string decoded;
    EXPECT_EQ(consumed("&amp;rest", false, &decoded), 5U);
    EXPECT_EQ(decoded, "&");
    EXPECT_EQ(consumed("&lt", false, &decoded), 3U);
    EXPECT_EQ(consumed("& x", false), 0U);
    EXPECT_EQ(consumed("plain", false), 0U);
    for (const char* text : {"&", "&#", "&#x", "&a", "&am", "&amp", "&#1", "&#x4"}) {
        const std::size_t n = consumed(text, false, &decoded);
        EXPECT_LE(n, std::string_view(text).size()) << text;
    }
    EXPECT_EQ(decode_html_entities("x&amp"), "x&");
    EXPECT_EQ(decode_html_entities("x&#x4"), "x\x04");
}

TEST(HtmlEntities, LongRunsOfLettersDoNotMatch) {
    const std::string run(200, 'a');
    EXPECT_EQ(decode_html_entities("&" + run + ";"), "&" + run + ";");
    EXPECT_EQ(decode_html_entities("&amp" + run), "&" + run);
}

}  // namespace
}  // namespace feedwire::feeds
