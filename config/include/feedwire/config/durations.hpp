// Durations and sizes as operators write them. Durations are one or more
// <integer><unit> groups with units in decreasing order (d, h, m, s, ms):
// "90s", "5m", "1h30m", "250ms"; a bare number is rejected because its unit
// would be a guess. Sizes are an integer with an optional unit: B, KB, MB,
// GB (powers of 1000) or KiB, MiB, GiB (powers of 1024); no unit = bytes.
// Overflow is an error, never a wrap.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace feedwire::config {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::optional<std::uint64_t> parse_size(std::string_view text);

}  // namespace feedwire::config
