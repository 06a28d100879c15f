// The configuration library reads files only through a file_source; this is
// the one over the real filesystem, shared by feedwired and the feedwire CLI.
#pragma once

#include "feedwire/config/loader.hpp"

namespace feedwire::daemon {

class filesystem_source final : public config::file_source {
public:
    std::optional<std::string> read(const std::string& path) override;
    std::vector<std::string> glob(const std::string& pattern) override;
};

}  // namespace feedwire::daemon
