// The WHATWG tokenizer as a few scanning functions instead of one function
// per state: every state that only accumulates characters becomes a search
// (memchr for '<' in data, for the closing quote in attribute values, for
// "--" in comments), and the states around it decide where the token ends.
// Names and values are recorded as pieces (input or scratch offsets) and
// turned into views only when the token is complete, because the scratch
// buffer may grow while a tag is read.
#include "scan.hpp"
#include <feedwire/feeds/entities.hpp>
#include <feedwire/feeds/html_tokenizer.hpp>

#include <array>
#include <cstring>

namespace feedwire::feeds {
namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

// ASCII whitespace as the tokenizer sees it: tab, LF, FF, space, plus CR,
// which preprocessing would have turned into LF.
bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals_lower(std::string_view text, std::string_view lower) noexcept {
    if (text.size() != lower.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (to_lower(text[i]) != lower[i]) return false;
    }
    return true;
}

// Ends a tag name in the "... end tag name" states of RCDATA, RAWTEXT and
// script data, and the run of letters in the double-escape states.
bool is_name_delimiter(char c) noexcept { return is_space(c) || c == '/' || c == '>'; }

}  // namespace

std::optional<std::string_view> html_token::attribute(std::string_view lower_name) const noexcept {
    for (const html_attribute& a : attributes) {
        if (a.name == lower_name) return a.value;
    }
    return std::nullopt;
}

const html_token& html_tokenizer::next_token() {
    token_ = html_token{};
    while (pos_ < input_.size()) {
        scratch_.clear();
        pending_.clear();
        attributes_.clear();
        bool is_emitted = false;
        switch (state_) {
            case content_state::data:
                is_emitted = read_data();
                break;
            case content_state::plaintext:
                emit_text(pos_, input_.size(), false);
                pos_ = input_.size();
                is_emitted = true;
                break;
            case content_state::rcdata:
            case content_state::rawtext:
            case content_state::script_data:
                is_emitted = read_raw_content();
                break;
        }
        if (is_emitted) return token_;
    }
    token_ = html_token{};
    token_.offset = input_.size();
    return token_;
}

bool html_tokenizer::read_data() {
    const std::size_t begin = pos_;
    const char* const base = input_.data();
    std::size_t from = pos_;
    for (;;) {
        const void* hit = std::memchr(base + from, '<', input_.size() - from);
        if (hit == nullptr) {
            emit_text(begin, input_.size(), true);
            pos_ = input_.size();
            return true;
        }
        const auto lt = static_cast<std::size_t>(static_cast<const char*>(hit) - base);
        // "Tag open state": only a letter, '!', '?' or '/' makes markup; any
        // other '<' (and "</" at the very end) is text.
        bool is_markup = false;
        if (lt + 1 < input_.size()) {
            const char c = input_[lt + 1];
            is_markup = is_alpha(c) || c == '!' || c == '?' || (c == '/' && lt + 2 < input_.size());
        }
        if (is_markup) {
            if (lt > begin) {
                emit_text(begin, lt, true);
                pos_ = lt;
                return true;
            }
            return read_markup(lt);
        }
        from = lt + 1;
    }
}

bool html_tokenizer::read_markup(std::size_t lt) {
    const char c = input_[lt + 1];
    if (c == '!') {
        // "Markup declaration open state".
        const std::string_view rest = input_.substr(lt + 2);
        if (rest.substr(0, 2) == "--") {
            read_comment(lt);
            return true;
        }
        if (rest.size() >= 7 && iequals_lower(rest.substr(0, 7), "doctype")) {
            // Every DOCTYPE state ends at '>', even inside a quoted identifier
            // ("abrupt-doctype-public-identifier").
            const std::size_t gt = input_.find('>', lt + 9);
            pos_ = gt == std::string_view::npos ? input_.size() : gt + 1;
            return false;
        }
        // "[CDATA[" outside foreign content, and anything else.
        read_bogus_comment(lt, lt + 2);
        return true;
    }
    if (c == '?') {
        read_bogus_comment(lt, lt + 1);
        return true;
    }
    if (c == '/') {
        // "End tag open state".
        const char next = input_[lt + 2];
        if (is_alpha(next)) return read_tag(lt, true);
        if (next == '>') {
            pos_ = lt + 3;  // "missing-end-tag-name": "</>" is dropped
            return false;
        }
        read_bogus_comment(lt, lt + 2);
        return true;
    }
    return read_tag(lt, false);
}

