// load_config over an in-memory file_source: the issue's minimal file,
// defaults, includes, OPML folders, and one test per error kind checking
// file, line and key.
#include "feedwire/config/loader.hpp"

#include "fake_files.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace feedwire::config {
namespace {

using namespace std::chrono_literals;
using testing::fake_files;

const config_error* find_error(const load_result& r, config_errc code) {
    const auto it = std::find_if(r.errors.begin(), r.errors.end(),
                                 [&](const config_error& e) { return e.code == code; });
    return it == r.errors.end() ? nullptr : &*it;
}

load_result load_one(const std::string& text) {
    fake_files files;
    files.files["/etc/feedwire/feedwire.toml"] = text;
    return load_config("/etc/feedwire/feedwire.toml", files);
}

TEST(Loader, LoadsMinimalFileFromIssue) {
    const auto r = load_one(R"([redis]
url = "redis://127.0.0.1:6379/0"
[daemon]
state_dir = "/var/lib/feedwire"
[[feed]]
url = "https://tass.com/rss/v2.xml"
)");
    ASSERT_TRUE(r.ok()) << r.errors.front().message;
    ASSERT_EQ(r.config.feeds.size(), 1u);
    const feed_config& f = r.config.feeds[0];
    EXPECT_EQ(f.id, "tass.com-rss-v2.xml");
    EXPECT_EQ(f.interval, 10min);
    EXPECT_EQ(f.timeout, 30s);
    EXPECT_EQ(f.max_body, 16u * 1024 * 1024);
    EXPECT_EQ(f.stream, "feedwire:items");
    EXPECT_TRUE(f.enabled);
    EXPECT_FALSE(f.fetch_article);
    EXPECT_EQ(f.line, 5);
    EXPECT_EQ(r.config.daemon.listen, "127.0.0.1:9464");
    EXPECT_EQ(r.config.redis.port, 6379);
}

TEST(Loader, AppliesDefaultsTable) {
    const auto r = load_one(R"([defaults]
interval = "5m"
max_body = "1MiB"
headers = { "Accept-Language" = "en", "X-A" = "1" }
tags = ["wire"]
[[feed]]
url = "https://a.example/rss"
[[feed]]
url = "https://b.example/rss"
interval = "1h30m"
headers = { "X-A" = "2" }
tags = ["world", "wire"]
enabled = false
)");
    ASSERT_TRUE(r.ok()) << r.errors.front().message;
    ASSERT_EQ(r.config.feeds.size(), 2u);
    EXPECT_EQ(r.config.feeds[0].interval, 5min);
    EXPECT_EQ(r.config.feeds[0].max_body, 1024u * 1024);
    EXPECT_EQ(r.config.feeds[0].tags, (std::vector<std::string>{"wire"}));
    EXPECT_EQ(r.config.feeds[1].interval, 90min);
    EXPECT_EQ(r.config.feeds[1].headers.at("X-A"), "2");
    EXPECT_EQ(r.config.feeds[1].headers.at("Accept-Language"), "en");
    EXPECT_EQ(r.config.feeds[1].tags, (std::vector<std::string>{"wire", "world"}));
    EXPECT_FALSE(r.config.feeds[1].enabled);
}

TEST(Loader, FollowsIncludeGlobsRelativeToIncludingFile) {
    fake_files files;
    files.files["/etc/fw/main.toml"] = "include = [\"feeds.d/*.toml\", \"none/*.toml\"]\n";
    files.files["/etc/fw/feeds.d/a.toml"] = "[[feed]]\nurl = \"https://a.example/rss\"\n";
    files.files["/etc/fw/feeds.d/b.toml"] =
        "include = \"../feeds.d/a.toml\"\n[[feed]]\nurl = \"https://b.example/rss\"\n";
    const auto r = load_config("/etc/fw/main.toml", files);
    ASSERT_TRUE(r.ok()) << r.errors.front().message;
    EXPECT_EQ(r.config.feeds.size(), 2u);
    EXPECT_EQ(r.config.files.size(), 3u);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0].code, config_errc::no_match);
    EXPECT_EQ(r.warnings[0].line, 1);
    EXPECT_EQ(r.warnings[0].key, "include");
    EXPECT_EQ(r.config.feeds[0].file, "/etc/fw/feeds.d/a.toml");
}

