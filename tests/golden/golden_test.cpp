// Golden tests: one parameterized test over every fixture document. A
// failure lists each differing field; FEEDWIRE_UPDATE_GOLDEN=1 rewrites the
// expected files instead (read the diff before committing it).
#include "golden.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

bool is_fixture(const fs::path& p) {
    const std::string name = p.filename().string();
    const std::string ext = p.extension().string();
    if (name.find(".expected.") != std::string::npos || name == "CMakeLists.txt") return false;
    // Fixtures live in group folders; files at the top are the runner's own.
    if (p.parent_path() == fs::path(FEEDWIRE_GOLDEN_DIR)) return false;
    return ext == ".xml" || ext == ".json" || ext == ".html" || ext == ".txt" || ext == ".bin" ||
           ext == ".rss" || ext == ".atom" || ext == ".rdf";
}

std::vector<std::string> all_fixtures() {
    std::vector<std::string> out;
    const fs::path root = FEEDWIRE_GOLDEN_DIR;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file() && is_fixture(entry.path())) {
            out.push_back(fs::relative(entry.path(), root).generic_string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<nlohmann::ordered_json> read_jsonl(const fs::path& p) {
    std::vector<nlohmann::ordered_json> out;
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) out.push_back(nlohmann::ordered_json::parse(line));
    }
    return out;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, MatchesExpectedItems) {
    const fs::path fixture = fs::path(FEEDWIRE_GOLDEN_DIR) / GetParam();
    const std::string group = fs::path(GetParam()).parent_path().generic_string();
    const auto options = feedwire::test::fixture_options(fixture, group);
    const std::string bytes = feedwire::test::read_file(fixture);
    const auto actual = feedwire::test::golden_lines(feedwire::feeds::parse_feed(bytes, options));

    fs::path expected_path = fixture;
    expected_path.replace_extension(".expected.jsonl");
    const char* update = std::getenv("FEEDWIRE_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        std::ofstream out(expected_path, std::ios::binary | std::ios::trunc);
        for (const auto& line : actual) {
            out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        }
        GTEST_SKIP() << "rewrote " << expected_path;
    }
    ASSERT_TRUE(fs::exists(expected_path))
        << expected_path << " is missing: run with FEEDWIRE_UPDATE_GOLDEN=1 and read the result";
    const auto expected = read_jsonl(expected_path);
    const auto diffs = feedwire::test::diff_lines(expected, actual);
    std::ostringstream msg;
    for (const auto& d : diffs) msg << "  " << d << '\n';
    EXPECT_TRUE(diffs.empty()) << GetParam() << " differs from " << expected_path.filename()
                               << ":\n"
                               << msg.str();
}

// The daemon and `feedwire parse` write items with item_json(), which must
// give the very bytes of the document form on every fixture.
TEST_P(Golden, DirectJsonMatchesDocument) {
    const fs::path fixture = fs::path(FEEDWIRE_GOLDEN_DIR) / GetParam();
    const std::string group = fs::path(GetParam()).parent_path().generic_string();
    const auto options = feedwire::test::fixture_options(fixture, group);
    const auto parsed = feedwire::feeds::parse_feed(feedwire::test::read_file(fixture), options);
    if (!parsed) GTEST_SKIP() << "no items: " << parsed.error().message;
    for (const auto& it : parsed->items) {
        EXPECT_EQ(feedwire::feeds::item_json(it),
                  feedwire::feeds::to_json(it).dump(-1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace));
    }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string name;
    for (const char c : info.param) {
        name.push_back((std::isalnum(static_cast<unsigned char>(c)) != 0) ? c : '_');
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden, ::testing::ValuesIn(all_fixtures()), test_name);

// The corpus must stay large enough to cover the parser's promises.
TEST(GoldenCorpus, HasAtLeast150Fixtures) { EXPECT_GE(all_fixtures().size(), 150U); }

}  // namespace
