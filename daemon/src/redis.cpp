// redis_client: one hiredis 0.14 redisAsyncContext at a time, driven by Asio.
//
// The adapter (asio_events) mirrors hiredis's adapters/libuv.h: the
// addRead/addWrite hooks start an async_wait on a stream_descriptor wrapping
// hiredis's fd, the completion calls redisAsyncHandleRead/Write, and the
// cleanup hook release()s the descriptor, because hiredis owns and closes the
// fd (NOTES.md 18). A read can free the context; every completion therefore
// checks that the context is still attached before touching it (libuv.h's
// guard).
//
// Ownership: redis_client holds the only strong reference to impl. Timers and
// posted work hold weak_ptrs, adapter completions hold the adapter (not
// impl), and impl frees the context before it dies, so no hiredis callback
// can reach freed memory. User handlers are never called from inside a
// hiredis callback: they are posted to the io_context, so a handler may stop
// or destroy the client.
//
// hiredis rules followed here (NOTES.md 17-18): the adapter is attached
// before the connect callback is set (setting it arms the first write
// event); the context is never touched after the disconnect callback or a
// failed connect; redisAsyncFree is only called from Asio handlers or from a
// reply callback (where hiredis defers it), never from the connect or
// disconnect callbacks; commands pending when the context goes come back with
// a NULL reply and fail as outcome unknown.
//
// Sentinel URLs: discovery asks one Sentinel at a time through a probe, a
// redis_client of its own (so its timeouts are the same Asio timers), and
// moves to the next Sentinel when the probe reports a failed connection or
// the answer is not an address. The probe is retired (stopped, destroyed)
// from one of its own posted handlers, which the client allows.
#include "feedwire/daemon/redis.hpp"

#include "feedwire/daemon/hiredis_support.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <optional>
#include <random>
#include <utility>

#include <signal.h>

namespace feedwire::daemon {
namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// The Asio adapter for hiredis 0.14 (which ships none).

struct asio_events : std::enable_shared_from_this<asio_events> {
    asio_events(asio::io_context& io, int fd) : descriptor(io, fd) {}
    ~asio_events() {
        // hiredis owns the fd: never let the descriptor close it.
        if (descriptor.is_open()) static_cast<void>(descriptor.release());
    }
    asio_events(const asio_events&) = delete;
    asio_events& operator=(const asio_events&) = delete;

    asio::posix::stream_descriptor descriptor;
    redisAsyncContext* context = nullptr;  // null once hiredis called cleanup
    bool wants_read = false;
    bool wants_write = false;
    bool is_read_armed = false;
    bool is_write_armed = false;
    bool is_write_posted = false;
};

void arm_read(asio_events& ev);
void arm_write(asio_events& ev);

void arm_read(asio_events& ev) {
    if (ev.is_read_armed || ev.context == nullptr || !ev.wants_read) return;
    ev.is_read_armed = true;
    ev.descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                             [self = ev.shared_from_this()](const boost::system::error_code& ec) {
                                 self->is_read_armed = false;
                                 if (ec || self->context == nullptr || !self->wants_read) return;
                                 redisAsyncHandleRead(self->context);
                                 // The read may have freed the context (libuv.h's guard).
                                 if (self->context != nullptr) arm_read(*self);
                             });
}

void arm_write(asio_events& ev) {
    if (ev.is_write_armed || ev.context == nullptr || !ev.wants_write) return;
    ev.is_write_armed = true;
    ev.descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                             [self = ev.shared_from_this()](const boost::system::error_code& ec) {
                                 self->is_write_armed = false;
                                 if (ec || self->context == nullptr || !self->wants_write) return;
                                 redisAsyncHandleWrite(self->context);
                                 if (self->context != nullptr) arm_write(*self);
                             });
}

// The hooks are C callbacks: nothing may escape them. Allocation failure
// inside async_wait leaves the direction unarmed; the command timeout then
// drops the connection.
void on_add_read(void* data) noexcept {
    try {
        auto& ev = *static_cast<asio_events*>(data);
        ev.wants_read = true;
        arm_read(ev);
    } catch (...) {
    }
}

