// One acceptor and one small session per connection, all on the service's
// io_context. A session reads a request with Beast's parser (header and
// body limits), answers it, and reads the next one while the client keeps
// the connection alive; every read and write has a deadline
// (beast::tcp_stream's expiry). Errors end the session, never the daemon.
#include "feedwire/daemon/http_endpoint.hpp"

#include "feedwire/daemon/deliver.hpp"
#include "feedwire/daemon/redis.hpp"
#include "feedwire/daemon/spool.hpp"
#include "feedwire/daemon/status_page.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <exception>
#include <map>

namespace feedwire::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

endpoint_reply answer_request(std::string_view method, std::string_view target,
                              const endpoint_sources& sources) {
    const std::string_view path = target.substr(0, target.find('?'));
    const bool known = path == "/" || path == "/metrics" || path == "/healthz" || path == "/feeds";
    if (!known) return {404, "text/plain; charset=utf-8", "not found\n"};
    if (method != "GET") return {405, "text/plain; charset=utf-8", "only GET\n", true};
    const status_snapshot s = sources.snapshot();
    if (path == "/metrics")
        return {200, "text/plain; version=0.0.4; charset=utf-8",
                render_metrics(sources.metrics(), s)};
    if (path == "/healthz") {
        const health h = assess_health(s);
        return {h.is_ok ? 200u : 503u, "text/plain; charset=utf-8", h.reason + "\n"};
    }
    if (path == "/feeds") return {200, "application/json", render_feeds_json(s)};
    return {200, "text/html; charset=utf-8",
            render_status_page(sources.metrics(), s, sources.version)};
}

status_snapshot component_snapshot(const redis_client& redis, const deliverer& delivery,
                                   const spool* disk, const config::configuration& config) {
    status_snapshot s;
    s.now = std::chrono::system_clock::now();
    s.is_redis_connected = redis.is_connected();
    s.redis_address = config::describe(config.redis);
    s.redis_round_trip = redis.last_round_trip();
    s.has_spool = disk != nullptr;
    if (disk) {
        s.spool_bytes = disk->stats().bytes;
        s.spool_records = disk->stats().records;
    }
    s.spool_max_bytes = config.daemon.spool_max;
    const spool_counters c = delivery.counters();
    s.spool_refused_full = c.refused_full;
    s.spool_write_errors = c.write_errors;
    s.spooled_items = c.spooled_items;
    s.replayed_items = c.replayed_items;
    s.delivery_pending = delivery.pending();
    return s;
}

feed_status feed_status_of(const config::feed_config& feed, const feed_state& state) {
    feed_status f;
    f.id = feed.id;
    f.url = feed.url;
    f.enabled = feed.enabled;
    f.last_poll = state.last_poll;
    f.last_success = state.last_success;
    f.next_poll = state.next_poll;
    f.last_status = state.last_status;
    f.last_error = state.last_error;
    f.consecutive_errors = state.consecutive_errors;
    f.is_gone = state.is_gone;
    f.items_delivered = state.items_delivered;
    f.owner = state.owner;
    return f;
}

std::optional<listen_address> parse_listen(std::string_view listen) {
    const auto colon = listen.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    std::string_view host = listen.substr(0, colon);
    const std::string_view port = listen.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value > 65535)
        return std::nullopt;
    return listen_address{std::string(host), static_cast<unsigned short>(value)};
}

namespace {

class session;

// Shared by the endpoint and its sessions, which outlive it until their
// handlers have run.
struct endpoint_core : std::enable_shared_from_this<endpoint_core> {
    asio::io_context& io;
    endpoint_sources sources;
    http_endpoint_options options;
    tcp::acceptor acceptor{io};
    bool is_stopped = false;
    std::uint64_t next_id = 0;
    std::map<std::uint64_t, std::weak_ptr<session>> sessions;

    endpoint_core(asio::io_context& i, endpoint_sources s, http_endpoint_options o)
        : io(i), sources(std::move(s)), options(o) {}

    void do_accept();
    void stop();
};

class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, std::shared_ptr<endpoint_core> owner, std::uint64_t id)
        : stream_(std::move(socket)), owner_(std::move(owner)), id_(id) {}

    ~session() { owner_->sessions.erase(id_); }

    void start() { do_read(); }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

