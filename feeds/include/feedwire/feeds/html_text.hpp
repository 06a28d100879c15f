// HTML to plain text, and HTML sanitizing with an allow-list. Both run on
// one HTML tokenizer (html_tokenizer.hpp) that follows the WHATWG
// tokenization rules; no regular expressions.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace feedwire::feeds {

// Plain text of an HTML fragment: entities decoded, tags stripped, script,
// style and other non-content elements dropped with their text, block
// elements (p, div, br, li, h1-h6, blockquote, tr, ...) become paragraph
// breaks, and whitespace collapsed: runs of spaces to one space, lines
// trimmed, paragraphs separated by exactly one blank line ("\n\n"), no
// leading or trailing whitespace. <br> becomes a single "\n".
std::string html_to_text(std::string_view html);

// Plain text of something that is already text (an RSS title that is not
// HTML, a JSON Feed content_text): whitespace collapsed as above, control
// characters removed, entities left as written.
std::string collapse_text(std::string_view text);

struct sanitize_options {
    std::string base_url;  // relative href/src are resolved against it when set
};

// Sanitized HTML: an allow-list of elements (p, a, b, i, em, strong, ul,
// ol, li, img, figure, figcaption, blockquote, h1-h6, table family, pre,
// code, br, hr, article, section, details, font, map/area, ...) and of
// attributes (href, src, alt, title, class, width, height, align, ...);
// script, style, iframe, object, embed, form, its controls and noscript
// removed with their content; event handlers (on*), javascript:/
// vbscript:/data: URLs, and attributes that load or tie content to the
// page (id, name, for, form, accesskey, autofocus, ping, background,
// lowsrc, ...) removed. A style attribute keeps only the declarations of a
// short list of properties with plain values (keywords, numbers with
// units, colours, quoted names: never url(), expression(), escapes or
// comments). Every open element is closed, stray end tags dropped; text
// and attribute values re-escaped; void elements written XHTML-style
// ("<br />"). target is dropped, so links never open a new browsing
// context and need no rel="noopener". main, hgroup and dialog become
// <div>, and audio/video always carry controls, never autoplay.
std::string sanitize_html(std::string_view html, const sanitize_options& options = {});

// `html` (sanitized, so balanced) without the block elements (p, div,
// figure, figcaption, lists, headings, blockquote, table, ...) whose plain
// text `drop` accepts; an accepted block goes whole, with whatever it
// holds. Used to take out of body_html what the text rules took out of
// body_text (furniture, photo credits and captions).
std::string drop_html_blocks(std::string_view html,
                             const std::function<bool(std::string_view text)>& drop);

// sanitize_html(input, options) and html_to_text(input) from one reading
// of the input.
struct html_body {
    std::string html;
    std::string text;
};
html_body read_html_body(std::string_view html, const sanitize_options& options = {});

// drop_html_blocks for `html` that sanitize_html wrote, which it reads
// without tokenizing (only there does every '<' begin a tag): the same
// result, and `drop` is asked about the same texts.
std::string drop_sanitized_html_blocks(std::string_view html,
                                       const std::function<bool(std::string_view text)>& drop);

// True when the text looks like HTML markup (a tag or an entity) rather
// than plain text; used for RSS fields whose type is not declared.
bool looks_like_html(std::string_view text) noexcept;

}  // namespace feedwire::feeds
