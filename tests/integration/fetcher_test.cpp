// The fetcher against a real server on 127.0.0.1: real libcurl, real sockets,
// one io_context. Each test scripts the fixture server's replies and checks
// what the fetcher reports and, where it matters, what it sent. Timeouts are
// short (about a second) so the whole binary stays well under 20 s.
#include "feedwire/daemon/fetcher.hpp"

#include "support/http_fixture_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;
using test::gzip;
using test::gzip_zeros;
using test::http_fixture_server;
using test::http_request;
using test::http_response;
using ::testing::HasSubstr;

constexpr const char* feed_body = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>";

class FetcherTest : public ::testing::Test {
protected:
    fetch_request request_for(const std::string& target) {
        fetch_request r;
        r.feed_id = "test";
        r.url = server_.url(target);
        r.user_agent = "feedwire-test/0.1 (+https://example.org/bot)";
        r.connect_timeout = 2s;
        r.total_timeout = 5s;
        r.low_speed_window = 5s;
        return r;
    }

    // Runs the io_context until pred holds or the deadline passes.
    void run_until(const std::function<bool()>& pred, std::chrono::milliseconds limit = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!pred() && std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_for(10ms);
        }
    }

    void run_for(std::chrono::milliseconds span) {
        const auto deadline = std::chrono::steady_clock::now() + span;
        while (std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_for(10ms);
        }
    }

    fetch_outcome fetch(fetch_request r) {
        std::optional<fetch_outcome> out;
        fetcher_.fetch(std::move(r), [&out](fetch_outcome o) { out = std::move(o); });
        run_until([&out] { return out.has_value(); });
        if (!out) {
            ADD_FAILURE() << "no completion";
            return {};
        }
        return std::move(*out);
    }

    fetch_outcome fetch(const std::string& target) { return fetch(request_for(target)); }

    http_fixture_server server_;
    boost::asio::io_context io_;
    fetcher fetcher_{io_};
};

TEST_F(FetcherTest, SendsIfNoneMatchAndGets304) {
    server_.set_handler([](const http_request& r) {
        if (r.header("if-none-match") == "\"v1\"") {
            return http_response::status_only(304).header("ETag", "\"v1\"");
        }
        return http_response::ok(feed_body, "application/rss+xml").header("ETag", "\"v1\"");
    });
    const fetch_outcome first = fetch("/feed.xml");
    ASSERT_EQ(first.status, fetch_status::ok) << first.error;
    EXPECT_EQ(first.http_status, 200);
    EXPECT_EQ(first.body, feed_body);
    EXPECT_EQ(first.etag, "\"v1\"");
    EXPECT_EQ(first.content_type, "application/rss+xml");
    EXPECT_EQ(first.bytes_received, std::string(feed_body).size());
    EXPECT_EQ(first.http_version, "1.1");
    EXPECT_GT(first.elapsed.count(), 0);
    EXPECT_TRUE(first.error.empty());

    fetch_request again = request_for("/feed.xml");
    again.etag = first.etag;
    const fetch_outcome second = fetch(again);
    EXPECT_EQ(second.status, fetch_status::not_modified) << second.error;
    EXPECT_EQ(second.http_status, 304);
    EXPECT_TRUE(second.body.empty());

    const auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_FALSE(requests[0].has_header("if-none-match"));
    EXPECT_EQ(requests[1].header("if-none-match"), "\"v1\"");
    EXPECT_EQ(requests[1].header("user-agent"), "feedwire-test/0.1 (+https://example.org/bot)");
    EXPECT_THAT(requests[1].header("accept-encoding"), HasSubstr("gzip"));
    EXPECT_THAT(requests[1].header("accept-encoding"), HasSubstr("deflate"));
    EXPECT_THAT(requests[1].header("accept-encoding"), HasSubstr("br"));
}

TEST_F(FetcherTest, SendsIfModifiedSinceAndGets304) {
    const std::string stamp = "Tue, 15 Nov 1994 12:45:26 GMT";
    server_.set_handler([stamp](const http_request& r) {
        if (r.header("if-modified-since") == stamp) return http_response::status_only(304);
        return http_response::ok(feed_body).header("Last-Modified", stamp);
    });
    const fetch_outcome first = fetch("/feed.xml");
    ASSERT_EQ(first.status, fetch_status::ok) << first.error;
    EXPECT_EQ(first.last_modified, stamp);

    fetch_request again = request_for("/feed.xml");
    again.last_modified = first.last_modified;
    EXPECT_EQ(fetch(again).status, fetch_status::not_modified);
    EXPECT_EQ(server_.requests().at(1).header("if-modified-since"), stamp);
}

