// Parser throughput over a corpus of many feeds (bench/gen_corpus.py), as
// ratios against pugixml loading and walking the same bytes, and the peak
// memory of parsing one large feed.
//
//   corpus_bench DIR [--reps N] [--modes pugixml,parse,json]
//       reads every regular file of DIR into memory, then times each mode
//       over all of them, N repetitions interleaved (mode by mode within a
//       repetition, so load from other processes falls on every mode
//       alike), and prints the median wall and CPU time per mode, MB/s
//       (10^6 bytes), items/s and the ratios against the pugixml mode.
//       Modes:
//         pugixml  pugi::xml_document::load_buffer (the options feedwire
//                  uses) and a walk of every node and attribute, reading
//                  each name and value to its end: the ceiling;
//         parse    feedwire::feeds::parse_feed, all fields, sanitized HTML
//                  and plain text, dispatch steps;
//         json     parse_feed plus every item's JSON as `feedwire parse` and
//                  the daemon write it (item_json(item)).
//         none     nothing: loading only, a base for instruction counts.
//   corpus_bench --memory FILE
//       reads FILE, then parses it once, and prints the peak resident set
//       (getrusage ru_maxrss) before and after: the growth is the parse's
//       peak working memory on top of the document already in memory.
//       Run it as a process of its own, so no earlier work sets the peak.
//   corpus_bench --memory-pugixml FILE
//       the same for pugixml's load and walk alone.
#include "feedwire/feeds/item.hpp"
#include "feedwire/feeds/parse.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>

namespace {

namespace fs = std::filesystem;
namespace feeds = feedwire::feeds;

struct document {
    std::string name;
    std::string bytes;
    feeds::parse_options options;
};

// One allocation of the file's size: growing the string while reading
// would raise the peak resident set before the memory figure is taken.
bool read_file(const fs::path& path, std::string& out) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    std::ifstream in(path, std::ios::binary);
    if (ec || !in) return false;
    out.resize(static_cast<std::size_t>(size));
    in.read(out.data(), static_cast<std::streamsize>(size));
    return static_cast<std::uintmax_t>(in.gcount()) == size;
}

feeds::parse_options options_for(const std::string& name) {
    feeds::parse_options o;
    o.url = "https://bench.example.com/" + name;
    return o;
}

// Keeps a result alive so that the optimizer cannot drop the work.
volatile std::size_t g_sink = 0;

std::size_t walk(const pugi::xml_document& doc) {
    std::size_t acc = 0;
    pugi::xml_node n = doc.first_child();
    while (n) {
        acc += std::strlen(n.name()) + std::strlen(n.value());
        for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
            acc += std::strlen(a.name()) + std::strlen(a.value());
        }
        if (pugi::xml_node child = n.first_child()) {
            n = child;
            continue;
        }
        while (n && !n.next_sibling()) n = n.parent();
        if (n) n = n.next_sibling();
    }
    return acc;
}

// The flags parse_feed gives pugixml (feeds/src/parse.cpp), which are
// pugixml's defaults.
constexpr unsigned k_pugixml_flags =
    pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol | pugi::parse_wconv_attribute;

[[gnu::noinline]] std::size_t run_pugixml(const std::vector<document>& docs) {
    std::size_t acc = 0;
    for (const auto& d : docs) {
        pugi::xml_document doc;
        const auto r = doc.load_buffer(d.bytes.data(), d.bytes.size(), k_pugixml_flags);
        if (!r) acc += 1;
        acc += walk(doc);
    }
    return acc;
}

[[gnu::noinline]] std::size_t run_parse(const std::vector<document>& docs) {
    std::size_t items = 0;
    for (const auto& d : docs) {
        const auto parsed = feeds::parse_feed(d.bytes, d.options);
        if (parsed) items += parsed->items.size();
    }
    return items;
}

[[gnu::noinline]] std::size_t run_json(const std::vector<document>& docs) {
    std::size_t out_bytes = 0;
    for (const auto& d : docs) {
        const auto parsed = feeds::parse_feed(d.bytes, d.options);
        if (!parsed) continue;
        for (const auto& it : parsed->items) {
            // As tools/feedwire/parse_command.cpp and daemon/src/deliver.cpp.
            const std::string json = feeds::item_json(it);
            out_bytes += json.size();
        }
    }
    return out_bytes;
}

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Coefficient of variation, in percent.
double cv_percent(const std::vector<double>& v) {
    double mean = 0;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    double var = 0;
    for (double x : v) var += (x - mean) * (x - mean);
    var /= static_cast<double>(v.size());
    return mean > 0 ? 100 * std::sqrt(var) / mean : 0;
}

long max_rss_kib() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

// Reads FILE, then parses it once (with parse_feed, or with pugixml alone
// for comparison) and prints how far the peak resident set grew.
int memory_mode(const char* path, bool pugixml_only) {
    std::string bytes;
    if (!read_file(path, bytes)) {
        std::cerr << path << ": cannot read\n";
        return 1;
    }
    const long before = max_rss_kib();
    std::size_t items = 0;
    if (pugixml_only) {
        pugi::xml_document doc;
        const auto r = doc.load_buffer(bytes.data(), bytes.size(), k_pugixml_flags);
        g_sink = g_sink + (r ? walk(doc) : 0);
    } else {
        const auto parsed = feeds::parse_feed(bytes, options_for("big.xml"));
        if (!parsed) {
            std::cerr << path << ": " << parsed.error().message << '\n';
            return 1;
        }
        items = parsed->items.size();
    }
    const long after = max_rss_kib();
    const double doc_mb = static_cast<double>(bytes.size()) / 1e6;
    const double grow_mb = static_cast<double>(after - before) * 1024 / 1e6;
    if (pugixml_only) {
        std::printf(
            "memory: pugixml load and walk peak working memory %.1f MB = %.2fx the "
            "document\n",
            grow_mb, grow_mb / doc_mb);
        return 0;
    }
    std::printf(
        "memory: document %.2f MB, %zu items; peak RSS %.1f MB before parsing, %.1f MB "
        "after\n",
        doc_mb, items, static_cast<double>(before) * 1024 / 1e6,
        static_cast<double>(after) * 1024 / 1e6);
    std::printf(
        "memory: parse_feed peak working memory %.1f MB = %.2fx the document "
        "(%.2fx counting the document itself)\n",
        grow_mb, grow_mb / doc_mb, (grow_mb + doc_mb) / doc_mb);
    return 0;
}

