// See dates.hpp. Three hand-written scanners, one per family: RFC 822 and
// everything feeds wrote while aiming at it (asctime, RFC 850, Perforce,
// Greek names, European "22.11.2019"), ISO 8601 / RFC 3339 / W3CDTF (with
// Hungarian month names and RFC 9557 suffixes),
// and the two Korean forms feedparser knows. Each walks a string_view once
// and fills one `fields` record; `to_utc` is the only place that checks the
// calendar, so "never guess" is enforced once. Parsing never allocates. Named
// zones are a fixed table of offsets, since g++ 12 ships no tz database.
#include "feedwire/feeds/dates.hpp"

#include <array>
#include <cstddef>

namespace feedwire::feeds {
namespace {

namespace chr = std::chrono;
using std::string_view;

// RFC 3339 5.6 writes four-digit years; a feed date outside this range is
// junk (year 0100, a 1-digit typo) rather than history.
constexpr int k_min_year = 1000;
constexpr int k_max_year = 9999;

constexpr int k_kst_minutes = 9 * 60;

struct fields {
    int year = 0;
    int month = 1;
    int day = 1;
    int ordinal = 0;  // day of the year, for ISO 8601 ordinal dates (YYYY-DDD)
    int hour = 0;
    int minute = 0;
    int second = 0;
    int offset_minutes = 0;  // east of UTC
};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_ascii_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// Names may be UTF-8 (Greek, Hungarian, Korean): any byte >= 0x80 joins a word.
bool is_word_byte(char c) noexcept {
    return is_ascii_alpha(c) || static_cast<unsigned char>(c) >= 0x80;
}
bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// `name` is stored lower-case; only ASCII letters of `text` are folded.
bool iequals(string_view text, string_view name) noexcept {
    if (text.size() != name.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (lower(text[i]) != name[i]) return false;
    }
    return true;
}

string_view trim(string_view s) noexcept {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

class scanner {
public:
    explicit scanner(string_view s) noexcept : s_(s) {}

    bool at_end() const noexcept { return i_ >= s_.size(); }
    std::size_t pos() const noexcept { return i_; }
    void reset(std::size_t pos) noexcept { i_ = pos; }
    void advance() noexcept {
        if (!at_end()) ++i_;
    }
    char peek(std::size_t ahead = 0) const noexcept {
        return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0';
    }
    bool eat(char c) noexcept {
        if (at_end() || s_[i_] != c) return false;
        ++i_;
        return true;
    }
    std::size_t skip_spaces() noexcept {
        const std::size_t start = i_;
        while (!at_end() && is_space(s_[i_])) ++i_;
        return i_ - start;
    }
    std::size_t digits_ahead() const noexcept {
        std::size_t n = 0;
        while (i_ + n < s_.size() && is_digit(s_[i_ + n])) ++n;
        return n;
    }
    void skip_digits() noexcept { i_ += digits_ahead(); }
    // The whole digit run must be min..max long (max <= 9), so a long run is
    // refused before it is converted and can never overflow.
    bool number(std::size_t min, std::size_t max, int& out) noexcept {
        const std::size_t n = digits_ahead();
        if (n < min || n > max) return false;
        out = 0;
        for (std::size_t k = 0; k < n; ++k) out = out * 10 + (s_[i_ + k] - '0');
        i_ += n;
        return true;
    }
    // Exactly n digits (n <= 9) from the start of a longer run, for ISO 8601
    // basic format ("20191122") once the caller has checked the run's length.
    bool fixed(std::size_t n, int& out) noexcept {
        if (digits_ahead() < n) return false;
        out = 0;
        for (std::size_t k = 0; k < n; ++k) out = out * 10 + (s_[i_ + k] - '0');
        i_ += n;
        return true;
    }
    string_view word() noexcept {
        const std::size_t start = i_;
        while (!at_end() && is_word_byte(s_[i_])) ++i_;
        return s_.substr(start, i_ - start);
    }
    string_view letters() noexcept {
        const std::size_t start = i_;
        while (!at_end() && is_ascii_alpha(s_[i_])) ++i_;
        return s_.substr(start, i_ - start);
    }

private:
    string_view s_;
    std::size_t i_ = 0;
};

struct named {
    string_view name;
    int value;
};

template <std::size_t N>
bool lookup(const std::array<named, N>& table, string_view name, int& value) noexcept {
    for (const named& n : table) {
        if (iequals(name, n.name)) {
            value = n.value;
            return true;
        }
    }
    return false;
}

// English (full, abbreviated, "Sept"), then the Greek abbreviations and
// Hungarian names of feedparser's _greek_months and _hungarian_months,
// including its misspellings ("Μάώ", "februári", "máujus"), which came from
// real feeds, plus the correct spellings.
constexpr std::array k_months{
    named{"jan", 1},       named{"feb", 2},        named{"mar", 3},       named{"apr", 4},
    named{"may", 5},       named{"jun", 6},        named{"jul", 7},       named{"aug", 8},
    named{"sep", 9},       named{"oct", 10},       named{"nov", 11},      named{"dec", 12},
    named{"january", 1},   named{"february", 2},   named{"march", 3},     named{"april", 4},
    named{"june", 6},      named{"july", 7},       named{"august", 8},    named{"september", 9},
    named{"october", 10},  named{"november", 11},  named{"december", 12}, named{"sept", 9},
    named{"Ιαν", 1},       named{"Φεβ", 2},        named{"Μάώ", 3},       named{"Μαώ", 3},
    named{"Μάρ", 3},       named{"Μαρ", 3},        named{"Απρ", 4},       named{"Μάι", 5},
    named{"Μαϊ", 5},       named{"Μαι", 5},        named{"Ιούν", 6},      named{"Ιουν", 6},
    named{"Ιον", 6},       named{"Ιούλ", 7},       named{"Ιουλ", 7},      named{"Ιολ", 7},
    named{"Αύγ", 8},       named{"Αυγ", 8},        named{"Σεπ", 9},       named{"Οκτ", 10},
    named{"Νοέ", 11},      named{"Νοε", 11},       named{"Δεκ", 12},      named{"január", 1},
    named{"február", 2},   named{"februári", 2},   named{"március", 3},   named{"április", 4},
    named{"május", 5},     named{"máujus", 5},     named{"június", 6},    named{"július", 7},
    named{"augusztus", 8}, named{"szeptember", 9}, named{"október", 10},
};

constexpr std::array k_weekdays{
    named{"mon", 1},      named{"tue", 2},       named{"wed", 3},      named{"thu", 4},
    named{"fri", 5},      named{"sat", 6},       named{"sun", 7},      named{"monday", 1},
    named{"tuesday", 2},  named{"wednesday", 3}, named{"thursday", 4}, named{"friday", 5},
    named{"saturday", 6}, named{"sunday", 7},    named{"tues", 2},     named{"thur", 4},
    named{"thurs", 4},    named{"Δευ", 1},       named{"Τρι", 2},      named{"Τετ", 3},
    named{"Πεμ", 4},      named{"Παρ", 5},       named{"Σαβ", 6},      named{"Κυρ", 7},
};

// Standard offsets in minutes east of UTC. RFC 822 5.1 names the US zones
// and UT/GMT/Z; the generic AT/ET/CT/MT/PT (standard time) and MET/MEST
// follow feedparser; the rest are the abbreviations feeds actually use.
// Ambiguous abbreviations take their North American or most common
// meaning: CST is US Central, IST is India (+05:30), AST is Atlantic, BST
// is British Summer Time.
constexpr std::array k_zones{
    named{"ut", 0},      named{"utc", 0},     named{"gmt", 0},     named{"z", 0},
    named{"wet", 0},     named{"west", 60},   named{"bst", 60},    named{"ist", 330},
    named{"cet", 60},    named{"cest", 120},  named{"met", 60},    named{"mest", 120},
    named{"mez", 60},    named{"mesz", 120},  named{"eet", 120},   named{"eest", 180},
    named{"msk", 180},   named{"msd", 240},   named{"wat", 60},    named{"cat", 120},
    named{"eat", 180},   named{"sast", 120},  named{"pkt", 300},   named{"ict", 420},
    named{"wib", 420},   named{"hkt", 480},   named{"sgt", 480},   named{"awst", 480},
    named{"jst", 540},   named{"kst", 540},   named{"acst", 570},  named{"acdt", 630},
    named{"aest", 600},  named{"aedt", 660},  named{"nzst", 720},  named{"nzdt", 780},
    named{"nst", -210},  named{"ndt", -150},  named{"ast", -240},  named{"adt", -180},
    named{"at", -240},   named{"est", -300},  named{"edt", -240},  named{"et", -300},
    named{"cst", -360},  named{"cdt", -300},  named{"ct", -360},   named{"mst", -420},
    named{"mdt", -360},  named{"mt", -420},   named{"pst", -480},  named{"pdt", -420},
    named{"pt", -480},   named{"akst", -540}, named{"akdt", -480}, named{"hst", -600},
    named{"hast", -600}, named{"hadt", -540},
};

bool month_name(scanner& sc, int& month) noexcept {
    if (!lookup(k_months, sc.word(), month)) return false;
    sc.eat('.');  // "Nov. 22"
    return true;
}

int expand_two_digit_year(int yy) noexcept { return yy < 50 ? 2000 + yy : 1900 + yy; }

// RFC 2822 4.3: two-digit years below 50 are 20xx, others 19xx; three-digit
// years add 1900.
bool year(scanner& sc, int& out) noexcept {
    const std::size_t n = sc.digits_ahead();
    if (!sc.number(2, 4, out)) return false;
    if (n == 2) out = expand_two_digit_year(out);
    if (n == 3) out += 1900;
    return true;
}

// "+0300", "-08:00", "+03", and "+3" as in "GMT+3".
bool numeric_offset(scanner& sc, int& offset) noexcept {
    const char sign = sc.peek();
    if (!sc.eat('+') && !sc.eat('-')) return false;
    int hours = 0;
    int minutes = 0;
    if (sc.digits_ahead() == 4) {
        if (!sc.fixed(2, hours) || !sc.fixed(2, minutes)) return false;
    } else {
        if (!sc.number(1, 2, hours)) return false;
        if (sc.eat(':') && !sc.number(2, 2, minutes)) return false;
    }
    // RFC 3339 5.6 time-numoffset: hours 00-23, minutes 00-59.
    if (hours > 23 || minutes > 59) return false;
    offset = (sign == '-' ? -1 : 1) * (hours * 60 + minutes);
    return true;
}

bool starts_zone(char c) noexcept { return c == '+' || c == '-' || is_ascii_alpha(c); }

bool zone(scanner& sc, int& offset) noexcept {
    if (sc.peek() == '+' || sc.peek() == '-') return numeric_offset(sc, offset);
    string_view name = sc.letters();
    // tzdata's "Etc/GMT+3" is POSIX-signed: three hours west (tzdata file
    // `etcetera`). A bare "GMT+3" in a feed means three hours east.
    const bool is_etc = iequals(name, "etc") && sc.eat('/');
    if (is_etc) name = sc.letters();
    if (iequals(name, "gmt") || iequals(name, "utc") || iequals(name, "ut")) {
        if (sc.peek() != '+' && sc.peek() != '-') {
            offset = 0;
            return true;
        }
        if (!numeric_offset(sc, offset)) return false;
        if (is_etc) offset = -offset;
        return true;
    }
    if (is_etc) return false;
    if (name.size() == 1) {
        // RFC 822 5.1 military zones with RFC 822's signs, as feedparser
        // reads them: A-I = -1..-9, K-M = -10..-12 (no J), N-Y = +1..+12.
        // RFC 1123 5.2.14 notes the signs were the reverse of military use.
        const char c = lower(name[0]);
        if (c == 'z') {
            offset = 0;
        } else if (c >= 'n' && c <= 'y') {
            offset = (c - 'n' + 1) * 60;
        } else if (c >= 'a' && c <= 'm' && c != 'j') {
            offset = -(c - 'a' + (c < 'j' ? 1 : 0)) * 60;
        } else {
            return false;
        }
        return true;
    }
    return lookup(k_zones, name, offset);
}

// RFC 5322 3.2.2: a comment is parenthesized, may nest and may quote
// characters with a backslash. "+0000 (Coordinated Universal Time)".
bool comment(scanner& sc) noexcept {
    if (!sc.eat('(')) return false;
    int depth = 1;
    while (!sc.at_end()) {
        const char c = sc.peek();
        sc.advance();
        if (c == '\\') {
            if (sc.at_end()) return false;
            sc.advance();
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && --depth == 0) {
            return true;
        }
    }
    return false;
}

bool am_pm(scanner& sc, fields& f) noexcept {
    const std::size_t start = sc.pos();
    sc.skip_spaces();
    const string_view w = sc.letters();
    const bool am = iequals(w, "am");
    if (!am && !iequals(w, "pm")) {
        sc.reset(start);
        return true;
    }
    if (f.hour < 1 || f.hour > 12) return false;
    f.hour = (f.hour % 12) + (am ? 0 : 12);
    return true;
}

// "19:48:21", "19:48", and the one-digit fields feedparser accepts
// ("9:5:3"); a fourth field ("1:2:3:4") is refused.
bool rfc822_clock(scanner& sc, fields& f) noexcept {
    if (!sc.number(1, 2, f.hour) || !sc.eat(':') || !sc.number(1, 2, f.minute)) return false;
    if (sc.eat(':')) {
        if (!sc.number(1, 2, f.second)) return false;
        if (sc.peek() == '.' && is_digit(sc.peek(1))) {
            sc.eat('.');
            sc.skip_digits();
        }
    }
    if (sc.peek() == ':') return false;
    return am_pm(sc, f);
}

// Perforce and friends: "2006/09/15", "2019-11-22" (same separator twice).
bool numeric_date(scanner& sc, fields& f) noexcept {
    if (!sc.number(4, 4, f.year)) return false;
    const char sep = sc.peek();
    if (!sc.eat('/') && !sc.eat('-')) return false;
    return sc.number(1, 2, f.month) && sc.eat(sep) && sc.number(1, 2, f.day);
}

std::optional<chr::sys_seconds> to_utc(const fields& f) noexcept {
    if (f.year < k_min_year || f.year > k_max_year) return std::nullopt;
    const chr::year y{f.year};
    chr::sys_days day;
    if (f.ordinal != 0) {
        if (f.ordinal > (y.is_leap() ? 366 : 365)) return std::nullopt;
        day = chr::sys_days{y / chr::January / 1} + chr::days{f.ordinal - 1};
    } else {
        if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31) return std::nullopt;
        const chr::year_month_day ymd{y, chr::month{static_cast<unsigned>(f.month)},
                                      chr::day{static_cast<unsigned>(f.day)}};
        if (!ymd.ok()) return std::nullopt;
        day = ymd;
    }
    // Hour 24 is refused (RFC 3339 5.7 allows only 00-23); second 60 is a
    // leap second (RFC 3339 5.7) and sys_seconds has no room for it, so it
    // becomes 59.
    if (f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
    const int second = f.second == 60 ? 59 : f.second;
    const chr::sys_seconds t = day + chr::hours{f.hour} + chr::minutes{f.minute} +
                               chr::seconds{second} - chr::minutes{f.offset_minutes};
    const int out_year = static_cast<int>(chr::year_month_day{chr::floor<chr::days>(t)}.year());
    if (out_year < k_min_year || out_year > k_max_year) return std::nullopt;
    return t;
}

// RFC 822 5.1 / RFC 1123 5.2.14 / RFC 2822 3.3 and the variants found in
// feeds: optional (and often wrong) weekday, day-month-year, month-day-year,
// asctime's "Jan  4 16:29:06 [zone] 2004", RFC 850's "06-Nov-94",
// Perforce's "2006/09/15", European "22.11.2019", optional seconds, AM/PM, any zone, a trailing
// comment, and no zone meaning UTC.
std::optional<chr::sys_seconds> parse_rfc822(string_view text) noexcept {
    scanner sc{trim(text)};
    fields f;
    // The weekday carries nothing we trust, so it is skipped unchecked.
    const std::size_t start = sc.pos();
    int ignored = 0;
    if (lookup(k_weekdays, sc.word(), ignored)) {
        sc.eat('.');
        sc.skip_spaces();
        if (sc.eat(',')) sc.skip_spaces();
    } else {
        sc.reset(start);
    }

    bool time_before_year = false;
    if (is_digit(sc.peek())) {
        if (sc.digits_ahead() == 4 && (sc.peek(4) == '/' || sc.peek(4) == '-')) {
            if (!numeric_date(sc, f)) return std::nullopt;
        } else if (sc.digits_ahead() <= 2 && sc.peek(sc.digits_ahead()) == '.' &&
                   is_digit(sc.peek(sc.digits_ahead() + 1))) {
            // "22.11.2019": day, month, four-digit year with dots, as
            // Russian, German and other European feeds write dates. The
            // dots make the order unambiguous; a two-digit year does not.
            if (!sc.number(1, 2, f.day) || !sc.eat('.') || !sc.number(1, 2, f.month) ||
                !sc.eat('.') || !sc.number(4, 4, f.year)) {
                return std::nullopt;
            }
        } else {
            if (!sc.number(1, 2, f.day)) return std::nullopt;
            const bool dashed = sc.eat('-');
            if (!dashed) sc.skip_spaces();
            if (!month_name(sc, f.month)) return std::nullopt;
            if (dashed) {
                if (!sc.eat('-')) return std::nullopt;
            } else {
                const std::size_t gap = sc.skip_spaces();
                if (sc.eat(',')) {
                    sc.skip_spaces();
                } else if (gap == 0) {
                    return std::nullopt;
                }
            }
            if (!year(sc, f.year)) return std::nullopt;
        }
    } else {
        if (!month_name(sc, f.month)) return std::nullopt;
        sc.skip_spaces();
        if (!sc.number(1, 2, f.day)) return std::nullopt;
        const bool comma = sc.eat(',');
        if (sc.skip_spaces() == 0 && !comma) return std::nullopt;
        if (sc.peek(sc.digits_ahead()) == ':') {
            time_before_year = true;
        } else if (!year(sc, f.year)) {
            return std::nullopt;
        }
    }

    sc.skip_spaces();
    bool has_time = false;
    if (time_before_year || is_digit(sc.peek())) {
        if (!rfc822_clock(sc, f)) return std::nullopt;
        has_time = true;
        sc.skip_spaces();
    }
    // A zone only follows a time: "2013-01-27-01" is not midnight at -01:00.
    if (has_time && starts_zone(sc.peek())) {
        const bool is_numeric = !is_ascii_alpha(sc.peek());
        if (!zone(sc, f.offset_minutes)) return std::nullopt;
        sc.skip_spaces();
        // "-0500 EST": a name repeating the numeric zone is noise; one that
        // contradicts it leaves the time unknown.
        if (is_numeric && is_ascii_alpha(sc.peek())) {
            int named_offset = 0;
            if (!zone(sc, named_offset) || named_offset != f.offset_minutes) return std::nullopt;
            sc.skip_spaces();
        }
    }
    if (time_before_year) {
        if (!year(sc, f.year)) return std::nullopt;
        sc.skip_spaces();
    }
    if (sc.peek() == '(') {
        if (!comment(sc)) return std::nullopt;
        sc.skip_spaces();
    }
    if (!sc.at_end()) return std::nullopt;
    return to_utc(f);
}

// "10:14", "10:14:55", "101455", "1014", fractions of a second (dropped),
// and the one-digit hour of the Hungarian form ("9:15").
bool iso_clock(scanner& sc, fields& f) noexcept {
    const std::size_t n = sc.digits_ahead();
    if (n == 4 || n == 6) {
        if (!sc.fixed(2, f.hour) || !sc.fixed(2, f.minute)) return false;
        if (n == 6 && !sc.fixed(2, f.second)) return false;
    } else {
        if (!sc.number(1, 2, f.hour) || !sc.eat(':') || !sc.number(2, 2, f.minute)) return false;
        if (sc.eat(':') && !sc.number(2, 2, f.second)) return false;
    }
    if ((sc.peek() == '.' || sc.peek() == ',') && is_digit(sc.peek(1))) {
        sc.advance();
        sc.skip_digits();
    }
    return true;
}

// The date after "YYYY-" or "YYYY/": "MM", "MM-DD", "DDD" (ordinal), a
// month name ("július-13"), and with `truncated` feedparser's "0MM-DD".
bool iso_rest_of_date(scanner& sc, fields& f, char sep, bool truncated, bool& full) noexcept {
    if (is_word_byte(sc.peek())) {
        if (!lookup(k_months, sc.word(), f.month) || !sc.eat(sep)) return false;
        full = true;
        return sc.number(1, 2, f.day);
    }
    const std::size_t n = sc.digits_ahead();
    if (n == 2) {
        if (!sc.number(2, 2, f.month)) return false;
        if (!sc.eat(sep)) return true;
        full = true;
        return sc.number(2, 2, f.day);
    }
    if (n != 3) return false;
    full = true;
    if (truncated && sc.peek() == '0' && sc.peek(3) == sep) {
        return sc.number(3, 3, f.month) && sc.eat(sep) && sc.number(2, 2, f.day);
    }
    return sc.number(3, 3, f.ordinal) && f.ordinal != 0;
}

// The ISO 8601:1988 forms with a two-digit year that ISO 8601:2004 dropped:
// "-YYMM", "-YY-MM", "YYMMDD", "YYDDD", "YY-MM-DD", "YY-DDD". The century
// follows RFC 2822 4.3 rather than the current clock, which the library
// may not read.
bool iso_truncated_date(scanner& sc, fields& f, bool& full) noexcept {
    int yy = 0;
    if (sc.eat('-')) {
        const std::size_t n = sc.digits_ahead();
        if (n == 4) {
            sc.fixed(2, yy);
        } else if (!sc.number(2, 2, yy) || !sc.eat('-')) {
            return false;
        }
        f.year = expand_two_digit_year(yy);
        return sc.number(2, 2, f.month);
    }
    const std::size_t n = sc.digits_ahead();
    if (n != 2 && n != 5 && n != 6) return false;
    sc.fixed(2, yy);
    f.year = expand_two_digit_year(yy);
    full = true;
    if (n == 6) return sc.fixed(2, f.month) && sc.fixed(2, f.day);
    if (n == 5) return sc.fixed(3, f.ordinal) && f.ordinal != 0;
    if (!sc.eat('-')) return false;
    if (sc.digits_ahead() == 3) return sc.number(3, 3, f.ordinal) && f.ordinal != 0;
    return sc.number(2, 2, f.month) && sc.eat('-') && sc.number(2, 2, f.day);
}

// RFC 9557's suffix after an offset, as Java's ZonedDateTime writes it:
// "2019-11-22T12:14:00+03:00[Europe/Moscow]". The offset already fixes the
// instant, so elective tags are skipped. A critical tag ("[!...]") would
// have to be checked against the offset, which needs a time zone database
// we do not have, so it is refused; so is a suffix without an offset.
bool rfc9557_suffix(scanner& sc) noexcept {
    while (sc.eat('[')) {
        if (sc.peek() == '!' || sc.peek() == ']') return false;
        while (!sc.at_end() && sc.peek() != ']') {
            if (sc.peek() == '[' || is_space(sc.peek())) return false;
            sc.advance();
        }
        if (!sc.eat(']')) return false;
    }
    return sc.at_end();
}

// RFC 3339 5.6 and W3CDTF (YYYY, YYYY-MM, YYYY-MM-DD, with time and zone),
// ISO 8601 basic format and ordinal dates, a space instead of "T", "/" as
// date separator, a space before the zone and named zones.
std::optional<chr::sys_seconds> parse_iso(string_view text, bool truncated) noexcept {
    scanner sc{trim(text)};
    fields f;
    bool full = false;
    const std::size_t n = sc.digits_ahead();
    if (n == 4) {
        sc.number(4, 4, f.year);
        const char sep = sc.peek();
        if (sc.eat('-') || sc.eat('/')) {
            if (!iso_rest_of_date(sc, f, sep, truncated, full)) return std::nullopt;
        }
    } else if (n == 8) {
        full = sc.fixed(4, f.year) && sc.fixed(2, f.month) && sc.fixed(2, f.day);
    } else if (n == 7) {
        full = sc.fixed(4, f.year) && sc.fixed(3, f.ordinal) && f.ordinal != 0;
        if (!full) return std::nullopt;
    } else if (truncated) {
        if (!iso_truncated_date(sc, f, full)) return std::nullopt;
    } else {
        return std::nullopt;
    }

    if (!sc.at_end()) {
        if (!full) return std::nullopt;
        if (!sc.eat('T') && !sc.eat('t') && sc.skip_spaces() == 0) return std::nullopt;
        if (!iso_clock(sc, f)) return std::nullopt;
        sc.skip_spaces();
        bool has_zone = false;
        if (!sc.at_end() && sc.peek() != '[') {
            if (!zone(sc, f.offset_minutes)) return std::nullopt;
            has_zone = true;
        }
        if (sc.peek() == '[' && (!has_zone || !rfc9557_suffix(sc))) return std::nullopt;
        if (!sc.at_end()) return std::nullopt;
    }
    return to_utc(f);
}

// feedparser's Korean forms, both in KST (+09:00): Nate's
// "2004-05-25 오후 11:23:17" (오전 = AM, 오후 = PM) and OnBlog's
// "2004년 05월 28일 01:31:15".
std::optional<chr::sys_seconds> parse_korean(string_view text) noexcept {
    scanner sc{trim(text)};
    fields f;
    f.offset_minutes = k_kst_minutes;
    if (!sc.number(4, 4, f.year)) return std::nullopt;
    bool pm = false;
    bool has_meridiem = false;
    if (sc.eat('-')) {
        if (!sc.number(2, 2, f.month) || !sc.eat('-') || !sc.number(2, 2, f.day)) {
            return std::nullopt;
        }
        if (sc.skip_spaces() == 0) return std::nullopt;
        const string_view meridiem = sc.word();
        pm = meridiem == "오후";
        if (!pm && meridiem != "오전") return std::nullopt;
        has_meridiem = true;
    } else {
        sc.skip_spaces();
        if (sc.word() != "년") return std::nullopt;
        sc.skip_spaces();
        if (!sc.number(1, 2, f.month)) return std::nullopt;
        sc.skip_spaces();
        if (sc.word() != "월") return std::nullopt;
        sc.skip_spaces();
        if (!sc.number(1, 2, f.day)) return std::nullopt;
        sc.skip_spaces();
        if (sc.word() != "일") return std::nullopt;
    }
    if (sc.skip_spaces() == 0) return std::nullopt;
    if (!sc.number(1, 2, f.hour) || !sc.eat(':') || !sc.number(1, 2, f.minute) || !sc.eat(':') ||
        !sc.number(1, 2, f.second)) {
        return std::nullopt;
    }
    sc.skip_spaces();
    if (!sc.at_end()) return std::nullopt;
    if (has_meridiem) {
        if (f.hour > 12) return std::nullopt;
        f.hour = f.hour % 12 + (pm ? 12 : 0);
    }
    return to_utc(f);
}

void put_digits(char* out, int value, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace

std::optional<chr::sys_seconds> parse_date(string_view text) {
    if (auto t = parse_iso(text, false)) return t;
    if (auto t = parse_rfc822(text)) return t;
    return parse_korean(text);
}

std::optional<chr::sys_seconds> parse_rfc822_date(string_view text) { return parse_rfc822(text); }

std::optional<chr::sys_seconds> parse_iso8601_date(string_view text) {
    return parse_iso(text, true);
}

std::string format_rfc3339(chr::sys_seconds t) {
    // RFC 3339 5.6 has four-digit years only; parse_date never yields
    // anything outside them, and other sources (a clock) are clamped rather
    // than written in a form consumers would reject.
    constexpr chr::sys_seconds lo = chr::sys_days{chr::year{0} / chr::January / 1};
    constexpr chr::sys_seconds hi =
        chr::sys_days{chr::year{9999} / chr::December / 31} + chr::seconds{86399};
    if (t < lo) t = lo;
    if (t > hi) t = hi;
    const chr::sys_days day = chr::floor<chr::days>(t);
    const chr::year_month_day ymd{day};
    const chr::hh_mm_ss hms{t - day};
    std::array<char, 20> buf{};  // "YYYY-MM-DDTHH:MM:SSZ"
    put_digits(&buf[0], static_cast<int>(ymd.year()), 4);
    buf[4] = '-';
    put_digits(&buf[5], static_cast<int>(static_cast<unsigned>(ymd.month())), 2);
    buf[7] = '-';
    put_digits(&buf[8], static_cast<int>(static_cast<unsigned>(ymd.day())), 2);
    buf[10] = 'T';
    put_digits(&buf[11], static_cast<int>(hms.hours().count()), 2);
    buf[13] = ':';
    put_digits(&buf[14], static_cast<int>(hms.minutes().count()), 2);
    buf[16] = ':';
    put_digits(&buf[17], static_cast<int>(hms.seconds().count()), 2);
    buf[19] = 'Z';
    return std::string(buf.data(), buf.size());
}

}  // namespace feedwire::feeds
