// sd_notify from the event loop. The watchdog timer runs on the same
// io_context as polling and delivery: a keep-alive proves the loop turns,
// not merely that the process exists. STATUS= is resent only when the
// line changed, so an idle daemon costs one datagram per watchdog period.
#include "feedwire/daemon/notify.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>

namespace feedwire::daemon {

systemd_notifier::systemd_notifier(boost::asio::io_context& io, status_source status,
                                   std::chrono::milliseconds status_interval)
    : watchdog_timer_(io),
      status_timer_(io),
      status_(std::move(status)),
      status_interval_(status_interval) {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    is_enabled_ = socket != nullptr && *socket != '\0';
    // sd_watchdog_enabled: > 0 when WATCHDOG_USEC is set and WATCHDOG_PID
    // is unset or names this process.
    std::uint64_t usec = 0;
    if (is_enabled_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        watchdog_period_ = std::chrono::microseconds{static_cast<std::int64_t>(usec / 2)};
}

void systemd_notifier::start() {
    if (!is_enabled_) return;
    if (watchdog_period_) {
        spdlog::debug("systemd watchdog: keep-alive every {} ms", watchdog_period_->count() / 1000);
        sd_notify(0, "WATCHDOG=1");
        do_watchdog();
    }
    do_status();
}

void systemd_notifier::ready() {
    if (!is_enabled_) return;
    last_status_.clear();  // a reload may leave the same line: say it again
    send_status();
    sd_notify(0, "READY=1");
}

void systemd_notifier::reloading() {
    if (is_enabled_) sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration");
}

void systemd_notifier::stopping() {
    if (is_enabled_) sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void systemd_notifier::send_status() {
    if (!is_enabled_ || is_stopped_ || !status_) return;
    std::string line = status_();
    if (line == last_status_) return;
    last_status_ = line;
    sd_notify(0, ("STATUS=" + line).c_str());
}

void systemd_notifier::stop() {
    is_stopped_ = true;
    watchdog_timer_.cancel();
    status_timer_.cancel();
}

void systemd_notifier::do_watchdog() {
    watchdog_timer_.expires_after(*watchdog_period_);
    watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || is_stopped_) return;
        sd_notify(0, "WATCHDOG=1");
        do_watchdog();
    });
}

void systemd_notifier::do_status() {
    status_timer_.expires_after(status_interval_);
    status_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || is_stopped_) return;
        send_status();
        do_status();
    });
}

}  // namespace feedwire::daemon
