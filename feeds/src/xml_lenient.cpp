// The fallback reader for documents pugixml refuses (see
// parse_xml_leniently in xml_support.hpp). It is a small hand-written
// scanner, not an HTML tree builder: feeds are XML with mistakes, so
// names keep their case and only a handful of HTML rules apply. It builds
// the same pugixml DOM the strict path gives, so the format parsers do not
// know which path ran.
#include "feedwire/feeds/entities.hpp"
#include "xml_support.hpp"

#include <array>
#include <vector>

namespace feedwire::feeds::detail {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// HTML void elements that raw HTML in feeds leaves open. Not "link" or
// "source": RSS has elements of those names with content.
bool is_html_void(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 10> k_void = {
        "br", "hr", "img", "input", "wbr", "area", "col", "embed", "param", "track"};
    for (const auto v : k_void) {
        if (v == name) return true;
    }
    return false;
}

bool is_entry(std::string_view qualified) noexcept {
    const std::string_view local = local_name(qualified);
    return local == "item" || local == "entry";
}

std::string decode_text(std::string_view raw) {
    if (raw.find('&') == std::string_view::npos) return std::string(raw);
    // decode_html_entities covers the XML predefined entities too, and
    // leaves unknown names as written.
    return decode_html_entities(raw);
}

class lenient_builder {
public:
    lenient_builder(std::string_view text, pugi::xml_document& doc, unsigned max_depth,
                    lenient_report& report)
        : s_(text), doc_(doc), max_depth_(max_depth), report_(report) {}

    bool run() {
        while (i_ < s_.size()) {
            const std::size_t lt = s_.find('<', i_);
            if (lt == std::string_view::npos) {
                add_text(s_.substr(i_));
                break;
            }
            if (lt > i_) add_text(s_.substr(i_, lt - i_));
            i_ = lt;
            if (!markup()) return false;
        }
        finish();
        return true;
    }

private:
    bool starts(std::string_view p) const noexcept { return s_.substr(i_, p.size()) == p; }

    std::size_t skip_past(std::string_view terminator) const noexcept {
        const std::size_t end = s_.find(terminator, i_);
        return end == std::string_view::npos ? s_.size() : end + terminator.size();
    }

    pugi::xml_node current() { return stack_.empty() ? pugi::xml_node() : stack_.back(); }

    void add_text(std::string_view raw) {
        pugi::xml_node parent = current();
        if (!parent) return;  // text outside the root element
        const std::string text = decode_text(raw);
        if (text.empty()) return;
        parent.append_child(pugi::node_pcdata).set_value(text.c_str());
    }

    // At '<'. Returns false only when nesting is too deep.
    bool markup() {
        if (starts("<![CDATA[")) {
            const std::size_t body = i_ + 9;
            const std::size_t end = s_.find("]]>", body);
            const std::size_t stop = end == std::string_view::npos ? s_.size() : end;
            if (pugi::xml_node parent = current()) {
                parent.append_child(pugi::node_cdata)
                    .set_value(std::string(s_.substr(body, stop - body)).c_str());
            }
            i_ = end == std::string_view::npos ? s_.size() : end + 3;
            return true;
        }
        if (starts("<!--")) {
            i_ = skip_past("-->");
            return true;
        }
        if (starts("<?")) {
            i_ = skip_past("?>");
            return true;
        }
        if (starts("<!")) {
            // DOCTYPE with an optional internal subset: skipped whole.
            int bracket = 0;
            std::size_t j = i_;
            for (; j < s_.size(); ++j) {
                if (s_[j] == '[') ++bracket;
                if (s_[j] == ']' && bracket > 0) --bracket;
                if (s_[j] == '>' && bracket == 0) break;
            }
            i_ = j < s_.size() ? j + 1 : s_.size();
            return true;
        }
        if (starts("</")) {
            end_tag();
            return true;
        }
        if (i_ + 1 < s_.size() && is_name_start(static_cast<unsigned char>(s_[i_ + 1]))) {
            return start_tag();
        }
        add_text("<");  // a stray '<' in text
        ++i_;
        return true;
    }

    void end_tag() {
        std::size_t j = i_ + 2;
        const std::size_t name_start = j;
        while (j < s_.size() && is_name_char(static_cast<unsigned char>(s_[j]))) ++j;
        const std::string_view name = s_.substr(name_start, j - name_start);
        const std::size_t gt = s_.find('>', j);
        i_ = gt == std::string_view::npos ? s_.size() : gt + 1;
        for (std::size_t k = stack_.size(); k-- > 0;) {
            if (stack_[k].name() == name) {
                stack_.resize(k);
                return;
            }
        }
        if (!stack_.empty() && misspells_current(name)) {
            stack_.pop_back();
            return;
        }
        ++report_.ignored_end_tags;
    }

