// Delivery through the atomic step against plain XADD, over one connection
// with the client's window of commands in flight, for bench/deliver.sh
// (which starts the redis-server and adds redis-benchmark's figure).
//
//   deliver_bench SOCKET [ITEMS]
//
// Prints "<phase> <items/s>" for:
//   xadd       plain pipelined XADD of the same fields and item JSON, with
//              the same MAXLEN ~ 100000 the function uses (the ceiling)
//   deliver    feedwire_deliver, new items (check, XADD, record)
//   unchanged  feedwire_deliver of the same items again (check only)
#include "feedwire/daemon/deliver.hpp"
#include "feedwire/daemon/redis.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using namespace feedwire;
using clock_type = std::chrono::steady_clock;

feeds::item make_item(int i) {
    feeds::item it;
    it.uri = "feedwire:bench-" + std::to_string(i);
    it.guid = "urn:bench:" + std::to_string(i);
    it.url = "https://news.example/story/" + std::to_string(i);
    it.headline = "Talks resume in Geneva as delegations meet for round " + std::to_string(i);
    // About 1 KB of item JSON, like a short dispatch.
    it.body_text = "GENEVA, November 22. /TASS/. " + std::string(760, 'x');
    it.firstcreated = std::chrono::sys_days{std::chrono::year{2025} / 11 / 22};
    it.source.feed = "bench";
    it.fingerprint.content = "f" + std::to_string(i);
    return it;
}

template <typename Done>
void run_until(asio::io_context& io, Done done) {
    while (!done()) io.run_one();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: deliver_bench SOCKET [ITEMS]\n");
        return 2;
    }
    const int count = argc > 2 ? std::atoi(argv[2]) : 200000;
    asio::io_context io;
    config::redis_config where;
    where.scheme = config::redis_scheme::unix_socket;
    where.socket_path = argv[1];
    daemon::redis_client redis(io, where);
    redis.set_prelude({daemon::delivery_library_load_command()});
    redis.start();
    run_until(io, [&] { return redis.is_connected(); });

    std::vector<daemon::delivery_payload> payloads;
    payloads.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) payloads.push_back(daemon::prepare_delivery(make_item(i)));

    // The ceiling: XADD of the same fields and trimming, one command per
    // item, window-pipelined.
    {
        int answered = 0;
        const auto began = clock_type::now();
        for (const auto& p : payloads) {
            redis.command(
                {"XADD", "bench:xadd", "MAXLEN",   "~",        "100000",         "*",
                 "uri",  p.uri,        "event",    "new",      "feed",           "bench",
                 "url",  p.url,        "headline", p.headline, "versioncreated", p.versioncreated,
                 "item", p.json},
                [&](daemon::redis_result) { ++answered; });
        }
        run_until(io, [&] { return answered == count; });
        const double s = std::chrono::duration<double>(clock_type::now() - began).count();
        std::printf("xadd %.0f\n", count / s);
    }
    daemon::deliverer delivery(io, redis);
    for (const char* phase : {"deliver", "unchanged"}) {
        // Feeds of 500 items, as the daemon hands them over. The copies
        // are made before the clock starts: the daemon moves its payloads.
        std::vector<std::vector<daemon::delivery_payload>> feeds;
        for (int first = 0; first < count; first += 500) {
            feeds.emplace_back(payloads.begin() + first,
                               payloads.begin() + std::min(count, first + 500));
        }
        std::size_t settled = 0;
        std::size_t failed = 0;
        const auto began = clock_type::now();
        for (auto& batch : feeds) {
            const auto n = batch.size();
            delivery.deliver("bench", std::move(batch), {"bench:deliver"},
                             [&, n](daemon::batch_summary s) {
                                 settled += n;
                                 failed += s.failed;
                             });
        }
        run_until(io, [&] { return settled == static_cast<std::size_t>(count); });
        const double s = std::chrono::duration<double>(clock_type::now() - began).count();
        if (failed > 0) std::fprintf(stderr, "deliver_bench: %zu items failed\n", failed);
        std::printf("%s %.0f\n", phase, count / s);
    }
    redis.stop();
    return 0;
}
