// Feed states kept on disk while Redis is away: the file format reads back
// exactly (any bytes in values), every damage is caught rather than read as
// a state, file names are safe for any id, and writes replace a file whole.
#include "feedwire/daemon/state_files.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

namespace feedwire::daemon {
namespace {

namespace fs = std::filesystem;

stored_state sample(const std::string& id = "tass.com-rss-v2.xml") {
    stored_state s;
    s.feed_id = id;
    s.fields = {{"v", "1"},
                {"etag", "W/\"abc, \\\"quoted\\\"\""},
                {"last_modified", "Sat, 22 Nov 2025 09:14:00 GMT"},
                {"last_poll", "1763802840000"},
                // Newlines, spaces, a NUL and non-ASCII: values are raw bytes.
                {"last_error", std::string("HTTP 503\nsecond line \x00 é\n", 26)},
                {"body_hash", ""}};
    return s;
}

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_raw(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
}

TEST(StateFileFormat, RoundTripsEveryByte) {
    const stored_state s = sample();
    const std::string bytes = encode_state_file(s);
    std::string reason;
    const auto back = decode_state_file(bytes, reason);
    ASSERT_TRUE(back) << reason;
    EXPECT_EQ(*back, s);
    // Readable by an operator: header, the feed, one line per plain field.
    EXPECT_EQ(bytes.rfind("feedwire-state 1\nfeed 19 tass.com-rss-v2.xml\nv 1 1\n", 0), 0u);
    EXPECT_NE(bytes.find("\nlast_poll 13 1763802840000\n"), std::string::npos);
}

TEST(StateFileFormat, NoFieldsIsAState) {
    stored_state s;
    s.feed_id = "f";
    std::string reason;
    const auto back = decode_state_file(encode_state_file(s), reason);
    ASSERT_TRUE(back) << reason;
    EXPECT_EQ(*back, s);
}

TEST(StateFileFormat, EveryCutAndEveryFlippedByteIsRefused) {
    const std::string bytes = encode_state_file(sample());
    std::string reason;
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        EXPECT_FALSE(decode_state_file(bytes.substr(0, n), reason)) << "cut at " << n;
        EXPECT_FALSE(reason.empty());
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::string damaged = bytes;
        damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
        EXPECT_FALSE(decode_state_file(damaged, reason)) << "flipped byte " << i;
    }
    EXPECT_FALSE(decode_state_file(bytes + "x", reason));
    EXPECT_FALSE(decode_state_file("", reason));
    EXPECT_FALSE(decode_state_file("<rss/>", reason));
}

TEST(StateFileFormat, FileNamesAreSafeAndDistinct) {
    EXPECT_EQ(state_file_name("tass.com-rss-v2.xml"), "tass.com-rss-v2.xml.state");
    EXPECT_EQ(state_file_name("a/b"), "a%2Fb.state");
    EXPECT_EQ(state_file_name(".."), "...state");
    EXPECT_EQ(state_file_name("a%2Fb"), "a%252Fb.state");
    std::set<std::string> names;
    for (const std::string id : {"a/b", "a%2Fb", "a b", "a\nb", "A", "a", ".", ".."}) {
        const std::string name = state_file_name(id);
        EXPECT_EQ(name.find('/'), std::string::npos) << id;
        EXPECT_EQ(name.find('\n'), std::string::npos) << id;
        EXPECT_TRUE(names.insert(name).second) << id;
    }
    // Ids beyond a file name's length are shortened and stay apart.
    const std::string long_a(400, 'a');
    const std::string long_b = std::string(399, 'a') + "b";
    EXPECT_LE(state_file_name(long_a).size(), 200u);
    EXPECT_NE(state_file_name(long_a), state_file_name(long_b));
    EXPECT_EQ(state_file_name(std::string(300, '/')).find('/'), std::string::npos);
}

class StateFiles : public ::testing::Test {
protected:
    void SetUp() override {
        std::string templ = (fs::temp_directory_path() / "feedwire-state-XXXXXX").string();
        ASSERT_NE(::mkdtemp(templ.data()), nullptr);
        root_ = templ;
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    std::unique_ptr<state_files> open() {
        auto s = state_files::open(root_ / "state");
        EXPECT_TRUE(s) << (s ? "" : s.error().message);
        return s ? std::move(*s) : nullptr;
    }

    std::vector<std::string> files() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(root_ / "state"))
            out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

