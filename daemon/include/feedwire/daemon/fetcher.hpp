// HTTP for the whole daemon: one libcurl multi handle driven by the daemon's
// Boost.Asio io_context through CURLMOPT_SOCKETFUNCTION and
// CURLMOPT_TIMERFUNCTION (the multi-uv.c / hiperfifo.c pattern; curl's own
// Asio example was withdrawn for its bugs). Connections are reused across
// polls; HTTP/2 is negotiated where the server offers it; gzip, deflate and
// brotli are accepted. Only http and https, on every redirect hop.
//
// Completion handlers run on the io_context (posted, never from inside a
// libcurl callback). Not thread-safe: call from the io_context's thread.
#pragma once

#include "feedwire/daemon/fetch.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>

namespace feedwire::daemon {

struct fetcher_options {
    // CURLMOPT_MAX_HOST_CONNECTIONS; pacing per host lives in the scheduler.
    long max_host_connections = 2;
    long max_total_connections = 256;
};

class fetcher {
public:
    using completion = std::function<void(fetch_outcome)>;

    fetcher(boost::asio::io_context& io, fetcher_options options = {});
    ~fetcher();
    fetcher(const fetcher&) = delete;
    fetcher& operator=(const fetcher&) = delete;

    // Starts a transfer; `done` is called exactly once, on the io_context,
    // unless cancel_all() or destruction comes first.
    void fetch(fetch_request request, completion done);

    std::size_t in_flight() const;

    // Aborts every transfer in flight; their handlers are not called.
    void cancel_all();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace feedwire::daemon