TEST_F(FetcherTest, SendsExtraHeadersWithoutInjection) {
    server_.route("/feed.xml", http_response::ok(feed_body));
    fetch_request r = request_for("/feed.xml");
    r.headers["X-Api-Key"] = "secret\r\nX-Injected: 1";
    ASSERT_EQ(fetch(r).status, fetch_status::ok);
    const auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].header("x-api-key"), "secretX-Injected: 1");
    EXPECT_FALSE(requests[0].has_header("x-injected"));
}

TEST_F(FetcherTest, DecodesGzipBody) {
    const std::string plain = std::string(feed_body) + std::string(10000, 'x');
    const std::string packed = gzip(plain);
    ASSERT_LT(packed.size(), plain.size());
    server_.route("/feed.xml.gz", http_response::gzipped(packed));
    const fetch_outcome out = fetch("/feed.xml.gz");
    ASSERT_EQ(out.status, fetch_status::ok) << out.error;
    EXPECT_EQ(out.body, plain);
    EXPECT_EQ(out.bytes_received, plain.size());
    EXPECT_EQ(out.headers.at("content-encoding"), "gzip");
}

TEST_F(FetcherTest, KeepsConnectionAlive) {
    server_.route("/feed.xml", http_response::ok(feed_body));
    ASSERT_EQ(fetch("/feed.xml").status, fetch_status::ok);
    ASSERT_EQ(fetch("/feed.xml").status, fetch_status::ok);
    EXPECT_EQ(server_.connection_count(), 1u);
}

TEST_F(FetcherTest, ChainOf301IsPermanent) {
    server_.route("/a", http_response::redirect(301, "/b").header("X-Hop", "a"));
    server_.route("/b", http_response::redirect(301, server_.url("/feed.xml")));
    server_.route("/feed.xml", http_response::ok(feed_body)
                                   .header("Cache-Control", "max-age=300")
                                   .header("Expires", "Thu, 01 Dec 2094 16:00:00 GMT"));
    const fetch_outcome out = fetch("/a");
    ASSERT_EQ(out.status, fetch_status::ok) << out.error;
    EXPECT_EQ(out.redirect_count, 2);
    EXPECT_TRUE(out.is_permanent_redirect);
    EXPECT_EQ(out.effective_url, server_.url("/feed.xml"));
    EXPECT_EQ(out.body, feed_body);
    // Headers are the final response's only.
    EXPECT_EQ(out.headers.count("x-hop"), 0u);
    EXPECT_TRUE(out.location.empty());
    EXPECT_EQ(out.cache_control, "max-age=300");
    EXPECT_EQ(out.expires, "Thu, 01 Dec 2094 16:00:00 GMT");
}

TEST_F(FetcherTest, A302InTheChainIsNotPermanent) {
    server_.route("/a", http_response::redirect(301, "/b"));
    server_.route("/b", http_response::redirect(302, "/feed.xml"));
    server_.route("/feed.xml", http_response::ok(feed_body));
    const fetch_outcome out = fetch("/a");
    ASSERT_EQ(out.status, fetch_status::ok) << out.error;
    EXPECT_EQ(out.redirect_count, 2);
    EXPECT_FALSE(out.is_permanent_redirect);
    EXPECT_EQ(out.effective_url, server_.url("/feed.xml"));
}

TEST_F(FetcherTest, A307IsTemporaryAndA308Permanent) {
    server_.route("/temporary", http_response::redirect(307, "/feed.xml"));
    server_.route("/permanent", http_response::redirect(308, "/feed.xml"));
    server_.route("/feed.xml", http_response::ok(feed_body));
    const fetch_outcome temporary = fetch("/temporary");
    ASSERT_EQ(temporary.status, fetch_status::ok) << temporary.error;
    EXPECT_EQ(temporary.redirect_count, 1);
    EXPECT_FALSE(temporary.is_permanent_redirect);
    const fetch_outcome permanent = fetch("/permanent");
    ASSERT_EQ(permanent.status, fetch_status::ok) << permanent.error;
    EXPECT_EQ(permanent.redirect_count, 1);
    EXPECT_TRUE(permanent.is_permanent_redirect);
}

TEST_F(FetcherTest, NoRedirectIsNotPermanent) {
    server_.route("/feed.xml", http_response::ok(feed_body));
    const fetch_outcome out = fetch("/feed.xml");
    EXPECT_EQ(out.redirect_count, 0);
    EXPECT_FALSE(out.is_permanent_redirect);
    EXPECT_EQ(out.effective_url, server_.url("/feed.xml"));
}

