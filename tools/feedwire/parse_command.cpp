// `feedwire parse`: feed documents to JSON Lines, one normalized item per
// line (feedwire's item JSON, or IPTC ninjs 2.0 with --ninjs), without
// Redis; with --article, each input is an article page and gives one item.
// Warnings and errors go to stderr, each prefixed with
// the input's name, so stdout stays machine-readable.
#include "commands.hpp"
#include "feedwire/feeds/article.hpp"
#include "feedwire/feeds/dates.hpp"
#include "feedwire/feeds/ninjs.hpp"
#include "feedwire/feeds/parse.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace feedwire::cli {
namespace {

bool read_input(const std::string& name, std::string& bytes, std::string& error) {
    if (name == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        bytes = std::move(ss).str();
        return true;
    }
    std::ifstream in(name, std::ios::binary);
    if (!in) {
        error = "cannot open file";
        return false;
    }
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
        error = "read error";
        return false;
    }
    return true;
}

}  // namespace

int run_parse(const parse_command_options& options) {
    feeds::parse_options popts;
    popts.url = options.url;
    popts.content_type = options.content_type;
    popts.content_language = options.content_language;
    popts.feed_id = options.feed_id;
    if (!options.fetched_at.empty()) {
        popts.fetched_at = feeds::parse_date(options.fetched_at);
        if (!popts.fetched_at) {
            std::cerr << "feedwire parse: --fetched-at: not a date: " << options.fetched_at << '\n';
            return 2;
        }
    }
    int status = 0;
    for (const auto& file : options.files) {
        const std::string label = file == "-" ? "<stdin>" : file;
        std::string bytes;
        std::string error;
        if (!read_input(file, bytes, error)) {
            std::cerr << label << ": error: " << error << '\n';
            status = 1;
            continue;
        }
        feeds::parse_options per_file = popts;
        if (per_file.feed_id.empty() && per_file.url.empty()) per_file.feed_id = label;
        if (options.is_article) {
            auto article = feeds::parse_article(bytes, per_file);
            if (!article) {
                std::cerr << label << ": error: " << article.error().message << '\n';
                status = 1;
                continue;
            }
            for (const auto& w : article->warnings) {
                std::cerr << label << ": warning: " << w << '\n';
            }
            const auto j = options.print_ninjs ? feeds::to_ninjs(article->article)
                                               : feeds::to_json(article->article);
            std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
            continue;
        }
        auto parsed = feeds::parse_feed(bytes, per_file);
        if (!parsed) {
            std::cerr << label << ": error: " << parsed.error().message << '\n';
            status = 1;
            continue;
        }
        for (const auto& w : parsed->warnings) std::cerr << label << ": warning: " << w << '\n';
        if (options.print_feed) {
            std::cout << feeds::to_json(parsed->feed)
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                      << '\n';
            continue;
        }
        for (const auto& it : parsed->items) {
            if (options.print_ninjs) {
                std::cout << feeds::to_ninjs(it).dump(-1, ' ', false,
                                                      nlohmann::json::error_handler_t::replace)
                          << '\n';
            } else {
                std::cout << feeds::item_json(it) << '\n';
            }
        }
    }
    std::cout.flush();
    return status;
}

}  // namespace feedwire::cli
