// Runs a shell command as an operator would, for tests of the binaries:
// its exit code (-1 when it did not exit normally) and everything it wrote
// to stdout and stderr.
#pragma once

#include <cstdio>
#include <string>

#include <sys/wait.h>

namespace feedwire::test {

inline int run_command(const std::string& command, std::string& output) {
    output.clear();
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return -1;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    const int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace feedwire::test