void on_del_read(void* data) noexcept { static_cast<asio_events*>(data)->wants_read = false; }

// On a connected socket a write is tried at once (posted: hiredis must not
// be re-entered from its own hook), and waits for writability only when
// the socket took less than everything: an async_wait costs an epoll_ctl
// and a wake-up per command, and the socket is almost always writable.
// While connecting, the first writability is the connect's completion, so
// that one is always waited for.
void on_add_write(void* data) noexcept {
    try {
        auto& ev = *static_cast<asio_events*>(data);
        ev.wants_write = true;
        if (ev.context == nullptr || (ev.context->c.flags & REDIS_CONNECTED) == 0 ||
            ev.is_write_armed) {
            arm_write(ev);
            return;
        }
        if (ev.is_write_posted) return;
        ev.is_write_posted = true;
        asio::post(ev.descriptor.get_executor(), [self = ev.shared_from_this()] {
            self->is_write_posted = false;
            if (self->context == nullptr || !self->wants_write) return;
            redisAsyncHandleWrite(self->context);
            if (self->context != nullptr) arm_write(*self);  // when something is left
        });
    } catch (...) {
    }
}

void on_del_write(void* data) noexcept { static_cast<asio_events*>(data)->wants_write = false; }

// Called by hiredis (possibly more than once) just before it closes the fd.
void on_cleanup(void* data) noexcept {
    auto& ev = *static_cast<asio_events*>(data);
    ev.context = nullptr;
    ev.wants_read = false;
    ev.wants_write = false;
    // release() deregisters the fd and aborts the pending waits without
    // closing it.
    try {
        if (ev.descriptor.is_open()) static_cast<void>(ev.descriptor.release());
    } catch (...) {
    }
}

void attach(redisAsyncContext& ac, asio_events& ev) {
    ev.context = &ac;
    ac.ev.data = &ev;
    ac.ev.addRead = on_add_read;
    ac.ev.delRead = on_del_read;
    ac.ev.addWrite = on_add_write;
    ac.ev.delWrite = on_del_write;
    ac.ev.cleanup = on_cleanup;
}

// ---------------------------------------------------------------------------

std::string context_error(const redisAsyncContext& ac, const char* fallback) {
    if (ac.c.err != 0 && ac.c.errstr[0] != '\0') return ac.c.errstr;
    return fallback;
}

// hiredis 0.14 writes with write(2), not send(MSG_NOSIGNAL): a server that
// hung up would kill the process with SIGPIPE. Ignore it unless the program
// installed a handler of its own (the service does the same at start).
void ignore_sigpipe() {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
        ::signal(SIGPIPE, SIG_IGN);
    }
}

std::string millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

bool starts_with(const redisReply& reply, std::string_view prefix) {
    return reply.str != nullptr &&
           std::string_view(reply.str, reply.len).substr(0, prefix.size()) == prefix;
}

// ROLE's first element: "master", "slave" or "sentinel".
std::string role_of(const redisReply& reply) {
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements == 0) return "no role";
    const redisReply& first = *reply.element[0];
    if (first.str == nullptr) return "no role";
    return std::string(first.str, first.len);
}

}  // namespace

