// The dateline recognizer. One cursor walks the opening of a dispatch
// through an optional grammar:
//
//   [(AGENCY) DASH]  PLACE  [ /COUNTRY/ | (COUNTRY) | , Country-or-Region ]
//   [, | .] [DATE [.]]  [ /AGENCY/[.] | (AGENCY)[.][DASH] | DASH [(AGENCY) | AGENCY.]
//                       | , AGENCY. | AGENCY DASH | DASH ]
//
// and the result is kept only when the parts make a dateline (see
// accepted()): a place in capitals with a date or an agency marker, or any
// place with a known agency. The dateline never crosses a line break and
// must end at a blank or at the end of the text, so "MOSCOW, November 22 was
// cold" and "However, November 22 ..." are left alone.
//
// Text is UTF-8. Case is folded for Latin (Basic, Latin-1, Extended-A),
// Greek and Cyrillic: the scripts of the wires we read.
#include "feedwire/feeds/dateline.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>

namespace feedwire::feeds {
namespace {

constexpr std::size_t npos = std::string_view::npos;

// Limits keep a stray parenthesis or slash deep in a paragraph from being
// read as part of an opening: real markers are short.
constexpr std::size_t max_marker_bytes = 48;
constexpr std::size_t max_caps_place_words = 6;   // "SANTA CRUZ DE LA SIERRA"
constexpr std::size_t max_title_place_words = 4;  // "Rio de Janeiro"
constexpr std::size_t max_region_words = 3;
// A dateline without a year is dated in the year that puts it nearest the
// item's time, and only within half a year of it.
constexpr int max_days_from_item = 183;

// ---- Agencies. Adding an agency is adding a row (and a test case).

constexpr std::string_view tass[] = {"TASS", "ТАСС"};
constexpr std::string_view ria[] = {"RIA Novosti", "РИА Новости", "RIA"};
constexpr std::string_view interfax[] = {"Interfax", "ИНТЕРФАКС", "INTERFAX.RU", "Интерфакс"};
constexpr std::string_view interfax_ukraine[] = {"Interfax-Ukraine", "Интерфакс-Украина",
                                                 "Інтерфакс-Україна"};
constexpr std::string_view reuters[] = {"Reuters"};
constexpr std::string_view ap[] = {"AP", "Associated Press"};
constexpr std::string_view afp[] = {"AFP"};
constexpr std::string_view xinhua[] = {"Xinhua", "Синьхуа"};
constexpr std::string_view kyodo[] = {"Kyodo", "Kyodo News"};
constexpr std::string_view jiji[] = {"Jiji", "Jiji Press"};
constexpr std::string_view yonhap[] = {"Yonhap"};
constexpr std::string_view anadolu[] = {"Anadolu", "AA", "Anadolu Agency"};
constexpr std::string_view dpa[] = {"dpa"};
constexpr std::string_view efe[] = {"EFE"};
constexpr std::string_view ansa[] = {"ANSA"};
constexpr std::string_view pti[] = {"PTI"};
constexpr std::string_view ians[] = {"IANS"};
constexpr std::string_view ani[] = {"ANI"};
constexpr std::string_view unian[] = {"UNIAN", "УНІАН", "УНИАН"};
constexpr std::string_view ukrinform[] = {"Ukrinform", "Укрінформ", "Укринформ"};
constexpr std::string_view bloomberg[] = {"Bloomberg"};
constexpr std::string_view upi[] = {"UPI"};
constexpr std::string_view belta[] = {"BelTA", "БЕЛТА", "БелТА"};
constexpr std::string_view kazinform[] = {"Kazinform", "Казинформ"};
constexpr std::string_view pap[] = {"PAP"};
constexpr std::string_view lusa[] = {"Lusa"};
constexpr std::string_view europa_press[] = {"Europa Press"};
constexpr std::string_view prensa_latina[] = {"Prensa Latina", "PL"};
constexpr std::string_view aap[] = {"AAP"};
constexpr std::string_view bernama[] = {"Bernama"};
constexpr std::string_view antara[] = {"Antara"};
constexpr std::string_view irna[] = {"IRNA"};
constexpr std::string_view kuna[] = {"KUNA"};
constexpr std::string_view wam[] = {"WAM"};
constexpr std::string_view pa[] = {"PA"};
constexpr std::string_view canadian_press[] = {"CP", "The Canadian Press"};

constexpr agency_row agencies[] = {
    {"TASS", tass},
    {"RIA Novosti", ria},
    {"Interfax", interfax},
    {"Interfax-Ukraine", interfax_ukraine},
    {"Reuters", reuters},
    {"AP", ap},
    {"AFP", afp},
    {"Xinhua", xinhua},
    {"Kyodo", kyodo},
    {"Jiji", jiji},
    {"Yonhap", yonhap},
    {"Anadolu", anadolu},
    {"dpa", dpa},
    {"EFE", efe},
    {"ANSA", ansa},
    {"PTI", pti},
    {"IANS", ians},
    {"ANI", ani},
    {"UNIAN", unian},
    {"Ukrinform", ukrinform},
    {"Bloomberg", bloomberg},
    {"UPI", upi},
    {"BelTA", belta},
    {"Kazinform", kazinform},
    {"PAP", pap},
    {"Lusa", lusa},
    {"Europa Press", europa_press},
    {"Prensa Latina", prensa_latina},
    {"AAP", aap},
    {"Bernama", bernama},
    {"Antara", antara},
    {"IRNA", irna},
    {"KUNA", kuna},
    {"WAM", wam},
    {"PA", pa},
    {"The Canadian Press", canadian_press},
};

// ---- Month names, lower case, in the languages of the wires.
struct month_name {
    std::string_view name;
    unsigned month;
};
// One language per line reads better than one name per line.
// clang-format off
constexpr month_name months[] = {
    // English
    {"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"may", 5}, {"june", 6},
    {"july", 7}, {"august", 8}, {"september", 9}, {"october", 10}, {"november", 11},
    {"december", 12}, {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"jun", 6}, {"jul", 7},
    {"aug", 8}, {"sep", 9}, {"sept", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12},
    // Russian (genitive, as datelines write them, and RIA's abbreviations)
    {"января", 1}, {"февраля", 2}, {"марта", 3}, {"апреля", 4}, {"мая", 5}, {"июня", 6},
    {"июля", 7}, {"августа", 8}, {"сентября", 9}, {"октября", 10}, {"ноября", 11}, {"декабря", 12},
    {"янв", 1}, {"фев", 2}, {"мар", 3}, {"апр", 4}, {"июн", 6}, {"июл", 7}, {"авг", 8}, {"сен", 9},
    {"окт", 10}, {"ноя", 11}, {"дек", 12},
    // Ukrainian (genitive)
    {"січня", 1}, {"лютого", 2}, {"березня", 3}, {"квітня", 4}, {"травня", 5}, {"червня", 6},
    {"липня", 7}, {"серпня", 8}, {"вересня", 9}, {"жовтня", 10}, {"листопада", 11}, {"грудня", 12},
    // French
    {"janvier", 1}, {"février", 2}, {"mars", 3}, {"avril", 4}, {"mai", 5}, {"juin", 6},
    {"juillet", 7}, {"août", 8}, {"septembre", 9}, {"octobre", 10}, {"novembre", 11},
    {"décembre", 12}, {"janv", 1}, {"févr", 2}, {"fév", 2}, {"avr", 4}, {"juil", 7}, {"déc", 12},
    // Spanish
    {"enero", 1}, {"febrero", 2}, {"marzo", 3}, {"abril", 4}, {"mayo", 5}, {"junio", 6},
    {"julio", 7}, {"agosto", 8}, {"septiembre", 9}, {"setiembre", 9}, {"octubre", 10},
    {"noviembre", 11}, {"diciembre", 12}, {"ene", 1}, {"abr", 4}, {"ago", 8}, {"dic", 12},
    // Italian
    {"gennaio", 1}, {"febbraio", 2}, {"aprile", 4}, {"maggio", 5}, {"giugno", 6}, {"luglio", 7},
    {"settembre", 9}, {"ottobre", 10}, {"dicembre", 12}, {"gen", 1}, {"mag", 5}, {"giu", 6},
    {"lug", 7}, {"set", 9}, {"ott", 10},
    // German and Portuguese
    {"januar", 1}, {"februar", 2}, {"märz", 3}, {"juni", 6}, {"juli", 7}, {"oktober", 10},
    {"dezember", 12}, {"janeiro", 1}, {"fevereiro", 2}, {"março", 3}, {"maio", 5}, {"junho", 6},
    {"julho", 7}, {"setembro", 9}, {"outubro", 10}, {"dezembro", 12},
};
// clang-format on

// Lower-case particles inside place names ("Rio de Janeiro",
// "Rostov-on-Don", "Ростов-на-Дону"); the first word is always capitalized.
constexpr std::string_view connectors[] = {
    "de", "da", "do", "dos",  "das", "del", "della", "di",  "du", "des", "la", "le", "les",
    "el", "of", "on", "upon", "am",  "der", "den",   "sur", "en", "es",  "y",  "na", "на",
};

// US states and Canadian provinces as datelines write them after a city
// (AP style: "SAN JOSE, Calif."). They stay with the place: they are not
// countries. "Georgia" is left out on purpose: "TBILISI, Georgia".
constexpr std::string_view regions[] = {
    "Ala.",     "Ariz.",       "Ark.",         "Calif.",   "Colo.",
    "Conn.",    "Del.",        "Fla.",         "Ga.",      "Ill.",
    "Ind.",     "Kan.",        "Kans.",        "Ky.",      "La.",
    "Md.",      "Mass.",       "Mich.",        "Minn.",    "Miss.",
    "Mo.",      "Mont.",       "Neb.",         "Nev.",     "N.H.",
    "N.J.",     "N.M.",        "N.Y.",         "N.C.",     "N.D.",
    "Okla.",    "Ore.",        "Pa.",          "R.I.",     "S.C.",
    "S.D.",     "Tenn.",       "Vt.",          "Va.",      "Wash.",
    "W.Va.",    "Wis.",        "Wyo.",         "D.C.",     "Alaska",
    "Hawaii",   "Idaho",       "Iowa",         "Maine",    "Ohio",
    "Texas",    "Utah",        "California",   "New York", "Florida",
    "Virginia", "Ont.",        "Que.",         "B.C.",     "Alta.",
    "Man.",     "Sask.",       "N.S.",         "N.B.",     "Nfld.",
    "P.E.I.",   "Ontario",     "Quebec",       "Alberta",  "British Columbia",
    "Manitoba", "Nova Scotia", "Saskatchewan",
};

// ---- UTF-8 and case.

struct decoded {
    char32_t cp;
    std::size_t len;
};

decoded decode_at(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return {b0, 1};
    const std::size_t n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
    if (n == 0 || i + n > s.size()) return {0xFFFD, 1};
    char32_t cp = static_cast<char32_t>(b0 & (0x7Fu >> n));
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0u) != 0x80u) return {0xFFFD, 1};
        cp = static_cast<char32_t>((cp << 6) | (b & 0x3Fu));
    }
    return {cp, n};
}

