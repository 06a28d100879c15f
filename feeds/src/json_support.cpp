// Loading a JSON document for the JSON formats (JSON Feed, ninjs). The
// document's nesting is checked before nlohmann-json parses it, since its
// parser recurses once per level and a hostile document could exhaust the
// stack. Parsing runs with exceptions off. A document cut off in the
// middle is closed after its last complete item and read again.
#include "formats.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace feedwire::feeds::detail {
namespace {

// One pass over the JSON text, outside strings: the deepest nesting, and
// the last point where an object closed inside an array (the end of the
// last complete item) with the brackets still open there, for repairing a
// document cut off in the middle.
struct json_shape {
    unsigned deepest = 0;
    std::size_t last_item_end = 0;
    std::string open_at_item_end;
};

json_shape scan_json(std::string_view text) {
    json_shape shape;
    std::string open;  // brackets open at the current point
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            open.push_back(c);
            // open.size() <= text.size(), bounded by parse_options::max_bytes.
            shape.deepest = std::max(shape.deepest, static_cast<unsigned>(open.size()));
        } else if ((c == ']' || c == '}') && !open.empty()) {
            open.pop_back();
            if (c == '}' && !open.empty() && open.back() == '[') {
                shape.last_item_end = i + 1;
                shape.open_at_item_end = open;
            }
        }
    }
    return shape;
}

// The text up to the last complete item, with the open brackets closed;
// "" when no item was complete.
std::string close_truncated_json(std::string_view text, const json_shape& shape) {
    if (shape.last_item_end == 0) return {};
    std::string repaired(text.substr(0, shape.last_item_end));
    for (auto it = shape.open_at_item_end.rbegin(); it != shape.open_at_item_end.rend(); ++it) {
        repaired.push_back(*it == '[' ? ']' : '}');
    }
    return repaired;
}

}  // namespace

bool load_json(std::string_view text, unsigned max_depth, nlohmann::json& doc, raw_feed& feed,
               std::string* error) {
    const json_shape shape = scan_json(text);
    if (shape.deepest > max_depth) {
        *error = "JSON nested deeper than " + std::to_string(max_depth) + " levels";
        return false;
    }
    doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!doc.is_discarded()) return true;
    const std::string repaired = close_truncated_json(text, shape);
    if (!repaired.empty()) doc = nlohmann::json::parse(repaired, nullptr, false);
    if (doc.is_discarded() || !(doc.is_object() || doc.is_array())) {
        *error = "invalid JSON";
        return false;
    }
    feed.warnings.push_back("JSON cut off or broken; kept what came before the last complete item");
    feed.is_salvaged = true;
    return true;
}

std::string json_string(const nlohmann::json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) return {};
    if (it->is_string()) return trimmed(it->get_ref<const std::string&>());
    if (it->is_number_integer()) return std::to_string(it->get<long long>());
    if (it->is_number_unsigned()) return std::to_string(it->get<unsigned long long>());
    return {};
}

}  // namespace feedwire::feeds::detail
