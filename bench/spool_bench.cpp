// Spool write and replay rates on a real disk, for bench/spool.sh, which
// runs dd with conv=fsync on the same directory as the reference.
//
//   spool_bench DIR [MIB]
//
// Writes MIB (default 256) of records shaped like delivery commands (a
// batch of 64 items of about 1.5 KB each) with an fdatasync every 1 s of
// writing (the daemon's default, daemon.spool_sync), reopens the spool
// (which checks every record), replays it to empty, then writes 2 MiB
// with an fdatasync after every record. Prints one line per phase:
// "<phase> <MB/s> <records/s>".
#include "feedwire/daemon/spool.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using feedwire::daemon::spool;
using feedwire::daemon::spool_options;
using clock_type = std::chrono::steady_clock;

spool::argv_type make_command(int n) {
    spool::argv_type argv{
        "FCALL",          "feedwire_deliver", "2",    "feedwire:{dedup}:entries:bench:1",
        "feedwire:items", "100000",           "bench"};
    for (int i = 0; i < 64; ++i) {
        const std::string uri = "feedwire:" + std::to_string(n) + "-" + std::to_string(i);
        argv.push_back(uri);
        argv.emplace_back(32, 'f');
        argv.push_back("https://news.example/" + uri);
        argv.emplace_back("Talks resume in Geneva as delegations meet for a new round");
        argv.emplace_back("2025-11-22T09:14:00Z");
        argv.emplace_back();
        argv.emplace_back(1300, 'j');
    }
    return argv;
}

std::uint64_t bytes_of(const spool::argv_type& argv) {
    std::uint64_t n = 12;
    for (const auto& a : argv) n += 4 + a.size();
    return n;
}

void report(const char* phase, std::uint64_t bytes, std::uint64_t records, double seconds) {
    std::printf("%s %.1f %.0f\n", phase, static_cast<double>(bytes) / 1e6 / seconds,
                static_cast<double>(records) / seconds);
}

std::unique_ptr<spool> open(const std::filesystem::path& dir, bool each) {
    spool_options o;
    o.dir = dir;
    o.max_bytes = std::uint64_t{64} << 30;
    o.sync_each_record = each;
    std::vector<std::string> warnings;
    auto s = spool::open(o, warnings);
    if (!s) {
        std::fprintf(stderr, "spool_bench: %s\n", s.error().message.c_str());
        std::exit(1);
    }
    return std::move(s).value();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: spool_bench DIR [MIB]\n");
        return 2;
    }
    const std::filesystem::path dir = std::filesystem::path(argv[1]) / "spool-bench";
    const std::uint64_t target = (argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 256) << 20;
    std::filesystem::remove_all(dir);
    const auto command = make_command(1);
    const std::uint64_t record_bytes = bytes_of(command);

    {
        auto s = open(dir, false);
        std::uint64_t written = 0;
        std::uint64_t records = 0;
        const auto began = clock_type::now();
        auto last_sync = began;
        while (written < target) {
            if (!s->append(command)) return 1;
            written += record_bytes;
            ++records;
            if (clock_type::now() - last_sync >= std::chrono::seconds{1}) {
                if (!s->sync()) return 1;
                last_sync = clock_type::now();
            }
        }
        if (!s->sync()) return 1;
        report("write_sync_1s", written, records,
               std::chrono::duration<double>(clock_type::now() - began).count());
    }
    {
        const auto began = clock_type::now();
        auto s = open(dir, false);  // reads and checks every record
        const auto opened = clock_type::now();
        const auto bytes = s->stats().bytes;
        const auto records = s->stats().records;
        report("open_check", bytes, records, std::chrono::duration<double>(opened - began).count());
        std::uint64_t replayed = 0;
        for (;;) {
            auto f = s->front();
            if (!f || !*f) break;
            replayed += bytes_of(**f);
            s->pop_front();
        }
        report("replay", replayed, records,
               std::chrono::duration<double>(clock_type::now() - opened).count());
    }
    {
        auto s = open(dir, true);
        const std::uint64_t small = std::uint64_t{2} << 20;
        std::uint64_t written = 0;
        std::uint64_t records = 0;
        const auto began = clock_type::now();
        while (written < small) {
            if (!s->append(command)) return 1;
            written += record_bytes;
            ++records;
        }
        report("write_sync_each", written, records,
               std::chrono::duration<double>(clock_type::now() - began).count());
    }
    std::filesystem::remove_all(dir);
    return 0;
}
