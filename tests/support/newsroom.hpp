// Feeds that keep publishing, for tests that ingest while things break:
// feed f has published items 0 .. published() - 1, one every
// `publish_every` since start() (item 0 at once), and its RSS document lists
// the last `window` of them, oldest first. With `revisions`, every tenth
// item is corrected once, 15 items after it came out. Thread-safe for the
// HTTP server's thread reading while the test freezes it.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>

namespace feedwire::test {

struct newsroom_options {
    std::chrono::milliseconds publish_every{300};  // per feed
    int window = 1000;                             // items a document lists
    bool revisions = true;
};

class newsroom {
public:
    using clock_type = std::chrono::steady_clock;

    explicit newsroom(newsroom_options options = {}) : options_(options) {}

    void start() { started_ = clock_type::now(); }
    // Publishing stops: published() stays where it is now.
    void freeze() { frozen_ = count_now(); }
    int published() const {
        const int frozen = frozen_.load();
        return frozen >= 0 ? frozen : count_now();
    }

    std::string document(int feed) const {
        const int n = published();
        std::string out = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed " +
                          std::to_string(feed) +
                          "</title><link>https://wire.example/</link><description>d" +
                          "</description>";
        for (int i = std::max(0, n - options_.window); i < n; ++i) {
            const std::string guid = guid_of(feed, i);
            out += "<item><guid>" + guid + "</guid><title>Dispatch " + guid +
                   "</title><link>https://wire.example/" + guid +
                   "</link><description>MOSCOW, November 22. /TASS/. Item " + guid +
                   " of a feed that keeps publishing." +
                   (is_revised(i, n) ? " Corrected figures added." : "") + "</description></item>";
        }
        return out + "</channel></rss>";
    }

    static std::string guid_of(int feed, int i) {
        return "f" + std::to_string(feed) + "-" + std::to_string(i);
    }
    static bool is_revisable(int i) { return i % 10 == 3; }
    bool is_revised(int i, int published) const {
        return options_.revisions && is_revisable(i) && published >= i + 15;
    }

private:
    int count_now() const {
        return 1 + static_cast<int>((clock_type::now() - started_) / options_.publish_every);
    }
    newsroom_options options_;
    clock_type::time_point started_ = clock_type::now();
    std::atomic<int> frozen_{-1};
};

}  // namespace feedwire::test
