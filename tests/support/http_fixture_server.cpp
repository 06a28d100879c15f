// Beast parses each request (with a body limit); the reply is formatted by
// hand and written raw, so tests control every byte, including Content-
// Encoding and pacing. One io_context on one thread; sessions follow Beast's
// do_x()/on_x() shape. Tests and the server thread share only the route
// table, the handler and the request log, all behind one mutex.
#include "support/http_fixture_server.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#define ZLIB_CONST
#include <zlib.h>

namespace feedwire::test {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

// Requests in these tests are small; the limit only guards the test process.
constexpr std::uint64_t request_body_limit = 1024 * 1024;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

bool has_body(int status) { return !(status < 200 || status == 204 || status == 304); }

std::string format_head(const http_response& response, bool keep_alive) {
    const auto reason =
        http::obsolete_reason(http::int_to_status(static_cast<unsigned>(response.status)));
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                       std::string(reason.data(), reason.size()) + "\r\n";
    bool has_length = false;
    for (const auto& [name, value] : response.headers) {
        if (lower(name) == "content-length") has_length = true;
        head += name + ": " + value + "\r\n";
    }
    if (!has_length && has_body(response.status) && !response.omit_content_length) {
        head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    }
    if (!keep_alive) head += "Connection: close\r\n";
    head += "\r\n";
    return head;
}

}  // namespace

struct http_fixture_server::state {
    class session;

    net::io_context io;
    tcp::acceptor acceptor{io};
    std::thread thread;
    std::uint16_t port = 0;
    std::string address = "127.0.0.1";

    mutable std::mutex mutex;  // guards the four below
    std::map<std::string, http_response> routes;
    handler on_request;
    std::vector<http_request> log;
    std::uint64_t connections = 0;

    std::vector<std::weak_ptr<session>> sessions;  // server thread only

    void start();
    void do_accept();
    http_response answer(http_request request);
    void close_all();
};

class http_fixture_server::state::session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, state& owner, std::uint64_t id)
        : socket_(std::move(socket)), timer_(owner.io), owner_(owner), id_(id) {}

    void start() { do_read(); }

    void close() {
        boost::system::error_code ignored;
        timer_.cancel();
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

private:
    void do_read() {
        parser_.emplace();
        parser_->body_limit(request_body_limit);
        http::async_read(socket_, buffer_, *parser_,
                         [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                             self->on_read(ec);
                         });
    }

    void on_read(boost::system::error_code ec) {
        if (ec == http::error::end_of_stream) {
            socket_.shutdown(tcp::socket::shutdown_send, ec);
            return;
        }
        if (ec) return;
        auto message = parser_->release();
        http_request request;
        request.method = std::string(message.method_string());
        request.target = std::string(message.target());
        for (const auto& field : message) {
            const std::string name =
                lower(std::string_view(field.name_string().data(), field.name_string().size()));
            const std::string value(field.value());
            auto& slot = request.headers[name];
            slot = slot.empty() ? value : slot + ", " + value;
        }
        request.body = std::move(message.body());
        request.connection_id = id_;
        keep_alive_ = message.keep_alive();
        response_ = owner_.answer(std::move(request));
        if (response_.stall) {
            do_stall();
            return;
        }
        if (response_.close_connection || response_.omit_content_length) keep_alive_ = false;
        head_ = format_head(response_, keep_alive_);
        net::async_write(socket_, net::buffer(head_),
                         [self = shared_from_this()](boost::system::error_code e, std::size_t) {
                             if (!e) {
                                 self->offset_ = 0;
                                 self->do_body();
                             }
                         });
    }

    void do_body() {
        const std::string& body = response_.body;
        if (offset_ >= body.size()) {
            on_sent();
            return;
        }
        const std::size_t left = body.size() - offset_;
        const std::size_t size =
            response_.chunk_size == 0 ? left : std::min(response_.chunk_size, left);
        net::async_write(socket_, net::buffer(body.data() + offset_, size),
                         [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                             self->on_body_written(ec, n);
                         });
    }

    void on_body_written(boost::system::error_code ec, std::size_t written) {
        if (ec) return;
        offset_ += written;
        if (offset_ < response_.body.size() && response_.chunk_interval.count() > 0) {
            timer_.expires_after(response_.chunk_interval);
            timer_.async_wait([self = shared_from_this()](boost::system::error_code e) {
                if (!e) self->do_body();
            });
            return;
        }
        do_body();
    }

    void on_sent() {
        if (keep_alive_) {
            do_read();
            return;
        }
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
    }

    // Swallow whatever arrives until the peer goes away.
    void do_stall() {
        socket_.async_read_some(net::buffer(sink_), [self = shared_from_this()](
                                                        boost::system::error_code ec, std::size_t) {
            if (!ec) self->do_stall();
        });
    }

    tcp::socket socket_;
    net::steady_timer timer_;
    state& owner_;
    std::uint64_t id_;
    boost::beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http_response response_;
    std::string head_;
    std::size_t offset_ = 0;
    bool keep_alive_ = true;
    std::array<char, 512> sink_{};
};

void http_fixture_server::state::start() {
    const tcp::endpoint endpoint(net::ip::make_address(address), 0);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    port = acceptor.local_endpoint().port();
    do_accept();
    thread = std::thread([this] {
        for (;;) {
            try {
                io.run();
                return;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "http_fixture_server: %s\n", e.what());
            }
        }
    });
}

void http_fixture_server::state::do_accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
        if (!ec) {
            std::uint64_t id = 0;
            {
                const std::lock_guard lock(mutex);
                id = ++connections;
            }
            // Nagle's algorithm against the client's delayed ACK would add
            // 40 ms to every keep-alive exchange.
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            auto s = std::make_shared<session>(std::move(socket), *this, id);
            sessions.erase(std::remove_if(sessions.begin(), sessions.end(),
                                          [](const auto& weak) { return weak.expired(); }),
                           sessions.end());
            sessions.push_back(s);
            s->start();
        }
        do_accept();
    });
}

