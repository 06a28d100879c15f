// The news-agency formats (ninjs, NewsML-G2, NITF): detection from content,
// the fields each states structurally, edge cases of thin or hostile
// documents, and the ninjs 2.0 output. The golden corpus (tests/golden/
// wire/) covers whole agency documents; these pin the rules.
#include "feedwire/feeds/dates.hpp"
#include "feedwire/feeds/ninjs.hpp"
#include "feedwire/feeds/parse.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace feedwire::feeds {
namespace {

parse_options opts() {
    parse_options o;
    o.url = "https://wire.example.com/feed";
    o.fetched_at = parse_date("2019-11-22T10:00:00Z");
    return o;
}

parsed_feed parse_ok(const std::string& doc) {
    auto r = parse_feed(doc, opts());
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    if (!r) return {};
    return std::move(r).value();
}

bool has_warning(const parsed_feed& f, const std::string& needle) {
    for (const auto& w : f.warnings) {
        if (w.find(needle) != std::string::npos) return true;
    }
    return false;
}

const std::string k_nar = R"(xmlns="http://iptc.org/std/nar/2006-10-01/")";

std::string news_item(const std::string& content_meta, const std::string& content_set = "",
                      const std::string& guid = "urn:newsml:example.com:1") {
    return "<newsItem " + k_nar + " guid=\"" + guid +
           "\" version=\"1\" standard=\"NewsML-G2\"><itemMeta><itemClass qcode=\"ninat:text\"/>"
           "<versionCreated>2019-11-22T09:00:00Z</versionCreated></itemMeta><contentMeta>" +
           content_meta + "</contentMeta><contentSet>" + content_set + "</contentSet></newsItem>";
}

// ---- detection ------------------------------------------------------------

TEST(WireDetection, NinjsObjectIsOneEntryFeed) {
    const auto f = parse_ok(R"({"uri":"urn:x:1","headline":"Quake hits coast",
        "body_text":"TOKYO, Nov 22 (Kyodo) - A quake hit.","versioncreated":"2019-11-22T09:00:00Z"})");
    EXPECT_EQ(f.feed.format, "ninjs1");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].guid, "urn:x:1");
    EXPECT_EQ(f.items[0].headline, "Quake hits coast");
}

TEST(WireDetection, NinjsTwoIsRecognisedByItsArrays) {
    const auto f = parse_ok(R"({"uri":"urn:x:2","headlines":[{"value":"H"}],
        "bodies":[{"contenttype":"text/plain","value":"Text."}]})");
    EXPECT_EQ(f.feed.format, "ninjs2");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].body_text, "Text.");
}

TEST(WireDetection, NinjsArrayIsSeveralEntries) {
    const auto f = parse_ok(R"([{"uri":"a","headline":"A"},{"uri":"b","headline":"B"},7])");
    ASSERT_EQ(f.items.size(), 2U);
    EXPECT_EQ(f.items[1].guid, "b");
    EXPECT_TRUE(has_warning(f, "not ninjs objects skipped"));
}

TEST(WireDetection, JsonFeedStaysJsonFeedEvenWithUri) {
    const auto f = parse_ok(R"({"version":"https://jsonfeed.org/version/1.1","uri":"x",
        "headline":"not ninjs","items":[{"id":"1","title":"T"}]})");
    EXPECT_EQ(f.feed.format, "jsonfeed1.1");
}

TEST(WireDetection, NinjsWithOnlyUriNeedsItsSchemaToBeRecognised) {
    auto bare = parse_feed(R"({"uri":"urn:x:3"})", opts());
    ASSERT_FALSE(bare.has_value());
    EXPECT_EQ(bare.error().code, parse_errc::not_a_feed);
    EXPECT_NE(bare.error().message.find("ninjs"), std::string::npos);

    const auto f = parse_ok(
        R"({"$schema":"http://www.iptc.org/std/ninjs/ninjs-schema_2.0.json","uri":"urn:x:3"})");
    EXPECT_EQ(f.feed.format, "ninjs2");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].guid, "urn:x:3");
    EXPECT_TRUE(f.items[0].headline.empty());
    EXPECT_TRUE(f.items[0].body_text.empty());
}

