// Digests that identify items: SHA-256 (FIPS 180-4), the item `uri`, the
// content fingerprint that tells a revision from a re-fetch, and the MinHash
// signature that finds the same dispatch republished with edits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds {

// Uses the CPU's SHA extensions where it has them.
std::array<std::uint8_t, 32> sha256(std::string_view data) noexcept;

namespace detail {
// The portable computation alone, for tests that compare the two.
std::array<std::uint8_t, 32> sha256_portable(std::string_view data) noexcept;
}  // namespace detail

// Lower-case hex of the first `bytes` bytes of SHA-256(data).
std::string sha256_hex(std::string_view data, std::size_t bytes = 32);

// "feedwire:" + 128-bit hex digest of (feed id, identity key).
std::string item_uri(std::string_view feed_id, std::string_view identity_key);

// 128-bit hex digest of the words of the headline and the body (plain
// text, so markup is already gone), lower-cased (ASCII, Latin-1, Cyrillic)
// with whitespace and punctuation ignored: the same text republished with
// other markup, spacing, quotes or dashes has the same digest; a change of
// any word changes it.
std::string content_fingerprint(std::string_view headline, std::string_view body_text);

// Near-duplicates: MinHash over word shingles
// -------------------------------------------
// The set: every 3-word shingle of the text's words (folded exactly as for
// the content fingerprint, so markup, case and punctuation make no
// difference). Numbers are words, and a shingle holding a word with a digit
// counts three times (two salted copies join it): a daily template (market
// report, weather, scores, rates) with other figures then shares little,
// while a republished dispatch keeps its figures. The headline is left out
// (republishers retitle), and so is the opening dateline (normalize drops
// it before signing: "NAGOYA /Japan/, November 22. /TASS/." and "NAGOYA,
// Japan, Nov 22 (Reuters) -" are the same story).
//
// The signature: one-permutation MinHash with optimal densification
// (Shrivastava, ICML 2017): one 64-bit hash per shingle, its top 7 bits
// pick one of 128 bins, each bin keeps its minimum, empty bins borrow from
// a bin chosen by a fixed probe sequence. That costs one hash per shingle
// instead of 128; two signatures agree in a bin with probability J, the
// Jaccard similarity of the two sets. Each bin keeps the low 16 bits of its
// minimum (b-bit MinHash: chance agreement 2^-16, corrected for), plus the
// number of distinct weighted shingles, for containment.
//
// Encoded: "1:" + base64url (no padding) of 258 little-endian bytes: the
// shingle count (uint16, saturating) then 128 uint16 bins; 346 characters.
// Texts with fewer than `minhash_min_shingles` shingles (10 words) get no
// signature: a line matches too much boilerplate to mean anything.
//
// Decision (is_near_duplicate): Jaccard >= 0.6, or containment of the
// shorter text in the longer >= 0.8 (a dispatch with its last paragraphs
// cut). On the 53 labelled pairs in tests/fixtures/near_duplicates
// (feeds_near_duplicate_test prints every pair) this gives precision 1.0
// and recall 1.0: the
// closest negatives are daily templates with other figures (J <= 0.45,
// containment <= 0.62; without the weighting of figures three of them
// reach J 0.58-0.64), the closest positives are leads cut from a longer
// dispatch (J 0.52, containment 0.96) and rephrased quotes (J 0.74). The
// Jaccard bar sits between the two, above the 0.5 first proposed: a false
// positive hides a story, a false negative shows one twice. When the
// shorter text has fewer than `minhash_small_shingles` shingles, one
// changed name is a third of it: containment is not used and Jaccard must
// reach 0.8.
//
// Candidates (lsh_band_hashes): 32 bands of 2 bins each. Two texts share at
// least one band key with probability 1 - (1 - J^2)^32: 0.87 at J = 0.25,
// 0.985 at J = 0.36 (containment 0.8 with the shorter text half the
// longer), above 0.9999 at J = 0.6; about 0.03 for texts of one topic that
// share a phrase or two (J = 0.03).
inline constexpr std::size_t minhash_bins = 128;
inline constexpr std::size_t minhash_shingle_words = 3;
inline constexpr std::size_t minhash_bands = 32;
inline constexpr std::size_t minhash_band_rows = 2;
inline constexpr std::size_t minhash_min_shingles = 8;
inline constexpr std::size_t minhash_small_shingles = 40;
inline constexpr double near_duplicate_jaccard = 0.6;
inline constexpr double near_duplicate_containment = 0.8;
inline constexpr double near_duplicate_small_jaccard = 0.8;

struct minhash {
    std::uint32_t shingles = 0;  // distinct weighted shingles, at most 65535
    std::array<std::uint16_t, minhash_bins> bins{};
    friend bool operator==(const minhash&, const minhash&) = default;
};

// The signature of a text, or nullopt when it has too few shingles.
std::optional<minhash> compute_minhash(std::string_view text);

// "1:" + base64url, as above.
std::string encode_minhash(const minhash& m);

// encode_minhash(compute_minhash(text)), or "" for a text too short.
std::string minhash_signature(std::string_view text);

// Both digests of an item's text, its words folded once: the same as
// {content_fingerprint(headline, text),
//  minhash_signature(text.substr(shingle_from))}.
struct text_fingerprints {
    std::string content;
    std::string minhash;
};
text_fingerprints fingerprint_text(std::string_view headline, std::string_view text,
                                   std::size_t shingle_from);

// nullopt unless `encoded` is a version 1 signature of the right length.
std::optional<minhash> decode_minhash(std::string_view encoded);

// Estimated Jaccard similarity of the two shingle sets, 0..1.
double estimate_jaccard(const minhash& a, const minhash& b);

// Estimated share of the smaller set found in the larger, 0..1:
// J * (|A| + |B|) / ((1 + J) * min(|A|, |B|)).
double estimate_containment(const minhash& a, const minhash& b);

// The rule above.
bool is_near_duplicate(const minhash& a, const minhash& b);

// One 48-bit hash per band, of the band's number and its rows: texts that
// share one are candidates for is_near_duplicate. It places the band in
// the shared near index in Redis, so every daemon must compute it alike.
std::array<std::uint64_t, minhash_bands> lsh_band_hashes(const minhash& m);

}  // namespace feedwire::feeds
