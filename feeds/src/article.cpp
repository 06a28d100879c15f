// Main text and metadata of an article page (article.hpp).
//
// Four steps, each a pass over one light tree built from html_tokenizer:
// 1. build: elements and text in document order, so a child's index is
//    always above its parent's and one reverse sweep sums a subtree; the
//    tree builder knows only what article pages need of the HTML tree
//    construction rules (void elements, <p> and <li> closed implicitly, end
//    tags matched within a bounded distance);
// 2. prune: furniture is marked by tag, role, hidden state and class/id
//    words, top down; a node that also carries a content word ("article-
//    body-with-sidebar") and holds several long paragraphs stays;
// 3. score: readability's scheme. Each paragraph of 25 characters or more
//    gives 1 + its commas + one point per 100 characters (at most 3) to
//    its parent, half to the grandparent and a third to the level above;
//    containers start from a score by tag and by class words, and end
//    multiplied by (1 - link density). The best container wins, and its
//    siblings join when they score near it or are plain prose paragraphs;
// 4. write: the chosen nodes as HTML, leaving out figures (they become
//    associations), link lists, short link paragraphs and empty boxes.
// The HTML then becomes a raw_entry that normalize() treats like any feed
// entry's content.
#include "feedwire/feeds/article.hpp"

#include "feedwire/feeds/charset.hpp"
#include "feedwire/feeds/credits.hpp"
#include "feedwire/feeds/detect.hpp"
#include "feedwire/feeds/html_text.hpp"
#include "feedwire/feeds/html_tokenizer.hpp"
#include "feedwire/feeds/url.hpp"
#include "normalize.hpp"
#include "raw_feed.hpp"
#include "xml_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace feedwire::feeds {
namespace {

using json = nlohmann::json;

constexpr std::uint32_t no_node = std::numeric_limits<std::uint32_t>::max();

// A 16 MiB page of empty <i></i> pairs would make two million nodes; real
// article pages have a few thousand (a large news front page 20,000).
constexpr std::size_t max_nodes = 200000;

// An end tag closes the nearest open element of its name within this many
// levels; further up, it is a stray end tag and ignored. Bounds the work of
// a page of 100,000 unmatched end tags.
constexpr std::size_t max_end_tag_search = 64;

// JSON-LD blocks are a few KiB; bigger ones, or ones nested deeper than
// real metadata ever is, are skipped rather than parsed.
constexpr std::size_t max_json_ld_bytes = std::size_t{1} << 20;
constexpr unsigned max_json_ld_depth = 32;

// Class and id values are read up to this many bytes for their words.
constexpr std::size_t max_class_bytes = 512;

// A paragraph below this many characters adds nothing to its container's
// score (readability's threshold).
constexpr std::size_t min_paragraph_chars = 25;

// "Long" paragraphs protect a content container that also carries a
// furniture word; comments and link rails rarely hold three of them.
constexpr std::size_t long_paragraph_chars = 80;
constexpr std::size_t min_protecting_paragraphs = 3;

char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = ascii_lower(c);
    return out;
}

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool is_one_of(std::string_view s, std::initializer_list<std::string_view> list) noexcept {
    return std::find(list.begin(), list.end(), s) != list.end();
}

// ---------------------------------------------------------------------------
// The light tree

struct dom_node {
    std::string tag;   // lower case; empty for text
    std::string text;  // text nodes only
    std::vector<std::pair<std::string, std::string>> attributes;
    std::uint32_t parent = no_node;
    std::vector<std::uint32_t> children;

    // Filled by prune() and measure().
    bool is_removed = false;
    std::size_t chars = 0;       // visible characters below, whitespace runs counted once
    std::size_t link_chars = 0;  // of which inside <a>
    std::size_t commas = 0;
    std::size_t paragraphs = 0;       // <p> below
    std::size_t long_paragraphs = 0;  // <p> of long_paragraph_chars or more
    std::size_t list_items = 0;
    std::size_t images = 0;
    std::size_t inputs = 0;

    [[nodiscard]] bool is_text() const noexcept { return tag.empty(); }
    [[nodiscard]] const std::string* attribute(std::string_view name) const noexcept {
        for (const auto& [n, v] : attributes) {
            if (n == name) return &v;
        }
        return nullptr;
    }
    [[nodiscard]] std::string_view attr(std::string_view name) const noexcept {
        const std::string* v = attribute(name);
        return v == nullptr ? std::string_view() : std::string_view(*v);
    }
};

bool is_void_element(std::string_view tag) noexcept {
    return is_one_of(tag, {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen",
                           "link", "meta", "param", "source", "track", "wbr"});
}

// Start tags that close an open <p> ("in body" insertion mode).
bool closes_paragraph(std::string_view tag) noexcept {
    return is_one_of(tag, {"address", "article",  "aside",      "blockquote", "details", "div",
                           "dl",      "fieldset", "figcaption", "figure",     "footer",  "form",
                           "h1",      "h2",       "h3",         "h4",         "h5",      "h6",
                           "header",  "hgroup",   "hr",         "main",       "menu",    "nav",
                           "ol",      "p",        "pre",        "section",    "table",   "ul"});
}

struct dom {
    std::vector<dom_node> nodes;
    bool is_depth_limited = false;
    bool is_node_limited = false;
};

dom build_dom(std::string_view html, unsigned max_depth) {
    dom d;
    d.nodes.emplace_back();
    d.nodes[0].tag = "#document";
    std::vector<std::uint32_t> open{0};
    html_tokenizer tokenizer(html);

    const auto add_node = [&](dom_node&& n) -> std::uint32_t {
        const auto index = static_cast<std::uint32_t>(d.nodes.size());
        n.parent = open.back();
        d.nodes[open.back()].children.push_back(index);
        d.nodes.push_back(std::move(n));
        return index;
    };
    const auto pop_to = [&](std::size_t stack_index) { open.resize(stack_index); };
    const auto find_open = [&](std::string_view tag,
                               std::initializer_list<std::string_view> stops) -> std::size_t {
        const std::size_t lowest =
            open.size() > max_end_tag_search ? open.size() - max_end_tag_search : std::size_t{1};
        for (std::size_t i = open.size(); i-- > lowest;) {
            const std::string& t = d.nodes[open[i]].tag;
            if (t == tag) return i;
            if (is_one_of(t, stops)) return 0;
        }
        return 0;
    };

    for (;;) {
        const html_token& t = tokenizer.next_token();
        if (t.kind == html_token_kind::end_of_input) break;
        if (d.nodes.size() >= max_nodes) {
            d.is_node_limited = true;
            break;
        }
        switch (t.kind) {
            case html_token_kind::text: {
                dom_node& top = d.nodes[open.back()];
                if (!top.children.empty() && d.nodes[top.children.back()].is_text()) {
                    d.nodes[top.children.back()].text += t.data;
                } else {
                    dom_node n;
                    n.text.assign(t.data);
                    add_node(std::move(n));
                }
                break;
            }
            case html_token_kind::start_tag: {
                const std::string_view tag = t.name;
                if (closes_paragraph(tag)) {
                    if (const std::size_t p = find_open(
                            "p", {"div", "td", "li", "blockquote", "section", "article", "body"});
                        p > 0) {
                        pop_to(p);
                    }
                }
                if (tag == "li") {
                    if (const std::size_t li = find_open("li", {"ul", "ol", "menu"}); li > 0) {
                        pop_to(li);
                    }
                } else if (tag == "dt" || tag == "dd") {
                    std::size_t at = find_open("dt", {"dl"});
                    if (at == 0) at = find_open("dd", {"dl"});
                    if (at > 0) pop_to(at);
                } else if (tag == "td" || tag == "th" || tag == "tr") {
                    std::size_t at = find_open("td", {"tr", "table"});
                    if (at == 0) at = find_open("th", {"tr", "table"});
                    if (at > 0) pop_to(at);
                    if (tag == "tr") {
                        if (const std::size_t tr = find_open("tr", {"table"}); tr > 0) pop_to(tr);
                    }
                }
                if (open.size() > max_depth) {
                    d.is_depth_limited = true;  // the element's content joins its parent
                    break;
                }
                dom_node n;
                n.tag.assign(tag);
                n.attributes.reserve(t.attributes.size());
                for (const html_attribute& a : t.attributes) {
                    n.attributes.emplace_back(std::string(a.name), std::string(a.value));
                }
                const std::uint32_t index = add_node(std::move(n));
                // "<div/>" opens a div in HTML; only foreign elements self-close.
                const bool is_closed = t.is_self_closing && (tag == "svg" || tag == "math");
                if (!is_void_element(tag) && !is_closed) open.push_back(index);
                break;
            }
            case html_token_kind::end_tag: {
                if (t.name == "br") {
                    dom_node n;
                    n.tag = "br";
                    add_node(std::move(n));
                    break;
                }
                if (const std::size_t at = find_open(t.name, {}); at > 0) pop_to(at);
                break;
            }
            case html_token_kind::comment:
            case html_token_kind::end_of_input:
                break;
        }
    }
    return d;
}

