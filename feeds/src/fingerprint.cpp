// SHA-256 after FIPS 180-4 section 6.2, written out here so that the pure
// parser library needs no crypto dependency for what is only an identity
// digest. Digests are truncated to 128 bits where they name items: 2^64
// items before a likely collision is far beyond any stream's retention.
#include "feedwire/feeds/fingerprint.hpp"

#include "folded_words.hpp"

#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define FEEDWIRE_SHA_NI 1
#endif

namespace feedwire::feeds {
namespace {

constexpr std::array<std::uint32_t, 64> k_round = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, unsigned n) noexcept {
    return (x >> n) | (x << (32U - n));
}

void compress(std::array<std::uint32_t, 8>& h, const std::uint8_t* block) noexcept {
    std::array<std::uint32_t, 64> w{};
    for (std::size_t i = 0; i < 16; ++i) {
        w[i] = (std::uint32_t{block[4 * i]} << 24U) | (std::uint32_t{block[4 * i + 1]} << 16U) |
               (std::uint32_t{block[4 * i + 2]} << 8U) | std::uint32_t{block[4 * i + 3]};
    }
    for (std::size_t i = 16; i < 64; ++i) {
        const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3U);
        const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10U);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (std::size_t i = 0; i < 64; ++i) {
        const std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const std::uint32_t ch = (e & f) ^ (~e & g);
        const std::uint32_t t1 = hh + s1 + ch + k_round[i] + w[i];
        const std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        const std::uint32_t t2 = s0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

void compress_blocks_portable(std::array<std::uint32_t, 8>& h, const std::uint8_t* blocks,
                              std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) compress(h, blocks + 64 * i);
}

#ifdef FEEDWIRE_SHA_NI
// The same compression with the x86 SHA extensions (Intel since Goldmont
// and Ice Lake, AMD since Zen): about ten times fewer instructions. The
// state is kept as ABEF / CDGH lanes, as SHA256RNDS2 wants it, and the
// message schedule advances four words at a time.
__attribute__((target("sha,sse4.1,ssse3"))) void compress_blocks_sha_ni(
    std::array<std::uint32_t, 8>& h, const std::uint8_t* blocks, std::size_t count) noexcept {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&h[0]));
    __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&h[4]));
    tmp = _mm_shuffle_epi32(tmp, 0xB1);                // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);          // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);  // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);       // CDGH

    for (std::size_t b = 0; b < count; ++b) {
        const std::uint8_t* block = blocks + 64 * b;
        const __m128i abef_saved = state0;
        const __m128i cdgh_saved = state1;
        __m128i w[4];
#pragma GCC unroll 16
        for (std::size_t i = 0; i < 16; ++i) {
            if (i < 4) {
                w[i] = _mm_shuffle_epi8(
                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)), byte_swap);
            } else {
                // W[t] = W[t-16] + s0(W[t-15]) + W[t-7] + s1(W[t-2]), four at a time.
                __m128i next = _mm_sha256msg1_epu32(w[(i - 4) & 3], w[(i - 3) & 3]);
                next = _mm_add_epi32(next, _mm_alignr_epi8(w[(i - 1) & 3], w[(i - 2) & 3], 4));
                w[i & 3] = _mm_sha256msg2_epu32(next, w[(i - 1) & 3]);
            }
            __m128i msg = _mm_add_epi32(
                w[i & 3], _mm_loadu_si128(reinterpret_cast<const __m128i*>(&k_round[4 * i])));
            state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
            msg = _mm_shuffle_epi32(msg, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
        }
        state0 = _mm_add_epi32(state0, abef_saved);
        state1 = _mm_add_epi32(state1, cdgh_saved);
    }

    tmp = _mm_shuffle_epi32(state0, 0x1B);        // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);     // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);  // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8);     // HGFE
    _mm_storeu_si128(reinterpret_cast<__m128i*>(&h[0]), state0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(&h[4]), state1);
}

bool cpu_has_sha_ni() noexcept {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) == 0) return false;
    const bool ssse3 = (c & (1U << 9U)) != 0;
    const bool sse41 = (c & (1U << 19U)) != 0;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
    const bool sha = (b & (1U << 29U)) != 0;
    return ssse3 && sse41 && sha;
}
#endif

using compress_fn = void (*)(std::array<std::uint32_t, 8>&, const std::uint8_t*,
                             std::size_t) noexcept;

compress_fn pick_compress() noexcept {
#ifdef FEEDWIRE_SHA_NI
    if (cpu_has_sha_ni()) return compress_blocks_sha_ni;
#endif
    return compress_blocks_portable;
}

std::array<std::uint8_t, 32> sha256_with(compress_fn compress_blocks,
                                         std::string_view data) noexcept {
    std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
    std::size_t full = data.size() / 64;
    compress_blocks(h, bytes, full);

    // Padding (FIPS 180-4 5.1.1): 0x80, zeros, then the bit length, big-endian.
    std::array<std::uint8_t, 128> tail{};
    const std::size_t rest = data.size() - 64 * full;
    if (rest > 0) std::memcpy(tail.data(), bytes + 64 * full, rest);
    tail[rest] = 0x80;
    const std::size_t tail_len = rest < 56 ? 64 : 128;
    const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8U;
    for (std::size_t i = 0; i < 8; ++i) {
        tail[tail_len - 1 - i] = static_cast<std::uint8_t>(bits >> (8U * i));
    }
    compress_blocks(h, tail.data(), tail_len / 64);

    std::array<std::uint8_t, 32> out{};
    for (std::size_t i = 0; i < 8; ++i) {
        out[4 * i] = static_cast<std::uint8_t>(h[i] >> 24U);
        out[4 * i + 1] = static_cast<std::uint8_t>(h[i] >> 16U);
        out[4 * i + 2] = static_cast<std::uint8_t>(h[i] >> 8U);
        out[4 * i + 3] = static_cast<std::uint8_t>(h[i]);
    }
    return out;
}

}  // namespace

std::array<std::uint8_t, 32> sha256(std::string_view data) noexcept {
    static const compress_fn compress_blocks = pick_compress();
    return sha256_with(compress_blocks, data);
}

namespace detail {
std::array<std::uint8_t, 32> sha256_portable(std::string_view data) noexcept {
    return sha256_with(compress_blocks_portable, data);
}
}  // namespace detail

std::string sha256_hex(std::string_view data, std::size_t bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    const auto digest = sha256(data);
    if (bytes > digest.size()) bytes = digest.size();
    std::string out;
    out.reserve(2 * bytes);
    for (std::size_t i = 0; i < bytes; ++i) {
        out.push_back(digits[digest[i] >> 4U]);
        out.push_back(digits[digest[i] & 0x0FU]);
    }
    return out;
}

std::string item_uri(std::string_view feed_id, std::string_view identity_key) {
    std::string material;
    material.reserve(feed_id.size() + 1 + identity_key.size());
    material.append(feed_id).push_back('\n');
    material.append(identity_key);
    return "feedwire:" + sha256_hex(material, 16);
}

std::string content_fingerprint(std::string_view headline, std::string_view body_text) {
    std::string material;
    material.reserve(headline.size() + body_text.size() + 1);
    detail::append_folded_words(material, headline);
    material.push_back('\n');
    detail::append_folded_words(material, body_text);
    return sha256_hex(material, 16);
}

}  // namespace feedwire::feeds