TEST(Loader, OpmlNestedFoldersBecomeTags) {
    fake_files files;
    files.files["/c/main.toml"] = "opml = \"lists/feeds.opml\"\n[defaults]\ntags = [\"opml\"]\n";
    files.files["/c/lists/feeds.opml"] = R"(<?xml version="1.0"?>
<opml version="2.0"><head/><body>
  <outline text="World">
    <outline text="Europe">
      <outline text="Desk" xmlUrl="https://n.example/eu.xml"/>
    </outline>
  </outline>
  <outline title="Top" xmlUrl="https://n.example/top.xml"/>
</body></opml>
)";
    const auto r = load_config("/c/main.toml", files);
    ASSERT_TRUE(r.ok()) << r.errors.front().message;
    ASSERT_EQ(r.config.feeds.size(), 2u);
    EXPECT_EQ(r.config.feeds[0].tags, (std::vector<std::string>{"opml", "world", "europe"}));
    EXPECT_EQ(r.config.feeds[0].title, "Desk");
    EXPECT_EQ(r.config.feeds[0].line, 5);
    EXPECT_EQ(r.config.feeds[1].tags, (std::vector<std::string>{"opml"}));
    EXPECT_EQ(r.config.feeds[1].title, "Top");
}

TEST(LoaderErrors, ReportsEveryProblemWithFileLineAndKey) {
    const auto r = load_one(R"([redis]
url = "redis://host:notaport"
[daemon]
stat_dir = "/x"
[[feed]]
url = "https://a.example/rss"
interval = "5 minutes"
max_body = "lots"
enabled = "yes"
[[feed]]
id = "dup"
url = "https://b.example/rss"
[[feed]]
id = "dup"
url = "https://c.example/rss"
[[feed]]
agency = "No URL"
[[feed]]
url = "ftp://d.example/rss"
)");
    const std::string f = "/etc/feedwire/feedwire.toml";
    struct expected {
        config_errc code;
        int line;
        const char* key;
    };
    for (const expected& e : {expected{config_errc::bad_redis_url, 2, "redis.url"},
                              expected{config_errc::unknown_key, 4, "daemon.stat_dir"},
                              expected{config_errc::bad_duration, 7, "feed.interval"},
                              expected{config_errc::bad_size, 8, "feed.max_body"},
                              expected{config_errc::wrong_type, 9, "feed.enabled"},
                              expected{config_errc::duplicate_id, 14, "feed.id"},
                              expected{config_errc::missing_url, 16, "feed.url"},
                              expected{config_errc::bad_url, 19, "feed.url"}}) {
        const config_error* err = find_error(r, e.code);
        ASSERT_NE(err, nullptr) << e.key;
        EXPECT_EQ(err->file, f) << e.key;
        EXPECT_EQ(err->line, e.line) << e.key;
        EXPECT_EQ(err->key, e.key);
    }
    EXPECT_EQ(r.errors.size(), 8u);
    EXPECT_NE(find_error(r, config_errc::unknown_key)->message.find("state_dir"),
              std::string::npos);
    EXPECT_NE(find_error(r, config_errc::duplicate_id)->message.find(f + ":10"), std::string::npos);
}

TEST(LoaderErrors, TomlSyntaxErrorHasLine) {
    const auto r = load_one("[redis]\nurl = \"redis://x\"\n\nbroken = = 1\n");
    const config_error* err = find_error(r, config_errc::syntax);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->line, 4);
}

TEST(LoaderErrors, UnreadableIncludeAndMainFile) {
    fake_files files;
    files.files["/c/main.toml"] = "\ninclude = [\"missing.toml\"]\n";
    const auto r = load_config("/c/main.toml", files);
    const config_error* err = find_error(r, config_errc::unreadable_file);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->file, "/c/main.toml");
    EXPECT_EQ(err->line, 2);
    EXPECT_EQ(err->key, "include");
    EXPECT_NE(err->message.find("/c/missing.toml"), std::string::npos);

    const auto none = load_config("/c/absent.toml", files);
    ASSERT_EQ(none.errors.size(), 1u);
    EXPECT_EQ(none.errors[0].code, config_errc::unreadable_file);
}

TEST(LoaderErrors, MalformedOpmlHasFileAndLine) {
    fake_files files;
    files.files["/c/main.toml"] = "opml = [\"a.opml\", \"b.opml\"]\n";
    files.files["/c/a.opml"] = "<opml>\n<body>\n<outline text=\"x\">\n</body></opml>\n";
    files.files["/c/b.opml"] = "<rss/>\n";
    const auto r = load_config("/c/main.toml", files);
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0].code, config_errc::malformed_opml);
    EXPECT_EQ(r.errors[0].file, "/c/a.opml");
    EXPECT_EQ(r.errors[0].line, 4);
    EXPECT_EQ(r.errors[1].file, "/c/b.opml");
}