void encode(char32_t c, std::string& out) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0u | (c >> 6)));
        out.push_back(static_cast<char>(0x80u | (c & 0x3Fu)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0u | (c >> 12)));
        out.push_back(static_cast<char>(0x80u | ((c >> 6) & 0x3Fu)));
        out.push_back(static_cast<char>(0x80u | (c & 0x3Fu)));
    } else {
        out.push_back(static_cast<char>(0xF0u | (c >> 18)));
        out.push_back(static_cast<char>(0x80u | ((c >> 12) & 0x3Fu)));
        out.push_back(static_cast<char>(0x80u | ((c >> 6) & 0x3Fu)));
        out.push_back(static_cast<char>(0x80u | (c & 0x3Fu)));
    }
}

// Upper-case halves of the case pairs in Latin Extended-A and Cyrillic
// Extended, where upper and lower alternate.
bool paired_upper(char32_t c) {
    if (c >= 0x100 && c <= 0x137) return c % 2 == 0;
    if (c >= 0x139 && c <= 0x148) return c % 2 == 1;
    if (c >= 0x14A && c <= 0x177) return c % 2 == 0;
    if (c >= 0x179 && c <= 0x17E) return c % 2 == 1;
    if (c >= 0x460 && c <= 0x481) return c % 2 == 0;
    if (c >= 0x48A && c <= 0x4BF) return c % 2 == 0;
    if (c >= 0x4C1 && c <= 0x4CE) return c % 2 == 1;
    if (c >= 0x4D0 && c <= 0x4FF) return c % 2 == 0;
    return false;
}