TEST(WireDetection, ArrayOfNonNinjsIsNotAFeed) {
    auto r = parse_feed(R"([{"id":1,"title":"x"}])", opts());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, parse_errc::not_a_feed);
}

TEST(WireDetection, NewsmlAndNitfRootsAreRecognised) {
    EXPECT_EQ(parse_ok(news_item("<headline>H</headline>")).feed.format, "newsml-g2");
    EXPECT_EQ(parse_ok("<newsMessage " + k_nar + "><itemSet/></newsMessage>").feed.format,
              "newsml-g2");
    EXPECT_EQ(parse_ok("<nitf version=\"-//IPTC//DTD NITF 3.6//EN\"/>").feed.format, "nitf3.6");
    EXPECT_EQ(parse_ok("<nitf xmlns=\"http://iptc.org/std/NITF/2006-10-18/\"/>").feed.format,
              "nitf");
}

TEST(WireDetection, OtherNewsmlItemsAndForeignNewsItemsAreNotFeeds) {
    auto concept_item = parse_feed("<conceptItem " + k_nar + "/>", opts());
    ASSERT_FALSE(concept_item.has_value());
    EXPECT_NE(concept_item.error().message.find("<conceptItem>"), std::string::npos);
    auto foreign = parse_feed("<newsItem xmlns=\"urn:other\"/>", opts());
    ASSERT_FALSE(foreign.has_value());
}

// ---- NewsML-G2 ------------------------------------------------------------

TEST(Newsml, EmptyNewsMessageHasNoItemsAndSaysSo) {
    const auto f = parse_ok("<newsMessage " + k_nar +
                            "><header><sent>2019-11-22T09:00:00Z</sent></header></newsMessage>");
    EXPECT_TRUE(f.items.empty());
    EXPECT_TRUE(has_warning(f, "no newsItem"));
    ASSERT_TRUE(f.feed.updated.has_value());
}

TEST(Newsml, ItemWithoutMetaOrContentDoesNotCrash) {
    const auto f = parse_ok("<newsItem " + k_nar + " guid=\"g\"/>");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].guid, "g");
}

TEST(Newsml, StatedDatelineWinsOverTheBody) {
    const auto f = parse_ok(news_item(
        "<headline>H</headline><dateline>LONDON, Nov 22 (Reuters)</dateline>"
        "<located><name>London</name><broader><name>United Kingdom</name></broader></located>",
        "<inlineData>PARIS, Nov 22 (AFP) - Text.</inlineData>"));
    ASSERT_EQ(f.items.size(), 1U);
    const item& it = f.items[0];
    ASSERT_TRUE(it.dateline.has_value());
    EXPECT_EQ(it.dateline->place, "London");
    EXPECT_EQ(it.dateline->agency, "Reuters");
    EXPECT_EQ(it.located, "London, United Kingdom");
    EXPECT_EQ(it.copyrightholder, "Reuters");
}

TEST(Newsml, UnreadableStatedDatelineStillGivesItsPlace) {
    const auto f = parse_ok(news_item("<dateline>GENEVA</dateline>",
                                      "<inlineData>Talks resumed on Friday.</inlineData>"));
    ASSERT_TRUE(f.items.at(0).dateline.has_value());
    EXPECT_EQ(f.items[0].dateline->text, "GENEVA");
    EXPECT_EQ(f.items[0].dateline->place, "Geneva");
    EXPECT_EQ(f.items[0].located, "Geneva");
}

