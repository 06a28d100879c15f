// The content fingerprint: the same words give the same digest whatever
// the spacing, case, punctuation or quotes; another word changes it.
#include "feedwire/feeds/fingerprint.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

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

// fingerprint_text folds the words once for both digests; from any byte
// offset (between words, inside a word, inside a multi-byte character or
// separator) it must give what the two functions give alone.
TEST(ContentFingerprint, BothDigestsAtOnceMatchEachAlone) {
    std::string text =
        "МОСКВА, 22 ноября. /ТАСС/. Talks\u00a0began «today» — in Nagoya; G20 ministers "
        "agreed on 3 points, Ёлка and ÉTÉ… then left. ";
    for (int i = 0; i < 3; ++i) text += text;  // long enough to be signed
    text +=
        "tail\xC0\x80 \x80"
        "bad byte";  // invalid UTF-8 folds too
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        const text_fingerprints both = fingerprint_text("Headline", text, cut);
        EXPECT_EQ(both.content, content_fingerprint("Headline", text)) << cut;
        EXPECT_EQ(both.minhash, minhash_signature(std::string_view(text).substr(cut))) << cut;
    }
    EXPECT_FALSE(fingerprint_text("h", text, 0).minhash.empty());
    EXPECT_TRUE(fingerprint_text("h", "too short to sign", 0).minhash.empty());
}

}  // namespace
}  // namespace feedwire::feeds

namespace feedwire::feeds {
namespace {

// FIPS 180-2 appendix B vectors, and the two block paddings around 55 and
// 56 bytes, where the length spills into a second block.
TEST(Sha256, MatchesPublishedVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    EXPECT_EQ(sha256_hex("abc", 4), "ba7816bf");
}

// Whatever path the CPU takes (SHA extensions or not), it agrees with the
// portable computation on every length across several blocks.
TEST(Sha256, HardwarePathAgreesWithPortable) {
    std::string data;
    std::uint32_t x = 12345;
    for (std::size_t len = 0; len < 700; ++len) {
        EXPECT_EQ(sha256(data), detail::sha256_portable(data)) << "length " << len;
        x = x * 1103515245U + 12345U;
        data.push_back(static_cast<char>(x >> 16U));
    }
}

}  // namespace
}  // namespace feedwire::feeds