    fs::path root_;
};

TEST_F(StateFiles, WritesReplacesLoadsAndRemoves) {
    auto store = open();
    ASSERT_TRUE(store);
    std::vector<std::string> warnings;
    EXPECT_TRUE(store->load(warnings).empty());

    stored_state a = sample("a");
    ASSERT_TRUE(store->write(a));
    ASSERT_TRUE(store->write(sample("b/c")));
    a.fields.emplace_back("etag", "\"v2\"");
    ASSERT_TRUE(store->write(a));  // replaces a's file
    EXPECT_EQ(files(), (std::vector<std::string>{"a.state", "b%2Fc.state"}));
    EXPECT_EQ(store->path_of("a"), root_ / "state" / "a.state");

    const auto loaded = open()->load(warnings);
    EXPECT_TRUE(warnings.empty());
    ASSERT_EQ(loaded.size(), 2u);
    EXPECT_EQ(loaded[0], a);
    EXPECT_EQ(loaded[1], sample("b/c"));

    ASSERT_TRUE(store->remove("a"));
    ASSERT_TRUE(store->remove("a"));  // already gone: fine
    ASSERT_TRUE(store->remove("never-written"));
    EXPECT_EQ(files(), (std::vector<std::string>{"b%2Fc.state"}));
}

TEST_F(StateFiles, DamagedAndInterruptedFilesAreReportedAndRemoved) {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->write(sample("good")));
    const std::string bytes = encode_state_file(sample("torn"));
    write_raw(root_ / "state" / "torn.state", bytes.substr(0, bytes.size() / 2));
    std::string flipped = encode_state_file(sample("flipped"));
    flipped[30] = 'X';
    write_raw(root_ / "state" / "flipped.state", flipped);
    // A crash between writing the temporary file and renaming it.
    write_raw(root_ / "state" / "good.state.tmp", "feedwire-state 1\nfeed 4 go");
    write_raw(root_ / "state" / "README", "not ours");  // left alone

    std::vector<std::string> warnings;
    const auto loaded = store->load(warnings);
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_EQ(loaded[0], sample("good"));
    ASSERT_EQ(warnings.size(), 3u);
    std::string all;
    for (const auto& w : warnings) all += w + "\n";
    EXPECT_NE(all.find("torn.state: cut short"), std::string::npos) << all;
    EXPECT_NE(all.find("flipped.state: checksum mismatch"), std::string::npos) << all;
    EXPECT_NE(all.find("good.state.tmp: left by an interrupted write"), std::string::npos) << all;
    EXPECT_EQ(files(), (std::vector<std::string>{"README", "good.state"}));
}

TEST_F(StateFiles, AFailedWriteKeepsTheOldFileWhole) {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->write(sample("a")));
    const std::string before = read_all(root_ / "state" / "a.state");
    // The temporary file cannot be created (a directory holds its name;
    // unlike permissions, that stops root too).
    fs::create_directory(root_ / "state" / "a.state.tmp");
    stored_state newer = sample("a");
    newer.fields.emplace_back("etag", "\"v9\"");
    const auto written = store->write(newer);
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().message.find("a.state.tmp"), std::string::npos)
        << written.error().message;
    EXPECT_EQ(read_all(root_ / "state" / "a.state"), before);
    fs::remove(root_ / "state" / "a.state.tmp");
    ASSERT_TRUE(store->write(newer));
    EXPECT_EQ(read_all(root_ / "state" / "a.state"), encode_state_file(newer));
    EXPECT_EQ(files(), (std::vector<std::string>{"a.state"}));
}

TEST_F(StateFiles, AnUnusableDirectoryIsAnError) {
    write_raw(root_ / "state", "a file where the directory should be");
    const auto s = state_files::open(root_ / "state");
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find(root_.string()), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace feedwire::daemon