char32_t lower_of(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 0x20;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
    if (c == 0x178) return 0xFF;
    if (paired_upper(c)) return c + 1;
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;
    if (c >= 0x410 && c <= 0x42F) return c + 0x20;
    if (c >= 0x400 && c <= 0x40F) return c + 0x50;
    return c;
}

char32_t upper_of(char32_t c) {
    if (c >= 'a' && c <= 'z') return c - 0x20;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 0x20;
    if (c == 0xFF) return 0x178;
    if (c > 0x100 && paired_upper(c - 1)) return c - 1;
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 0x20;
    if (c >= 0x430 && c <= 0x44F) return c - 0x20;
    if (c >= 0x450 && c <= 0x45F) return c - 0x50;
    return c;
}

bool is_upper(char32_t c) { return lower_of(c) != c; }
bool is_lower(char32_t c) { return upper_of(c) != c || c == 0xDF; }
bool is_letter(char32_t c) { return is_upper(c) || is_lower(c); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto d = decode_at(s, i);
        encode(lower_of(d.cp), out);
        i += d.len;
    }
    return out;
}

// lower(s) == low.substr(0, s.size()), without building lower(s): the
// agency table is read at every marker, and most aliases differ in their
// first character.
bool is_lowered_prefix(std::string_view s, std::string_view low) {
    const std::size_t want = std::min(s.size(), low.size());
    std::size_t o = 0;
    std::string folded;  // one code point: never leaves the small-string buffer
    for (std::size_t i = 0; i < s.size();) {
        const auto d = decode_at(s, i);
        i += d.len;
        folded.clear();
        encode(lower_of(d.cp), folded);
        if (o + folded.size() > want || low.compare(o, folded.size(), folded) != 0) return false;
        o += folded.size();
    }
    return o == want;
}