private:
    void do_read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(owner_->options.max_header_bytes));
        parser_->body_limit(owner_->options.max_body_bytes);
        stream_.expires_after(owner_->options.read_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (owner_->is_stopped) return;
        if (ec == http::error::end_of_stream) return close();
        if (ec) {
            // A request too large or malformed gets an answer; a timeout or
            // a reset does not.
            if (ec == http::error::header_limit)
                return respond({431, "text/plain; charset=utf-8", "request too large\n"}, false);
            if (ec == http::error::body_limit)
                return respond({413, "text/plain; charset=utf-8", "request too large\n"}, false);
            if (ec.category() == http::make_error_code(http::error::bad_method).category())
                return respond({400, "text/plain; charset=utf-8", "bad request\n"}, false);
            return close();
        }
        const auto& request = parser_->get();
        endpoint_reply reply;
        try {
            const auto method = request.method_string();
            const auto target = request.target();
            reply = answer_request(std::string_view(method.data(), method.size()),
                                   std::string_view(target.data(), target.size()), owner_->sources);
        } catch (const std::exception& e) {
            spdlog::error("status endpoint: {} {}: {}", std::string(request.method_string()),
                          std::string(request.target()), e.what());
            reply = {500, "text/plain; charset=utf-8", "internal error\n"};
        }
        ++served_;
        const bool keep_alive =
            request.keep_alive() && served_ < owner_->options.max_requests_per_connection;
        respond(std::move(reply), keep_alive);
    }

    void respond(endpoint_reply reply, bool keep_alive) {
        response_.emplace();
        auto& r = *response_;
        r.version(11);
        r.result(reply.status);
        r.set(http::field::server, "feedwired");
        r.set(http::field::content_type, reply.content_type);
        r.set(http::field::cache_control, "no-store");
        r.set("X-Content-Type-Options", "nosniff");
        r.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        if (reply.allow_get) r.set(http::field::allow, "GET");
        r.keep_alive(keep_alive);
        r.body() = std::move(reply.body);
        r.prepare_payload();
        stream_.expires_after(owner_->options.write_timeout);
        http::async_write(
            stream_, r, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                if (ec || self->owner_->is_stopped) return self->close();
                if (!keep_alive) return self->close();
                self->do_read();
            });
    }

    beast::tcp_stream stream_;
    std::shared_ptr<endpoint_core> owner_;
    std::uint64_t id_;
    beast::flat_buffer buffer_{8192};
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::response<http::string_body>> response_;
    std::size_t served_ = 0;
};

void endpoint_core::do_accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->is_stopped) return;
        if (ec) {
            if (ec == asio::error::operation_aborted) return;
            // Out of descriptors and the like: try again shortly, never stop.
            spdlog::warn("status endpoint: accept: {}", ec.message());
            auto timer = std::make_shared<asio::steady_timer>(self->io, std::chrono::seconds{1});
            timer->async_wait([self, timer](beast::error_code) {
                if (!self->is_stopped) self->do_accept();
            });
            return;
        }
        if (self->sessions.size() >= self->options.max_connections) {
            beast::error_code ignored;
            socket.close(ignored);  // too many: the client may retry
        } else {
            const std::uint64_t id = ++self->next_id;
            auto s = std::make_shared<session>(std::move(socket), self, id);
            self->sessions.emplace(id, s);
            s->start();
        }
        self->do_accept();
    });
}

void endpoint_core::stop() {
    if (is_stopped) return;
    is_stopped = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    const auto open = sessions;  // closing may end sessions, which erase themselves
    for (const auto& [id, weak] : open) {
        if (auto s = weak.lock()) s->close();
    }
}

}  // namespace

struct http_endpoint::impl {
    std::shared_ptr<endpoint_core> core;
};

http_endpoint::http_endpoint(asio::io_context& io, endpoint_sources sources,
                             http_endpoint_options options)
    : impl_(std::make_shared<impl>(
          impl{std::make_shared<endpoint_core>(io, std::move(sources), options)})) {}

http_endpoint::~http_endpoint() { impl_->core->stop(); }

std::optional<std::string> http_endpoint::start(std::string_view listen) {
    const auto address = parse_listen(listen);
    if (!address) return "not host:port: " + std::string(listen);
    beast::error_code ec;
    tcp::resolver resolver(impl_->core->io);
    const auto results =
        resolver.resolve(address->host, std::to_string(address->port),
                         tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty())
        return "cannot resolve " + address->host + ": " +
               (ec ? ec.message() : std::string("no address"));
    const tcp::endpoint where = results.begin()->endpoint();
    auto& a = impl_->core->acceptor;
    if (a.open(where.protocol(), ec); ec) return "socket: " + ec.message();
    if (a.set_option(asio::socket_base::reuse_address(true), ec); ec)
        return "SO_REUSEADDR: " + ec.message();
    if (a.bind(where, ec); ec) return "bind " + std::string(listen) + ": " + ec.message();
    if (a.listen(asio::socket_base::max_listen_connections, ec); ec)
        return "listen " + std::string(listen) + ": " + ec.message();
    impl_->core->do_accept();
    return std::nullopt;
}

unsigned short http_endpoint::port() const {
    beast::error_code ec;
    const auto where = impl_->core->acceptor.local_endpoint(ec);
    return ec ? 0 : where.port();
}

void http_endpoint::stop() { impl_->core->stop(); }

}  // namespace feedwire::daemon
