// The disk spool: where delivery commands wait while Redis is away, so
// that nothing fetched is lost when the daemon stops before Redis returns.
//
// A directory of append-only segment files (`<16 hex digits>.spool`, in
// order), each starting with the 8 bytes "FWSPOOL1" and holding records:
//
//   u32 length (little-endian) | u32 CRC-32C of the length and payload | payload
//   payload: u32 argc, then per argument u32 size and its bytes
//
// A record is one command (the argv of an FCALL of the delivery function),
// replayed as it was written: the function makes replaying a record that
// already reached Redis harmless, so a crash between sending a record and
// removing it costs nothing but a repeat.
//
// Writes go to the last segment until it passes `segment_bytes`. They are
// durable once `sync()` (fdatasync) has run after them: the owner calls it
// on a timer (batched, 1 s by default) or after every record
// (`sync_each_record`); `durable()` says how far that got, and a feed's
// state must not advance past items that are not durable yet.
//
// At open every segment is read and every record checked. A torn or
// corrupt record (a power loss during a write, a bad sector) ends its
// segment: what follows it cannot be framed any more. The records before
// it are kept, the file is cut there, and a warning names the file, the
// offset and the cause.
//
// Replay reads records oldest first (`front`, `pop_front`); a segment is
// deleted as soon as its last record has been popped.
#pragma once

#include "feedwire/feeds/result.hpp"

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace feedwire::daemon {

struct spool_options {
    std::filesystem::path dir;
    std::uint64_t max_bytes = std::uint64_t{1} << 30;       // 1 GiB of records waiting
    std::uint64_t segment_bytes = std::uint64_t{16} << 20;  // start a new file past this
    bool sync_each_record = false;
};

enum class spool_errc {
    full,      // max_bytes reached: the caller must not advance the feed's state
    io,        // the disk refused (the message has errno's text)
    too_large  // one record above the format's bound
};

struct spool_error {
    spool_errc code = spool_errc::io;
    std::string message;
};

struct spool_stats {
    std::uint64_t bytes = 0;    // of records waiting, framing included
    std::uint64_t records = 0;  // waiting
    std::uint64_t segments = 0;
};

class spool {
public:
    using argv_type = std::vector<std::string>;

    // Opens the directory (creating it), checks every segment, cuts torn
    // tails. Each repair adds a line to `warnings`.
    static feeds::result<std::unique_ptr<spool>, spool_error> open(
        spool_options options, std::vector<std::string>& warnings);

    ~spool();
    spool(const spool&) = delete;
    spool& operator=(const spool&) = delete;

    // Appends one record; returns its sequence number (1, 2, ... in this
    // process). With sync_each_record it is durable on return.
    feeds::result<std::uint64_t, spool_error> append(const argv_type& argv);

    // Makes every appended record durable. Returns durable().
    feeds::result<std::uint64_t, spool_error> sync();

    std::uint64_t appended() const noexcept { return appended_; }  // last sequence number
    std::uint64_t durable() const noexcept { return durable_; }    // last one on disk

    // The oldest record waiting, if any (records found at open first).
    feeds::result<std::optional<argv_type>, spool_error> front();
    // Removes the oldest record; deletes its segment when it was the last.
    void pop_front();

    bool empty() const noexcept { return stats_.records == 0; }
    spool_stats stats() const noexcept { return stats_; }
    const std::filesystem::path& dir() const noexcept { return options_.dir; }

private:
    struct segment {
        std::uint64_t number = 0;
        std::filesystem::path path;
        std::uint64_t size = 0;     // bytes in the file (header included)
        std::uint64_t records = 0;  // not yet popped
        std::uint64_t read_at = 0;  // offset of the next record to pop
    };

    explicit spool(spool_options options);
    feeds::result<bool, spool_error> start_segment();
    void close_writer() noexcept;

    spool_options options_;
    std::deque<segment> segments_;
    int write_fd_ = -1;  // the last segment's, when open for appends
    bool dirty_ = false;
    std::uint64_t appended_ = 0;
    std::uint64_t durable_ = 0;
    spool_stats stats_;
    std::optional<argv_type> cached_front_;
    std::uint64_t cached_front_size_ = 0;
};

}  // namespace feedwire::daemon
