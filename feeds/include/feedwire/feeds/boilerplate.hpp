// Site furniture in a body's text: navigation ("All news", "Все новости"),
// share and subscribe lines, "Read more"/"Читайте также" blocks, a trailing
// "Tags"/"Теги" list, Xinhua's "Enditem", and a headline or lead repeated at
// the top. Every rule matches a whole paragraph (or a whole trailing block)
// from a table, so a story sentence that mentions "tags" or "share" stays.
// Pure: text in, text out.
#pragma once

#include <string>
#include <string_view>

namespace feedwire::feeds {

// `text` (paragraphs separated by blank lines) without its furniture.
// `headline` is the item's headline, for the repeated-headline rule.
std::string remove_furniture(std::string_view text, std::string_view headline);

}  // namespace feedwire::feeds
