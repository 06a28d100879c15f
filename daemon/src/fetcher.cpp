// One libcurl multi handle on the daemon's io_context, in the shape of curl's
// docs/examples/multi-uv.c and hiperfifo.c:
//  * CURLMOPT_TIMERFUNCTION only re-arms one steady_timer (also for 0 ms);
//    libcurl is never called from inside one of its own callbacks.
//  * CURLMOPT_SOCKETFUNCTION registers libcurl's descriptor with Asio via a
//    posix::stream_descriptor that never owns it: libcurl closes its sockets,
//    so CURL_POLL_REMOVE release()s the descriptor before that happens.
//  * Asio's epoll reactor is edge-triggered and drops an edge that arrives
//    while no wait is queued, while libcurl expects level-triggered polling
//    (it may leave bytes in the socket, e.g. when it stops after 100 reads).
//    So before arming a wait we poll() the descriptor once; if it is already
//    ready we post the event instead of waiting for an edge that never comes.
//  * After every curl_multi_socket_action the socket may be gone, or gone and
//    reborn under the same number: a wait is re-armed only for the watch still
//    registered under that descriptor.
//  * Results go to user code through asio::post, guarded by an epoch token
//    that cancel_all() and the destructor invalidate; Asio handlers hold a
//    liveness token so nothing touches a destroyed fetcher.
#include "feedwire/daemon/fetcher.hpp"

#include "feedwire/daemon/net_address.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace feedwire::daemon {
namespace {

namespace asio = boost::asio;
using std::chrono::steady_clock;

// A hostile server can send endless headers: libcurl caps one line at
// CURL_MAX_HTTP_HEADER (100 KiB) but not their sum over a response or hops.
constexpr std::size_t max_header_bytes = 256 * 1024;
// Bot-challenge pages carry their markers in the first few KiB; scanning a
// bounded prefix keeps a 16 MiB error page from costing a full pass.
constexpr std::size_t challenge_scan_bytes = 64 * 1024;

constexpr std::string_view challenge_markers[] = {
    "challenge-platform", "cf-chl", "just a moment...", "captcha", "cf-browser-verification",
    "/cdn-cgi/challenge",
};

char to_lower_ascii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), to_lower_ascii);
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                             text.back() == '\n')) {
        text.remove_suffix(1);
    }
    return text;
}

// Header values come from configuration and feed state; a CR or LF would let
// them smuggle extra request headers.
std::string header_line(std::string_view name, std::string_view value) {
    std::string line;
    line.reserve(name.size() + value.size() + 2);
    for (const char c : name) {
        if (c != '\r' && c != '\n' && c != ':') line += c;
    }
    line += ": ";
    for (const char c : value) {
        if (c != '\r' && c != '\n') line += c;
    }
    return line;
}

void ensure_curl_initialized() {
    // libcurl 7.88 is built thread-safe (curl-config --features), but one
    // explicit call before the first easy handle is still the documented way.
    static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        throw std::runtime_error(std::string("curl_global_init failed: ") +
                                 curl_easy_strerror(code));
    }
}

struct socket_watch {
    socket_watch(asio::io_context& io, curl_socket_t socket) : descriptor(io), fd(socket) {}

    asio::posix::stream_descriptor descriptor;
    curl_socket_t fd;
    int wanted = 0;  // CURL_POLL_IN | CURL_POLL_OUT as last asked by libcurl
    bool is_read_pending = false;
    bool is_write_pending = false;
    bool is_removed = false;
};

struct response_seen {
    long status;
    std::string url;
};

struct transfer {
    transfer(CURLM* owner, fetch_request req, fetcher::completion handler)
        : multi(owner), request(std::move(req)), done(std::move(handler)) {}
    ~transfer() {
        if (easy != nullptr) {
            // A no-op when the handle is not (or no longer) in the multi.
            curl_multi_remove_handle(multi, easy);
            curl_easy_cleanup(easy);
        }
        curl_slist_free_all(header_list);
    }
    transfer(const transfer&) = delete;
    transfer& operator=(const transfer&) = delete;

    void take_header_line(std::string_view line);

