// Writing the item model's JSON (item.cpp, ninjs_out.cpp): a member is put
// only when it has a value, since absent values are omitted, never empty.
#pragma once

#include "feedwire/feeds/dates.hpp"
#include "feedwire/feeds/item.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace feedwire::feeds::detail {

using ojson = nlohmann::ordered_json;

inline void put(ojson& j, const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
}

inline void put(ojson& j, const char* key, const std::optional<time_point>& value) {
    if (value) j[key] = format_rfc3339(*value);
}

template <typename T>
void put(ojson& j, const char* key, const std::optional<T>& value) {
    if (value) j[key] = *value;
}

}  // namespace feedwire::feeds::detail