TEST(LoaderErrors, MainOnlyTablesRejectedInIncludes) {
    fake_files files;
    files.files["/c/main.toml"] = "include = \"x.toml\"\n";
    files.files["/c/x.toml"] = "[redis]\nurl = \"redis://h\"\n";
    const auto r = load_config("/c/main.toml", files);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].file, "/c/x.toml");
    EXPECT_EQ(r.errors[0].key, "redis");
}

TEST(LoaderErrors, SingleFeedTableAndHeaderInjection) {
    const auto r = load_one("[feed]\nurl = \"https://a.example/\"\n");
    ASSERT_NE(find_error(r, config_errc::wrong_type), nullptr);
    const auto h =
        load_one("[[feed]]\nurl = \"https://a.example/\"\nheaders = { X = \"a\\r\\nEvil: 1\" }\n");
    const config_error* err = find_error(h, config_errc::bad_value);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->key, "feed.headers.X");
}

TEST(Loader, ReadsDaemonAndUnixRedis) {
    const auto r = load_one(R"([redis]
command_timeout = "1s"
url = "unix:///run/redis.sock?db=1"
maxlen = 5000
connect_timeout = "1500ms"
[daemon]
listen = ""
contact_url = "https://example.com/contact"
shutdown_timeout = "250ms"
per_host_connections = 4
per_host_spacing = "0s"
min_interval = "30s"
max_interval = "6h"
allow_private_networks = true
spool_max = "64MiB"
spool_sync = "0s"
instance_id = "ingest-2"
instance_ttl = "6s"
)");
    ASSERT_TRUE(r.ok()) << r.errors.front().message;
    EXPECT_EQ(r.config.redis.scheme, redis_scheme::unix_socket);
    EXPECT_EQ(r.config.redis.socket_path, "/run/redis.sock");
    EXPECT_EQ(r.config.redis.db, 1);
    EXPECT_EQ(r.config.redis.maxlen, 5000u);
    // Keys before the url are kept when it is read.
    EXPECT_EQ(r.config.redis.command_timeout, 1s);
    EXPECT_EQ(r.config.redis.connect_timeout, 1500ms);
    EXPECT_EQ(r.config.daemon.listen, "");
    EXPECT_EQ(r.config.daemon.shutdown_timeout, 250ms);
    EXPECT_EQ(r.config.daemon.per_host_connections, 4);
    EXPECT_EQ(r.config.daemon.per_host_spacing, 0ms);
    EXPECT_EQ(r.config.daemon.min_interval, 30s);
    EXPECT_EQ(r.config.daemon.max_interval, 6h);
    EXPECT_TRUE(r.config.daemon.allow_private_networks);
    EXPECT_EQ(r.config.daemon.spool_max, 64u << 20);
    EXPECT_EQ(r.config.daemon.spool_sync, 0ms);
    EXPECT_EQ(r.config.daemon.instance_id, "ingest-2");
    EXPECT_EQ(r.config.daemon.instance_ttl, 6s);
    EXPECT_TRUE(r.config.feeds.empty());
}

TEST(LoaderErrors, AnInstanceTtlUnderASecondIsRefused) {
    const auto r = load_one("[daemon]\ninstance_ttl = \"500ms\"\n");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors.front().key, "daemon.instance_ttl");
    EXPECT_EQ(load_one("").config.daemon.instance_ttl, 15s);
}

TEST(Loader, DedupTableSetsRetentionWindowAndPerStreamActions) {
    const auto r = load_one(R"([dedup]
retention = "14d"
near_window = "24h"
near_index_size = "64MiB"
near_bands = 16
near_duplicates = "drop"
streams = { "news:raw" = "off", "news:desk" = "mark" }
)");
    ASSERT_TRUE(r.ok()) << r.errors.front().message;
    EXPECT_EQ(r.config.dedup.retention, std::chrono::hours{24 * 14});
    EXPECT_EQ(r.config.dedup.near_window, 24h);
    EXPECT_EQ(r.config.dedup.near_index_size, 64u << 20);
    EXPECT_EQ(r.config.dedup.near_bands, 16u);
    EXPECT_EQ(r.config.dedup.action_for("feedwire:items"), near_duplicate_action::drop);
    EXPECT_EQ(r.config.dedup.action_for("news:raw"), near_duplicate_action::off);
    EXPECT_EQ(r.config.dedup.action_for("news:desk"), near_duplicate_action::mark);
}

