// Site furniture removal. Three kinds of rule, each a table:
// * whole paragraphs that are furniture wherever they stand (navigation,
//   share and subscribe lines), matched exactly or by a prefix with a length
//   limit, after case folding;
// * blocks: a "Read more"/"Читайте также" label with its links, and a
//   "Tags"/"Теги" list, taken from the end of the body only (a label in the
//   middle takes at most the one link line after it);
// * positions: "Enditem" closing the text, and a first paragraph that
//   repeats the headline or the next paragraph.
// Nothing is removed when it would leave the text empty.
#include "feedwire/feeds/boilerplate.hpp"

#include "text_blocks.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds {
namespace {

using detail::comparable;
using detail::ends_sentence;
using detail::fold_case;
using detail::trim_view;

// Furniture that is a whole paragraph by itself (compared folded, trailing
// punctuation and arrows dropped).
// "Read more" alone is a block label (below), not here.
constexpr std::array<std::string_view, 16> furniture_lines = {
    "all news",
    "все новости",
    "back to top",
    "к списку новостей",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "поделиться",
    "tweet",
    "continue reading",
    "читать далее",
    "print",
    "email",
};

// Furniture that starts a short paragraph. The limit (bytes) keeps a story
// paragraph that happens to start the same way.
struct prefix_row {
    std::string_view prefix;
    std::size_t max_bytes;
};
constexpr std::array<prefix_row, 8> furniture_prefixes = {{
    {"subscribe to our ", 120},
    {"sign up for our ", 120},
    {"follow us on ", 100},
    {"подписывайтесь на ", 200},
    {"подпишитесь на ", 200},
    {"присоединяйтесь к нам в ", 200},
    {"следите за новостями ", 200},
    {"читайте нас в ", 160},
}};

// Labels that open a block of links to other stories.
constexpr std::array<std::string_view, 9> read_more_labels = {
    "read more", "read also",     "see also",       "also read",    "related",
    "related:",  "читайте также", "смотрите также", "читать также",
};

constexpr std::array<std::string_view, 4> tag_labels = {"tags", "теги", "метки", "тэги"};

// A link or tag line: short, one line, not a sentence.
constexpr std::size_t max_link_line_bytes = 160;
constexpr std::size_t max_tag_line_bytes = 80;
constexpr std::size_t max_tags_paragraph_bytes = 400;
// How far from the end a "Tags" label or read-more block is looked for.
constexpr std::size_t max_trailing_paragraphs = 12;

// Trailing punctuation and arrows ("All news »", "Share:", "Print |").
// Folding leaves these bytes alone, so they can be stripped before folding.
std::string_view strip_decoration_view(std::string_view f) {
    for (;;) {
        const std::size_t before = f.size();
        while (!f.empty() && (f.back() == ':' || f.back() == '.' || f.back() == ' ' ||
                              f.back() == '>' || f.back() == '|')) {
            f.remove_suffix(1);
        }
        for (const std::string_view tail : {"\xC2\xBB", "\xE2\x86\x92", "\xE2\x80\xA6"}) {
            if (f.ends_with(tail)) f.remove_suffix(tail.size());  // » → …
        }
        if (f.size() == before) break;
    }
    return f;
}

std::string strip_decoration(std::string_view s) {
    return fold_case(strip_decoration_view(trim_view(s)));
}

constexpr std::size_t longest(std::span<const std::string_view> strings) {
    std::size_t n = 0;
    for (const auto s : strings) n = std::max(n, s.size());
    return n;
}

constexpr std::size_t max_furniture_line_bytes = longest(furniture_lines);
constexpr std::size_t max_furniture_prefixed_bytes = [] {
    std::size_t n = 0;
    for (const auto& row : furniture_prefixes) n = std::max(n, row.max_bytes);
    return n;
}();
constexpr std::size_t max_furniture_prefix_bytes = [] {
    std::size_t n = 0;
    for (const auto& row : furniture_prefixes) n = std::max(n, row.prefix.size());
    return n;
}();

// Only as much of a paragraph is folded as a rule can match: story
// paragraphs are longer than any furniture line, and a prefix rule reads the
// prefix alone (the slack covers a character cut at the end, which folding
// leaves alone).
bool is_furniture_line(std::string_view paragraph) {
    if (paragraph.find('\n') != std::string_view::npos) return false;
    const std::string_view trimmed = trim_view(paragraph);
    if (const std::string_view core = strip_decoration_view(trimmed);
        core.size() <= max_furniture_line_bytes) {
        const std::string f = fold_case(core);
        for (const auto line : furniture_lines) {
            if (f == line) return true;
        }
    }
    if (trimmed.size() > max_furniture_prefixed_bytes) return false;
    const std::string folded = fold_case(trimmed.substr(0, max_furniture_prefix_bytes + 8));
    for (const auto& row : furniture_prefixes) {
        if (trimmed.size() <= row.max_bytes && folded.starts_with(row.prefix)) return true;
    }
    return false;
}

bool is_link_line(std::string_view p) {
    p = trim_view(p);
    return !p.empty() && p.size() <= max_link_line_bytes &&
           p.find('\n') == std::string_view::npos && !ends_sentence(p);
}

// The label a paragraph starts with, followed by the end, a colon, a line
// break or an arrow; npos when none.
std::size_t label_end(std::string_view paragraph, std::span<const std::string_view> labels) {
    // Only the label and the 4 bytes after it are read: fold no more (the
    // slack covers a character cut at the end, which folding leaves alone).
    const std::string f = fold_case(trim_view(paragraph).substr(0, longest(labels) + 8));
    for (const auto label : labels) {
        if (!f.starts_with(label)) continue;
        const std::string_view rest = std::string_view(f).substr(label.size());
        if (rest.empty() || rest.front() == ':' || rest.front() == '\n' ||
            rest.starts_with(" \xC2\xBB") || rest.starts_with(" \xE2\x86\x92") ||
            rest.starts_with("\xE2\x80\xA6") || rest.starts_with("...") || rest.starts_with(" :")) {
            return label.size();
        }
    }
    return std::string_view::npos;
}

bool is_label_only(std::string_view paragraph, std::span<const std::string_view> labels) {
    const std::size_t end = label_end(paragraph, labels);
    if (end == std::string_view::npos) return false;
    return trim_view(strip_decoration(paragraph)).size() <= end;
}

// "Tags: Russia — Japan", "Tags Russia-Japan G20", "Теги\nРоссия\nЯпония".
bool is_tags_paragraph(std::string_view paragraph) {
    const std::string_view p = trim_view(paragraph);
    if (p.size() > max_tags_paragraph_bytes || ends_sentence(p)) return false;
    // The label and the byte after it are read: fold no more (see label_end).
    const std::string f = fold_case(p.substr(0, longest(tag_labels) + 8));
    for (const auto label : tag_labels) {
        if (!f.starts_with(label)) continue;
        const std::string_view rest = std::string_view(f).substr(label.size());
        if (!rest.empty() && rest.front() != ':' && rest.front() != ' ' && rest.front() != '\n') {
            continue;
        }
        return true;
    }
    return false;
}

bool is_tag_line(std::string_view p) {
    p = trim_view(p);
    return !p.empty() && p.size() <= max_tag_line_bytes && p.find('\n') == std::string_view::npos &&
           !ends_sentence(p);
}

// Removes furniture blocks from the end: tags lists, read-more blocks and
// furniture lines, repeated until the end is story text.
void trim_trailing_blocks(std::vector<std::string>& ps) {
    bool changed = true;
    while (changed && ps.size() > 1) {
        changed = false;
        if (is_furniture_line(ps.back()) || is_tags_paragraph(ps.back())) {
            ps.pop_back();
            changed = true;
            continue;
        }
        // A label paragraph followed only by short lines up to the end.
        const std::size_t first = ps.size() > max_trailing_paragraphs
                                      ? ps.size() - max_trailing_paragraphs
                                      : std::size_t{1};
        for (std::size_t i = ps.size() - 1; i >= first && !changed; --i) {
            const bool is_tags = is_label_only(ps[i], tag_labels);
            const bool is_read_more = is_label_only(ps[i], read_more_labels);
            if (!is_tags && !is_read_more) {
                if (!(is_tag_line(ps[i]) || is_link_line(ps[i]))) break;
                continue;
            }
            bool all_short = true;
            for (std::size_t j = i + 1; j < ps.size(); ++j) {
                all_short = all_short && (is_tags ? is_tag_line(ps[j]) : is_link_line(ps[j]));
            }
            if (all_short) {
                ps.resize(i);
                changed = true;
            }
        }
    }
}

// False when the comparable forms of a and b surely differ, judged from
// their first bytes: the comparable form of a prefix is a prefix of the
// whole one, but for its last byte (a character cut in two is not folded).
// Paragraphs that differ are told apart without folding them whole.
bool may_be_same_text(std::string_view a, std::string_view b) {
    constexpr std::size_t probe_bytes = 64;
    const std::string pa = comparable(a.substr(0, probe_bytes));
    const std::string pb = comparable(b.substr(0, probe_bytes));
    std::size_t n = std::min(pa.size(), pb.size());
    if (n > 0) --n;
    return pa.compare(0, n, pb, 0, n) == 0;
}

void remove_enditem(std::vector<std::string>& ps) {
    if (ps.empty()) return;
    std::string& last = ps.back();
    const std::string f = fold_case(last);
    if (trim_view(f) == "enditem") {
        if (ps.size() > 1) ps.pop_back();
        return;
    }
    constexpr std::string_view marker = " enditem";
    if (f.ends_with(marker) && f.size() > marker.size()) {
        last.resize(last.size() - marker.size());
        last = std::string(trim_view(last));
    }
}

}  // namespace

