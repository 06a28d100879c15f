// Shared helpers of the fuzz targets: splitting one fuzz input into the
// arguments of the function under test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

// The libFuzzer entry point every target defines; replay_main.cpp calls it
// when the target is built without libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace feedwire::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    return {reinterpret_cast<const char*>(data), size};
}

// Splits at the first '\n': ("a\nb\nc") -> ("a", "b\nc"); no '\n' gives
// (input, "").
inline std::pair<std::string_view, std::string_view> split_line(std::string_view input) noexcept {
    const std::size_t nl = input.find('\n');
    if (nl == std::string_view::npos) return {input, std::string_view()};
    return {input.substr(0, nl), input.substr(nl + 1)};
}

}  // namespace feedwire::fuzz
