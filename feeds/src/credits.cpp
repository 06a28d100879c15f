// Credit recognition. A credit body is either labelled ("Photo:", "Фото:",
// "©") or signed by a photo agency: slash-separated parts of which the first
// or the last is an agency from the table ("EPA/NAME", "Сергей
// Бобылев/ТАСС", "AFP PHOTO / NAME"), or "NAME via AGENCY". Every part must
// look like a name (short, words not starting in lower case), which keeps
// "Reuters reported on Friday" and "a Reuters/Ipsos poll found." apart from
// credits. Captions are the text before a credit in the same paragraph, or,
// at the top of a body only, the paragraph beside a standalone credit when
// the dateline follows them both.
#include "feedwire/feeds/credits.hpp"

#include "feedwire/feeds/dateline.hpp"
#include "text_blocks.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds {
namespace {

using detail::fold_case;
using detail::trim_view;

constexpr std::size_t npos = std::string_view::npos;

// A standalone credit is one short line; a caption paragraph is longer but
// still far shorter than a story's long paragraphs.
constexpr std::size_t max_credit_bytes = 120;
constexpr std::size_t max_credit_paragraph_bytes = 160;
constexpr std::size_t max_caption_bytes = 600;
constexpr std::size_t max_name_bytes = 60;
constexpr std::size_t max_name_words = 6;

// Photo agencies and pools that sign credits, folded.
constexpr std::array<std::string_view, 30> photo_agencies = {
    "ap",          "ap photo",    "associated press", "reuters",      "afp",        "afp photo",
    "epa",         "epa-efe",     "xinhua",           "tass",         "тасс",       "итар-тасс",
    "риа новости", "ria novosti", "sputnik",          "getty images", "getty",      "dpa",
    "ansa",        "efe",         "anadolu",          "aa",           "kyodo",      "yonhap",
    "imago",       "bloomberg",   "интерфакс",        "pool",         "pool photo", "ap images",
};

// Labels that open a credit, folded. The credit follows the label.
constexpr std::array<std::string_view, 11> credit_labels = {
    "photo:", "photos:", "photo credit:", "photo by ", "фото:",       "фотография:",
    "foto:",  "image:",  "credit:",       "picture:",  "photograph:",
};

constexpr std::size_t longest_credit_label = [] {
    std::size_t n = 0;
    for (const auto label : credit_labels) n = std::max(n, label.size());
    return n;
}();

// Lower-case name words that do not end a name ("Li An via AP", "Luis de Vega").
constexpr std::array<std::string_view, 15> name_connectors = {
    "via", "de", "da", "di", "del", "van", "von", "der", "al", "el", "le", "la", "du", "bin", "and",
};

std::string_view strip_full_stop(std::string_view s) {
    s = trim_view(s);
    while (!s.empty() && s.back() == '.') s.remove_suffix(1);
    return trim_view(s);
}

bool starts_lower(std::string_view word) {
    if (word.empty()) return false;
    const auto c = static_cast<unsigned char>(word[0]);
    if (c >= 'a' && c <= 'z') return true;
    if (word.size() < 2) return false;
    const auto d = static_cast<unsigned char>(word[1]);
    return (c == 0xD0 && d >= 0xB0 && d <= 0xBF) || (c == 0xD1 && d >= 0x80 && d <= 0x9F);
}

// A letter of the Latin, Greek or Cyrillic script: not "©", "«", a digit or
// a quote, which a name does not start with.
bool starts_with_letter(std::string_view word) {
    const auto c = static_cast<unsigned char>(word[0]);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return c >= 0xC3 && c <= 0xD4;
}

bool is_agency(std::string_view s) {
    const std::string f = fold_case(trim_view(s));
    return std::find(photo_agencies.begin(), photo_agencies.end(), f) != photo_agencies.end();
}

// "Kim Kyung-Hoon", "MAXIM SHIPENKOV", "Archives - Ludovic MARIN", "File Photo".
bool is_name_like(std::string_view s) {
    s = trim_view(s);
    if (s.empty() || s.size() > max_name_bytes) return false;
    if (s.find(". ") != npos || s.find(',') != npos || s.find(';') != npos) return false;
    std::size_t words = 0;
    std::size_t start = 0;
    while (start < s.size()) {
        std::size_t end = s.find(' ', start);
        if (end == npos) end = s.size();
        const std::string_view word = s.substr(start, end - start);
        start = end + 1;
        if (word.empty() || word == "-" || word == "\xE2\x80\x93" || word == "\xE2\x80\x94") {
            continue;  // - – —
        }
        if (!starts_with_letter(word)) return false;
        ++words;
        if (starts_lower(word) && std::find(name_connectors.begin(), name_connectors.end(), word) ==
                                      name_connectors.end()) {
            return false;
        }
    }
    return words > 0 && words <= max_name_words;
}

// "EPA/NAME", "NAME/ТАСС", "REUTERS/Name/File Photo", "NAME/Pool Photo via AP".
bool is_agency_credit(std::string_view s) {
    s = strip_full_stop(s);
    if (s.empty() || s.size() > max_credit_bytes) return false;
    if (const std::size_t via = s.rfind(" via "); via != npos) {
        const std::string_view who = s.substr(0, via);
        if (!is_agency(s.substr(via + 5))) return false;
        std::size_t start = 0;
        while (start <= who.size()) {
            std::size_t end = who.find('/', start);
            if (end == npos) end = who.size();
            if (!is_name_like(who.substr(start, end - start))) return false;
            start = end + 1;
        }
        return true;
    }
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find('/', start);
        if (end == npos) end = s.size();
        parts.push_back(trim_view(s.substr(start, end - start)));
        start = end + 1;
    }
    if (parts.size() < 2) return false;
    for (const auto p : parts) {
        if (!is_name_like(p)) return false;
    }
    return is_agency(parts.front()) || is_agency(parts.back());
}