TEST(Newsml, CopyrightHolderThenDatelineAgencyThenCreditline) {
    const std::string body = "<inlineData>MOSCOW, November 22. /TASS/. Text.</inlineData>";
    const auto holder = parse_ok(
        "<newsItem " + k_nar +
        " guid=\"g\"><rightsInfo><copyrightHolder><name>TASS Agency</name></copyrightHolder>"
        "</rightsInfo><contentMeta><creditline>ITAR-TASS</creditline></contentMeta><contentSet>" +
        body + "</contentSet></newsItem>");
    EXPECT_EQ(holder.items.at(0).copyrightholder, "TASS Agency");
    const auto agency = parse_ok(news_item("<creditline>ITAR-TASS</creditline>", body));
    EXPECT_EQ(agency.items.at(0).copyrightholder, "TASS");
    const auto credit =
        parse_ok(news_item("<creditline>Kyodo</creditline>", "<inlineData>Text.</inlineData>"));
    EXPECT_EQ(credit.items.at(0).copyrightholder, "Kyodo");
}

TEST(Newsml, InlineXmlIsPreferredToInlineData) {
    const auto f =
        parse_ok(news_item("<headline>H</headline>",
                           "<inlineData contenttype=\"text/plain\">plain</inlineData>"
                           "<inlineXML contenttype=\"application/xhtml+xml\"><html "
                           "xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>rich <b>text</b></p>"
                           "<script>alert(1)</script></body></html></inlineXML>"));
    EXPECT_EQ(f.items.at(0).body_text, "rich text");
    EXPECT_EQ(f.items.at(0).body_html, "<p>rich <b>text</b></p>");
}

TEST(Newsml, HeadlineRolesAndCreators) {
    const auto f = parse_ok(
        news_item("<headline role=\"hld:subHeadline\">Sub</headline><headline>Main</headline>"
                  "<creator><name>Jane Doe</name></creator><creator literal=\"John Roe\"/>"
                  "<by>By Jane Doe and John Roe</by><language tag=\"en-gb\"/>"
                  "<subject qcode=\"medtop:04000000\"><name>economy</name></subject>"));
    const item& it = f.items.at(0);
    EXPECT_EQ(it.headline, "Main");
    EXPECT_EQ(it.byline, "Jane Doe, John Roe");
    EXPECT_EQ(it.language, "en-GB");
    ASSERT_EQ(it.subjects.size(), 1U);
    EXPECT_EQ(it.subjects[0].scheme, "medtop:04000000");
}

TEST(Newsml, UnlinkedPictureOfAMessageWithLinksStandsAlone) {
    const std::string picture =
        "<newsItem guid=\"p\"><itemMeta><itemClass qcode=\"ninat:picture\"/></itemMeta>"
        "<contentMeta><description>Caption.</description><creditline>AFP/Name</creditline>"
        "</contentMeta><contentSet><remoteContent href=\"https://img.example/p.jpg\" "
        "contenttype=\"image/jpeg\" width=\"800\"/></contentSet></newsItem>";
    const auto alone =
        parse_ok("<newsMessage " + k_nar +
                 "><itemSet><newsItem guid=\"t\"><itemMeta><itemClass qcode=\"ninat:text\"/>"
                 "<link rel=\"irel:associatedWith\" residref=\"other\"/></itemMeta>"
                 "<contentMeta><headline>Story</headline></contentMeta></newsItem>" +
                 picture + "</itemSet></newsMessage>");
    ASSERT_EQ(alone.items.size(), 2U);
    EXPECT_TRUE(alone.items[0].associations.empty());
    EXPECT_EQ(alone.items[1].description_text, "Caption.");
    ASSERT_EQ(alone.items[1].associations.size(), 1U);
    EXPECT_EQ(alone.items[1].associations[0].creditline, "AFP/Name");
    EXPECT_TRUE(alone.items[1].copyrightholder.empty());

    const auto joined = parse_ok(
        "<newsMessage " + k_nar +
        "><itemSet><newsItem guid=\"t\"><contentMeta><headline>Story</headline></contentMeta>"
        "</newsItem>" +
        picture + "</itemSet></newsMessage>");
    ASSERT_EQ(joined.items.size(), 1U);
    ASSERT_EQ(joined.items[0].associations.size(), 1U);
    EXPECT_EQ(joined.items[0].associations[0].headline, "Caption.");
    EXPECT_EQ(joined.items[0].associations[0].width, 800U);
}