// One past the last descendant of node i: descendants are the contiguous
// run of indices after i whose ancestor chain reaches i.
std::uint32_t subtree_end(const dom& d, std::uint32_t i) {
    auto k = static_cast<std::uint32_t>(i + 1);
    for (; k < d.nodes.size(); ++k) {
        std::uint32_t p = d.nodes[k].parent;
        while (p != no_node && p > i) p = d.nodes[p].parent;
        if (p != i) break;
    }
    return k;
}

// Characters of collapsed text: code points, a whitespace run counts once.
std::size_t visible_chars(std::string_view text, std::size_t* commas) noexcept {
    std::size_t n = 0;
    bool was_space = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            if (!was_space) ++n;
            was_space = true;
            continue;
        }
        was_space = false;
        if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
        ++n;
        if (c == ',') ++*commas;
    }
    return n;
}

// ---------------------------------------------------------------------------
// Class and id words

// Lower-cased words of the class and id attributes ("article__body--wide"
// -> article, body, wide).
std::vector<std::string> words_of(const dom_node& n) {
    std::vector<std::string> out;
    for (const std::string_view name : {std::string_view("class"), std::string_view("id")}) {
        std::string_view v = n.attr(name);
        v = v.substr(0, max_class_bytes);
        std::string word;
        for (const char c : v) {
            const bool is_word_char =
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (is_word_char) {
                word += ascii_lower(c);
            } else if (!word.empty()) {
                out.push_back(std::move(word));
                word.clear();
            }
        }
        if (!word.empty()) out.push_back(std::move(word));
    }
    return out;
}

// Words that mark furniture. Prefixes catch "sharebar", "newsletters",
// "related-stories", "commentlist"; exact words are too short to be
// prefixes ("ad" would take "address").
constexpr auto furniture_prefixes = std::to_array<std::string_view>(
    {"advert",   "sponsor",    "newsletter", "promo",     "related",    "comment", "share",
     "sharing",  "social",     "breadcrumb", "cookie",    "consent",    "gdpr",    "paywall",
     "subscri",  "sidebar",    "footer",     "recommend", "trending",   "popular", "outbrain",
     "taboola",  "widget",     "masthead",   "navbar",    "navigation", "menu",    "toolbar",
     "byline",   "author",     "signup",     "login",     "modal",      "popup",   "overlay",
     "skip",     "pagination", "pager",      "disqus",    "tagcloud",   "taglist", "readmore",
     "mostread", "banner",     "dfp",        "adslot"});
constexpr std::array furniture_words = std::to_array<std::string_view>(
    {"ad",        "ads",      "adv",  "nav",    "tags",     "sr",     "topics",
     "meta",      "hidden",   "hide", "sronly", "visually", "header", "topbar",
     "tools",     "utility",  "rail", "most",   "print",    "embed",  "twitter",
     "instagram", "facebook", "jump", "toc",    "logo",     "brand",  "branding"});
// Not furniture although they start like it.
constexpr auto furniture_exceptions =
    std::to_array<std::string_view>({"commentary", "authored", "menuitem-content"});

constexpr auto content_prefixes = std::to_array<std::string_view>(
    {"article", "content", "entry", "story", "post", "body", "text", "main", "prose", "blog"});

bool is_furniture_word(std::string_view w) noexcept {
    if (std::find(furniture_exceptions.begin(), furniture_exceptions.end(), w) !=
        furniture_exceptions.end()) {
        return false;
    }
    if (std::find(furniture_words.begin(), furniture_words.end(), w) != furniture_words.end()) {
        return true;
    }
    return std::any_of(furniture_prefixes.begin(), furniture_prefixes.end(),
                       [w](std::string_view p) { return w.starts_with(p); });
}

bool is_content_word(std::string_view w) noexcept {
    return std::any_of(content_prefixes.begin(), content_prefixes.end(),
                       [w](std::string_view p) { return w.starts_with(p); });
}

struct class_verdict {
    bool is_furniture = false;
    bool is_content = false;
};

class_verdict judge_classes(const dom_node& n) {
    class_verdict v;
    for (const auto& w : words_of(n)) {
        v.is_furniture = v.is_furniture || is_furniture_word(w);
        v.is_content = v.is_content || is_content_word(w);
    }
    return v;
}

// readability's class weight: +25 for a content word, -25 for furniture.
int class_weight(const dom_node& n) {
    const class_verdict v = judge_classes(n);
    return (v.is_content ? 25 : 0) - (v.is_furniture ? 25 : 0);
}

// ---------------------------------------------------------------------------
// Pruning and measuring

bool is_dropped_tag(std::string_view tag) noexcept {
    return is_one_of(
        tag, {"script", "style",    "noscript", "template", "svg",    "math",    "iframe", "object",
              "embed",  "canvas",   "nav",      "header",   "footer", "aside",   "form",   "button",
              "select", "textarea", "input",    "dialog",   "head",   "title",   "link",   "meta",
              "video",  "audio",    "map",      "label",    "option", "frameset"});
}

bool is_dropped_role(std::string_view role) noexcept {
    return is_one_of(role, {"navigation", "banner", "contentinfo", "complementary", "search",
                            "dialog", "alertdialog", "menu", "menubar", "toolbar"});
}

bool is_hidden(const dom_node& n) {
    if (n.attribute("hidden") != nullptr) return true;
    if (lower(trim(n.attr("aria-hidden"))) == "true") return true;
    std::string style;
    for (const char c : n.attr("style").substr(0, max_class_bytes)) {
        if (!is_space(c)) style += ascii_lower(c);
    }
    return style.find("display:none") != std::string::npos ||
           style.find("visibility:hidden") != std::string::npos;
}