    CURLM* multi;
    fetch_request request;
    fetcher::completion done;
    CURL* easy = nullptr;
    curl_slist* header_list = nullptr;
    std::array<char, CURL_ERROR_SIZE> error_buffer{};
    steady_clock::time_point started = steady_clock::now();

    std::string body;
    std::uint64_t body_bytes = 0;
    bool is_body_too_large = false;

    std::size_t header_bytes = 0;
    bool are_headers_too_large = false;
    bool has_callback_failed = false;

    std::vector<response_seen> responses;  // every non-1xx status line, in order
    std::string reason;                    // reason phrase of the latest one
    std::map<std::string, std::string> headers;
    std::string last_header_name;

    std::optional<address_class> first_hop;
    std::string forbidden_address;
    address_class forbidden_class = address_class::invalid;
};

void transfer::take_header_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (line.empty()) return;
    if (line.substr(0, 5) == "HTTP/") {
        // "HTTP/1.1 200 OK", "HTTP/2 200": a new response, hop or final.
        const auto space = line.find(' ');
        if (space == std::string_view::npos) return;
        std::string_view rest = line.substr(space + 1);
        long status = 0;
        std::size_t digits = 0;
        while (digits < rest.size() && digits < 3 && rest[digits] >= '0' && rest[digits] <= '9') {
            status = status * 10 + (rest[digits] - '0');
            ++digits;
        }
        headers.clear();
        last_header_name.clear();
        if (status >= 100 && status < 200) return;  // interim (100, 103): not a hop
        reason = std::string(trim(rest.substr(digits)));
        char* url = nullptr;
        curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &url);
        responses.push_back({status, url != nullptr ? url : ""});
        // libcurl skips bodies of redirects it follows; this keeps only the
        // final body should one ever get through.
        body.clear();
        body_bytes = 0;
        return;
    }
    if (line.front() == ' ' || line.front() == '\t') {  // obsolete line folding
        if (!last_header_name.empty()) {
            auto& value = headers[last_header_name];
            value += ' ';
            value += trim(line);
        }
        return;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return;
    last_header_name = lower(trim(line.substr(0, colon)));
    headers[last_header_name] = std::string(trim(line.substr(colon + 1)));
}

