// feedwired as systemd runs it: a child process with NOTIFY_SOCKET pointing
// at a Unix datagram socket the test binds (sd_notify's protocol: one
// datagram of NAME=VALUE lines per call), WATCHDOG_USEC set, and signals
// for reload (SIGHUP) and stop (SIGTERM). The feeds come from the fixture
// HTTP server, whose request log shows which feeds are polled.
#include "support/http_fixture_server.hpp"
#include "support/redis_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;
using feedwire::test::http_fixture_server;
using feedwire::test::http_response;
using feedwire::test::redis_server;

std::string rss(const std::string& guid, const std::string& title) {
    return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>"
           "<link>https://wire.example/</link><description>d</description><item><guid>" +
           guid + "</guid><title>" + title + "</title><link>https://wire.example/" + guid +
           "</link><pubDate>Sat, 22 Nov 2025 09:14:00 GMT</pubDate><description>" + title +
           " text.</description></item></channel></rss>";
}

// feedwired in a child process, its stderr in a file.
class feedwired_process {
public:
    feedwired_process(const std::vector<std::string>& args, const std::vector<std::string>& env,
                      const std::string& log_path) {
        std::vector<std::string> envs;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string v = *e;
            if (v.rfind("NOTIFY_SOCKET=", 0) == 0 || v.rfind("WATCHDOG_", 0) == 0 ||
                v.rfind("JOURNAL_STREAM=", 0) == 0)
                continue;
            envs.push_back(v);
        }
        envs.insert(envs.end(), env.begin(), env.end());
        std::vector<std::string> argv{FEEDWIRE_FEEDWIRED};
        argv.insert(argv.end(), args.begin(), args.end());
        // Everything exec needs is built before fork: the test process has threads.
        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        std::vector<char*> cenv;
        for (auto& e : envs) cenv.push_back(e.data());
        cenv.push_back(nullptr);
        const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (log < 0) throw std::runtime_error("cannot open " + log_path);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(log, STDERR_FILENO);
            ::dup2(log, STDOUT_FILENO);
            ::execve(cargv[0], cargv.data(), cenv.data());
            ::_exit(127);
        }
        ::close(log);
        if (pid_ < 0) throw std::runtime_error("fork failed");
    }
    ~feedwired_process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    feedwired_process(const feedwired_process&) = delete;
    feedwired_process& operator=(const feedwired_process&) = delete;

    void signal(int signo) const { ::kill(pid_, signo); }
    bool is_running() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
        pid_ = -1;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return false;
    }
    // The exit code, or -2 when it has not exited within `limit`.
    int wait(std::chrono::milliseconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (is_running()) {
            if (std::chrono::steady_clock::now() > until) return -2;
            std::this_thread::sleep_for(20ms);
        }
        return exit_code_;
    }

private:
    pid_t pid_ = -1;
    int exit_code_ = -1;
};

// The listening end of NOTIFY_SOCKET.
class notify_listener {
public:
    explicit notify_listener(const std::string& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (fd_ < 0 || path.size() >= sizeof addr.sun_path)
            throw std::runtime_error("notify socket: " + path);
        std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("cannot bind " + path);
    }
    ~notify_listener() {
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    notify_listener(const notify_listener&) = delete;
    notify_listener& operator=(const notify_listener&) = delete;

    // Reads datagrams until a line satisfies `until` or `limit` passes;
    // true when it was found. Every line read is kept in lines().
    bool read_until(const std::function<bool(const std::string&)>& until,
                    std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left <= 0ms) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buffer[4096];
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) continue;
            std::istringstream in(std::string(buffer, static_cast<std::size_t>(n)));
            bool found = false;
            for (std::string line; std::getline(in, line);) {
                lines_.push_back(line);
                found = found || until(line);
            }
            if (found) return true;
        }
    }
    const std::vector<std::string>& lines() const { return lines_; }

