#include "feedwire/daemon/spool.hpp"

#include "fd_io.hpp"
#include "feedwire/daemon/crc32c.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace feedwire::daemon {
namespace {

constexpr std::string_view magic = "FWSPOOL1";
constexpr std::uint64_t frame_bytes = 8;  // length + checksum
// A record is one command: a batch of items of about 1 MiB, or one item
// up to the feed's max_body several times over. Anything above this is a
// corrupt length field, not a record.
constexpr std::uint32_t max_record_bytes = std::uint32_t{1} << 30;

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::uint32_t get_u32(const char* p) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

std::string errno_text(const std::string& what, const std::filesystem::path& path, int err) {
    return what + " " + path.string() + ": " + std::strerror(err);
}

spool_error io_error(const std::string& what, const std::filesystem::path& path, int err) {
    return spool_error{spool_errc::io, errno_text(what, path, err)};
}

bool read_exact(int fd, std::uint64_t offset, char* out, std::size_t n) {
    while (n > 0) {
        const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        out += got;
        n -= static_cast<std::size_t>(got);
        offset += static_cast<std::uint64_t>(got);
    }
    return true;
}

using detail::write_all;

// The checksum covers the length field too, so a torn length is caught.
std::uint32_t record_checksum(std::string_view length_field, std::string_view payload) {
    return crc32c(payload, crc32c(length_field));
}

std::string encode(const spool::argv_type& argv) {
    std::size_t size = 4;
    for (const auto& a : argv) size += 4 + a.size();
    std::string out;
    out.reserve(frame_bytes + size);
    put_u32(out, static_cast<std::uint32_t>(size));
    put_u32(out, 0);  // checksum, below
    put_u32(out, static_cast<std::uint32_t>(argv.size()));
    for (const auto& a : argv) {
        put_u32(out, static_cast<std::uint32_t>(a.size()));
        out += a;
    }
    std::string sum;
    put_u32(sum, record_checksum(std::string_view(out).substr(0, 4),
                                 std::string_view(out).substr(frame_bytes)));
    out.replace(4, 4, sum);
    return out;
}

// Parses a payload; false when its inner sizes do not add up.
bool decode(std::string_view payload, spool::argv_type& argv) {
    argv.clear();
    if (payload.size() < 4) return false;
    const std::uint32_t argc = get_u32(payload.data());
    payload.remove_prefix(4);
    if (argc > payload.size() / 4) return false;
    argv.reserve(argc);
    for (std::uint32_t i = 0; i < argc; ++i) {
        if (payload.size() < 4) return false;
        const std::uint32_t n = get_u32(payload.data());
        payload.remove_prefix(4);
        if (n > payload.size()) return false;
        argv.emplace_back(payload.substr(0, n));
        payload.remove_prefix(n);
    }
    return payload.empty();
}

struct scan_result {
    std::uint64_t good_end = 0;  // offset after the last good record
    std::uint64_t records = 0;
    std::string problem;  // empty when the whole file was good
};

// Checks every record of one segment file.
scan_result scan(int fd, std::uint64_t size) {
    scan_result r;
    char head[magic.size()];
    if (size < magic.size() || !read_exact(fd, 0, head, magic.size()) ||
        std::string_view(head, magic.size()) != magic) {
        r.problem = "no spool header";
        return r;
    }
    r.good_end = magic.size();
    std::string payload;
    spool::argv_type argv;
    std::uint64_t at = r.good_end;
    while (at < size) {
        char frame[frame_bytes];
        if (size - at < frame_bytes || !read_exact(fd, at, frame, frame_bytes)) {
            r.problem = "torn record header at offset " + std::to_string(at);
            return r;
        }
        const std::uint32_t length = get_u32(frame);
        const std::uint32_t sum = get_u32(frame + 4);
        if (length > max_record_bytes || length > size - at - frame_bytes) {
            r.problem = "torn or corrupt record at offset " + std::to_string(at) + " (length " +
                        std::to_string(length) + ", " + std::to_string(size - at - frame_bytes) +
                        " bytes left)";
            return r;
        }
        payload.resize(length);
        if (!read_exact(fd, at + frame_bytes, payload.data(), length)) {
            r.problem = "read error at offset " + std::to_string(at);
            return r;
        }
        if (record_checksum(std::string_view(frame, 4), payload) != sum) {
            r.problem = "checksum mismatch at offset " + std::to_string(at);
            return r;
        }
        if (!decode(payload, argv)) {
            r.problem = "malformed record at offset " + std::to_string(at);
            return r;
        }
        at += frame_bytes + length;
        r.good_end = at;
        ++r.records;
    }
    return r;
}

std::string segment_name(std::uint64_t number) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx.spool", static_cast<unsigned long long>(number));
    return buf;
}

