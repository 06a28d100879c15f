// Behaviour of the parser's entry point: identity, salvage, refusals,
// limits and metadata, on small inline documents. The golden corpus covers
// breadth; these pin the rules.
#include "feedwire/feeds/parse.hpp"

#include "feedwire/feeds/dates.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace feedwire::feeds {
namespace {

parse_options opts(std::string url = "https://news.example.com/rss.xml") {
    parse_options o;
    o.url = std::move(url);
    o.fetched_at = parse_date("2019-11-22T10:00:00Z");
    return o;
}

parsed_feed parse_ok(const std::string& doc, const parse_options& o = opts()) {
    auto r = parse_feed(doc, o);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    if (!r) return {};
    return std::move(r).value();
}

std::string rss(const std::string& items, const std::string& channel_extra = "") {
    return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>"
           "<link>https://news.example.com/</link>" +
           channel_extra + items + "</channel></rss>";
}

bool has_warning(const parsed_feed& f, const std::string& needle) {
    for (const auto& w : f.warnings) {
        if (w.find(needle) != std::string::npos) return true;
    }
    return false;
}

TEST(Parse, RssItemFieldsAreNormalized) {
    const auto f = parse_ok(rss(
        "<item><title>Quake &amp; tsunami</title><link>/world/1?utm_source=rss&amp;id=7#top</link>"
        "<guid isPermaLink=\"false\">wire-1</guid><pubDate>Fri, 22 Nov 2019 12:14:00 "
        "+0300</pubDate>"
        "<description>&lt;p&gt;First &lt;b&gt;para&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Second.&lt;/p&gt;"
        "</description><category domain=\"https://news.example.com/c\">World</category>"
        "<author>desk@example.com (News Desk)</author></item>"));
    ASSERT_EQ(f.items.size(), 1U);
    const item& it = f.items[0];
    EXPECT_EQ(it.guid, "wire-1");
    EXPECT_EQ(it.url, "https://news.example.com/world/1?id=7");
    EXPECT_EQ(it.headline, "Quake & tsunami");
    EXPECT_EQ(it.description_text, "First para.\n\nSecond.");
    ASSERT_TRUE(it.firstcreated.has_value());
    EXPECT_EQ(format_rfc3339(*it.firstcreated), "2019-11-22T09:14:00Z");
    EXPECT_EQ(it.versioncreated, it.firstcreated);
    ASSERT_EQ(it.subjects.size(), 1U);
    EXPECT_EQ(it.subjects[0].scheme, "https://news.example.com/c");
    EXPECT_EQ(it.byline, "News Desk");
    ASSERT_EQ(it.authors.size(), 1U);
    EXPECT_EQ(it.authors[0].email, "desk@example.com");
    EXPECT_EQ(it.source.feed, "news.example.com/rss.xml");
    EXPECT_EQ(it.source.feed_title, "Wire");
    EXPECT_EQ(it.uri.rfind("feedwire:", 0), 0U);
    EXPECT_EQ(it.uri.size(), 9U + 32U);
}

TEST(Parse, UriIsStableAcrossFetchesAndDependsOnFeed) {
    const std::string doc = rss("<item><title>A</title><guid>g-1</guid></item>");
    const auto a = parse_ok(doc);
    const auto b = parse_ok(doc);
    ASSERT_EQ(a.items.size(), 1U);
    EXPECT_EQ(a.items[0].uri, b.items[0].uri);
    auto other = opts("https://other.example.org/feed");
    const auto c = parse_ok(doc, other);
    EXPECT_NE(a.items[0].uri, c.items[0].uri);
}

TEST(Parse, RepeatedGuidsFallBackToLinkAndDate) {
    const auto f = parse_ok(rss(
        "<item><title>One</title><guid>same</guid><link>https://n.example.com/1</link></item>"
        "<item><title>Two</title><guid>same</guid><link>https://n.example.com/2</link></item>"));
    ASSERT_EQ(f.items.size(), 2U);
    EXPECT_NE(f.items[0].uri, f.items[1].uri);
    EXPECT_TRUE(has_warning(f, "share their guid"));
}

TEST(Parse, EmptyGuidsDoNotCollapseEntries) {
    const auto f =
        parse_ok(rss("<item><title>One</title><guid></guid></item>"
                     "<item><title>Two</title><guid> </guid></item>"
                     "<item><title>Two</title><guid></guid></item>"));
    ASSERT_EQ(f.items.size(), 3U);
    EXPECT_NE(f.items[0].uri, f.items[1].uri);
    EXPECT_NE(f.items[1].uri, f.items[2].uri);
    EXPECT_NE(f.items[0].uri, f.items[2].uri);
}

TEST(Parse, FingerprintIgnoresMarkupButNotWords) {
    const auto a =
        parse_ok(rss("<item><guid>g</guid><title>Hello</title>"
                     "<description>&lt;p&gt;Body  text&lt;/p&gt;</description></item>"));
    const auto b =
        parse_ok(rss("<item><guid>g</guid><title>Hello</title>"
                     "<description>&lt;div&gt;&lt;b&gt;Body&lt;/b&gt; text&lt;/div&gt;"
                     "</description></item>"));
    const auto c =
        parse_ok(rss("<item><guid>g</guid><title>Hello</title>"
                     "<description>Body text, corrected</description></item>"));
    EXPECT_EQ(a.items.at(0).fingerprint.content, b.items.at(0).fingerprint.content);
    EXPECT_NE(a.items.at(0).fingerprint.content, c.items.at(0).fingerprint.content);
    EXPECT_EQ(a.items.at(0).uri, c.items.at(0).uri);
}

// A fetched URL that is not UTF-8 reaches the items percent-encoded, so
// their JSON can be written (found by fuzz/parse_feed_fuzzer.cpp).
TEST(Parse, UrlThatIsNotUtf8IsPercentEncoded) {
    parse_options o = opts("https://news.example.com/r\xFFss.xml");
    o.content_language = "e\xC3n";
    const parsed_feed f = parse_ok(rss("<item><title>T</title><link>a/b</link></item>"), o);
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].source.feed_url, "https://news.example.com/r%FFss.xml");
    EXPECT_NO_THROW((void)to_json(f.items[0]).dump());
}

