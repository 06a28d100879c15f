// parse_feed with a choice of normalization steps, for the parser
// benchmark only: the dispatch steps (site furniture, credits, dateline,
// fingerprints) can be left out to time what they cost against the rest of
// parsing on the same bytes (bench/parse_bench.cpp).
#pragma once

#include "feedwire/feeds/parse.hpp"

namespace feedwire::feeds::detail {

result<parsed_feed, parse_error> parse_feed(std::string_view bytes, const parse_options& options,
                                            bool runs_dispatch_steps);

}  // namespace feedwire::feeds::detail
