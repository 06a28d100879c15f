#include "feedwire/daemon/crc32c.hpp"

#include <gtest/gtest.h>

#include <string>

namespace feedwire::daemon {
namespace {

TEST(Crc32c, KnownVectors) {
    // RFC 3720 (iSCSI) B.4 and the customary check value.
    EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
    EXPECT_EQ(crc32c(""), 0u);
    EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
    EXPECT_EQ(crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
    std::string ascending;
    for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
    EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
}

TEST(Crc32c, HardwareAndTableAgreeOnEveryLengthAndAlignment) {
    std::string data;
    for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>(i * 131 + 7));
    for (std::size_t start = 0; start < 9; ++start) {
        for (std::size_t n = 0; start + n <= data.size(); n += 7) {
            const std::string_view piece(data.data() + start, n);
            ASSERT_EQ(crc32c(piece), crc32c_portable(piece)) << start << " " << n;
        }
    }
}

TEST(Crc32c, ContinuesAcrossPieces) {
    const std::string text = "NAGOYA /Japan/, November 22. /TASS/.";
    const auto whole = crc32c(text);
    EXPECT_EQ(crc32c(text.substr(13), crc32c(text.substr(0, 13))), whole);
    EXPECT_NE(crc32c("NAGOYA /Japan/, November 23. /TASS/."), whole);
}

}  // namespace
}  // namespace feedwire::daemon