// Atom 0.3 base64 content decodes to bytes; those that are not UTF-8 become
// U+FFFD like anywhere else in the document (found by the parse fuzzer).
TEST(Parse, Base64TextThatIsNotUtf8IsReplaced) {
    const parsed_feed f = parse_ok(
        "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry>"
        "<title mode=\"base64\">Qf9C</title><id>tag:x,2019:1</id></entry></feed>");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].headline, "A\uFFFDB");
}

TEST(Parse, HtmlPageIsNotAFeedAndSaysWhatItIs) {
    auto r = parse_feed(
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
        "<body>nginx</body></html>",
        opts());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, parse_errc::not_a_feed);
    EXPECT_NE(r.error().message.find("502 Bad Gateway"), std::string::npos);
    EXPECT_NE(r.error().message.find("https://news.example.com/rss.xml"), std::string::npos);
}

TEST(Parse, EmptyAndWhitespaceBodiesAreErrors) {
    EXPECT_EQ(parse_feed("", opts()).error().code, parse_errc::empty);
    EXPECT_EQ(parse_feed(" \r\n\t", opts()).error().code, parse_errc::empty);
}

TEST(Parse, OtherXmlAndJsonAreNotFeeds) {
    auto sitemap = parse_feed("<urlset><url><loc>https://a/</loc></url></urlset>", opts());
    ASSERT_FALSE(sitemap.has_value());
    EXPECT_NE(sitemap.error().message.find("<urlset>"), std::string::npos);
    auto json = parse_feed("{\"error\": \"not found\"}", opts());
    ASSERT_FALSE(json.has_value());
    EXPECT_EQ(json.error().code, parse_errc::not_a_feed);
    auto png = parse_feed(std::string("\x89PNG\r\n\x1a\n\0\0", 10), opts());
    ASSERT_FALSE(png.has_value());
    EXPECT_NE(png.error().message.find("PNG"), std::string::npos);
}

TEST(Parse, LimitsRefuseLargeAndDeepDocuments) {
    auto o = opts();
    o.max_bytes = 100;
    auto big = parse_feed(rss(std::string(200, ' ')), o);
    ASSERT_FALSE(big.has_value());
    EXPECT_EQ(big.error().code, parse_errc::too_large);

    std::string deep = "<rss><channel><item><title>x</title>";
    for (int i = 0; i < 300; ++i) deep += "<d>";
    for (int i = 0; i < 300; ++i) deep += "</d>";
    deep += "</item></channel></rss>";
    auto r = parse_feed(deep, opts());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, parse_errc::too_deep);

    std::string deep_json = "{\"version\":\"https://jsonfeed.org/version/1.1\",\"x\":";
    for (int i = 0; i < 100000; ++i) deep_json += "[";
    auto j = parse_feed(deep_json, opts());
    ASSERT_FALSE(j.has_value());
    EXPECT_EQ(j.error().code, parse_errc::too_deep);
}

