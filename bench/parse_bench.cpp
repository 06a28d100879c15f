// Parser speed as a ratio against raw pugixml parsing of the same bytes
// (the floor: any feed parser built on pugixml pays at least this), and the
// cost of the dispatch steps of normalization (site furniture, credits,
// dateline, fingerprints) as a ratio against parsing without them. The
// document is a generated wire feed of 200 items whose HTML bodies make up
// most of the bytes, as in real agency feeds.
#include "feedwire/feeds/boilerplate.hpp"
#include "feedwire/feeds/credits.hpp"
#include "feedwire/feeds/dateline.hpp"
#include "feedwire/feeds/fingerprint.hpp"
#include "feedwire/feeds/html_text.hpp"
#include "feedwire/feeds/parse.hpp"
#include "parse_detail.hpp"

#include <benchmark/benchmark.h>
#include <pugixml.hpp>

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::string make_feed(int items) {
    std::string doc =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
        "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>Bench wire</title>"
        "<link>https://wire.example.com/</link><language>en</language>\n";
    for (int i = 0; i < items; ++i) {
        const std::string n = std::to_string(i);
        doc += "<item><title>Ministers meet in Nagoya to discuss trade, round " + n +
               "</title><link>https://wire.example.com/world/" + n +
               "?utm_source=rss&amp;utm_medium=feed</link><guid isPermaLink=\"false\">wire-" + n +
               "</guid><pubDate>Fri, 22 Nov 2019 12:14:00 +0300</pubDate>"
               "<dc:creator>Desk</dc:creator><category>World</category>"
               "<description>NAGOYA /Japan/, November 22. /TASS/. Foreign ministers gathered "
               "on Friday.</description><content:encoded><![CDATA[";
        // Six distinct paragraphs, as in a dispatch: the dispatch steps
        // (repeated-lead rule, shingles) see real text, not one repeated.
        static constexpr const char* sentences[] = {
            "The <b>ministers</b> of the group met for talks on trade &amp; development "
            "and agreed to meet again before the end of the year",
            "Officials said the draft communique called for an end to new tariffs on farm "
            "goods and steel, and for a review of export controls",
            "Several delegations pressed for a deadline on digital taxation, while others "
            "warned that a rushed deal would not survive national parliaments",
            "The host country proposed a working group on port congestion and shipping "
            "costs, which have risen sharply since the spring",
            "Talks on development finance stalled over the share of loans that should be "
            "written off for the poorest borrowers, two diplomats said",
            "The next ministerial meeting is scheduled for the spring in the capital, where "
            "leaders will be asked to endorse the package"};
        for (int p = 0; p < 6; ++p) {
            doc += std::string("<p>") + (p == 0 ? "NAGOYA /Japan/, November 22. /TASS/. " : "") +
                   sentences[p] + " (round " + n + ", " + std::to_string(p + 1) +
                   "); <a href=\"/related/" + n +
                   "\" onclick=\"x()\">related</a> coverage and a photo "
                   "<img src=\"/img/" +
                   n + ".jpg\" alt=\"Delegates\"> &mdash; &copy; Pool.</p>";
        }
        doc += "]]></content:encoded><media:content url=\"https://img.example.com/" + n +
               ".jpg\" medium=\"image\"><media:credit>Pool Photo via AP</media:credit>"
               "</media:content></item>\n";
    }
    doc += "</channel></rss>\n";
    return doc;
}

const std::string& feed() {
    static const std::string doc = make_feed(200);
    return doc;
}

void BM_PugixmlRaw(benchmark::State& state) {
    const std::string& doc = feed();
    for (auto _ : state) {
        pugi::xml_document d;
        auto r = d.load_buffer(doc.data(), doc.size());
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(doc.size()));
}
BENCHMARK(BM_PugixmlRaw)->Unit(benchmark::kMicrosecond);