// Sums the subtree figures bottom up (children have higher indices).
void measure(dom& d) {
    for (auto& n : d.nodes) {
        n.chars = n.link_chars = n.commas = n.paragraphs = n.long_paragraphs = 0;
        n.list_items = n.images = n.inputs = 0;
    }
    for (std::size_t i = d.nodes.size(); i-- > 1;) {
        dom_node& n = d.nodes[i];
        if (n.is_removed) continue;
        if (n.is_text()) {
            n.chars = visible_chars(n.text, &n.commas);
        } else {
            if (n.tag == "a") n.link_chars = n.chars;
            if (n.tag == "p") {
                ++n.paragraphs;
                if (n.chars >= long_paragraph_chars) ++n.long_paragraphs;
            }
            if (n.tag == "li") ++n.list_items;
            if (n.tag == "img") ++n.images;
            if (n.tag == "input") ++n.inputs;
        }
        dom_node& parent = d.nodes[n.parent];
        parent.chars += n.chars;
        parent.link_chars += n.link_chars;
        parent.commas += n.commas;
        parent.paragraphs += n.paragraphs;
        parent.long_paragraphs += n.long_paragraphs;
        parent.list_items += n.list_items;
        parent.images += n.images;
        parent.inputs += n.inputs;
    }
}

// Marks furniture, top down: a removed node's subtree is not visited.
void prune(dom& d) {
    measure(d);  // long_paragraphs of the whole tree, for the protection rule
    std::vector<std::uint32_t> stack{0};
    while (!stack.empty()) {
        const std::uint32_t i = stack.back();
        stack.pop_back();
        dom_node& n = d.nodes[i];
        if (n.is_text()) continue;
        const bool is_root = is_one_of(n.tag, {"#document", "html", "body", "main"});
        if (!is_root) {
            bool drop = false;
            if (is_dropped_tag(n.tag)) {
                // A page wrapped in one <form> (ASP.NET) still has its story.
                drop = !(n.tag == "form" && n.long_paragraphs >= min_protecting_paragraphs);
            } else if (is_dropped_role(lower(trim(n.attr("role"))))) {
                drop = true;
            } else if (is_hidden(n)) {
                drop = true;
            } else {
                const class_verdict v = judge_classes(n);
                drop = v.is_furniture &&
                       !(v.is_content && n.long_paragraphs >= min_protecting_paragraphs);
            }
            if (drop) {
                n.is_removed = true;
                continue;
            }
        }
        for (auto c = n.children.rbegin(); c != n.children.rend(); ++c) stack.push_back(*c);
    }
    // Parents come before children: one forward sweep removes whole subtrees.
    for (std::size_t i = 1; i < d.nodes.size(); ++i) {
        dom_node& n = d.nodes[i];
        if (n.parent != no_node && d.nodes[n.parent].is_removed) n.is_removed = true;
    }
    measure(d);
}

double link_density(const dom_node& n) noexcept {
    return n.chars == 0 ? 0.0 : static_cast<double>(n.link_chars) / static_cast<double>(n.chars);
}

bool is_block_tag(std::string_view tag) noexcept {
    return is_one_of(tag, {"address", "article", "aside",  "blockquote", "dd",      "div",   "dl",
                           "dt",      "figure",  "footer", "form",       "h1",      "h2",    "h3",
                           "h4",      "h5",      "h6",     "header",     "hr",      "li",    "main",
                           "nav",     "ol",      "p",      "pre",        "section", "table", "ul"});
}

// ---------------------------------------------------------------------------
// Scoring

struct scoring {
    std::vector<double> score;
    std::vector<bool> is_scored;
};

double initial_score(const dom_node& n) {
    double s = 0;
    if (is_one_of(n.tag, {"div", "article", "section", "main"})) {
        s = 5;
    } else if (is_one_of(n.tag, {"pre", "td", "blockquote"})) {
        s = 3;
    } else if (is_one_of(n.tag, {"address", "ol", "ul", "dl", "dd", "dt", "li", "form"})) {
        s = -3;
    } else if (is_one_of(n.tag, {"h1", "h2", "h3", "h4", "h5", "h6", "th"})) {
        s = -5;
    }
    return s + class_weight(n);
}

bool has_block_child(const dom& d, const dom_node& n) {
    return std::any_of(n.children.begin(), n.children.end(), [&](std::uint32_t c) {
        return !d.nodes[c].is_removed && is_block_tag(d.nodes[c].tag);
    });
}

// A paragraph for scoring: <p>, <pre>, <td>, or a <div>/<section> holding
// text and no blocks (div soup).
bool is_paragraph_like(const dom& d, const dom_node& n) {
    if (is_one_of(n.tag, {"p", "pre", "td"})) return true;
    if (is_one_of(n.tag, {"div", "section", "article"}) && !has_block_child(d, n)) {
        return std::any_of(n.children.begin(), n.children.end(), [&](std::uint32_t c) {
            return d.nodes[c].is_text() && d.nodes[c].chars > 0;
        });
    }
    return false;
}

bool is_inside_paragraph(const dom& d, std::uint32_t i) {
    for (std::uint32_t p = d.nodes[i].parent; p != no_node; p = d.nodes[p].parent) {
        if (d.nodes[p].tag == "p") return true;
    }
    return false;
}

scoring score_nodes(const dom& d) {
    scoring s;
    s.score.assign(d.nodes.size(), 0.0);
    s.is_scored.assign(d.nodes.size(), false);
    for (std::uint32_t i = 1; i < d.nodes.size(); ++i) {
        const dom_node& n = d.nodes[i];
        if (n.is_removed || n.is_text()) continue;
        if (!is_paragraph_like(d, n) || n.chars < min_paragraph_chars) continue;
        if (n.tag != "p" && is_inside_paragraph(d, i)) continue;
        const double points = 1.0 + static_cast<double>(n.commas) +
                              std::min(3.0, static_cast<double>(n.chars) / 100.0);
        std::uint32_t a = n.parent;
        for (int level = 0; level < 3 && a != no_node && a != 0; ++level) {
            if (!s.is_scored[a]) {
                s.score[a] = initial_score(d.nodes[a]);
                s.is_scored[a] = true;
            }
            const double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : 6.0;
            s.score[a] += points / divider;
            a = d.nodes[a].parent;
        }
    }
    for (std::size_t i = 0; i < d.nodes.size(); ++i) {
        if (s.is_scored[i]) s.score[i] *= 1.0 - link_density(d.nodes[i]);
    }
    return s;
}

std::string classes_of(const dom_node& n) { return std::string(trim(n.attr("class"))); }