enum class word_case { caps, title, lower, other };

word_case case_of(std::string_view w) {
    bool any_upper = false;
    bool any_lower = false;
    bool first_upper = false;
    bool first = true;
    for (std::size_t i = 0; i < w.size();) {
        const auto d = decode_at(w, i);
        i += d.len;
        if (is_upper(d.cp)) {
            any_upper = true;
            if (first) first_upper = true;
        } else if (is_lower(d.cp)) {
            any_lower = true;
        } else {
            continue;
        }
        first = false;
    }
    if (!any_upper && !any_lower) return word_case::other;
    if (!any_lower) return word_case::caps;
    if (first_upper) return word_case::title;
    if (!any_upper) return word_case::lower;
    return word_case::other;
}

std::size_t letter_count(std::string_view w) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < w.size();) {
        const auto d = decode_at(w, i);
        i += d.len;
        if (is_letter(d.cp)) ++n;
    }
    return n;
}

bool is_connector(std::string_view w) {
    const std::string l = lower(w);
    for (const auto c : connectors) {
        if (c == l) return true;
    }
    return false;
}

unsigned month_of(std::string_view w) {
    const std::string l = lower(w);
    for (const auto& m : months) {
        if (m.name == l) return m.month;
    }
    return 0;
}

bool is_region(std::string_view w) {
    for (const auto r : regions) {
        if (r == w) return true;
    }
    return false;
}

// "SAINT-ÉTIENNE" -> "Saint-Étienne"; "CÔTE D'IVOIRE" -> "Côte d'Ivoire".
// Words are split at blanks, hyphens and slashes; the first part of the
// whole name is always capitalized.
std::string recase(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    bool first_part = true;
    while (i < s.size()) {
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '-' && s[j] != '/') ++j;
        const std::string_view part = s.substr(i, j - i);
        if (!first_part && is_connector(part)) {
            out += lower(part);
        } else {
            bool upper_next = true;
            std::size_t letters_since_apostrophe = 0;
            for (std::size_t k = 0; k < part.size();) {
                const auto d = decode_at(part, k);
                k += d.len;
                if (d.cp == '\'' || d.cp == 0x2019) {
                    // "D'IVOIRE" inside a name: "d'Ivoire"; "N'DJAMENA": "N'Djamena".
                    if (letters_since_apostrophe == 1 && !first_part && !out.empty() &&
                        out.back() >= 'A' && out.back() <= 'Z') {
                        out.back() = static_cast<char>(out.back() - 'A' + 'a');
                    }
                    encode(d.cp, out);
                    upper_next = true;
                    letters_since_apostrophe = 0;
                    continue;
                }
                if (is_letter(d.cp)) {
                    encode(upper_next ? upper_of(d.cp) : lower_of(d.cp), out);
                    upper_next = false;
                    ++letters_since_apostrophe;
                } else {
                    encode(d.cp, out);
                }
            }
        }
        first_part = false;
        if (j < s.size()) out.push_back(s[j]);
        i = j + 1;
    }
    return out;
}

std::string two_digits(unsigned v) {
    return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
}

std::string format_ymd(const std::chrono::year_month_day& d) {
    return std::to_string(static_cast<int>(d.year())) + "-" +
           two_digits(static_cast<unsigned>(d.month())) + "-" +
           two_digits(static_cast<unsigned>(d.day()));
}

struct date_parts {
    std::size_t end = 0;
    unsigned month = 0;
    unsigned day = 0;
    std::optional<int> year;
};

std::string date_string(const date_parts& d, std::optional<time_point> item_time) {
    using namespace std::chrono;
    if (d.year) {
        const year_month_day ymd{year{*d.year}, month{d.month}, day{d.day}};
        return ymd.ok() ? format_ymd(ymd) : std::string();
    }
    if (!item_time) return {};
    const sys_days ref = floor<days>(*item_time);
    const int y = static_cast<int>(year_month_day{ref}.year());
    std::optional<year_month_day> best;
    long best_distance = max_days_from_item + 1;
    for (int candidate = y - 1; candidate <= y + 1; ++candidate) {
        const year_month_day ymd{year{candidate}, month{d.month}, day{d.day}};
        if (!ymd.ok()) continue;
        const long distance = std::labs(static_cast<long>((sys_days{ymd} - ref).count()));
        if (distance < best_distance) {
            best_distance = distance;
            best = ymd;
        }
    }
    return best ? format_ymd(*best) : std::string();
}

struct parsed {
    std::size_t end = 0;
    std::string_view place;
    bool is_caps_place = false;
    std::string_view region;
    std::string_view country;
    std::optional<date_parts> date;
    std::string agency;
    bool is_known_agency = false;
    bool has_dash = false;
};

