// OPML 1.0/2.0 feed lists: every <outline> with an xmlUrl is a feed, and the
// text of the folder outlines around it become its tags, lowercased, outer
// folder first. pugixml never throws; its byte offsets become line numbers.
#include "loader_internal.hpp"

#include <pugixml.hpp>

#include <algorithm>

namespace feedwire::config::detail {
namespace {

int line_at(std::string_view text, std::ptrdiff_t offset) {
    if (offset < 0) return 0;
    const auto end = std::min(static_cast<std::size_t>(offset), text.size());
    return 1 + static_cast<int>(
                   std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

std::string lowercase(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

// Nesting beyond this is no folder structure anyone maintains by hand; the
// bound keeps a hostile file from exhausting the stack.
constexpr int max_folder_depth = 32;

void walk(const pugi::xml_node& parent, std::vector<std::string>& folders, const std::string& file,
          std::string_view text, std::vector<feed_spec>& feeds, diagnostics& diag, int depth) {
    for (const pugi::xml_node outline : parent.children("outline")) {
        const int line = line_at(text, outline.offset_debug());
        const std::string name =
            outline.attribute("text").as_string(outline.attribute("title").as_string());
        const pugi::xml_attribute xml_url = outline.attribute("xmlUrl");
        if (xml_url) {
            feed_spec spec;
            spec.file = file;
            spec.line = line;
            spec.key_prefix = "outline";
            spec.url = xml_url.as_string();
            spec.key_lines["url"] = line;
            const std::string title = outline.attribute("title").as_string(name.c_str());
            if (!title.empty()) spec.title = title;
            if (!folders.empty()) spec.tags = folders;
            feeds.push_back(std::move(spec));
            continue;
        }
        if (depth >= max_folder_depth) {
            diag.error(config_errc::malformed_opml, file, line, "outline",
                       "folders nested deeper than " + std::to_string(max_folder_depth));
            return;
        }
        const bool has_name = !name.empty();
        if (has_name) folders.push_back(lowercase(name));
        walk(outline, folders, file, text, feeds, diag, depth + 1);
        if (has_name) folders.pop_back();
    }
}

}  // namespace

void read_opml(const std::string& file, std::string_view text, std::vector<feed_spec>& feeds,
               diagnostics& diag) {
    pugi::xml_document doc;
    const pugi::xml_parse_result parsed = doc.load_buffer(text.data(), text.size());
    if (!parsed) {
        diag.error(config_errc::malformed_opml, file, line_at(text, parsed.offset), "opml",
                   std::string("not well-formed XML: ") + parsed.description());
        return;
    }
    const pugi::xml_node root = doc.child("opml");
    if (!root) {
        diag.error(config_errc::malformed_opml, file,
                   line_at(text, doc.document_element().offset_debug()), "opml",
                   "the root element is not <opml>");
        return;
    }
    const pugi::xml_node body = root.child("body");
    if (!body) {
        diag.error(config_errc::malformed_opml, file, line_at(text, root.offset_debug()), "opml",
                   "<opml> has no <body>");
        return;
    }
    std::vector<std::string> folders;
    walk(body, folders, file, text, feeds, diag, 0);
}

}  // namespace feedwire::config::detail