// The nodes whose content is the article, in document order.
std::vector<std::uint32_t> pick_content(const dom& d, const scoring& s) {
    std::uint32_t top = no_node;
    for (std::uint32_t i = 1; i < d.nodes.size(); ++i) {
        if (!s.is_scored[i] || d.nodes[i].is_removed) continue;
        if (top == no_node || s.score[i] > s.score[top]) top = i;
    }
    if (top == no_node) {
        for (std::uint32_t i = 1; i < d.nodes.size(); ++i) {
            if (d.nodes[i].tag == "body") return {i};
        }
        return {0};
    }
    // A container that is its parent's only element child says nothing the
    // parent does not (readability climbs the same way); the score stays the
    // candidate's.
    const double top_score = s.score[top];
    for (;;) {
        const std::uint32_t p = d.nodes[top].parent;
        if (p == no_node || p == 0 || is_one_of(d.nodes[p].tag, {"body", "html"})) break;
        std::size_t elements = 0;
        for (const std::uint32_t c : d.nodes[p].children) {
            const dom_node& cn = d.nodes[c];
            if (cn.is_removed) continue;
            if (!cn.is_text() || cn.chars > 0) ++elements;
        }
        if (elements != 1) break;
        top = p;
    }
    const std::uint32_t parent = d.nodes[top].parent;
    if (parent == no_node) return {top};
    const double threshold = std::max(10.0, top_score * 0.2);
    const std::string top_classes = classes_of(d.nodes[top]);
    std::vector<std::uint32_t> out;
    for (const std::uint32_t c : d.nodes[parent].children) {
        const dom_node& n = d.nodes[c];
        if (n.is_removed || n.is_text()) continue;
        if (c == top) {
            out.push_back(c);
            continue;
        }
        double bonus = 0;
        if (!top_classes.empty() && classes_of(n) == top_classes) bonus += top_score * 0.2;
        const bool is_same_kind =
            !top_classes.empty() && classes_of(n) == top_classes && n.tag == d.nodes[top].tag;
        if (s.is_scored[c] && s.score[c] + bonus >= threshold) {
            out.push_back(c);
        } else if (is_same_kind && n.chars > 0 && link_density(n) < 0.25) {
            // One wrapper per paragraph ("text-block" components): every
            // wrapper of the story's kind is part of it.
            out.push_back(c);
        } else if (n.tag == "p") {
            const double ld = link_density(n);
            if (n.chars > long_paragraph_chars && ld < 0.25) {
                out.push_back(c);
            } else if (n.chars > 0 && n.chars <= long_paragraph_chars && ld == 0.0) {
                // A short plain sentence next to the story is part of it.
                std::string t;
                for (const std::uint32_t k : n.children) {
                    if (d.nodes[k].is_text()) t += d.nodes[k].text;
                }
                const std::string_view tv = trim(t);
                if (!tv.empty() && (tv.back() == '.' || tv.ends_with("\xE2\x80\x9D"))) {
                    out.push_back(c);
                }
            }
        }
    }
    return out;
}

// ---------------------------------------------------------------------------
// Writing the content as HTML

// Text and attribute values alike: quotes escaped too.
void append_escaped(std::string& out, std::string_view text) {
    detail::escape_into(out, text, true);
}

bool is_written_tag(std::string_view tag) noexcept {
    return is_one_of(
        tag,
        {"p",   "h2",      "h3",         "h4",   "h5",   "h6",     "ul",    "ol",    "li",    "dl",
         "dt",  "dd",      "blockquote", "pre",  "code", "table",  "thead", "tbody", "tfoot", "tr",
         "td",  "th",      "caption",    "a",    "b",    "strong", "i",     "em",    "u",     "s",
         "sub", "sup",     "q",          "cite", "abbr", "time",   "mark",  "small", "br",    "hr",
         "div", "section", "article",    "main", "span", "address"});
}

// readability's "clean conditionally", for boxes inside the chosen content.
bool is_junk_box(const dom& d, const dom_node& n) {
    const double ld = link_density(n);
    if (n.tag == "ul" || n.tag == "ol" || n.tag == "dl") return ld > 0.5;
    if (is_one_of(n.tag, {"p", "h2", "h3", "h4", "h5", "h6"})) {
        // "Read more: <a>Another story</a>" between paragraphs.
        return n.chars > 0 && n.chars < 200 && ld >= 0.5;
    }
    if (!is_one_of(n.tag, {"div", "section", "table", "aside", "span"})) return false;
    if (n.commas >= 10) return false;
    if (n.inputs > 0 && n.inputs * 3 > n.paragraphs) return true;
    if (n.tag != "span" && n.chars < min_paragraph_chars && n.images == 0 &&
        has_block_child(d, n) == false && n.chars > 0) {
        // "Advertisement", "Continue reading below" labels.
        return true;
    }
    if (n.tag != "table" && n.list_items > n.paragraphs + 3 && ld > 0.3) return true;
    // readability: a box with links for a fifth of its text is a link rail
    // unless its class says content, then half.
    return ld > (class_weight(n) >= 25 ? 0.5 : 0.2);
}

class content_writer {
public:
    explicit content_writer(const dom& d) : d_(d) {}

    void write(std::uint32_t i, std::size_t depth) {
        const dom_node& n = d_.nodes[i];
        if (n.is_removed) return;
        if (n.is_text()) {
            append_escaped(out_, n.text);
            return;
        }
        if (depth > 0 && is_junk_box(d_, n)) return;
        if (is_one_of(n.tag, {"figure", "figcaption", "img", "picture", "h1"})) return;
        const bool is_written = is_written_tag(n.tag);
        if (is_written) {
            out_ += '<';
            out_ += n.tag;
            if (n.tag == "a") {
                if (const std::string* href = n.attribute("href")) {
                    out_ += " href=\"";
                    append_escaped(out_, *href);
                    out_ += '"';
                }
            }
            for (const std::string_view a : {"colspan", "rowspan", "datetime", "cite"}) {
                if (const std::string* v = n.attribute(a)) {
                    out_ += ' ';
                    out_ += a;
                    out_ += "=\"";
                    append_escaped(out_, *v);
                    out_ += '"';
                }
            }
            out_ += '>';
        } else if (is_block_tag(n.tag)) {
            out_ += "<div>";
        }
        for (const std::uint32_t c : n.children) write(c, depth + 1);
        if (is_written) {
            if (!is_void_element(n.tag)) {
                out_ += "</";
                out_ += n.tag;
                out_ += '>';
            }
        } else if (is_block_tag(n.tag)) {
            out_ += "</div>";
        }
    }

    std::string take() { return std::move(out_); }

private:
    const dom& d_;
    std::string out_;
};

// ---------------------------------------------------------------------------
// Metadata

std::string text_of(const dom& d, std::uint32_t i) {
    std::string out;
    std::vector<std::uint32_t> stack{i};
    while (!stack.empty()) {
        const std::uint32_t k = stack.back();
        stack.pop_back();
        const dom_node& n = d.nodes[k];
        if (n.is_text()) {
            out += n.text;
            continue;
        }
        if (is_one_of(n.tag, {"script", "style", "template", "noscript"})) continue;
        if (n.tag == "br" || is_block_tag(n.tag)) out += ' ';
        for (auto c = n.children.rbegin(); c != n.children.rend(); ++c) stack.push_back(*c);
    }
    return collapse_text(out);
}

// One line of text: newlines from <br> become spaces.
std::string one_line(std::string s) {
    for (auto& c : s) {
        if (c == '\n') c = ' ';
    }
    return collapse_text(s);
}

bool has_ancestor(const dom& d, std::uint32_t i, std::initializer_list<std::string_view> tags) {
    for (std::uint32_t p = d.nodes[i].parent; p != no_node; p = d.nodes[p].parent) {
        if (is_one_of(d.nodes[p].tag, tags)) return true;
    }
    return false;
}

