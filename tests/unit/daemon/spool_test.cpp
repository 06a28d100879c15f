// The disk spool on a real temporary directory: order, durability
// bookkeeping, the size cap, segment rotation and removal, and recovery
// from torn and corrupt records.
#include "feedwire/daemon/spool.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

namespace feedwire::daemon {
namespace {

namespace fs = std::filesystem;
using argv_type = spool::argv_type;

class Spool : public ::testing::Test {
protected:
    void SetUp() override {
        std::string templ = (fs::temp_directory_path() / "feedwire-spool-XXXXXX").string();
        ASSERT_NE(::mkdtemp(templ.data()), nullptr);
        dir_ = templ;
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    std::unique_ptr<spool> open(spool_options o = {}) {
        o.dir = dir_ / "spool";
        warnings_.clear();
        auto s = spool::open(o, warnings_);
        EXPECT_TRUE(s) << (s ? "" : s.error().message);
        return s ? std::move(*s) : nullptr;
    }

    std::vector<fs::path> segment_files() const {
        std::vector<fs::path> out;
        for (const auto& e : fs::directory_iterator(dir_ / "spool")) out.push_back(e.path());
        std::sort(out.begin(), out.end());
        return out;
    }

    static argv_type command(int i) {
        return {"FCALL",
                "feedwire_deliver",
                "1",
                "feedwire:{dedup}:entries:f:1",
                std::to_string(i),
                std::string(static_cast<std::size_t>(i % 5) * 100, 'x'),
                std::string()};
    }

    // Pops everything, in order.
    static std::vector<argv_type> drain(spool& s) {
        std::vector<argv_type> out;
        for (;;) {
            auto f = s.front();
            EXPECT_TRUE(f);
            if (!f || !*f) break;
            out.push_back(**f);
            s.pop_front();
        }
        return out;
    }

    fs::path dir_;
    std::vector<std::string> warnings_;
};

TEST_F(Spool, RecordsComeBackInOrderWithTheirBytes) {
    auto s = open();
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->empty());
    const argv_type binary{"a", std::string("\0\xff\n", 3), ""};
    ASSERT_TRUE(s->append(binary));
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(s->append(command(i)));
    EXPECT_EQ(s->stats().records, 11u);
    auto out = drain(*s);
    ASSERT_EQ(out.size(), 11u);
    EXPECT_EQ(out[0], binary);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(out[static_cast<std::size_t>(i) + 1], command(i));
    EXPECT_TRUE(s->empty());
    EXPECT_EQ(s->stats().bytes, 0u);
}

TEST_F(Spool, SurvivesReopenAndAppendsAfterWhatItFound) {
    {
        auto s = open();
        for (int i = 0; i < 3; ++i) ASSERT_TRUE(s->append(command(i)));
        ASSERT_TRUE(s->sync());
    }
    auto s = open();
    ASSERT_TRUE(s);
    EXPECT_TRUE(warnings_.empty());
    EXPECT_EQ(s->stats().records, 3u);
    ASSERT_TRUE(s->append(command(3)));
    auto out = drain(*s);
    ASSERT_EQ(out.size(), 4u);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out[static_cast<std::size_t>(i)], command(i));
    EXPECT_TRUE(segment_files().empty());  // every used-up segment is gone
}

TEST_F(Spool, DurableFollowsSync) {
    auto s = open();
    auto a = s->append(command(1));
    auto b = s->append(command(2));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, 1u);
    EXPECT_EQ(*b, 2u);
    EXPECT_EQ(s->appended(), 2u);
    EXPECT_EQ(s->durable(), 0u);
    auto synced = s->sync();
    ASSERT_TRUE(synced);
    EXPECT_EQ(*synced, 2u);
    EXPECT_EQ(s->durable(), 2u);
    ASSERT_TRUE(s->append(command(3)));
    EXPECT_EQ(s->durable(), 2u);
}

TEST_F(Spool, SyncEachRecordMakesEveryAppendDurable) {
    spool_options o;
    o.sync_each_record = true;
    auto s = open(o);
    ASSERT_TRUE(s->append(command(1)));
    EXPECT_EQ(s->durable(), 1u);
}

TEST_F(Spool, FullSpoolRefusesWithoutLosingWhatItHolds) {
    spool_options o;
    o.max_bytes = 2000;
    auto s = open(o);
    int accepted = 0;
    for (int i = 0; i < 50; ++i) {
        auto r = s->append(command(4));  // about 480 bytes each
        if (!r) {
            EXPECT_EQ(r.error().code, spool_errc::full);
            EXPECT_NE(r.error().message.find("full"), std::string::npos);
            break;
        }
        ++accepted;
    }
    EXPECT_EQ(accepted, 4);
    EXPECT_LE(s->stats().bytes, 2000u);
    // Replay makes room again.
    s->pop_front();
    EXPECT_TRUE(s->append(command(4)));
    EXPECT_EQ(drain(*s).size(), 4u);
}

