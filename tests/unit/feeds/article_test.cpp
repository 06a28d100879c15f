// Article pages: metadata extraction (headline, times, authors, canonical
// link, pictures, language), main-text extraction on small pages, limits,
// and the accuracy set in tests/fixtures/articles/ (word 4-gram F1 of the
// extracted body_text against the hand-checked main text, with the whole
// page's text as the baseline).
#include "feedwire/feeds/article.hpp"

#include "feedwire/feeds/charset.hpp"
#include "feedwire/feeds/dates.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace feedwire::feeds {
namespace {

parse_options page_options(std::string url = "https://news.example/world/story-1") {
    parse_options o;
    o.url = std::move(url);
    return o;
}

item parse_ok(const std::string& html, const parse_options& o = page_options()) {
    auto r = parse_article(html, o);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    if (!r) return {};
    return r->article;
}

std::string rfc3339(const std::optional<time_point>& t) { return t ? format_rfc3339(*t) : ""; }

const std::string story_paragraphs =
    "<p>The harbour authority said on Friday that the new ferry terminal would open in the "
    "spring, two years later than planned, because of problems with the foundations.</p>"
    "<p>Engineers found that the piles driven into the old quay were too short, and the "
    "contractor has had to drive a second set beside them, at a cost of several million.</p>"
    "<p>Ferry operators said the delay had cost them passengers, who have had to use a "
    "temporary pontoon without shelter since the old terminal was demolished.</p>";

std::string page(const std::string& head, const std::string& body, const std::string& lang = "en") {
    return "<!DOCTYPE html><html lang=\"" + lang + "\"><head><meta charset=\"utf-8\">" + head +
           "</head><body>" + body + "</body></html>";
}

TEST(ArticleMetadata, HeadlineFromOpenGraphWithoutSiteName) {
    const item it = parse_ok(
        page("<title>Ferry terminal delayed | Harbour Times</title>"
             "<meta property=\"og:title\" content=\"Ferry terminal delayed again - Harbour Times\">"
             "<meta property=\"og:site_name\" content=\"Harbour Times\">",
             "<article><div class=\"article-body\">" + story_paragraphs + "</div></article>"));
    EXPECT_EQ(it.headline, "Ferry terminal delayed again");
    EXPECT_EQ(it.source.feed_title, "Harbour Times");
    EXPECT_EQ(it.copyrightholder, "Harbour Times");
}

TEST(ArticleMetadata, HeadlineFromTitleWhenNothingElse) {
    const item it =
        parse_ok(page("<title>Ferry terminal opening delayed by two years | Harbour Times</title>",
                      "<div>" + story_paragraphs + "</div>"));
    EXPECT_EQ(it.headline, "Ferry terminal opening delayed by two years");
}

TEST(ArticleMetadata, HeadlineFromH1PreferredOverLongerTitle) {
    const item it =
        parse_ok(page("<title>Ferry terminal delayed - News - Harbour Times</title>",
                      "<h1>Ferry terminal delayed</h1><div>" + story_paragraphs + "</div>"));
    EXPECT_EQ(it.headline, "Ferry terminal delayed");
}

TEST(ArticleMetadata, PublishedAndModifiedFromArticleMeta) {
    const item it = parse_ok(
        page("<meta property=\"article:published_time\" content=\"2019-11-22T06:14:00+03:00\">"
             "<meta property=\"article:modified_time\" content=\"2019-11-22T09:00:00Z\">",
             "<div>" + story_paragraphs + "</div>"));
    EXPECT_EQ(rfc3339(it.firstcreated), "2019-11-22T03:14:00Z");
    EXPECT_EQ(rfc3339(it.versioncreated), "2019-11-22T09:00:00Z");
}

TEST(ArticleMetadata, JsonLdGraphWithArraysGivesDatesAuthorsAndImage) {
    const std::string ld = R"({"@context":"https://schema.org","@graph":[
        {"@type":"WebSite","name":"Harbour Times"},
        {"@type":["ReportageNewsArticle"],"headline":"Terminal delayed",
         "datePublished":"2019-11-22T07:45:00+00:00","dateModified":"2019-11-22T09:10:00+00:00",
         "author":[{"@type":"Person","name":"Ewan McLeod"},{"@type":"Person","name":"Sara Njoku"}],
         "image":[{"@type":"ImageObject","url":"/img/terminal.jpg","caption":"The quay","width":"1600","height":900}],
         "keywords":["ports","ferries"],"inLanguage":"en-GB"}]})";
    const item it = parse_ok(page("<script type=\"application/ld+json\">" + ld + "</script>",
                                  "<div>" + story_paragraphs + "</div>", ""));
    EXPECT_EQ(it.headline, "Terminal delayed");
    EXPECT_EQ(rfc3339(it.firstcreated), "2019-11-22T07:45:00Z");
    EXPECT_EQ(rfc3339(it.versioncreated), "2019-11-22T09:10:00Z");
    ASSERT_EQ(it.authors.size(), 2U);
    EXPECT_EQ(it.byline, "Ewan McLeod, Sara Njoku");
    ASSERT_FALSE(it.associations.empty());
    EXPECT_EQ(it.associations[0].uri, "https://news.example/img/terminal.jpg");
    EXPECT_EQ(it.associations[0].headline, "The quay");
    EXPECT_EQ(it.associations[0].width, 1600U);
    EXPECT_EQ(it.associations[0].height, 900U);
    EXPECT_EQ(it.language, "en-GB");
    ASSERT_EQ(it.subjects.size(), 2U);
    EXPECT_EQ(it.subjects[1].name, "ferries");
    EXPECT_EQ(it.copyrightholder, "Harbour Times");
}