std::string find_header(const std::map<std::string, std::string>& headers, const char* name) {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

bool is_bot_challenge(long status, const std::map<std::string, std::string>& headers,
                      std::string_view body) {
    if (status != 403 && status != 429 && status != 503) return false;
    if (lower(trim(find_header(headers, "cf-mitigated"))) == "challenge") return true;
    const std::string page = lower(body.substr(0, challenge_scan_bytes));
    const bool is_html =
        lower(find_header(headers, "content-type")).find("html") != std::string::npos ||
        page.find("<html") != std::string::npos;
    if (!is_html) return false;
    return std::any_of(
        std::begin(challenge_markers), std::end(challenge_markers),
        [&](std::string_view marker) { return page.find(marker) != std::string::npos; });
}

std::string curl_detail(CURLcode code, const transfer& t) {
    std::string text = curl_easy_strerror(code);
    const std::string_view buffer(t.error_buffer.data());
    if (!buffer.empty() && buffer != text) {
        text += " (";
        text += trim(buffer);
        text += ")";
    }
    return text;
}

std::string http_version_name(long version) {
    switch (version) {
        case CURL_HTTP_VERSION_1_0:
            return "1.0";
        case CURL_HTTP_VERSION_1_1:
            return "1.1";
        case CURL_HTTP_VERSION_2_0:
            return "2";
        case CURL_HTTP_VERSION_3:
            return "3";
        default:
            return "";
    }
}

void classify_result(const transfer& t, CURLcode result, fetch_outcome& out) {
    if (!t.forbidden_address.empty()) {
        out.status = fetch_status::forbidden_address;
        out.error = "refused to connect to " + t.forbidden_address + " (" +
                    to_string(t.forbidden_class) +
                    " address): a public feed URL may not lead into private networks "
                    "(set allow_private_networks to permit it)";
        return;
    }
    if (t.has_callback_failed) {
        out.status = fetch_status::network_error;
        out.error = "internal error (out of memory) while receiving the response";
        return;
    }
    switch (result) {
        case CURLE_OK:
            break;
        case CURLE_WRITE_ERROR:
            if (t.is_body_too_large) {
                out.status = fetch_status::too_large;
                out.error = "the body exceeds the limit of " + std::to_string(t.request.max_body) +
                            " bytes (counted after decompression); transfer stopped";
                return;
            }
            if (t.are_headers_too_large) {
                out.status = fetch_status::too_large;
                out.error = "the response headers exceed " + std::to_string(max_header_bytes) +
                            " bytes; transfer stopped";
                return;
            }
            out.status = fetch_status::network_error;
            out.error = curl_detail(result, t);
            return;
        case CURLE_FILESIZE_EXCEEDED:
            out.status = fetch_status::too_large;
            out.error = "the declared body size exceeds the limit of " +
                        std::to_string(t.request.max_body) + " bytes";
            return;
        case CURLE_OPERATION_TIMEDOUT:
            out.status = fetch_status::timeout;
            out.error = "timed out: " + std::string(trim(t.error_buffer.data()));
            return;
        case CURLE_UNSUPPORTED_PROTOCOL: {
            out.status = fetch_status::bad_protocol;
            const std::string location = find_header(t.headers, "location");
            if (!t.responses.empty() && !location.empty()) {
                out.error = "refused to follow a redirect to \"" + location +
                            "\": only http and https are allowed";
            } else {
                out.error = "only http and https URLs can be fetched: " + curl_detail(result, t);
            }
            return;
        }
        case CURLE_TOO_MANY_REDIRECTS: {
            out.status = fetch_status::bad_protocol;
            for (std::size_t i = 0; i < t.responses.size(); ++i) {
                for (std::size_t j = 0; j < i; ++j) {
                    if (t.responses[j].url == t.responses[i].url) {
                        out.error = "redirect loop: " + t.responses[i].url + " redirects back to " +
                                    "itself after " + std::to_string(i - j) + " hop(s)";
                        return;
                    }
                }
            }
            out.error =
                "too many redirects (more than " + std::to_string(t.request.max_redirects) + ")";
            return;
        }
        default:
            out.status = fetch_status::network_error;
            out.error = curl_detail(result, t);
            return;
    }

    const long status = out.http_status;
    if (status >= 200 && status < 300) {
        out.status = fetch_status::ok;
        return;
    }
    if (status == 304) {
        out.status = fetch_status::not_modified;
        return;
    }
    std::string answer = "HTTP " + std::to_string(status);
    if (!t.reason.empty()) answer += " " + t.reason;
    if (is_bot_challenge(status, t.headers, t.body)) {
        out.status = fetch_status::blocked;
        out.error = "the server answered " + answer +
                    " with a bot challenge: the site blocks automated readers; ask the publisher "
                    "to allow this User-Agent or to exempt the feed URL from bot protection";
        return;
    }
    out.status = fetch_status::http_error;
    out.error = "the server answered " + answer;
}

}  // namespace

struct fetcher::impl {
    impl(asio::io_context& io, fetcher_options options);
    ~impl();
    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;

    void start(fetch_request request, completion done);
    void cancel_all();

    // libcurl callbacks: noexcept, every exception becomes the error value.
    static int on_socket(CURL* easy, curl_socket_t fd, int what, void* userp,
                         void* socketp) noexcept;
    static int on_timer(CURLM* multi, long timeout_ms, void* userp) noexcept;
    static std::size_t on_write(char* data, std::size_t size, std::size_t count,
                                void* userp) noexcept;
    static std::size_t on_header(char* data, std::size_t size, std::size_t count,
                                 void* userp) noexcept;
    static int on_prereq(void* clientp, char* primary_ip, char* local_ip, int primary_port,
                         int local_port) noexcept;