bool parse_segment_name(const std::string& name, std::uint64_t& number) {
    if (name.size() != 16 + 6 || name.substr(16) != ".spool") return false;
    number = 0;
    for (char c : name.substr(0, 16)) {
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else {
            return false;
        }
        number = number * 16 + static_cast<std::uint64_t>(d);
    }
    return true;
}

void sync_dir(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

spool::spool(spool_options options) : options_(std::move(options)) {}

spool::~spool() { close_writer(); }

void spool::close_writer() noexcept {
    if (write_fd_ >= 0) {
        if (dirty_) ::fdatasync(write_fd_);
        ::close(write_fd_);
        write_fd_ = -1;
        dirty_ = false;
    }
}

feeds::result<std::unique_ptr<spool>, spool_error> spool::open(spool_options options,
                                                               std::vector<std::string>& warnings) {
    std::error_code ec;
    std::filesystem::create_directories(options.dir, ec);
    if (ec) {
        return feeds::unexpected(spool_error{
            spool_errc::io,
            "cannot create spool directory " + options.dir.string() + ": " + ec.message()});
    }
    std::unique_ptr<spool> s(new spool(std::move(options)));
    std::vector<std::pair<std::uint64_t, std::filesystem::path>> found;
    for (const auto& entry : std::filesystem::directory_iterator(s->options_.dir, ec)) {
        std::uint64_t number = 0;
        if (entry.is_regular_file() && parse_segment_name(entry.path().filename(), number))
            found.emplace_back(number, entry.path());
    }
    if (ec) {
        return feeds::unexpected(spool_error{
            spool_errc::io,
            "cannot read spool directory " + s->options_.dir.string() + ": " + ec.message()});
    }
    std::sort(found.begin(), found.end());
    for (const auto& [number, path] : found) {
        const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) return feeds::unexpected(io_error("cannot open", path, errno));
        const off_t end = ::lseek(fd, 0, SEEK_END);
        const auto size = end < 0 ? std::uint64_t{0} : static_cast<std::uint64_t>(end);
        scan_result r = scan(fd, size);
        if (!r.problem.empty()) {
            if (r.records == 0) {
                warnings.push_back("spool " + path.string() + ": " + r.problem +
                                   "; no records in it, removed");
                ::close(fd);
                std::filesystem::remove(path, ec);
                continue;
            }
            warnings.push_back("spool " + path.string() + ": " + r.problem + "; kept " +
                               std::to_string(r.records) + " records before it, cut the " +
                               std::to_string(size - r.good_end) + " bytes after");
            if (::ftruncate(fd, static_cast<off_t>(r.good_end)) != 0 || ::fdatasync(fd) != 0) {
                const int err = errno;
                ::close(fd);
                return feeds::unexpected(io_error("cannot cut torn tail of", path, err));
            }
        }
        ::close(fd);
        if (r.records == 0) {  // a header alone: nothing to replay
            std::filesystem::remove(path, ec);
            continue;
        }
        segment seg;
        seg.number = number;
        seg.path = path;
        seg.size = r.good_end;
        seg.records = r.records;
        seg.read_at = magic.size();
        s->stats_.bytes += r.good_end - magic.size();
        s->stats_.records += r.records;
        s->segments_.push_back(std::move(seg));
    }
    s->stats_.segments = s->segments_.size();
    return s;
}