TEST(Loader, DedupDefaultsMarkNearDuplicatesAndRememberThirtyDays) {
    const auto r = load_one("");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.config.dedup.retention, std::chrono::hours{24 * 30});
    EXPECT_EQ(r.config.dedup.near_window, 72h);
    EXPECT_EQ(r.config.dedup.near_index_size, 16u << 20);
    EXPECT_EQ(r.config.dedup.near_bands, 32u);
    EXPECT_EQ(r.config.dedup.action_for("feedwire:items"), near_duplicate_action::mark);
}

TEST(LoaderErrors, DedupMistakesNameTheirKeys) {
    const auto r = load_one(R"([dedup]
retention = "5m"
near_duplicates = "hide"
streams = { "s" = "maybe" }
window = "1h"
near_index_size = "1GiB"
near_bands = 24
)");
    ASSERT_EQ(r.errors.size(), 6u);
    std::map<std::string, const config_error*> by_key;
    for (const auto& e : r.errors) by_key[e.key] = &e;
    ASSERT_TRUE(by_key.count("dedup.retention"));
    EXPECT_EQ(by_key["dedup.retention"]->line, 2);
    ASSERT_TRUE(by_key.count("dedup.near_duplicates"));
    EXPECT_NE(by_key["dedup.near_duplicates"]->message.find("\"hide\""), std::string::npos);
    EXPECT_TRUE(by_key.count("dedup.streams.s"));
    EXPECT_TRUE(by_key.count("dedup.window"));
    ASSERT_TRUE(by_key.count("dedup.near_index_size"));
    EXPECT_EQ(by_key["dedup.near_index_size"]->line, 6);
    ASSERT_TRUE(by_key.count("dedup.near_bands"));
    EXPECT_NE(by_key["dedup.near_bands"]->message.find("16 or 32"), std::string::npos);
}

TEST(LoaderErrors, DaemonValuesOutOfRange) {
    const auto r = load_one(R"([daemon]
listen = "nohostport"
per_host_connections = 0
min_interval = "2h"
max_interval = "1h"
)");
    ASSERT_EQ(r.errors.size(), 3u);
    EXPECT_EQ(r.errors[0].key, "daemon.listen");
    EXPECT_EQ(r.errors[0].line, 2);
    EXPECT_EQ(r.errors[1].key, "daemon.per_host_connections");
    EXPECT_EQ(r.errors[2].key, "daemon.min_interval");
}

TEST(Loader, RedisTimeoutsDefault) {
    const auto r = load_one("[redis]\nurl = \"redis://h\"\n");
    ASSERT_TRUE(r.ok()) << r.errors.front().message;
    EXPECT_EQ(r.config.redis.connect_timeout, 5s);
    EXPECT_EQ(r.config.redis.command_timeout, 10s);
}

TEST(LoaderErrors, RedisTimeoutsOutOfRangeOrMalformed) {
    const auto by_key = [](const load_result& r, const std::string& key) -> const config_error* {
        const auto it = std::find_if(r.errors.begin(), r.errors.end(),
                                     [&](const config_error& e) { return e.key == key; });
        return it == r.errors.end() ? nullptr : &*it;
    };
    const auto r = load_one(R"([redis]
url = "redis://h"
connect_timeout = "50ms"
command_timeout = "ten seconds"
)");
    ASSERT_EQ(r.errors.size(), 2u);
    const config_error* connect = by_key(r, "redis.connect_timeout");
    ASSERT_NE(connect, nullptr);
    EXPECT_EQ(connect->code, config_errc::bad_value);
    EXPECT_EQ(connect->line, 3);
    EXPECT_NE(connect->message.find("100ms"), std::string::npos) << connect->message;
    const config_error* command = by_key(r, "redis.command_timeout");
    ASSERT_NE(command, nullptr);
    EXPECT_EQ(command->code, config_errc::bad_duration);
    EXPECT_EQ(command->line, 4);

    const auto more = load_one(R"([redis]
connect_timeout = 5
command_timeout = "2h"
comand_timeout = "1s"
)");
    ASSERT_EQ(more.errors.size(), 3u);
    ASSERT_NE(by_key(more, "redis.connect_timeout"), nullptr);
    EXPECT_EQ(by_key(more, "redis.connect_timeout")->code, config_errc::wrong_type);
    ASSERT_NE(by_key(more, "redis.command_timeout"), nullptr);
    EXPECT_EQ(by_key(more, "redis.command_timeout")->code, config_errc::bad_value);
    EXPECT_EQ(by_key(more, "redis.command_timeout")->line, 3);
    const config_error* typo = by_key(more, "redis.comand_timeout");
    ASSERT_NE(typo, nullptr);
    EXPECT_EQ(typo->code, config_errc::unknown_key);
    EXPECT_EQ(typo->line, 4);
    EXPECT_NE(typo->message.find("\"command_timeout\""), std::string::npos) << typo->message;
}