void html_tokenizer::read_comment(std::size_t lt) {
    const std::size_t begin = lt + 4;
    const std::size_t size = input_.size();
    token_.kind = html_token_kind::comment;
    token_.offset = lt;
    // "Comment start state" and "comment start dash state":
    // "<!-->" and "<!--->" are empty comments ("abrupt-closing-of-empty-comment").
    if (begin < size && input_[begin] == '>') {
        pos_ = begin + 1;
        return;
    }
    if (begin + 1 < size && input_[begin] == '-' && input_[begin + 1] == '>') {
        pos_ = begin + 2;
        return;
    }
    // "Comment end state" and "comment end bang state": "-->" and "--!>"
    // close; the nested "<!--" states change only the data, not the end.
    // An unclosed comment runs to the end of the input.
    std::size_t from = begin;
    for (;;) {
        const std::size_t dashes = input_.find("--", from);
        if (dashes == std::string_view::npos) {
            token_.data = input_.substr(begin);
            pos_ = size;
            return;
        }
        const std::size_t after = dashes + 2;
        if (after < size && input_[after] == '>') {
            token_.data = input_.substr(begin, dashes - begin);
            pos_ = after + 1;
            return;
        }
        if (after + 1 < size && input_[after] == '!' && input_[after + 1] == '>') {
            token_.data = input_.substr(begin, dashes - begin);
            pos_ = after + 2;
            return;
        }
        from = dashes + 1;
    }
}

void html_tokenizer::read_bogus_comment(std::size_t lt, std::size_t data_begin) {
    // "Bogus comment state": up to the first '>' or the end of the input.
    const std::size_t gt = input_.find('>', data_begin);
    const std::size_t end = gt == std::string_view::npos ? input_.size() : gt;
    token_.kind = html_token_kind::comment;
    token_.offset = lt;
    token_.data = input_.substr(data_begin, end - data_begin);
    pos_ = gt == std::string_view::npos ? input_.size() : gt + 1;
}

bool html_tokenizer::read_tag(std::size_t lt, bool is_end_tag) {
    const std::size_t size = input_.size();
    const auto at_end = [&] {
        // "eof-in-tag": the unfinished tag is dropped, not emitted as text.
        pos_ = size;
        return false;
    };
    std::size_t i = lt + (is_end_tag ? 2 : 1);
    const std::size_t name_begin = i;
    while (i < size && !is_name_delimiter(input_[i])) ++i;
    if (i == size) return at_end();
    const piece name = lowered(name_begin, i);

    bool is_self_closing = false;
    for (;;) {
        // "Before attribute name state".
        while (i < size && is_space(input_[i])) ++i;
        if (i == size) return at_end();
        if (input_[i] == '>') {
            ++i;
            break;
        }
        if (input_[i] == '/') {
            // "Self-closing start tag state": a '/' not followed by '>' is
            // ignored ("unexpected-solidus-in-tag").
            ++i;
            if (i == size) return at_end();
            if (input_[i] == '>') {
                is_self_closing = true;
                ++i;
                break;
            }
            continue;
        }
        // "Attribute name state": a leading '=' belongs to the name.
        const std::size_t attr_begin = i++;
        while (i < size && !is_name_delimiter(input_[i]) && input_[i] != '=') ++i;
        const std::size_t attr_end = i;
        // "After attribute name state".
        while (i < size && is_space(input_[i])) ++i;
        if (i == size) return at_end();
        const bool is_kept = !is_end_tag && pending_.size() < max_attributes;
        piece value;
        if (input_[i] == '=') {
            // "Before attribute value state".
            ++i;
            while (i < size && is_space(input_[i])) ++i;
            if (i == size) return at_end();
            const char quote = input_[i];
            if (quote == '"' || quote == '\'') {
                const std::size_t close = input_.find(quote, i + 1);
                if (close == std::string_view::npos) return at_end();
                if (is_kept) value = decoded(i + 1, close, true);
                i = close + 1;
            } else if (quote != '>') {
                // "Attribute value (unquoted) state": ends at whitespace or
                // '>' only; quotes, '<', '=' and '`' are part of the value.
                const std::size_t value_begin = i;
                while (i < size && !is_space(input_[i]) && input_[i] != '>') ++i;
                if (i == size) return at_end();
                if (is_kept) value = decoded(value_begin, i, true);
            }
            // '>' here is "missing-attribute-value": the value is empty and
            // the '>' closes the tag on the next turn.
        }
        if (is_kept) add_attribute(lowered(attr_begin, attr_end), value);
    }
    pos_ = i;

    token_.kind = is_end_tag ? html_token_kind::end_tag : html_token_kind::start_tag;
    token_.offset = lt;
    token_.name = view(name);
    if (is_end_tag) return true;

    token_.is_self_closing = is_self_closing;
    attributes_.reserve(pending_.size());
    for (const pending_attribute& a : pending_)
        attributes_.push_back({view(a.name), view(a.value)});
    token_.attributes = attributes_;
    switch_content_state(token_.name);
    return true;
}