// Inside a rail of other stories, comments or promotions: pictures and
// times there belong to other articles.
bool is_in_rail(const dom& d, std::uint32_t i) {
    for (std::uint32_t p = i; p != no_node; p = d.nodes[p].parent) {
        const dom_node& n = d.nodes[p];
        if (is_one_of(n.tag, {"nav", "aside", "footer", "form"})) return true;
        if (is_dropped_role(lower(trim(n.attr("role"))))) return true;
        for (const auto& w : words_of(n)) {
            if (w == "header" || w == "masthead" || w == "meta" || w.starts_with("byline") ||
                w.starts_with("author") || w == "hidden") {
                continue;  // the article's own header and byline
            }
            if (is_furniture_word(w)) return true;
        }
    }
    return false;
}

struct json_ld {
    std::string headline;
    std::string description;
    std::string published;
    std::string modified;
    std::vector<person> authors;
    std::vector<detail::raw_media> images;
    std::string publisher;
    std::string language;
    std::string url;
    std::vector<std::string> keywords;
    std::string article_body;
    bool is_free = true;
    bool has_article = false;
};

std::string json_string(const json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_number_integer()) return std::to_string(j.get<std::int64_t>());
    return {};
}

std::string json_member(const json& o, const char* key) {
    if (!o.is_object()) return {};
    const auto it = o.find(key);
    if (it == o.end()) return {};
    if (it->is_array() && !it->empty()) return json_string(it->front());
    return json_string(*it);
}

const json* json_find(const json& o, const char* key) {
    if (!o.is_object()) return nullptr;
    const auto it = o.find(key);
    return it == o.end() ? nullptr : &*it;
}

bool has_type(const json& o, std::span<const std::string_view> types) {
    const json* t = json_find(o, "@type");
    if (t == nullptr) return false;
    const auto matches = [&](const json& v) {
        if (!v.is_string()) return false;
        std::string s = v.get<std::string>();
        if (const auto slash = s.rfind('/'); slash != std::string::npos) s.erase(0, slash + 1);
        return std::find(types.begin(), types.end(), s) != types.end();
    };
    if (t->is_array()) return std::any_of(t->begin(), t->end(), matches);
    return matches(*t);
}

std::optional<std::uint32_t> json_dimension(const json& o, const char* key) {
    const json* v = json_find(o, key);
    if (v == nullptr) return std::nullopt;
    if (v->is_number_unsigned()) {
        const auto n = v->get<std::uint64_t>();
        if (n > 0 && n < 100000) return static_cast<std::uint32_t>(n);
    }
    if (v->is_string()) {
        const std::string s = v->get<std::string>();
        std::uint32_t n = 0;
        std::size_t k = 0;
        while (k < s.size() && k < 6 && s[k] >= '0' && s[k] <= '9') {
            n = n * 10 + static_cast<std::uint32_t>(s[k] - '0');
            ++k;
        }
        if (k > 0 && n > 0) return n;
    }
    return std::nullopt;
}

void read_json_ld_people(const json& j, std::vector<person>& out) {
    if (j.is_array()) {
        for (const auto& e : j) read_json_ld_people(e, out);
        return;
    }
    if (j.is_string()) {
        out.push_back(person{j.get<std::string>(), {}, {}});
        return;
    }
    if (!j.is_object()) return;
    person p;
    p.name = json_member(j, "name");
    p.email = json_member(j, "email");
    p.uri = json_member(j, "url");
    if (!p.name.empty() || !p.email.empty()) out.push_back(std::move(p));
}

void read_json_ld_images(const json& j, std::vector<detail::raw_media>& out) {
    if (j.is_array()) {
        for (const auto& e : j) read_json_ld_images(e, out);
        return;
    }
    detail::raw_media m;
    m.medium = "image";
    if (j.is_string()) {
        m.url = j.get<std::string>();
    } else if (j.is_object()) {
        m.url = json_member(j, "url");
        if (m.url.empty()) m.url = json_member(j, "contentUrl");
        m.description = json_member(j, "caption");
        if (m.description.empty()) m.description = json_member(j, "description");
        m.credit = json_member(j, "creditText");
        if (m.credit.empty()) m.credit = json_member(j, "copyrightHolder");
        m.width = json_dimension(j, "width");
        m.height = json_dimension(j, "height");
    }
    if (!m.url.empty()) out.push_back(std::move(m));
}

constexpr std::array<std::string_view, 15> article_types = {"Article",
                                                            "NewsArticle",
                                                            "ReportageNewsArticle",
                                                            "AnalysisNewsArticle",
                                                            "OpinionNewsArticle",
                                                            "BackgroundNewsArticle",
                                                            "ReviewNewsArticle",
                                                            "BlogPosting",
                                                            "LiveBlogPosting",
                                                            "Report",
                                                            "TechArticle",
                                                            "ScholarlyArticle",
                                                            "SocialMediaPosting",
                                                            "SatiricalArticle",
                                                            "AdvertiserContentArticle"};

constexpr std::array<std::string_view, 3> publisher_types = {"Organization",
                                                             "NewsMediaOrganization", "WebSite"};