private:
    std::string path_;
    int fd_ = -1;
    std::vector<std::string> lines_;
};

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class Lifecycle : public ::testing::Test {
protected:
    void SetUp() override {
        if (!redis_server::is_available()) GTEST_SKIP() << "redis-server is not installed";
        redis_ = std::make_unique<redis_server>();
        dir_ = redis_->directory();
        config_path_ = dir_ + "/feedwire.toml";
        log_path_ = dir_ + "/feedwired.log";
        http_.route("/a.xml", http_response::ok(rss("a1", "From A"), "application/rss+xml"));
        http_.route("/b.xml", http_response::ok(rss("b1", "From B"), "application/rss+xml"));
    }

    // Short intervals so that a test sees several polls in seconds.
    void write_config(const std::string& feeds) {
        std::ofstream out(config_path_);
        out << "[redis]\nurl = \"unix://" << redis_->socket_path() << "\"\n"
            << "[daemon]\nstate_dir = \"" << dir_ << "/state\"\nper_host_spacing = \"0s\"\n"
            << "min_interval = \"1s\"\nshutdown_timeout = \"3s\"\n"
            << feeds;
    }

    std::string feed(const std::string& id, const std::string& target) {
        return "[[feed]]\nid = \"" + id + "\"\nurl = \"" + http_.url(target) +
               "\"\ninterval = \"1s\"\n";
    }

    std::size_t requests_for(const std::string& target) {
        std::size_t n = 0;
        for (const auto& r : http_.requests()) n += r.target == target ? 1u : 0u;
        return n;
    }

    http_fixture_server http_;
    std::unique_ptr<redis_server> redis_;
    std::string dir_;
    std::string config_path_;
    std::string log_path_;
};

std::size_t index_of(const std::vector<std::string>& lines, const std::string& line,
                     std::size_t from = 0) {
    for (std::size_t i = from; i < lines.size(); ++i)
        if (lines[i] == line) return i;
    return lines.size();
}

TEST_F(Lifecycle, TellsSystemdReadyStatusWatchdogReloadingAndStopping) {
    write_config(feed("a", "/a.xml"));
    notify_listener listener(dir_ + "/notify.sock");
    // No WATCHDOG_PID: sd_watchdog_enabled then trusts WATCHDOG_USEC as is.
    // --state-dir, as feedwired@.service passes it, wins over daemon.state_dir.
    feedwired_process daemon({"--config", config_path_, "--state-dir", dir_ + "/instance"},
                             {"NOTIFY_SOCKET=" + dir_ + "/notify.sock", "WATCHDOG_USEC=200000"},
                             log_path_);
    const auto is = [](const char* what) {
        return [what](const std::string& l) { return l == what; };
    };
    ASSERT_TRUE(listener.read_until(is("READY=1"), 15s)) << read_file(log_path_);
    // Keep-alives every 100 ms (half of WATCHDOG_USEC) from the event loop.
    std::size_t watchdogs = 0;
    ASSERT_TRUE(listener.read_until(
        [&](const std::string& l) { return l == "WATCHDOG=1" && ++watchdogs == 3; }, 2s));

    daemon.signal(SIGHUP);
    ASSERT_TRUE(listener.read_until(is("RELOADING=1"), 5s)) << read_file(log_path_);
    ASSERT_TRUE(listener.read_until(is("READY=1"), 5s)) << read_file(log_path_);
    daemon.signal(SIGTERM);
    ASSERT_TRUE(listener.read_until(is("STOPPING=1"), 5s)) << read_file(log_path_);
    EXPECT_EQ(daemon.wait(15s), 0) << read_file(log_path_);
    EXPECT_TRUE(std::filesystem::is_directory(dir_ + "/instance/spool"));
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/state"));

    const auto& lines = listener.lines();
    const std::size_t ready = index_of(lines, "READY=1");
    const std::size_t reloading = index_of(lines, "RELOADING=1", ready);
    const std::size_t ready_again = index_of(lines, "READY=1", reloading);
    const std::size_t stopping = index_of(lines, "STOPPING=1", ready_again);
    EXPECT_LT(ready, reloading);
    EXPECT_LT(reloading, ready_again);
    EXPECT_LT(ready_again, stopping);
    EXPECT_LT(stopping, lines.size());
    // The summary for systemctl status, sent with READY=1.
    bool has_status = false;
    for (std::size_t i = 0; i < ready; ++i) {
        if (lines[i].rfind("STATUS=", 0) == 0) {
            has_status = true;
            EXPECT_NE(lines[i].find("1 feeds, 0 failing"), std::string::npos) << lines[i];
            EXPECT_NE(lines[i].find("redis connected"), std::string::npos) << lines[i];
            EXPECT_NE(lines[i].find("spool records"), std::string::npos) << lines[i];
        }
    }
    EXPECT_TRUE(has_status);
}

