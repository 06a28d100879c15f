// Photo credits and captions inside a body's text ("Photo: EPA/NAME",
// "Caption. (Xinhua/Li An)", "Caption © AFP/Archives - NAME"). The rules
// read whole paragraphs only: a credit is a short paragraph or the tail of a
// caption paragraph, never a sentence that mentions an agency. Agencies and
// labels are tables; adding a form is adding a row (and a test case).
// Pure: text in, text and credits out.
#pragma once

#include "feedwire/feeds/item.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace feedwire::feeds {

struct picture_credit {
    std::string caption;  // "" when the credit stands alone
    std::string creditline;
    friend bool operator==(const picture_credit&, const picture_credit&) = default;
};

// The credit a whole paragraph consists of ("Photo: EPA/MAXIM SHIPENKOV",
// "© Сергей Бобылев/ТАСС", "AFP PHOTO / NAME"), or nullopt.
std::optional<std::string> standalone_credit(std::string_view paragraph);

// A caption paragraph that ends with its credit ("... 2019. REUTERS/Name",
// "... (AP Photo/Name)", "... © AFP/Archives - NAME"), or nullopt.
std::optional<picture_credit> captioned_credit(std::string_view paragraph);

struct credits_result {
    std::string text;  // the body without the credit and caption paragraphs
    std::vector<picture_credit> credits;
};

// Removes credits and captions from plain text (paragraphs separated by
// blank lines). A caption without a credit of its own is taken only when it
// and a standalone credit open the body, right before the dateline. A credit
// repeating an earlier one (or shortening it) is one picture, not two. A
// body that is nothing but credits is returned unchanged.
credits_result extract_credits(std::string_view text);

// Puts credits into `associations`: a picture already captioned with the
// same caption or credited with the same credit (or a shortened form of
// it: "AFP/Archives" and "AFP/Archives - NAME") absorbs it, then the first
// picture without a creditline; otherwise a new picture association without
// uri is added.
void attach_credits(std::vector<association>& associations,
                    std::span<const picture_credit> credits);

}  // namespace feedwire::feeds
