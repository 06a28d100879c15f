// The words of a text as the fingerprints see them: split on whitespace and
// punctuation (ASCII and the Unicode punctuation news text is full of),
// lower-cased for ASCII, Latin-1 and Cyrillic. The content fingerprint
// joins them, the MinHash signature shingles them; both read them here so
// that "the same words" means one thing.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace feedwire::feeds::detail {

// One code point of valid UTF-8 (the parser's text always is), or the
// byte itself when it is not a lead byte.
inline char32_t next_code_point(std::string_view text, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    int extra = 0;
    char32_t cp = b0;
    if (b0 >= 0xF0) {
        extra = 3;
        cp = b0 & 0x07U;
    } else if (b0 >= 0xE0) {
        extra = 2;
        cp = b0 & 0x0FU;
    } else if (b0 >= 0xC0) {
        extra = 1;
        cp = b0 & 0x1FU;
    }
    ++i;
    for (int k = 0; k < extra && i < text.size(); ++k, ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(text[i]) & 0x3FU);
    return cp;
}

class folded_words {
public:
    static constexpr std::size_t npos = std::string_view::npos;

    // `mark`: a byte offset in `text` to watch for (see words_before_mark).
    explicit folded_words(std::string_view text, std::size_t mark = npos) noexcept
        : text_(text), mark_(mark) {}

    // The next word, lower-cased; valid until the next call. False at the end.
    bool next(std::string_view& word);

    // How many words came before the scan stood at `mark` between two
    // words, or npos while it has not (and for good when `mark` falls
    // inside a word or a character). Once set, the words that follow are
    // exactly the words of text.substr(mark).
    std::size_t words_before_mark() const noexcept { return words_before_mark_; }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t mark_;
    std::size_t count_ = 0;
    std::size_t words_before_mark_ = npos;
    // Folded words are written here; its bytes are not initialized.
    std::unique_ptr<char[]> word_;
    std::size_t word_capacity_ = 0;

    char* reserve_word(std::size_t capacity, std::size_t keep);
};

// The words of `text`, folded, joined by single spaces, appended to `out`.
void append_folded_words(std::string& out, std::string_view text);

}  // namespace feedwire::feeds::detail