// The credit after a label or a copyright sign: short, no sentence, no year
// first (a "© 2019 The Associated Press" notice is no photo credit).
std::optional<std::string> labelled_rest(std::string_view rest) {
    rest = strip_full_stop(rest);
    if (rest.empty() || rest.size() > max_credit_bytes || rest.find(". ") != npos) {
        return std::nullopt;
    }
    if (rest[0] >= '0' && rest[0] <= '9') return std::nullopt;
    return std::string(rest);
}

constexpr std::string_view copyright_sign = "\xC2\xA9";  // ©

// Where the two bytes `pair` last stand in s, as s.rfind(pair): one pass
// from the end instead of a comparison at every position.
std::size_t rfind_pair(std::string_view s, std::string_view pair) noexcept {
    for (std::size_t i = s.size(); i >= 2; --i) {
        if (s[i - 1] == pair[1] && s[i - 2] == pair[0]) return i - 2;
    }
    return npos;
}

std::string normalize_credit(std::string_view s) { return fold_case(strip_full_stop(s)); }

// One credit repeats another when it is the same or a shortened form of it
// ("Photo: AFP/Archives" after "... © AFP/Archives - Ludovic MARIN").
bool same_credit(std::string_view a, std::string_view b) {
    const std::string x = normalize_credit(a);
    const std::string y = normalize_credit(b);
    if (x.empty() || y.empty()) return false;
    return x.size() <= y.size() ? y.starts_with(x) : x.starts_with(y);
}

}  // namespace

std::optional<std::string> standalone_credit(std::string_view paragraph) {
    const std::string_view p = trim_view(paragraph);
    if (p.empty() || p.size() > max_credit_paragraph_bytes || p.find('\n') != npos) {
        return std::nullopt;
    }
    // Only as much is folded as a label can match (the slack covers a
    // character cut at the end, which folding leaves alone).
    const std::string f = fold_case(p.substr(0, longest_credit_label + 8));
    for (const auto label : credit_labels) {
        if (f.starts_with(label)) return labelled_rest(p.substr(label.size()));
    }
    if (p.starts_with(copyright_sign)) return labelled_rest(p.substr(copyright_sign.size()));
    if (p.front() == '(' && p.back() == ')' && is_agency_credit(p.substr(1, p.size() - 2))) {
        return std::string(strip_full_stop(p.substr(1, p.size() - 2)));
    }
    if (is_agency_credit(p)) return std::string(strip_full_stop(p));
    return std::nullopt;
}

