// The default spdlog logger writes to stderr only: systemd collects stderr
// into the journal, and a terminal shows it. Two patterns, chosen once at
// start from JOURNAL_STREAM (set by systemd for services whose stderr is
// the journal, systemd.exec(5)).
#include "feedwire/daemon/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace feedwire::daemon {
namespace {

// The journal's priority prefix for a spdlog level (sd-daemon(3)).
class journal_priority_flag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        const char* prefix = "<6>";
        switch (msg.level) {
            case spdlog::level::trace:
            case spdlog::level::debug:
                prefix = "<7>";
                break;
            case spdlog::level::info:
                prefix = "<6>";
                break;
            case spdlog::level::warn:
                prefix = "<4>";
                break;
            case spdlog::level::err:
                prefix = "<3>";
                break;
            case spdlog::level::critical:
                prefix = "<2>";
                break;
            default:
                break;
        }
        dest.append(prefix, prefix + 3);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<journal_priority_flag>();
    }
};

spdlog::level::level_enum to_spdlog(log_level level) {
    switch (level) {
        case log_level::debug:
            return spdlog::level::debug;
        case log_level::info:
            return spdlog::level::info;
        case log_level::warn:
            return spdlog::level::warn;
        case log_level::error:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

}  // namespace

bool parse_log_level(std::string_view text, log_level& out) {
    if (text == "debug")
        out = log_level::debug;
    else if (text == "info")
        out = log_level::info;
    else if (text == "warn" || text == "warning")
        out = log_level::warn;
    else if (text == "error")
        out = log_level::error;
    else
        return false;
    return true;
}

void setup_logging(log_level level) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>("feedwired", sink);
    const char* journal = std::getenv("JOURNAL_STREAM");
    if (journal != nullptr && *journal != '\0') {
        auto formatter = std::make_unique<spdlog::pattern_formatter>();
        formatter->add_flag<journal_priority_flag>('*').set_pattern("%*%v");
        logger->set_formatter(std::move(formatter));
    } else {
        logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    }
    logger->set_level(to_spdlog(level));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
}

}  // namespace feedwire::daemon