    // "<title>Headline</titel>" or "</TITLE>": an end tag that matches no
    // open element but starts like the innermost one (three letters, case
    // aside), which holds only text, closes it. Otherwise the rest of the
    // entry (link, date, description) would read as part of the title. A
    // stray "</p>" in raw HTML text starts like no feed element and is
    // still ignored.
    bool misspells_current(std::string_view name) {
        const pugi::xml_node open = stack_.back();
        const std::string_view open_name = open.name();
        if (name.size() < 3 || open_name.size() < 3) return false;
        for (std::size_t k = 0; k < 3; ++k) {
            if (ascii_lower(name[k]) != ascii_lower(open_name[k])) return false;
        }
        for (pugi::xml_node c = open.first_child(); c; c = c.next_sibling()) {
            if (c.type() == pugi::node_element) return false;
        }
        return true;
    }

    static char ascii_lower(char c) noexcept {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }

    bool start_tag() {
        std::size_t j = i_ + 1;
        const std::size_t name_start = j;
        while (j < s_.size() && is_name_char(static_cast<unsigned char>(s_[j]))) ++j;
        const std::string name(s_.substr(name_start, j - name_start));
        std::vector<std::pair<std::string, std::string>> attributes;
        bool self_closing = false;
        bool complete = false;
        while (j < s_.size()) {
            while (j < s_.size() && is_space(s_[j])) ++j;
            if (j >= s_.size()) break;
            if (s_[j] == '>') {
                complete = true;
                ++j;
                break;
            }
            if (s_[j] == '/') {
                if (j + 1 < s_.size() && s_[j + 1] == '>') {
                    self_closing = true;
                    complete = true;
                    j += 2;
                    break;
                }
                ++j;
                continue;
            }
            if (s_[j] == '<') break;  // "<a href=x <b>": the tag never closed
            const std::size_t an_start = j;
            while (j < s_.size() && !is_space(s_[j]) && s_[j] != '=' && s_[j] != '>' &&
                   s_[j] != '/' && s_[j] != '<') {
                ++j;
            }
            std::string attr_name(s_.substr(an_start, j - an_start));
            while (j < s_.size() && is_space(s_[j])) ++j;
            std::string value;
            if (j < s_.size() && s_[j] == '=') {
                ++j;
                while (j < s_.size() && is_space(s_[j])) ++j;
                if (j < s_.size() && (s_[j] == '"' || s_[j] == '\'')) {
                    const char quote = s_[j];
                    const std::size_t end = s_.find(quote, j + 1);
                    const std::size_t stop = end == std::string_view::npos ? s_.size() : end;
                    value = decode_text(s_.substr(j + 1, stop - j - 1));
                    j = end == std::string_view::npos ? s_.size() : end + 1;
                } else {
                    const std::size_t v_start = j;
                    while (j < s_.size() && !is_space(s_[j]) && s_[j] != '>') ++j;
                    value = decode_text(s_.substr(v_start, j - v_start));
                }
            }
            if (!attr_name.empty()) attributes.emplace_back(std::move(attr_name), std::move(value));
        }
        i_ = j;
        if (!complete) {
            // A start tag cut off by the end of input adds nothing.
            if (j >= s_.size()) return true;
        }
        pugi::xml_node parent = current();
        if (!parent) {
            if (doc_.document_element()) return true;  // a second root: ignored
            parent = doc_;
        }
        pugi::xml_node element = parent.append_child(name.c_str());
        for (const auto& [an, av] : attributes) {
            if (!element.attribute(an.c_str())) element.append_attribute(an.c_str()) = av.c_str();
        }
        if (self_closing || is_html_void(name)) return true;
        if (stack_.size() + 1 > max_depth_) {
            report_.is_too_deep = true;
            return false;
        }
        stack_.push_back(element);
        return true;
    }

    void finish() {
        // Entries still open here were cut off: drop the outermost one.
        for (const pugi::xml_node open : stack_) {
            if (is_entry(open.name())) {
                open.parent().remove_child(open);
                ++report_.dropped_entries;
                break;
            }
        }
        stack_.clear();
    }

    std::string_view s_;
    pugi::xml_document& doc_;
    unsigned max_depth_;
    lenient_report& report_;
    std::size_t i_ = 0;
    std::vector<pugi::xml_node> stack_;
};

}  // namespace

bool parse_xml_leniently(std::string_view text, pugi::xml_document& doc, unsigned max_depth,
                         lenient_report& report) {
    doc.reset();
    lenient_builder builder(text, doc, max_depth, report);
    return builder.run();
}

}  // namespace feedwire::feeds::detail