std::optional<picture_credit> captioned_credit(std::string_view paragraph) {
    const std::string_view p = trim_view(paragraph);
    if (p.empty() || p.size() > max_caption_bytes) return std::nullopt;
    auto make = [](std::string_view caption, std::string_view credit) {
        caption = trim_view(caption);
        while (!caption.empty() && (caption.back() == '-' || caption.back() == ',')) {
            caption.remove_suffix(1);
            caption = trim_view(caption);
        }
        return picture_credit{std::string(caption), std::string(strip_full_stop(credit))};
    };
    // A caption and its credit on two lines of one paragraph.
    if (const std::size_t nl = p.find('\n'); nl != npos) {
        if (p.find('\n', nl + 1) != npos) return std::nullopt;
        if (auto c = standalone_credit(p.substr(nl + 1))) return make(p.substr(0, nl), *c);
        if (auto c = standalone_credit(p.substr(0, nl))) return make(p.substr(nl + 1), *c);
        return std::nullopt;
    }
    // "... 2019. (Kim Kyung-Hoon/Pool Photo via AP)", "... (Xinhua/Li An)".
    if (p.back() == ')') {
        const std::size_t open = p.rfind('(');
        if (open != npos && open > 0) {
            const std::string_view inner = p.substr(open + 1, p.size() - open - 2);
            if (is_agency_credit(inner) && !trim_view(p.substr(0, open)).empty()) {
                return make(p.substr(0, open), inner);
            }
        }
    }
    // "... le 21 novembre 2019 © AFP/Archives - Ludovic MARIN".
    if (const std::size_t sign = rfind_pair(p, copyright_sign); sign != npos && sign > 0) {
        if (auto rest = labelled_rest(p.substr(sign + copyright_sign.size()))) {
            if (!trim_view(p.substr(0, sign)).empty()) return make(p.substr(0, sign), *rest);
        }
    }
    // "... October 4, 2019. REUTERS/Kim Kyung-Hoon/File Photo".
    if (const std::size_t stop = rfind_pair(p, ". "); stop != npos) {
        const std::string_view tail = p.substr(stop + 2);
        if (auto c = standalone_credit(tail); c && tail.find('/') != npos) {
            return make(p.substr(0, stop + 1), *c);
        }
    }
    return std::nullopt;
}

credits_result extract_credits(std::string_view text) {
    credits_result out;
    std::vector<std::string> ps = detail::split_paragraphs(text);
    std::vector<std::optional<picture_credit>> found(ps.size());
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (auto c = standalone_credit(ps[i])) {
            found[i] = picture_credit{"", std::move(*c)};
        } else if (auto cc = captioned_credit(ps[i])) {
            found[i] = std::move(*cc);
        }
    }
    // Caption and standalone credit opening the body, the dateline after.
    if (ps.size() > 2 && found[0].has_value() != found[1].has_value() &&
        find_dateline(ps[2], std::nullopt)) {
        const std::size_t credit = found[0] ? 0 : 1;
        const std::size_t caption = 1 - credit;
        if (found[credit]->caption.empty() && ps[caption].size() <= max_caption_bytes &&
            ps[caption].find('\n') == npos && !find_dateline(ps[caption], std::nullopt)) {
            found[credit]->caption = ps[caption];
            found[caption] = picture_credit{};  // consumed, credited at `credit`
        }
    }
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (!found[i]) {
            kept.push_back(std::move(ps[i]));
            continue;
        }
        if (found[i]->creditline.empty()) continue;  // a consumed caption
        picture_credit& c = *found[i];
        bool merged = false;
        for (auto& prev : out.credits) {
            if (!same_credit(prev.creditline, c.creditline)) continue;
            if (!c.caption.empty() && !prev.caption.empty() && prev.caption != c.caption) continue;
            if (prev.caption.empty()) prev.caption = c.caption;
            if (c.creditline.size() > prev.creditline.size()) prev.creditline = c.creditline;
            merged = true;
            break;
        }
        if (!merged) out.credits.push_back(std::move(c));
    }
    // A body that is nothing but credits is left as it is.
    if (kept.empty()) return {std::string(text), {}};
    out.text = detail::join_paragraphs(kept);
    return out;
}

void attach_credits(std::vector<association>& associations,
                    std::span<const picture_credit> credits) {
    std::vector<bool> filled(associations.size(), false);
    for (const auto& c : credits) {
        const std::string caption = detail::comparable(c.caption);
        association* target = nullptr;
        for (auto& a : associations) {
            if (a.type != "picture") continue;
            const bool same_caption =
                !caption.empty() && detail::comparable(a.headline).starts_with(caption);
            if (same_caption || same_credit(a.creditline, c.creditline)) {
                target = &a;
                break;
            }
        }
        for (std::size_t i = 0; target == nullptr && i < associations.size(); ++i) {
            if (associations[i].type == "picture" && associations[i].creditline.empty() &&
                !filled[i]) {
                target = &associations[i];
                filled[i] = true;
            }
        }
        if (target == nullptr) {
            association a;
            a.type = "picture";
            a.headline = c.caption;
            a.creditline = c.creditline;
            associations.push_back(std::move(a));
            filled.push_back(true);
            continue;
        }
        if (target->creditline.empty()) target->creditline = c.creditline;
        if (target->headline.empty()) target->headline = c.caption;
    }
}

}  // namespace feedwire::feeds
