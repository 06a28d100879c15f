// An HTTP/1.1 server inside the test process, for integration tests of
// everything that fetches. Boost.Beast parses requests; replies are written
// as raw bytes, so a test can send anything a hostile or broken server would
// (pre-compressed bodies, a trickle, a connection that never answers).
//
//   feedwire::test::http_fixture_server server;      // 127.0.0.1, free port
//   server.route("/feed.xml", http_response::ok("<rss/>", "application/rss+xml"));
//   server.set_handler([](const http_request& r) { ... return http_response{...}; });
//   fetch(server.url("/feed.xml"));
//   EXPECT_EQ(server.requests().at(0).header("if-none-match"), "\"v1\"");
//
// One thread runs the server's own io_context; the route table and the
// handler are consulted on that thread (under a lock, so tests may change
// them at any time), and a handler must not block. Connections are
// keep-alive unless the request or the response says close. stop() (also run
// by the destructor) closes every connection and joins the thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace feedwire::test {

struct http_request {
    std::string method;
    std::string target;                          // as sent: path and query
    std::map<std::string, std::string> headers;  // lower-cased names; repeated ones joined by ", "
    std::string body;
    std::uint64_t connection_id = 0;  // 1 for the first connection accepted, and so on

    // Value of a header (any case), or "" when absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
};

struct http_response {
    int status = 200;
    // Sent as given, in order. Content-Length is added from the body unless
    // present here; Connection: close is added when close_connection is set.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // raw bytes: gzip it yourself for Content-Encoding: gzip

    // Slow trickle: after the head, send the body chunk_size bytes at a time
    // with chunk_interval between chunks. 0 = all at once.
    std::size_t chunk_size = 0;
    std::chrono::milliseconds chunk_interval{0};

    // Read the request, then never answer; the connection stays open until
    // the client gives up or the server stops.
    bool stall = false;

    // Close the connection after this response.
    bool close_connection = false;

    // Send no Content-Length: the body ends when the connection closes
    // (implies close_connection), so only the client's own count limits it.
    bool omit_content_length = false;

    http_response& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }

    static http_response ok(std::string body, std::string content_type = "application/xml");
    static http_response redirect(int status, std::string location);
    static http_response status_only(int status);
    // body must already be gzip bytes (see gzip() below).
    static http_response gzipped(std::string gzip_body,
                                 std::string content_type = "application/xml");
    static http_response stalled();
};

class http_fixture_server {
public:
    using handler = std::function<http_response(const http_request&)>;

    // Listens on 127.0.0.1 on a free port and starts serving at once.
    // Unrouted targets get the handler's reply, or 404 without a handler.
    http_fixture_server();
    explicit http_fixture_server(handler on_request);
    // Listens on another loopback address (127.0.0.2, ...), so that one
    // test can serve several distinct hosts.
    http_fixture_server(std::string address, handler on_request);
    ~http_fixture_server();
    http_fixture_server(const http_fixture_server&) = delete;
    http_fixture_server& operator=(const http_fixture_server&) = delete;

    // An exact target (path and query) always answered with this reply.
    void route(std::string target, http_response response);
    void set_handler(handler on_request);

    std::uint16_t port() const;
    // "http://ADDRESS:PORT" + target.
    std::string url(std::string_view target = "/") const;

    // Every request received so far, in order of arrival.
    std::vector<http_request> requests() const;
    std::size_t request_count() const;
    std::uint64_t connection_count() const;
    void clear_requests();

    // Closes the listener and every connection, joins the thread. Idempotent.
    void stop();

private:
    struct state;
    std::shared_ptr<state> state_;
};

// Gzip (RFC 1952) of data, for Content-Encoding: gzip replies.
std::string gzip(std::string_view data);
// Gzip of `count` zero bytes, made in pieces: a 50 MB bomb costs ~50 KB and
// never exists inflated in memory.
std::string gzip_zeros(std::size_t count);

}  // namespace feedwire::test
