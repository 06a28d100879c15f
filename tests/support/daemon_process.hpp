// The `feedwired` binary run as an operator runs it, in a child process:
// started, killed with SIGKILL, or stopped with SIGTERM (its own orderly
// stop). Its stderr (the log) is appended to one file; stdout is dropped.
#pragma once

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace feedwire::test {

class daemon_process {
public:
    // `args` follow --config; FEEDWIRE_FEEDWIRED names the binary.
    daemon_process(std::string config, std::string log,
                   std::vector<std::string> args = {"--log-level", "warn"})
        : config_(std::move(config)), log_(std::move(log)), args_(std::move(args)) {}
    ~daemon_process() { kill_now(); }
    daemon_process(const daemon_process&) = delete;
    daemon_process& operator=(const daemon_process&) = delete;

    void start() {
        std::vector<std::string> argv{FEEDWIRE_FEEDWIRED, "--config", config_};
        argv.insert(argv.end(), args_.begin(), args_.end());
        std::vector<char*> c_argv;
        for (auto& a : argv) c_argv.push_back(a.data());
        c_argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {
            const int null = ::open("/dev/null", O_WRONLY);
            if (null >= 0) ::dup2(null, STDOUT_FILENO);
            const int log = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
            if (log >= 0) ::dup2(log, STDERR_FILENO);
            ::execv(FEEDWIRE_FEEDWIRED, c_argv.data());
            ::_exit(127);
        }
    }
    void kill_now() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    // SIGTERM: the daemon's own orderly stop; returns its exit status.
    int stop() {
        if (pid_ <= 0) return -1;
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    bool is_alive() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

private:
    std::string config_;
    std::string log_;
    std::vector<std::string> args_;
    pid_t pid_ = -1;
};

// The last `count` lines of a log file, on stdout, each prefixed "log: ".
inline void print_log_tail(const std::string& path, std::size_t count) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    const std::size_t from = lines.size() > count ? lines.size() - count : 0;
    for (std::size_t i = from; i < lines.size(); ++i) std::printf("log: %s\n", lines[i].c_str());
}

}  // namespace feedwire::test
