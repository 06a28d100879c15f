// The word scanner of the fingerprints against the character-at-a-time
// definition it replaced: the scanner writes folded words into a buffer and
// takes two-byte characters without decoding them through the general path,
// and must give the same words, the same count before the mark, for valid
// UTF-8 and for stray or cut bytes alike.
#include "folded_words.hpp"

#include "feedwire/feeds/charset.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds::detail {
namespace {

// The reference: every character decoded (next_code_point), tested and
// folded one by one.

// An ASCII byte separates unless it is a letter or digit; a character from
// a byte above ASCII by its code point (a stray byte's too).
bool reference_is_separator(unsigned char first, char32_t cp) {
    if (first < 0x80) {
        return !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'));
    }
    return cp == 0x00A0 || cp == 0x00AB || cp == 0x00BB || cp == 0x00B7 || cp == 0x00BF ||
           cp == 0x00A1 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
           (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20);
}

char32_t reference_fold(char32_t cp) {
    if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
    if (cp >= 0x00C0 && cp <= 0x00DE && cp != 0x00D7) return cp + 0x20;
    if (cp >= 0x0410 && cp <= 0x042F) return cp + 0x20;
    if (cp >= 0x0400 && cp <= 0x040F) return cp + 0x50;
    return cp;
}

struct scan {
    std::vector<std::string> words;
    std::size_t before_mark = folded_words::npos;
};

scan reference_words(std::string_view text, std::size_t mark) {
    scan out;
    std::size_t i = 0;
    std::string word;
    bool in_word = false;
    while (i < text.size()) {
        std::size_t after = i;
        const char32_t cp = next_code_point(text, after);
        const bool separates = reference_is_separator(static_cast<unsigned char>(text[i]), cp);
        // The mark counts where it stands between words: before a word or
        // a separator, never inside a word; a separator above ASCII that
        // ends a word is read with the word, so the mark counts after it.
        const bool ascii = static_cast<unsigned char>(text[i]) < 0x80;
        if (i == mark && (!in_word || (separates && ascii))) {
            out.before_mark = out.words.size() + (in_word ? 1 : 0);
        }
        if (separates) {
            if (in_word) out.words.push_back(word);
            in_word = false;
            word.clear();
        } else {
            in_word = true;
            append_utf8(word, reference_fold(cp));
        }
        i = after;
    }
    if (in_word) out.words.push_back(word);
    if (i == mark) out.before_mark = out.words.size();
    return out;
}

scan scanned_words(std::string_view text, std::size_t mark) {
    scan out;
    folded_words words(text, mark);
    std::string_view word;
    while (words.next(word)) out.words.emplace_back(word);
    out.before_mark = words.words_before_mark();
    return out;
}

TEST(FoldedWords, FoldsLatinOneAndCyrillicWords) {
    const scan s = scanned_words(
        "\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90, 22 \xC2\xAB\xC3\x89t\xC3\xA9\xC2\xBB "
        "Tass\xE2\x80\x94News",
        folded_words::npos);
    const std::vector<std::string> expected = {"\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0",
                                               "22", "\xC3\xA9t\xC3\xA9", "tass", "news"};
    EXPECT_EQ(s.words, expected);
}

// Random texts over ASCII letters, digits and separators, the two-byte
// characters that fold and that separate, three-byte separators and
// letters, and bytes that are no valid UTF-8 where they stand.
TEST(FoldedWords, WordsMatchTheCharacterReference) {
    const std::array<std::string_view, 26> pieces = {"a",
                                                     "Z",
                                                     "7",
                                                     " ",
                                                     ".",
                                                     "\n",
                                                     "-",
                                                     "\xC3\x89",
                                                     "\xC3\x97",
                                                     "\xC2\xA0",
                                                     "\xC2\xBB",
                                                     "\xD0\x96",
                                                     "\xD0\x81",
                                                     "\xD0\xB6",
                                                     "\xD1\x91",
                                                     "\xE2\x80\x94",
                                                     "\xE2\x82\xAC",
                                                     "\xE3\x80\x81",
                                                     "\xF0\x9F\x98\x80",
                                                     "\x80",
                                                     "\xC3",
                                                     "\xD0",
                                                     "\xE2\x80",
                                                     "\xFF",
                                                     "\xC0\x80",
                                                     "\xC3"
                                                     "A"};
    std::mt19937 rng(1127);
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
    std::uniform_int_distribution<std::size_t> count(0, 30);
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        const std::size_t n = count(rng);
        for (std::size_t k = 0; k < n; ++k) text += pieces[pick(rng)];
        const std::size_t mark = text.empty() ? 0 : rng() % (text.size() + 1);
        const scan expected = reference_words(text, mark);
        const scan got = scanned_words(text, mark);
        ASSERT_EQ(got.words, expected.words) << "round " << round;
        ASSERT_EQ(got.before_mark, expected.before_mark) << "round " << round << " mark " << mark;
    }
}

}  // namespace
}  // namespace feedwire::feeds::detail
