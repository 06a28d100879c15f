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

// 128-bit hex digest of the headline and body after case folding of ASCII
// and whitespace collapsing, so that a change in markup or spacing alone
// leaves it unchanged.
std::string content_fingerprint(std::string_view headline, std::string_view body_text);

}  // namespace feedwire::feeds
