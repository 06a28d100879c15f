// state_files: one small file per feed whose state waits for Redis. The
// format and its guarantees are in state_files.hpp; here, the encoding and
// the POSIX calls (write a temporary file, fsync, rename, fsync the
// directory) that make a write all or nothing.
#include "feedwire/daemon/state_files.hpp"

#include "fd_io.hpp"
#include "feedwire/daemon/crc32c.hpp"
#include "feedwire/feeds/fingerprint.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace feedwire::daemon {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view header = "feedwire-state 1\n";
constexpr std::string_view extension = ".state";
constexpr std::string_view temp_suffix = ".tmp";
// Far above any real state (a few hundred bytes); a bigger file is not ours.
constexpr std::uintmax_t max_file_bytes = std::uintmax_t{1} << 20;
// Encoded ids longer than this are shortened: NAME_MAX is 255 bytes.
constexpr std::size_t max_name_stem = 180;

state_files_error io_error(const std::string& what, const fs::path& path, int err) {
    return state_files_error{what + " " + path.string() + ": " + std::strerror(err)};
}

void put_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.push_back(' ');
    out.append(std::to_string(value.size()));
    out.push_back(' ');
    out.append(value);
    out.push_back('\n');
}

// Reads "<name> <length> <value>\n" from the front of `in`.
bool take_field(std::string_view& in, std::string_view& name, std::string_view& value) {
    const auto space = in.find(' ');
    if (space == std::string_view::npos || space == 0) return false;
    name = in.substr(0, space);
    in.remove_prefix(space + 1);
    std::size_t length = 0;
    const auto [end, ec] = std::from_chars(in.data(), in.data() + in.size(), length);
    if (ec != std::errc{} || end == in.data() || end == in.data() + in.size() || *end != ' ')
        return false;
    in.remove_prefix(static_cast<std::size_t>(end - in.data()) + 1);
    if (length >= in.size() || in[length] != '\n') return false;
    value = in.substr(0, length);
    in.remove_prefix(length + 1);
    return true;
}

std::string hex32(std::uint32_t v) {
    std::array<char, 9> buf{};
    std::snprintf(buf.data(), buf.size(), "%08x", v);
    return std::string(buf.data(), 8);
}

using detail::write_all;

bool read_file(const fs::path& path, std::string& out, std::string& reason) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) {
        reason = ec.message();
        return false;
    }
    if (size > max_file_bytes) {
        reason = "larger than " + std::to_string(max_file_bytes) + " bytes";
        return false;
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        reason = std::strerror(errno);
        return false;
    }
    out.clear();
    std::array<char, 4096> buf{};
    for (;;) {
        const ssize_t got = ::read(fd, buf.data(), buf.size());
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            reason = std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (got == 0) break;
        out.append(buf.data(), static_cast<std::size_t>(got));
        if (out.size() > max_file_bytes) {
            reason = "larger than " + std::to_string(max_file_bytes) + " bytes";
            ::close(fd);
            return false;
        }
    }
    ::close(fd);
    return true;
}