class parser {
public:
    explicit parser(std::string_view s) : s_(s) {}

    std::optional<parsed> parse() {
        parsed r;
        if (at(0, "(")) return parse_agency_first();
        if (!parse_body(0, r)) return std::nullopt;
        if (!accepted(r, false)) return std::nullopt;
        return r;
    }

private:
    std::string_view s_;

    bool at(std::size_t p, std::string_view lit) const {
        return p <= s_.size() && s_.substr(p).starts_with(lit);
    }

    // One blank (space, tab, no-break space, narrow no-break space); never a
    // line break: a dateline is on one line.
    std::size_t blank_len(std::size_t p) const {
        if (at(p, " ") || at(p, "\t")) return 1;
        if (at(p, "\xC2\xA0")) return 2;
        if (at(p, "\xE2\x80\xAF")) return 3;
        return 0;
    }

    std::size_t skip_blanks(std::size_t p) const {
        while (const std::size_t n = blank_len(p)) p += n;
        return p;
    }

    // "-", "--", "–", "—", "―" and runs of them.
    std::size_t dash_len(std::size_t p) const {
        std::size_t q = p;
        while (true) {
            if (at(q, "-")) {
                q += 1;
            } else if (at(q, "\xE2\x80\x93") || at(q, "\xE2\x80\x94") || at(q, "\xE2\x80\x95")) {
                q += 3;
            } else {
                break;
            }
        }
        return q - p;
    }

    bool letter_at(std::size_t p) const { return p < s_.size() && is_letter(decode_at(s_, p).cp); }

    // The end of the dateline: the text ends or a blank or line break follows.
    bool is_boundary(std::size_t p) const {
        return p == s_.size() || blank_len(p) != 0 || at(p, "\n") || at(p, "\r");
    }

    // Letters with inner hyphens, apostrophes and dots ("ПЕТРОПАВЛОВСК-
    // КАМЧАТСКИЙ", "N'DJAMENA", "N.C").
    std::size_t read_word(std::size_t p) const {
        std::size_t q = p;
        while (q < s_.size()) {
            const auto d = decode_at(s_, q);
            if (is_letter(d.cp)) {
                q += d.len;
                continue;
            }
            if (q > p && (d.cp == '-' || d.cp == '\'' || d.cp == '.' || d.cp == 0x2019) &&
                letter_at(q + d.len)) {
                q += d.len;
                continue;
            }
            break;
        }
        return q;
    }

    // The index of the ')' or '/' closing a marker opened at p, or npos.
    std::size_t marker_close(std::size_t p, char close) const {
        for (std::size_t q = p + 1; q < s_.size() && q - p <= max_marker_bytes; ++q) {
            if (s_[q] == close) return q > p + 1 ? q : npos;
            if (s_[q] == '\n' || s_[q] == '(' || s_[q] == ')') return npos;
        }
        return npos;
    }

    // A name as a generic agency or country: letter first, then letters,
    // blanks, dots, hyphens and ampersands.
    static bool looks_like_name(std::string_view c) {
        if (c.empty() || !is_upper(decode_at(c, 0).cp)) return false;
        std::size_t words = 1;
        for (std::size_t i = 0; i < c.size();) {
            const auto d = decode_at(c, i);
            i += d.len;
            if (d.cp == ' ') {
                ++words;
            } else if (!is_letter(d.cp) && d.cp != '.' && d.cp != '-' && d.cp != '&') {
                return false;
            }
        }
        return words <= 4 && c.back() != ' ';
    }

    // The longest known agency signature at p that ends at a non-letter.
    std::size_t bare_agency(std::size_t p, std::string& name) const {
        std::size_t best = 0;
        const std::string_view rest = s_.substr(p, std::min(max_marker_bytes, s_.size() - p));
        const std::string low = lower(rest);
        for (const auto& row : agencies) {
            for (const auto alias : row.aliases) {
                if (alias.size() <= best || alias.size() > rest.size()) continue;
                if (!is_lowered_prefix(alias, low)) continue;
                if (letter_at(p + alias.size())) continue;
                best = alias.size();
                name = row.name;
            }
        }
        return best;
    }

    struct place_parse {
        std::size_t end = 0;
        bool is_caps = false;
    };

