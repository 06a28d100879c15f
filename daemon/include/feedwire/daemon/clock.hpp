// The daemon's only view of time. Scheduling reads the steady clock (never
// jumps), item and state timestamps read the system clock. Tests hand the
// scheduler a fake_clock (tests/support) and move time by hand.
#pragma once

#include <chrono>

namespace feedwire::daemon {

using steady_time = std::chrono::steady_clock::time_point;
using system_time = std::chrono::system_clock::time_point;

class clock_source {
public:
    virtual ~clock_source() = default;
    virtual steady_time steady_now() const = 0;
    virtual system_time system_now() const = 0;
};

class real_clock final : public clock_source {
public:
    steady_time steady_now() const override { return std::chrono::steady_clock::now(); }
    system_time system_now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace feedwire::daemon
