// Datelines: the place, date and agency that open a wire dispatch
// ("NAGOYA /Japan/, November 22. /TASS/.", "LONDON, Nov 22 (Reuters) -").
// The recognizer reads one grammar with optional parts (place, country or
// region, date, agency marker, dash) and two tables: agencies (adding one is
// adding a row) and month names in the wires' languages. It is conservative:
// a dateline needs a place in capitals plus a date or an agency marker, or
// any place plus a known agency; anything else at the start of a text is
// left alone. Pure: no clock, the year comes from the item's own time.
#pragma once

#include "feedwire/feeds/item.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace feedwire::feeds {

// One agency: the name it goes by in `dateline.agency` (its own Latin
// spelling) and every form it signs with in datelines.
struct agency_row {
    std::string_view name;
    std::span<const std::string_view> aliases;
};

// The agency table, for tests and documentation.
std::span<const agency_row> known_agencies() noexcept;

// The agency's name for a signature as written in a dateline ("ТАСС" ->
// "TASS", "INTERFAX.RU" -> "Interfax"); "" when the signature is unknown.
std::string_view agency_name(std::string_view signature);

// The dateline at the very start of `body_text`, or nullopt.
// * text: the dateline as published, up to and including its closing dash
//   or full stop ("UNITED NATIONS (AP) —").
// * place: in the case people write it ("NAGOYA" -> "Nagoya", "МОСКВА" ->
//   "Москва", "RIO DE JANEIRO" -> "Rio de Janeiro"). A US or Canadian
//   state/province after the city stays with it as published
//   ("SAN JOSE, Calif." -> place "San Jose, Calif."): it is no country, and
//   naming the country would be a guess.
// * country: when the dateline names one ("/Japan/", "(Italie)", ", Japan").
// * date: YYYY-MM-DD. The year is the dateline's own when it gives one,
//   else the one that puts the date nearest `item_time` (a December 31
//   dateline on an item of January 2 is of the year before); empty without
//   either, and empty when the day does not exist (February 30).
// * agency: normalized through the agency table; an unknown agency in
//   parentheses is kept as written.
std::optional<dateline_info> find_dateline(std::string_view body_text,
                                           std::optional<time_point> item_time);

// A place as people write it, for places stated in capitals by a format
// (NITF's dateline location): "WASHINGTON" -> "Washington", "SAN JOSE,
// Calif." -> "San Jose, Calif."; initials ("USA") and names already in
// mixed case stay as written.
std::string place_case(std::string_view place);

// `located` for an item: "Nagoya, Japan", or the place alone.
std::string located_of(const dateline_info& d);

}  // namespace feedwire::feeds
