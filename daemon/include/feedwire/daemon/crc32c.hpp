// CRC-32C (Castagnoli, the iSCSI / ext4 / LevelDB checksum), used to
// detect torn and corrupt spool records. SSE 4.2's crc32 instruction when
// the processor has it, a table otherwise; both give the same value.
#pragma once

#include <cstdint>
#include <string_view>

namespace feedwire::daemon {

// CRC-32C of `data`, continuing from `crc` (0 to start).
std::uint32_t crc32c(std::string_view data, std::uint32_t crc = 0) noexcept;

// The table version alone, for tests that compare the two.
std::uint32_t crc32c_portable(std::string_view data, std::uint32_t crc = 0) noexcept;

}  // namespace feedwire::daemon
