// A clock_source for tests: time stands still until the test calls
// advance(), which moves the steady and the system clock together, so a
// test can walk a scheduler through hours in microseconds and know exactly
// what time every decision saw.
#pragma once

#include "feedwire/daemon/clock.hpp"

#include <chrono>

namespace feedwire::test {

class fake_clock final : public daemon::clock_source {
public:
    // 2024-01-01T00:00:00Z, a Monday; the steady clock starts far from its
    // epoch so that "now - spacing" is never before it.
    static constexpr daemon::system_time default_system_start{
        std::chrono::sys_days{std::chrono::year{2024} / std::chrono::January / 1}};
    static constexpr daemon::steady_time default_steady_start{std::chrono::hours{1000}};

    fake_clock() = default;
    explicit fake_clock(daemon::system_time system_start) : system_(system_start) {}

    daemon::steady_time steady_now() const override { return steady_; }
    daemon::system_time system_now() const override { return system_; }

    template <typename Rep, typename Period>
    void advance(std::chrono::duration<Rep, Period> d) {
        steady_ += std::chrono::duration_cast<daemon::steady_time::duration>(d);
        system_ += std::chrono::duration_cast<daemon::system_time::duration>(d);
    }

    // Sets the wall clock alone, as NTP or an operator would; steady time
    // does not jump.
    void set_system(daemon::system_time t) { system_ = t; }

private:
    daemon::steady_time steady_ = default_steady_start;
    daemon::system_time system_ = default_system_start;
};

}  // namespace feedwire::test
