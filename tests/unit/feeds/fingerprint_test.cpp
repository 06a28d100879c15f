// The content fingerprint: the same words give the same digest whatever
// the spacing, case, punctuation or quotes; another word changes it.
#include "feedwire/feeds/fingerprint.hpp"

#include <gtest/gtest.h>

namespace feedwire::feeds {
namespace {

TEST(ContentFingerprint, IgnoresSpacingCaseAndPunctuation) {
    const auto a = content_fingerprint("G20 ministers meet in Nagoya",
                                       "NAGOYA /Japan/, November 22. /TASS/. Talks began.");
    EXPECT_EQ(a, content_fingerprint("G20 Ministers Meet In Nagoya",
                                     "Nagoya (Japan) November 22 -- TASS -- talks began"));
    EXPECT_EQ(a, content_fingerprint("  G20 ministers\tmeet in Nagoya ",
                                     "NAGOYA /Japan/,\n\nNovember 22.  /TASS/.  Talks began!"));
    EXPECT_EQ(a.size(), 32u);
}

TEST(ContentFingerprint, IgnoresUnicodePunctuationAndFoldsCyrillic) {
    EXPECT_EQ(content_fingerprint("«Саммит» — итоги", "МОСКВА, 22 ноября. /ТАСС/. Всё…"),
              content_fingerprint("\"саммит\" - Итоги", "Москва 22 ноября ТАСС всё"));
    EXPECT_EQ(content_fingerprint("Ёлка", "x"), content_fingerprint("ёлка", "x"));
    EXPECT_EQ(content_fingerprint("“Quoted” headline", "a\u00a0b"),
              content_fingerprint("quoted headline", "a b"));
}

TEST(ContentFingerprint, ChangesWithAnyWord) {
    const auto a = content_fingerprint("Ministers meet", "Talks began on Friday.");
    EXPECT_NE(a, content_fingerprint("Ministers meet", "Talks began on Saturday."));
    EXPECT_NE(a, content_fingerprint("Ministers met", "Talks began on Friday."));
    // Headline and body stay apart: moving a word between them is a change.
    EXPECT_NE(content_fingerprint("a b", "c"), content_fingerprint("a", "b c"));
    // Digits are words: a corrected figure is a revision.
    EXPECT_NE(content_fingerprint("Toll rises to 12", "x"),
              content_fingerprint("Toll rises to 13", "x"));
}

}  // namespace
}  // namespace feedwire::feeds