    // Words in capitals ("UNITED NATIONS", "NEW YORK/LONDON", "ST.
    // PETERSBURG"), or capitalized words with lower-case particles
    // ("Rio de Janeiro"), never the start of a date.
    std::optional<place_parse> read_place(std::size_t p) const {
        std::size_t e = read_word(p);
        if (e == p) return std::nullopt;
        std::string_view word = s_.substr(p, e - p);
        const word_case first = case_of(word);
        if (first != word_case::caps && first != word_case::title) return std::nullopt;
        if (letter_count(word) < 2 || read_date(p)) return std::nullopt;
        place_parse r{e, first == word_case::caps};
        std::size_t words = 1;
        bool ends_with_connector = false;
        while (true) {
            const std::size_t q = r.end;
            std::size_t next = npos;
            if (at(q, "/")) {
                next = q + 1;
            } else if (r.is_caps && at(q, ".") && blank_len(q + 1) != 0 &&
                       letter_count(word) <= 3) {
                next = q + 1 + blank_len(q + 1);  // "ST. PETERSBURG", "FT. WORTH"
            } else if (const std::size_t b = blank_len(q)) {
                next = q + b;
            } else {
                break;
            }
            const std::size_t we = read_word(next);
            if (we == next) break;
            const std::string_view w = s_.substr(next, we - next);
            const word_case k = case_of(w);
            bool is_connector_word = false;
            bool ok = false;
            if (r.is_caps) {
                // "RIO DE JANEIRO" holds a month name; "MOSCOW NOV 22" a date.
                ok = k == word_case::caps && !read_date(next);
            } else if (k == word_case::title) {
                ok = !read_date(next);
            } else if (k == word_case::lower && is_connector(w)) {
                ok = is_connector_word = true;
            }
            if (!ok) break;
            if (++words > (r.is_caps ? max_caps_place_words : max_title_place_words)) {
                return std::nullopt;
            }
            ends_with_connector = is_connector_word;
            word = w;
            r.end = we;
        }
        if (ends_with_connector) return std::nullopt;
        return r;
    }

    // ", Calif." / ", Japan": capitalized words (abbreviations keep their
    // final dot) followed by ',', " (", " /" or a dash.
    std::size_t read_region(std::size_t p) const {
        std::size_t q = p;
        std::size_t words = 0;
        while (true) {
            const std::size_t e = read_word(q);
            if (e == q) return npos;
            const std::string_view w = s_.substr(q, e - q);
            const word_case k = case_of(w);
            if (k != word_case::caps && k != word_case::title) return npos;
            if (words == 0 && month_of(w) != 0) return npos;
            if (++words > max_region_words) return npos;
            q = e;
            if (at(q, ".")) ++q;
            const std::size_t b = blank_len(q);
            if (b != 0 && letter_at(q + b) && is_upper(decode_at(s_, q + b).cp)) {
                q += b;
                continue;
            }
            break;
        }
        if (at(q, ",")) return q;
        const std::size_t b = blank_len(q);
        if (b != 0 && (at(q + b, "(") || at(q + b, "/") || dash_len(q + b) != 0)) return q;
        return npos;
    }

    // "November 22", "Nov. 22", "22 ноября", "22 NOV", with an optional
    // year ("22 nov 2019", "Nov. 22, 2019").
    std::optional<date_parts> read_date(std::size_t p) const {
        date_parts d;
        std::size_t q = p;
        auto read_day = [&](std::size_t& i) {
            const std::size_t start = i;
            unsigned v = 0;
            while (i < s_.size() && is_digit(s_[i]) && i - start < 3) {
                v = v * 10 + static_cast<unsigned>(s_[i] - '0');
                ++i;
            }
            if (i == start || i - start > 2 || letter_at(i)) return false;
            d.day = v;
            return true;
        };
        auto read_month = [&](std::size_t& i) {
            const std::size_t e = read_word(i);
            if (e == i) return false;
            d.month = month_of(s_.substr(i, e - i));
            if (d.month == 0) return false;
            i = e;
            if (at(i, ".")) ++i;
            return true;
        };
        if (q < s_.size() && is_digit(s_[q])) {
            if (!read_day(q)) return std::nullopt;
            const std::size_t b = blank_len(q);
            if (b == 0) return std::nullopt;
            q += b;
            if (!read_month(q)) return std::nullopt;
        } else {
            if (!read_month(q)) return std::nullopt;
            const std::size_t b = blank_len(q);
            if (b == 0) return std::nullopt;
            q += b;
            if (!read_day(q)) return std::nullopt;
        }
        d.end = q;
        // An optional year: " 2019" or ", 2019".
        std::size_t y = q;
        if (at(y, ",")) ++y;
        if (const std::size_t b = blank_len(y)) {
            y += b;
            if (y + 4 <= s_.size() && is_digit(s_[y]) && is_digit(s_[y + 1]) &&
                is_digit(s_[y + 2]) && is_digit(s_[y + 3]) &&
                (y + 4 == s_.size() || (!is_digit(s_[y + 4]) && !letter_at(y + 4)))) {
                d.year = (s_[y] - '0') * 1000 + (s_[y + 1] - '0') * 100 + (s_[y + 2] - '0') * 10 +
                         (s_[y + 3] - '0');
                d.end = y + 4;
            }
        }
        return d;
    }

