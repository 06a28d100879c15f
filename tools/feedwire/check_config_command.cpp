// `feedwire check-config FILE`: loads a configuration through the real
// filesystem and prints every problem as "FILE:LINE: key: message" on
// stderr, or a one-line summary on stdout. The filesystem access lives here,
// not in config/, which stays pure.
#include "commands.hpp"
#include "feedwire/config/loader.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

#include <glob.h>

namespace feedwire::cli {
namespace {

class filesystem_source final : public config::file_source {
public:
    std::optional<std::string> read(const std::string& path) override {
        std::ifstream in(path, std::ios::binary);
        if (!in) return std::nullopt;
        std::string bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
        if (in.bad()) return std::nullopt;
        return bytes;
    }

    std::vector<std::string> glob(const std::string& pattern) override {
        std::vector<std::string> out;
        glob_t matches{};
        // glob(3) sorts its results, so feeds load in a stable order.
        if (::glob(pattern.c_str(), 0, nullptr, &matches) == 0) {
            for (std::size_t i = 0; i < matches.gl_pathc; ++i)
                out.emplace_back(matches.gl_pathv[i]);
        }
        globfree(&matches);
        return out;
    }
};

void print(const config::config_error& e, const char* severity) {
    std::cerr << e.file;
    if (e.line > 0) std::cerr << ':' << e.line;
    std::cerr << ": ";
    if (!e.key.empty()) std::cerr << e.key << ": ";
    std::cerr << severity << e.message << '\n';
}

}  // namespace

int run_check_config(const check_config_options& options) {
    filesystem_source files;
    const config::load_result result = config::load_config(options.file, files);
    for (const auto& w : result.warnings) print(w, "warning: ");
    for (const auto& e : result.errors) print(e, "");
    if (!result.ok()) return 1;
    const auto& c = result.config;
    std::cout << "ok: " << c.feeds.size() << (c.feeds.size() == 1 ? " feed" : " feeds") << " from "
              << c.files.size() << (c.files.size() == 1 ? " file" : " files") << ", redis "
              << config::describe(c.redis) << '\n';
    return 0;
}

}  // namespace feedwire::cli