TEST(Newsml, DeepInlineXmlIsRefused) {
    std::string deep;
    for (int i = 0; i < 300; ++i) deep += "<div>";
    for (int i = 0; i < 300; ++i) deep += "</div>";
    auto r = parse_feed(news_item("", "<inlineXML>" + deep + "</inlineXML>"), opts());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, parse_errc::too_deep);
}

// ---- NITF -----------------------------------------------------------------

TEST(Nitf, WithoutBodyTakesTheTitleAndWarns) {
    const auto f = parse_ok(
        "<nitf><head><title>Headline only</title><docdata><doc-id id-string=\"d1\"/>"
        "<date.issue norm=\"20191122T091400Z\"/></docdata></head></nitf>");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_EQ(f.items[0].headline, "Headline only");
    EXPECT_EQ(f.items[0].guid, "d1");
    ASSERT_TRUE(f.items[0].firstcreated.has_value());
    EXPECT_EQ(format_rfc3339(*f.items[0].firstcreated), "2019-11-22T09:14:00Z");
    EXPECT_TRUE(has_warning(f, "without body"));
}

TEST(Nitf, EmptyDocumentDoesNotCrash) {
    const auto f = parse_ok("<nitf/>");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_TRUE(f.items[0].headline.empty());
}

TEST(Nitf, DatelineLocationAndStoryDate) {
    const auto f = parse_ok(
        "<nitf><body><body.head><hedline><hl1>H</hl1></hedline>"
        "<dateline><location><city>SAN JOSE</city>, <state>Calif.</state></location>"
        " <story.date norm=\"2019-11-21\">Nov. 21</story.date></dateline></body.head>"
        "<body.content><p>Text.</p></body.content></body></nitf>");
    const item& it = f.items.at(0);
    EXPECT_EQ(it.located, "San Jose, Calif.");
    ASSERT_TRUE(it.dateline.has_value());
    EXPECT_EQ(it.dateline->date, "2019-11-21");
    // The story date stands in for a missing date.issue.
    ASSERT_TRUE(it.firstcreated.has_value());
}

TEST(Nitf, MediaLeaveTheBodyForAssociations) {
    const auto f = parse_ok(
        "<nitf><body><body.content><p>One.</p><media media-type=\"image\">"
        "<media-reference source=\"https://img.example/1.jpg\" mime-type=\"image/jpeg\"/>"
        "<media-caption>A caption.</media-caption><media-producer>EPA/NAME</media-producer>"
        "</media><p>Two.</p></body.content></body></nitf>");
    const item& it = f.items.at(0);
    EXPECT_EQ(it.body_text, "One.\n\nTwo.");
    ASSERT_EQ(it.associations.size(), 1U);
    EXPECT_EQ(it.associations[0].headline, "A caption.");
    EXPECT_EQ(it.associations[0].creditline, "EPA/NAME");
}

// ---- ninjs input edge cases -------------------------------------------------

TEST(NinjsInput, WrongTypesAreIgnored) {
    const auto f = parse_ok(R"({"uri":"u","headline":5,"headlines":"x","bodies":{"a":1},
        "subjects":[1,null,{"name":7}],"associations":[3,{"type":"picture","renditions":5}],
        "versioncreated":"yesterday"})");
    ASSERT_EQ(f.items.size(), 1U);
    EXPECT_TRUE(f.items[0].associations.empty());
    EXPECT_TRUE(has_warning(f, "unparseable date"));
}

TEST(NinjsInput, RenditionsAreBounded) {
    std::string doc =
        R"({"uri":"u","headline":"H","associations":[{"type":"picture","renditions":[)";
    for (int i = 0; i < 250; ++i) {
        if (i > 0) doc += ",";
        doc += R"({"name":"r","href":"https://img.example/)" + std::to_string(i) + R"(.jpg"})";
    }
    doc += "]}]}";
    const auto f = parse_ok(doc);
    EXPECT_EQ(f.items.at(0).associations.size(), 200U);
    EXPECT_TRUE(has_warning(f, "renditions beyond 200 dropped"));
}

