// Hand-written scanners: std::from_chars for the digits, explicit overflow
// checks on every multiply and add, since a wrapped interval would be silent.
#include "feedwire/config/durations.hpp"

#include <charconv>
#include <limits>
#include <string_view>

namespace feedwire::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool checked_mul_add(std::uint64_t& acc, std::uint64_t value, std::uint64_t factor) {
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    if (factor != 0 && value > max / factor) return false;
    const std::uint64_t product = value * factor;
    if (acc > max - product) return false;
    acc += product;
    return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    struct unit {
        std::string_view name;
        std::uint64_t ms;
    };
    // Ordered so "ms" is tried before "m"; rank gives the decreasing order.
    static constexpr unit units[] = {
        {"ms", 1}, {"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}};
    if (text.empty()) return std::nullopt;
    std::uint64_t total = 0;
    std::uint64_t last_unit = std::numeric_limits<std::uint64_t>::max();
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = pos;
        while (end < text.size() && is_digit(text[end])) ++end;
        if (end == pos) return std::nullopt;
        std::uint64_t value = 0;
        const auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + end, value);
        if (ec != std::errc{} || ptr != text.data() + end) return std::nullopt;
        const std::string_view rest = text.substr(end);
        const unit* found = nullptr;
        for (const unit& u : units) {
            if (rest.substr(0, u.name.size()) == u.name) {
                found = &u;
                break;
            }
        }
        if (found == nullptr || found->ms >= last_unit) return std::nullopt;
        if (!checked_mul_add(total, value, found->ms)) return std::nullopt;
        last_unit = found->ms;
        pos = end + found->name.size();
    }
    if (total > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    return std::chrono::milliseconds{static_cast<std::int64_t>(total)};
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    struct unit {
        std::string_view name;
        std::uint64_t bytes;
    };
    static constexpr unit units[] = {
        {"", 1},
        {"B", 1},
        {"KB", 1000},
        {"MB", 1000 * 1000},
        {"GB", 1000 * 1000 * 1000},
        {"KiB", 1024},
        {"MiB", 1024 * 1024},
        {"GiB", 1024 * 1024 * 1024},
    };
    std::size_t end = 0;
    while (end < text.size() && is_digit(text[end])) ++end;
    if (end == 0) return std::nullopt;
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, value);
    if (ec != std::errc{} || ptr != text.data() + end) return std::nullopt;
    const std::string_view suffix = text.substr(end);
    for (const unit& u : units) {
        if (suffix == u.name) {
            std::uint64_t total = 0;
            if (!checked_mul_add(total, value, u.bytes)) return std::nullopt;
            return total;
        }
    }
    return std::nullopt;
}

}  // namespace feedwire::config
