// A pull tokenizer for HTML fragments that follows the WHATWG tokenization
// rules (HTML standard, "Tokenization"), without a tree builder. It yields
// start tags with their attributes, end tags, text and comments; DOCTYPEs
// are skipped. The content of script, style, textarea, title, xmp, iframe,
// noembed, noframes, noscript and plaintext is read in the RAWTEXT, RCDATA,
// script data or PLAINTEXT state, as a browser with scripting enabled does.
//
// Tokens are views: into the input when nothing had to change, otherwise
// into buffers the tokenizer reuses, so a token is valid until the next
// call to next_token(). Nothing is allocated per character, and after the
// first few tokens nothing is allocated at all.
//
// Departures from the standard, none of which changes where a token starts
// or ends: input-stream preprocessing (CR LF to LF) is not done, CR counts
// as whitespace instead; U+0000 in text is passed on (consumers drop control
// characters); CDATA sections are always bogus comments, as in HTML content.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds {

enum class html_token_kind : std::uint8_t { text, start_tag, end_tag, comment, end_of_input };

struct html_attribute {
    std::string_view name;   // ASCII lower-cased
    std::string_view value;  // character references decoded
};

struct html_token {
    html_token_kind kind = html_token_kind::end_of_input;
    std::string_view name;  // tags: ASCII lower-cased tag name
    std::string_view data;  // text: characters, references decoded; comment: its data
    std::span<const html_attribute> attributes;  // start tags; first of duplicates kept
    bool is_self_closing = false;                // start tags: "<br/>"
    std::size_t offset = 0;                      // byte offset of the token in the input

    // Value of the attribute `lower_name`, if present.
    std::optional<std::string_view> attribute(std::string_view lower_name) const noexcept;
};

class html_tokenizer {
public:
    explicit html_tokenizer(std::string_view input) noexcept : input_(input) {}

    html_tokenizer(const html_tokenizer&) = delete;
    html_tokenizer& operator=(const html_tokenizer&) = delete;

    // The next token; end_of_input once the input is used up, and again on
    // every later call. Text may arrive as several consecutive text tokens.
    const html_token& next_token();

    // Byte offset where the next token will start.
    std::size_t position() const noexcept { return pos_; }

    // Attributes after this many on one tag are read and dropped, so that
    // a tag with 100,000 attributes costs linear time in the duplicate check.
    static constexpr std::size_t max_attributes = 256;

private:
    enum class content_state : std::uint8_t { data, rcdata, rawtext, script_data, plaintext };

    // Where a name or value lives until the token is complete: scratch_ may
    // still grow, which would invalidate views into it.
    struct piece {
        std::size_t begin = 0;
        std::size_t size = 0;
        bool is_scratch = false;
    };
    struct pending_attribute {
        piece name;
        piece value;
    };

    bool read_data();
    bool read_raw_content();
    bool read_markup(std::size_t lt);
    bool read_tag(std::size_t lt, bool is_end_tag);
    void switch_content_state(std::string_view tag_name) noexcept;
    void read_comment(std::size_t lt);
    void read_bogus_comment(std::size_t lt, std::size_t data_begin);
    std::size_t find_raw_end(std::size_t from) const noexcept;
    std::size_t find_script_end(std::size_t from) const noexcept;
    bool is_appropriate_end_tag(std::size_t lt) const noexcept;

    piece lowered(std::size_t begin, std::size_t end);
    piece decoded(std::size_t begin, std::size_t end, bool is_attribute_value);
    std::string_view view(piece p) const noexcept;
    void add_attribute(piece name, piece value);
    void emit_text(std::size_t begin, std::size_t end, bool decodes_references);

    std::string_view input_;
    std::size_t pos_ = 0;
    content_state state_ = content_state::data;
    std::string_view raw_end_tag_;  // the element whose end tag ends raw content
    html_token token_;
    std::string scratch_;
    std::vector<pending_attribute> pending_;
    std::vector<html_attribute> attributes_;
};

}  // namespace feedwire::feeds
