// An in-memory file_source for the config tests: files are a map, globs
// match with fnmatch(3) like the shell, and every read is counted.
#pragma once

#include "feedwire/config/loader.hpp"

#include <map>
#include <string>

#include <fnmatch.h>

namespace feedwire::config::testing {

class fake_files final : public file_source {
public:
    std::map<std::string, std::string> files;

    std::optional<std::string> read(const std::string& path) override {
        const auto it = files.find(path);
        if (it == files.end()) return std::nullopt;
        return it->second;
    }

    std::vector<std::string> glob(const std::string& pattern) override {
        std::vector<std::string> out;
        for (const auto& [path, text] : files) {
            if (::fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0) out.push_back(path);
        }
        return out;
    }
};

}  // namespace feedwire::config::testing