TEST_F(Lifecycle, ReloadPollsNewFeedsStopsRemovedOnesAndKeepsRunningOnAnInvalidFile) {
    write_config(feed("a", "/a.xml"));
    feedwired_process daemon({"--config", config_path_}, {}, log_path_);
    ASSERT_TRUE(wait_for([&] { return requests_for("/a.xml") >= 1; }, 15s)) << read_file(log_path_);

    // B in, A out.
    write_config(feed("b", "/b.xml"));
    daemon.signal(SIGHUP);
    ASSERT_TRUE(wait_for([&] { return requests_for("/b.xml") >= 1; }, 15s)) << read_file(log_path_);
    ASSERT_TRUE(wait_for([&] { return redis_->xlen("feedwire:items") == 2; }, 10s));
    const std::size_t a_polls = requests_for("/a.xml");
    const std::size_t b_polls = requests_for("/b.xml");
    ASSERT_TRUE(wait_for([&] { return requests_for("/b.xml") > b_polls; }, 10s));
    EXPECT_EQ(requests_for("/a.xml"), a_polls) << "a removed feed is still polled";
    const auto log = read_file(log_path_);
    EXPECT_NE(log.find("reloaded: 1 feeds: 1 added, 1 removed, 0 changed, 0 unchanged"),
              std::string::npos)
        << log;

    // A broken file: the errors are logged, B goes on being polled.
    {
        std::ofstream out(config_path_);
        out << "[[feed]]\nurl = \"ftp://a.example/x\"\nintervall = \"5m\"\n";
    }
    daemon.signal(SIGHUP);
    ASSERT_TRUE(wait_for(
        [&] { return read_file(log_path_).find("configuration not loaded") != std::string::npos; },
        10s))
        << read_file(log_path_);
    const auto after = read_file(log_path_);
    EXPECT_NE(after.find("feedwire.toml:3: feed.intervall"), std::string::npos) << after;
    const std::size_t b_before = requests_for("/b.xml");
    EXPECT_TRUE(wait_for([&] { return requests_for("/b.xml") > b_before; }, 10s));
    EXPECT_TRUE(daemon.is_running());
    EXPECT_EQ(requests_for("/a.xml"), a_polls);

    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(15s), 0) << read_file(log_path_);
}

TEST_F(Lifecycle, ReloadMovesAChangedFeedAndLeavesUnchangedOnesOnTheirSchedule) {
    http_.route(
        "/c.xml",
        http_response::ok(rss("c1", "From C"), "application/rss+xml").header("ETag", "\"c-old\""));
    http_.route("/c2.xml", http_response::ok(rss("c1", "From C"), "application/rss+xml"));
    http_.route("/slow.xml", http_response::ok(rss("s1", "Slow"), "application/rss+xml"));
    const std::string slow =
        "[[feed]]\nid = \"slow\"\nurl = \"" + http_.url("/slow.xml") + "\"\ninterval = \"1h\"\n";
    write_config(slow + feed("c", "/c.xml"));
    feedwired_process daemon({"--config", config_path_}, {}, log_path_);
    ASSERT_TRUE(wait_for(
        [&] { return requests_for("/slow.xml") == 1 && requests_for("/c.xml") >= 1; }, 15s))
        << read_file(log_path_);

    write_config(slow + feed("c", "/c2.xml"));
    daemon.signal(SIGHUP);
    ASSERT_TRUE(wait_for([&] { return requests_for("/c2.xml") >= 2; }, 15s))
        << read_file(log_path_);
    const std::size_t old_polls = requests_for("/c.xml");
    ASSERT_TRUE(wait_for([&] { return requests_for("/c2.xml") >= 3; }, 10s));
    EXPECT_EQ(requests_for("/c.xml"), old_polls);
    // The new URL starts afresh: the old URL's validators are not sent to it.
    for (const auto& r : http_.requests()) {
        if (r.target == "/c2.xml") {
            EXPECT_FALSE(r.has_header("if-none-match"));
        }
    }
    // Unchanged: still the one poll it had, its next one an hour away.
    EXPECT_EQ(requests_for("/slow.xml"), 1u);
    const auto log = read_file(log_path_);
    EXPECT_NE(log.find("reloaded: 2 feeds: 0 added, 0 removed, 1 changed, 1 unchanged"),
              std::string::npos)
        << log;

    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(15s), 0) << read_file(log_path_);
    const auto state = redis_->command({"HGET", "feedwire:feed:{c}", "configured_url"});
    EXPECT_EQ(state.str, http_.url("/c2.xml"));
}