TEST(NinjsInput, DeepNestingIsRefused) {
    std::string doc = R"({"uri":"u","headline":"H","x":)";
    for (int i = 0; i < 1000; ++i) doc += "[";
    auto r = parse_feed(doc, opts());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, parse_errc::too_deep);
}

// ---- ninjs output -------------------------------------------------------------

// Every top-level property of the ninjs 2.0 schema; it allows no others.
const std::set<std::string> k_ninjs2_properties = {"uri",
                                                   "type",
                                                   "representationtype",
                                                   "profile",
                                                   "version",
                                                   "firstcreated",
                                                   "versioncreated",
                                                   "contentcreated",
                                                   "embargoed",
                                                   "pubstatus",
                                                   "urgency",
                                                   "copyrightholder",
                                                   "copyrightnotice",
                                                   "usageterms",
                                                   "ednote",
                                                   "language",
                                                   "descriptions",
                                                   "bodies",
                                                   "headlines",
                                                   "people",
                                                   "organisations",
                                                   "places",
                                                   "subjects",
                                                   "events",
                                                   "objects",
                                                   "infosources",
                                                   "title",
                                                   "by",
                                                   "slugline",
                                                   "located",
                                                   "renditions",
                                                   "associations",
                                                   "altids",
                                                   "trustindicators",
                                                   "standard",
                                                   "genres",
                                                   "rightsinfo"};

void expect_only_schema_properties(const nlohmann::ordered_json& j) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        EXPECT_EQ(k_ninjs2_properties.count(it.key()), 1U)
            << "not a ninjs 2.0 property: " << it.key();
    }
}

TEST(NinjsOutput, RequiredFieldsAndShapes) {
    const auto f = parse_ok(news_item(
        "<headline>Main</headline><by>Jane Doe</by><dateline>NAGOYA, Japan, Nov 22 "
        "(Reuters)</dateline><description>Summary.</description>"
        "<subject qcode=\"medtop:11000000\"><name>politics</name></subject>",
        "<inlineXML><html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>NAGOYA, Japan, Nov 22 "
        "(Reuters) - Ministers met.</p></body></html></inlineXML><remoteContent "
        "href=\"https://img.example/a.jpg\" contenttype=\"image/jpeg\" width=\"1200\"/>"
        "<remoteContent href=\"https://img.example/a-thumb.jpg\" contenttype=\"image/jpeg\" "
        "rendition=\"rnd:thumbnail\"/><remoteContent href=\"https://news.example/a\" "
        "contenttype=\"text/html\"/>"));
    const auto j = to_ninjs(f.items.at(0));
    expect_only_schema_properties(j);
    EXPECT_EQ(j.at("uri"), f.items[0].uri);
    EXPECT_EQ(j.at("type"), "text");
    EXPECT_EQ(j.at("version"), "1");
    EXPECT_EQ(j.at("standard").at("version"), "2.0");
    EXPECT_EQ(j.at("versioncreated"), "2019-11-22T09:00:00Z");
    EXPECT_EQ(j.at("firstcreated"), "2019-11-22T09:00:00Z");
    ASSERT_TRUE(j.at("headlines").is_array());
    EXPECT_EQ(j["headlines"][0].at("value"), "Main");
    EXPECT_EQ(j["descriptions"][0].at("value"), "Summary.");
    const auto& bodies = j.at("bodies");
    ASSERT_EQ(bodies.size(), 2U);
    EXPECT_EQ(bodies[0].at("contenttype"), "text/plain");
    EXPECT_EQ(bodies[0].at("value"), "NAGOYA, Japan, Nov 22 (Reuters) - Ministers met.");
    EXPECT_EQ(bodies[0].at("charcount"), 48);
    EXPECT_EQ(bodies[0].at("wordcount"), 8);
    EXPECT_EQ(bodies[1].at("contenttype"), "text/html");
    EXPECT_EQ(j.at("by"), "Jane Doe");
    EXPECT_EQ(j.at("located"), "Nagoya, Japan");
    EXPECT_EQ(j.at("places")[0].at("name"), "Nagoya, Japan");
    EXPECT_EQ(j.at("copyrightholder"), "Reuters");
    EXPECT_EQ(j.at("subjects")[0].at("literal"), "medtop:11000000");
    EXPECT_EQ(j.at("altids")[0].at("role"), "guid");
    EXPECT_EQ(j.at("altids")[0].at("value"), "urn:newsml:example.com:1");
    EXPECT_EQ(j.at("renditions")[0].at("href"), "https://news.example/a");
    // The picture and its thumbnail are one association with two renditions.
    const auto& assoc = j.at("associations");
    ASSERT_TRUE(assoc.is_array());
    ASSERT_EQ(assoc.size(), 1U);
    EXPECT_EQ(assoc[0].at("name"), "picture1");
    EXPECT_EQ(assoc[0].at("type"), "picture");
    const auto& renditions = assoc[0].at("renditions");
    ASSERT_EQ(renditions.size(), 2U);
    EXPECT_EQ(renditions[0].at("name"), "original");
    EXPECT_EQ(renditions[0].at("width"), 1200);
    EXPECT_EQ(renditions[1].at("name"), "thumbnail");
    // An association is a ninjs object plus its name; a rendition has its own keys.
    const std::set<std::string> rendition_keys = {"name",        "href",     "contenttype",
                                                  "title",       "height",   "width",
                                                  "sizeinbytes", "duration", "format"};
    for (const auto& a : assoc) {
        EXPECT_TRUE(a.contains("name"));
        for (auto it = a.begin(); it != a.end(); ++it) {
            EXPECT_TRUE(it.key() == "name" || k_ninjs2_properties.count(it.key()) == 1U)
                << it.key();
        }
        for (const auto& r : a.at("renditions")) {
            for (auto it = r.begin(); it != r.end(); ++it) {
                EXPECT_EQ(rendition_keys.count(it.key()), 1U) << it.key();
            }
        }
    }
}