    CURLcode configure(transfer& t);
    static curl_socket_t on_open_socket(void* clientp, curlsocktype purpose,
                                        curl_sockaddr* address) noexcept;
    static int on_close_socket(void* clientp, curl_socket_t fd) noexcept;
    void watch(curl_socket_t fd, int what);
    void unwatch(curl_socket_t fd);
    void forget(curl_socket_t fd);
    void arm_timer(std::chrono::steady_clock::time_point deadline);
    void arm(const std::shared_ptr<socket_watch>& w);
    void on_ready(const std::shared_ptr<socket_watch>& w, bool is_read,
                  const boost::system::error_code& ec);
    void on_timeout();
    void check_done();
    fetch_outcome make_outcome(transfer& t, CURLcode result);
    void post_completion(completion done, fetch_outcome outcome);

    asio::io_context& io_;
    fetcher_options options_;
    CURLM* multi_ = nullptr;
    asio::steady_timer timer_;
    bool is_timer_armed_ = false;
    std::uint64_t timer_generation_ = 0;  // a posted 0 ms timeout runs only if still current
    std::unordered_map<curl_socket_t, std::shared_ptr<socket_watch>> sockets_;
    // Connection sockets libcurl opened through on_open_socket: they are
    // closed through on_close_socket, so they stay registered with the
    // reactor while idle in the connection cache (no epoll_ctl per poll).
    std::unordered_set<curl_socket_t> connection_sockets_;
    std::unordered_map<CURL*, std::unique_ptr<transfer>> transfers_;
    // Asio handlers hold a weak_ptr to alive_ and return once it is gone.
    std::shared_ptr<char> alive_ = std::make_shared<char>();
    // Posted completions hold a weak_ptr to epoch_; cancel_all() replaces it.
    std::shared_ptr<char> epoch_ = std::make_shared<char>();
    bool is_closing_ = false;
};

fetcher::impl::impl(asio::io_context& io, fetcher_options options)
    : io_(io), options_(options), timer_(io) {
    ensure_curl_initialized();
    multi_ = curl_multi_init();
    if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION,
                      static_cast<curl_socket_callback>(&impl::on_socket));
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION,
                      static_cast<curl_multi_timer_callback>(&impl::on_timer));
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, options_.max_host_connections);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, options_.max_total_connections);
    // Idle connections kept for reuse across polls.
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, options_.max_total_connections);
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
}

fetcher::impl::~impl() {
    alive_.reset();
    epoch_.reset();
    is_closing_ = true;
    transfers_.clear();  // each removes its easy handle from the multi
    for (auto& entry : sockets_) {
        entry.second->is_removed = true;
        entry.second->descriptor.release();  // libcurl owns and closes the fd
    }
    sockets_.clear();
    timer_.cancel();
    curl_multi_cleanup(multi_);
}

void fetcher::impl::start(fetch_request request, completion done) {
    auto t = std::make_unique<transfer>(multi_, std::move(request), std::move(done));
    t->easy = curl_easy_init();
    if (t->easy == nullptr) {
        fetch_outcome outcome;
        outcome.error = "curl_easy_init failed";
        post_completion(std::move(t->done), std::move(outcome));
        return;
    }
    if (const CURLcode code = configure(*t); code != CURLE_OK) {
        fetch_outcome outcome;
        outcome.curl_code = code;
        outcome.status = code == CURLE_UNSUPPORTED_PROTOCOL ? fetch_status::bad_protocol
                                                            : fetch_status::network_error;
        outcome.error = "cannot set up the request: " + curl_detail(code, *t);
        post_completion(std::move(t->done), std::move(outcome));
        return;
    }
    if (const CURLMcode code = curl_multi_add_handle(multi_, t->easy); code != CURLM_OK) {
        fetch_outcome outcome;
        outcome.error = std::string("cannot start the transfer: ") + curl_multi_strerror(code);
        post_completion(std::move(t->done), std::move(outcome));
        return;
    }
    CURL* easy = t->easy;
    transfers_.emplace(easy, std::move(t));
}