TEST(ArticleMetadata, TimeElementWhenNoMetadata) {
    const item it = parse_ok(page("",
                                  "<article><time datetime=\"2019-11-20T05:30:00-05:00\">Nov "
                                  "20</time><div>" +
                                      story_paragraphs + "</div></article>"));
    EXPECT_EQ(rfc3339(it.firstcreated), "2019-11-20T10:30:00Z");
}

TEST(ArticleMetadata, TimeInsideRelatedRailIsNotThePublishedTime) {
    const item it = parse_ok(
        page("",
             "<div class=\"related-stories\"><time datetime=\"2001-01-01\">old</time></div>"
             "<div>" +
                 story_paragraphs + "</div>"));
    EXPECT_FALSE(it.firstcreated.has_value());
}

TEST(ArticleMetadata, CanonicalLinkWinsAndLosesTrackingParameters) {
    const item it =
        parse_ok(page("<link rel=\"canonical\" href=\"/world/ferry-terminal?utm_source=x\">"
                      "<meta property=\"og:url\" content=\"https://other.example/x\">",
                      "<div>" + story_paragraphs + "</div>"),
                 page_options("https://news.example/amp/ferry?utm_medium=social"));
    EXPECT_EQ(it.url, "https://news.example/world/ferry-terminal");
}

TEST(ArticleMetadata, OgUrlThenPageUrl) {
    EXPECT_EQ(parse_ok(page("<meta property=\"og:url\" content=\"https://news.example/a\">",
                            "<div>" + story_paragraphs + "</div>"))
                  .url,
              "https://news.example/a");
    EXPECT_EQ(parse_ok(page("", "<div>" + story_paragraphs + "</div>")).url,
              "https://news.example/world/story-1");
}

TEST(ArticleMetadata, AuthorsFromMetaRelAuthorAndByline) {
    EXPECT_EQ(parse_ok(page("<meta name=\"author\" content=\"Tom Becker\">",
                            "<div>" + story_paragraphs + "</div>"))
                  .byline,
              "Tom Becker");
    EXPECT_EQ(parse_ok(page("",
                            "<div class=\"byline\">By <a rel=\"author\" href=\"/jane\">Jane "
                            "Roe</a> and <a rel=\"author\" href=\"/omar\">Omar Haddad</a></div>"
                            "<div>" +
                                story_paragraphs + "</div>"))
                  .byline,
              "Jane Roe, Omar Haddad");
    EXPECT_EQ(parse_ok(page("", "<span class=\"byline\">By Tom Becker, Staff Writer</span><div>" +
                                    story_paragraphs + "</div>"))
                  .byline,
              "Tom Becker");
}