bool sync_dir(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string encode_state_file(const stored_state& state) {
    std::string out(header);
    put_field(out, "feed", state.feed_id);
    for (const auto& [name, value] : state.fields) put_field(out, name, value);
    const std::uint32_t sum = crc32c(out);
    out += "crc32c " + hex32(sum) + "\n";
    return out;
}

std::optional<stored_state> decode_state_file(std::string_view bytes, std::string& reason) {
    // The checksum line ends the file: "crc32c " + 8 hex digits + "\n".
    constexpr std::size_t trailer = 7 + 8 + 1;
    if (bytes.substr(0, header.size()) != header) {
        reason = "not a feedwire state file (no \"feedwire-state 1\" header)";
        return std::nullopt;
    }
    if (bytes.size() < header.size() + trailer || bytes.back() != '\n' ||
        bytes.substr(bytes.size() - trailer, 7) != "crc32c ") {
        reason = "cut short (no checksum line at its end)";
        return std::nullopt;
    }
    const std::string_view body = bytes.substr(0, bytes.size() - trailer);
    const std::string_view stated = bytes.substr(bytes.size() - trailer + 7, 8);
    if (hex32(crc32c(body)) != stated) {
        reason = "checksum mismatch";
        return std::nullopt;
    }
    std::string_view rest = body.substr(header.size());
    stored_state out;
    std::string_view name;
    std::string_view value;
    if (!take_field(rest, name, value) || name != "feed" || value.empty()) {
        reason = "no feed id";
        return std::nullopt;
    }
    out.feed_id = std::string(value);
    while (!rest.empty()) {
        if (!take_field(rest, name, value)) {
            reason = "malformed field line";
            return std::nullopt;
        }
        out.fields.emplace_back(std::string(name), std::string(value));
    }
    return out;
}

std::string state_file_name(std::string_view feed_id) {
    std::string stem;
    for (const char c : feed_id) {
        const auto u = static_cast<unsigned char>(c);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (plain) {
            stem.push_back(c);
        } else {
            std::array<char, 4> buf{};
            std::snprintf(buf.data(), buf.size(), "%%%02X", u);
            stem.append(buf.data(), 3);
        }
    }
    // An id no longer than a file name may be shortened; the digest keeps
    // two such ids apart (the file also names its feed inside).
    if (stem.size() > max_name_stem)
        stem = stem.substr(0, max_name_stem - 33) + "~" + feeds::sha256_hex(feed_id, 16);
    return stem + std::string(extension);
}

feeds::result<std::unique_ptr<state_files>, state_files_error> state_files::open(fs::path dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return feeds::unexpected(state_files_error{"cannot create state directory " + dir.string() +
                                                   ": " + ec.message()});
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        return feeds::unexpected(io_error("cannot write to state directory", dir, errno));
    return std::unique_ptr<state_files>(new state_files(std::move(dir)));
}

std::vector<stored_state> state_files::load(std::vector<std::string>& warnings) {
    std::vector<fs::path> paths;
    std::error_code list_error;
    fs::directory_iterator it(dir_, list_error);
    for (; !list_error && it != fs::directory_iterator(); it.increment(list_error)) {
        const fs::path& path = it->path();
        const std::string name = path.filename().string();
        std::error_code ec;
        if (ends_with(name, std::string(extension) + std::string(temp_suffix))) {
            // A write that a crash interrupted: the file it was to replace
            // (if any) is whole.
            warnings.push_back("state " + path.string() +
                               ": left by an interrupted write, removed");
            fs::remove(path, ec);
            continue;
        }
        if (ends_with(name, extension) && it->is_regular_file(ec)) paths.push_back(path);
    }
    if (list_error)
        warnings.push_back("state " + dir_.string() + ": cannot list: " + list_error.message());
    std::sort(paths.begin(), paths.end());
    std::error_code ec;
    std::vector<stored_state> out;
    for (const auto& path : paths) {
        std::string bytes;
        std::string reason;
        std::optional<stored_state> state;
        if (read_file(path, bytes, reason)) state = decode_state_file(bytes, reason);
        if (!state) {
            warnings.push_back("state " + path.string() + ": " + reason +
                               "; removed (the feed uses its state in Redis)");
            fs::remove(path, ec);
            continue;
        }
        out.push_back(std::move(*state));
    }
    return out;
}

fs::path state_files::path_of(std::string_view feed_id) const {
    return dir_ / state_file_name(feed_id);
}

feeds::result<bool, state_files_error> state_files::write(const stored_state& state) {
    const fs::path path = path_of(state.feed_id);
    fs::path temp = path;
    temp += std::string(temp_suffix);
    const std::string bytes = encode_state_file(state);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return feeds::unexpected(io_error("cannot create", temp, errno));
    if (!write_all(fd, bytes) || ::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        std::error_code ec;
        fs::remove(temp, ec);
        return feeds::unexpected(io_error("cannot write", temp, err));
    }
    if (::close(fd) != 0) {
        const int err = errno;
        std::error_code ec;
        fs::remove(temp, ec);
        return feeds::unexpected(io_error("cannot write", temp, err));
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::error_code ec;
        fs::remove(temp, ec);
        return feeds::unexpected(io_error("cannot rename into", path, err));
    }
    // The new name must survive a crash as well as the bytes under it.
    if (!sync_dir(dir_)) return feeds::unexpected(io_error("cannot sync", dir_, errno));
    return true;
}

feeds::result<bool, state_files_error> state_files::remove(std::string_view feed_id) {
    const fs::path path = path_of(feed_id);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return feeds::unexpected(io_error("cannot remove", path, errno));
    // No directory sync: a removal lost in a crash brings back a file
    // whose state Redis already holds (or a newer one), and the next start
    // drops it after comparing the two.
    return true;
}

}  // namespace feedwire::daemon