std::string remove_furniture(std::string_view text, std::string_view headline) {
    std::vector<std::string> ps = detail::split_paragraphs(text);
    if (ps.empty()) return std::string(text);

    // Whole-paragraph furniture and read-more blocks anywhere.
    std::vector<std::string> kept;
    kept.reserve(ps.size());
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (is_furniture_line(ps[i])) continue;
        const std::size_t end = label_end(ps[i], read_more_labels);
        if (end != std::string_view::npos) {
            if (is_label_only(ps[i], read_more_labels)) {
                // The link lines that follow belong to the block: all of
                // them when they run to the end, else only the first (a
                // short paragraph before more story may be a subheading).
                std::size_t links = 0;
                while (i + 1 + links < ps.size() && is_link_line(ps[i + 1 + links])) ++links;
                i += (i + 1 + links == ps.size()) ? links : std::min<std::size_t>(links, 1);
                continue;
            }
            if (ps[i].size() <= 2 * max_link_line_bytes) continue;  // "Read more: Title"
        }
        kept.push_back(std::move(ps[i]));
    }
    if (kept.empty()) return std::string(text);
    ps = std::move(kept);

    remove_enditem(ps);
    trim_trailing_blocks(ps);

    // A repeated headline, then a repeated lead, at the top.
    const std::string head = comparable(headline);
    if (ps.size() > 1 && !head.empty() && may_be_same_text(ps.front(), headline) &&
        comparable(ps.front()) == head) {
        ps.erase(ps.begin());
    }
    if (ps.size() > 1 && may_be_same_text(ps[0], ps[1]) && comparable(ps[0]) == comparable(ps[1]))
        ps.erase(ps.begin());
    return detail::join_paragraphs(ps);
}

}  // namespace feedwire::feeds