TEST(ArticleMetadata, LanguageFromHtmlLangThenHttpHeader) {
    EXPECT_EQ(parse_ok(page("", "<div>" + story_paragraphs + "</div>", "en-gb")).language, "en-GB");
    parse_options o = page_options();
    o.content_language = "fr";
    EXPECT_EQ(parse_ok(page("", "<div>" + story_paragraphs + "</div>", ""), o).language, "fr");
}

TEST(ArticleMetadata, FigureCaptionAndCreditBecomeAnAssociation) {
    const item it =
        parse_ok(page("",
                      "<article><figure><img src=\"/img/quay.jpg\" width=\"800\" height=\"600\">"
                      "<figcaption>Workers on the old quay. <span class=\"credit\">Photo: Ann "
                      "Lee/Harbour Times</span></figcaption></figure><div>" +
                          story_paragraphs + "</div></article>"));
    ASSERT_EQ(it.associations.size(), 1U);
    EXPECT_EQ(it.associations[0].type, "picture");
    EXPECT_EQ(it.associations[0].uri, "https://news.example/img/quay.jpg");
    EXPECT_EQ(it.associations[0].headline, "Workers on the old quay.");
    EXPECT_EQ(it.associations[0].creditline, "Photo: Ann Lee/Harbour Times");
    EXPECT_EQ(it.body_text.find("Workers on the old quay"), std::string::npos);
}

TEST(ArticleMetadata, CreditAtTheEndOfACaptionIsSplitOff) {
    const item it =
        parse_ok(page("",
                      "<figure><img data-src=\"/img/a.jpg\" src=\"data:image/gif;base64,R0lGOD\">"
                      "<figcaption>The Capitol on Thursday. (AP Photo/Evan Vucci)</figcaption>"
                      "</figure><div>" +
                          story_paragraphs + "</div>"));
    ASSERT_EQ(it.associations.size(), 1U);
    EXPECT_EQ(it.associations[0].uri, "https://news.example/img/a.jpg");
    EXPECT_EQ(it.associations[0].creditline, "AP Photo/Evan Vucci");
}

TEST(ArticleMetadata, OgImageMergesWithTheFigureOfTheSamePicture) {
    const item it = parse_ok(
        page("<meta property=\"og:image\" content=\"https://news.example/img/q.jpg\">",
             "<figure><img src=\"/img/q.jpg\"><figcaption>Caption here</figcaption></figure><div>" +
                 story_paragraphs + "</div>"));
    ASSERT_EQ(it.associations.size(), 1U);
    EXPECT_EQ(it.associations[0].headline, "Caption here");
}

TEST(ArticleText, DropsNavigationCommentsAndRails) {
    const std::string nav =
        "<nav><ul><li><a href=\"/a\">World</a></li><li><a href=\"/b\">Business</a></li></ul></nav>";
    const std::string comments =
        "<section id=\"comments\" class=\"comments-area\"><p>This is a long comment that says the "
        "council has never done anything right in thirty years of trying.</p></section>";
    const std::string rail =
        "<div class=\"related-stories\"><p>Another story about ferries that is long enough to "
        "be a paragraph of its own, with several words.</p></div>";
    const item it = parse_ok(page("", nav + "<main><div class=\"story-body\">" + story_paragraphs +
                                          "</div>" + rail + "</main>" + comments +
                                          "<footer>Copyright Harbour Times</footer>"));
    EXPECT_EQ(it.body_text.find("World"), std::string::npos);
    EXPECT_EQ(it.body_text.find("comment"), std::string::npos);
    EXPECT_EQ(it.body_text.find("Another story"), std::string::npos);
    EXPECT_EQ(it.body_text.find("Copyright"), std::string::npos);
    EXPECT_NE(it.body_text.find("The harbour authority said"), std::string::npos);
    EXPECT_NE(it.body_text.find("temporary pontoon"), std::string::npos);
}