TEST_F(Spool, SegmentsRotateAndAreRemovedOneByOne) {
    spool_options o;
    o.segment_bytes = 1000;
    auto s = open(o);
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(s->append(command(4)));
    const auto files = segment_files();
    ASSERT_GT(files.size(), 5u);
    EXPECT_EQ(s->stats().segments, files.size());
    for (int i = 0; i < 3; ++i) s->pop_front();
    EXPECT_LT(segment_files().size(), files.size());  // the first is gone
    EXPECT_FALSE(fs::exists(files.front()));
    EXPECT_EQ(drain(*s).size(), 17u);
    EXPECT_TRUE(segment_files().empty());
}

TEST_F(Spool, TornTailIsCutAndTheRecordsBeforeItKept) {
    {
        auto s = open();
        for (int i = 0; i < 5; ++i) ASSERT_TRUE(s->append(command(i)));
        ASSERT_TRUE(s->sync());
    }
    const auto file = segment_files().at(0);
    const auto size = fs::file_size(file);
    fs::resize_file(file, size - 3);  // power lost during the last write
    auto s = open();
    ASSERT_TRUE(s);
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_NE(warnings_[0].find(file.string()), std::string::npos) << warnings_[0];
    EXPECT_NE(warnings_[0].find("kept 4 records"), std::string::npos) << warnings_[0];
    EXPECT_EQ(s->stats().records, 4u);
    // Appends go on cleanly after the cut.
    ASSERT_TRUE(s->append(command(9)));
    auto out = drain(*s);
    ASSERT_EQ(out.size(), 5u);
    EXPECT_EQ(out[3], command(3));
    EXPECT_EQ(out[4], command(9));
}

TEST_F(Spool, CorruptRecordIsDetectedByItsChecksum) {
    {
        auto s = open();
        for (int i = 0; i < 4; ++i) ASSERT_TRUE(s->append(command(i)));
    }
    const auto file = segment_files().at(0);
    const auto size = fs::file_size(file);
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size) - 10);
        f.put('#');  // a flipped byte inside the last record's payload
    }
    auto s = open();
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_NE(warnings_[0].find("checksum mismatch"), std::string::npos) << warnings_[0];
    EXPECT_EQ(drain(*s).size(), 3u);
}

TEST_F(Spool, CorruptLengthIsNotTrusted) {
    {
        auto s = open();
        for (int i = 0; i < 2; ++i) ASSERT_TRUE(s->append(command(i)));
    }
    const auto file = segment_files().at(0);
    {
        // The first record's length field becomes huge.
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(8 + 3);
        f.put('\x7f');
    }
    auto s = open();
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_NE(warnings_[0].find("no records in it, removed"), std::string::npos) << warnings_[0];
    EXPECT_TRUE(s->empty());
    EXPECT_FALSE(fs::exists(file));
}

TEST_F(Spool, ForeignFilesAreLeftAlone) {
    fs::create_directories(dir_ / "spool");
    std::ofstream(dir_ / "spool" / "notes.txt") << "operator's file";
    auto s = open();
    EXPECT_TRUE(s->empty());
    EXPECT_TRUE(warnings_.empty());
    EXPECT_TRUE(fs::exists(dir_ / "spool" / "notes.txt"));
}

TEST_F(Spool, UnwritableDirectoryIsAnErrorThatNamesIt) {
    std::ofstream(dir_ / "file") << "x";
    spool_options o;
    o.dir = dir_ / "file" / "spool";
    std::vector<std::string> warnings;
    auto s = spool::open(o, warnings);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, spool_errc::io);
    EXPECT_NE(s.error().message.find((dir_ / "file").string()), std::string::npos);
}

}  // namespace
}  // namespace feedwire::daemon

namespace feedwire::daemon {
namespace {

// Any single damaged byte or cut, anywhere in a segment: opening never
// fails or crashes, and what is kept is exactly a prefix of what was
// written, in order.
TEST_F(Spool, AnyDamageKeepsAnExactPrefix) {
    std::mt19937 rng(7);
    for (int round = 0; round < 150; ++round) {
        std::error_code ec;
        fs::remove_all(dir_ / "spool", ec);
        std::vector<argv_type> written;
        {
            auto s = open();
            for (int i = 0; i < 5; ++i) {
                written.push_back(command(round * 10 + i));
                ASSERT_TRUE(s->append(written.back()));
            }
        }
        const auto file = segment_files().at(0);
        const auto size = fs::file_size(file);
        const auto at = std::uniform_int_distribution<std::uintmax_t>(0, size - 1)(rng);
        if (round % 3 == 0) {
            fs::resize_file(file, at);
        } else {
            std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
            f.seekg(static_cast<std::streamoff>(at));
            const int old = f.get();
            f.seekp(static_cast<std::streamoff>(at));
            f.put(static_cast<char>(old ^ (1 << (round % 8))));
        }
        auto s = open();
        ASSERT_TRUE(s) << "round " << round;
        const auto kept = drain(*s);
        ASSERT_LE(kept.size(), written.size()) << "round " << round;
        for (std::size_t i = 0; i < kept.size(); ++i)
            ASSERT_EQ(kept[i], written[i]) << "round " << round << " record " << i;
        if (kept.size() < written.size()) {
            EXPECT_FALSE(warnings_.empty()) << "round " << round;
        }
    }
}

}  // namespace
}  // namespace feedwire::daemon
