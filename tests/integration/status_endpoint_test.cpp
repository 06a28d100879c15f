// feedwired's HTTP endpoint end to end: the binary runs as a daemon (not
// --once) against a private redis-server and the fixture server, with
// `listen` on a free port, and a small Beast client reads /metrics,
// /healthz, /feeds and / while it runs: the counters match what reached
// the stream, the failing feed comes first with its error, and a hostile
// error text cannot inject markup into the page.
#include "support/http_fixture_server.hpp"
#include "support/redis_server.hpp"
#include "support/run_command.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;
using feedwire::test::http_fixture_server;
using feedwire::test::http_request;
using feedwire::test::http_response;
using feedwire::test::redis_server;
using feedwire::test::run_command;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string rss(int items) {
    std::string out =
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>"
        "<link>https://wire.example/</link><description>d</description>";
    for (int i = 1; i <= items; ++i) {
        const std::string n = std::to_string(i);
        out += "<item><guid>g" + n + "</guid><title>Story number " + n +
               " about a distinct subject " + n + "</title><link>https://wire.example/g" + n +
               "</link><pubDate>Sat, 22 Nov 2025 09:14:00 GMT</pubDate><description>Text " + n +
               " of a story unlike the others, topic " + n + ".</description></item>";
    }
    return out + "</channel></rss>";
}

