// The service's side of systemd's notification protocol (sd_notify(3)):
// READY=1 once polling starts, RELOADING=1 and READY=1 around a reload,
// STOPPING=1 at shutdown, STATUS= with a one-line summary every few
// seconds, and WATCHDOG=1 from a timer on the event loop itself at half
// the interval systemd asked for (WatchdogSec=), so a loop that stops
// turning misses its keep-alives and systemd restarts the daemon.
//
// Outside systemd (no NOTIFY_SOCKET) nothing is sent and no timer runs.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace feedwire::daemon {

class systemd_notifier {
public:
    using status_source = std::function<std::string()>;

    // `status` is asked for the STATUS= line on the loop's thread.
    systemd_notifier(boost::asio::io_context& io, status_source status,
                     std::chrono::milliseconds status_interval = std::chrono::seconds{5});

    // Arms the watchdog and status timers (when under systemd).
    void start();
    void ready();      // READY=1 and the status
    void reloading();  // RELOADING=1
    void stopping();   // STOPPING=1
    void send_status();
    // Cancels the timers; nothing more is sent but stopping().
    void stop();

    bool is_enabled() const { return is_enabled_; }
    // The keep-alive period: half of WATCHDOG_USEC, when systemd asked.
    std::optional<std::chrono::microseconds> watchdog_period() const { return watchdog_period_; }

private:
    void do_watchdog();
    void do_status();

    boost::asio::steady_timer watchdog_timer_;
    boost::asio::steady_timer status_timer_;
    status_source status_;
    std::chrono::milliseconds status_interval_;
    bool is_enabled_ = false;
    bool is_stopped_ = false;
    std::optional<std::chrono::microseconds> watchdog_period_;
    std::string last_status_;
};

}  // namespace feedwire::daemon