TEST_F(FetcherTest, RedirectLoopIsBadProtocol) {
    server_.route("/loop-a", http_response::redirect(302, "/loop-b"));
    server_.route("/loop-b", http_response::redirect(302, "/loop-a"));
    const fetch_outcome out = fetch("/loop-a");
    EXPECT_EQ(out.status, fetch_status::bad_protocol);
    EXPECT_THAT(out.error, HasSubstr("redirect loop"));
    EXPECT_FALSE(out.is_permanent_redirect);
}

TEST_F(FetcherTest, TooManyRedirectsIsBadProtocol) {
    server_.set_handler(
        [](const http_request& r) { return http_response::redirect(301, r.target + "x"); });
    fetch_request r = request_for("/r");
    r.max_redirects = 3;
    const fetch_outcome out = fetch(r);
    EXPECT_EQ(out.status, fetch_status::bad_protocol);
    EXPECT_THAT(out.error, HasSubstr("too many redirects"));
    EXPECT_EQ(server_.request_count(), 4u);  // the first request and three redirects
}

TEST_F(FetcherTest, RefusesRedirectToFileScheme) {
    server_.route("/feed.xml", http_response::redirect(302, "file:///etc/passwd"));
    const fetch_outcome out = fetch("/feed.xml");
    EXPECT_EQ(out.status, fetch_status::bad_protocol);
    EXPECT_THAT(out.error, HasSubstr("file:///etc/passwd"));
    EXPECT_TRUE(out.body.empty());
}

TEST_F(FetcherTest, RefusesRedirectToFtp) {
    server_.route("/feed.xml", http_response::redirect(301, "ftp://127.0.0.1/feed.xml"));
    const fetch_outcome out = fetch("/feed.xml");
    EXPECT_EQ(out.status, fetch_status::bad_protocol);
    EXPECT_THAT(out.error, HasSubstr("ftp://"));
}

TEST_F(FetcherTest, RefusesNonHttpUrl) {
    fetch_request r = request_for("/");
    r.url = "file:///etc/passwd";
    const fetch_outcome out = fetch(r);
    EXPECT_EQ(out.status, fetch_status::bad_protocol);
    EXPECT_TRUE(out.body.empty());
}

TEST_F(FetcherTest, Reports404And410AsHttpErrors) {
    server_.route("/gone", http_response::status_only(410));
    const fetch_outcome missing = fetch("/missing");  // unrouted, no handler: 404
    EXPECT_EQ(missing.status, fetch_status::http_error);
    EXPECT_EQ(missing.http_status, 404);
    EXPECT_THAT(missing.error, HasSubstr("404"));
    const fetch_outcome gone = fetch("/gone");
    EXPECT_EQ(gone.status, fetch_status::http_error);
    EXPECT_EQ(gone.http_status, 410);
    EXPECT_THAT(gone.error, HasSubstr("410 Gone"));
}

TEST_F(FetcherTest, SurfacesRetryAfterOn429And503) {
    http_response busy = http_response::ok("slow down", "text/plain").header("Retry-After", "120");
    busy.status = 429;
    server_.route("/busy", busy);
    http_response down = http_response::ok("maintenance", "text/plain")
                             .header("Retry-After", "Wed, 21 Oct 2094 07:28:00 GMT");
    down.status = 503;
    server_.route("/down", down);
    const fetch_outcome too_many = fetch("/busy");
    EXPECT_EQ(too_many.status, fetch_status::http_error);
    EXPECT_EQ(too_many.http_status, 429);
    EXPECT_EQ(too_many.retry_after, "120");
    EXPECT_TRUE(too_many.body.empty());
    const fetch_outcome unavailable = fetch("/down");
    EXPECT_EQ(unavailable.status, fetch_status::http_error);
    EXPECT_EQ(unavailable.http_status, 503);
    EXPECT_EQ(unavailable.retry_after, "Wed, 21 Oct 2094 07:28:00 GMT");
}

TEST_F(FetcherTest, Reports500AsHttpError) {
    server_.route("/broken", http_response::status_only(500));
    const fetch_outcome out = fetch("/broken");
    EXPECT_EQ(out.status, fetch_status::http_error);
    EXPECT_EQ(out.http_status, 500);
}

TEST_F(FetcherTest, BotChallengeWithCfMitigatedIsBlocked) {
    http_response challenge =
        http_response::ok("<!DOCTYPE html><html><body>...</body></html>", "text/html")
            .header("cf-mitigated", "challenge");
    challenge.status = 403;
    server_.route("/feed.xml", challenge);
    const fetch_outcome out = fetch("/feed.xml");
    EXPECT_EQ(out.status, fetch_status::blocked);
    EXPECT_EQ(out.http_status, 403);
    EXPECT_THAT(out.error, HasSubstr("publisher"));
}

