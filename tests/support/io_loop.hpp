// Driving an io_context from a test body: run it until a condition holds
// (with a limit, so a broken component fails the test instead of hanging
// it), or for a fixed time to show that nothing more happens.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>

namespace feedwire::test {

// Runs the io_context until pred() holds or the time is up; false on timeout.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& pred,
                      std::chrono::milliseconds limit = std::chrono::seconds{5}) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        io.run_for(std::chrono::milliseconds{5});
    }
    return true;
}

inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
    const auto deadline = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds{5});
}

}  // namespace feedwire::test