void html_tokenizer::switch_content_state(std::string_view tag_name) noexcept {
    // Elements whose content the tree builder reads in another tokenizer
    // state ("in body" insertion mode, "Parsing HTML fragments"); noscript
    // as with scripting enabled. The self-closing flag does not end them.
    struct raw_element {
        std::string_view name;
        content_state state;
    };
    static constexpr std::array<raw_element, 10> raw_elements{{
        {"iframe", content_state::rawtext},
        {"noembed", content_state::rawtext},
        {"noframes", content_state::rawtext},
        {"noscript", content_state::rawtext},
        {"plaintext", content_state::plaintext},
        {"script", content_state::script_data},
        {"style", content_state::rawtext},
        {"textarea", content_state::rcdata},
        {"title", content_state::rcdata},
        {"xmp", content_state::rawtext},
    }};
    for (const raw_element& e : raw_elements) {
        if (e.name != tag_name) continue;
        state_ = e.state;
        raw_end_tag_ = e.name;
        return;
    }
}

bool html_tokenizer::read_raw_content() {
    const std::size_t end =
        state_ == content_state::script_data ? find_script_end(pos_) : find_raw_end(pos_);
    if (end > pos_) {
        emit_text(pos_, end, state_ == content_state::rcdata);
        pos_ = end;
        return true;
    }
    state_ = content_state::data;
    return read_tag(pos_, true);
}

bool html_tokenizer::is_appropriate_end_tag(std::size_t lt) const noexcept {
    // "Appropriate end tag token": "</" + the open element's name, case-
    // insensitively, then whitespace, '/' or '>'. "</title" at the very end
    // of the input is text.
    const std::size_t name_end = lt + 2 + raw_end_tag_.size();
    return name_end < input_.size() && input_[lt + 1] == '/' &&
           iequals_lower(input_.substr(lt + 2, raw_end_tag_.size()), raw_end_tag_) &&
           is_name_delimiter(input_[name_end]);
}

std::size_t html_tokenizer::find_raw_end(std::size_t from) const noexcept {
    const char* const base = input_.data();
    while (from < input_.size()) {
        const void* hit = std::memchr(base + from, '<', input_.size() - from);
        if (hit == nullptr) break;
        const auto lt = static_cast<std::size_t>(static_cast<const char*>(hit) - base);
        if (is_appropriate_end_tag(lt)) return lt;
        from = lt + 1;
    }
    return input_.size();
}

