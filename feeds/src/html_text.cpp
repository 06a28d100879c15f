// HTML to text and HTML sanitizing, both driven by html_tokenizer and one
// table of element traits. Neither builds a tree: html_to_text only needs
// to know where blocks start and end, and sanitize_html keeps a stack of the
// elements it has written so that every one it opens is closed, which is
// enough for well-formed output. Content that must vanish (script, svg, ...)
// is skipped by counting nested elements of the same name until its end tag.
// Each is a reader of the token stream (text_reader, sanitizer), so that
// read_html_body feeds one tokenizer pass to both.
//
// Text conventions: whitespace runs (ASCII, U+00A0 and the other Unicode
// spaces) become one space; zero-width spaces, word joiners and BOMs are
// removed, as are control characters; a block boundary is a paragraph break
// ("\n\n"), <br> a line break ("\n"), two <br> in a row a paragraph break;
// table cells are separated by a space; inside <pre> newlines are line breaks.
#include <feedwire/feeds/entities.hpp>
#include <feedwire/feeds/html_text.hpp>
#include <feedwire/feeds/html_tokenizer.hpp>
#include <feedwire/feeds/url.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <vector>

namespace feedwire::feeds {
namespace {

enum trait : std::uint16_t {
    block = 1U << 0,          // text: a paragraph break before and after
    cell = 1U << 1,           // text: a space before and after
    drops_text = 1U << 2,     // text: the content is not text
    allowed = 1U << 3,        // sanitize: kept with the allowed attributes
    drops_content = 1U << 4,  // sanitize: removed with its content
    becomes_div = 1U << 5,    // sanitize: written as <div> (one main a page, dialog overlays)
    is_void = 1U << 6,        // no content and no end tag ("Void elements")
    is_foreign = 1U << 7,     // svg and math honour "/>", other elements ignore it
    no_evidence = 1U << 8,    // looks_like_html: too rare, or too like a word, to tell HTML
};

struct element {
    std::string_view name;
    std::uint16_t traits;
};

constexpr std::uint16_t skipped = drops_text | drops_content;

// Sorted by name for a binary search. Elements not listed are unknown:
// their tags are dropped and their text kept.
constexpr element elements[] = {
    {"a", allowed},
    {"abbr", allowed},
    {"acronym", allowed},
    {"address", allowed | block},
    {"applet", skipped},
    {"area", allowed | is_void},
    {"article", allowed | block},
    {"aside", allowed | block},
    {"audio", allowed},
    {"b", allowed},
    {"base", skipped | is_void},
    {"basefont", is_void},
    {"bdi", allowed},
    {"bdo", allowed},
    {"bgsound", is_void},
    {"big", allowed},
    {"blockquote", allowed | block},
    {"body", block},
    {"br", allowed | is_void},
    {"button", drops_content},
    {"canvas", 0},
    {"caption", allowed | block},
    {"center", allowed | block},
    {"cite", allowed},
    {"code", allowed},
    {"col", allowed | is_void},
    {"colgroup", allowed},
    {"datagrid", allowed | no_evidence},
    {"datalist", allowed | no_evidence},
    {"dd", allowed | block},
    {"del", allowed},
    {"details", allowed | block},
    {"dfn", allowed},
    {"dialog", block | becomes_div},
    {"dir", allowed | block},
    {"div", allowed | block},
    {"dl", allowed | block},
    {"dt", allowed | block},
    {"em", allowed},
    {"embed", skipped | is_void},
    {"fieldset", allowed | block},
    {"figcaption", allowed | block},
    {"figure", allowed | block},
    {"font", allowed},
    {"footer", allowed | block},
    {"form", block | drops_content},
    {"frame", skipped | is_void},
    {"frameset", skipped},
    {"h1", allowed | block},
    {"h2", allowed | block},
    {"h3", allowed | block},
    {"h4", allowed | block},
    {"h5", allowed | block},
    {"h6", allowed | block},
    {"head", skipped},
    {"header", allowed | block},
    {"hgroup", block | becomes_div},
    {"hr", allowed | block | is_void},
    {"html", block},
    {"i", allowed},
    {"iframe", skipped},
    {"img", allowed | is_void},
    {"input", drops_content | is_void},
    {"ins", allowed},
    {"kbd", allowed},
    {"keygen", is_void},
    {"label", allowed},
    {"legend", allowed | block},
    {"li", allowed | block},
    {"link", skipped | is_void},
    {"m", allowed | no_evidence},
    {"main", block | becomes_div},
    {"map", allowed | no_evidence},
    {"mark", allowed},
    {"math", skipped | is_foreign},
    {"menu", allowed | block},
    {"meta", skipped | is_void},
    {"meter", allowed | no_evidence},
    {"multicol", allowed | no_evidence},
    {"nav", allowed | block},
    {"nextid", allowed | no_evidence},
    {"noembed", skipped},
    {"noframes", skipped},
    {"noscript", skipped},
    {"object", skipped},
    {"ol", allowed | block},
    {"optgroup", allowed | no_evidence},
    {"option", allowed | no_evidence},
    {"output", allowed | no_evidence},
    {"p", allowed | block},
    {"param", skipped | is_void},
    {"picture", allowed},
    {"plaintext", block},
    {"pre", allowed | block},
    {"progress", allowed | no_evidence},
    {"q", allowed},
    {"rp", allowed},
    {"rt", allowed},
    {"ruby", allowed},
    {"s", allowed},
    {"samp", allowed},
    {"script", skipped},
    {"section", allowed | block},
    {"select", skipped},
    {"small", allowed},
    {"sound", allowed | no_evidence},
    {"source", allowed | is_void},
    {"spacer", allowed | no_evidence},
    {"span", allowed},
    {"strike", allowed},
    {"strong", allowed},
    {"style", skipped},
    {"sub", allowed},
    {"summary", allowed | block},
    {"sup", allowed},
    {"svg", skipped | is_foreign},
    {"table", allowed | block},
    {"tbody", allowed},
    {"td", allowed | cell},
    {"template", skipped},
    {"textarea", skipped},
    {"tfoot", allowed},
    {"th", allowed | cell},
    {"thead", allowed},
    {"time", allowed},
    {"title", skipped},
    {"tr", allowed | block},
    {"track", allowed | is_void},
    {"tt", allowed},
    {"u", allowed},
    {"ul", allowed | block},
    {"var", allowed},
    {"video", allowed},
    {"wbr", is_void},
};

constexpr bool is_sorted_by_name() {
    for (std::size_t i = 1; i < std::size(elements); ++i) {
        if (!(elements[i - 1].name < elements[i].name)) return false;
    }
    return true;
}
static_assert(is_sorted_by_name(), "find_element() binary-searches the table");

// Where the names with each first letter begin in `elements` (every name
// starts with a lower-case letter), so that a lookup searches only those.
constexpr std::array<std::uint8_t, 27> k_letter_begin = [] {
    std::array<std::uint8_t, 27> begin{};
    std::size_t i = 0;
    for (std::size_t letter = 0; letter < 26; ++letter) {
        while (i < std::size(elements) &&
               static_cast<std::size_t>(elements[i].name[0] - 'a') < letter) {
            ++i;
        }
        begin[letter] = static_cast<std::uint8_t>(i);
    }
    begin[26] = static_cast<std::uint8_t>(std::size(elements));
    return begin;
}();
static_assert(std::size(elements) < 256, "k_letter_begin holds indexes as bytes");
static_assert(std::all_of(std::begin(elements), std::end(elements),
                          [](const element& e) {
                              return !e.name.empty() && e.name[0] >= 'a' && e.name[0] <= 'z';
                          }),
              "k_letter_begin indexes names by their first letter");

const element* find_element(std::string_view name) noexcept {
    if (name.empty() || name[0] < 'a' || name[0] > 'z') return nullptr;
    const auto letter = static_cast<std::size_t>(name[0] - 'a');
    const element* first = std::begin(elements) + k_letter_begin[letter];
    const element* last = std::begin(elements) + k_letter_begin[letter + 1];
    const auto* it = std::lower_bound(
        first, last, name, [](const element& e, std::string_view key) { return e.name < key; });
    if (it == last || it->name != name) return nullptr;
    return it;
}

bool has(const element* e, std::uint16_t t) noexcept {
    return e != nullptr && (e->traits & t) != 0;
}

// The elements drop_html_blocks may take out whole: those that make a
// paragraph of their own and have content.
bool is_pruned_block(std::string_view name) noexcept {
    const element* e = find_element(name);
    return has(e, block) && !has(e, is_void);
}

// Skips the content of one element: nested elements of the same name are
// counted so that <svg><svg></svg>x</svg> ends at the right end tag. An
// unclosed element runs to the end of the input.
class content_skipper {
public:
    bool is_active() const noexcept { return depth_ > 0; }

