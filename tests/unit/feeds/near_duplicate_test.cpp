// Near-duplicate signatures: the encoding, the estimates, the banding, and
// the decision rule's precision and recall over the labelled pairs in
// tests/fixtures/near_duplicates/pairs.jsonl (see the README there).
#include "feedwire/feeds/boilerplate.hpp"
#include "feedwire/feeds/credits.hpp"
#include "feedwire/feeds/dateline.hpp"
#include "feedwire/feeds/fingerprint.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace feedwire::feeds {
namespace {

// The text normalize() signs: the body without furniture and credits,
// and without its opening dateline.
std::string signature_of(const std::string& headline, const std::string& body) {
    const std::string text = extract_credits(remove_furniture(body, headline)).text;
    std::string_view shingled = text;
    if (const auto d = find_dateline(text, std::nullopt);
        d && shingled.substr(0, d->text.size()) == d->text) {
        shingled.remove_prefix(d->text.size());
    }
    return minhash_signature(shingled);
}

minhash decoded(const std::string& signature) {
    const auto m = decode_minhash(signature);
    EXPECT_TRUE(m.has_value()) << signature;
    return m.value_or(minhash{});
}

// 120 made-up words, every eighth a figure: distinct seeds share no shingle.
std::vector<std::string> story_words(unsigned seed) {
    std::vector<std::string> words;
    unsigned state = seed * 2654435761U + 1U;
    auto next = [&state]() {
        state = state * 1103515245U + 12345U;
        return (state >> 8U) & 0xFFFFU;
    };
    for (int i = 0; i < 120; ++i) {
        if (i % 8 == 7) {
            words.push_back(std::to_string(1000 + next() % 9000));
            continue;
        }
        std::string w;
        for (int k = 0; k < 6; ++k) w.push_back(static_cast<char>('a' + next() % 26));
        words.push_back(std::move(w));
    }
    return words;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

std::string story(unsigned seed) { return joined(story_words(seed)); }

TEST(Minhash, EncodingRoundTrips) {
    const auto m = compute_minhash(story(1));
    ASSERT_TRUE(m.has_value());
    const std::string encoded = encode_minhash(*m);
    EXPECT_EQ(encoded.substr(0, 2), "1:");
    EXPECT_EQ(encoded.size(), 346u);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(decode_minhash(encoded), m);
    EXPECT_EQ(minhash_signature(story(1)), encoded);
}

TEST(Minhash, DecodeRefusesOtherVersionsAndDamage) {
    const std::string encoded = minhash_signature(story(2));
    EXPECT_FALSE(decode_minhash(""));
    EXPECT_FALSE(decode_minhash("2" + encoded.substr(1)));
    EXPECT_FALSE(decode_minhash(encoded.substr(0, encoded.size() - 1)));
    EXPECT_FALSE(decode_minhash(encoded + "A"));
    std::string damaged = encoded;
    damaged[10] = '+';
    EXPECT_FALSE(decode_minhash(damaged));
    // Bytes outside ASCII and NUL, anywhere in a group of four.
    for (const char c : {'\xff', '\x80', '\0', '=', '.'}) {
        for (std::size_t at : {2u, 3u, 4u, 5u, 345u}) {
            std::string bad = encoded;
            bad[at] = c;
            EXPECT_FALSE(decode_minhash(bad)) << at << " " << static_cast<int>(c);
        }
    }
}

TEST(Minhash, IdenticalTextsHaveJaccardOne) {
    const auto a = decoded(minhash_signature(story(3)));
    // Markup, spacing, case and punctuation are not words.
    std::string shouted = story(3);
    std::transform(shouted.begin(), shouted.end(), shouted.begin(),
                   [](char c) { return c == ' ' ? '\n' : static_cast<char>(std::toupper(c)); });
    const auto b = decoded(minhash_signature("\"" + shouted + "!\""));
    EXPECT_DOUBLE_EQ(estimate_jaccard(a, a), 1.0);
    EXPECT_DOUBLE_EQ(estimate_jaccard(a, b), 1.0);
    EXPECT_DOUBLE_EQ(estimate_containment(a, b), 1.0);
    EXPECT_TRUE(is_near_duplicate(a, b));
}

TEST(Minhash, DisjointTextsHaveJaccardNearZero) {
    const auto a = decoded(minhash_signature(story(4)));
    const auto b = decoded(minhash_signature(story(5)));
    EXPECT_LT(estimate_jaccard(a, b), 0.05);
    EXPECT_LT(estimate_containment(a, b), 0.1);
    EXPECT_FALSE(is_near_duplicate(a, b));
}

TEST(Minhash, EstimatesJaccardAndContainmentOfAPrefix) {
    // The first half of a text: J = 1/2 less the shingles across the cut,
    // containment 1.
    const std::string whole = story(6);
    const std::string half = whole.substr(0, whole.find(' ', whole.size() / 2));
    const auto a = decoded(minhash_signature(whole));
    const auto b = decoded(minhash_signature(half));
    EXPECT_NEAR(estimate_jaccard(a, b), 0.5, 0.12);
    EXPECT_GT(estimate_containment(a, b), 0.85);
    EXPECT_TRUE(is_near_duplicate(a, b));
}

TEST(Minhash, AFigureAnywhereInAWordCounts) {
    // Words of 1 to 19 bytes, distinct, every fifth with a figure at a
    // position that moves through the word; the others mix in Cyrillic
    // letters, whose second bytes (0xB0 to 0xB9 for "а" to "й") are digits
    // but for their high bit.
    std::vector<std::string> words;
    for (std::size_t i = 0; i < 90; ++i) {
        const std::size_t length = 1 + i % 19;
        std::string w;
        for (std::size_t k = 0; k < length; ++k) w.push_back(static_cast<char>('a' + (i + k) % 26));
        w += std::to_string(i / 26);  // keeps the words distinct
        if (i % 5 == 0) {
            w[(i * 5) % w.size()] = '0' + static_cast<char>(i % 10);
            if (std::none_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; }))
                w.push_back('9');
        } else {
            for (auto& c : w) {
                if (c >= '0' && c <= '9') c = 'q';
            }
            w.insert(i % w.size(), "\xD0\xB0\xD0\xB9");  // "ай"
            w.push_back(static_cast<char>('a' + i % 26));
            w += std::string(i / 26 + 1, 'x');
        }
        words.push_back(std::move(w));
    }
    std::uint32_t with_figures = 0;
    const auto has_digit = [](const std::string& w) {
        return std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    for (std::size_t i = 0; i + 2 < words.size(); ++i) {
        with_figures += has_digit(words[i]) || has_digit(words[i + 1]) || has_digit(words[i + 2]);
    }
    ASSERT_EQ(std::set<std::string>(words.begin(), words.end()).size(), words.size());
    const auto a = decoded(minhash_signature(joined(words)));
    EXPECT_EQ(a.shingles, 88u + 2u * with_figures);
}

TEST(Minhash, FiguresWeighMore) {
    // A shingle holding a figure counts three times.
    const auto words = story_words(7);
    std::uint32_t with_figures = 0;
    for (std::size_t i = 0; i + 2 < words.size(); ++i) {
        const bool has_figure = std::isdigit(words[i][0]) != 0 ||
                                std::isdigit(words[i + 1][0]) != 0 ||
                                std::isdigit(words[i + 2][0]) != 0;
        with_figures += has_figure ? 1 : 0;
    }
    const auto a = decoded(minhash_signature(joined(words)));
    EXPECT_EQ(a.shingles, 118u + 2u * with_figures);

    // So another figure moves the estimate three times as far as another
    // word: of 118 shingles, 3 change in each case.
    auto other_figure = words;
    other_figure[63] = "2";
    auto other_word = words;
    other_word[60] = "other";
    const auto f = decoded(minhash_signature(joined(other_figure)));
    const auto w = decoded(minhash_signature(joined(other_word)));
    EXPECT_LT(estimate_jaccard(a, f), estimate_jaccard(a, w));
    EXPECT_TRUE(is_near_duplicate(a, f));
    EXPECT_TRUE(is_near_duplicate(a, w));
}

TEST(Minhash, ShortTextsHaveNoSignature) {
    EXPECT_EQ(minhash_signature(""), "");
    EXPECT_EQ(minhash_signature("   \n\n  "), "");
    EXPECT_EQ(minhash_signature("Markets closed higher on Monday."), "");
    EXPECT_FALSE(compute_minhash("one two three four five six seven eight nine"));
    EXPECT_TRUE(compute_minhash("one two three four five six seven eight nine ten"));
}

TEST(Minhash, ShortTextsNeedAlmostTheSameWords) {
    // Two lines of one template share most shingles but are not one story:
    // under minhash_small_shingles the containment rule is off and J must
    // reach 0.8.
    const auto a = decoded(minhash_signature(
        "Trading in the shares of Orlen was suspended on the Warsaw exchange pending an "
        "announcement, the operator said."));
    const auto b = decoded(minhash_signature(
        "Trading in the shares of KGHM was suspended on the Warsaw exchange pending an "
        "announcement, the operator said."));
    ASSERT_LT(std::min(a.shingles, b.shingles), minhash_small_shingles);
    EXPECT_FALSE(is_near_duplicate(a, b));
    EXPECT_TRUE(is_near_duplicate(a, a));
}

TEST(Minhash, BandHashes) {
    const auto a = decoded(minhash_signature(story(8)));
    const auto bands = lsh_band_hashes(a);
    for (const auto h : bands) EXPECT_LT(h, 1ULL << 48U);
    EXPECT_EQ(std::set<std::uint64_t>(bands.begin(), bands.end()).size(), bands.size());
    // The band number is part of the hash: equal rows in two bands land apart.
    auto same_rows = a;
    same_rows.bins[2] = a.bins[0];
    same_rows.bins[3] = a.bins[1];
    const auto moved = lsh_band_hashes(same_rows);
    EXPECT_EQ(moved[0], bands[0]);
    EXPECT_NE(moved[1], moved[0]);
    // Row order counts too.
    auto swapped = a;
    std::swap(swapped.bins[0], swapped.bins[1]);
    if (a.bins[0] != a.bins[1]) {
        EXPECT_NE(lsh_band_hashes(swapped)[0], bands[0]);
    }
    EXPECT_EQ(lsh_band_hashes(swapped)[1], bands[1]);
    const auto unrelated = lsh_band_hashes(decoded(minhash_signature(story(9))));
    for (const auto h : unrelated) EXPECT_EQ(std::count(bands.begin(), bands.end(), h), 0) << h;
}

struct labelled_pair {
    std::string id;
    std::string kind;
    bool is_duplicate = false;
    minhash a;
    minhash b;
};

std::vector<labelled_pair> load_pairs() {
    std::ifstream in(FEEDWIRE_TESTS_DIR "/fixtures/near_duplicates/pairs.jsonl");
    EXPECT_TRUE(in.good());
    std::vector<labelled_pair> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto j = nlohmann::json::parse(line);
        labelled_pair p;
        p.id = j.at("id").get<std::string>();
        p.kind = j.at("kind").get<std::string>();
        p.is_duplicate = j.at("label").get<std::string>() == "duplicate";
        EXPECT_TRUE(p.is_duplicate || j.at("label") == "different") << p.id;
        p.a = decoded(signature_of(j.at("a").at("headline"), j.at("a").at("body")));
        p.b = decoded(signature_of(j.at("b").at("headline"), j.at("b").at("body")));
        out.push_back(std::move(p));
    }
    return out;
}