    void set_agency(parsed& r, std::string_view signature) const {
        const std::string_view name = agency_name(signature);
        r.is_known_agency = !name.empty();
        r.agency = name.empty() ? std::string(signature) : std::string(name);
    }

    // "(X)" at p, known or looking like a name: the index after ')', or npos.
    std::size_t paren_agency(std::size_t p, parsed& r) const {
        if (!at(p, "(")) return npos;
        const std::size_t close = marker_close(p, ')');
        if (close == npos) return npos;
        const std::string_view content = s_.substr(p + 1, close - p - 1);
        if (agency_name(content).empty() && !looks_like_name(content)) return npos;
        set_agency(r, content);
        return close + 1;
    }

    // An optional closing dash after a marker ("(EFE).-", "(Reuters) -").
    std::size_t closing_dash(std::size_t p, parsed& r) const {
        std::size_t q = p;
        if (at(q, ".") && dash_len(q + 1) != 0) ++q;
        q = skip_blanks(q);
        if (const std::size_t d = dash_len(q)) {
            r.has_dash = true;
            return q + d;
        }
        return p;
    }

    bool parse_body(std::size_t start, parsed& r) const {
        const auto place = read_place(start);
        if (!place) return false;
        r.place = s_.substr(start, place->end - start);
        r.is_caps_place = place->is_caps;
        std::size_t p = place->end;

        // Country or region.
        if (const std::size_t b = blank_len(p); b != 0 && at(p + b, "/")) {
            const std::size_t close = marker_close(p + b, '/');
            if (close == npos) return false;
            r.country = s_.substr(p + b + 1, close - p - b - 1);
            if (!looks_like_name(r.country)) return false;
            p = close + 1;
        } else if (b != 0 && at(p + b, "(")) {
            const std::size_t close = marker_close(p + b, ')');
            if (close != npos) {
                const std::string_view c = s_.substr(p + b + 1, close - p - b - 1);
                const std::size_t after = close + 1;
                const std::size_t ab = blank_len(after);
                if (agency_name(c).empty() && looks_like_name(c) &&
                    (at(after, ",") || (ab != 0 && at(after + ab, "(")))) {
                    r.country = c;
                    p = after;
                }
            }
        } else if (at(p, ",") && blank_len(p + 1) != 0) {
            const std::size_t from = p + 1 + blank_len(p + 1);
            const std::size_t e = read_region(from);
            if (e != npos) {
                const std::string_view seg = s_.substr(from, e - from);
                (is_region(seg) ? r.region : r.country) = seg;
                p = e;
            }
        }

        // Date.
        if ((at(p, ",") || at(p, ".")) && blank_len(p + 1) != 0) {
            if (auto d = read_date(p + 1 + blank_len(p + 1))) {
                r.date = d;
                p = d->end;
                if (at(p, ".") && blank_len(p + 1) != 0) ++p;  // "November 22. /TASS/."
            }
        }

        // Agency marker and closing dash.
        const std::size_t q = skip_blanks(p);
        const bool had_blank = q > p;
        if (had_blank && at(q, "/")) {  // "/TASS/."
            const std::size_t close = marker_close(q, '/');
            if (close == npos) return false;
            const std::string_view content = s_.substr(q + 1, close - q - 1);
            if (!looks_like_name(content)) return false;
            set_agency(r, content);
            r.end = at(close + 1, ".") ? close + 2 : close + 1;
        } else if (had_blank && at(q, "(")) {  // "(Reuters) -", "(PTI)", "(EFE).-"
            const std::size_t after = paren_agency(q, r);
            if (after == npos) return false;
            r.end = closing_dash(after, r);
        } else if (at(p, ",") && blank_len(p + 1) != 0) {  // ", UNIAN."
            const std::size_t from = p + 1 + blank_len(p + 1);
            std::string name;
            const std::size_t n = bare_agency(from, name);
            if (n == 0) return false;
            r.agency = name;
            r.is_known_agency = true;
            r.end = from + n;
            if (at(r.end, ".")) {
                ++r.end;
            } else if (const std::size_t e = closing_dash(r.end, r); e != r.end) {
                r.end = e;
            } else {
                return false;
            }
        } else if (const std::size_t d = had_blank ? dash_len(q) : 0) {
            // "ROMA, 22 NOV -", "- (ANSA)", "— РИА Новости."
            r.has_dash = true;
            r.end = q + d;
            const std::size_t after_dash = skip_blanks(r.end);
            std::string name;
            if (after_dash > r.end && at(after_dash, "(")) {
                parsed probe;
                const std::size_t after = paren_agency(after_dash, probe);
                if (after != npos && probe.is_known_agency) {
                    r.agency = probe.agency;
                    r.is_known_agency = true;
                    r.end = closing_dash(after, r);
                }
            } else if (after_dash > r.end) {
                const std::size_t n = bare_agency(after_dash, name);
                if (n != 0 && at(after_dash + n, ".")) {
                    r.agency = name;
                    r.is_known_agency = true;
                    r.end = after_dash + n + 1;
                }
            }
        } else if (had_blank) {  // "Kyodo -", "ИНТЕРФАКС -", "INTERFAX.RU -"
            std::string name;
            const std::size_t n = bare_agency(q, name);
            if (n == 0) return false;
            const std::size_t e = closing_dash(q + n, r);
            if (e == q + n) return false;
            r.agency = name;
            r.is_known_agency = true;
            r.end = e;
        } else {
            return false;
        }
        return is_boundary(r.end);
    }