    // Starts skipping when `e` hides its content; void elements and "<svg/>"
    // have none.
    bool begins(const element* e, const html_token& t) noexcept {
        if (e == nullptr || has(e, is_void) || (has(e, is_foreign) && t.is_self_closing)) {
            return false;
        }
        name_ = e->name;
        is_foreign_ = has(e, is_foreign);
        depth_ = 1;
        return true;
    }

    // Feeds a tag while active; returns true when `t` ended the skip and
    // should be processed as usual (only <body>, which implies </head>).
    bool ends_with(const html_token& t) noexcept {
        if (t.kind == html_token_kind::start_tag) {
            if (t.name == name_ && !(t.is_self_closing && is_foreign_)) {
                ++depth_;
            }
            // "in head" insertion mode: <body> closes an unclosed <head>.
            if (name_ == "head" && t.name == "body") {
                depth_ = 0;
                return true;
            }
        } else if (t.kind == html_token_kind::end_tag && t.name == name_) {
            --depth_;
        }
        return false;
    }

private:
    std::string_view name_;
    bool is_foreign_ = false;
    std::size_t depth_ = 0;
};

// Collapses whitespace as text arrives: visible characters are appended
// at once, whitespace and breaks are only remembered, so nothing has to be
// trimmed afterwards.
class text_builder {
public:
    explicit text_builder(std::size_t size_hint) { out_.reserve(size_hint); }

