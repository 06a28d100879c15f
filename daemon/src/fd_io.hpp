// Small POSIX file helpers shared by the spool and the state files.
#pragma once

#include <cerrno>
#include <cstddef>
#include <string_view>

#include <unistd.h>

namespace feedwire::daemon::detail {

// Writes all of `data` to `fd`, retrying short writes and EINTR; false on
// any other error (errno tells which).
inline bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t put = ::write(fd, data.data(), data.size());
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(put));
    }
    return true;
}

}  // namespace feedwire::daemon::detail