struct redis_client::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io, config::redis_config where, redis_options options)
        : io_(io),
          where_(std::move(where)),
          options_(options),
          connect_timer_(io),
          command_timer_(io),
          reconnect_timer_(io),
          rng_(std::random_device{}()) {
        options_.max_in_flight = std::max<std::size_t>(options_.max_in_flight, 1);
        options_.reconnect_min = std::max(options_.reconnect_min, std::chrono::milliseconds{1});
        options_.reconnect_max = std::max(options_.reconnect_max, options_.reconnect_min);
    }

    ~impl() {
        // Normally stop() already ran; this is the last line of defence so the
        // context never outlives the object its callbacks point at.
        if (context_ != nullptr) {
            redisAsyncContext* ac = context_;
            context_ = nullptr;
            redisAsyncFree(ac);
        }
    }
    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;

    enum class phase { idle, waiting, discovering, connecting, handshaking, ready, stopped };

    struct queued_command {
        std::vector<std::string> argv;
        reply_handler handler;
        std::vector<std::string> wait_argv;  // command_and_wait: the WAIT behind it
        int wait_replicas = 0;
    };
    struct sent_command {
        reply_handler handler;  // empty for AUTH, SELECT and the prelude
        bool is_handshake = false;
        std::string name;  // for error messages about the handshake
        steady::time_point sent_at;
        std::size_t bytes = 0;  // a user command's argv, for the byte window
        // command_and_wait: the command (is_paired) and its WAIT
        // (wait_replicas > 0), which takes over the handler and the
        // command's reply when that arrives.
        bool is_paired = false;
        int wait_replicas = 0;
        std::optional<redis_reply> paired_reply;
    };

    asio::io_context& io_;
    config::redis_config where_;
    redis_options options_;
    std::vector<std::vector<std::string>> prelude_;
    state_handler on_state_;
    primary_handler on_primary_;

    phase phase_ = phase::idle;
    redisAsyncContext* context_ = nullptr;
    std::shared_ptr<asio_events> events_;
    std::deque<queued_command> queue_;
    std::deque<sent_command> sent_;  // in the order hiredis will answer them
    std::size_t user_in_flight_ = 0;
    std::size_t user_in_flight_bytes_ = 0;
    std::size_t handshake_remaining_ = 0;
    // Bumped at every connection attempt and loss; timers armed for an older
    // generation do nothing.
    std::uint64_t generation_ = 0;
    asio::steady_timer connect_timer_;
    asio::steady_timer command_timer_;
    bool is_command_timer_armed_ = false;
    asio::steady_timer reconnect_timer_;
    int failures_ = 0;  // consecutive failed attempts, for the backoff
    std::optional<bool> reported_;
    std::chrono::microseconds last_round_trip_{0};
    std::minstd_rand rng_;
    // The node connected to (or being connected to), for messages.
    std::string address_;
    // Sentinel URLs: the Sentinel being asked, and the primary of the last
    // connection that became ready.
    std::unique_ptr<redis_client> probe_;
    std::uint64_t probe_generation_ = 0;
    std::string discovery_errors_;
    std::string last_primary_;

    bool is_sentinel() const { return where_.scheme == config::redis_scheme::sentinel; }

    // --- user-facing -------------------------------------------------------

    void start() {
        if (phase_ != phase::idle && phase_ != phase::stopped) return;
        phase_ = phase::waiting;
        failures_ = 0;
        ignore_sigpipe();
        do_connect();
    }

    void stop() {
        if (phase_ == phase::stopped) return;
        const bool was_idle = phase_ == phase::idle;
        phase_ = phase::stopped;
        ++generation_;
        reconnect_timer_.cancel();
        connect_timer_.cancel();
        command_timer_.cancel();
        is_command_timer_armed_ = false;
        retire_probe();
        auto queued = std::move(queue_);
        queue_.clear();
        for (auto& q : queued) {
            fail(std::move(q.handler), redis_errc::stopped, "redis client stopped");
        }
        if (context_ != nullptr) {
            drop(redis_errc::disconnected, "redis client stopped");
        } else if (!was_idle) {
            report(false, "redis client stopped");
        }
    }

    void command(queued_command c) {
        if (phase_ == phase::stopped) {
            fail(std::move(c.handler), redis_errc::stopped, "redis client stopped");
            return;
        }
        if (phase_ == phase::ready && queue_.empty() && window_open()) {
            if (send_user(c)) return;
            // send_user() keeps nothing when it fails; the handler was moved
            // only on success, so fall through and queue.
        }
        if (queue_.size() >= options_.max_queue) {
            fail(std::move(c.handler), redis_errc::queue_full,
                 "redis queue full (" + std::to_string(options_.max_queue) + " commands)");
            return;
        }
        queue_.push_back(std::move(c));
    }

    void do_connect() {
        ++generation_;
        if (is_sentinel()) return discover();
        if (where_.scheme == config::redis_scheme::unix_socket) {
            address_ = where_.socket_path;
        } else {
            address_ = config::describe(config::redis_endpoint{where_.host, where_.port});
        }
        open(where_.host, where_.port);
    }

    // --- asking the Sentinels ------------------------------------------------

    void discover() {
        phase_ = phase::discovering;
        discovery_errors_.clear();
        ask_sentinel(0);
    }

    void retire_probe() {
        ++probe_generation_;
        if (!probe_) return;
        probe_->stop();
        probe_.reset();
    }

    void ask_sentinel(std::size_t index) {
        retire_probe();
        if (phase_ != phase::discovering) return;
        if (index >= where_.sentinels.size()) {
            connection_lost(redis_errc::disconnected, "no Sentinel named the primary \"" +
                                                          where_.master_name +
                                                          "\": " + discovery_errors_);
            return;
        }
        const config::redis_endpoint& sentinel = where_.sentinels[index];
        config::redis_config c;
        c.scheme = config::redis_scheme::tcp;
        c.host = sentinel.host;
        c.port = sentinel.port;
        c.password = where_.sentinel_password;
        redis_options o;
        o.connect_timeout = options_.connect_timeout;
        o.command_timeout = options_.command_timeout;
        o.reconnect_min = options_.reconnect_max;  // never reached: retired at the first failure
        o.reconnect_max = options_.reconnect_max;
        o.max_in_flight = 1;
        o.max_queue = 1;
        probe_ = std::make_unique<redis_client>(io_, std::move(c), o);
        const std::uint64_t gen = probe_generation_;
        probe_->on_state_change(
            [weak = weak_from_this(), gen, index](bool connected, const std::string& reason) {
                auto self = weak.lock();
                if (!self || connected || gen != self->probe_generation_) return;
                self->sentinel_failed(index, reason);
            });
        probe_->command({"SENTINEL", "get-master-addr-by-name", where_.master_name},
                        [weak = weak_from_this(), gen, index](redis_result r) {
                            auto self = weak.lock();
                            if (!self || gen != self->probe_generation_) return;
                            self->on_sentinel_reply(index, r);
                        });
        probe_->start();
    }

    void sentinel_failed(std::size_t index, const std::string& reason) {
        if (!discovery_errors_.empty()) discovery_errors_ += "; ";
        discovery_errors_ += config::describe(where_.sentinels[index]) + ": " + reason;
        ask_sentinel(index + 1);
    }

    void on_sentinel_reply(std::size_t index, const redis_result& r) {
        if (!r) return sentinel_failed(index, r.error().message);
        if (r->is_error()) return sentinel_failed(index, r->str);
        const bool is_pair = r->type == redis_reply::kind::array && r->elements.size() == 2;
        std::string why;
        const auto primary = config::sentinel_primary(
            is_pair, is_pair ? std::string_view(r->elements[0].str) : std::string_view{},
            is_pair ? std::string_view(r->elements[1].str) : std::string_view{}, where_.master_name,
            why);
        if (!primary) return sentinel_failed(index, why);
        retire_probe();
        address_ = config::describe(*primary);
        open(primary->host, primary->port);
    }

    // --- connecting --------------------------------------------------------

    // host and port are ignored for a Unix socket.
    void open(const std::string& host, std::uint16_t port) {
        redisAsyncContext* ac = where_.scheme == config::redis_scheme::unix_socket
                                    ? redisAsyncConnectUnix(where_.socket_path.c_str())
                                    : redisAsyncConnect(host.c_str(), port);
        if (ac == nullptr) {
            connection_lost(redis_errc::disconnected, "cannot allocate a hiredis context");
            return;
        }
        if (ac->err != 0) {
            std::string reason = context_error(*ac, "connect failed");
            redisAsyncFree(ac);  // nothing attached yet: no callbacks run
            connection_lost(redis_errc::disconnected, reason);
            return;
        }
        try {
            events_ = std::make_shared<asio_events>(io_, ac->c.fd);
        } catch (const std::exception& e) {
            redisAsyncFree(ac);
            connection_lost(redis_errc::disconnected,
                            std::string("cannot watch socket: ") + e.what());
            return;
        }
        ac->data = this;
        // Attach before setting the connect callback: setting it arms the
        // first write event through our hooks (NOTES.md 18).
        attach(*ac, *events_);
        context_ = ac;
        phase_ = phase::connecting;
        redisAsyncSetConnectCallback(ac, &impl::on_connect_cb);
        redisAsyncSetDisconnectCallback(ac, &impl::on_disconnect_cb);

        // hiredis 0.14 has no connect timeout: it covers the TCP connect and
        // the handshake.
        connect_timer_.expires_after(options_.connect_timeout);
        connect_timer_.async_wait(
            [weak = weak_from_this(), gen = generation_](const boost::system::error_code& ec) {
                auto self = weak.lock();
                if (ec || !self || gen != self->generation_ || self->context_ == nullptr) return;
                if (self->phase_ == phase::connecting || self->phase_ == phase::handshaking) {
                    self->drop(redis_errc::timeout,
                               "connect timed out after " + millis(self->options_.connect_timeout));
                }
            });
    }

    static void on_connect_cb(const redisAsyncContext* ac, int status) noexcept {
        try {
            static_cast<impl*>(ac->data)->on_connect(ac, status);
        } catch (...) {
        }
    }

    void on_connect(const redisAsyncContext* ac, int status) {
        if (ac != context_) return;
        if (status != REDIS_OK) {
            // hiredis frees the context right after this callback.
            connection_lost(redis_errc::disconnected, context_error(*ac, "connect failed"));
            return;
        }
        phase_ = phase::handshaking;
        std::vector<std::pair<std::string, std::vector<std::string>>> steps;
        if (!where_.password.empty()) {
            std::vector<std::string> auth{"AUTH"};
            if (!where_.user.empty()) auth.push_back(where_.user);
            auth.push_back(where_.password);
            steps.emplace_back("AUTH", std::move(auth));
        }
        if (where_.db != 0)
            steps.emplace_back("SELECT",
                               std::vector<std::string>{"SELECT", std::to_string(where_.db)});
        // What a Sentinel named may have been demoted since it answered.
        if (is_sentinel()) steps.emplace_back("ROLE", std::vector<std::string>{"ROLE"});
        for (const auto& p : prelude_) {
            if (!p.empty()) steps.emplace_back(p.front(), p);
        }
        // Connected means the server answers, not that the socket opened: a
        // frozen server (SIGSTOP) accepts connections and says nothing.
        if (steps.empty()) steps.emplace_back("PING", std::vector<std::string>{"PING"});
        for (auto& [name, argv] : steps) {
            if (!send(argv, {}, true, name)) {
                // Freeing the context inside the connect callback would pull it
                // out from under hiredis: drop it from a posted handler.
                post_drop("cannot send " + name);
                return;
            }
            ++handshake_remaining_;
        }
        if (handshake_remaining_ == 0) become_ready();
    }

    static void on_disconnect_cb(const redisAsyncContext* ac, int status) noexcept {
        try {
            static_cast<impl*>(ac->data)->on_disconnect(ac, status);
        } catch (...) {
        }
    }

    void on_disconnect(const redisAsyncContext* ac, int status) {
        if (ac != context_) return;  // a context we already gave up
        connection_lost(redis_errc::disconnected, status == REDIS_OK
                                                      ? std::string("connection closed")
                                                      : context_error(*ac, "connection lost"));
    }

    void become_ready() {
        phase_ = phase::ready;
        failures_ = 0;
        connect_timer_.cancel();
        if (is_sentinel() && address_ != last_primary_) {
            if (on_primary_) {
                asio::post(io_, [weak = weak_from_this(), handler = on_primary_,
                                 previous = last_primary_, current = address_] {
                    if (weak.lock()) handler(previous, current);
                });
            }
            last_primary_ = address_;
        }
        report(true, {});
        pump();
    }

    // --- commands ----------------------------------------------------------

    static void on_reply_cb(redisAsyncContext* ac, void* reply, void* /*privdata*/) noexcept {
        try {
            static_cast<impl*>(ac->data)->on_reply(ac, static_cast<redisReply*>(reply));
        } catch (...) {
        }
    }

    void on_reply(redisAsyncContext* ac, const redisReply* reply) {
        if (ac != context_ || sent_.empty()) return;
        if (reply == nullptr) {
            // hiredis is tearing the connection down; every command still on
            // the wire may or may not have run.
            connection_lost(redis_errc::disconnected, context_error(*ac, "connection lost"));
            return;
        }
        if (!sent_.front().is_handshake && reply->type == REDIS_REPLY_ERROR &&
            starts_with(*reply, "READONLY")) {
            // A failover demoted the node: nothing more will be written here.
            // The command did not run; it and those behind it fail as
            // outcome unknown, and the next connect finds the primary.
            drop(redis_errc::disconnected,
                 address_ + " is read-only now (" + std::string(reply->str, reply->len) + ")");
            return;
        }
        sent_command done = std::move(sent_.front());
        sent_.pop_front();
        user_in_flight_bytes_ -= done.bytes;
        last_round_trip_ =
            std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - done.sent_at);
        if (done.is_handshake) {
            if (reply->type == REDIS_REPLY_ERROR) {
                // -LOADING after a restart, -NOAUTH, -WRONGPASS: retry later.
                // redisAsyncFree is deferred by hiredis inside a reply callback.
                drop(redis_errc::disconnected,
                     done.name + " failed: " + std::string(reply->str, reply->len));
                return;
            }
            if (is_sentinel() && done.name == "ROLE" && role_of(*reply) != "master") {
                drop(redis_errc::disconnected,
                     address_ + " is not the primary (ROLE: " + role_of(*reply) + ")");
                return;
            }
            if (--handshake_remaining_ == 0) become_ready();
            return;
        }
        if (done.is_paired && !sent_.empty()) {
            // Its WAIT answers for both.
            sent_.front().handler = std::move(done.handler);
            sent_.front().paired_reply = copy_reply(*reply);
            return;
        }
        --user_in_flight_;
        if (done.wait_replicas > 0) {
            finish_wait(std::move(done), *reply);
        } else {
            deliver(std::move(done.handler), copy_reply(*reply));
        }
        pump();
    }

    void finish_wait(sent_command&& wait, const redisReply& reply) {
        if (!wait.paired_reply) {
            return fail(std::move(wait.handler), redis_errc::disconnected,
                        "WAIT answered without its command");
        }
        if (wait.paired_reply->is_error()) {
            return deliver(std::move(wait.handler), std::move(*wait.paired_reply));
        }
        if (reply.type == REDIS_REPLY_INTEGER && reply.integer >= wait.wait_replicas) {
            return deliver(std::move(wait.handler), std::move(*wait.paired_reply));
        }
        std::string why = reply.type == REDIS_REPLY_INTEGER
                              ? std::to_string(reply.integer) + " of " +
                                    std::to_string(wait.wait_replicas) + " replicas acknowledged"
                              : std::string(reply.str != nullptr ? reply.str : "no count");
        fail(std::move(wait.handler), redis_errc::not_replicated, "WAIT: " + std::move(why));
    }

    // Hands argv to hiredis; false (and the handler untouched) when hiredis
    // refuses because the context is going away.
    bool send(const std::vector<std::string>& argv, reply_handler&& handler, bool is_handshake,
              std::string name) {
        argv_arrays args(argv);
        if (redisAsyncCommandArgv(context_, &impl::on_reply_cb, nullptr, args.argc(), args.argv(),
                                  args.lengths()) != REDIS_OK) {
            return false;
        }
        sent_command sent;
        sent.handler = std::move(handler);
        sent.is_handshake = is_handshake;
        sent.name = std::move(name);
        sent.sent_at = steady::now();
        if (!is_handshake) {
            for (const auto& a : argv) sent.bytes += a.size();
            user_in_flight_bytes_ += sent.bytes;
            ++user_in_flight_;
        }
        sent_.push_back(std::move(sent));
        arm_command_timer();
        return true;
    }

    // A user command, and its WAIT right behind it when it has one: one
    // place in the in-flight window for both.
    bool send_user(queued_command& c) {
        if (!send(c.argv, std::move(c.handler), false, {})) return false;
        if (c.wait_replicas <= 0) return true;
        sent_.back().is_paired = true;
        argv_arrays args(c.wait_argv);
        if (redisAsyncCommandArgv(context_, &impl::on_reply_cb, nullptr, args.argc(), args.argv(),
                                  args.lengths()) != REDIS_OK) {
            // The context is going away: the command fails as outcome unknown.
            post_drop("cannot send WAIT");
            return true;
        }
        sent_command wait;
        wait.sent_at = steady::now();
        wait.wait_replicas = c.wait_replicas;
        sent_.push_back(std::move(wait));
        return true;
    }

    // Room on the wire for one more user command: fewer than max_in_flight
    // commands and max_in_flight_bytes bytes, or nothing at all in flight.
    // hiredis 0.14 moves the unsent rest of its output buffer to the front
    // after every partial write, so what it holds is kept bounded in bytes
    // too, not only in commands.
    bool window_open() const {
        return user_in_flight_ < options_.max_in_flight &&
               (user_in_flight_ == 0 || user_in_flight_bytes_ < options_.max_in_flight_bytes);
    }

    void pump() {
        while (phase_ == phase::ready && window_open() && !queue_.empty()) {
            if (!send_user(queue_.front())) break;
            queue_.pop_front();
        }
    }

    void arm_command_timer() {
        if (is_command_timer_armed_ || sent_.empty()) return;
        is_command_timer_armed_ = true;
        command_timer_.expires_at(sent_.front().sent_at + options_.command_timeout);
        command_timer_.async_wait(
            [weak = weak_from_this(), gen = generation_](const boost::system::error_code& ec) {
                auto self = weak.lock();
                if (ec || !self || gen != self->generation_) return;
                self->is_command_timer_armed_ = false;
                self->on_command_timer();
            });
    }

    void on_command_timer() {
        if (context_ == nullptr || sent_.empty()) return;
        if (steady::now() - sent_.front().sent_at >= options_.command_timeout) {
            // A frozen server (SIGSTOP) would hang us forever (NOTES.md 17).
            drop(redis_errc::timeout, "no reply within " + millis(options_.command_timeout));
            return;
        }
        arm_command_timer();
    }

    // --- losing the connection ---------------------------------------------

    // Frees the context ourselves. Only from an Asio handler or a reply
    // callback (where hiredis defers the free until the callback returns).
    void drop(redis_errc code, const std::string& reason) {
        redisAsyncContext* ac = context_;
        connection_lost(code, reason);
        // The NULL replies and the disconnect callback this triggers see a
        // context that is no longer ours and do nothing.
        if (ac != nullptr) redisAsyncFree(ac);
    }

    void post_drop(std::string reason) {
        asio::post(io_, [weak = weak_from_this(), gen = generation_, reason = std::move(reason)] {
            auto self = weak.lock();
            if (!self || gen != self->generation_ || self->context_ == nullptr) return;
            self->drop(redis_errc::disconnected, reason);
        });
    }

    // Forgets the context (without touching it), fails what was on the wire
    // with an unknown outcome and schedules the next attempt.
    void connection_lost(redis_errc code, const std::string& reason) {
        context_ = nullptr;
        ++generation_;
        connect_timer_.cancel();
        command_timer_.cancel();
        is_command_timer_armed_ = false;
        auto sent = std::move(sent_);
        sent_.clear();
        user_in_flight_ = 0;
        user_in_flight_bytes_ = 0;
        handshake_remaining_ = 0;
        for (auto& s : sent) {
            if (!s.is_handshake) fail(std::move(s.handler), code, reason);
        }
        report(false, reason);
        if (phase_ == phase::stopped) return;
        phase_ = phase::waiting;
        schedule_reconnect();
    }

    void schedule_reconnect() {
        // Exponential backoff with jitter in [d/2, d], so that many clients
        // of one restarted server do not reconnect in step.
        auto delay = options_.reconnect_min;
        for (int i = 0; i < failures_ && delay < options_.reconnect_max; ++i) delay *= 2;
        delay = std::min(delay, options_.reconnect_max);
        ++failures_;
        std::uniform_int_distribution<long long> jitter(delay.count() / 2, delay.count());
        reconnect_timer_.expires_after(std::chrono::milliseconds{jitter(rng_)});
        reconnect_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (ec || !self || self->phase_ != phase::waiting) return;
            self->do_connect();
        });
    }

    // --- reporting ---------------------------------------------------------

    void report(bool connected, const std::string& reason) {
        if (reported_ == connected) return;
        reported_ = connected;
        if (!on_state_) return;
        asio::post(io_, [weak = weak_from_this(), handler = on_state_, connected, reason] {
            if (weak.lock()) handler(connected, reason);
        });
    }

    // Reply handlers run exactly once, on the io_context, even after the
    // client is gone (the handler owns what it needs).
    void deliver(reply_handler handler, redis_reply reply) {
        if (!handler) return;
        asio::post(io_, [handler = std::move(handler), reply = std::move(reply)]() mutable {
            handler(redis_result(std::move(reply)));
        });
    }

    void fail(reply_handler handler, redis_errc code, std::string message) {
        if (!handler) return;
        asio::post(io_,
                   [handler = std::move(handler), code, message = std::move(message)]() mutable {
                       handler(redis_result(
                           feeds::unexpected<redis_error>{redis_error{code, std::move(message)}}));
                   });
    }
};