// A feed removed while its poll is on the wire: the poll finishes, its
// items are delivered, and only then is the feed dropped.
TEST_F(Lifecycle, FeedRemovedDuringItsPollFinishesThatPollAndStops) {
    auto slow = http_response::ok(rss("a1", "From A"), "application/rss+xml");
    slow.chunk_size = 40;
    slow.chunk_interval = 150ms;  // about 2 s for the body
    http_.route("/a.xml", slow);
    write_config(feed("a", "/a.xml"));
    feedwired_process daemon({"--config", config_path_}, {}, log_path_);
    ASSERT_TRUE(wait_for([&] { return requests_for("/a.xml") >= 1; }, 15s)) << read_file(log_path_);

    write_config(feed("b", "/b.xml"));
    daemon.signal(SIGHUP);
    // The removal is logged after the reload's summary: it waited for the poll.
    ASSERT_TRUE(wait_for(
        [&] {
            const auto log = read_file(log_path_);
            const auto reloaded = log.find("reloaded: 1 feeds: 1 added, 1 removed");
            return reloaded != std::string::npos &&
                   log.find("feed a (" + http_.url("/a.xml") + "): removed from the configuration",
                            reloaded) != std::string::npos;
        },
        15s))
        << read_file(log_path_);
    EXPECT_NE(read_file(log_path_).find("feed a (" + http_.url("/a.xml") + "): 1 new"),
              std::string::npos);
    ASSERT_TRUE(wait_for([&] { return redis_->xlen("feedwire:items") == 2; }, 15s))
        << read_file(log_path_);
    const auto b_polls = requests_for("/b.xml");
    ASSERT_TRUE(wait_for([&] { return requests_for("/b.xml") > b_polls + 1; }, 10s));
    EXPECT_EQ(requests_for("/a.xml"), 1u);
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(15s), 0) << read_file(log_path_);
}

// SIGTERM with one fetch that will never finish and one whose body is still
// arriving: the daemon waits for the second, delivers its item, gives the
// first up at shutdown_timeout (3 s here), and exits 0.
TEST_F(Lifecycle, TermWaitsForPollsInFlightUpToShutdownTimeoutAndKeepsWhatWasFetched) {
    http_.route("/stalled.xml", http_response::stalled());
    auto trickle = http_response::ok(rss("b1", "From B"), "application/rss+xml");
    trickle.chunk_size = 30;
    trickle.chunk_interval = 150ms;  // about 1.5 s for the body
    http_.route("/b.xml", trickle);
    // The stalled feed's own timeout is far beyond shutdown_timeout. It comes
    // first: the start-up spread polls it before b.
    write_config("[[feed]]\nid = \"stalled\"\nurl = \"" + http_.url("/stalled.xml") +
                 "\"\ntimeout = \"120s\"\n" + feed("b", "/b.xml"));
    feedwired_process daemon({"--config", config_path_}, {}, log_path_);
    ASSERT_TRUE(wait_for(
        [&] { return requests_for("/stalled.xml") == 1 && requests_for("/b.xml") == 1; }, 15s))
        << read_file(log_path_);
    ASSERT_EQ(redis_->xlen("feedwire:items"), 0) << "b's body arrived before SIGTERM";

    daemon.signal(SIGTERM);
    // Bounded: shutdown_timeout plus the final flush (at most 3 s more) and slack.
    EXPECT_EQ(daemon.wait(10s), 0) << read_file(log_path_);
    const auto log = read_file(log_path_);
    EXPECT_NE(log.find("stopping (signal 15); 2 polls in flight"), std::string::npos) << log;
    EXPECT_NE(log.find("shutdown: 1 polls still in flight after 3000 ms; abandoning them"),
              std::string::npos)
        << log;
    // The poll that was receiving its body at SIGTERM was finished and delivered.
    EXPECT_EQ(redis_->xlen("feedwire:items"), 1) << log;
    const auto entries = redis_->xrange("feedwire:items");
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].field("feed"), "b");
    EXPECT_NE(entries[0].field("item").find("\"From B\""), std::string::npos);
    EXPECT_EQ(requests_for("/b.xml"), 1u);
    EXPECT_EQ(redis_->command({"HGET", "feedwire:feed:{b}", "items_delivered"}).str, "1");
}

}  // namespace
}  // namespace feedwire::daemon
