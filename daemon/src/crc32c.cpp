#include "feedwire/daemon/crc32c.hpp"

#include <array>
#include <cstring>

namespace feedwire::daemon {
namespace {

constexpr std::uint32_t polynomial = 0x82F63B78;  // reflected Castagnoli

constexpr std::array<std::uint32_t, 256> make_table() {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ polynomial : c >> 1;
        t[i] = c;
    }
    return t;
}

constexpr auto table = make_table();

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::string_view data,
                                                             std::uint32_t crc) noexcept {
    std::uint64_t c = ~crc;
    const char* p = data.data();
    std::size_t n = data.size();
    while (n >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        c = __builtin_ia32_crc32di(c, word);
        p += 8;
        n -= 8;
    }
    auto c32 = static_cast<std::uint32_t>(c);
    while (n-- > 0) c32 = __builtin_ia32_crc32qi(c32, static_cast<unsigned char>(*p++));
    return ~c32;
}

bool has_sse42() noexcept {
    static const bool yes = __builtin_cpu_supports("sse4.2");
    return yes;
}
#endif

}  // namespace

std::uint32_t crc32c_portable(std::string_view data, std::uint32_t crc) noexcept {
    std::uint32_t c = ~crc;
    for (char ch : data) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (c >> 8);
    return ~c;
}

std::uint32_t crc32c(std::string_view data, std::uint32_t crc) noexcept {
#if defined(__x86_64__)
    if (has_sse42()) return crc32c_sse42(data, crc);
#endif
    return crc32c_portable(data, crc);
}

}  // namespace feedwire::daemon
