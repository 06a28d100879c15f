// The entry point: a configuration file name and a file_source in, a
// validated configuration plus every error and warning out. The library
// reads nothing itself; the daemon and the CLI pass a file_source over the
// real filesystem, tests an in-memory one. Relative include and opml paths
// are relative to the directory of the file that names them.
#pragma once

#include "feedwire/config/config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace feedwire::config {

struct file_source {
    virtual ~file_source() = default;
    // The whole file, or nullopt when it cannot be read.
    virtual std::optional<std::string> read(const std::string& path) = 0;
    // Paths matching a shell pattern (*, ?, [...]), sorted; empty if none.
    virtual std::vector<std::string> glob(const std::string& pattern) = 0;
};

struct load_result {
    configuration config;  // meaningful only when ok()
    std::vector<config_error> errors;
    std::vector<config_error> warnings;
    bool ok() const { return errors.empty(); }
};

load_result load_config(const std::string& path, file_source& files);

}  // namespace feedwire::config