    // Whether the parts make a dateline, or are only text that looks like
    // one. `agency_first` is the "(ANSA) - ROMA, 22 NOV -" form.
    static bool accepted(const parsed& r, bool agency_first) {
        if (agency_first) return r.date.has_value() && r.has_dash && r.agency.empty();
        // Known agency: a capitalized place will do, but without a dash a
        // title-case place needs a date ("New Delhi, Nov 22 (PTI) ...").
        if (r.is_known_agency) return r.is_caps_place || r.has_dash || r.date.has_value();
        if (!r.is_caps_place) return false;
        // An unknown agency in capitals' company needs a dash or a date: "US
        // (Left) and ..." is no dateline.
        if (!r.agency.empty()) return r.has_dash || r.date.has_value();
        return r.date.has_value() && r.has_dash;
    }

    std::optional<parsed> parse_agency_first() const {
        parsed r;
        const std::size_t close = marker_close(0, ')');
        if (close == npos) return std::nullopt;
        const std::string_view name = agency_name(s_.substr(1, close - 1));
        if (name.empty()) return std::nullopt;
        const std::size_t q = skip_blanks(close + 1);
        const std::size_t d = dash_len(q);
        if (d == 0) return std::nullopt;
        r.agency = std::string(name);
        r.is_known_agency = true;
        r.has_dash = true;
        r.end = q + d;
        if (const std::size_t start = skip_blanks(r.end); start > r.end) {
            parsed rest;
            if (parse_body(start, rest) && accepted(rest, true)) {
                rest.agency = r.agency;
                rest.is_known_agency = true;
                return rest;
            }
        }
        if (!is_boundary(r.end)) return std::nullopt;
        return r;
    }
};

}  // namespace

std::span<const agency_row> known_agencies() noexcept { return agencies; }

std::string_view agency_name(std::string_view signature) {
    const std::string low = lower(signature);
    for (const auto& row : agencies) {
        for (const auto alias : row.aliases) {
            // Case folding keeps the byte length in the scripts we fold.
            if (alias.size() == signature.size() && lower(alias) == low) return row.name;
        }
    }
    return {};
}

std::optional<dateline_info> find_dateline(std::string_view body_text,
                                           std::optional<time_point> item_time) {
    std::size_t start = 0;
    while (start < body_text.size() && (body_text[start] == ' ' || body_text[start] == '\n' ||
                                        body_text[start] == '\t' || body_text[start] == '\r')) {
        ++start;
    }
    const std::string_view text = body_text.substr(start);
    const auto r = parser(text).parse();
    if (!r) return std::nullopt;

    dateline_info out;
    std::string_view written = text.substr(0, r->end);
    while (!written.empty() && (written.back() == ' ' || written.back() == '\t')) {
        written.remove_suffix(1);
    }
    out.text = std::string(written);
    if (!r->place.empty()) {
        out.place = r->is_caps_place ? recase(r->place) : std::string(r->place);
        if (!r->region.empty()) out.place += ", " + std::string(r->region);
    }
    // "/JAPAN/" reads "Japan"; "/USA/" and "(UK)" stay initials.
    if (case_of(r->country) == word_case::caps && letter_count(r->country) > 3) {
        out.country = recase(r->country);
    } else {
        out.country = std::string(r->country);
    }
    if (r->date) out.date = date_string(*r->date, item_time);
    out.agency = r->agency;
    return out;
}

std::string place_case(std::string_view place) {
    // Comma-separated parts are recased one by one, with the dateline's
    // rule for countries: initials ("USA", "UK", "D.C.") stay as written.
    std::string out;
    std::size_t i = 0;
    while (i <= place.size()) {
        std::size_t j = place.find(',', i);
        if (j == std::string_view::npos) j = place.size();
        const std::string_view part = place.substr(i, j - i);
        if (case_of(part) == word_case::caps && letter_count(part) > 3) {
            out += recase(part);
        } else {
            out.append(part);
        }
        if (j < place.size()) out.push_back(',');
        i = j + 1;
    }
    return out;
}

std::string located_of(const dateline_info& d) {
    if (d.place.empty()) return d.country;
    if (d.country.empty()) return d.place;
    return d.place + ", " + d.country;
}

}  // namespace feedwire::feeds
