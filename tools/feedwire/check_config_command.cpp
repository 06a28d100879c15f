// `feedwire check-config FILE`: loads a configuration through the real
// filesystem and prints every problem as "FILE:LINE: key: message" on
// stderr, or a one-line summary on stdout. Files are read through the
// daemon's filesystem_source; config/ stays pure.
#include "commands.hpp"
#include "feedwire/config/loader.hpp"
#include "feedwire/daemon/config_files.hpp"

#include <iostream>

namespace feedwire::cli {
namespace {}  // namespace

int run_check_config(const check_config_options& options) {
    daemon::filesystem_source files;
    const config::load_result result = config::load_config(options.file, files);
    for (const auto& w : result.warnings)
        std::cerr << feedwire::config::describe(w, "warning: ") << '\n';
    for (const auto& e : result.errors) std::cerr << feedwire::config::describe(e) << '\n';
    if (!result.ok()) return 1;
    const auto& c = result.config;
    std::cout << "ok: " << c.feeds.size() << (c.feeds.size() == 1 ? " feed" : " feeds") << " from "
              << c.files.size() << (c.files.size() == 1 ? " file" : " files") << ", redis "
              << config::describe(c.redis) << '\n';
    return 0;
}

}  // namespace feedwire::cli