void BM_FeedwireParse(benchmark::State& state) {
    const std::string& doc = feed();
    feedwire::feeds::parse_options options;
    options.url = "https://wire.example.com/rss.xml";
    for (auto _ : state) {
        auto r = feedwire::feeds::parse_feed(doc, options);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(doc.size()));
}
BENCHMARK(BM_FeedwireParse)->Unit(benchmark::kMicrosecond);

void BM_FeedwireParseWithoutDispatchSteps(benchmark::State& state) {
    // parse_feed as above less site furniture, credits, dateline and
    // fingerprints: the difference to BM_FeedwireParse is their cost.
    const std::string& doc = feed();
    feedwire::feeds::parse_options options;
    options.url = "https://wire.example.com/rss.xml";
    for (auto _ : state) {
        auto r = feedwire::feeds::detail::parse_feed(doc, options, false);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(doc.size()));
}
BENCHMARK(BM_FeedwireParseWithoutDispatchSteps)->Unit(benchmark::kMicrosecond);

enum class dispatch_step { furniture, credits, dateline, content_fingerprint, minhash };

void BM_DispatchStep(benchmark::State& state) {
    // One dispatch step alone over the plain-text bodies of the feed's
    // items, as normalize() sees them, to find the expensive one. Bytes are
    // the document's, so throughputs compare with the benchmarks above.
    const std::string& doc = feed();
    feedwire::feeds::parse_options options;
    options.url = "https://wire.example.com/rss.xml";
    const auto parsed = feedwire::feeds::detail::parse_feed(doc, options, false);
    const auto step = static_cast<dispatch_step>(state.range(0));
    for (auto _ : state) {
        for (const auto& it : parsed.value().items) {
            switch (step) {
                case dispatch_step::furniture:
                    benchmark::DoNotOptimize(
                        feedwire::feeds::remove_furniture(it.body_text, it.headline));
                    break;
                case dispatch_step::credits:
                    benchmark::DoNotOptimize(feedwire::feeds::extract_credits(it.body_text));
                    break;
                case dispatch_step::dateline:
                    benchmark::DoNotOptimize(
                        feedwire::feeds::find_dateline(it.body_text, it.firstcreated));
                    break;
                case dispatch_step::content_fingerprint:
                    benchmark::DoNotOptimize(
                        feedwire::feeds::content_fingerprint(it.headline, it.body_text));
                    break;
                case dispatch_step::minhash:
                    benchmark::DoNotOptimize(feedwire::feeds::minhash_signature(it.body_text));
                    break;
            }
        }
    }
    static constexpr const char* names[] = {"furniture", "credits", "dateline",
                                            "content_fingerprint", "minhash"};
    state.SetLabel(names[state.range(0)]);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(doc.size()));
}
BENCHMARK(BM_DispatchStep)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);

void BM_HtmlOnly(benchmark::State& state) {
    // The HTML work alone (text and sanitized body of every item's content),
    // to show how much of BM_FeedwireParse is HTML.
    const std::string& doc = feed();
    pugi::xml_document d;
    d.load_buffer(doc.data(), doc.size());
    std::vector<std::string> bodies;
    for (pugi::xml_node item : d.document_element().child("channel").children("item")) {
        bodies.emplace_back(item.child_value("content:encoded"));
    }
    for (auto _ : state) {
        for (const auto& b : bodies) {
            benchmark::DoNotOptimize(feedwire::feeds::html_to_text(b));
            benchmark::DoNotOptimize(
                feedwire::feeds::sanitize_html(b, {"https://wire.example.com/"}));
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(doc.size()));
}
BENCHMARK(BM_HtmlOnly)->Unit(benchmark::kMicrosecond);

}  // namespace

// `parse_bench --write-feed FILE` writes the generated document, so that
// other parsers (bench/compare_feedparser.sh) can be timed on the same bytes.
int main(int argc, char** argv) {
    if (argc == 3 && std::string_view(argv[1]) == "--write-feed") {
        std::ofstream out(argv[2], std::ios::binary);
        out << feed();
        return out ? 0 : 1;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