TEST(Parse, TruncatedDocumentKeepsCompleteEntries) {
    const std::string doc =
        rss("<item><title>One</title><guid>1</guid></item>"
            "<item><title>Two</title><guid>2</guid></item>"
            "<item><title>Thr");
    const std::string cut = doc.substr(0, doc.find("<item><title>Thr") + 16);
    const auto f = parse_ok(cut);
    ASSERT_EQ(f.items.size(), 2U);
    EXPECT_EQ(f.items[1].headline, "Two");
    EXPECT_TRUE(f.is_salvaged);
    EXPECT_TRUE(has_warning(f, "incomplete last entry dropped"));
}

TEST(Parse, HtmlEntitiesAndBareAmpersandsAreSalvaged) {
    const auto f =
        parse_ok(rss("<item><title>Caf&eacute;&nbsp;&mdash; AT&T</title>"
                     "<link>https://n.example.com/?a=1&b=2</link></item>"));
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].headline, "Caf\u00e9 \u2014 AT&T");
    EXPECT_EQ(f.items[0].url, "https://n.example.com/?a=1&b=2");
    EXPECT_TRUE(f.is_salvaged);
}

TEST(Parse, ExternalAndInternalEntitiesAreNeverExpanded) {
    const std::string doc =
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">"
        "<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
        "<rss version=\"2.0\"><channel><title>T</title><item><title>A &xxe; &lol2;</title>"
        "</item></channel></rss>";
    const auto f = parse_ok(doc);
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].headline.find("root:"), std::string::npos);
    EXPECT_EQ(f.items[0].headline.find("lollol"), std::string::npos);
}

TEST(Parse, JunkBeforeTheDocumentIsDropped) {
    const auto f = parse_ok("Warning: mysql_connect() failed in /var/www/rss.php on line 12\n" +
                            rss("<item><title>A</title></item>"));
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_TRUE(f.is_salvaged);
    EXPECT_TRUE(has_warning(f, "junk before"));
}

// A comment or a DOCTYPE before the document (or a comment before its
// declaration) is markup, not junk, even when it holds tags or '>' of its
// own; reading it is no repair.
TEST(Parse, CommentBeforeTheDocumentIsNoRepair) {
    const std::string with_decl = rss("<item><title>A</title></item>");
    const std::string item = with_decl.substr(with_decl.find("<rss"));  // no declaration
    for (const std::string& doc : {"<!-- <b>&#38;</b> -->\n" + item, "<!-- a -->\n" + with_decl,
                                   "<!-- \"<!DOCTYPE\" -->\n" + item,
                                   "<!-- a -->\n<!DOCTYPE rss [\n<!ENTITY e \"x\">\n]>\n" + item}) {
        const auto f = parse_ok(doc);
        ASSERT_EQ(f.items.size(), 1U) << doc;
        EXPECT_FALSE(f.is_salvaged) << doc;
        EXPECT_FALSE(has_warning(f, "junk before")) << doc;
    }
}

// "Name (email)" as well as RSS 2.0's "email (Name)"; any RSS 2.x is 2.0.
TEST(Parse, AuthorNameBeforeEmailInParentheses) {
    const std::string doc =
        "<rss version=\"2.01\"><channel><title>T</title><item><title>A</title>"
        "<author>Jane Doe (jane@example.com)</author></item></channel></rss>";
    const auto f = parse_ok(doc);
    ASSERT_EQ(f.items.size(), 1U);
    ASSERT_EQ(f.items[0].authors.size(), 1U);
    EXPECT_EQ(f.items[0].authors[0].name, "Jane Doe");
    EXPECT_EQ(f.items[0].authors[0].email, "jane@example.com");
    EXPECT_EQ(f.feed.format, "rss2.0");
}

