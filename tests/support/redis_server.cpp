// Runs redis-server as a child process (posix_spawn) in a private directory
// and talks to it with hiredis's synchronous API. Nothing is persisted
// (`--save "" --appendonly no`), so a restart starts empty unless a test
// says otherwise; functions loaded by the daemon must come back through its
// prelude, which is exactly what the tests check.
#include "support/redis_server.hpp"

#include "feedwire/daemon/hiredis_support.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace feedwire::test {
namespace {

std::string find_redis_server() {
    if (const char* env = std::getenv("FEEDWIRE_REDIS_SERVER"); env != nullptr && *env != '\0') {
        return env;
    }
    if (::access("/usr/bin/redis-server", X_OK) == 0) return "/usr/bin/redis-server";
    if (const char* path = std::getenv("PATH"); path != nullptr) {
        std::string all(path);
        std::size_t begin = 0;
        while (begin <= all.size()) {
            auto end = all.find(':', begin);
            if (end == std::string::npos) end = all.size();
            std::string candidate = all.substr(begin, end - begin) + "/redis-server";
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
            begin = end + 1;
        }
    }
    return {};
}

// A free loopback port: bind port 0 and ask the kernel which it chose. The
// port could be taken again before redis binds it; one TCP test accepts that.
std::uint16_t free_tcp_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free TCP port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

reply_ptr run(redisContext& c, const std::vector<std::string>& argv) {
    daemon::argv_arrays args(argv);
    void* raw = redisCommandArgv(&c, args.argc(), args.argv(), args.lengths());
    if (raw == nullptr) throw std::runtime_error(std::string("redis command failed: ") + c.errstr);
    return reply_ptr(static_cast<redisReply*>(raw));
}

context_ptr connect_to(const std::string& socket_path, const std::string& password) {
    timeval timeout{1, 0};
    context_ptr c(redisConnectUnixWithTimeout(socket_path.c_str(), timeout));
    if (!c || c->err != 0) {
        throw std::runtime_error("cannot connect to " + socket_path + ": " +
                                 (c ? std::string(c->errstr) : std::string("out of memory")));
    }
    redisSetTimeout(c.get(), timeval{5, 0});
    if (!password.empty()) {
        auto r = run(*c, {"AUTH", password});
        if (r->type == REDIS_REPLY_ERROR)
            throw std::runtime_error("AUTH failed: " + std::string(r->str));
    }
    return c;
}

}  // namespace

std::string stream_entry::field(const std::string& name) const {
    for (const auto& [k, v] : fields) {
        if (k == name) return v;
    }
    return {};
}

bool stream_entry::has(const std::string& name) const {
    for (const auto& [k, v] : fields) {
        if (k == name) return true;
    }
    return false;
}

bool redis_server::is_available() { return !find_redis_server().empty(); }

redis_server::redis_server(redis_server_options options) : options_(std::move(options)) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "feedwire-redis-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    socket_path_ = dir_ + "/redis.sock";
    if (options_.has_tcp) port_ = free_tcp_port();
    try {
        if (!options_.sentinel_config.empty()) {
            std::ofstream conf(dir_ + "/sentinel.conf");
            conf << options_.sentinel_config << '\n';
            if (!conf.flush()) throw std::runtime_error("cannot write sentinel.conf");
        }
        start();
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
    }
}

redis_server::~redis_server() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void redis_server::start() {
    if (pid_ > 0) return;
    const std::string binary = find_redis_server();
    if (binary.empty()) throw std::runtime_error("redis-server not found");
    std::vector<std::string> args{binary};
    if (!options_.sentinel_config.empty()) {
        args.insert(args.end(), {dir_ + "/sentinel.conf", "--sentinel"});
    }
    args.insert(args.end(), {"--port", std::to_string(options_.has_tcp ? port_ : 0), "--bind",
                             "127.0.0.1", "--unixsocket", socket_path_, "--unixsocketperm", "700",
                             "--save", "", "--appendonly", "no", "--dir", dir_, "--logfile",
                             dir_ + "/redis.log", "--daemonize", "no"});
    if (!options_.password.empty()) {
        args.insert(args.end(), {"--requirepass", options_.password});
    }
    args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    // fork + exec rather than posix_spawn for PR_SET_PDEATHSIG: a test that
    // crashes must not leave a server behind holding ctest's output pipe.
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        int null_fd = ::open("/dev/null", O_RDWR);
        if (null_fd >= 0) {
            ::dup2(null_fd, 0);
            ::dup2(null_fd, 1);
            ::dup2(null_fd, 2);
        }
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    pid_ = pid;
    is_paused_ = false;
    wait_until_ready();
}

void redis_server::wait_until_ready() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    std::string last_error;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            throw std::runtime_error("redis-server exited at start; see " + dir_ + "/redis.log");
        }
        try {
            auto c = connect_to(socket_path_, options_.password);
            auto r = run(*c, {"PING"});
            if (r->type == REDIS_REPLY_STATUS) return;
            last_error = r->str != nullptr ? r->str : "unexpected reply";
        } catch (const std::exception& e) {
            last_error = e.what();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    throw std::runtime_error("redis-server did not answer PING: " + last_error);
}

void redis_server::stop() {
    if (pid_ <= 0) return;
    if (is_paused_) ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    is_paused_ = false;
}

void redis_server::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    is_paused_ = false;
}

void redis_server::pause() {
    if (pid_ > 0 && !is_paused_) {
        ::kill(pid_, SIGSTOP);
        is_paused_ = true;
    }
}

void redis_server::resume() {
    if (pid_ > 0 && is_paused_) {
        ::kill(pid_, SIGCONT);
        is_paused_ = false;
    }
}

sync_reply redis_server::command(const std::vector<std::string>& argv) const {
    auto c = connect_to(socket_path_, options_.password);
    return daemon::copy_reply(*run(*c, argv));
}

std::vector<stream_entry> redis_server::xrange(const std::string& stream) const {
    auto r = command({"XRANGE", stream, "-", "+"});
    std::vector<stream_entry> out;
    for (const auto& e : r.elements) {
        if (e.elements.size() != 2) continue;
        stream_entry entry;
        entry.id = e.elements[0].str;
        const auto& kv = e.elements[1].elements;
        for (std::size_t i = 0; i + 1 < kv.size(); i += 2) {
            entry.fields.emplace_back(kv[i].str, kv[i + 1].str);
        }
        out.push_back(std::move(entry));
    }
    return out;
}

long long redis_server::xlen(const std::string& stream) const {
    return command({"XLEN", stream}).integer;
}

std::string redis_server::info_field(const std::string& section, const std::string& field) const {
    const std::string text = command({"INFO", section}).str;
    const std::string key = "\r\n" + field + ":";
    auto at = text.find(key);
    if (at == std::string::npos) {
        if (text.compare(0, key.size() - 2, key.substr(2)) != 0) return {};
        at = 0;
    } else {
        at += 2;
    }
    at += field.size() + 1;
    return text.substr(at, text.find('\r', at) - at);
}

bool wait_for_settled_stream(const redis_server& server, const std::string& stream,
                             const std::function<bool()>& is_complete,
                             std::chrono::milliseconds quiet, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    long long length = -1;
    auto still_since = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < deadline) {
        const long long now_length = server.xlen(stream);
        if (now_length != length) {
            length = now_length;
            still_since = std::chrono::steady_clock::now();
        } else if (std::chrono::steady_clock::now() - still_since > quiet && is_complete()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
    return false;
}

}  // namespace feedwire::test