CURLcode fetcher::impl::configure(transfer& t) {
    CURL* easy = t.easy;
    const fetch_request& r = t.request;
    const auto clamp_long = [](auto count) {
        return static_cast<long>(std::clamp<std::int64_t>(static_cast<std::int64_t>(count), 0,
                                                          std::numeric_limits<long>::max()));
    };

    bool has_accept = false;
    const auto append = [&t](const std::string& line) {
        curl_slist* next = curl_slist_append(t.header_list, line.c_str());
        if (next == nullptr) return false;
        t.header_list = next;
        return true;
    };
    bool is_list_ok = true;
    if (!r.etag.empty()) is_list_ok = is_list_ok && append(header_line("If-None-Match", r.etag));
    if (!r.last_modified.empty()) {
        is_list_ok = is_list_ok && append(header_line("If-Modified-Since", r.last_modified));
    }
    for (const auto& [name, value] : r.headers) {
        if (lower(name) == "accept") has_accept = true;
        is_list_ok = is_list_ok && append(header_line(name, value));
    }
    if (!has_accept) {
        is_list_ok =
            is_list_ok &&
            append(
                "Accept: application/rss+xml, application/atom+xml, application/feed+json, "
                "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8");
    }
    if (!is_list_ok) return CURLE_OUT_OF_MEMORY;

    // CURLOPT_LOW_SPEED_LIMIT is bytes per second, averaged by libcurl; the
    // transfer aborts when it stays below for the whole window.
    const curl_off_t max_size = static_cast<curl_off_t>(
        std::min<std::uint64_t>(r.max_body, std::numeric_limits<curl_off_t>::max()));

    CURLcode code = CURLE_OK;
    const auto set = [&](CURLoption option, auto value) {
        if (code == CURLE_OK) code = curl_easy_setopt(easy, option, value);
    };
    set(CURLOPT_PRIVATE, static_cast<void*>(&t));
    set(CURLOPT_ERRORBUFFER, t.error_buffer.data());
    set(CURLOPT_URL, r.url.c_str());
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    set(CURLOPT_FOLLOWLOCATION, 1L);
    set(CURLOPT_MAXREDIRS, r.max_redirects);
    // The SSRF check must see the server's own address, not a proxy's taken
    // from the environment.
    set(CURLOPT_PROXY, "");
    set(CURLOPT_ACCEPT_ENCODING, "");  // every decoder built in: gzip, deflate, br, zstd
    set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    // No CURLOPT_PIPEWAIT: it queues every transfer to a host behind a first
    // connection whose server stalls before answering, even over HTTP/1.1.
    // CURLMOPT_MAX_HOST_CONNECTIONS already bounds the extra connections.
    set(CURLOPT_CONNECTTIMEOUT_MS, clamp_long(r.connect_timeout.count()));
    set(CURLOPT_TIMEOUT_MS, clamp_long(r.total_timeout.count()));
    set(CURLOPT_LOW_SPEED_LIMIT, r.low_speed_bytes);
    set(CURLOPT_LOW_SPEED_TIME, clamp_long(r.low_speed_window.count()));
    // Fails early when Content-Length already says too much; the write
    // callback enforces the cap on decoded bytes (libcurl 7.88 does not).
    set(CURLOPT_MAXFILESIZE_LARGE, max_size);
    if (!r.user_agent.empty()) set(CURLOPT_USERAGENT, r.user_agent.c_str());
    set(CURLOPT_HTTPHEADER, t.header_list);
    set(CURLOPT_WRITEFUNCTION, static_cast<curl_write_callback>(&impl::on_write));
    set(CURLOPT_WRITEDATA, static_cast<void*>(&t));
    set(CURLOPT_HEADERFUNCTION, static_cast<curl_write_callback>(&impl::on_header));
    set(CURLOPT_HEADERDATA, static_cast<void*>(&t));
    set(CURLOPT_PREREQFUNCTION, static_cast<curl_prereq_callback>(&impl::on_prereq));
    set(CURLOPT_PREREQDATA, static_cast<void*>(&t));
    set(CURLOPT_OPENSOCKETFUNCTION, static_cast<curl_opensocket_callback>(&impl::on_open_socket));
    set(CURLOPT_OPENSOCKETDATA, static_cast<void*>(this));
    set(CURLOPT_CLOSESOCKETFUNCTION,
        static_cast<curl_closesocket_callback>(&impl::on_close_socket));
    set(CURLOPT_CLOSESOCKETDATA, static_cast<void*>(this));
    return code;
}

