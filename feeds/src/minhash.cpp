// MinHash signatures for near-duplicate dispatches (fingerprint.hpp has the
// scheme and the decision rule). Everything here is fixed by the encoded
// version "1": the word and shingle hashes, the salts of the number copies,
// the bin split and the densification probes. Signatures are stored in
// Redis and compared across machines and releases, so any change to them
// is a new version prefix, never an edit in place.
#include "feedwire/feeds/fingerprint.hpp"
#include "folded_words.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace feedwire::feeds {
namespace {

constexpr std::string_view version_prefix = "1:";
constexpr std::size_t encoded_bytes = 2 + 2 * minhash_bins;
constexpr unsigned bin_bits = 7;  // log2(minhash_bins)
static_assert(std::size_t{1} << bin_bits == minhash_bins);
constexpr std::uint64_t rank_mask = (std::uint64_t{1} << (64 - bin_bits)) - 1;
// Chance agreement of two 16-bit values from different minima.
constexpr double chance_agreement = 1.0 / 65536.0;
// A shingle with a figure in it counts this many times (see fingerprint.hpp).
constexpr unsigned number_weight = 3;
// Probes of the densification before falling back to the next filled bin:
// the shortest signed text (8 shingles) fills about 8 bins of 128, so an
// empty bin needs 16 probes on average, and 256 almost never run out.
constexpr unsigned max_probes = 256;

// SplitMix64's finalizer (Steele, Lea, Flood 2014): full avalanche in two
// multiplications.
constexpr std::uint64_t mix(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
}

constexpr std::uint64_t rotl(std::uint64_t x, unsigned n) noexcept {
    return (x << n) | (x >> (64U - n));
}

// 1 to 8 bytes as a little-endian number, whatever the host: two
// overlapping loads (their common bytes agree) instead of a byte loop.
std::uint64_t load_little_endian(const char* p, std::size_t n) noexcept {
    const auto byte = [p](std::size_t k) {
        return std::uint64_t{static_cast<unsigned char>(p[k])} << (8U * k);
    };
    if (n < 4) return byte(0) | byte(n / 2) | byte(n - 1);
    if constexpr (std::endian::native == std::endian::little) {
        std::uint32_t low = 0;
        std::uint32_t high = 0;
        std::memcpy(&low, p, 4);
        std::memcpy(&high, p + n - 4, 4);
        return low | (std::uint64_t{high} << (8U * (n - 4)));
    }
    std::uint64_t v = 0;
    for (std::size_t k = 0; k < n; ++k) v |= byte(k);
    return v;
}

// Whether any of the eight bytes of v is an ASCII digit: each byte's low
// seven bits plus 0x50 reach the high bit from '0' up, plus 0x46 from past
// '9' up, with no carry between bytes; bytes with the high bit are no digit.
constexpr bool has_digit_byte(std::uint64_t v) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    const std::uint64_t low = v & (0x7F * ones);
    const std::uint64_t from_0 = low + (0x80 - '0') * ones;
    const std::uint64_t past_9 = low + (0x80 - '9' - 1) * ones;
    return (from_0 & ~past_9 & ~v & highs) != 0;
}

// A word's hash: its bytes eight at a time, little-endian whatever the
// host; and whether it has a figure, read from the same loads.
struct word_hash {
    std::uint64_t hash;
    bool has_digit;
};

word_hash hash_word(std::string_view w) noexcept {
    std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ w.size();
    bool digit = false;
    std::size_t i = 0;
    while (i < w.size()) {
        const std::size_t n = std::min<std::size_t>(8, w.size() - i);
        const std::uint64_t v = load_little_endian(w.data() + i, n);
        digit = digit || has_digit_byte(v);
        h = mix(h ^ v);
        i += n;
    }
    return {h, digit};
}

// The weighted shingle hashes of a text, repeats included.
struct shingle_list {
    std::vector<std::uint64_t> hashes;
    std::size_t shingles = 0;  // shingles of the text, repeats included
};

// Takes a text's folded words one at a time; a shingle is three words.
static_assert(minhash_shingle_words == 3);
class shingler {
public:
    explicit shingler(std::size_t text_bytes) { list_.hashes.reserve(text_bytes / 4); }

    void add(std::string_view word) {
        const word_hash w = hash_word(word);
        // The last three words' hashes, oldest first, and which had a figure.
        oldest_ = middle_;
        middle_ = newest_;
        newest_ = w.hash;
        figures_ = ((figures_ << 1U) | (w.has_digit ? 1U : 0U)) & 7U;
        ++seen_;
        if (seen_ < minhash_shingle_words) return;
        const std::uint64_t shingle = mix(oldest_ ^ rotl(middle_, 21) ^ rotl(newest_, 42));
        std::vector<std::uint64_t>& out = list_.hashes;
        out.push_back(shingle);
        if (figures_ != 0) {
            for (unsigned copy = 1; copy < number_weight; ++copy)
                out.push_back(mix(shingle ^ (0x6a09e667f3bcc908ULL * copy)));
        }
    }