void read_json_ld_article(const json& o, json_ld& out) {
    out.has_article = true;
    out.headline = json_member(o, "headline");
    if (out.headline.empty()) out.headline = json_member(o, "name");
    out.description = json_member(o, "description");
    out.published = json_member(o, "datePublished");
    if (out.published.empty()) out.published = json_member(o, "dateCreated");
    out.modified = json_member(o, "dateModified");
    if (const json* a = json_find(o, "author")) read_json_ld_people(*a, out.authors);
    if (const json* im = json_find(o, "image")) read_json_ld_images(*im, out.images);
    if (const json* p = json_find(o, "publisher")) {
        out.publisher = p->is_string() ? json_string(*p) : json_member(*p, "name");
    }
    out.language = json_member(o, "inLanguage");
    out.url = json_member(o, "url");
    if (out.url.empty()) {
        if (const json* m = json_find(o, "mainEntityOfPage")) {
            out.url = m->is_string() ? json_string(*m) : json_member(*m, "@id");
        }
    }
    if (const json* k = json_find(o, "keywords")) {
        if (k->is_array()) {
            for (const auto& e : *k) {
                if (e.is_string()) out.keywords.push_back(e.get<std::string>());
            }
        } else if (k->is_string()) {
            const std::string s = k->get<std::string>();
            std::size_t start = 0;
            while (start <= s.size()) {
                const std::size_t comma = s.find(',', start);
                const std::string_view part = trim(std::string_view(s).substr(
                    start, comma == std::string::npos ? std::string::npos : comma - start));
                if (!part.empty()) out.keywords.emplace_back(part);
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        }
    }
    out.article_body = json_member(o, "articleBody");
    if (const json* f = json_find(o, "isAccessibleForFree")) {
        out.is_free = !((f->is_boolean() && !f->get<bool>()) ||
                        (f->is_string() && lower(f->get<std::string>()) == "false"));
    }
}

// Nesting depth of a JSON text, strings skipped; checked before parsing
// because nlohmann-json recurses once per level.
unsigned json_depth(std::string_view text) noexcept {
    unsigned depth = 0;
    unsigned deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

// Collects the candidate objects of one JSON-LD block: the top level, its
// array elements and @graph members.
void collect_json_ld_objects(const json& j, std::vector<const json*>& out, unsigned level) {
    if (level > 3) return;
    if (j.is_array()) {
        for (const auto& e : j) collect_json_ld_objects(e, out, level + 1);
        return;
    }
    if (!j.is_object()) return;
    out.push_back(&j);
    if (const json* g = json_find(j, "@graph")) collect_json_ld_objects(*g, out, level + 1);
}

json_ld read_json_ld(const dom& d, std::vector<std::string>& warnings) {
    json_ld out;
    std::vector<json> docs;
    for (std::uint32_t i = 1; i < d.nodes.size(); ++i) {
        const dom_node& n = d.nodes[i];
        if (n.tag != "script" || lower(trim(n.attr("type"))) != "application/ld+json") continue;
        std::string text;
        for (const std::uint32_t c : n.children) text += d.nodes[c].text;
        if (text.size() > max_json_ld_bytes || json_depth(text) > max_json_ld_depth) {
            warnings.push_back("JSON-LD block of " + std::to_string(text.size()) +
                               " bytes skipped: too large or too deeply nested");
            continue;
        }
        json j = json::parse(text, nullptr, false);
        if (j.is_discarded()) {
            warnings.push_back("JSON-LD block is not valid JSON; skipped");
            continue;
        }
        docs.push_back(std::move(j));
    }
    std::vector<const json*> objects;
    for (const auto& j : docs) collect_json_ld_objects(j, objects, 0);
    const json* article = nullptr;
    for (const json* o : objects) {
        if (has_type(*o, article_types)) {
            article = o;
            break;
        }
    }
    if (article != nullptr) read_json_ld_article(*article, out);
    if (out.publisher.empty()) {
        for (const json* o : objects) {
            if (has_type(*o, publisher_types)) {
                out.publisher = json_member(*o, "name");
                if (!out.publisher.empty()) break;
            }
        }
    }
    return out;
}

struct page_meta {
    std::unordered_map<std::string, std::string> values;  // first of each name or property
    std::vector<std::string> article_tags;
    std::vector<std::string> keywords;
    std::string title;
    std::string canonical;
    std::string base_href;
    std::string language;
    std::vector<person> rel_authors;
    std::string h1;
    std::string first_time;
    std::string itemprop_published;
    std::string itemprop_modified;

    [[nodiscard]] std::string get(std::string_view key) const {
        const auto it = values.find(std::string(key));
        return it == values.end() ? std::string() : it->second;
    }
};

bool rel_has(const dom_node& n, std::string_view token) {
    const std::string rel = lower(n.attr("rel"));
    std::size_t start = 0;
    while (start < rel.size()) {
        std::size_t end = start;
        while (end < rel.size() && !is_space(rel[end])) ++end;
        if (std::string_view(rel).substr(start, end - start) == token) return true;
        start = end + 1;
    }
    return false;
}

page_meta read_meta(const dom& d) {
    page_meta m;
    for (std::uint32_t i = 1; i < d.nodes.size(); ++i) {
        const dom_node& n = d.nodes[i];
        if (n.is_text()) continue;
        if (n.tag == "html" && m.language.empty()) {
            m.language = std::string(trim(n.attr("lang")));
            if (m.language.empty()) m.language = std::string(trim(n.attr("xml:lang")));
        } else if (n.tag == "meta") {
            const std::string* content = n.attribute("content");
            if (content == nullptr) continue;
            for (const std::string_view key_attr : {"property", "name", "itemprop", "http-equiv"}) {
                const std::string key = lower(trim(n.attr(key_attr)));
                if (key.empty()) continue;
                const std::string value(trim(*content));
                if (key == "article:tag") m.article_tags.push_back(value);
                if (key == "news_keywords" || key == "keywords") m.keywords.push_back(value);
                m.values.emplace(key, value);
            }
        } else if (n.tag == "title" && m.title.empty() && !has_ancestor(d, i, {"svg"})) {
            m.title = one_line(text_of(d, i));
        } else if (n.tag == "link") {
            if (rel_has(n, "canonical") && m.canonical.empty()) {
                m.canonical = std::string(trim(n.attr("href")));
            }
        } else if (n.tag == "base" && m.base_href.empty()) {
            m.base_href = std::string(trim(n.attr("href")));
        } else if (n.tag == "h1" && m.h1.empty() && !is_in_rail(d, i)) {
            m.h1 = one_line(text_of(d, i));
        } else if (n.tag == "time" && n.attribute("datetime") != nullptr) {
            const std::string dt(trim(n.attr("datetime")));
            const std::string prop = lower(n.attr("itemprop"));
            if (prop == "datepublished" && m.itemprop_published.empty()) {
                m.itemprop_published = dt;
            } else if (prop == "datemodified" && m.itemprop_modified.empty()) {
                m.itemprop_modified = dt;
            } else if (m.first_time.empty() && !is_in_rail(d, i)) {
                m.first_time = dt;
            }
        }
        if (n.tag == "a" && rel_has(n, "author") && !is_in_rail(d, i)) {
            person p{one_line(text_of(d, i)), {}, std::string(trim(n.attr("href")))};
            if (!p.name.empty()) m.rel_authors.push_back(std::move(p));
        }
    }
    return m;
}

// Byline text without its "By " and trailing role ("By Jane Doe, Staff
// Writer" -> "Jane Doe"); names joined by "and" or "&" become several.
std::vector<person> people_from_byline(std::string_view text) {
    std::string s(trim(text));
    for (const std::string_view prefix :
         {"By ", "by ", "BY ", "Автор: ", "Text: ", "Written by "}) {
        if (s.starts_with(prefix)) {
            s.erase(0, prefix.size());
            break;
        }
    }
    for (const std::string_view stop : {" | ", ",", " - ", " \xE2\x80\x94 ", "\n"}) {
        if (const auto at = s.find(stop); at != std::string::npos) s.erase(at);
    }
    std::vector<person> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find(" and ", start);
        std::size_t skip = 5;
        if (const auto amp = s.find(" & ", start); amp < end) {
            end = amp;
            skip = 3;
        }
        const std::string_view name =
            trim(std::string_view(s).substr(start, end == std::string::npos ? end : end - start));
        if (!name.empty() && name.size() < 80) out.push_back(person{std::string(name), {}, {}});
        if (end == std::string::npos) break;
        start = end + skip;
    }
    return out;
}

std::vector<person> byline_people(const dom& d) {
    for (std::uint32_t i = 1; i < d.nodes.size(); ++i) {
        const dom_node& n = d.nodes[i];
        if (n.is_text()) continue;
        bool is_byline = lower(n.attr("itemprop")) == "author";
        for (const auto& w : words_of(n)) {
            is_byline = is_byline || w == "byline" || w == "author" || w == "authors" ||
                        w == "author-name" || w == "authorname";
        }
        if (!is_byline || is_in_rail(d, i) || has_ancestor(d, i, {"footer", "aside"})) continue;
        // itemprop=author may hold a nested itemprop=name.
        for (std::uint32_t k = i + 1, end = subtree_end(d, i); k < end; ++k) {
            if (lower(d.nodes[k].attr("itemprop")) == "name") {
                std::string name = one_line(text_of(d, k));
                if (!name.empty()) return {person{std::move(name), {}, {}}};
            }
        }
        auto people = people_from_byline(one_line(text_of(d, i)));
        if (!people.empty()) return people;
    }
    return {};
}

// Headline without the site name a <title> or og:title carries ("Story
// headline | The Daily Example", "Site: Story").
std::string strip_site_name(std::string title, std::string_view site, std::string_view h1) {
    if (!h1.empty() && title.size() > h1.size() && title.starts_with(h1)) return std::string(h1);
    const std::string site_lower = lower(site);
    for (const std::string_view sep :
         {std::string_view(" | "), std::string_view(" - "), std::string_view(" \xE2\x80\x94 "),
          std::string_view(" \xE2\x80\x93 "), std::string_view(" :: "),
          std::string_view(" \xC2\xB7 "), std::string_view(" \xC2\xBB ")}) {
        const std::size_t at = title.rfind(sep);
        if (at == std::string::npos || at == 0) continue;
        const std::string head(trim(std::string_view(title).substr(0, at)));
        const std::string tail(trim(std::string_view(title).substr(at + sep.size())));
        const auto words = [](std::string_view s) {
            std::size_t n = 0;
            bool in_word = false;
            for (const char c : s) {
                if (c == ' ') {
                    in_word = false;
                } else if (!in_word) {
                    in_word = true;
                    ++n;
                }
            }
            return n;
        };
        const std::string tail_lower = lower(tail);
        const bool is_site =
            !site_lower.empty() && (tail_lower == site_lower || tail_lower.find(site_lower) == 0 ||
                                    site_lower.find(tail_lower) == 0);
        if (is_site || (words(tail) <= 3 && words(head) >= 4))
            return strip_site_name(head, site, h1);
    }
    // A site name in front: "Site: Headline".
    if (!site.empty() && lower(title).starts_with(site_lower)) {
        std::string_view rest = std::string_view(title).substr(site.size());
        while (!rest.empty() && (rest.front() == ':' || rest.front() == '|' ||
                                 rest.front() == ' ' || rest.front() == '-')) {
            rest.remove_prefix(1);
        }
        if (rest.size() > 10) return std::string(rest);
    }
    return title;
}

// The URL of an image element: a lazy-loading attribute when src is a
// placeholder, else src, else the largest srcset candidate.
std::string image_url(const dom_node& img) {
    std::string src(trim(img.attr("src")));
    const bool is_placeholder = src.empty() || src.starts_with("data:");
    if (is_placeholder) {
        for (const std::string_view a :
             {"data-src", "data-original", "data-lazy-src", "data-url"}) {
            const std::string_view v = trim(img.attr(a));
            if (!v.empty()) return std::string(v);
        }
        std::string_view srcset = img.attr("srcset");
        if (srcset.empty()) srcset = img.attr("data-srcset");
        std::string best;
        unsigned best_width = 0;
        while (!srcset.empty()) {
            const std::size_t comma = srcset.find(',');
            const std::string_view cand = trim(srcset.substr(0, comma));
            srcset =
                comma == std::string_view::npos ? std::string_view() : srcset.substr(comma + 1);
            const std::size_t sp = cand.find(' ');
            const std::string_view url = cand.substr(0, sp);
            unsigned width = 0;
            if (sp != std::string_view::npos) {
                for (const char c : cand.substr(sp + 1)) {
                    if (c >= '0' && c <= '9' && width < 100000) {
                        width = width * 10 + static_cast<unsigned>(c - '0');
                    }
                }
            }
            if (best.empty() || width > best_width) {
                best.assign(url);
                best_width = width;
            }
        }
        if (!best.empty()) return best;
        return {};
    }
    return src;
}

std::optional<std::uint32_t> dimension(std::string_view text) {
    const std::string_view v = trim(text);
    if (v.empty() || v.size() > 6) return std::nullopt;
    std::uint32_t out = 0;
    for (const char c : v) {
        if (c < '0' || c > '9') return std::nullopt;
        out = out * 10 + static_cast<std::uint32_t>(c - '0');
    }
    return out == 0 ? std::nullopt : std::optional<std::uint32_t>(out);
}

std::optional<std::uint32_t> attribute_number(const dom_node& n, std::string_view name) {
    return dimension(n.attr(name));
}

bool is_credit_node(const dom_node& n) {
    if (lower(n.attr("itemprop")) == "copyrightholder") return true;
    for (const auto& w : words_of(n)) {
        if (w.starts_with("credit") || w.starts_with("copyright") || w == "photographer" ||
            w == "source" || w == "attribution") {
            return true;
        }
    }
    return false;
}

// Pictures of the story: <figure> with an image outside rails, its caption
// and credit. A credit in its own element wins; otherwise a credit at the
// end of the caption ("... (AP Photo/Name)") is split off.
std::vector<detail::raw_media> figures(const dom& d) {
    std::vector<detail::raw_media> out;
    for (std::uint32_t i = 1; i < d.nodes.size(); ++i) {
        const dom_node& n = d.nodes[i];
        if (n.tag != "figure" || is_in_rail(d, i)) continue;
        detail::raw_media m;
        m.medium = "image";
        std::string caption;
        std::string credit;
        for (std::uint32_t k = i + 1, end = subtree_end(d, i); k < end; ++k) {
            const dom_node& c = d.nodes[k];
            if (c.tag == "img" && m.url.empty()) {
                m.url = image_url(c);
                m.width = attribute_number(c, "width");
                m.height = attribute_number(c, "height");
                if (caption.empty()) caption = std::string(trim(c.attr("alt")));
            } else if (c.tag == "figcaption") {
                caption.clear();
                for (std::uint32_t q = k + 1, q_end = subtree_end(d, k); q < q_end; ++q) {
                    if (!d.nodes[q].is_text() && is_credit_node(d.nodes[q]) && credit.empty()) {
                        credit = one_line(text_of(d, q));
                    }
                }
                std::string all = one_line(text_of(d, k));
                if (!credit.empty()) {
                    if (const auto at = all.rfind(credit); at != std::string::npos) {
                        all.erase(at, credit.size());
                    }
                    caption = collapse_text(all);
                } else if (auto split = captioned_credit(all)) {
                    caption = split->caption;
                    credit = split->creditline;
                } else {
                    caption = all;
                }
            }
        }
        if (m.url.empty()) continue;
        m.description = caption;
        m.credit = credit;
        out.push_back(std::move(m));
    }
    return out;
}

std::string first_of(std::initializer_list<std::string> values) {
    for (const auto& v : values) {
        if (!trim(v).empty()) return std::string(trim(v));
    }
    return {};
}

unexpected<parse_error> fail(parse_errc code, std::string cause, const parse_options& options) {
    if (!options.url.empty()) cause += " (" + options.url + ")";
    return unexpected<parse_error>{parse_error{code, std::move(cause)}};
}

std::string resolve_or_empty(const std::string& base, const std::string& ref) {
    if (ref.empty()) return {};
    if (base.empty()) return has_scheme(ref) ? ref : std::string();
    return resolve_url(base, ref).value_or(std::string());
}

}  // namespace

