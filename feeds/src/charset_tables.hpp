// Internal: the single-byte code page tables generated into
// charset_tables.cpp by tools/gen-charset-tables.py.
#pragma once

#include <feedwire/feeds/charset.hpp>

#include <array>

namespace feedwire::feeds::detail {

// Code points of bytes 0x80..0xFF; bytes below 0x80 are ASCII in every
// supported single-byte encoding. U+FFFD marks a byte the code page leaves
// undefined. Every entry is in the BMP, so char16_t is enough.
using high_half_table = std::array<char16_t, 128>;

// The table for a single-byte encoding, nullptr for UTF-8/16/32.
const high_half_table* single_byte_table(encoding e) noexcept;

}  // namespace feedwire::feeds::detail