TEST(NinjsOutput, MinimalItemHasOnlyWhatItKnows) {
    item it;
    it.uri = "feedwire:0123";
    const auto j = to_ninjs(it);
    expect_only_schema_properties(j);
    EXPECT_EQ(j.at("uri"), "feedwire:0123");
    EXPECT_EQ(j.at("type"), "text");
    EXPECT_FALSE(j.contains("headlines"));
    EXPECT_FALSE(j.contains("bodies"));
    EXPECT_FALSE(j.contains("associations"));
    EXPECT_FALSE(j.contains("infosources"));
}

TEST(NinjsOutput, CreditWithoutPictureIsANamedAssociation) {
    item it;
    it.uri = "feedwire:1";
    it.associations.push_back(association{"picture", "", "", "", "EPA/NAME", {}, {}, {}, {}, ""});
    const auto j = to_ninjs(it);
    ASSERT_EQ(j.at("associations").size(), 1U);
    EXPECT_EQ(j["associations"][0].at("name"), "picture1");
    EXPECT_EQ(j["associations"][0].at("by"), "EPA/NAME");
    EXPECT_FALSE(j["associations"][0].contains("uri"));
    EXPECT_FALSE(j["associations"][0].contains("renditions"));
}

TEST(NinjsOutput, RoundTripThroughTheNinjsReader) {
    const auto f = parse_ok(news_item("<headline>Round trip</headline>",
                                      "<inlineData>LONDON, Nov 22 (Reuters) - Text.</inlineData>"));
    const std::string ninjs = to_ninjs(f.items.at(0)).dump();
    const auto back = parse_ok(ninjs);
    EXPECT_EQ(back.feed.format, "ninjs2");
    ASSERT_EQ(back.items.size(), 1U);
    EXPECT_EQ(back.items[0].headline, "Round trip");
    EXPECT_EQ(back.items[0].body_text, f.items[0].body_text);
    EXPECT_EQ(back.items[0].guid, f.items[0].uri);
}

}  // namespace
}  // namespace feedwire::feeds
