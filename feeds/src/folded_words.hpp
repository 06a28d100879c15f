// The words of a text as the fingerprints see them: split on whitespace and
// punctuation (ASCII and the Unicode punctuation news text is full of),
// lower-cased for ASCII, Latin-1 and Cyrillic. The content fingerprint
// joins them, the MinHash signature shingles them; both read them here so
// that "the same words" means one thing.
#pragma once

#include <string>
#include <string_view>

namespace feedwire::feeds::detail {

class folded_words {
public:
    explicit folded_words(std::string_view text) noexcept : text_(text) {}

    // The next word, lower-cased; valid until the next call. False at the end.
    bool next(std::string_view& word);

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::string word_;
};

// The words of `text`, folded, joined by single spaces, appended to `out`.
void append_folded_words(std::string& out, std::string_view text);

}  // namespace feedwire::feeds::detail