std::string whole_page_text(std::string_view html_bytes, const parse_options& options) {
    const decoded_text decoded =
        decode_html_document(html_bytes, charset_from_content_type(options.content_type));
    return html_to_text(decoded.utf8);
}

result<parsed_article, parse_error> parse_article(std::string_view html_bytes,
                                                  const parse_options& options) {
    if (html_bytes.size() > options.max_bytes) {
        return fail(parse_errc::too_large,
                    "page of " + std::to_string(html_bytes.size()) +
                        " bytes exceeds the limit of " + std::to_string(options.max_bytes),
                    options);
    }
    const sniffed_document sniffed = sniff_document(html_bytes);
    if (sniffed.kind == document_kind::empty) {
        return fail(parse_errc::empty, "not an article: " + sniffed.description, options);
    }
    if (sniffed.kind == document_kind::binary || sniffed.kind == document_kind::json) {
        return fail(parse_errc::not_a_feed, "not an HTML page: " + sniffed.description, options);
    }

    parsed_article out;
    decoded_text decoded =
        decode_html_document(html_bytes, charset_from_content_type(options.content_type));
    out.encoding = std::string(encoding_name(decoded.used));
    for (auto& w : decoded.warnings) out.warnings.push_back(std::move(w));
    if (decoded.replaced > 0) {
        out.warnings.push_back(std::to_string(decoded.replaced) +
                               " invalid byte sequences replaced with U+FFFD");
    }

    dom d = build_dom(decoded.utf8, options.max_depth);
    if (d.is_depth_limited) {
        out.warnings.push_back("page nested deeper than " + std::to_string(options.max_depth) +
                               " elements; deeper elements flattened into their ancestor");
    }
    if (d.is_node_limited) {
        out.warnings.push_back("page has more than " + std::to_string(max_nodes) +
                               " elements and text runs; the rest ignored");
    }

    // Metadata first, from the whole page: pruning hides headers and bylines.
    const page_meta meta = read_meta(d);
    const json_ld ld = read_json_ld(d, out.warnings);
    std::vector<person> rel_or_byline = meta.rel_authors;
    if (rel_or_byline.empty()) rel_or_byline = byline_people(d);
    std::vector<detail::raw_media> pictures = figures(d);

    prune(d);
    const scoring scores = score_nodes(d);
    const std::vector<std::uint32_t> content = pick_content(d, scores);
    content_writer writer(d);
    for (const std::uint32_t i : content) writer.write(i, 0);
    std::string body_html = writer.take();

    // Base for links: <base href> against the page URL.
    std::string base = options.url;
    if (!meta.base_href.empty()) {
        if (auto b = resolve_url(options.url, meta.base_href)) base = *b;
    }

    detail::raw_entry e;
    e.base = base;
    const std::string site = first_of({meta.get("og:site_name"), ld.publisher});
    std::string headline = first_of(
        {meta.get("og:title"), ld.headline, meta.h1, meta.get("twitter:title"), meta.title});
    if (headline == ld.headline || headline == meta.h1) {
        e.title.value = headline;
    } else {
        e.title.value = strip_site_name(headline, site, meta.h1);
    }
    e.summary.value = first_of({meta.get("og:description"), meta.get("description"), ld.description,
                                meta.get("twitter:description")});
    e.published =
        first_of({meta.get("article:published_time"), ld.published, meta.itemprop_published,
                  meta.get("datepublished"), meta.get("pubdate"), meta.get("publishdate"),
                  meta.get("dc.date"), meta.get("dc.date.issued"), meta.get("date"),
                  meta.get("parsely-pub-date"), meta.get("sailthru.date"), meta.first_time});
    e.updated = first_of({meta.get("article:modified_time"), ld.modified, meta.itemprop_modified,
                          meta.get("datemodified"), meta.get("og:updated_time"),
                          meta.get("last-modified")});
    if (!ld.authors.empty()) {
        e.authors = ld.authors;
    } else if (const std::string a = meta.get("author"); !a.empty() && !has_scheme(a)) {
        e.authors = people_from_byline(a);
    } else if (const std::string aa = meta.get("article:author"); !aa.empty() && !has_scheme(aa)) {
        e.authors = people_from_byline(aa);
    } else {
        e.authors = rel_or_byline;
    }
    e.language =
        first_of({meta.language, meta.get("content-language"), ld.language, meta.get("og:locale")});
    for (const auto& t : meta.article_tags) e.subjects.push_back(subject{t, {}});
    for (const auto& k : ld.keywords) e.subjects.push_back(subject{k, {}});
    if (e.subjects.empty()) {
        for (const auto& list : meta.keywords) {
            std::size_t start = 0;
            while (start <= list.size()) {
                const std::size_t comma = list.find(',', start);
                const std::string_view part = trim(std::string_view(list).substr(
                    start, comma == std::string::npos ? std::string::npos : comma - start));
                if (!part.empty()) e.subjects.push_back(subject{std::string(part), {}});
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        }
    }

    // The lead picture first (og:image, then JSON-LD), then the figures;
    // normalize() merges repeats of one URL.
    if (const std::string og =
            first_of({meta.get("og:image"), meta.get("og:image:url"), meta.get("twitter:image")});
        !og.empty()) {
        detail::raw_media m;
        m.url = og;
        m.medium = "image";
        m.description = meta.get("og:image:alt");
        m.width = dimension(meta.get("og:image:width"));
        m.height = dimension(meta.get("og:image:height"));
        // The figure holding the same picture has the better caption.
        for (const auto& f : pictures) {
            if (resolve_or_empty(base, f.url) == resolve_or_empty(base, og)) {
                if (!f.description.empty()) m.description = f.description;
                m.credit = f.credit;
            }
        }
        e.media.push_back(std::move(m));
    }
    for (const auto& m : ld.images) e.media.push_back(m);
    for (auto& m : pictures) e.media.push_back(std::move(m));

    // Canonical link: <link rel=canonical>, og:url, JSON-LD url, the page URL.
    for (const std::string& candidate : {meta.canonical, meta.get("og:url"), ld.url, options.url}) {
        const std::string resolved = resolve_or_empty(base, candidate);
        if (!resolved.empty()) {
            e.link = resolved;
            break;
        }
    }

    const std::string body_text_probe = html_to_text(body_html);
    if (body_text_probe.size() < min_paragraph_chars && !ld.article_body.empty() && ld.is_free) {
        // A page whose text is drawn by script: the JSON-LD copy is all there is.
        e.content.value = ld.article_body;
        e.content.kind = detail::text_kind::text;
        out.warnings.push_back("no main text in the page markup; took JSON-LD articleBody");
    } else {
        e.content.value = std::move(body_html);
        e.content.kind = detail::text_kind::html;
        e.content.base = base;
    }
    if (body_text_probe.empty() && e.content.kind == detail::text_kind::html) {
        out.warnings.push_back("no main text found");
    }

    detail::raw_feed raw;
    raw.info.format = "html";
    raw.info.title = site;
    raw.base = base;
    raw.entries.push_back(std::move(e));

    detail::normalize_context ctx;
    ctx.feed_id = options.feed_id.empty() ? default_feed_id(options.url) : options.feed_id;
    ctx.feed_url = options.url;
    ctx.fallback_language = options.content_language;
    ctx.fetched_at = options.fetched_at;
    ctx.max_items = 1;
    std::vector<item> items = detail::normalize(raw, ctx, out.warnings);
    if (items.empty()) return fail(parse_errc::malformed, "no article found", options);
    out.article = std::move(items.front());
    if (out.article.headline.empty() && out.article.body_text.empty()) {
        return fail(parse_errc::malformed, "not an article: no headline and no text", options);
    }
    if (out.article.copyrightholder.empty()) out.article.copyrightholder = collapse_text(site);
    return out;
}

}  // namespace feedwire::feeds