    void space() noexcept { has_space_ = true; }
    void line_break() noexcept {
        if (!out_.empty()) breaks_ = std::min<std::size_t>(breaks_ + 1, 2);
    }
    void paragraph_break() noexcept {
        if (!out_.empty()) breaks_ = 2;
    }

    void add(std::string_view text, bool keeps_newlines);

    std::string take() { return std::move(out_); }
    std::size_t size() const noexcept { return out_.size(); }
    std::string_view view() const noexcept { return out_; }

private:
    enum class kind : std::uint8_t { visible, space, newline, dropped, c1 };
    struct unit {
        kind what;
        std::size_t size;
    };
    static unit classify(std::string_view text, std::size_t i) noexcept;
    void put(std::string_view visible);

    std::string out_;
    bool has_space_ = false;
    std::size_t breaks_ = 0;
};

text_builder::unit text_builder::classify(std::string_view text, std::size_t i) noexcept {
    const auto b = [&](std::size_t k) {
        return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0U;
    };
    const unsigned c = b(0);
    if (c < 0x80) {
        if (c > 0x20 && c < 0x7F) return {kind::visible, 1};
        if (c == ' ' || c == '\t' || c == '\f' || c == '\v') return {kind::space, 1};
        if (c == '\n') return {kind::newline, 1};
        // CR LF is one newline; a lone CR is one too.
        if (c == '\r') return {b(1) == '\n' ? kind::dropped : kind::newline, 1};
        return {kind::dropped, 1};  // C0 controls and DEL
    }
    if (c == 0xC2) {
        if (b(1) == 0xA0 || b(1) == 0x85) return {kind::space, 2};  // NBSP, NEL
        if (b(1) >= 0x80 && b(1) <= 0x9F) return {kind::c1, 2};     // C1 controls
    } else if (c == 0xE1 && b(1) == 0x9A && b(2) == 0x80) {
        return {kind::space, 3};  // U+1680 OGHAM SPACE MARK
    } else if (c == 0xE2 && b(1) == 0x80) {
        const unsigned d = b(2);
        if ((d >= 0x80 && d <= 0x8A) || d == 0xA8 || d == 0xA9 || d == 0xAF) {
            return {kind::space, 3};  // U+2000-U+200A, LINE and PARAGRAPH SEPARATOR, U+202F
        }
        if (d == 0x8B) return {kind::dropped, 3};  // U+200B ZERO WIDTH SPACE
    } else if (c == 0xE2 && b(1) == 0x81) {
        if (b(2) == 0x9F) return {kind::space, 3};    // U+205F MEDIUM MATHEMATICAL SPACE
        if (b(2) == 0xA0) return {kind::dropped, 3};  // U+2060 WORD JOINER
    } else if (c == 0xE3 && b(1) == 0x80 && b(2) == 0x80) {
        return {kind::space, 3};  // U+3000 IDEOGRAPHIC SPACE
    } else if (c == 0xEF && b(1) == 0xBB && b(2) == 0xBF) {
        return {kind::dropped, 3};  // U+FEFF BOM
    }
    // Any other byte passes through as it is, invalid UTF-8 included: the
    // charset layer has already decided what the bytes are.
    return {kind::visible, 1};
}

void text_builder::put(std::string_view visible) {
    if (breaks_ > 0) {
        out_.append(breaks_, '\n');
    } else if (has_space_ && !out_.empty()) {
        out_ += ' ';
    }
    breaks_ = 0;
    has_space_ = false;
    out_ += visible;
}

// The bytes classify() reads as visible whatever follows them: printable
// ASCII, and from 0x80 all but the first bytes of the spaces and invisible
// characters it looks for (Cyrillic, CJK and most punctuation take this
// way through add()).
constexpr std::array<bool, 256> k_always_visible = [] {
    std::array<bool, 256> t{};
    for (std::size_t c = 0x21; c < 0x7F; ++c) t[c] = true;
    for (std::size_t c = 0x80; c < 0x100; ++c) t[c] = true;
    t[0xC2] = t[0xE1] = t[0xE2] = t[0xE3] = t[0xEF] = false;
    return t;
}();

void text_builder::add(std::string_view text, bool keeps_newlines) {
    std::size_t run = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (k_always_visible[byte]) {
            ++i;
            continue;
        }
        // One space between visible characters stays in the run: put() of
        // "a b" writes what put("a"), space(), put("b") would.
        if (byte == ' ' && i > run && i + 1 < text.size() &&
            k_always_visible[static_cast<unsigned char>(text[i + 1])]) {
            i += 2;
            continue;
        }
        const unit u = classify(text, i);
        if (u.what == kind::visible) {
            i += u.size;
            continue;
        }
        if (i > run) put(text.substr(run, i - run));
        if (u.what == kind::space) {
            space();
        } else if (u.what == kind::c1) {
            // A C1 control in text is a windows-1252 character mislabelled
            // ("don\u0092t", "&#146;"): read it as the HTML standard reads
            // "&#146;" (U+2019); the five with no such character are dropped.
            const auto c = static_cast<unsigned char>(text[i + 1]);
            const std::string as_1252 = decode_html_entities("&#" + std::to_string(c) + ";");
            if (as_1252.size() != 2 || static_cast<unsigned char>(as_1252[0]) != 0xC2) put(as_1252);
        } else if (u.what == kind::newline) {
            if (keeps_newlines) {
                line_break();
            } else {
                space();
            }
        }
        i = std::min(i + u.size, text.size());
        run = i;
    }
    if (i > run) put(text.substr(run, i - run));
}

// The C0 controls append_escaped leaves out (k_escape_class below).
bool is_dropped_control(char c) noexcept {
    return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

std::string without_controls(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (!is_dropped_control(c)) out += c;
    }
    return out;
}

// What append_escaped does with each byte: 0 copies it, 1 escapes or
// drops it, 2 escapes it in attribute values only.
constexpr std::array<std::uint8_t, 256> k_escape_class = [] {
    std::array<std::uint8_t, 256> t{};
    for (std::size_t c = 0; c < 0x20; ++c) t[c] = 1;
    t['\t'] = t['\n'] = t['\r'] = 0;
    t['&'] = t['<'] = t['>'] = 1;
    t['"'] = 2;
    return t;
}();

// Whether one of the eight bytes in `x` may be one append_escaped escapes
// or drops: a C0 control, '&', '<', '>', or '"' in an attribute value
// (bit tricks that tell whether any byte is below a value or equal to one).
bool may_escape_any(std::uint64_t x, bool is_attribute_value) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    std::uint64_t hit = (x - ones * 0x20) & ~x & highs;
    hit |= has_zero(x ^ (ones * '&')) | has_zero(x ^ (ones * '<')) | has_zero(x ^ (ones * '>'));
    if (is_attribute_value) hit |= has_zero(x ^ (ones * '"'));
    return hit != 0;
}