TEST(Parse, AtomXhtmlContentAndNestedXmlBase) {
    const auto f = parse_ok(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://blog.example.com/a/\" "
        "xml:lang=\"en-gb\"><title>B</title><id>urn:b</id>"
        "<entry xml:base=\"posts/\"><id>urn:e1</id><title "
        "type=\"html\">&lt;i&gt;Hi&lt;/i&gt;</title>"
        "<link href=\"one.html\"/><updated>2019-11-22T09:14:00Z</updated>"
        "<content type=\"xhtml\" xml:base=\"img/\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
        "<p>Text <img src=\"x.png\" onerror=\"alert(1)\"/></p></div></content></entry></feed>",
        opts("https://blog.example.com/feed.atom"));
    ASSERT_EQ(f.items.size(), 1U);
    const item& it = f.items[0];
    EXPECT_EQ(it.url, "https://blog.example.com/a/posts/one.html");
    EXPECT_EQ(it.headline, "Hi");
    EXPECT_EQ(it.body_text, "Text");
    EXPECT_NE(it.body_html.find("https://blog.example.com/a/posts/img/x.png"), std::string::npos);
    EXPECT_EQ(it.body_html.find("onerror"), std::string::npos);
    EXPECT_EQ(it.language, "en-GB");
    EXPECT_EQ(f.feed.format, "atom1.0");
}

TEST(Parse, JsonFeedItems) {
    const auto f = parse_ok(R"({"version":"https://jsonfeed.org/version/1.1","title":"J",
        "home_page_url":"https://j.example.com/","items":[{"id":42,"url":"/p/1",
        "title":"T","content_html":"<p>x</p>","date_published":"2019-11-22T09:14:00+00:00",
        "authors":[{"name":"Ann"}],"tags":["a","b"],
        "attachments":[{"url":"/e.mp3","mime_type":"audio/mpeg","size_in_bytes":1000}]}]})");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.feed.format, "jsonfeed1.1");
    EXPECT_EQ(f.items[0].guid, "42");
    EXPECT_EQ(f.items[0].url, "https://j.example.com/p/1");
    EXPECT_EQ(f.items[0].byline, "Ann");
    EXPECT_EQ(f.items[0].subjects.size(), 2U);
    ASSERT_EQ(f.items[0].associations.size(), 1U);
    EXPECT_EQ(f.items[0].associations[0].type, "audio");
    EXPECT_EQ(f.items[0].associations[0].size, 1000U);
}

TEST(Parse, FeedRecordCarriesSchedulingHints) {
    const auto f = parse_ok(
        "<rss version=\"2.0\" xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\" "
        "xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>W</title>"
        "<link>https://w.example.com/</link><ttl>15</ttl><sy:updatePeriod>hourly</sy:updatePeriod>"
        "<sy:updateFrequency>4</sy:updateFrequency><skipHours><hour>1</hour><hour>2</hour>"
        "</skipHours><skipDays><day>Sunday</day></skipDays>"
        "<atom:link rel=\"self\" href=\"https://w.example.com/rss\"/>"
        "<atom:link rel=\"hub\" href=\"https://hub.example.com/\"/>"
        "<language>ru-RU</language><copyright>TASS</copyright></channel></rss>");
    EXPECT_EQ(f.feed.format, "rss2.0");
    EXPECT_EQ(f.feed.ttl_minutes, 15U);
    EXPECT_EQ(f.feed.update_period, "hourly");
    EXPECT_EQ(f.feed.update_frequency, 4U);
    EXPECT_EQ(f.feed.skip_hours, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(f.feed.skip_days, (std::vector<std::string>{"Sunday"}));
    EXPECT_EQ(f.feed.self, "https://w.example.com/rss");
    EXPECT_EQ(f.feed.hubs, (std::vector<std::string>{"https://hub.example.com/"}));
    EXPECT_EQ(f.feed.language, "ru-RU");
    EXPECT_EQ(f.feed.copyright, "TASS");
}

TEST(Parse, MediaRssBecomesAssociations) {
    const auto f = parse_ok(
        rss("<item xmlns:media=\"http://search.yahoo.com/mrss/\"><title>P</title>"
            "<media:content url=\"https://img.example.com/a.jpg\" medium=\"image\" width=\"800\" "
            "height=\"600\"><media:description>Leaders meet</media:description>"
            "<media:credit role=\"photographer\">Kim Kyung-Hoon/Pool Photo via AP</media:credit>"
            "</media:content><media:thumbnail url=\"https://img.example.com/a_t.jpg\"/>"
            "<enclosure url=\"https://img.example.com/a.jpg\" type=\"image/jpeg\" length=\"1234\"/>"
            "</item>"));
    ASSERT_EQ(f.items.size(), 1U);
    const auto& a = f.items[0].associations;
    ASSERT_EQ(a.size(), 2U);
    EXPECT_EQ(a[0].type, "picture");
    EXPECT_EQ(a[0].headline, "Leaders meet");
    EXPECT_EQ(a[0].creditline, "Kim Kyung-Hoon/Pool Photo via AP");
    EXPECT_EQ(a[0].width, 800U);
    EXPECT_EQ(a[0].mimetype, "image/jpeg");
    EXPECT_EQ(a[0].size, 1234U);
    EXPECT_EQ(a[1].rel, "thumbnail");
}

TEST(Parse, RdfItemsBesideTheChannel) {
    const auto f = parse_ok(
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<channel rdf:about=\"https://r.example.com/\"><title>R</title>"
        "<link>https://r.example.com/</link></channel>"
        "<item rdf:about=\"https://r.example.com/1\"><title>One</title>"
        "<link>https://r.example.com/1</link><dc:date>2019-11-22T09:14:00+03:00</dc:date>"
        "<dc:creator>Ivan</dc:creator></item></rdf:RDF>");
    EXPECT_EQ(f.feed.format, "rss1.0");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].guid, "https://r.example.com/1");
    EXPECT_EQ(format_rfc3339(f.items[0].firstcreated.value()), "2019-11-22T06:14:00Z");
    EXPECT_EQ(f.items[0].byline, "Ivan");
}