int fetcher::impl::on_socket(CURL*, curl_socket_t fd, int what, void* userp, void*) noexcept {
    try {
        auto* self = static_cast<impl*>(userp);
        if (what == CURL_POLL_REMOVE) {
            self->unwatch(fd);
        } else if (!self->is_closing_) {
            self->watch(fd, what);
        }
        return 0;
    } catch (...) {
        return -1;
    }
}

int fetcher::impl::on_timer(CURLM*, long timeout_ms, void* userp) noexcept {
    try {
        auto* self = static_cast<impl*>(userp);
        ++self->timer_generation_;
        if (self->is_closing_) {
            self->timer_.cancel();
            self->is_timer_armed_ = false;
            return 0;
        }
        // -1 (no timeout) leaves an armed timer alone: firing for nothing
        // costs less than the timerfd_settime of cancelling it, and
        // on_timeout asks libcurl what is really next.
        if (timeout_ms < 0) return 0;
        // Never call curl_multi_socket_action from here (it would re-enter
        // libcurl): 0 ms is a posted handler, anything else the timer. A
        // posted handler costs no timerfd_settime system call, which at a
        // few per transfer was the largest cost of a cycle of 304s.
        if (timeout_ms == 0) {
            asio::post(self->io_, [self, generation = self->timer_generation_,
                                   alive = std::weak_ptr<char>(self->alive_)] {
                if (alive.expired() || generation != self->timer_generation_) return;
                self->on_timeout();
            });
            return 0;
        }
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        // An armed timer that fires no later (within 1 ms) serves: each new
        // transfer asks for its own, later, deadline, and re-arming for it
        // would be a system call per transfer. on_timeout re-reads the
        // next deadline when the timer fires.
        if (self->is_timer_armed_ &&
            self->timer_.expiry() - deadline < std::chrono::milliseconds{1})
            return 0;
        self->arm_timer(deadline);
        return 0;
    } catch (...) {
        return -1;
    }
}

void fetcher::impl::arm_timer(std::chrono::steady_clock::time_point deadline) {
    is_timer_armed_ = true;
    timer_.expires_at(deadline);
    timer_.async_wait(
        [this, alive = std::weak_ptr<char>(alive_)](const boost::system::error_code& ec) {
            if (alive.expired() || ec == asio::error::operation_aborted) return;
            is_timer_armed_ = false;
            on_timeout();
        });
}

curl_socket_t fetcher::impl::on_open_socket(void* clientp, curlsocktype purpose,
                                            curl_sockaddr* address) noexcept {
    auto* self = static_cast<impl*>(clientp);
    const curl_socket_t fd =
        ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd == CURL_SOCKET_BAD) return CURL_SOCKET_BAD;
    if (purpose == CURLSOCKTYPE_IPCXN) {
        try {
            self->connection_sockets_.insert(fd);
        } catch (...) {
            // Not remembered: it is registered and released per transfer.
        }
    }
    return fd;
}

int fetcher::impl::on_close_socket(void* clientp, curl_socket_t fd) noexcept {
    auto* self = static_cast<impl*>(clientp);
    self->connection_sockets_.erase(fd);
    self->forget(fd);  // out of the reactor before the number can be reused
    return ::close(fd);
}

std::size_t fetcher::impl::on_write(char* data, std::size_t size, std::size_t count,
                                    void* userp) noexcept {
    auto* t = static_cast<transfer*>(userp);
    try {
        const std::size_t bytes = size * count;
        t->body_bytes += bytes;
        if (t->body_bytes > t->request.max_body) {
            t->is_body_too_large = true;
            return CURL_WRITEFUNC_ERROR;
        }
        t->body.append(data, bytes);
        return bytes;
    } catch (...) {
        t->has_callback_failed = true;
        return CURL_WRITEFUNC_ERROR;
    }
}