void append_escaped(std::string& out, std::string_view text, bool is_attribute_value) {
    const std::uint8_t escapes = is_attribute_value ? 2 : 1;
    std::size_t copied = 0;
    std::size_t stop = 0;  // bytes before it are looked at one by one
    for (std::size_t i = 0; i < text.size(); ++i) {
        // Eight bytes at a time while none of them needs a look.
        while (i >= stop && i + 8 <= text.size()) {
            std::uint64_t x = 0;
            std::memcpy(&x, text.data() + i, sizeof x);
            if (may_escape_any(x, is_attribute_value)) {
                stop = i + 8;
                break;
            }
            i += 8;
        }
        if (i >= text.size()) break;
        const char c = text[i];
        const std::uint8_t k = k_escape_class[static_cast<unsigned char>(c)];
        if (k == 0 || k > escapes) continue;
        std::string_view replacement;  // NUL and other C0 controls have no place in HTML
        if (c == '&') {
            replacement = "&amp;";
        } else if (c == '<') {
            replacement = "&lt;";
        } else if (c == '>') {
            replacement = "&gt;";
        } else if (c == '"') {
            replacement = "&quot;";
        }
        out.append(text.substr(copied, i - copied));
        out += replacement;
        copied = i + 1;
    }
    out.append(text.substr(copied));
}

enum class attribute_rule : std::uint8_t { drop, text, url, number, integer, boolean };

bool is_one_of(std::string_view s, std::initializer_list<std::string_view> options) noexcept {
    return std::find(options.begin(), options.end(), s) != options.end();
}

template <std::size_t N>
constexpr bool is_sorted_list(const std::string_view (&list)[N]) {
    for (std::size_t i = 1; i < N; ++i) {
        if (!(list[i - 1] < list[i])) return false;
    }
    return true;
}

template <std::size_t N>
bool is_listed(const std::string_view (&list)[N], std::string_view s) noexcept {
    return std::binary_search(std::begin(list), std::end(list), s);
}