std::size_t html_tokenizer::find_script_end(std::size_t from) const noexcept {
    // The script data states, reduced to the transitions that decide where
    // the script ends: "<!--" enters the escaped states, where "<script"
    // enters the double-escaped states, in which "</script" only leaves the
    // double escape; "-->" returns to plain script data from either.
    enum class mode : std::uint8_t { plain, escaped, double_escaped };
    const std::size_t size = input_.size();
    const auto letters_end = [&](std::size_t i) {
        while (i < size && is_alpha(input_[i])) ++i;
        return i;
    };
    const auto is_script_word = [&](std::size_t begin, std::size_t end) {
        return end < size && iequals_lower(input_.substr(begin, end - begin), "script") &&
               is_name_delimiter(input_[end]);
    };
    mode m = mode::plain;
    std::size_t dashes = 0;  // '-' just before, for "-->"
    std::size_t i = from;
    while (i < size) {
        const char c = input_[i];
        if (c == '-') {
            ++dashes;
            ++i;
            continue;
        }
        if (c == '>' && dashes >= 2 && m != mode::plain) {
            m = mode::plain;
        } else if (c == '<') {
            if (m != mode::double_escaped && is_appropriate_end_tag(i)) return i;
            if (m == mode::plain && input_.substr(i, 4) == "<!--") {
                m = mode::escaped;
                dashes = 2;  // "script data escaped dash dash state"
                i += 4;
                continue;
            }
            if (m == mode::escaped && i + 1 < size && is_alpha(input_[i + 1])) {
                const std::size_t end = letters_end(i + 1);
                if (is_script_word(i + 1, end)) m = mode::double_escaped;
                dashes = 0;
                i = end;
                continue;
            }
            if (m == mode::double_escaped && i + 2 < size && input_[i + 1] == '/') {
                const std::size_t end = letters_end(i + 2);
                if (is_script_word(i + 2, end)) m = mode::escaped;
                dashes = 0;
                i = end;
                continue;
            }
        }
        dashes = 0;
        ++i;
    }
    return size;
}

html_tokenizer::piece html_tokenizer::lowered(std::size_t begin, std::size_t end) {
    std::size_t i = begin;
    while (i < end && input_[i] != '\0' && !(input_[i] >= 'A' && input_[i] <= 'Z')) ++i;
    if (i == end) return {begin, end - begin, false};
    const std::size_t start = scratch_.size();
    scratch_.append(input_.substr(begin, i - begin));
    for (; i < end; ++i) {
        if (input_[i] == '\0') {
            scratch_ += replacement_character;
        } else {
            scratch_ += to_lower(input_[i]);
        }
    }
    return {start, scratch_.size() - start, true};
}

html_tokenizer::piece html_tokenizer::decoded(std::size_t begin, std::size_t end,
                                              bool is_attribute_value) {
    std::size_t i = detail::find_either(input_, begin, end, '&', '\0');
    if (i == end) return {begin, end - begin, false};
    const std::size_t start = scratch_.size();
    std::size_t copied = begin;
    while (i < end) {
        const char c = input_[i];
        if (c == '&') {
            scratch_.append(input_.substr(copied, i - copied));
            const std::size_t used =
                append_html_char_ref(input_.substr(i, end - i), is_attribute_value, scratch_);
            if (used == 0) {
                scratch_ += '&';
                ++i;
            } else {
                i += used;
            }
            copied = i;
        } else if (c == '\0' && is_attribute_value) {
            // "unexpected-null-character" in attribute values.
            scratch_.append(input_.substr(copied, i - copied));
            scratch_ += replacement_character;
            copied = ++i;
        } else {
            ++i;
        }
    }
    scratch_.append(input_.substr(copied, end - copied));
    return {start, scratch_.size() - start, true};
}

std::string_view html_tokenizer::view(piece p) const noexcept {
    const std::string_view from = p.is_scratch ? std::string_view(scratch_) : input_;
    return from.substr(p.begin, p.size);
}

void html_tokenizer::add_attribute(piece name, piece value) {
    // "Attribute name state", on leaving it: a later duplicate is dropped,
    // so <a href=safe href=javascript:...> keeps the first, as browsers do.
    const std::string_view new_name = view(name);
    for (const pending_attribute& a : pending_) {
        if (view(a.name) == new_name) return;
    }
    pending_.push_back({name, value});
}

void html_tokenizer::emit_text(std::size_t begin, std::size_t end, bool decodes_references) {
    token_.kind = html_token_kind::text;
    token_.offset = begin;
    token_.data =
        view(decodes_references ? decoded(begin, end, false) : piece{begin, end - begin, false});
}

}  // namespace feedwire::feeds
