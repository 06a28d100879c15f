// Credits, captions and site furniture: a test per credit form and per
// furniture form, then the traps that must stay in the story (a sentence
// mentioning Reuters, "Photo opportunities...", "tags" mid-sentence, a short
// last paragraph), then how credits reach the associations.
#include "feedwire/feeds/credits.hpp"

#include "feedwire/feeds/boilerplate.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace feedwire::feeds {
namespace {

constexpr const char* lead = "MOSCOW, November 22. /TASS/. The ministers met on Friday.";
constexpr const char* story = "The talks lasted about an hour, the ministry said.";

std::string body(std::initializer_list<std::string> ps) {
    std::string out;
    for (const auto& p : ps) {
        if (!out.empty()) out += "\n\n";
        out += p;
    }
    return out;
}

// ---- Standalone credits: the paragraph is the credit.

struct credit_case {
    const char* paragraph;
    const char* creditline;
};

class StandaloneCredit : public testing::TestWithParam<credit_case> {};

TEST_P(StandaloneCredit, IsExtractedWithItsCreditline) {
    const auto& c = GetParam();
    EXPECT_EQ(standalone_credit(c.paragraph), std::optional<std::string>(c.creditline));
    const auto r = extract_credits(body({lead, c.paragraph, story}));
    EXPECT_EQ(r.text, body({lead, story}));
    ASSERT_EQ(r.credits.size(), 1U);
    EXPECT_EQ(r.credits[0].creditline, c.creditline);
    EXPECT_EQ(r.credits[0].caption, "");
}

INSTANTIATE_TEST_SUITE_P(
    Forms, StandaloneCredit,
    testing::Values(credit_case{"\xC2\xA9 Kim Kyung-Hoon/Pool Photo via AP",
                                "Kim Kyung-Hoon/Pool Photo via AP"},
                    credit_case{"Photo: EPA/MAXIM SHIPENKOV", "EPA/MAXIM SHIPENKOV"},
                    credit_case{"Photo: AFP/Archives", "AFP/Archives"},
                    credit_case{"EPA/MAXIM SHIPENKOV", "EPA/MAXIM SHIPENKOV"},
                    credit_case{"Reuters/Kim Kyung-Hoon", "Reuters/Kim Kyung-Hoon"},
                    credit_case{"REUTERS/Kim Kyung-Hoon/File Photo",
                                "REUTERS/Kim Kyung-Hoon/File Photo"},
                    credit_case{"AP Photo/Evan Vucci", "AP Photo/Evan Vucci"},
                    credit_case{"(AP Photo/Evan Vucci)", "AP Photo/Evan Vucci"},
                    credit_case{"Фото: Сергей Бобылев/ТАСС", "Сергей Бобылев/ТАСС"},
                    credit_case{"\xC2\xA9 Сергей Бобылев/ТАСС", "Сергей Бобылев/ТАСС"},
                    credit_case{"Xinhua/Li An", "Xinhua/Li An"},
                    credit_case{"AFP PHOTO / LUDOVIC MARIN", "AFP PHOTO / LUDOVIC MARIN"}));

// ---- Captions that carry their credit.

struct caption_case {
    const char* paragraph;
    const char* caption;
    const char* creditline;
};

class CaptionedCredit : public testing::TestWithParam<caption_case> {};

TEST_P(CaptionedCredit, SplitsCaptionFromCredit) {
    const auto& c = GetParam();
    const auto r = extract_credits(body({c.paragraph, lead, story}));
    EXPECT_EQ(r.text, body({lead, story}));
    ASSERT_EQ(r.credits.size(), 1U);
    EXPECT_EQ(r.credits[0].caption, c.caption);
    EXPECT_EQ(r.credits[0].creditline, c.creditline);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, CaptionedCredit,
    testing::Values(
        caption_case{"Whooper swans rest at a wetland, Nov. 21, 2019. (Xinhua/Li An)",
                     "Whooper swans rest at a wetland, Nov. 21, 2019.", "Xinhua/Li An"},
        caption_case{"Motegi welcomes delegates in Nagoya. (Kim Kyung-Hoon/Pool Photo via AP)",
                     "Motegi welcomes delegates in Nagoya.", "Kim Kyung-Hoon/Pool Photo via AP"},
        caption_case{"FILE PHOTO: Abe speaks in Tokyo, October 4, 2019. "
                     "REUTERS/Kim Kyung-Hoon/File Photo",
                     "FILE PHOTO: Abe speaks in Tokyo, October 4, 2019.",
                     "REUTERS/Kim Kyung-Hoon/File Photo"},
        caption_case{"La pyramide du Louvre \xC2\xA9 AFP/Archives - Ludovic MARIN",
                     "La pyramide du Louvre", "AFP/Archives - Ludovic MARIN"},
        caption_case{"Сергей Лавров \xC2\xA9 Kim Kyung-Hoon/Pool Photo via AP", "Сергей Лавров",
                     "Kim Kyung-Hoon/Pool Photo via AP"},
        caption_case{"Putin at the Kremlin\nPhoto: EPA/MAXIM SHIPENKOV", "Putin at the Kremlin",
                     "EPA/MAXIM SHIPENKOV"},
        // The last full stop and the last sign count.
        caption_case{"Abe speaks. Crowds wait in Tokyo, Oct. 4. REUTERS/Kim Kyung-Hoon",
                     "Abe speaks. Crowds wait in Tokyo, Oct. 4.", "REUTERS/Kim Kyung-Hoon"},
        caption_case{"Le Louvre \xC2\xA9 2019 \xC2\xA9 AFP/Ludovic MARIN",
                     "Le Louvre \xC2\xA9 2019", "AFP/Ludovic MARIN"}));

TEST(Credits, CaptionFollowedByItsCreditBeforeTheDateline) {
    const auto r = extract_credits(body({"Swans rest at a wetland", "Photo: Xinhua/Li An",
                                         "ZHENGZHOU, Nov. 22 (Xinhua) -- Swans arrived.", story}));
    EXPECT_EQ(r.text, body({"ZHENGZHOU, Nov. 22 (Xinhua) -- Swans arrived.", story}));
    ASSERT_EQ(r.credits.size(), 1U);
    EXPECT_EQ(r.credits[0].caption, "Swans rest at a wetland");
    EXPECT_EQ(r.credits[0].creditline, "Xinhua/Li An");
}

TEST(Credits, CaptionPrecededByItsCreditBeforeTheDateline) {
    const auto r =
        extract_credits(body({"Фото: Сергей Бобылев/ТАСС", "Сергей Лавров в Нагое",
                              "НАГОЯ /Япония/, 22 ноября. /ТАСС/. Министры встретились.", story}));
    ASSERT_EQ(r.credits.size(), 1U);
    EXPECT_EQ(r.credits[0].caption, "Сергей Лавров в Нагое");
    EXPECT_EQ(r.credits[0].creditline, "Сергей Бобылев/ТАСС");
}

TEST(Credits, StoryParagraphBeforeACreditIsNoCaption) {
    const std::string short_story = "Host Japan wants a plan to cut plastic waste at sea.";
    const auto r = extract_credits(
        body({lead, short_story, "\xC2\xA9 Kim Kyung-Hoon/Pool Photo via AP", story}));
    EXPECT_EQ(r.text, body({lead, short_story, story}));
    ASSERT_EQ(r.credits.size(), 1U);
    EXPECT_EQ(r.credits[0].caption, "");
}

TEST(Credits, SameCreditTwiceIsOnePicture) {
    const auto r =
        extract_credits(body({"Swans rest. (Xinhua/Li An)", lead, story, "Photo: Xinhua/Li An"}));
    EXPECT_EQ(r.text, body({lead, story}));
    ASSERT_EQ(r.credits.size(), 1U);
    EXPECT_EQ(r.credits[0].caption, "Swans rest.");
}

TEST(Credits, ShortenedCreditRepeatsTheFullOne) {
    const auto r = extract_credits(body(
        {"La pyramide \xC2\xA9 AFP/Archives - Ludovic MARIN", lead, story, "Photo: AFP/Archives"}));
    EXPECT_EQ(r.text, body({lead, story}));
    ASSERT_EQ(r.credits.size(), 1U);
    EXPECT_EQ(r.credits[0].creditline, "AFP/Archives - Ludovic MARIN");
}

TEST(Credits, BodyOfOnlyACreditIsLeftAlone) {
    const auto r = extract_credits("Photo: EPA/MAXIM SHIPENKOV");
    EXPECT_EQ(r.text, "Photo: EPA/MAXIM SHIPENKOV");
    EXPECT_TRUE(r.credits.empty());
}

// ---- Traps: story text that must stay.

class NotACredit : public testing::TestWithParam<const char*> {};

TEST_P(NotACredit, StaysInTheBody) {
    const std::string text = body({lead, GetParam(), story});
    const auto r = extract_credits(text);
    EXPECT_EQ(r.text, text);
    EXPECT_TRUE(r.credits.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Traps, NotACredit,
    testing::Values("Reuters reported on Friday that the talks had stalled.",
                    "Photo opportunities were limited to the arrival of the delegations.",
                    "The figures come from a Reuters/Ipsos poll published on Thursday.",
                    "\xC2\xA9 2019 The Associated Press. All rights reserved.",
                    "\xC2\xA9 2019 Reuters", "Moscow/Kyiv",
                    "EPA/the agency said it would not comment on the pictures",
                    "Officials said the photos (taken by Reuters) were genuine."));

// ---- Furniture.

TEST(Furniture, RemovesNavigation) {
    EXPECT_EQ(remove_furniture(body({"All news", lead, story, "All news"}), ""),
              body({lead, story}));
    EXPECT_EQ(remove_furniture(body({lead, story, "Все новости"}), ""), body({lead, story}));
}

TEST(Furniture, RemovesTrailingTagsParagraph) {
    EXPECT_EQ(remove_furniture(body({lead, story, "Tags Russia-Japan G20"}), ""),
              body({lead, story}));
    EXPECT_EQ(remove_furniture(body({lead, story, "Теги: Россия — Япония"}), ""),
              body({lead, story}));
}

TEST(Furniture, RemovesTagsLabelWithTagLines) {
    EXPECT_EQ(remove_furniture(body({lead, story, "Tags", "Russia", "Japan", "G20"}), ""),
              body({lead, story}));
    EXPECT_EQ(remove_furniture(body({lead, story, "Теги\nРоссия\nЯпония"}), ""),
              body({lead, story}));
}

TEST(Furniture, RemovesReadMoreBlocks) {
    EXPECT_EQ(remove_furniture(
                  body({lead, story, "Read more:", "Putin meets Abe", "G20 opens in Nagoya"}), ""),
              body({lead, story}));
    EXPECT_EQ(remove_furniture(body({lead, "Читайте также", "Путин встретился с Абэ", story}), ""),
              body({lead, story}));
    EXPECT_EQ(remove_furniture(body({lead, "Read also: Putin meets Abe", story}), ""),
              body({lead, story}));
    EXPECT_EQ(remove_furniture(body({lead, story, "See also", "G20 opens in Nagoya"}), ""),
              body({lead, story}));
}

TEST(Furniture, RemovesShareAndSubscribeLines) {
    EXPECT_EQ(remove_furniture(body({lead, "Share", story, "Subscribe to our newsletter",
                                     "Follow us on Telegram"}),
                               ""),
              body({lead, story}));
    EXPECT_EQ(remove_furniture(body({lead, story, "Подписывайтесь на ТАСС в Telegram"}), ""),
              body({lead, story}));
}

TEST(Furniture, RemovesEnditem) {
    EXPECT_EQ(remove_furniture(body({lead, "The port grew 3.1 percent. Enditem"}), ""),
              body({lead, "The port grew 3.1 percent."}));
    EXPECT_EQ(remove_furniture(body({lead, story, "ENDITEM"}), ""), body({lead, story}));
}

TEST(Furniture, RemovesRepeatedHeadlineAndLead) {
    EXPECT_EQ(remove_furniture(body({"Putin to hold  SECURITY council meeting", lead, story}),
                               "Putin to hold Security Council meeting"),
              body({lead, story}));
    EXPECT_EQ(remove_furniture(body({lead, lead, story}), ""), body({lead, story}));
}

TEST(Furniture, KeepsTagsMidSentence) {
    const std::string text =
        body({lead, "Tags fitted to the swans showed they flew 2,000 km.", story});
    EXPECT_EQ(remove_furniture(text, ""), text);
    const std::string last = body({lead, story, "Tags were fitted to 40 birds."});
    EXPECT_EQ(remove_furniture(last, ""), last);
}

TEST(Furniture, KeepsShortLastParagraph) {
    const std::string text = body({lead, story, "The meeting ends Saturday."});
    EXPECT_EQ(remove_furniture(text, ""), text);
    const std::string subhead = body({lead, "Economic ties", story, "Talks resume"});
    EXPECT_EQ(remove_furniture(subhead, ""), subhead);
}

TEST(Furniture, KeepsStorySentencesAboutSharing) {
    const std::string text =
        body({lead, "Share prices rose 3% after the announcement.",
              "Subscribe to the theory that rates will fall and you will be disappointed, "
              "analysts said on Friday in a note to clients."});
    EXPECT_EQ(remove_furniture(text, ""), text);
}

TEST(Furniture, NeverEmptiesTheText) {
    EXPECT_EQ(remove_furniture("All news", ""), "All news");
    EXPECT_EQ(remove_furniture("Headline", "Headline"), "Headline");
}

// ---- Associations.

TEST(AttachCredits, FillsPictureWithoutCreditline) {
    std::vector<association> as(1);
    as[0].type = "picture";
    as[0].uri = "https://example.com/a.jpg";
    const std::vector<picture_credit> cs = {{"Caption", "EPA/NAME"}};
    attach_credits(as, cs);
    ASSERT_EQ(as.size(), 1U);
    EXPECT_EQ(as[0].creditline, "EPA/NAME");
    EXPECT_EQ(as[0].headline, "Caption");
}

TEST(AttachCredits, SameCaptionIsTheSamePicture) {
    std::vector<association> as(1);
    as[0].type = "picture";
    as[0].headline = "FILE PHOTO: Abe speaks. REUTERS/Kim Kyung-Hoon/File Photo";
    as[0].creditline = "Kim Kyung-Hoon";
    const std::vector<picture_credit> cs = {
        {"FILE PHOTO: Abe speaks.", "REUTERS/Kim Kyung-Hoon/File Photo"}};
    attach_credits(as, cs);
    ASSERT_EQ(as.size(), 1U);
    EXPECT_EQ(as[0].creditline, "Kim Kyung-Hoon");
}

TEST(AttachCredits, AddsPictureWhenNoneIsFree) {
    std::vector<association> as(1);
    as[0].type = "video";
    const std::vector<picture_credit> cs = {{"", "Xinhua/Li An"}, {"Swans", "EPA/NAME"}};
    attach_credits(as, cs);
    ASSERT_EQ(as.size(), 3U);
    EXPECT_EQ(as[1].type, "picture");
    EXPECT_EQ(as[1].creditline, "Xinhua/Li An");
    EXPECT_EQ(as[2].headline, "Swans");
}

}  // namespace
}  // namespace feedwire::feeds