http_response http_fixture_server::state::answer(http_request request) {
    handler chosen;
    {
        const std::lock_guard lock(mutex);
        log.push_back(request);
        if (const auto it = routes.find(request.target); it != routes.end()) return it->second;
        chosen = on_request;
    }
    if (!chosen) return http_response::status_only(404);
    try {
        return chosen(request);
    } catch (const std::exception& e) {
        http_response failure =
            http_response::ok(std::string("handler threw: ") + e.what(), "text/plain");
        failure.status = 500;
        return failure;
    }
}

void http_fixture_server::state::close_all() {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    for (const auto& weak : sessions) {
        if (auto s = weak.lock()) s->close();
    }
    sessions.clear();
}

std::string http_request::header(std::string_view name) const {
    const auto it = headers.find(lower(name));
    return it == headers.end() ? std::string() : it->second;
}

bool http_request::has_header(std::string_view name) const {
    return headers.find(lower(name)) != headers.end();
}

http_response http_response::ok(std::string body, std::string content_type) {
    http_response r;
    r.body = std::move(body);
    r.header("Content-Type", std::move(content_type));
    return r;
}

http_response http_response::redirect(int status, std::string location) {
    http_response r;
    r.status = status;
    r.header("Location", std::move(location));
    return r;
}

http_response http_response::status_only(int status) {
    http_response r;
    r.status = status;
    return r;
}

http_response http_response::gzipped(std::string gzip_body, std::string content_type) {
    http_response r = ok(std::move(gzip_body), std::move(content_type));
    r.header("Content-Encoding", "gzip");
    return r;
}

http_response http_response::stalled() {
    http_response r;
    r.stall = true;
    return r;
}

http_fixture_server::http_fixture_server() : state_(std::make_shared<state>()) { state_->start(); }

http_fixture_server::http_fixture_server(handler on_request) : state_(std::make_shared<state>()) {
    state_->on_request = std::move(on_request);
    state_->start();
}

http_fixture_server::http_fixture_server(std::string address, handler on_request)
    : state_(std::make_shared<state>()) {
    state_->address = std::move(address);
    state_->on_request = std::move(on_request);
    state_->start();
}

http_fixture_server::~http_fixture_server() { stop(); }

void http_fixture_server::route(std::string target, http_response response) {
    const std::lock_guard lock(state_->mutex);
    state_->routes[std::move(target)] = std::move(response);
}

void http_fixture_server::set_handler(handler on_request) {
    const std::lock_guard lock(state_->mutex);
    state_->on_request = std::move(on_request);
}

std::uint16_t http_fixture_server::port() const { return state_->port; }

std::string http_fixture_server::url(std::string_view target) const {
    return "http://" + state_->address + ":" + std::to_string(state_->port) + std::string(target);
}

std::vector<http_request> http_fixture_server::requests() const {
    const std::lock_guard lock(state_->mutex);
    return state_->log;
}

std::size_t http_fixture_server::request_count() const {
    const std::lock_guard lock(state_->mutex);
    return state_->log.size();
}

std::uint64_t http_fixture_server::connection_count() const {
    const std::lock_guard lock(state_->mutex);
    return state_->connections;
}

void http_fixture_server::clear_requests() {
    const std::lock_guard lock(state_->mutex);
    state_->log.clear();
}

void http_fixture_server::stop() {
    if (!state_->thread.joinable()) return;
    // Handlers left queued after stop() die with the io_context; the sockets
    // they hold are closed by then.
    net::post(state_->io, [s = state_.get()] {
        s->close_all();
        s->io.stop();
    });
    state_->thread.join();
}

namespace {

class gzip_writer {
public:
    gzip_writer() {
        // 15 + 16: a gzip wrapper rather than zlib's (zlib.h, deflateInit2).
        if (deflateInit2(&stream_, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
                         Z_DEFAULT_STRATEGY) != Z_OK) {
            throw std::runtime_error("deflateInit2 failed");
        }
    }
    ~gzip_writer() { deflateEnd(&stream_); }
    gzip_writer(const gzip_writer&) = delete;
    gzip_writer& operator=(const gzip_writer&) = delete;

    void write(std::string_view data, bool is_last) {
        stream_.next_in = reinterpret_cast<const Bytef*>(data.data());
        stream_.avail_in = static_cast<uInt>(data.size());
        const int flush = is_last ? Z_FINISH : Z_NO_FLUSH;
        std::array<unsigned char, 16384> chunk{};
        int result = Z_OK;
        do {
            stream_.next_out = chunk.data();
            stream_.avail_out = static_cast<uInt>(chunk.size());
            result = deflate(&stream_, flush);
            if (result == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
            out_.append(reinterpret_cast<const char*>(chunk.data()),
                        chunk.size() - stream_.avail_out);
        } while (stream_.avail_out == 0 || (is_last && result != Z_STREAM_END));
    }

    std::string take() { return std::move(out_); }

private:
    z_stream stream_{};
    std::string out_;
};

}  // namespace

std::string gzip(std::string_view data) {
    gzip_writer writer;
    writer.write(data, true);
    return writer.take();
}

std::string gzip_zeros(std::size_t count) {
    const std::string zeros(1024 * 1024, '\0');
    gzip_writer writer;
    while (count > zeros.size()) {
        writer.write(zeros, false);
        count -= zeros.size();
    }
    writer.write(std::string_view(zeros).substr(0, count), true);
    return writer.take();
}

}  // namespace feedwire::test