TEST(Loader, IncludeCyclesReadEachFileOnce) {
    fake_files files;
    files.files["/c/main.toml"] = "include = \"./sub/../a.toml\"\n";
    files.files["/c/a.toml"] = "include = \"/c/a.toml\"\n[[feed]]\nurl = \"https://a.example/\"\n";
    const auto r = load_config("/c/main.toml", files);
    ASSERT_TRUE(r.ok()) << r.errors.front().message;
    EXPECT_EQ(r.config.feeds.size(), 1u);
    EXPECT_EQ(r.config.files, (std::vector<std::string>{"/c/main.toml", "/c/a.toml"}));
}

TEST(Loader, ReadsSentinelUrlAndReplicaWait) {
    const auto r = load_one(R"([redis]
wait_replicas = 1
sentinel_password = "sentinel-secret"
url = "redis+sentinel://:data-secret@s1.example:26379,s2.example:26379/feedwire/0"
wait_timeout = "250ms"
)");
    ASSERT_TRUE(r.ok()) << r.errors.front().message;
    EXPECT_EQ(r.config.redis.scheme, redis_scheme::sentinel);
    ASSERT_EQ(r.config.redis.sentinels.size(), 2u);
    EXPECT_EQ(r.config.redis.sentinels[1].host, "s2.example");
    EXPECT_EQ(r.config.redis.master_name, "feedwire");
    EXPECT_EQ(r.config.redis.password, "data-secret");
    // Keys before the url are kept when it is read.
    EXPECT_EQ(r.config.redis.sentinel_password, "sentinel-secret");
    EXPECT_EQ(r.config.redis.wait_replicas, 1);
    EXPECT_EQ(r.config.redis.wait_timeout, 250ms);

    const auto defaults = load_one("[redis]\nurl = \"redis://h\"\n");
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults.config.redis.wait_replicas, 0);
    EXPECT_EQ(defaults.config.redis.wait_timeout, 1s);
}

TEST(LoaderErrors, SentinelUrlAndWaitMistakesNameFileLineAndKey) {
    const auto r = load_one(R"([redis]
url = "redis+sentinel://s1.example:26379,s2.example:port/feedwire"
wait_replicas = -1
)");
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0].code, config_errc::bad_redis_url);
    EXPECT_EQ(r.errors[0].file, "/etc/feedwire/feedwire.toml");
    EXPECT_EQ(r.errors[0].line, 2);
    EXPECT_EQ(r.errors[0].key, "redis.url");
    EXPECT_NE(r.errors[0].message.find("Sentinel 2: port must be"), std::string::npos)
        << r.errors[0].message;
    EXPECT_EQ(r.errors[1].key, "redis.wait_replicas");
    EXPECT_EQ(r.errors[1].line, 3);

    const auto nameless = load_one("[redis]\nurl = \"redis+sentinel://s1.example:26379\"\n");
    ASSERT_EQ(nameless.errors.size(), 1u);
    EXPECT_EQ(nameless.errors[0].code, config_errc::bad_redis_url);
    EXPECT_NE(nameless.errors[0].message.find("missing the name"), std::string::npos);

    const auto slow = load_one(R"([redis]
url = "redis+sentinel://s1.example/feedwire"
command_timeout = "2s"
wait_replicas = 1
wait_timeout = "5s"
)");
    ASSERT_EQ(slow.errors.size(), 1u);
    EXPECT_EQ(slow.errors[0].key, "redis.wait_timeout");
    EXPECT_EQ(slow.errors[0].line, 5);
    EXPECT_NE(slow.errors[0].message.find("command_timeout"), std::string::npos);

    const auto plain = load_one(R"([redis]
url = "redis://h"
sentinel_password = "x"
)");
    ASSERT_EQ(plain.errors.size(), 1u);
    EXPECT_EQ(plain.errors[0].key, "redis.sentinel_password");
    EXPECT_EQ(plain.errors[0].line, 3);
}

}  // namespace
}  // namespace feedwire::config
