// feedwired: parses arguments, loads the configuration, runs the service,
// and maps the outcome to an exit code (sysexits.h: 64 usage, 78
// configuration, 70 internal; 1 when --once could not poll or deliver
// every feed, or --check-config found mistakes).
#include "feedwire/config/loader.hpp"
#include "feedwire/daemon/config_files.hpp"
#include "feedwire/daemon/log.hpp"
#include "feedwire/daemon/service.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

#include <unistd.h>

namespace {

constexpr int exit_usage = 64;
constexpr int exit_internal = 70;
constexpr int exit_config = 78;

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"feedwired: polls news feeds and appends their items to Redis streams"};
    std::string config_path = "/etc/feedwire/feedwire.toml";
    bool once = false;
    bool check_only = false;
    std::string level_text;
    std::size_t workers = 2;
    std::string state_dir;
    app.add_option("-c,--config", config_path, "Configuration file (TOML)")->capture_default_str();
    app.add_flag("--once", once,
                 "Poll every enabled feed once, deliver, and exit (0: all fetched and delivered)");
    app.add_flag("--check-config", check_only,
                 "Validate the configuration and exit (1 on mistakes)");
    app.add_option("--log-level", level_text,
                   "debug, info, warn or error (default: info; warn with --once)");
    app.add_option("--workers", workers, "Parse threads")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    app.add_option("--state-dir", state_dir,
                   "State directory (the spool, feed states waiting for Redis), overriding "
                   "daemon.state_dir; "
                   "feedwired@.service points it at the instance's StateDirectory");
    std::string instance_id;
    app.add_option("--instance-id", instance_id,
                   "This instance's id among the instances sharing the feeds through Redis, "
                   "overriding daemon.instance_id (default: <hostname>:<state directory>)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : exit_usage;
    }

    feedwire::daemon::log_level level =
        once ? feedwire::daemon::log_level::warn : feedwire::daemon::log_level::info;
    if (!level_text.empty() && !feedwire::daemon::parse_log_level(level_text, level)) {
        std::cerr << "feedwired: unknown --log-level \"" << level_text << "\"\n";
        return exit_usage;
    }

    feedwire::daemon::filesystem_source files;
    auto loaded = feedwire::config::load_config(config_path, files);
    if (!state_dir.empty()) loaded.config.daemon.state_dir = state_dir;
    if (!instance_id.empty()) loaded.config.daemon.instance_id = instance_id;
    for (const auto& w : loaded.warnings)
        std::cerr << feedwire::config::describe(w, "warning: ") << '\n';
    for (const auto& e : loaded.errors) std::cerr << feedwire::config::describe(e) << '\n';
    if (check_only) {
        if (!loaded.ok()) return 1;
        std::cout << "ok: " << loaded.config.feeds.size() << " feeds from "
                  << loaded.config.files.size() << " files, redis "
                  << feedwire::config::describe(loaded.config.redis) << '\n';
        return 0;
    }
    if (!loaded.ok()) {
        std::cerr << "feedwired: " << config_path << ": " << loaded.errors.size()
                  << " configuration errors; not starting\n";
        return exit_config;
    }

    feedwire::daemon::setup_logging(level);
    try {
        feedwire::daemon::service_options options;
        options.mode = once ? feedwire::daemon::run_mode::once : feedwire::daemon::run_mode::daemon;
        options.workers = workers;
        options.show_progress = once && isatty(STDERR_FILENO) == 1;
        // SIGHUP: the same files again, every problem logged; the service
        // keeps the running configuration when this returns nullopt.
        options.reload_config = [config_path, state_dir,
                                 instance_id]() -> std::optional<feedwire::config::configuration> {
            feedwire::daemon::filesystem_source source;
            auto again = feedwire::config::load_config(config_path, source);
            for (const auto& w : again.warnings)
                spdlog::warn("reload: {}", feedwire::config::describe(w, "warning: "));
            for (const auto& e : again.errors)
                spdlog::error("reload: {}", feedwire::config::describe(e));
            if (!again.ok()) {
                spdlog::error("reload: {}: {} configuration errors", config_path,
                              again.errors.size());
                return std::nullopt;
            }
            if (!state_dir.empty()) again.config.daemon.state_dir = state_dir;
            if (!instance_id.empty()) again.config.daemon.instance_id = instance_id;
            return std::move(again.config);
        };
        feedwire::daemon::service service(loaded.config, options);
        const auto summary = service.run();
        if (!once) return 0;
        for (const auto& f : summary.failures) std::cerr << "failed: " << f.error << '\n';
        std::cerr << "feedwired: " << summary.feeds << " feeds, " << summary.polls << " polls, "
                  << summary.items_delivered << " items delivered, " << summary.items_duplicate
                  << " seen in other feeds, " << summary.failed << " failed";
        if (summary.spool_records > 0)
            std::cerr << ", " << summary.spool_records << " spool records waiting for Redis";
        std::cerr << '\n';
        return summary.ok() ? 0 : 1;
    } catch (const std::exception& e) {
        spdlog::critical("internal error: {}", e.what());
        return exit_internal;
    }
}
