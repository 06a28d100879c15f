// A private redis-server for one test binary (Redis's own test habit: a real
// server per test file). It listens on a Unix socket in a fresh temporary
// directory (`--port 0`, so no port races, NOTES.md/STYLE.md "redis-server
// 7.0 accepts --port 0 --unixsocket"), or additionally on a free loopback
// TCP port for the one TCP test. It can be stopped and started again on the
// same socket (outages), killed (lost replies) and frozen with SIGSTOP
// (timeouts). A small synchronous hiredis client answers the assertions.
// With a sentinel_config it runs as a Sentinel (`redis-server sentinel.conf
// --sentinel`), which needs no other package; replicas are plain servers
// started with extra_args {"--replicaof", "127.0.0.1", PORT}.
//
#pragma once

#include "feedwire/config/config.hpp"
#include "feedwire/daemon/redis.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace feedwire::test {

struct redis_server_options {
    bool has_tcp = false;                 // also listen on 127.0.0.1:<free port>
    std::string password;                 // requirepass, empty = none
    std::vector<std::string> extra_args;  // more redis-server arguments
    // Non-empty: run as a Sentinel with this configuration ("sentinel
    // monitor ..." lines), written to sentinel.conf in the directory once,
    // where the Sentinel then keeps its own state across restarts.
    std::string sentinel_config;
};

// A reply from the synchronous helper client: the daemon's own reply type.
using sync_reply = daemon::redis_reply;

struct stream_entry {
    std::string id;
    std::vector<std::pair<std::string, std::string>> fields;
    // The value of a field, empty when absent; has() tells them apart.
    std::string field(const std::string& name) const;
    bool has(const std::string& name) const;
};

class redis_server {
public:
    // True when redis-server can be run; tests GTEST_SKIP otherwise.
    static bool is_available();

    explicit redis_server(redis_server_options options = {});  // starts it; throws on failure
    ~redis_server();  // kills the server, removes the directory
    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;

    void start();   // again on the same socket and port after stop()/kill()
    void stop();    // SHUTDOWN-like: SIGTERM, waits
    void kill();    // SIGKILL, waits: replies in flight are lost
    void pause();   // SIGSTOP: the server accepts connections but answers nothing
    void resume();  // SIGCONT
    bool is_running() const { return pid_ > 0; }

    const std::string& socket_path() const { return socket_path_; }
    const std::string& directory() const { return dir_; }
    std::uint16_t tcp_port() const { return port_; }
    const std::string& password() const { return options_.password; }

    // Synchronous helpers (one connection per call, AUTH when needed).
    // Throws std::runtime_error when the server cannot be reached.
    sync_reply command(const std::vector<std::string>& argv) const;
    std::vector<stream_entry> xrange(const std::string& stream) const;
    long long xlen(const std::string& stream) const;
    // A field of INFO's text ("role", "master_link_status"), empty when absent.
    std::string info_field(const std::string& section, const std::string& field) const;

private:
    void wait_until_ready() const;

    redis_server_options options_;
    std::string dir_;
    std::string socket_path_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
    bool is_paused_ = false;
};

// After ingestion stops: waits until `stream` has not grown for `quiet` and
// is_complete() holds (checked only then, as it may cost an XRANGE); false
// when `limit` passes first. Reconnecting clients may still be delivering.
bool wait_for_settled_stream(const redis_server& server, const std::string& stream,
                             const std::function<bool()>& is_complete,
                             std::chrono::milliseconds quiet, std::chrono::milliseconds limit);

// A redis_config pointing at the server: its Unix socket, or its TCP port.
inline config::redis_config redis_config_for(const redis_server& server, bool use_tcp = false) {
    config::redis_config c;
    if (use_tcp) {
        c.scheme = config::redis_scheme::tcp;
        c.host = "127.0.0.1";
        c.port = server.tcp_port();
    } else {
        c.scheme = config::redis_scheme::unix_socket;
        c.socket_path = server.socket_path();
    }
    c.password = server.password();
    return c;
}

}  // namespace feedwire::test