TEST_F(FetcherTest, ChallengePageOn503IsBlocked) {
    http_response page = http_response::ok(
        "<html><head><title>Just a moment...</title></head>"
        "<body><script src=\"/cdn-cgi/challenge-platform/h/b/orchestrate\"></script></body></html>",
        "text/html; charset=UTF-8");
    page.status = 503;
    server_.route("/feed.xml", page);
    EXPECT_EQ(fetch("/feed.xml").status, fetch_status::blocked);
}

TEST_F(FetcherTest, Plain403IsNotBlocked) {
    http_response denied = http_response::ok("<html><body>Forbidden</body></html>", "text/html");
    denied.status = 403;
    server_.route("/feed.xml", denied);
    const fetch_outcome out = fetch("/feed.xml");
    EXPECT_EQ(out.status, fetch_status::http_error);
    EXPECT_EQ(out.http_status, 403);
}

TEST_F(FetcherTest, SlowTrickleIsAbortedAsTimeout) {
    http_response slow = http_response::ok(std::string(2000, 'x'));
    slow.chunk_size = 1;
    slow.chunk_interval = 200ms;
    server_.route("/slow", slow);
    fetch_request r = request_for("/slow");
    r.low_speed_bytes = 64;
    r.low_speed_window = 1s;
    r.total_timeout = 10s;
    const fetch_outcome out = fetch(r);
    EXPECT_EQ(out.status, fetch_status::timeout);
    EXPECT_THAT(out.error, HasSubstr("too slow"));
    EXPECT_LT(out.elapsed, 5s);
}