TEST(ArticleText, KeepsHeadingsListsAndQuotesInOrder) {
    const item it = parse_ok(page(
        "", "<div class=\"entry-content\">" + story_paragraphs +
                "<h2>What comes next</h2><ul><li>A new contractor for the roof</li><li>Opening "
                "in the spring</li></ul><blockquote><p>We are sorry for the delay.</p>"
                "</blockquote></div>"));
    EXPECT_NE(it.body_text.find("What comes next\n\nA new contractor for the roof\n\nOpening in "
                                "the spring\n\nWe are sorry for the delay."),
              std::string::npos)
        << it.body_text;
}

TEST(ArticleText, HiddenPaywallContentIsNotText) {
    const item it = parse_ok(
        page("", "<div class=\"article-body\">" + story_paragraphs +
                     "<div class=\"premium\" style=\"display: none\"><p>Secret paragraph for "
                     "subscribers only, long enough to count as a paragraph.</p></div><div "
                     "class=\"paywall\"><p>Subscribe to keep reading this story today.</p></div>"
                     "</div>"));
    EXPECT_EQ(it.body_text.find("Secret"), std::string::npos);
    EXPECT_EQ(it.body_text.find("Subscribe"), std::string::npos);
}

TEST(ArticleText, DatelineAndAgencyGoThroughNormalization) {
    const item it = parse_ok(page(
        "<meta property=\"article:published_time\" content=\"2019-11-22T06:14:00+03:00\">",
        "<div class=\"text-content\"><p>NAGOYA /Japan/, November 22. /TASS/. Foreign ministers "
        "of the Group of Twenty opened two days of talks in Nagoya on Friday, with trade at the "
        "top of the agenda.</p><p>Russian Foreign Minister Sergey Lavrov, who arrived late on "
        "Thursday, is expected to hold at least six bilateral meetings.</p></div>"));
    ASSERT_TRUE(it.dateline.has_value());
    EXPECT_EQ(it.dateline->agency, "TASS");
    EXPECT_EQ(it.located, "Nagoya, Japan");
    EXPECT_EQ(it.copyrightholder, "TASS");
    EXPECT_FALSE(it.fingerprint.content.empty());
    EXPECT_EQ(it.uri.rfind("feedwire:", 0), 0U);
}

TEST(ArticleText, SameArticleKeepsItsUri) {
    const std::string html = page("<link rel=\"canonical\" href=\"https://news.example/a\">",
                                  "<div>" + story_paragraphs + "</div>");
    parse_options a = page_options("https://news.example/a?utm_source=x");
    a.feed_id = "news";
    parse_options b = page_options("https://news.example/a");
    b.feed_id = "news";
    EXPECT_EQ(parse_ok(html, a).uri, parse_ok(html, b).uri);
}

TEST(ArticleCharset, MetaCharsetWindows1251) {
    // "Привет" in windows-1251, repeated into paragraphs.
    const std::string word = "\xCF\xF0\xE8\xE2\xE5\xF2";
    std::string para;
    for (int i = 0; i < 12; ++i) para += word + ", ";
    const std::string html =
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
        "charset=windows-1251\"></head><body><div><p>" +
        para + "</p><p>" + para + "</p></div></body></html>";
    auto r = parse_article(html, page_options());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->encoding, "windows-1251");
    EXPECT_NE(r->article.body_text.find("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"),
              std::string::npos);
}

TEST(ArticleCharset, HttpCharsetBeforeMeta) {
    const decoded_text d = decode_html_document(
        "<meta charset=\"koi8-r\"><p>\xCF\xF0\xE8\xE2\xE5\xF2</p>", "windows-1251");
    EXPECT_EQ(d.used, encoding::windows1251);
    EXPECT_EQ(d.how, "http-charset");
}