TEST(Parse, UnparseableDateIsDroppedWithAWarning) {
    const auto f = parse_ok(rss("<item><title>A</title><pubDate>yesterday</pubDate></item>"));
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_FALSE(f.items[0].firstcreated.has_value());
    EXPECT_TRUE(has_warning(f, "unparseable date \"yesterday\""));
}

TEST(Parse, Windows1251DeclaredInXml) {
    // "Москва" in windows-1251.
    const std::string doc = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>" +
                            rss("<item><title>\xcc\xee\xf1\xea\xe2\xe0</title></item>");
    const auto f = parse_ok(doc);
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].headline, "\u041c\u043e\u0441\u043a\u0432\u0430");
    EXPECT_EQ(f.encoding, "windows-1251");
}

TEST(Parse, BrokenMarkupIsReadLenientlyWithoutLosingLaterEntries) {
    const auto f = parse_ok(
        rss("<item><title>Inflation < 2%</title><guid>1</guid>"
            "<description>Line one<br>line two <p>para</description></item>"
            "<item><title>After</title><guid>2</guid><enclosure url=https://n.example.com/a.mp3 "
            "type=audio/mpeg length=10 /></item>"));
    ASSERT_EQ(f.items.size(), 2U);
    EXPECT_EQ(f.items[0].headline, "Inflation < 2%");
    EXPECT_EQ(f.items[0].description_text, "Line one\nline two\n\npara");
    EXPECT_EQ(f.items[1].headline, "After");
    ASSERT_EQ(f.items[1].associations.size(), 1U);
    EXPECT_EQ(f.items[1].associations[0].uri, "https://n.example.com/a.mp3");
    EXPECT_TRUE(f.is_salvaged);
    EXPECT_TRUE(has_warning(f, "re-read leniently"));
}

TEST(Parse, TruncatedJsonFeedKeepsCompleteItems) {
    const auto f =
        parse_ok(R"({"version":"https://jsonfeed.org/version/1.1","title":"J","items":[)"
                 R"({"id":"1","title":"One"},{"id":"2","title":"Two"},{"id":"3","title":"Th)");
    ASSERT_EQ(f.items.size(), 2U);
    EXPECT_EQ(f.items[1].headline, "Two");
    EXPECT_TRUE(f.is_salvaged);
}

TEST(Parse, RepeatedAtomIdsKeepTheNewestVersion) {
    const auto f = parse_ok(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title>"
        "<entry><id>urn:x</id><title>Old</title><updated>2019-11-22T08:00:00Z</updated></entry>"
        "<entry><id>urn:x</id><title>New</title><updated>2019-11-22T09:00:00Z</updated></entry>"
        "<entry><id>urn:y</id><title>Other</title><updated>2019-11-22T07:00:00Z</updated></entry>"
        "</feed>");
    ASSERT_EQ(f.items.size(), 2U);
    EXPECT_EQ(f.items[0].headline, "New");
    EXPECT_EQ(f.items[1].headline, "Other");
}