unsigned short free_port() {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

struct reply {
    unsigned status = 0;
    std::string content_type;
    std::string body;
};

std::optional<reply> get(unsigned short port, const std::string& target,
                         http::verb method = http::verb::get) {
    try {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        http::request<http::string_body> request{method, target, 11};
        request.set(http::field::host, "127.0.0.1");
        request.keep_alive(false);
        http::write(socket, request);
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(socket, buffer, response);
        return reply{response.result_int(), std::string(response[http::field::content_type]),
                     response.body()};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The value of one sample line ("name{labels} value"), or nullopt.
std::optional<double> sample(const std::string& metrics, const std::string& series) {
    std::istringstream in(metrics);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return std::nullopt;
}

class StatusEndpoint : public ::testing::Test {
protected:
    void SetUp() override {
        if (!redis_server::is_available()) GTEST_SKIP() << "redis-server is not installed";
        redis_ = std::make_unique<redis_server>();
        http_.route("/good.xml", http_response::ok(rss(4), "application/rss+xml"));
        http_.set_handler([](const http_request&) {
            http_response r;
            r.status = 500;
            r.body = "down";
            return r;
        });
        port_ = free_port();
        config_ = redis_->directory() + "/feedwire.toml";
        std::ofstream out(config_);
        out << "[redis]\nurl = \"unix://" << redis_->socket_path() << "\"\n"
            << "[daemon]\nstate_dir = \"" << redis_->directory() << "/state\"\n"
            << "per_host_spacing = \"0s\"\nlisten = \"127.0.0.1:" << port_ << "\"\n"
            << "[[feed]]\nid = \"good\"\nurl = \"" << http_.url("/good.xml") << "\"\n"
            << "[[feed]]\nid = \"bad\"\nurl = \""
            << http_.url("/bad.xml?q=<script>alert(1)</script>") << "\"\n";
        out.close();
        log_ = redis_->directory() + "/feedwired.log";
        pid_ = ::fork();
        ASSERT_GE(pid_, 0);
        if (pid_ == 0) {
            const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::execl(FEEDWIRE_FEEDWIRED, "feedwired", "--config", config_.c_str(), "--log-level",
                    "debug", static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }

    void TearDown() override {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log();
        }
    }

    std::string log() const {
        std::ifstream in(log_);
        return {std::istreambuf_iterator<char>(in), {}};
    }

    // Waits until both feeds were polled (their state is in /feeds).
    nlohmann::json wait_for_polls() {
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        nlohmann::json feeds;
        while (std::chrono::steady_clock::now() < deadline) {
            if (auto r = get(port_, "/feeds"); r && r->status == 200) {
                feeds = nlohmann::json::parse(r->body);
                bool all = feeds.size() == 2;
                for (const auto& f : feeds) all = all && !f["last_poll"].is_null();
                if (all && feeds[1]["items_delivered"] == 4) return feeds;
            }
            std::this_thread::sleep_for(100ms);
        }
        ADD_FAILURE() << "feeds not polled in time: " << feeds.dump() << "\n" << log();
        return feeds;
    }

    http_fixture_server http_;
    std::unique_ptr<redis_server> redis_;
    unsigned short port_ = 0;
    std::string config_;
    std::string log_;
    pid_t pid_ = -1;
};

TEST_F(StatusEndpoint, ServesMetricsHealthFeedsAndThePage) {
    const auto feeds = wait_for_polls();
    ASSERT_EQ(feeds.size(), 2u);
    const auto stream_length = redis_->xlen("feedwire:items");
    EXPECT_EQ(stream_length, 4);

    // /feeds: the failing feed first, with its error as sent.
    EXPECT_EQ(feeds[0]["id"], "bad");
    EXPECT_TRUE(feeds[0]["failing"].get<bool>());
    EXPECT_GE(feeds[0]["consecutive_errors"].get<int>(), 1);
    const std::string error = feeds[0]["last_error"].get<std::string>();
    EXPECT_NE(error.find("HTTP 500"), std::string::npos) << error;
    EXPECT_NE(error.find("<script>alert(1)</script>"), std::string::npos) << error;
    EXPECT_EQ(feeds[1]["id"], "good");
    EXPECT_TRUE(feeds[1]["last_error"].is_null());
    EXPECT_FALSE(feeds[1]["last_success"].is_null());
    EXPECT_FALSE(feeds[1]["next_poll"].is_null());
    EXPECT_NE(feeds[1]["url"].get<std::string>().find("/good.xml"), std::string::npos);

    // /metrics: consistent with what was polled and delivered.
    const auto m = get(port_, "/metrics");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->status, 200u);
    EXPECT_EQ(m->content_type, "text/plain; version=0.0.4; charset=utf-8");
    const std::string& text = m->body;
    EXPECT_EQ(sample(text, "feedwire_items_delivered_total{kind=\"new\"}"),
              static_cast<double>(stream_length))
        << text;
    EXPECT_EQ(sample(text, "feedwire_items_delivered_total{kind=\"updated\"}"), 0.0);
    EXPECT_EQ(sample(text, "feedwire_items_parsed_total"), 4.0);
    EXPECT_TRUE(sample(text, "feedwire_parse_warnings_total"));
    EXPECT_GE(sample(text, "feedwire_polls_total{result=\"ok\"}").value_or(0), 1.0);
    EXPECT_GE(sample(text, "feedwire_polls_total{result=\"http_error\"}").value_or(0), 1.0) << text;
    EXPECT_GE(sample(text, "feedwire_http_responses_total{class=\"2xx\"}").value_or(0), 1.0);
    EXPECT_GE(sample(text, "feedwire_http_responses_total{class=\"5xx\"}").value_or(0), 1.0);
    EXPECT_GT(sample(text, "feedwire_fetched_bytes_total").value_or(0), 1000.0);
    EXPECT_EQ(sample(text, "feedwire_feeds"), 2.0);
    EXPECT_EQ(sample(text, "feedwire_feeds_failing"), 1.0);
    EXPECT_EQ(sample(text, "feedwire_redis_connected"), 1.0);
    EXPECT_GT(sample(text, "feedwire_redis_round_trip_seconds").value_or(0), 0.0);
    EXPECT_EQ(sample(text, "feedwire_spool_records"), 0.0);
    EXPECT_EQ(sample(text, "feedwire_spool_refused_total"), 0.0);
    EXPECT_EQ(sample(text, "feedwire_duplicates_total"), 0.0);
    EXPECT_GE(sample(text, "feedwire_fetch_duration_seconds_count").value_or(0), 2.0);
    EXPECT_EQ(sample(text, "feedwire_fetch_duration_seconds_bucket{le=\"+Inf\"}"),
              sample(text, "feedwire_fetch_duration_seconds_count"));
    EXPECT_NE(text.find("# TYPE feedwire_polls_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("# HELP feedwire_redis_connected "), std::string::npos);

    // A Prometheus parser reads it all (Debian's python3-prometheus-client).
    std::string output;
    if (run_command("/usr/bin/python3 -c 'import prometheus_client.parser'", output) != 0) {
        std::cerr << "python3-prometheus-client is not installed: parser check skipped\n";
    } else {
        const std::string path = redis_->directory() + "/metrics.txt";
        std::ofstream(path) << text;
        const std::string script =
            "import sys\n"
            "from prometheus_client.parser import text_string_to_metric_families as parse\n"
            "for f in parse(open(sys.argv[1]).read()):\n"
            "    for s in f.samples:\n"
            "        print(f.type, s.name, sorted(s.labels.items()), s.value)\n";
        const std::string script_path = redis_->directory() + "/parse_metrics.py";
        std::ofstream(script_path) << script;
        ASSERT_EQ(run_command("/usr/bin/python3 " + script_path + " " + path, output), 0) << output;
        EXPECT_NE(output.find("counter feedwire_items_delivered_total [('kind', 'new')] " +
                              std::to_string(stream_length) + ".0\n"),
                  std::string::npos)
            << output;
        EXPECT_NE(output.find("histogram feedwire_fetch_duration_seconds_bucket [('le', '+Inf')]"),
                  std::string::npos)
            << output;
        EXPECT_NE(output.find("gauge feedwire_redis_connected [] 1.0\n"), std::string::npos)
            << output;
    }

    // /healthz: Redis is there.
    const auto h = get(port_, "/healthz");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 200u);
    EXPECT_EQ(h->body, "ok\n");

    // /: failing feed first, its error escaped, no script anywhere.
    const auto page = get(port_, "/");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200u);
    EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(page->body.find("<script"), std::string::npos) << page->body;
    EXPECT_NE(page->body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(page->body.find("HTTP 500"), std::string::npos);
    const auto bad_row = page->body.find("<td>bad</td>");
    const auto good_row = page->body.find("<td>good</td>");
    ASSERT_NE(bad_row, std::string::npos);
    ASSERT_NE(good_row, std::string::npos);
    EXPECT_LT(bad_row, good_row);
    EXPECT_NE(page->body.find("connected"), std::string::npos);
}

TEST_F(StatusEndpoint, RefusesWhatItDoesNotServeAndSurvivesBadClients) {
    wait_for_polls();
    EXPECT_EQ(get(port_, "/metrics", http::verb::post)->status, 405u);
    EXPECT_EQ(get(port_, "/nowhere")->status, 404u);

    // Headers past the limit: 431, and the daemon goes on.
    {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        const std::string big =
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n";
        boost::system::error_code ec;
        asio::write(socket, asio::buffer(big), ec);
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(socket, buffer, response, ec);
        if (!ec) {
            EXPECT_EQ(response.result_int(), 431u);
        }
    }
    // Garbage, and a client that sends half a request and stays: others
    // are still served meanwhile.
    asio::io_context io;
    tcp::socket garbage(io);
    garbage.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    asio::write(garbage, asio::buffer(std::string("\x01\x02 nonsense\r\n\r\n")));
    tcp::socket slow(io);
    slow.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    asio::write(slow, asio::buffer(std::string("GET /metr")));
    const auto h = get(port_, "/healthz");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 200u);
    // The slow client is cut off at the read deadline (5 s).
    std::array<char, 512> buf{};
    boost::system::error_code ec;
    const auto started = std::chrono::steady_clock::now();
    slow.read_some(asio::buffer(buf), ec);
    EXPECT_TRUE(ec) << "the endpoint answered a half request";
    EXPECT_LT(std::chrono::steady_clock::now() - started, 8s);
}

// `feedwire status` reads the same table from Redis while the daemon runs:
// as JSON (what /feeds serves) and as an aligned table; and says which
// Redis it could not reach.
TEST_F(StatusEndpoint, StatusCommandPrintsTheFeedsTableFromRedis) {
    const auto served = wait_for_polls();
    const std::string command = std::string(FEEDWIRE_CLI) + " status --config " + config_;
    std::string output;
    // The state reaches Redis right after the delivery /feeds already shows.
    nlohmann::json feeds;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        ASSERT_EQ(run_command(command + " --json", output), 0) << output;
        feeds = nlohmann::json::parse(output, nullptr, false);
        ASSERT_FALSE(feeds.is_discarded()) << output;
        if (feeds.size() == 2 && feeds[1]["items_delivered"] == 4) break;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(feeds.size(), 2u) << output;
    // The fields of /feeds, no more, no fewer.
    for (std::size_t i = 0; i < 2; ++i) {
        std::vector<std::string> keys;
        std::vector<std::string> served_keys;
        for (const auto& [k, v] : feeds[i].items()) keys.push_back(k);
        for (const auto& [k, v] : served[i].items()) served_keys.push_back(k);
        EXPECT_EQ(keys, served_keys);
    }
    EXPECT_EQ(feeds[0]["id"], "bad");
    EXPECT_TRUE(feeds[0]["failing"].get<bool>());
    EXPECT_GE(feeds[0]["consecutive_errors"].get<int>(), 1);
    EXPECT_NE(feeds[0]["last_error"].get<std::string>().find("HTTP 500"), std::string::npos);
    EXPECT_TRUE(feeds[0]["last_success"].is_null());
    EXPECT_EQ(feeds[1]["id"], "good");
    EXPECT_FALSE(feeds[1]["failing"].get<bool>());
    EXPECT_EQ(feeds[1]["items_delivered"], redis_->xlen("feedwire:items"));
    EXPECT_TRUE(feeds[1]["last_error"].is_null());
    // RFC 3339 UTC, as /feeds has them.
    for (const char* key : {"last_poll", "last_success", "next_poll"}) {
        const std::string t = feeds[1][key].get<std::string>();
        EXPECT_EQ(t.size(), 20u) << key << ": " << t;
        EXPECT_EQ(t.substr(10, 1) + t.substr(19), "TZ") << key << ": " << t;
    }

    // The table: piped, so no colours; failing feed first; columns aligned.
    ASSERT_EQ(run_command(command, output), 0) << output;
    EXPECT_EQ(output.find('\033'), std::string::npos) << output;
    std::istringstream lines(output);
    std::string header;
    std::string first;
    std::string second;
    std::getline(lines, header);
    std::getline(lines, first);
    std::getline(lines, second);
    EXPECT_EQ(header.rfind("FEED ", 0), 0u) << output;
    EXPECT_EQ(first.rfind("bad ", 0), 0u) << output;
    EXPECT_EQ(second.rfind("good ", 0), 0u) << output;
    EXPECT_NE(first.find("HTTP 500"), std::string::npos) << output;
    // The error, without the "feed bad (URL): " the table shows in its columns.
    ASSERT_LT(header.find("STATUS"), first.size()) << output;
    const std::string shown = first.substr(header.find("STATUS"));
    const std::string error = feeds[0]["last_error"].get<std::string>();
    EXPECT_EQ(shown.rfind("HTTP 500", 0), 0u) << output;
    ASSERT_LT(shown.size(), error.size()) << output;
    EXPECT_EQ(error.substr(error.size() - shown.size()), shown) << output;
    EXPECT_EQ(first.find("http://127.0.0.1:"), header.find("URL")) << output;
    EXPECT_EQ(second.find("http://127.0.0.1:"), header.find("URL")) << output;
    // Numbers are right-aligned under their title.
    const std::size_t items_end = header.find("ITEMS") + 5;
    ASSERT_LE(items_end, second.size()) << output;
    EXPECT_EQ(second.substr(items_end - 2, 2), " 4") << output;
    // Relative times: polled a moment ago ("now" within the second), next
    // poll ahead.
    EXPECT_TRUE(second.find(" ago ") != std::string::npos ||
                second.find(" now ") != std::string::npos)
        << output;
    EXPECT_NE(second.find(" in "), std::string::npos) << output;
    EXPECT_NE(output.find("2 feeds, 1 failing, 4 items delivered"), std::string::npos) << output;

    // Redis away: exit 1, and the message says which Redis.
    redis_->stop();
    EXPECT_EQ(run_command(command, output), 1) << output;
    EXPECT_NE(output.find("cannot connect to redis unix://" + redis_->socket_path()),
              std::string::npos)
        << output;
    EXPECT_EQ(run_command(command + " --json", output), 1) << output;
}

// Polls `target` until its body is `body` (or the time is up): the last reply.
std::optional<reply> wait_for_body(unsigned short port, const std::string& target,
                                   const std::string& body) {
    std::optional<reply> r;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        r = get(port, target);
        if (r && r->body == body) break;
        std::this_thread::sleep_for(100ms);
    }
    return r;
}

TEST_F(StatusEndpoint, HealthFollowsRedisAndTheSpool) {
    wait_for_polls();
    redis_->stop();
    // Redis away, the spool has room: still healthy, and says why.
    auto h = wait_for_body(port_, "/healthz", "ok (redis not connected; items go to the spool)\n");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 200u);
    EXPECT_EQ(h->body, "ok (redis not connected; items go to the spool)\n");
    const auto m = get(port_, "/metrics");
    ASSERT_TRUE(m);
    EXPECT_EQ(sample(m->body, "feedwire_redis_connected"), 0.0);
    const auto page = get(port_, "/");
    ASSERT_TRUE(page);
    EXPECT_NE(page->body.find("not connected"), std::string::npos);

    redis_->start();
    h = wait_for_body(port_, "/healthz", "ok\n");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 200u);
    EXPECT_EQ(h->body, "ok\n");
}

}  // namespace
}  // namespace feedwire::daemon