    const shingle_list& finish() {
        list_.shingles = seen_ < minhash_shingle_words ? 0 : seen_ - minhash_shingle_words + 1;
        return list_;
    }

private:
    shingle_list list_;
    std::uint64_t oldest_ = 0;
    std::uint64_t middle_ = 0;
    std::uint64_t newest_ = 0;
    unsigned figures_ = 0;
    std::size_t seen_ = 0;
};

// Distinct values among well-mixed hashes: an open-addressing table at most
// half full, the hash's own low bits as the slot.
std::size_t count_distinct(const std::vector<std::uint64_t>& hashes) {
    std::size_t size = 16;
    while (size < 2 * hashes.size()) size *= 2;
    std::vector<std::uint64_t> table(size, 0);
    std::size_t distinct = 0;
    bool has_zero = false;
    for (const std::uint64_t h : hashes) {
        if (h == 0) {
            has_zero = true;
            continue;
        }
        for (std::size_t slot = h & (size - 1);; slot = (slot + 1) & (size - 1)) {
            if (table[slot] == h) break;
            if (table[slot] == 0) {
                table[slot] = h;
                ++distinct;
                break;
            }
        }
    }
    return distinct + (has_zero ? 1 : 0);
}

// The bin an empty bin borrows from: the first filled one along the
// probe sequence of (bin, probe), the same for every text.
std::size_t donor_of(std::size_t bin, const std::array<bool, minhash_bins>& is_filled) {
    for (std::uint64_t probe = 1; probe <= max_probes; ++probe) {
        const auto j = static_cast<std::size_t>(
            mix(0xbb67ae8584caa73bULL ^ (std::uint64_t{bin} << 32U) ^ probe) >> (64 - bin_bits));
        if (is_filled[j]) return j;
    }
    for (std::size_t step = 1; step < minhash_bins; ++step) {
        const std::size_t j = (bin + step) % minhash_bins;
        if (is_filled[j]) return j;
    }
    return bin;
}

constexpr char base64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Each byte's value in base64url, or 64 for a byte outside the alphabet:
// a table, since a signature's characters are random and a chain of
// range tests on them mispredicts (every delivered item is decoded).
constexpr std::array<std::uint8_t, 256> base64url_values = [] {
    std::array<std::uint8_t, 256> out{};
    out.fill(64);
    for (std::size_t i = 0; i < 64; ++i)
        out[static_cast<unsigned char>(base64url[i])] = static_cast<std::uint8_t>(i);
    return out;
}();

std::size_t smaller_size(const minhash& a, const minhash& b) noexcept {
    return std::min(a.shingles, b.shingles);
}

}  // namespace

namespace {

std::optional<minhash> minhash_of(const shingle_list& list) {
    // The threshold is on the text's length in words, not on the weighted
    // set, so that figures do not make a short text long enough.
    if (list.shingles < minhash_min_shingles) return std::nullopt;

    std::array<std::uint64_t, minhash_bins> least{};
    least.fill(~std::uint64_t{0});
    std::array<bool, minhash_bins> is_filled{};
    for (const std::uint64_t h : list.hashes) {
        const auto bin = static_cast<std::size_t>(h >> (64 - bin_bits));
        least[bin] = std::min(least[bin], h & rank_mask);
        is_filled[bin] = true;
    }
    minhash out;
    out.shingles =
        static_cast<std::uint32_t>(std::min<std::size_t>(count_distinct(list.hashes), 0xFFFF));
    for (std::size_t bin = 0; bin < minhash_bins; ++bin) {
        const std::size_t from = is_filled[bin] ? bin : donor_of(bin, is_filled);
        out.bins[bin] = static_cast<std::uint16_t>(least[from]);
    }
    return out;
}

}  // namespace

std::optional<minhash> compute_minhash(std::string_view text) {
    shingler s(text.size());
    detail::folded_words words(text);
    std::string_view word;
    while (words.next(word)) s.add(word);
    return minhash_of(s.finish());
}

text_fingerprints fingerprint_text(std::string_view headline, std::string_view text,
                                   std::size_t shingle_from) {
    if (shingle_from > text.size()) shingle_from = text.size();
    // The words of `text` are folded once: joined for the content
    // fingerprint, and from the mark on, shingled.
    std::string material;
    material.reserve(headline.size() + text.size() + 1);
    detail::append_folded_words(material, headline);
    material.push_back('\n');
    shingler s(text.size() - shingle_from);
    detail::folded_words words(text, shingle_from);
    std::string_view word;
    for (std::size_t index = 0; words.next(word); ++index) {
        if (index > 0) material.push_back(' ');
        material.append(word);
        if (index >= words.words_before_mark()) s.add(word);
    }
    text_fingerprints out;
    out.content = sha256_hex(material, 16);
    if (words.words_before_mark() != detail::folded_words::npos) {
        const auto m = minhash_of(s.finish());
        if (m) out.minhash = encode_minhash(*m);
    } else {
        // The mark cut a word: the signature's text has words of its own.
        out.minhash = minhash_signature(text.substr(shingle_from));
    }
    return out;
}

