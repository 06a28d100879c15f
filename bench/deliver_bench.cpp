// Delivery through the atomic step against plain XADD, over one connection
// with the client's window of commands in flight, for bench/deliver.sh
// (which starts the redis-server and adds redis-benchmark's figure).
//
//   deliver_bench SOCKET [ITEMS]
//
// Prints "<phase> <value>" for:
//   xadd        plain pipelined XADD of the same fields and item JSON, with
//               the same MAXLEN ~ 100000 the function uses (the ceiling),
//               items/s; run before and after the deliveries, the mean
//   exact       feedwire_deliver of new items with exact dedup (same entry,
//               same url or text from another feed), near-duplicates off
//   unchanged   the same items again (the checks alone)
//   near        new items with near-duplicate banding too (after FLUSHALL)
//   near16      the same with dedup.near_bands = 16 (every other band)
//   entries_bytes, articles_bytes
//               Redis memory of the exact layer per item: the feeds'
//               entries hashes, the cross-feed articles hashes (MEMORY
//               USAGE over every key)
//   near_bytes  the same for the near layer (bands and signatures)
// With DELIVER_BENCH_WAIT=N set (the server has N replicas attached), only:
//   exact_replica   exact, as above, with the replicas attached
//   exact_wait      exact with wait_replicas = N: WAIT N behind every FCALL
// (each run twice, alternating, the means).
// Items come from 500-item feeds, as the daemon hands them over; their
// texts are about 1 KB of words drawn at random (see words()), so every
// item has its own MinHash signature.
#include "feedwire/daemon/deliver.hpp"
#include "feedwire/daemon/redis.hpp"
#include "feedwire/feeds/fingerprint.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using namespace feedwire;
using clock_type = std::chrono::steady_clock;

constexpr int feed_size = 500;

std::string feed_of(int i) { return "bench-" + std::to_string(i / feed_size); }

// Words with the skew of real text: 20,000 made-up words drawn by Zipf's
// law, so common phrases recur across texts (and share LSH bands) the way
// "said on Tuesday" does, while two texts rarely share much.
std::string words(std::mt19937& rng, std::size_t bytes) {
    static const auto vocabulary = [] {
        std::vector<std::string> out;
        std::mt19937 make(7);
        std::uniform_int_distribution<int> length(2, 9);
        std::uniform_int_distribution<int> letter('a', 'z');
        for (int i = 0; i < 20000; ++i) {
            std::string w;
            for (int n = length(make); n > 0; --n) w.push_back(static_cast<char>(letter(make)));
            out.push_back(std::move(w));
        }
        return out;
    }();
    static const auto cumulative = [] {
        std::vector<double> out;
        double sum = 0;
        for (std::size_t i = 1; i <= vocabulary.size(); ++i)
            out.push_back(sum += 1.0 / static_cast<double>(i));
        return out;
    }();
    std::uniform_real_distribution<double> pick(0, cumulative.back());
    std::string out;
    while (out.size() < bytes) {
        if (!out.empty()) out.push_back(' ');
        const auto at = std::lower_bound(cumulative.begin(), cumulative.end(), pick(rng));
        out += vocabulary[static_cast<std::size_t>(at - cumulative.begin())];
    }
    return out;
}

feeds::item make_item(int i, std::mt19937& rng) {
    feeds::item it;
    it.uri = "feedwire:bench-" + std::to_string(i);
    it.guid = "urn:bench:" + std::to_string(i);
    it.url = "https://news.example/story/" + std::to_string(i);
    it.headline = "Talks resume in Geneva as delegations meet for round " + std::to_string(i);
    // About 1 KB of item JSON, like a short dispatch.
    it.body_text = "GENEVA, November 22. /TASS/. " + words(rng, 560);
    it.firstcreated = std::chrono::sys_days{std::chrono::year{2025} / 11 / 22};
    it.source.feed = feed_of(i);
    it.fingerprint.content = feeds::content_fingerprint(it.headline, it.body_text);
    it.fingerprint.minhash = feeds::minhash_signature(it.body_text);
    return it;
}

template <typename Done>
void run_until(asio::io_context& io, Done done) {
    while (!done()) io.run_one();
}

daemon::redis_reply call(asio::io_context& io, daemon::redis_client& redis,
                         std::vector<std::string> argv) {
    std::optional<daemon::redis_reply> out;
    redis.command(std::move(argv),
                  [&](daemon::redis_result r) { out = r ? std::move(*r) : daemon::redis_reply{}; });
    run_until(io, [&] { return out.has_value(); });
    return *out;
}

// MEMORY USAGE summed over the dedup keys whose name holds `kind`.
long long memory_of(asio::io_context& io, daemon::redis_client& redis,
                    const std::vector<std::string>& kinds) {
    long long total = 0;
    std::string cursor = "0";
    do {
        auto r = call(io, redis, {"SCAN", cursor, "MATCH", "feedwire:{dedup}:*", "COUNT", "1000"});
        if (r.elements.size() != 2) break;
        cursor = r.elements[0].str;
        for (const auto& key : r.elements[1].elements) {
            bool wanted = false;
            for (const auto& k : kinds) wanted = wanted || key.str.find(k) != std::string::npos;
            if (!wanted) continue;
            total += call(io, redis, {"MEMORY", "USAGE", key.str, "SAMPLES", "0"}).integer;
        }
    } while (cursor != "0");
    return total;
}

double plain_xadd(asio::io_context& io, daemon::redis_client& redis,
                  const std::vector<daemon::delivery_payload>& payloads) {
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
    run_until(io, [&] { return answered == static_cast<int>(payloads.size()); });
    const double s = std::chrono::duration<double>(clock_type::now() - began).count();
    return static_cast<double>(payloads.size()) / s;
}