TEST(Parse, NonWebItemLinksAreDropped) {
    const auto f =
        parse_ok(rss("<item><title>A</title><link>javascript:void(0)</link></item>"
                     "<item><title>B</title><link>mailto:desk@example.com</link></item>"));
    ASSERT_EQ(f.items.size(), 2U);
    EXPECT_TRUE(f.items[0].url.empty());
    EXPECT_TRUE(f.items[1].url.empty());
}

TEST(Parse, PhpWarningWithMarkupBeforeTheDeclaration) {
    const auto f =
        parse_ok("<br />\n<b>Warning</b>: include(x.php): failed on line <b>12</b><br />\n" +
                 std::string("<?xml version=\"1.0\"?>") + rss("<item><title>A</title></item>"));
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_TRUE(has_warning(f, "junk before"));
}

TEST(Parse, PrefixedExtensionElementsNeverReplaceCoreOnes) {
    const auto f = parse_ok(
        "<rss version=\"2.0\" xmlns:x=\"https://vendor.example/ns\"><channel><title>T</title>"
        "<item><title>Real</title><x:title>Vendor</x:title><description>Body</description>"
        "<x:description>INTERNAL</x:description></item></channel></rss>");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].headline, "Real");
    EXPECT_EQ(f.items[0].description_text, "Body");
}

TEST(Parse, EarlyAtomDraftNamespacesAreAtom) {
    const auto f = parse_ok(
        "<feed version=\"0.3\" xmlns=\"http://purl.org/echo/\"><title>Echo</title></feed>");
    EXPECT_EQ(f.feed.format, "atom0.3");
    EXPECT_EQ(f.feed.title, "Echo");
}

TEST(Parse, HandWrittenLinkFormsAreRead) {
    const auto rss_href = parse_ok(rss("<item><title>A</title><link href=\"/a\"/></item>"));
    EXPECT_EQ(rss_href.items.at(0).url, "https://news.example.com/a");
    const auto atom = parse_ok(
        "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><title>A</title>"
        "<item><title>In an item</title><link rel=\"alternate\" type=\"text/html\">"
        "http://www.example.com/x</link></item></feed>");
    ASSERT_EQ(atom.items.size(), 1U);
    EXPECT_EQ(atom.items[0].headline, "In an item");
    EXPECT_EQ(atom.items[0].url, "http://www.example.com/x");
}

TEST(Parse, CopyrightHolderFallsBackToTheNamedHolderOfTheFeedsCopyright) {
    const std::string item =
        "<item><guid>a</guid><title>T</title><description>Text without a "
        "dateline.</description></item>";
    const auto holder = [&](const std::string& notice) {
        const auto f = parse_ok(rss(item, "<copyright>" + notice + "</copyright>"));
        return f.items.empty() ? std::string("?") : f.items[0].copyrightholder;
    };
    EXPECT_EQ(holder("Copyright AFP 2019. All rights reserved."), "AFP");
    EXPECT_EQ(holder("&#169; 2001-2019 Harbour Voices Media"), "Harbour Voices Media");
    EXPECT_EQ(holder("(c) Valley Weekly, 2001"), "Valley Weekly");
    EXPECT_EQ(holder("CC BY 4.0"), "");  // a licence names no holder
    EXPECT_EQ(holder("All rights reserved. Users may download and print extracts of content."), "");
    EXPECT_EQ(holder("Copyright 2019 by the board of the regional association of weekly "
                     "newspaper publishers"),
              "");  // a sentence, not a name
    // A dateline's agency comes first.
    const auto f =
        parse_ok(rss("<item><guid>b</guid><title>T</title><description>MOSCOW, "
                     "November 22. /TASS/. Text.</description></item>",
                     "<copyright>Copyright AFP 2019</copyright>"));
    ASSERT_EQ(f.items.size(), 1u);
    EXPECT_EQ(f.items[0].copyrightholder, "TASS");
}

