// parse_duration and parse_size: the forms operators write, and the ones
// that must be refused rather than guessed.
#include "feedwire/config/durations.hpp"

#include <gtest/gtest.h>

namespace feedwire::config {
namespace {

using std::chrono::milliseconds;

TEST(Durations, ParsesSingleUnits) {
    EXPECT_EQ(parse_duration("90s"), milliseconds{90000});
    EXPECT_EQ(parse_duration("5m"), milliseconds{300000});
    EXPECT_EQ(parse_duration("1h"), milliseconds{3600000});
    EXPECT_EQ(parse_duration("250ms"), milliseconds{250});
    EXPECT_EQ(parse_duration("2d"), milliseconds{172800000});
}

TEST(Durations, ParsesCompoundForms) {
    EXPECT_EQ(parse_duration("1h30m"), milliseconds{5400000});
    EXPECT_EQ(parse_duration("1m30s500ms"), milliseconds{90500});
}

TEST(Durations, RejectsMalformed) {
    for (const char* bad : {"", "90", "s", "1x", "1h 30m", "30m1h", "1m1m", "-5s", "1.5h", "5S",
                            "99999999999999999999s", "9223372036854775807d"}) {
        EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
    }
}

TEST(Sizes, ParsesUnits) {
    EXPECT_EQ(parse_size("1000"), 1000u);
    EXPECT_EQ(parse_size("10B"), 10u);
    EXPECT_EQ(parse_size("512KiB"), 512u * 1024);
    EXPECT_EQ(parse_size("10MiB"), 10u * 1024 * 1024);
    EXPECT_EQ(parse_size("1GiB"), 1024ull * 1024 * 1024);
    EXPECT_EQ(parse_size("1GB"), 1000000000u);
    EXPECT_EQ(parse_size("2KB"), 2000u);
    EXPECT_EQ(parse_size("3MB"), 3000000u);
}

TEST(Sizes, RejectsMalformed) {
    for (const char* bad :
         {"", "MiB", "10 MiB", "10mib", "1.5MiB", "-1", "10TiB", "18446744073709551615GiB"}) {
        EXPECT_FALSE(parse_size(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace feedwire::config