double through_function(asio::io_context& io, daemon::deliverer& delivery,
                        const std::vector<daemon::delivery_payload>& payloads) {
    const int count = static_cast<int>(payloads.size());
    // The copies are made before the clock starts: the daemon moves its
    // payloads.
    std::vector<std::vector<daemon::delivery_payload>> feeds;
    for (int first = 0; first < count; first += feed_size) {
        feeds.emplace_back(payloads.begin() + first,
                           payloads.begin() + std::min(count, first + feed_size));
    }
    std::size_t settled = 0;
    std::size_t failed = 0;
    const auto began = clock_type::now();
    for (std::size_t f = 0; f < feeds.size(); ++f) {
        const auto n = feeds[f].size();
        delivery.deliver(feed_of(static_cast<int>(f) * feed_size), std::move(feeds[f]),
                         {"bench:deliver"}, [&, n](daemon::batch_summary s) {
                             settled += n;
                             failed += s.failed;
                         });
    }
    run_until(io, [&] { return settled == static_cast<std::size_t>(count); });
    const double s = std::chrono::duration<double>(clock_type::now() - began).count();
    if (failed > 0) std::fprintf(stderr, "deliver_bench: %zu items failed\n", failed);
    return count / s;
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
    auto load = daemon::delivery_library_load_command();
    if (const char* alt = std::getenv("DELIVER_BENCH_LIBRARY")) {
        std::ifstream in(alt);
        load[3].assign(std::istreambuf_iterator<char>(in), {});
    }
    redis.set_prelude({load});
    redis.start();
    run_until(io, [&] { return redis.is_connected(); });

    std::mt19937 rng(20261127);
    std::vector<daemon::delivery_payload> payloads;
    payloads.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) payloads.push_back(daemon::prepare_delivery(make_item(i, rng)));

    if (const char* replicas = std::getenv("DELIVER_BENCH_WAIT")) {
        daemon::deliverer_options plain;
        plain.dedup.near_duplicates = config::near_duplicate_action::off;
        daemon::deliverer_options waiting = plain;
        waiting.wait_replicas = std::atoi(replicas);
        // Alternated, twice each, so a change of load on the machine
        // weighs on both alike; the means.
        double without_sum = 0;
        double with_sum = 0;
        for (int round = 0; round < 2; ++round) {
            call(io, redis, {"FLUSHALL"});
            daemon::deliverer without(io, redis, plain);
            without_sum += through_function(io, without, payloads);
            call(io, redis, {"FLUSHALL"});
            daemon::deliverer with(io, redis, waiting);
            with_sum += through_function(io, with, payloads);
        }
        call(io, redis, {"FLUSHALL"});
        std::printf("exact_replica %.0f\n", without_sum / 2);
        std::printf("exact_wait %.0f\n", with_sum / 2);
        redis.stop();
        return 0;
    }
    // One phase alone, on an empty server: for a profile of the server's
    // work in it (instruction counts under callgrind: bench/README).
    const char* only = std::getenv("DELIVER_BENCH_ONLY");
    if (only != nullptr) {
        const std::string phase = only;
        if (phase == "xadd") {
            std::printf("xadd %.0f\n", plain_xadd(io, redis, payloads));
        } else if (phase == "exact" || phase == "near" || phase == "near16") {
            daemon::deliverer_options options;
            if (phase == "exact")
                options.dedup.near_duplicates = config::near_duplicate_action::off;
            if (phase == "near16") options.dedup.near_bands = 16;
            daemon::deliverer d(io, redis, options);
            std::printf("%s %.0f\n", phase.c_str(), through_function(io, d, payloads));
        } else {
            std::fprintf(stderr,
                         "deliver_bench: DELIVER_BENCH_ONLY is xadd, exact, near or near16\n");
            return 2;
        }
        redis.stop();
        return 0;
    }
    const double xadd_before = plain_xadd(io, redis, payloads);
    call(io, redis, {"FLUSHALL"});

    daemon::deliverer_options exact_only;
    exact_only.dedup.near_duplicates = config::near_duplicate_action::off;
    daemon::deliverer exact(io, redis, exact_only);
    const double exact_rate = through_function(io, exact, payloads);
    const double unchanged_rate = through_function(io, exact, payloads);
    const long long entries_bytes = memory_of(io, redis, {":entries:"});
    const long long articles_bytes = memory_of(io, redis, {":articles:"});
    call(io, redis, {"FLUSHALL"});

    daemon::deliverer near(io, redis, daemon::deliverer_options{});
    const double near_rate = through_function(io, near, payloads);
    const long long near_bytes = memory_of(io, redis, {":nearidx:", ":near:"});
    call(io, redis, {"FLUSHALL"});

    daemon::deliverer_options sixteen;
    sixteen.dedup.near_bands = 16;
    daemon::deliverer near16(io, redis, sixteen);
    const double near16_rate = through_function(io, near16, payloads);
    call(io, redis, {"FLUSHALL"});

    const double xadd_after = plain_xadd(io, redis, payloads);
    std::printf("xadd %.0f\n", (xadd_before + xadd_after) / 2);
    std::printf("exact %.0f\n", exact_rate);
    std::printf("unchanged %.0f\n", unchanged_rate);
    std::printf("near %.0f\n", near_rate);
    std::printf("near16 %.0f\n", near16_rate);
    std::printf("entries_bytes %.1f\n", static_cast<double>(entries_bytes) / count);
    std::printf("articles_bytes %.1f\n", static_cast<double>(articles_bytes) / count);
    std::printf("near_bytes %.1f\n", static_cast<double>(near_bytes) / count);
    redis.stop();
    return 0;
}