// Attributes kept as written on every allowed element: presentation,
// language, table, list and media hints, and form-field hints that do
// nothing outside a form (forms and their controls are dropped). Left out
// on purpose, beside every on* handler: id and name (they clash with the
// page's own ids and anchors and clobber its document properties), for and
// form (they tie content to the page's own controls and forms: a label for
// the page's submit button submits it), accesskey (binds the page's keys),
// autofocus (moves focus unasked), contenteditable, target (new browsing
// contexts), ping (requests on a click), action, and the legacy loaders
// background, dynsrc, lowsrc, datasrc and vrml.
constexpr std::string_view common_attributes[] = {
    "abbr",
    "accept",
    "accept-charset",
    "align",
    "alt",
    "autocomplete",
    "axis",
    "balance",
    "bgcolor",
    "bgproperties",
    "border",
    "bordercolor",
    "bordercolordark",
    "bordercolorlight",
    "bottompadding",
    "cellpadding",
    "cellspacing",
    "ch",
    "challenge",
    "char",
    "charoff",
    "charset",
    "checked",
    "choff",
    "class",
    "clear",
    "color",
    "cols",
    "colspan",
    "compact",
    "coords",
    "datafld",
    "datapagesize",
    "datetime",
    "default",
    "delay",
    "dir",
    "disabled",
    "draggable",
    "enctype",
    "end",
    "face",
    "frame",
    "galleryimg",
    "gutter",
    "headers",
    "height",
    "hidden",
    "hidefocus",
    "high",
    "hreflang",
    "hspace",
    "inputmode",
    "ismap",
    "keytype",
    "label",
    "lang",
    "leftspacing",
    "list",
    "loop",
    "loopcount",
    "loopend",
    "loopstart",
    "low",
    "max",
    "maxlength",
    "media",
    "method",
    "min",
    "multiple",
    "nohref",
    "noshade",
    "nowrap",
    "open",
    "optimum",
    "pattern",
    "point-size",
    "pqg",
    "preload",
    "prompt",
    "radiogroup",
    "readonly",
    "rel",
    "repeat-max",
    "repeat-min",
    "replace",
    "required",
    "rev",
    "rightspacing",
    "rows",
    "rowspan",
    "rules",
    "scope",
    "selected",
    "shape",
    "size",
    "span",
    "start",
    "step",
    "summary",
    "suppress",
    "tabindex",
    "template",
    "title",
    "toppadding",
    "type",
    "unselectable",
    "urn",
    "usemap",
    "valign",
    "value",
    "variable",
    "volume",
    "vspace",
    "width",
    "wrap",
    "xml:lang",
};
static_assert(is_sorted_list(common_attributes), "is_listed() binary-searches the list");

// URL attributes kept on every allowed element, through the URL checks.
constexpr std::string_view url_attributes[] = {"cite",     "data",   "href", "icon",
                                               "longdesc", "poster", "src"};
static_assert(is_sorted_list(url_attributes), "is_listed() binary-searches the list");

attribute_rule rule_for(std::string_view el, std::string_view attr) noexcept {
    using r = attribute_rule;
    // Attributes with a stricter rule on some elements.
    if (el == "img") {
        if (attr == "width" || attr == "height") return r::number;
    } else if (el == "td" || el == "th") {
        if (attr == "colspan" || attr == "rowspan") return r::number;
    } else if (el == "col" || el == "colgroup") {
        if (attr == "span") return r::number;
    } else if (el == "ol") {
        if (attr == "start") return r::integer;
        if (attr == "reversed") return r::boolean;
    } else if (el == "li") {
        if (attr == "value") return r::integer;
    } else if (el == "audio" || el == "video") {
        if (is_one_of(attr, {"controls", "loop", "muted"})) return r::boolean;
        if ((attr == "width" || attr == "height") && el == "video") return r::number;
    } else if (el == "track") {
        if (is_one_of(attr, {"kind", "srclang"})) return r::text;
        if (attr == "default") return r::boolean;
    }
    if (is_listed(url_attributes, attr)) return r::url;
    if (is_listed(common_attributes, attr)) return r::text;
    return r::drop;
}

std::string_view trim_ascii(std::string_view s) noexcept {
    const auto is_ws = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    };
    while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
    return s;
}