// An aggregator's item names the outlet it took the story from; the
// aggregator's own copyright is not the story's.
TEST(Parse, AnAggregatorsSourceIsTheCopyrightHolderBeforeItsOwnCopyright) {
    const auto f = parse_ok(
        rss("<item><guid>a</guid><title>T</title><description>Text.</description>"
            "<source url=\"https://post.example/rss\"> The  Southern Post </source></item>"
            "<item><guid>b</guid><title>T</title><description>MOSCOW, November 22. /TASS/. "
            "Text.</description><source url=\"https://post.example/rss\">Post</source></item>"
            "<item><guid>c</guid><title>T</title><description>Text.</description></item>",
            "<copyright>Copyright 2019 News Digest LLC</copyright>"));
    ASSERT_EQ(f.items.size(), 3u);
    EXPECT_EQ(f.items[0].copyrightholder, "The Southern Post");
    EXPECT_EQ(f.items[1].copyrightholder, "TASS");  // the dateline's agency first
    EXPECT_EQ(f.items[2].copyrightholder, "News Digest LLC");
    const auto atom = parse_ok(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Planet</title><id>p</id>"
        "<rights>(c) Planet Owners</rights><entry><id>e</id><title>T</title>"
        "<summary>Text.</summary><source><id>s</id><title>Evening Star</title>"
        "<author><name>Ann</name></author></source></entry></feed>",
        opts("https://planet.example/atom.xml"));
    ASSERT_EQ(atom.items.size(), 1u);
    EXPECT_EQ(atom.items[0].copyrightholder, "Evening Star");
}

TEST(Parse, AtomAlternateFollowsTheEntryLanguage) {
    // Several HTML alternates: the one in the entry's language (xml:lang on
    // the entry or inherited from the feed), else the one without hreflang,
    // else the first; feedburner:origLink still wins over all of them.
    const auto atom = [](const std::string& feed_lang, const std::string& entry) {
        return "<feed xmlns=\"http://www.w3.org/2005/Atom\"" + feed_lang +
               "><title>T</title><id>urn:f</id><entry><id>urn:e</id><title>E</title>"
               "<updated>2019-11-22T09:00:00Z</updated>" +
               entry + "</entry></feed>";
    };
    const std::string links =
        "<link rel=\"alternate\" type=\"text/html\" hreflang=\"fr\" href=\"https://a.example/fr\"/>"
        "<link rel=\"alternate\" type=\"text/html\" href=\"https://a.example/default\"/>"
        "<link rel=\"alternate\" type=\"text/html\" hreflang=\"en-GB\" "
        "href=\"https://a.example/en\"/>";
    EXPECT_EQ(parse_ok(atom(" xml:lang=\"en\"", links)).items.at(0).url, "https://a.example/en");
    EXPECT_EQ(parse_ok(atom(" xml:lang=\"FR-ca\"", links)).items.at(0).url, "https://a.example/fr");
    EXPECT_EQ(parse_ok(atom("", links)).items.at(0).url, "https://a.example/default");
    EXPECT_EQ(
        parse_ok(atom(" xml:lang=\"de\"",
                      "<link rel=\"alternate\" hreflang=\"fr\" href=\"https://a.example/fr\"/>"
                      "<link rel=\"alternate\" hreflang=\"it\" href=\"https://a.example/it\"/>"))
            .items.at(0)
            .url,
        "https://a.example/fr");
    const std::string burner =
        "<feedburner:origLink xmlns:feedburner=\"http://rssnamespace.org/feedburner/ext/1.0\">"
        "https://a.example/orig</feedburner:origLink>";
    EXPECT_EQ(parse_ok(atom(" xml:lang=\"en\"", burner + links)).items.at(0).url,
              "https://a.example/orig");
}

TEST(Parse, MisspelledEndTagClosesTheTextElementItMeant) {
    // Not well-formed, so read leniently: "</titel>" and "</TITLE>" close
    // the title they misspell; a stray "</p>" in raw HTML text is ignored
    // and does not end the description early.
    const auto f =
        parse_ok(rss("<item><title>First</titel><link>https://news.example.com/1</link>"
                     "<description>One </p>two</description></item>"
                     "<item><title>Second</TITLE><guid>g2</guid></item>"));
    ASSERT_EQ(f.items.size(), 2U);
    EXPECT_EQ(f.items[0].headline, "First");
    EXPECT_EQ(f.items[0].url, "https://news.example.com/1");
    EXPECT_EQ(f.items[0].description_text, "One two");
    EXPECT_EQ(f.items[1].headline, "Second");
    EXPECT_EQ(f.items[1].guid, "g2");
}

}  // namespace
}  // namespace feedwire::feeds
