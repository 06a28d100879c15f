// The daemon's own HTTP endpoint (Boost.Beast, on the service's io_context):
// /metrics (Prometheus text), /healthz, /feeds (JSON) and / (status page).
// GET only; requests are small, every read and write has a deadline and
// connections are capped, so a slow or hostile client cannot hold the loop,
// and nothing a client sends can stop the daemon.
#pragma once

#include "feedwire/config/config.hpp"
#include "feedwire/daemon/feed_state.hpp"
#include "feedwire/daemon/metrics.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace feedwire::daemon {

struct endpoint_reply {
    unsigned status = 200;
    std::string content_type;
    std::string body;
    bool allow_get = false;  // 405: say which method is allowed
};

// Everything the endpoint reads: called on the io_context thread, per request.
struct endpoint_sources {
    std::function<status_snapshot()> snapshot;
    std::function<const service_metrics&()> metrics;
    std::string version;
};

// The reply to one request, without I/O: routes the path (the query is
// ignored), refuses other methods than GET with 405, unknown paths with 404.
endpoint_reply answer_request(std::string_view method, std::string_view target,
                              const endpoint_sources& sources);

struct http_endpoint_options {
    std::chrono::milliseconds read_timeout{std::chrono::seconds{5}};  // a whole request
    std::chrono::milliseconds write_timeout{std::chrono::seconds{10}};
    std::size_t max_connections = 32;
    std::size_t max_header_bytes = 8192;
    std::size_t max_body_bytes = 1024;
    std::size_t max_requests_per_connection = 100;
};

class redis_client;
class deliverer;
class spool;

// The components' part of a snapshot (Redis, spool, delivery); the service
// adds its feeds, start time and whether it is stopping.
status_snapshot component_snapshot(const redis_client& redis, const deliverer& delivery,
                                   const spool* disk, const config::configuration& config);
feed_status feed_status_of(const config::feed_config& feed, const feed_state& state);

// Parses "host:port" ("[::1]:9464", "127.0.0.1:9464", "localhost:9464").
struct listen_address {
    std::string host;
    unsigned short port = 0;
};
std::optional<listen_address> parse_listen(std::string_view listen);

class http_endpoint {
public:
    http_endpoint(boost::asio::io_context& io, endpoint_sources sources,
                  http_endpoint_options options = {});
    ~http_endpoint();
    http_endpoint(const http_endpoint&) = delete;
    http_endpoint& operator=(const http_endpoint&) = delete;

    // Binds and starts accepting; the error, when it cannot.
    std::optional<std::string> start(std::string_view listen);
    // The bound port (after start).
    unsigned short port() const;
    // Closes the listening socket and every connection.
    void stop();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace feedwire::daemon
