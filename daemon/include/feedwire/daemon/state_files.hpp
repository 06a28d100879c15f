// Feed states that could not reach Redis, kept on disk until they do
// (DESIGN.md: "State that cannot reach Redis is kept in the state
// directory and reconciled when Redis returns").
//
// One file per feed in `state_dir/state`, named after the feed id
// (`<id>.state`; bytes outside [A-Za-z0-9._-] as %XX, very long names
// shortened with a digest), holding the feed's hash fields as the Redis
// hash would (feed_state's to_fields). A file is text an operator can read:
//
//   feedwire-state 1\n
//   feed <length> <feed id>\n
//   <field> <length> <value>\n          one line per field; the value is
//   ...                                 <length> raw bytes, newlines and all
//   crc32c <8 hex digits>\n             CRC-32C of everything before this line
//
// A file is written whole or not at all: to a temporary name, fsynced,
// renamed over the old one, then the directory fsynced; so a crash leaves
// the old state or the new one, never half of either. A file that does not
// read back (a disk fault) is reported and removed: the feed then falls
// back to the state in Redis, which costs at most a full fetch, never an
// item (dedup drops what was delivered before).
//
// The fields are plain strings here, so this file knows nothing of
// feed_state; the service converts. Not thread-safe.
#pragma once

#include "feedwire/feeds/result.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace feedwire::daemon {

struct stored_state {
    std::string feed_id;
    std::vector<std::pair<std::string, std::string>> fields;  // as to_fields() gives them

    friend bool operator==(const stored_state&, const stored_state&) = default;
};

struct state_files_error {
    std::string message;  // names the file and the cause
};

// The file's bytes, and back; nullopt + reason when the bytes are not a
// whole, intact state file.
std::string encode_state_file(const stored_state& state);
std::optional<stored_state> decode_state_file(std::string_view bytes, std::string& reason);

// "<id>.state", safe as one file name for any id.
std::string state_file_name(std::string_view feed_id);

class state_files {
public:
    // Creates the directory when missing.
    static feeds::result<std::unique_ptr<state_files>, state_files_error> open(
        std::filesystem::path dir);

    // Every state found, in file name order. Damaged files and temporary
    // files left by a crash are removed, each with a line in `warnings`.
    std::vector<stored_state> load(std::vector<std::string>& warnings);

    // Replaces the feed's file atomically (durable on return).
    feeds::result<bool, state_files_error> write(const stored_state& state);
    // Removes the feed's file; no file is no error.
    feeds::result<bool, state_files_error> remove(std::string_view feed_id);

    std::filesystem::path path_of(std::string_view feed_id) const;
    const std::filesystem::path& dir() const noexcept { return dir_; }

private:
    explicit state_files(std::filesystem::path dir) : dir_(std::move(dir)) {}
    std::filesystem::path dir_;
};

}  // namespace feedwire::daemon
