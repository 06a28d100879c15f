// The sanitizer's promise, as a checker: sanitized HTML carries no
// executable content and is balanced, so a second pass changes nothing.
// Used by the sanitizer's property test and by its fuzz target.
#pragma once

#include "feedwire/feeds/html_text.hpp"
#include "feedwire/feeds/html_tokenizer.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::testing {

inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

inline bool is_one_of_names(std::string_view name, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// A URL as a browser reads it: ASCII whitespace and control characters
// dropped anywhere (browsers skip them inside the scheme), lower-cased.
inline bool is_script_url(std::string_view value) {
    std::string squeezed;
    for (const char c : value) {
        if (static_cast<unsigned char>(c) > 0x20) squeezed += c;
    }
    squeezed = ascii_lower(squeezed);
    return squeezed.starts_with("javascript:") || squeezed.starts_with("vbscript:") ||
           squeezed.starts_with("data:") || squeezed.starts_with("livescript:");
}

// Why `html`, an output of sanitize_html, breaks the sanitizer's promise;
// empty when it keeps it. Checks, on the output tokenized again the way a
// browser tokenizes it (entities decoded in attribute values):
//   * no "<script" anywhere, no comment, no element that runs or embeds
//     content (script, style, iframe, object, embed, form, svg, math, ...);
//   * no event handler (on*), no attribute that submits, loads or ties
//     content to the page (srcdoc, action, ping, background, id, form, ...),
//     no style attribute (body_html carries no presentation), no javascript:,
//     vbscript: or data: URL in a URL attribute;
//   * balanced: every end tag closes the innermost open element, and every
//     element that is not void is closed.
inline std::string sanitized_html_violation(std::string_view html) {
    if (ascii_lower(html).find("<script") != std::string::npos) return "contains <script";
    feeds::html_tokenizer tokenizer(html);
    std::vector<std::string> open;
    for (;;) {
        const feeds::html_token& t = tokenizer.next_token();
        if (t.kind == feeds::html_token_kind::end_of_input) break;
        if (t.kind == feeds::html_token_kind::comment) return "contains a comment";
        if (t.kind == feeds::html_token_kind::text) continue;
        const std::string name(t.name);
        if (t.kind == feeds::html_token_kind::end_tag) {
            if (open.empty() || open.back() != name) return "unbalanced end tag </" + name + ">";
            open.pop_back();
            continue;
        }
        if (is_one_of_names(
                name, {"script",   "style",        "iframe",  "frame",    "frameset", "object",
                       "embed",    "applet",       "form",    "input",    "button",   "textarea",
                       "select",   "svg",          "math",    "base",     "meta",     "link",
                       "template", "noscript",     "noembed", "noframes", "xmp",      "plaintext",
                       "title",    "html",         "head",    "body",     "keygen",   "dialog",
                       "canvas",   "event-source", "command"})) {
            return "element <" + name + ">";
        }
        for (const feeds::html_attribute& a : t.attributes) {
            const std::string attr(a.name);
            if (attr.starts_with("on")) return "event handler " + attr + " on <" + name + ">";
            if (is_one_of_names(attr, {"srcdoc",     "formaction",
                                       "action",     "srcset",
                                       "xlink:href", "background",
                                       "dynsrc",     "lowsrc",
                                       "datasrc",    "vrml",
                                       "ping",       "target",
                                       "autofocus",  "contenteditable",
                                       "accesskey",  "id",
                                       "name",       "form",
                                       "for",        "style"})) {
                return "attribute " + attr + " on <" + name + ">";
            }
            if (is_one_of_names(attr,
                                {"href", "src", "cite", "poster", "longdesc", "data", "icon"}) &&
                is_script_url(a.value)) {
                return "script URL in " + attr + " on <" + name + ">: " + std::string(a.value);
            }
        }
        if (!is_one_of_names(name, {"area", "base", "br", "col", "embed", "hr", "img", "input",
                                    "link", "meta", "param", "source", "track", "wbr"})) {
            open.push_back(name);
        }
    }
    if (!open.empty()) return "<" + open.back() + "> left open";
    return {};
}

// sanitized_html_violation, plus: sanitizing the output again (with the
// same options) gives the output back.
inline std::string sanitize_property_violation(std::string_view input,
                                               const feeds::sanitize_options& options = {}) {
    const std::string once = feeds::sanitize_html(input, options);
    std::string why = sanitized_html_violation(once);
    if (!why.empty()) return why + "\n  output: " + once;
    const std::string twice = feeds::sanitize_html(once, options);
    if (twice != once) return "not a fixed point\n  once:  " + once + "\n  twice: " + twice;
    return {};
}

}  // namespace feedwire::testing