// Digits only (an optional '-' for integers), at most 9 of them: width
// and height in "px" or "%" are presentation, and the attribute is dropped.
bool is_plain_number(std::string_view s, bool allows_sign) noexcept {
    if (allows_sign && !s.empty() && s.front() == '-') s.remove_prefix(1);
    return !s.empty() && s.size() <= 9 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void append_attribute(std::string& out, std::string_view name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
}

// Writes the start tag with its allowed attributes, void elements
// XHTML-style ("<br />", which HTML reads the same); false (and nothing
// written) for an <img> left without a safe src.
bool write_start_tag(std::string& out, std::string_view name, const html_token& t,
                     bool is_void_element, const sanitize_options& options) {
    const std::size_t mark = out.size();
    out += '<';
    out += name;
    bool has_src = false;
    bool has_controls = false;
    for (const html_attribute& a : t.attributes) {
        switch (rule_for(name, a.name)) {
            case attribute_rule::drop:
                break;
            case attribute_rule::text:
                append_attribute(out, a.name, a.value);
                break;
            case attribute_rule::url: {
                // The URL checked and resolved is the one written: without
                // the C0 controls append_escaped leaves out.
                const std::string value = without_controls(a.value);
                if (!is_safe_link_url(value)) break;
                std::optional<std::string> resolved;
                if (!options.base_url.empty()) resolved = resolve_url(options.base_url, value);
                // The base comes from the feed (xml:base) too: "javascript:x//"
                // as a base must not turn a harmless relative link into script.
                if (resolved && !is_safe_link_url(*resolved)) break;
                append_attribute(out, a.name, resolved ? std::string_view(*resolved) : value);
                has_src = has_src || a.name == "src";
                break;
            }
            case attribute_rule::number:
            case attribute_rule::integer: {
                const std::string_view v = trim_ascii(a.value);
                if (is_plain_number(v, rule_for(name, a.name) == attribute_rule::integer)) {
                    append_attribute(out, a.name, v);
                }
                break;
            }
            case attribute_rule::boolean:
                out += ' ';
                out += a.name;
                has_controls = has_controls || a.name == "controls";
                break;
        }
    }
    if (name == "img" && !has_src) {
        out.resize(mark);
        return false;
    }
    // Media is played only by the reader: controls always, autoplay never.
    if ((name == "audio" || name == "video") && !has_controls) out += " controls";
    out += is_void_element ? " />" : ">";
    return true;
}

// Open elements deeper than this are dropped (their text kept): each end
// tag searches the stack, and a document of 100,000 nested <div>s must not
// cost quadratic time.
constexpr std::size_t max_open_elements = 256;

const element* tag_element(const html_token& t) noexcept {
    const bool is_tag = t.kind == html_token_kind::start_tag || t.kind == html_token_kind::end_tag;
    return is_tag ? find_element(t.name) : nullptr;
}

// What a tag does to the text: <br> a line break, a block a paragraph
// break (<pre> keeps newlines until its end), a table cell a space.
void tag_breaks(text_builder& text, std::size_t& pre_depth, std::string_view name, const element* e,
                bool is_end_tag) noexcept {
    if (name == "br") {
        text.line_break();  // "in body": </br> is read as <br>
    } else if (has(e, block)) {
        text.paragraph_break();
        if (name == "pre") {
            if (!is_end_tag) {
                ++pre_depth;
            } else if (pre_depth > 0) {
                --pre_depth;
            }
        }
    } else if (has(e, cell)) {
        text.space();
    }
}

// html_to_text's reading of the token stream. `e` is the element of a
// tag (tag_element), so that a caller feeding several readers looks it up
// once.
class text_reader {
public:
    explicit text_reader(std::size_t size_hint) : text_(size_hint) {}

    void feed(const html_token& t, const element* e) {
        if (skipper_.is_active() && !skipper_.ends_with(t)) return;
        switch (t.kind) {
            case html_token_kind::text:
                text_.add(t.data, pre_depth_ > 0);
                break;
            case html_token_kind::start_tag:
                if (has(e, drops_text) && skipper_.begins(e, t)) break;
                tag_breaks(text_, pre_depth_, t.name, e, false);
                break;
            case html_token_kind::end_tag:
                tag_breaks(text_, pre_depth_, t.name, e, true);
                break;
            case html_token_kind::comment:
            case html_token_kind::end_of_input:
                break;
        }
    }

    std::string take() { return text_.take(); }

private:
    text_builder text_;
    content_skipper skipper_;
    std::size_t pre_depth_ = 0;
};

bool is_media(std::string_view name) noexcept {
    return name == "img" || name == "video" || name == "audio" || name == "picture";
}

// The line break the sanitized input had after a block goes with it.
void note_dropped_block(std::vector<std::pair<std::size_t, std::size_t>>& dropped,
                        std::string_view html, std::size_t begin, std::size_t end) {
    if (end < html.size() && html[end] == '\n') ++end;
    // Blocks close inside out: an outer block replaces the ones it holds.
    while (!dropped.empty() && dropped.back().first >= begin) dropped.pop_back();
    dropped.emplace_back(begin, end);
}

std::string without_ranges(std::string_view html,
                           const std::vector<std::pair<std::size_t, std::size_t>>& dropped) {
    std::string out;
    out.reserve(html.size());
    std::size_t at = 0;
    for (const auto& [begin, end] : dropped) {
        out.append(html.substr(at, begin - at));
        at = end;
    }
    out.append(html.substr(at));
    return out;
}

// sanitize_html's reading of the token stream.
class sanitizer {
public:
    sanitizer(std::size_t size_hint, const sanitize_options& options) : options_(options) {
        out_.reserve(size_hint);
    }

    void feed(const html_token& t, const element* e);

    std::string finish() {
        close_elements(0);
        return std::move(out_);
    }

private:
    void close_elements(std::size_t keep);

    std::string out_;
    std::vector<const element*> open_;  // as written (main, hgroup, dialog as div)
    content_skipper skipper_;
    const sanitize_options& options_;
};

void sanitizer::feed(const html_token& t, const element* e) {
    if (skipper_.is_active() && !skipper_.ends_with(t)) return;
    if (t.kind == html_token_kind::text) {
        append_escaped(out_, t.data, false);
        return;
    }
    if (t.kind != html_token_kind::start_tag && t.kind != html_token_kind::end_tag) return;
    if (e == nullptr) return;
    if (has(e, drops_content)) {
        if (t.kind == html_token_kind::start_tag) skipper_.begins(e, t);
        return;
    }
    if (!has(e, allowed | becomes_div)) return;
    static const element* const div = find_element("div");
    const element* written = has(e, becomes_div) ? div : e;
    const std::string_view name = written->name;

    if (t.kind == html_token_kind::end_tag) {
        if (name == "br") {
            out_ += "<br />";  // "in body": </br> is read as <br>
            return;
        }
        const auto it = std::find(open_.rbegin(), open_.rend(), written);
        if (it != open_.rend()) close_elements(static_cast<std::size_t>(open_.rend() - it) - 1);
        return;
    }

    const bool is_void_element = has(e, is_void);
    if (name == "a") {
        // "in body", start tag "a": an open <a> is closed first; links
        // never nest.
        const auto it = std::find(open_.rbegin(), open_.rend(), written);
        if (it != open_.rend()) close_elements(static_cast<std::size_t>(open_.rend() - it) - 1);
    }
    if (!is_void_element && open_.size() >= max_open_elements) return;
    if (write_start_tag(out_, name, t, is_void_element, options_) && !is_void_element)
        open_.push_back(written);
}

void sanitizer::close_elements(std::size_t keep) {
    while (open_.size() > keep) {
        out_ += "</";
        out_ += open_.back()->name;
        out_ += '>';
        open_.pop_back();
    }
}

// Adds a run of sanitized text as html_to_text reads it: append_escaped
// wrote only &amp;, &lt; and &gt; in text.
void add_sanitized_text(text_builder& text, std::string_view run, bool keeps_newlines,
                        std::string& scratch) {
    if (run.find('&') != std::string_view::npos) {
        scratch.clear();
        for (std::size_t i = 0; i < run.size(); ++i) {
            const std::string_view rest = run.substr(i);
            if (run[i] != '&') {
                scratch += run[i];
            } else if (rest.starts_with("&amp;")) {
                scratch += '&';
                i += 4;
            } else if (rest.starts_with("&lt;")) {
                scratch += '<';
                i += 3;
            } else if (rest.starts_with("&gt;")) {
                scratch += '>';
                i += 3;
            } else {
                scratch += run[i];
            }
        }
        run = scratch;
    }
    text.add(run, keeps_newlines);
}

// The known elements worth a lookup in looks_like_html are at most this long
// ("blockquote", "figcaption").
constexpr std::size_t max_element_name = 10;

bool is_element_name_at(std::string_view text, std::size_t i) noexcept {
    std::array<char, max_element_name> name{};
    std::size_t n = 0;
    while (i < text.size() && n < name.size() &&
           ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
            (text[i] >= '1' && text[i] <= '6'))) {
        const char c = text[i++];
        name[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (n == 0 || i >= text.size()) return false;
    const char next = text[i];
    const bool ends_name = next == '>' || next == '/' || next == ' ' || next == '\t' ||
                           next == '\n' || next == '\r' || next == '\f';
    if (!ends_name) return false;
    const element* e = find_element(std::string_view(name.data(), n));
    return e != nullptr && !has(e, no_evidence);
}

bool is_entity_at(std::string_view text, std::size_t amp) noexcept {
    std::size_t i = amp + 1;
    if (i < text.size() && text[i] == '#') {
        ++i;
        const bool is_hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
        if (is_hex) ++i;
        const std::size_t digits = i;
        while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') ||
                                   (is_hex && ((text[i] >= 'a' && text[i] <= 'f') ||
                                               (text[i] >= 'A' && text[i] <= 'F'))))) {
            ++i;
        }
        return i > digits && i < text.size() && text[i] == ';';
    }
    const std::size_t begin = i;
    while (i < text.size() && i - begin <= 32 &&
           ((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'z') ||
            (text[i] >= 'A' && text[i] <= 'Z'))) {
        ++i;
    }
    return i > begin && i < text.size() && text[i] == ';' &&
           html_entity_utf8(text.substr(begin, i - begin)).has_value();
}

}  // namespace