std::size_t fetcher::impl::on_header(char* data, std::size_t size, std::size_t count,
                                     void* userp) noexcept {
    auto* t = static_cast<transfer*>(userp);
    try {
        const std::size_t bytes = size * count;
        t->header_bytes += bytes;
        if (t->header_bytes > max_header_bytes) {
            t->are_headers_too_large = true;
            return CURL_WRITEFUNC_ERROR;
        }
        t->take_header_line(std::string_view(data, bytes));
        return bytes;
    } catch (...) {
        t->has_callback_failed = true;
        return CURL_WRITEFUNC_ERROR;
    }
}

int fetcher::impl::on_prereq(void* clientp, char* primary_ip, char*, int, int) noexcept {
    auto* t = static_cast<transfer*>(clientp);
    try {
        const std::string_view ip = primary_ip != nullptr ? primary_ip : "";
        const address_class hop = classify_address(ip);
        if (!t->first_hop) t->first_hop = hop;
        if (is_hop_allowed(*t->first_hop, hop, t->request.allow_private_networks)) {
            return CURL_PREREQFUNC_OK;
        }
        t->forbidden_address = ip.empty() ? std::string("an unknown address") : std::string(ip);
        t->forbidden_class = hop;
        return CURL_PREREQFUNC_ABORT;
    } catch (...) {
        t->has_callback_failed = true;
        return CURL_PREREQFUNC_ABORT;
    }
}

void fetcher::impl::watch(curl_socket_t fd, int what) {
    auto& slot = sockets_[fd];
    if (!slot) {
        auto w = std::make_shared<socket_watch>(io_, fd);
        try {
            w->descriptor.assign(fd);
        } catch (...) {
            sockets_.erase(fd);
            throw;
        }
        slot = std::move(w);
    }
    slot->wanted = what;
    arm(slot);
}

void fetcher::impl::unwatch(curl_socket_t fd) {
    // A connection going idle into libcurl's cache keeps its registration
    // until on_close_socket; any other descriptor (the resolver's) may be
    // closed behind our back, so it is released now.
    if (connection_sockets_.count(fd) != 0) {
        const auto it = sockets_.find(fd);
        if (it != sockets_.end()) it->second->wanted = 0;
        return;
    }
    forget(fd);
}

void fetcher::impl::forget(curl_socket_t fd) {
    const auto it = sockets_.find(fd);
    if (it == sockets_.end()) return;
    it->second->is_removed = true;
    it->second->descriptor.release();  // cancels our waits; libcurl closes the fd
    sockets_.erase(it);
}

void fetcher::impl::arm(const std::shared_ptr<socket_watch>& w) {
    for (const bool is_read : {true, false}) {
        const int bit = is_read ? CURL_POLL_IN : CURL_POLL_OUT;
        bool& is_pending = is_read ? w->is_read_pending : w->is_write_pending;
        if ((w->wanted & bit) == 0 || is_pending) continue;
        is_pending = true;
        const auto alive = std::weak_ptr<char>(alive_);
        pollfd probe{w->fd, static_cast<short>(is_read ? POLLIN : POLLOUT), 0};
        if (::poll(&probe, 1, 0) > 0 && probe.revents != 0) {
            // Already ready: the edge has passed, so do not wait for one.
            const boost::system::error_code ec = (probe.revents & POLLNVAL) != 0
                                                     ? asio::error::bad_descriptor
                                                     : boost::system::error_code();
            asio::post(io_, [this, alive, w, is_read, ec] {
                if (alive.expired()) return;
                on_ready(w, is_read, ec);
            });
        } else {
            w->descriptor.async_wait(
                is_read ? asio::posix::descriptor_base::wait_read
                        : asio::posix::descriptor_base::wait_write,
                [this, alive, w, is_read](const boost::system::error_code& ec) {
                    if (alive.expired()) return;
                    on_ready(w, is_read, ec);
                });
        }
    }
}