TEST(ArticleLimits, RefusesEmptyOversizedAndBinary) {
    EXPECT_EQ(parse_article("", page_options()).error().code, parse_errc::empty);
    parse_options small = page_options();
    small.max_bytes = 10;
    EXPECT_EQ(parse_article(page("", story_paragraphs), small).error().code, parse_errc::too_large);
    EXPECT_EQ(parse_article(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), page_options())
                  .error()
                  .code,
              parse_errc::not_a_feed);
}

TEST(ArticleLimits, DeepNestingIsFlattenedNotRecursed) {
    std::string html = "<html><body>";
    for (int i = 0; i < 100000; ++i) html += "<div>";
    html += story_paragraphs;
    auto r = parse_article(html, page_options());
    ASSERT_TRUE(r);
    EXPECT_NE(r->article.body_text.find("harbour authority"), std::string::npos);
    EXPECT_FALSE(r->warnings.empty());
}

TEST(ArticleLimits, ManyStrayEndTagsAndHugeJsonLd) {
    std::string html = "<html><body><div>" + story_paragraphs;
    for (int i = 0; i < 50000; ++i) html += "</span>";
    html += "<script type=\"application/ld+json\">";
    for (int i = 0; i < 10000; ++i) html += "[";
    html += "</script></div></body></html>";
    auto r = parse_article(html, page_options());
    ASSERT_TRUE(r);
    EXPECT_NE(r->article.body_text.find("harbour authority"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Accuracy set

// Lower-cased words: runs of ASCII letters and digits and of non-ASCII
// bytes (Cyrillic, accented Latin), ASCII and Cyrillic case folded.
std::vector<std::string> words_of(const std::string& text) {
    std::vector<std::string> out;
    std::string w;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const bool is_ascii_word =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        // Typographic punctuation in UTF-8 (U+2000..U+206F, « » and NBSP) separates words.
        const bool is_punct3 =
            c == 0xE2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80;
        const bool is_punct2 = c == 0xC2 && i + 1 < text.size() &&
                               (static_cast<unsigned char>(text[i + 1]) == 0xAB ||
                                static_cast<unsigned char>(text[i + 1]) == 0xBB ||
                                static_cast<unsigned char>(text[i + 1]) == 0xA0);
        if (is_punct3 || is_punct2) {
            if (!w.empty()) out.push_back(std::move(w));
            w.clear();
            i += is_punct3 ? 2 : 1;
            continue;
        }
        if (is_ascii_word || c >= 0x80) {
            if (c >= 'A' && c <= 'Z') {
                w += static_cast<char>(c + 32);
            } else if (c == 0xD0 && i + 1 < text.size()) {
                const auto d = static_cast<unsigned char>(text[i + 1]);
                if (d >= 0x90 && d <= 0x9F) {
                    w += "\xD0";
                    w += static_cast<char>(d + 0x20);
                } else if (d >= 0xA0 && d <= 0xAF) {
                    w += "\xD1";
                    w += static_cast<char>(d - 0x20);
                } else {
                    w += static_cast<char>(c);
                    w += static_cast<char>(d);
                }
                ++i;
            } else {
                w += static_cast<char>(c);
            }
        } else if (!w.empty()) {
            out.push_back(std::move(w));
            w.clear();
        }
    }
    if (!w.empty()) out.push_back(std::move(w));
    return out;
}

// Multiset (bag) of word 4-grams: a shingle repeated in the text counts as
// often as it occurs, so repeating a paragraph costs precision. Texts of
// fewer than four words give one shingle of all their words.
std::map<std::string, int> shingles(const std::string& text) {
    const std::vector<std::string> w = words_of(text);
    std::map<std::string, int> out;
    if (w.empty()) return out;
    if (w.size() < 4) {
        std::string s;
        for (const auto& x : w) s += x + " ";
        ++out[s];
        return out;
    }
    for (std::size_t i = 0; i + 4 <= w.size(); ++i) {
        ++out[w[i] + " " + w[i + 1] + " " + w[i + 2] + " " + w[i + 3]];
    }
    return out;
}

struct overlap {
    long common = 0;
    long got = 0;
    long want = 0;
    double precision() const {
        return got == 0 ? 0.0 : static_cast<double>(common) / static_cast<double>(got);
    }
    double recall() const {
        return want == 0 ? 0.0 : static_cast<double>(common) / static_cast<double>(want);
    }
    double f1() const {
        const double p = precision();
        const double r = recall();
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }
};

overlap compare(const std::string& got, const std::string& want) {
    const auto g = shingles(got);
    const auto w = shingles(want);
    overlap o;
    for (const auto& [s, n] : g) o.got += n;
    for (const auto& [s, n] : w) {
        o.want += n;
        if (auto it = g.find(s); it != g.end()) o.common += std::min(n, it->second);
    }
    return o;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// F1 below which one page fails, and the set's macro F1 below which the
// whole set fails.
constexpr double page_floor = 0.80;
constexpr double set_target = 0.95;

TEST(ArticleAccuracy, FixtureSetScoresAboveTarget) {
    const std::filesystem::path dir =
        std::filesystem::path(FEEDWIRE_TESTS_DIR) / "fixtures" / "articles";
    std::vector<std::filesystem::path> pages;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() == ".html") pages.push_back(e.path());
    }
    std::sort(pages.begin(), pages.end());
    ASSERT_GE(pages.size(), 30U) << dir;

    overlap total;
    overlap total_base;
    double macro_p = 0, macro_r = 0, macro_f = 0, base_macro_f = 0;
    std::printf("%-34s %6s %6s %6s   %6s %6s %6s\n", "page", "P", "R", "F1", "baseP", "baseR",
                "baseF1");
    for (const auto& html_path : pages) {
        const std::string stem = html_path.stem().string();
        parse_options o;
        const std::filesystem::path options_path = dir / (stem + ".options");
        std::istringstream opts(read_file(options_path));
        for (std::string line; std::getline(opts, line);) {
            if (line.rfind("url: ", 0) == 0) o.url = line.substr(5);
        }
        const std::string bytes = read_file(html_path);
        const std::string want = read_file(dir / (stem + ".expected.txt"));
        auto r = parse_article(bytes, o);
        ASSERT_TRUE(r) << stem << ": " << r.error().message;
        const overlap ov = compare(r->article.body_text, want);
        const overlap base = compare(whole_page_text(bytes, o), want);
        std::printf("%-34s %6.3f %6.3f %6.3f   %6.3f %6.3f %6.3f\n", stem.c_str(), ov.precision(),
                    ov.recall(), ov.f1(), base.precision(), base.recall(), base.f1());
        EXPECT_GE(ov.f1(), page_floor) << stem << "\n--- got:\n"
                                       << r->article.body_text << "\n--- want:\n"
                                       << want;
        total.common += ov.common;
        total.got += ov.got;
        total.want += ov.want;
        total_base.common += base.common;
        total_base.got += base.got;
        total_base.want += base.want;
        macro_p += ov.precision();
        macro_r += ov.recall();
        macro_f += ov.f1();
        base_macro_f += base.f1();
    }
    const auto n = static_cast<double>(pages.size());
    std::printf("%-34s %6.3f %6.3f %6.3f   %6.3f %6.3f %6.3f\n", "micro (all shingles)",
                total.precision(), total.recall(), total.f1(), total_base.precision(),
                total_base.recall(), total_base.f1());
    std::printf("%-34s %6.3f %6.3f %6.3f   %6s %6s %6.3f\n", "macro (mean of pages)", macro_p / n,
                macro_r / n, macro_f / n, "", "", base_macro_f / n);
    EXPECT_GE(total.f1(), set_target);
    EXPECT_GE(macro_f / n, set_target);
}

}  // namespace
}  // namespace feedwire::feeds
