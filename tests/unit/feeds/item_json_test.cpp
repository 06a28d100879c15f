// item_json() writes what to_json().dump() writes, including the escapes
// of control characters and the replacement of invalid UTF-8, for strings
// the parser rarely or never produces.
#include "feedwire/feeds/item.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace feedwire::feeds {
namespace {

std::string document_form(const item& it) {
    return to_json(it).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(ItemJson, EscapesLikeTheDocumentForm) {
    const std::vector<std::string> texts = {
        "plain",
        "quote \" backslash \\ slash /",
        "controls \x01\x08\x09\x0A\x0C\x0D\x1F and DEL \x7F",
        std::string("NUL \0 inside", 12),
        "Cyrillic \xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0, emoji \xF0\x9F\x93\xB0",
        "invalid \xFF byte",
        "truncated \xE2\x80",
        "overlong \xC0\xAF slash",
        "surrogate \xED\xA0\x80 half",
        "beyond \xF4\x90\x80\x80 U+10FFFF",
        "lead then ASCII \xE2(x",
    };
    for (const auto& text : texts) {
        item it;
        it.headline = text;
        it.body_text = text + text;
        it.authors.push_back({text, "", ""});
        EXPECT_EQ(item_json(it), document_form(it)) << text;
    }
}

TEST(ItemJson, WritesEveryMemberInOrder) {
    item it;
    it.uri = "feedwire:1";
    it.guid = "g";
    it.url = "https://example.com/a";
    it.headline = "H";
    it.description_text = "D";
    it.body_text = "B";
    it.body_html = "<p>B</p>";
    it.byline = "By X";
    it.authors = {{"X", "x@example.com", "https://example.com/x"}, {"", "", ""}};
    it.firstcreated = time_point{std::chrono::seconds{1574414040}};
    it.versioncreated = time_point{std::chrono::seconds{1574414100}};
    it.language = "en";
    it.subjects = {{"World", "category"}};
    it.located = "Nagoya";
    it.dateline = dateline_info{};
    it.dateline->text = "NAGOYA, November 22.";
    it.copyrightholder = "TASS";
    it.copyrightnotice = "(c) TASS";
    association a;
    a.type = "picture";
    a.uri = "https://img.example.com/1.jpg";
    a.width = 640;
    a.size = 123456789012ULL;
    it.associations = {a, association{}};
    it.source.feed = "tass";
    it.source.fetched_at = time_point{std::chrono::seconds{1574414200}};
    it.fingerprint.content = "abc";
    it.revision = 3;
    it.duplicate_of = "feedwire:0";
    EXPECT_EQ(item_json(it), document_form(it));

    item copy = it;
    copy.revision = 1;
    EXPECT_EQ(item_json(it, 1), document_form(copy));

    EXPECT_EQ(item_json(item{}), document_form(item{}));
}

}  // namespace
}  // namespace feedwire::feeds
