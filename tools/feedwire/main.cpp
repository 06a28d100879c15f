// feedwire: the command-line tool. Parses arguments and dispatches to a
// subcommand; everything else lives in the libraries.
#include "commands.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"feedwire: news feed ingestion tools"};
    app.require_subcommand(1);

    feedwire::cli::parse_command_options parse;
    CLI::App* parse_cmd =
        app.add_subcommand("parse", "Print the normalized items of feed documents as JSON Lines");
    parse_cmd->add_option("files", parse.files, "Feed documents to read (- for standard input)")
        ->required();
    parse_cmd->add_option("--url", parse.url,
                          "URL the document was fetched from (resolves relative links)");
    parse_cmd->add_option("--content-type", parse.content_type,
                          "HTTP Content-Type the document came with (its charset counts)");
    parse_cmd->add_option("--content-language", parse.content_language,
                          "HTTP Content-Language the document came with");
    parse_cmd->add_option("--fetched-at", parse.fetched_at, "Fetch time, RFC 3339");
    parse_cmd->add_option("--feed-id", parse.feed_id,
                          "Feed id used in item uris (default: the URL without scheme, or the "
                          "file name)");
    CLI::Option* feed_opt =
        parse_cmd->add_flag("--feed", parse.print_feed,
                            "Print the feed's own record (title, links, schedule hints) instead "
                            "of its items");
    parse_cmd
        ->add_flag("--ninjs", parse.print_ninjs,
                   "Print each item as an IPTC ninjs 2.0 document instead of feedwire's item JSON")
        ->excludes(feed_opt);
    parse_cmd
        ->add_flag("--article", parse.is_article,
                   "Read each file as a saved article page (HTML) and print its main text and "
                   "metadata as one item")
        ->excludes(feed_opt);

    feedwire::cli::check_config_options check_config;
    CLI::App* check_config_cmd = app.add_subcommand(
        "check-config", "Validate a configuration file, its includes and OPML lists");
    check_config_cmd->add_option("file", check_config.file, "The configuration file (TOML)")
        ->required();

    feedwire::cli::tail_command_options tail;
    CLI::App* tail_cmd = app.add_subcommand(
        "tail",
        "Follow a Redis stream of items: readable lines on a terminal, JSON Lines when piped");
    tail_cmd
        ->add_option("--redis", tail.redis_url,
                     "redis://[user[:password]@]host[:port][/db], unix:///path?db=N or "
                     "redis+sentinel://[user[:password]@]host[:port],.../name[/db]")
        ->capture_default_str();
    tail_cmd->add_option("--stream", tail.stream, "Stream to read")->capture_default_str();
    CLI::Option* group_opt =
        tail_cmd->add_option("--group", tail.group, "Read as this consumer group (XREADGROUP)");
    CLI::Option* consumer_opt =
        tail_cmd->add_option("--consumer", tail.consumer, "Consumer name within --group");
    group_opt->needs(consumer_opt);
    consumer_opt->needs(group_opt);
    tail_cmd->add_flag("--from-start", tail.from_start,
                       "Start at the stream's first entry instead of new ones");
    tail_cmd
        ->add_option("--format", tail.format,
                     "json (the item, one per line) or line (default: line on a terminal, "
                     "json otherwise)")
        ->check(CLI::IsMember({"json", "line"}));
    tail_cmd->add_option("--count", tail.count, "Exit after this many items")
        ->check(CLI::PositiveNumber);

    feedwire::cli::status_command_options status;
    CLI::App* status_cmd = app.add_subcommand(
        "status",
        "Print each configured feed's last poll, last success, error, next poll and items "
        "delivered, read from Redis; failing feeds first");
    status_cmd->add_option("-c,--config", status.config_file, "The daemon's configuration file")
        ->capture_default_str();
    status_cmd->add_flag("--json", status.as_json,
                         "Print the JSON array the daemon serves at /feeds (RFC 3339 times)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (parse_cmd->parsed()) return feedwire::cli::run_parse(parse);
    if (check_config_cmd->parsed()) return feedwire::cli::run_check_config(check_config);
    if (tail_cmd->parsed()) return feedwire::cli::run_tail(tail);
    if (status_cmd->parsed()) return feedwire::cli::run_status(status);
    return 2;
}