std::string html_to_text(std::string_view html) {
    html_tokenizer tokenizer(html);
    text_reader text(html.size());
    for (;;) {
        const html_token& t = tokenizer.next_token();
        if (t.kind == html_token_kind::end_of_input) break;
        text.feed(t, tag_element(t));
    }
    return text.take();
}

std::string collapse_text(std::string_view text) {
    text_builder out(text.size());
    out.add(text, true);
    return out.take();
}

std::string sanitize_html(std::string_view html, const sanitize_options& options) {
    html_tokenizer tokenizer(html);
    sanitizer out(html.size(), options);
    for (;;) {
        const html_token& t = tokenizer.next_token();
        if (t.kind == html_token_kind::end_of_input) break;
        out.feed(t, tag_element(t));
    }
    return out.finish();
}

html_body read_html_body(std::string_view html, const sanitize_options& options) {
    html_body body;
    html_tokenizer tokenizer(html);
    text_reader text(html.size());
    sanitizer out(html.size(), options);
    for (;;) {
        const html_token& t = tokenizer.next_token();
        if (t.kind == html_token_kind::end_of_input) break;
        const element* e = tag_element(t);
        text.feed(t, e);
        out.feed(t, e);
    }
    body.text = text.take();
    body.html = out.finish();
    return body;
}

