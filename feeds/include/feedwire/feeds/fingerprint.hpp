// Digests that identify items: SHA-256 (FIPS 180-4), the item `uri`, and the
// content fingerprint that tells a revision from a re-fetch.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace feedwire::feeds {

std::array<std::uint8_t, 32> sha256(std::string_view data) noexcept;

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

}  // namespace feedwire::feeds