TEST_F(FetcherTest, StalledConnectionHitsTotalTimeout) {
    server_.route("/stall", http_response::stalled());
    fetch_request r = request_for("/stall");
    r.total_timeout = 1s;
    const fetch_outcome out = fetch(r);
    EXPECT_EQ(out.status, fetch_status::timeout);
    EXPECT_EQ(out.http_status, 0);
    EXPECT_GE(out.elapsed, 900ms);
    EXPECT_LT(out.elapsed, 4s);
    EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(FetcherTest, GzipBombStopsAtTheCap) {
    constexpr std::size_t inflated = 50u * 1024 * 1024;
    constexpr std::uint64_t cap = 1024 * 1024;
    const std::string bomb = gzip_zeros(inflated);
    ASSERT_LT(bomb.size(), 100u * 1024);
    server_.route("/bomb", http_response::gzipped(bomb));
    fetch_request r = request_for("/bomb");
    r.max_body = cap;
    const fetch_outcome out = fetch(r);
    EXPECT_EQ(out.status, fetch_status::too_large);
    EXPECT_THAT(out.error, HasSubstr("decompression"));
    EXPECT_GT(out.bytes_received, cap);
    EXPECT_LT(out.bytes_received, cap + 256 * 1024);  // one decoder buffer past the cap, not 50 MB
    EXPECT_TRUE(out.body.empty());
}

TEST_F(FetcherTest, OversizedDeclaredBodyIsTooLarge) {
    server_.route("/big", http_response::ok(std::string(2 * 1024 * 1024, 'x')));
    fetch_request r = request_for("/big");
    r.max_body = 1024 * 1024;
    const fetch_outcome out = fetch(r);
    EXPECT_EQ(out.status, fetch_status::too_large);
    EXPECT_LE(out.bytes_received, r.max_body + 64 * 1024);
}

TEST_F(FetcherTest, OversizedUndeclaredBodyIsTooLarge) {
    http_response big = http_response::ok(std::string(2 * 1024 * 1024, 'x'));
    big.omit_content_length = true;
    server_.route("/big", big);
    fetch_request r = request_for("/big");
    r.max_body = 1024 * 1024;
    const fetch_outcome out = fetch(r);
    EXPECT_EQ(out.status, fetch_status::too_large);
    EXPECT_GT(out.bytes_received, r.max_body);
    EXPECT_LT(out.bytes_received, r.max_body + 64 * 1024);
}

TEST_F(FetcherTest, HugeHeadersAreTooLarge) {
    http_response noisy = http_response::ok(feed_body);
    for (int i = 0; i < 400; ++i)
        noisy.header("X-Noise-" + std::to_string(i), std::string(1000, 'n'));
    server_.route("/noisy", noisy);
    const fetch_outcome out = fetch("/noisy");
    EXPECT_EQ(out.status, fetch_status::too_large);
    EXPECT_THAT(out.error, HasSubstr("headers"));
}

TEST_F(FetcherTest, ManyConcurrentFetchesAllComplete) {
    server_.set_handler(
        [](const http_request& r) { return http_response::ok("body of " + r.target); });
    constexpr int count = 200;
    std::vector<std::optional<fetch_outcome>> results(count);
    for (int i = 0; i < count; ++i) {
        fetcher_.fetch(request_for("/feed?i=" + std::to_string(i)), [&results, i](fetch_outcome o) {
            results[static_cast<std::size_t>(i)] = std::move(o);
        });
    }
    EXPECT_EQ(fetcher_.in_flight(), static_cast<std::size_t>(count));
    int done = 0;
    run_until([&] {
        done = 0;
        for (const auto& r : results) done += r.has_value() ? 1 : 0;
        return done == count;
    });
    ASSERT_EQ(done, count);
    for (int i = 0; i < count; ++i) {
        const auto& r = results[static_cast<std::size_t>(i)];
        EXPECT_EQ(r->status, fetch_status::ok) << r->error;
        EXPECT_EQ(r->body, "body of /feed?i=" + std::to_string(i));
    }
    EXPECT_EQ(fetcher_.in_flight(), 0u);
    // CURLMOPT_MAX_HOST_CONNECTIONS (2 by default) with keep-alive reuse.
    EXPECT_LE(server_.connection_count(), 2u);
}

TEST_F(FetcherTest, CancelAllCallsNoHandler) {
    server_.route("/stall", http_response::stalled());
    server_.route("/feed.xml", http_response::ok(feed_body));
    int called = 0;
    for (int i = 0; i < 5; ++i) {
        fetcher_.fetch(request_for("/stall"), [&called](fetch_outcome) { ++called; });
    }
    run_until([this] { return server_.request_count() >= 2; }, 2s);
    ASSERT_GE(server_.request_count(), 1u);
    // A completion already posted but not yet run must not run either.
    fetcher_.fetch(request_for("/feed.xml"), [&called](fetch_outcome) { ++called; });
    fetcher_.cancel_all();
    EXPECT_EQ(fetcher_.in_flight(), 0u);
    run_for(300ms);
    EXPECT_EQ(called, 0);

    // Still usable afterwards.
    const fetch_outcome out = fetch("/feed.xml");
    EXPECT_EQ(out.status, fetch_status::ok) << out.error;
    EXPECT_EQ(called, 0);
}

TEST_F(FetcherTest, DestructionWithTransfersInFlightIsSafe) {
    server_.route("/stall", http_response::stalled());
    server_.route("/feed.xml", http_response::ok(feed_body));
    int called = 0;
    {
        fetcher doomed(io_);
        for (int i = 0; i < 3; ++i) {
            doomed.fetch(request_for("/stall"), [&called](fetch_outcome) { ++called; });
        }
        doomed.fetch(request_for("/feed.xml"), [&called](fetch_outcome) { ++called; });
        run_until([this] { return server_.request_count() >= 2; }, 2s);
        ASSERT_EQ(doomed.in_flight(), 4u);
    }
    run_for(300ms);  // handlers queued before the destruction run now, and must do nothing
    EXPECT_EQ(called, 0);
}

TEST_F(FetcherTest, ConnectionRefusedIsNetworkError) {
    std::uint16_t port = 0;
    {
        boost::asio::io_context scratch;
        boost::asio::ip::tcp::acceptor acceptor(scratch,
                                                {boost::asio::ip::make_address("127.0.0.1"), 0});
        port = acceptor.local_endpoint().port();
    }  // closed again: nothing listens there now
    fetch_request r = request_for("/");
    r.url = "http://127.0.0.1:" + std::to_string(port) + "/feed.xml";
    const fetch_outcome out = fetch(r);
    EXPECT_EQ(out.status, fetch_status::network_error);
    EXPECT_EQ(out.http_status, 0);
    EXPECT_NE(out.curl_code, 0);
    EXPECT_FALSE(out.error.empty());
}

TEST_F(FetcherTest, PrivateFirstHopIsTrustedWithoutAllowPrivate) {
    // The operator configured a loopback URL: its own redirects stay allowed.
    server_.route("/a", http_response::redirect(301, server_.url("/feed.xml")));
    server_.route("/feed.xml", http_response::ok(feed_body));
    fetch_request r = request_for("/a");
    r.allow_private_networks = false;
    const fetch_outcome out = fetch(r);
    EXPECT_EQ(out.status, fetch_status::ok) << out.error;
}

}  // namespace
}  // namespace feedwire::daemon
