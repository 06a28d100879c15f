// Reads configuration files and expands include/opml globs with glob(3),
// which sorts its matches, so feeds load in a stable order.
#include "feedwire/daemon/config_files.hpp"

#include <fstream>
#include <iterator>

#include <glob.h>

namespace feedwire::daemon {

std::optional<std::string> filesystem_source::read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
    if (in.bad()) return std::nullopt;
    return bytes;
}

std::vector<std::string> filesystem_source::glob(const std::string& pattern) {
    std::vector<std::string> out;
    glob_t matches{};
    if (::glob(pattern.c_str(), 0, nullptr, &matches) == 0) {
        for (std::size_t i = 0; i < matches.gl_pathc; ++i) out.emplace_back(matches.gl_pathv[i]);
    }
    globfree(&matches);
    return out;
}

}  // namespace feedwire::daemon