redis_client::redis_client(boost::asio::io_context& io, config::redis_config where,
                           redis_options options)
    : impl_(std::make_shared<impl>(io, std::move(where), options)) {}

redis_client::~redis_client() {
    if (impl_) impl_->stop();
}

void redis_client::set_prelude(std::vector<std::vector<std::string>> commands) {
    impl_->prelude_ = std::move(commands);
}

void redis_client::on_state_change(state_handler handler) { impl_->on_state_ = std::move(handler); }

void redis_client::on_primary_change(primary_handler handler) {
    impl_->on_primary_ = std::move(handler);
}

void redis_client::start() { impl_->start(); }

void redis_client::stop() { impl_->stop(); }

void redis_client::command(std::vector<std::string> argv, reply_handler handler) {
    impl_->command({std::move(argv), std::move(handler), {}, 0});
}

void redis_client::command_and_wait(std::vector<std::string> argv, int replicas,
                                    std::chrono::milliseconds timeout, reply_handler handler) {
    std::vector<std::string> wait;
    if (replicas > 0) wait = {"WAIT", std::to_string(replicas), std::to_string(timeout.count())};
    impl_->command({std::move(argv), std::move(handler), std::move(wait), std::max(replicas, 0)});
}

bool redis_client::is_connected() const { return impl_->phase_ == impl::phase::ready; }

std::size_t redis_client::queued() const { return impl_->queue_.size(); }

std::size_t redis_client::in_flight() const { return impl_->user_in_flight_; }

std::chrono::microseconds redis_client::last_round_trip() const { return impl_->last_round_trip_; }

}  // namespace feedwire::daemon