std::string encode_minhash(const minhash& m) {
    std::array<std::uint8_t, encoded_bytes> bytes{};
    const auto count = static_cast<std::uint16_t>(std::min<std::uint32_t>(m.shingles, 0xFFFF));
    bytes[0] = static_cast<std::uint8_t>(count);
    bytes[1] = static_cast<std::uint8_t>(count >> 8U);
    for (std::size_t i = 0; i < minhash_bins; ++i) {
        bytes[2 + 2 * i] = static_cast<std::uint8_t>(m.bins[i]);
        bytes[3 + 2 * i] = static_cast<std::uint8_t>(m.bins[i] >> 8U);
    }
    static_assert(encoded_bytes % 3 == 0, "no base64 padding to handle");
    std::string out(version_prefix.size() + encoded_bytes / 3 * 4, '\0');
    std::copy(version_prefix.begin(), version_prefix.end(), out.begin());
    std::size_t o = version_prefix.size();
    for (std::size_t i = 0; i < encoded_bytes; i += 3) {
        const std::uint32_t group =
            (std::uint32_t{bytes[i]} << 16U) | (std::uint32_t{bytes[i + 1]} << 8U) | bytes[i + 2];
        out[o++] = base64url[(group >> 18U) & 0x3FU];
        out[o++] = base64url[(group >> 12U) & 0x3FU];
        out[o++] = base64url[(group >> 6U) & 0x3FU];
        out[o++] = base64url[group & 0x3FU];
    }
    return out;
}

std::string minhash_signature(std::string_view text) {
    const auto m = compute_minhash(text);
    return m ? encode_minhash(*m) : std::string();
}

std::optional<minhash> decode_minhash(std::string_view encoded) {
    if (encoded.substr(0, version_prefix.size()) != version_prefix) return std::nullopt;
    encoded.remove_prefix(version_prefix.size());
    if (encoded.size() != encoded_bytes / 3 * 4) return std::nullopt;
    std::array<std::uint8_t, encoded_bytes> bytes{};
    for (std::size_t i = 0, o = 0; i < encoded.size(); i += 4, o += 3) {
        std::uint32_t group = 0;
        std::uint32_t bad = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const std::uint32_t v = base64url_values[static_cast<unsigned char>(encoded[i + k])];
            bad |= v;
            group = (group << 6U) | (v & 0x3FU);
        }
        if ((bad & 64U) != 0) return std::nullopt;
        bytes[o] = static_cast<std::uint8_t>(group >> 16U);
        bytes[o + 1] = static_cast<std::uint8_t>(group >> 8U);
        bytes[o + 2] = static_cast<std::uint8_t>(group);
    }
    minhash out;
    out.shingles = std::uint32_t{bytes[0]} | (std::uint32_t{bytes[1]} << 8U);
    for (std::size_t i = 0; i < minhash_bins; ++i) {
        out.bins[i] = static_cast<std::uint16_t>(bytes[2 + 2 * i] | (bytes[3 + 2 * i] << 8U));
    }
    if (out.shingles == 0) return std::nullopt;
    return out;
}

double estimate_jaccard(const minhash& a, const minhash& b) {
    std::size_t same = 0;
    for (std::size_t i = 0; i < minhash_bins; ++i)
        if (a.bins[i] == b.bins[i]) ++same;
    const double agreement = static_cast<double>(same) / static_cast<double>(minhash_bins);
    const double j = (agreement - chance_agreement) / (1.0 - chance_agreement);
    return std::clamp(j, 0.0, 1.0);
}

double estimate_containment(const minhash& a, const minhash& b) {
    const double j = estimate_jaccard(a, b);
    const auto smaller = static_cast<double>(smaller_size(a, b));
    if (smaller <= 0.0) return 0.0;
    const double total = static_cast<double>(a.shingles) + static_cast<double>(b.shingles);
    return std::clamp(j * total / ((1.0 + j) * smaller), 0.0, 1.0);
}

bool is_near_duplicate(const minhash& a, const minhash& b) {
    const double j = estimate_jaccard(a, b);
    if (smaller_size(a, b) < minhash_small_shingles) return j >= near_duplicate_small_jaccard;
    return j >= near_duplicate_jaccard || estimate_containment(a, b) >= near_duplicate_containment;
}

std::array<std::uint64_t, minhash_bands> lsh_band_hashes(const minhash& m) {
    static_assert(minhash_bands * minhash_band_rows <= minhash_bins && minhash_band_rows == 2);
    std::array<std::uint64_t, minhash_bands> out{};
    for (std::size_t band = 0; band < minhash_bands; ++band) {
        // The finalizer of SplitMix64 over the band's number and rows.
        std::uint64_t v = (static_cast<std::uint64_t>(band) << 32U) |
                          (static_cast<std::uint64_t>(m.bins[2 * band]) << 16U) |
                          m.bins[2 * band + 1];
        v ^= v >> 30U;
        v *= 0xBF58476D1CE4E5B9ULL;
        v ^= v >> 27U;
        v *= 0x94D049BB133111EBULL;
        v ^= v >> 31U;
        out[band] = v >> 16U;
    }
    return out;
}

}  // namespace feedwire::feeds