std::vector<std::string> split(std::string_view s) {
    std::vector<std::string> out;
    std::stringstream ss{std::string(s)};
    std::string part;
    while (std::getline(ss, part, ',')) out.push_back(part);
    return out;
}

int usage() {
    std::cerr << "usage: corpus_bench DIR [--reps N] [--modes pugixml,parse,json]\n"
                 "       corpus_bench --memory FILE | --memory-pugixml FILE\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string_view(argv[1]) == "--memory") return memory_mode(argv[2], false);
    if (argc == 3 && std::string_view(argv[1]) == "--memory-pugixml") {
        return memory_mode(argv[2], true);
    }
    if (argc < 2) return usage();
    const fs::path dir = argv[1];
    int reps = 7;
    std::vector<std::string> modes = {"pugixml", "parse", "json"};
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--reps" && i + 1 < argc) {
            reps = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--modes" && i + 1 < argc) {
            modes = split(argv[++i]);
        } else {
            return usage();
        }
    }

    std::vector<document> docs;
    std::vector<fs::path> paths;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.is_regular_file()) paths.push_back(e.path());
    }
    if (ec || paths.empty()) {
        std::cerr << dir.string() << ": no files\n";
        return 1;
    }
    std::sort(paths.begin(), paths.end());
    std::size_t total_bytes = 0;
    for (const auto& p : paths) {
        document d;
        d.name = p.filename().string();
        if (!read_file(p, d.bytes)) {
            std::cerr << p.string() << ": cannot read\n";
            return 1;
        }
        d.options = options_for(d.name);
        total_bytes += d.bytes.size();
        docs.push_back(std::move(d));
    }

    // Items per file once, untimed; a file that does not parse is reported.
    std::size_t total_items = 0;
    std::size_t failed = 0;
    for (const auto& d : docs) {
        const auto parsed = feeds::parse_feed(d.bytes, d.options);
        if (!parsed) {
            ++failed;
            std::cerr << d.name << ": " << parsed.error().message << '\n';
            continue;
        }
        total_items += parsed->items.size();
    }
    std::printf("corpus: %zu files, %zu bytes, %zu items (feedwire), %zu files rejected\n",
                docs.size(), total_bytes, total_items, failed);
    std::printf("RESULT\tcorpus\t%zu\t%zu\t%zu\n", total_bytes, total_items, docs.size());

    struct timing {
        std::string mode;
        std::vector<double> wall;
        std::vector<double> cpu;
        std::size_t sink = 0;
    };
    std::vector<timing> timings;
    for (const auto& m : modes) {
        if (m != "pugixml" && m != "parse" && m != "json" && m != "none") return usage();
        timings.push_back({m, {}, {}, 0});
    }
    for (int r = 0; r < reps; ++r) {
        for (auto& t : timings) {
            const auto w0 = std::chrono::steady_clock::now();
            const double c0 = cpu_seconds();
            std::size_t out = 0;
            if (t.mode == "pugixml") {
                out = run_pugixml(docs);
            } else if (t.mode == "parse") {
                out = run_parse(docs);
            } else if (t.mode == "json") {
                out = run_json(docs);
            }
            const double c1 = cpu_seconds();
            const auto w1 = std::chrono::steady_clock::now();
            t.wall.push_back(std::chrono::duration<double>(w1 - w0).count());
            t.cpu.push_back(c1 - c0);
            t.sink = out;
            g_sink = g_sink + out;
        }
    }

    const double mb = static_cast<double>(total_bytes) / 1e6;
    const double items = static_cast<double>(total_items);
    double ref_cpu = 0;
    double ref_wall = 0;
    for (const auto& t : timings) {
        if (t.mode == "pugixml") {
            ref_cpu = median(t.cpu);
            ref_wall = median(t.wall);
        }
    }
    std::printf("%d repetitions; medians (CPU time of the process, and wall time)\n", reps);
    std::printf("%-8s %10s %10s %6s %10s %12s %10s %9s\n", "mode", "cpu ms", "wall ms", "cv%",
                "MB/s", "items/s", "x pugixml", "(wall)");
    for (const auto& t : timings) {
        if (t.mode == "none") continue;
        const double cpu = median(t.cpu);
        const double wall = median(t.wall);
        std::printf("%-8s %10.1f %10.1f %6.1f %10.1f %12.0f %10.4f %9.4f\n", t.mode.c_str(),
                    cpu * 1e3, wall * 1e3, cv_percent(t.cpu), mb / cpu, items / cpu,
                    ref_cpu > 0 ? ref_cpu / cpu : 0.0, ref_wall > 0 ? ref_wall / wall : 0.0);
        std::printf("RESULT\t%s\t%.6f\t%.6f\t%.2f\t%zu\n", t.mode.c_str(), cpu, wall,
                    cv_percent(t.cpu), t.sink);
    }
    return 0;
}