TEST(NearDuplicate, PrecisionAndRecallOnLabelledPairs) {
    const auto pairs = load_pairs();
    ASSERT_GE(pairs.size(), 40u);
    std::size_t true_pos = 0, false_pos = 0, false_neg = 0, positives = 0;
    for (const auto& p : pairs) {
        const bool says = is_near_duplicate(p.a, p.b);
        positives += p.is_duplicate ? 1 : 0;
        if (says && p.is_duplicate) ++true_pos;
        if (says && !p.is_duplicate) ++false_pos;
        if (!says && p.is_duplicate) ++false_neg;
        std::printf("%-9s %-5s J=%.3f C=%.3f |A|=%-4u |B|=%-4u %-36s %s\n",
                    p.is_duplicate ? "duplicate" : "different",
                    says == p.is_duplicate ? "ok" : "WRONG", estimate_jaccard(p.a, p.b),
                    estimate_containment(p.a, p.b), p.a.shingles, p.b.shingles, p.kind.c_str(),
                    p.id.c_str());
    }
    const double precision =
        true_pos + false_pos == 0
            ? 1.0
            : static_cast<double>(true_pos) / static_cast<double>(true_pos + false_pos);
    const double recall = static_cast<double>(true_pos) / static_cast<double>(positives);
    std::printf(
        "%zu pairs (%zu duplicates): precision %.3f, recall %.3f (%zu false positives, "
        "%zu false negatives)\n",
        pairs.size(), positives, precision, recall, false_pos, false_neg);
    EXPECT_GE(precision, 0.98);
    EXPECT_GE(recall, 0.95);
}

TEST(NearDuplicate, BandingFindsTheLabelledDuplicates) {
    const auto pairs = load_pairs();
    std::size_t found = 0, duplicates = 0;
    for (const auto& p : pairs) {
        if (!p.is_duplicate) continue;
        ++duplicates;
        const auto ka = lsh_band_hashes(p.a);
        const auto kb = lsh_band_hashes(p.b);
        bool shares = false;  // in the same band: the hash includes its number
        for (std::size_t band = 0; band < minhash_bands; ++band) shares |= ka[band] == kb[band];
        if (shares) {
            ++found;
        } else {
            std::printf("no shared band key: %s\n", p.id.c_str());
        }
    }
    std::printf("banding finds %zu of %zu duplicates as candidates\n", found, duplicates);
    EXPECT_GE(static_cast<double>(found), 0.95 * static_cast<double>(duplicates));
}

}  // namespace
}  // namespace feedwire::feeds
