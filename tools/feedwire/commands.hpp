// The subcommands of the feedwire tool. Each returns the process exit status.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace feedwire::cli {

struct parse_command_options {
    std::vector<std::string> files;  // "-" is standard input
    std::string url;
    std::string content_type;
    std::string content_language;
    std::string fetched_at;  // RFC 3339
    std::string feed_id;
    bool print_feed = false;   // the feed's record instead of its items
    bool print_ninjs = false;  // items as IPTC ninjs 2.0 instead of feedwire's JSON
    bool is_article = false;   // each input is an article page: one item from its main text
};

// Exit status: 0 when every input was read as a feed (or, with is_article,
// as an article page), 1 when an input is not one or cannot be read (the others are still
// processed), 2 on a usage error.
int run_parse(const parse_command_options& options);

struct check_config_options {
    std::string file;
};

// Exit status: 0 when the configuration is valid (a summary on stdout), 1
// when it is not (every problem on stderr as FILE:LINE: key: message).
int run_check_config(const check_config_options& options);

struct tail_command_options {
    std::string redis_url = "redis://127.0.0.1:6379/0";
    std::string stream = "feedwire:items";
    std::string group;  // empty: plain XREAD, no consumer group
    std::string consumer;
    bool from_start = false;  // "0" instead of "$" (and for a new group)
    std::string format;       // "json", "line", or empty: line on a terminal
    std::uint64_t count = 0;  // exit after this many items; 0 = follow forever
};

// Exit status: 0 after --count items or on SIGINT/SIGTERM, 1 when Redis
// cannot be reached or answers with an error (the message names the URL,
// without its password), 2 on a usage error.
int run_tail(const tail_command_options& options);

struct status_command_options {
    std::string config_file = "/etc/feedwire/feedwire.toml";
    bool as_json = false;  // /feeds's JSON array instead of the table
};

// Exit status: 0 when the feed states were read (whether or not feeds
// fail), 1 when the configuration is invalid or Redis cannot be reached or
// read (the message names the URL, without its password), 2 on a usage error.
int run_status(const status_command_options& options);

}  // namespace feedwire::cli
