// The tokenizer state by state (WHATWG "Tokenization"): tags and attributes,
// comments and their odd endings, markup declarations, character references,
// the RAWTEXT/RCDATA/script data/PLAINTEXT content states, and truncated
// input. Tokens are written as a compact trace to compare whole sequences.
#include "feedwire/feeds/html_tokenizer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace feedwire::feeds {
namespace {

// text "x" -> x, start tag -> <a href="v"/>, end tag -> </a>, comment -> {!data}
std::string trace(std::string_view html) {
    html_tokenizer tokenizer(html);
    std::string out;
    for (int guard = 0; guard < 10000; ++guard) {
        const html_token& t = tokenizer.next_token();
        switch (t.kind) {
            case html_token_kind::end_of_input:
                return out;
            case html_token_kind::text:
                out += "[" + std::string(t.data) + "]";
                break;
            case html_token_kind::comment:
                out += "{!" + std::string(t.data) + "}";
                break;
            case html_token_kind::end_tag:
                out += "</" + std::string(t.name) + ">";
                break;
            case html_token_kind::start_tag:
                out += "<" + std::string(t.name);
                for (const auto& a : t.attributes) {
                    out += " " + std::string(a.name) + "=\"" + std::string(a.value) + "\"";
                }
                out += t.is_self_closing ? "/>" : ">";
                break;
        }
    }
    ADD_FAILURE() << "tokenizer did not reach the end of " << html;
    return out;
}

TEST(HtmlTokenizer, PlainTextIsOneViewIntoTheInput) {
    const std::string html = "just some text, no markup";
    html_tokenizer tokenizer(html);
    const html_token& t = tokenizer.next_token();
    EXPECT_EQ(t.kind, html_token_kind::text);
    EXPECT_EQ(t.data.data(), html.data());
    EXPECT_EQ(t.data.size(), html.size());
    EXPECT_EQ(tokenizer.next_token().kind, html_token_kind::end_of_input);
}

TEST(HtmlTokenizer, EndOfInputRepeats) {
    html_tokenizer tokenizer("<p>");
    EXPECT_EQ(tokenizer.next_token().kind, html_token_kind::start_tag);
    EXPECT_EQ(tokenizer.next_token().kind, html_token_kind::end_of_input);
    EXPECT_EQ(tokenizer.next_token().kind, html_token_kind::end_of_input);
    html_tokenizer empty("");
    EXPECT_EQ(empty.next_token().kind, html_token_kind::end_of_input);
}

TEST(HtmlTokenizer, StartAndEndTags) {
    EXPECT_EQ(trace("<p>Hello <b>world</b></p>"), "<p>[Hello ]<b>[world]</b></p>");
}

TEST(HtmlTokenizer, AttributesInEveryQuotingStyle) {
    EXPECT_EQ(trace(R"(<a href="x y" title='it"s' rel=nofollow data-x = "1">)"),
              R"(<a href="x y" title="it"s" rel="nofollow" data-x="1">)");
}

TEST(HtmlTokenizer, TagAndAttributeNamesAreLowerCasedButValuesAreNot) {
    EXPECT_EQ(trace("<DIV Class=\"BIG\"></Div>"), "<div class=\"BIG\"></div>");
}

TEST(HtmlTokenizer, SolidusInTags) {
    EXPECT_EQ(trace("<br/><br /><img src=a.png/>"), "<br/><br/><img src=\"a.png/\">");
    EXPECT_EQ(trace("<a/href=\"x\"/title=y>"), "<a href=\"x\" title=\"y\">");
}

TEST(HtmlTokenizer, EndTagAttributesAreDropped) { EXPECT_EQ(trace("</p class=\"x\" >"), "</p>"); }

TEST(HtmlTokenizer, UnquotedValueEndsOnlyAtWhitespaceOrGreaterThan) {
    EXPECT_EQ(trace("<a href=x\"y<z'=`>t"), "<a href=\"x\"y<z'=`\">[t]");
    EXPECT_EQ(trace("<a title=a>b onclick=alert(1)>"), "<a title=\"a\">[b onclick=alert(1)>]");
    EXPECT_EQ(trace("<a title=\"1 > 0\">x"), "<a title=\"1 > 0\">[x]");
}

TEST(HtmlTokenizer, AttributesWithoutValues) {
    EXPECT_EQ(trace("<input disabled checked=\"\" x>"),
              "<input disabled=\"\" checked=\"\" x=\"\">");
    EXPECT_EQ(trace("<a href=>x"), "<a href=\"\">[x]");
    EXPECT_EQ(trace("<a =x>"), "<a =x=\"\">");
}

TEST(HtmlTokenizer, DuplicateAttributeKeepsTheFirst) {
    EXPECT_EQ(trace("<a href=\"/ok\" HREF=\"javascript:x\">"), "<a href=\"/ok\">");
}

TEST(HtmlTokenizer, WhitespaceInsideTagsIncludesNewlines) {
    EXPECT_EQ(trace("<a\n\thref\r\n=\n'x'\f>"), "<a href=\"x\">");
}

TEST(HtmlTokenizer, TooManyAttributesAreCapped) {
    std::string html = "<p";
    for (int i = 0; i < 1000; ++i) html += " a" + std::to_string(i);
    html += " class=last>";
    html_tokenizer tokenizer(html);
    const html_token& t = tokenizer.next_token();
    EXPECT_EQ(t.attributes.size(), html_tokenizer::max_attributes);
    EXPECT_FALSE(t.attribute("class").has_value());
}

TEST(HtmlTokenizer, AttributeLookup) {
    html_tokenizer tokenizer("<img SRC=a.png alt=''>");
    const html_token& t = tokenizer.next_token();
    EXPECT_EQ(t.attribute("src"), "a.png");
    EXPECT_EQ(t.attribute("alt"), "");
    EXPECT_FALSE(t.attribute("title").has_value());
}

TEST(HtmlTokenizer, LessThanNotStartingMarkupIsText) {
    EXPECT_EQ(trace("1 < 2 and 3<4, <> < p"), "[1 < 2 and 3<4, <> < p]");
    EXPECT_EQ(trace("a<"), "[a<]");
    EXPECT_EQ(trace("a</"), "[a</]");
    EXPECT_EQ(trace("a</>b"), "[a][b]");
}

TEST(HtmlTokenizer, BogusComments) {
    EXPECT_EQ(trace("a</ x>b</3>"), "[a]{! x}[b]{!3}");
    EXPECT_EQ(trace("<?xml version=\"1.0\"?>x"), "{!?xml version=\"1.0\"?}[x]");
    EXPECT_EQ(trace("<!ELEMENT br EMPTY>x<!->y"), "{!ELEMENT br EMPTY}[x]{!-}[y]");
}

TEST(HtmlTokenizer, CommentsEndAtDashDashGreaterThanOrDashDashBangGreaterThan) {
    EXPECT_EQ(trace("a<!-- b -->c"), "[a]{! b }[c]");
    EXPECT_EQ(trace("<!-- x -- y --->"), "{! x -- y -}");
    EXPECT_EQ(trace("<!-- x --!>y"), "{! x }[y]");
    EXPECT_EQ(trace("<!-- a <!-- b -->c-->"), "{! a <!-- b }[c-->]");
}

TEST(HtmlTokenizer, AbruptlyClosedEmptyComments) {
    EXPECT_EQ(trace("<!-->a<!--->b<!---->c"), "{!}[a]{!}[b]{!}[c]");
}

TEST(HtmlTokenizer, UnclosedCommentRunsToTheEnd) {
    EXPECT_EQ(trace("a<!-- <script>alert(1)</script>"), "[a]{! <script>alert(1)</script>}");
}

TEST(HtmlTokenizer, DoctypeIsSkipped) {
    EXPECT_EQ(trace("<!DOCTYPE html>x"), "[x]");
    EXPECT_EQ(trace("<!doctype html public \"a>b\">c"), "[b\">c]");
}

TEST(HtmlTokenizer, CdataIsBogusCommentInHtml) {
    EXPECT_EQ(trace("<![CDATA[<script>alert(1)</script>]]>"),
              "{![CDATA[<script}[alert(1)]</script>[]]>]");
}

TEST(HtmlTokenizer, CharacterReferencesInText) {
    EXPECT_EQ(trace("Tom &amp; Jerry&nbsp;&copy 2024 &notit; &#x80; &bogus;"),
              "[Tom & Jerry\u00a0\u00a9 2024 \u00acit; \u20ac &bogus;]");
}

TEST(HtmlTokenizer, CharacterReferencesInAttributeValues) {
    EXPECT_EQ(trace("<a href=\"?a=1&amp;b=2&copy=3&not;\" title=&lt;x&gt;>"),
              "<a href=\"?a=1&b=2&copy=3\u00ac\" title=\"<x>\">");
    EXPECT_EQ(trace("<a href=\"jav&#x61;script&colon;x\">"), "<a href=\"javascript:x\">");
}

TEST(HtmlTokenizer, NulInNamesAndValuesBecomesReplacementCharacter) {
    EXPECT_EQ(trace(std::string("<a\0b c\0=\"d\0\">", 13)), "<a\ufffdb c\ufffd=\"d\ufffd\">");
}

TEST(HtmlTokenizer, ScriptContentIsRawText) {
    EXPECT_EQ(trace("<script>if (a<b && c) x=\"</div>&amp;\";</script>y"),
              "<script>[if (a<b && c) x=\"</div>&amp;\";]</script>[y]");
}

TEST(HtmlTokenizer, RawTextEndTagIsCaseInsensitiveAndMayHaveAttributes) {
    EXPECT_EQ(trace("<SCRIPT>x</SCRIPT foo=bar >y"), "<script>[x]</script>[y]");
}

TEST(HtmlTokenizer, RawTextEndTagNeedsDelimiterAfterName) {
    EXPECT_EQ(trace("<style>a</stylex>b</style>"), "<style>[a</stylex>b]</style>");
}

TEST(HtmlTokenizer, ScriptEscapedTextStillEndsAtEndTag) {
    EXPECT_EQ(trace("<script><!-- a </script>b"), "<script>[<!-- a ]</script>[b]");
}

TEST(HtmlTokenizer, ScriptDoubleEscapedTextHidesEndTag) {
    EXPECT_EQ(trace("<script><!--<script></script>x</script>y"),
              "<script>[<!--<script></script>x]</script>[y]");
    EXPECT_EQ(trace("<script><!--<script>--></script>y"), "<script>[<!--<script>-->]</script>[y]");
}

TEST(HtmlTokenizer, ScriptIsRawEvenSelfClosingAndUnclosed) {
    EXPECT_EQ(trace("<script/>alert(1)<b>"), "<script/>[alert(1)<b>]");
    EXPECT_EQ(trace("<script>a</script"), "<script>[a</script]");
}

TEST(HtmlTokenizer, RawTextElementsDoNotDecodeReferences) {
    EXPECT_EQ(trace("<style>a &amp; b</style>"), "<style>[a &amp; b]</style>");
    for (const char* name : {"xmp", "iframe", "noembed", "noframes", "noscript"}) {
        const std::string n = name;
        EXPECT_EQ(trace("<" + n + "><b>&amp;</" + n + ">"), "<" + n + ">[<b>&amp;]</" + n + ">");
    }
}

TEST(HtmlTokenizer, TitleAndTextareaAreRcdata) {
    EXPECT_EQ(trace("<title>a &amp; <b></title>"), "<title>[a & <b>]</title>");
    EXPECT_EQ(trace("<textarea><p>&lt;</textarea>"), "<textarea>[<p><]</textarea>");
}

TEST(HtmlTokenizer, PlaintextSwallowsEverything) {
    EXPECT_EQ(trace("<plaintext><b>x</plaintext>&amp;"), "<plaintext>[<b>x</plaintext>&amp;]");
}

TEST(HtmlTokenizer, TruncatedTagsAreDropped) {
    EXPECT_EQ(trace("x<a href='"), "[x]");
    EXPECT_EQ(trace("x<a href=\"y"), "[x]");
    EXPECT_EQ(trace("x<a href="), "[x]");
    EXPECT_EQ(trace("x<a href=y"), "[x]");
    EXPECT_EQ(trace("x<a href"), "[x]");
    EXPECT_EQ(trace("x<a/"), "[x]");
    EXPECT_EQ(trace("x<a"), "[x]");
    EXPECT_EQ(trace("x</a"), "[x]");
    EXPECT_EQ(trace("<script>a</script x"), "<script>[a]");
}

TEST(HtmlTokenizer, TruncatedMarkupDeclarations) {
    EXPECT_EQ(trace("<"), "[<]");
    EXPECT_EQ(trace("<!"), "{!}");
    EXPECT_EQ(trace("<!-"), "{!-}");
    EXPECT_EQ(trace("<!--"), "{!}");
    EXPECT_EQ(trace("<!--x--"), "{!x--}");
    EXPECT_EQ(trace("<!DOCTYPE"), "");
    EXPECT_EQ(trace("<?"), "{!?}");
    EXPECT_EQ(trace("&#"), "[&#]");
    EXPECT_EQ(trace("<a title=&#"), "");
}

TEST(HtmlTokenizer, EveryPrefixOfAMessyDocumentTerminates) {
    const std::string doc =
        "<!DOCTYPE html><p class=\"a\">x &amp; y<!-- c --><script><!--<script>s</script>"
        "</script><a href=x&copy=1>t</a><![CDATA[z]]><title>&lt;</title><br/>";
    for (std::size_t n = 0; n <= doc.size(); ++n) {
        // Built on the heap and of the exact size, so ASan sees any overread.
        const std::string prefix = doc.substr(0, n);
        std::string copy(prefix.begin(), prefix.end());
        trace(copy);
    }
}

TEST(HtmlTokenizer, OffsetsPointAtTokenStarts) {
    const std::string html = "ab<p x=1>cd<!--e--></p>";
    html_tokenizer tokenizer(html);
    std::vector<std::size_t> offsets;
    for (const html_token* t = &tokenizer.next_token(); t->kind != html_token_kind::end_of_input;
         t = &tokenizer.next_token()) {
        offsets.push_back(t->offset);
    }
    EXPECT_EQ(offsets, (std::vector<std::size_t>{0, 2, 9, 11, 19}));
}

TEST(HtmlTokenizer, TextWithReferencesLivesUntilNextToken) {
    html_tokenizer tokenizer("a&amp;b<i>");
    const html_token& t = tokenizer.next_token();
    const std::string copy(t.data);
    EXPECT_EQ(copy, "a&b");
    EXPECT_EQ(tokenizer.next_token().name, "i");
}

}  // namespace
}  // namespace feedwire::feeds
