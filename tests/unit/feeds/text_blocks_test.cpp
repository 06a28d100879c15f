// The paragraph helpers' case folding against a byte-at-a-time reference:
// fold_case works eight ASCII bytes at a time and steps over two-byte
// characters, and comparable compacts in place; both must give the bytes
// the plain definitions give, for valid UTF-8 and for stray bytes alike.
#include "text_blocks.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>

namespace feedwire::feeds::detail {
namespace {

std::string reference_fold_case(std::string_view s) {
    std::string out(s);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c >= 'A' && c <= 'Z') {
            out[i] = static_cast<char>(c + 32);
        } else if (i + 1 < out.size()) {
            const auto d = static_cast<unsigned char>(out[i + 1]);
            if (c == 0xC3 && d >= 0x80 && d <= 0x9E && d != 0x97) {
                out[i + 1] = static_cast<char>(d + 0x20);
                ++i;
            } else if (c == 0xD0 && d >= 0x90 && d <= 0x9F) {
                out[i + 1] = static_cast<char>(d + 0x20);
                ++i;
            } else if (c == 0xD0 && d >= 0xA0 && d <= 0xAF) {
                out[i] = static_cast<char>(0xD1);
                out[i + 1] = static_cast<char>(d - 0x20);
                ++i;
            } else if (c == 0xD0 && d >= 0x80 && d <= 0x8F) {
                out[i] = static_cast<char>(0xD1);
                out[i + 1] = static_cast<char>(d + 0x10);
                ++i;
            } else if (c >= 0xC0) {
                ++i;
            }
        }
    }
    return out;
}

std::string reference_comparable(std::string_view s) {
    std::string out;
    bool space = false;
    for (const char c : reference_fold_case(trim_view(s))) {
        if (c == ' ' || c == '\n' || c == '\t') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
    return out;
}

TEST(TextBlocks, FoldsLatinAndCyrillicCapitals) {
    EXPECT_EQ(fold_case("Read MORE @[Z]` \xC3\x80\xC3\x97\xC3\x9E"),
              "read more @[z]` \xC3\xA0\xC3\x97\xC3\xBE");  // À × Þ
    EXPECT_EQ(fold_case("\xD0\x9F\xD0\xA0\xD0\x81\xD0\xB0"),
              "\xD0\xBF\xD1\x80\xD1\x91\xD0\xB0");  // П Р Ё а -> п р ё а
    EXPECT_EQ(comparable("  The  HEADLINE\n\tof the Day. "), "the headline of the day");
}

// Random strings over the bytes every branch turns on: ASCII letters and
// their neighbours, whitespace, full stops, the lead bytes that fold and
// some that do not, continuation bytes at the edges of each range.
TEST(TextBlocks, FoldingMatchesTheByteReference) {
    constexpr std::array<unsigned char, 30> bytes = {
        'A',  'Z',  'a',  'z',  '@',  '[',  '`',  '{',  '0',  ' ',  '\n', '\t', '.',  0x7F, 0xC3,
        0xD0, 0xD1, 0xC2, 0xE2, 0xFF, 0x80, 0x8F, 0x90, 0x97, 0x9E, 0x9F, 0xA0, 0xAF, 0xB0, 0xBF};
    std::mt19937 rng(20261127);
    std::uniform_int_distribution<std::size_t> pick(0, bytes.size() - 1);
    std::uniform_int_distribution<std::size_t> length(0, 40);
    // Runs of ASCII long enough for the eight-byte path, between the rest.
    std::uniform_int_distribution<int> ascii_run(0, 3);
    for (int round = 0; round < 20000; ++round) {
        std::string s;
        const std::size_t n = length(rng);
        while (s.size() < n) {
            if (ascii_run(rng) == 0) {
                for (int k = 0; k < 9; ++k) s.push_back(static_cast<char>(bytes[pick(rng) % 13]));
            } else {
                s.push_back(static_cast<char>(bytes[pick(rng)]));
            }
        }
        ASSERT_EQ(fold_case(s), reference_fold_case(s)) << "round " << round;
        ASSERT_EQ(comparable(s), reference_comparable(s)) << "round " << round;
    }
}

}  // namespace
}  // namespace feedwire::feeds::detail