bool looks_like_html(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '&') {
            if (is_entity_at(text, i)) return true;
        } else if (text[i] == '<' && i + 1 < text.size()) {
            const char next = text[i + 1];
            if (next == '!' && text.substr(i, 4) == "<!--") return true;
            if (is_element_name_at(text, next == '/' ? i + 2 : i + 1)) return true;
        }
    }
    return false;
}

std::string drop_html_blocks(std::string_view html,
                             const std::function<bool(std::string_view text)>& drop) {
    struct open_block {
        std::string_view name;
        std::size_t begin = 0;
        bool has_media = false;
    };
    std::vector<open_block> stack;
    std::vector<std::pair<std::size_t, std::size_t>> dropped;  // [begin, end), outermost last
    html_tokenizer tokenizer(html);
    for (;;) {
        const html_token& t = tokenizer.next_token();
        if (t.kind == html_token_kind::end_of_input) break;
        if (t.kind == html_token_kind::start_tag && is_media(t.name)) {
            // A picture stays in the body: only a caption block of its own
            // (figcaption) can go.
            for (auto& b : stack) b.has_media = true;
            continue;
        }
        if (t.kind == html_token_kind::start_tag && !t.is_self_closing && is_pruned_block(t.name)) {
            // Bounded like the sanitizer's nesting: deeper blocks are not
            // candidates of their own.
            if (stack.size() < 256) stack.push_back({t.name, t.offset, false});
            continue;
        }
        if (t.kind != html_token_kind::end_tag || !is_pruned_block(t.name)) continue;
        auto match = std::find_if(stack.rbegin(), stack.rend(),
                                  [&](const open_block& b) { return b.name == t.name; });
        if (match == stack.rend()) continue;
        const std::size_t begin = match->begin;
        const std::size_t end = tokenizer.position();
        const bool has_media = match->has_media;
        stack.erase(std::next(match).base(), stack.end());
        if (has_media || !drop(html_to_text(html.substr(begin, end - begin)))) continue;
        note_dropped_block(dropped, html, begin, end);
    }
    if (dropped.empty()) return std::string(html);
    return without_ranges(html, dropped);
}

std::string drop_sanitized_html_blocks(std::string_view html,
                                       const std::function<bool(std::string_view text)>& drop) {
    // What drop_html_blocks does, on the tags found directly: in the
    // sanitizer's output every '<' begins a tag and every '>' ends one
    // (text and attribute values escape both), tags are balanced, and the
    // text between two tags is one text token. The text of every block is
    // read once, as a slice of the text of the whole.
    struct open_block {
        std::string_view name;
        std::size_t begin = 0;
        std::size_t text_begin = 0;
        bool has_media = false;
        bool is_in_pre = false;  // html_to_text of the block alone reads it outside <pre>
    };
    std::vector<open_block> stack;
    std::vector<std::pair<std::size_t, std::size_t>> dropped;  // [begin, end), outermost last
    text_builder text(html.size());
    std::size_t pre_depth = 0;
    std::string scratch;
    std::size_t at = 0;
    for (;;) {
        const std::size_t lt = html.find('<', at);
        if (lt == std::string_view::npos) break;
        const std::size_t gt = html.find('>', lt);
        if (gt == std::string_view::npos) break;
        add_sanitized_text(text, html.substr(at, lt - at), pre_depth > 0, scratch);
        at = gt + 1;
        const bool is_end_tag = lt + 1 < gt && html[lt + 1] == '/';
        const std::size_t name_begin = lt + (is_end_tag ? 2 : 1);
        std::size_t name_end = name_begin;
        while (name_end < gt && html[name_end] != ' ' && html[name_end] != '/') ++name_end;
        const std::string_view name = html.substr(name_begin, name_end - name_begin);
        const element* e = find_element(name);
        const bool is_block = has(e, block) && !has(e, is_void);
        if (!is_end_tag) {
            // A picture stays in the body: only a caption block of its own
            // (figcaption) can go.
            if (is_media(name)) {
                for (open_block& b : stack) b.has_media = true;
            }
            if (is_block) stack.push_back({name, lt, text.size(), false, pre_depth > 0});
        }
        tag_breaks(text, pre_depth, name, e, is_end_tag);
        if (!is_end_tag || !is_block || stack.empty() || stack.back().name != name) continue;
        const open_block b = stack.back();
        stack.pop_back();
        if (b.has_media) continue;
        bool drops = false;
        if (b.is_in_pre) {
            drops = drop(html_to_text(html.substr(b.begin, at - b.begin)));
        } else {
            // The breaks and the space before the block's first character
            // belong to the text around it.
            std::string_view block_text = text.view().substr(b.text_begin);
            while (!block_text.empty() && (block_text.front() == '\n' || block_text.front() == ' '))
                block_text.remove_prefix(1);
            drops = drop(block_text);
        }
        if (drops) note_dropped_block(dropped, html, b.begin, at);
    }
    if (dropped.empty()) return std::string(html);
    return without_ranges(html, dropped);
}

}  // namespace feedwire::feeds