feeds::result<bool, spool_error> spool::start_segment() {
    close_writer();
    const std::uint64_t number = segments_.empty() ? 1 : segments_.back().number + 1;
    segment seg;
    seg.number = number;
    seg.path = options_.dir / segment_name(number);
    seg.read_at = magic.size();
    const int fd =
        ::open(seg.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return feeds::unexpected(io_error("cannot create", seg.path, errno));
    if (!write_all(fd, magic)) {
        const int err = errno;
        ::close(fd);
        std::error_code ec;
        std::filesystem::remove(seg.path, ec);
        return feeds::unexpected(io_error("cannot write", seg.path, err));
    }
    // The new name must survive a crash as well as the records in it.
    ::fdatasync(fd);
    sync_dir(options_.dir);
    seg.size = magic.size();
    write_fd_ = fd;
    segments_.push_back(std::move(seg));
    stats_.segments = segments_.size();
    return true;
}

feeds::result<std::uint64_t, spool_error> spool::append(const argv_type& argv) {
    std::uint64_t payload = 4;
    for (const auto& a : argv) payload += 4 + a.size();
    if (payload > max_record_bytes) {
        return feeds::unexpected(spool_error{
            spool_errc::too_large,
            "spool record of " + std::to_string(payload) + " bytes is above the bound of 1 GiB"});
    }
    const std::uint64_t bytes = frame_bytes + payload;
    if (stats_.bytes + bytes > options_.max_bytes) {
        return feeds::unexpected(
            spool_error{spool_errc::full, "spool " + options_.dir.string() + " is full (" +
                                              std::to_string(stats_.bytes) + " of " +
                                              std::to_string(options_.max_bytes) + " bytes)"});
    }
    // Appends go to the last segment while it is open and small enough;
    // segments found at open are only replayed.
    if (write_fd_ < 0 || segments_.empty() || segments_.back().size >= options_.segment_bytes) {
        auto started = start_segment();
        if (!started) return feeds::unexpected(started.error());
    }
    auto& seg = segments_.back();
    const std::string record = encode(argv);
    if (!write_all(write_fd_, record)) {
        const int err = errno;
        // Leave no partial record behind for the next append to follow.
        if (::ftruncate(write_fd_, static_cast<off_t>(seg.size)) != 0) close_writer();
        return feeds::unexpected(io_error("cannot write", seg.path, err));
    }
    seg.size += record.size();
    ++seg.records;
    stats_.bytes += record.size();
    ++stats_.records;
    ++appended_;
    dirty_ = true;
    if (options_.sync_each_record) {
        auto synced = sync();
        if (!synced) return feeds::unexpected(synced.error());
    }
    return appended_;
}

feeds::result<std::uint64_t, spool_error> spool::sync() {
    if (dirty_ && write_fd_ >= 0) {
        if (::fdatasync(write_fd_) != 0)
            return feeds::unexpected(io_error("cannot sync", segments_.back().path, errno));
        dirty_ = false;
    }
    durable_ = appended_;
    return durable_;
}

feeds::result<std::optional<spool::argv_type>, spool_error> spool::front() {
    if (cached_front_) return std::optional<argv_type>(*cached_front_);
    while (!segments_.empty() && segments_.front().records == 0) {
        // Fully popped but still the write segment: nothing to read.
        if (segments_.size() == 1) return std::optional<argv_type>();
        segments_.pop_front();
    }
    if (segments_.empty()) return std::optional<argv_type>();
    auto& seg = segments_.front();
    const int fd = ::open(seg.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return feeds::unexpected(io_error("cannot open", seg.path, errno));
    char frame[frame_bytes];
    std::string payload;
    bool ok = read_exact(fd, seg.read_at, frame, frame_bytes);
    if (ok) {
        payload.resize(get_u32(frame));
        ok = read_exact(fd, seg.read_at + frame_bytes, payload.data(), payload.size());
    }
    ::close(fd);
    argv_type argv;
    if (!ok || record_checksum(std::string_view(frame, 4), payload) != get_u32(frame + 4) ||
        !decode(payload, argv)) {
        return feeds::unexpected(
            spool_error{spool_errc::io, "spool " + seg.path.string() + ": record at offset " +
                                            std::to_string(seg.read_at) + " changed on disk"});
    }
    cached_front_ = argv;
    cached_front_size_ = frame_bytes + payload.size();
    return std::optional<argv_type>(std::move(argv));
}

void spool::pop_front() {
    if (!cached_front_) {
        auto f = front();
        if (!f || !*f) return;
    }
    auto& seg = segments_.front();
    seg.read_at += cached_front_size_;
    --seg.records;
    stats_.bytes -= cached_front_size_;
    --stats_.records;
    cached_front_.reset();
    cached_front_size_ = 0;
    if (seg.records > 0) return;
    // Used up: the file goes. When it is the one being written, the next
    // append starts a new segment.
    if (segments_.size() == 1 && write_fd_ >= 0) close_writer();
    std::error_code ec;
    std::filesystem::remove(seg.path, ec);
    segments_.pop_front();
    stats_.segments = segments_.size();
}

}  // namespace feedwire::daemon
