// Parser speed as a ratio against raw pugixml parsing of the same bytes
// (the floor: any feed parser built on pugixml pays at least this). The
// document is a generated wire feed of 200 items whose HTML bodies make up
// most of the bytes, as in real agency feeds.
#include "feedwire/feeds/html_text.hpp"
#include "feedwire/feeds/parse.hpp"

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
        for (int p = 0; p < 6; ++p) {
            doc +=
                "<p>NAGOYA /Japan/, November 22. The <b>ministers</b> of the group met for "
                "talks on trade &amp; development; <a href=\"/related/" +
                n +
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