void fetcher::impl::on_ready(const std::shared_ptr<socket_watch>& w, bool is_read,
                             const boost::system::error_code& ec) {
    (is_read ? w->is_read_pending : w->is_write_pending) = false;
    if (w->is_removed || ec == asio::error::operation_aborted) return;
    if ((w->wanted & (is_read ? CURL_POLL_IN : CURL_POLL_OUT)) == 0) return;
    const int action = ec ? CURL_CSELECT_ERR : (is_read ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
    int running = 0;
    curl_multi_socket_action(multi_, w->fd, action, &running);
    check_done();
    // An error is reported once; re-arming on a broken descriptor would spin.
    if (ec) return;
    const auto it = sockets_.find(w->fd);
    if (it != sockets_.end() && it->second == w && !w->is_removed) arm(w);
}

void fetcher::impl::on_timeout() {
    int running = 0;
    curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done();
    // The timer may have fired before libcurl's real deadline (see
    // on_timer); libcurl does not repeat a deadline it already gave.
    if (is_timer_armed_ || is_closing_) return;
    long next_ms = -1;
    if (curl_multi_timeout(multi_, &next_ms) != CURLM_OK || next_ms < 0) return;
    arm_timer(std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(next_ms, 1L)));
}

void fetcher::impl::check_done() {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
        if (message->msg != CURLMSG_DONE) continue;
        CURL* easy = message->easy_handle;
        // The message dies with curl_multi_remove_handle.
        const CURLcode result = message->data.result;
        const auto it = transfers_.find(easy);
        if (it == transfers_.end()) {
            curl_multi_remove_handle(multi_, easy);
            continue;
        }
        std::unique_ptr<transfer> t = std::move(it->second);
        transfers_.erase(it);
        fetch_outcome outcome = make_outcome(*t, result);
        completion done = std::move(t->done);
        t.reset();  // removes and cleans up the easy handle
        post_completion(std::move(done), std::move(outcome));
    }
}

fetch_outcome fetcher::impl::make_outcome(transfer& t, CURLcode result) {
    fetch_outcome out;
    out.curl_code = static_cast<int>(result);
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    out.http_status = status;
    char* url = nullptr;
    curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &url);
    out.effective_url = url != nullptr ? url : t.request.url;
    long redirects = 0;
    curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_COUNT, &redirects);
    out.redirect_count = static_cast<int>(redirects);
    long version = 0;
    curl_easy_getinfo(t.easy, CURLINFO_HTTP_VERSION, &version);
    out.http_version = http_version_name(version);
    out.bytes_received = t.body_bytes;
    out.elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - t.started);

    classify_result(t, result, out);

    if (result == CURLE_OK && out.redirect_count > 0 && !t.responses.empty()) {
        // Every response before the final one is a followed redirect.
        const auto hops_end = t.responses.end() - 1;
        out.is_permanent_redirect = std::all_of(t.responses.begin(), hops_end,
                                                [](const response_seen& hop) {
                                                    return hop.status == 301 || hop.status == 308;
                                                }) &&
                                    hops_end != t.responses.begin();
    }

    out.content_type = find_header(t.headers, "content-type");
    out.etag = find_header(t.headers, "etag");
    out.last_modified = find_header(t.headers, "last-modified");
    out.cache_control = find_header(t.headers, "cache-control");
    out.expires = find_header(t.headers, "expires");
    out.retry_after = find_header(t.headers, "retry-after");
    out.location = find_header(t.headers, "location");
    out.headers = std::move(t.headers);
    if (out.status == fetch_status::ok) out.body = std::move(t.body);
    return out;
}

void fetcher::impl::post_completion(completion done, fetch_outcome outcome) {
    asio::post(io_, [epoch = std::weak_ptr<char>(epoch_), done = std::move(done),
                     outcome = std::move(outcome)]() mutable {
        if (epoch.expired()) return;
        done(std::move(outcome));
    });
}

void fetcher::impl::cancel_all() {
    epoch_ = std::make_shared<char>();
    auto doomed = std::move(transfers_);
    transfers_.clear();
    doomed.clear();  // removing a handle may call on_socket/on_timer; both are safe here
}

fetcher::fetcher(asio::io_context& io, fetcher_options options)
    : impl_(std::make_unique<impl>(io, options)) {}

fetcher::~fetcher() = default;

void fetcher::fetch(fetch_request request, completion done) {
    impl_->start(std::move(request), std::move(done));
}

std::size_t fetcher::in_flight() const { return impl_->transfers_.size(); }

void fetcher::cancel_all() { impl_->cancel_all(); }

}  // namespace feedwire::daemon
