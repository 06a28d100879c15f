// plan_reload: which feeds a SIGHUP adds, removes and changes, and which
// settings wait for a restart.
#include "feedwire/daemon/reload.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;

config::feed_config feed(const std::string& id, const std::string& url) {
    config::feed_config f;
    f.id = id;
    f.url = url;
    return f;
}

TEST(PlanReload, SortsFeedsIntoAddedRemovedChangedAndUnchanged) {
    config::configuration running;
    running.feeds = {feed("a", "https://a.example/rss"), feed("b", "https://b.example/rss"),
                     feed("c", "https://c.example/rss")};
    config::configuration next = running;
    next.feeds.erase(next.feeds.begin());  // a removed
    next.feeds[0].interval = 5min;         // b changed
    next.feeds[1].line = 42;               // c only moved: unchanged
    next.feeds[1].file = "/etc/feedwire/feeds.d/c.toml";
    next.feeds.push_back(feed("d", "https://d.example/rss"));  // d added

    const auto plan = plan_reload(running, next);
    ASSERT_EQ(plan.removed.size(), 1u);
    EXPECT_EQ(plan.removed[0], "a");
    ASSERT_EQ(plan.changed.size(), 1u);
    EXPECT_EQ(plan.changed[0].id, "b");
    EXPECT_EQ(plan.changed[0].interval, 5min);
    ASSERT_EQ(plan.added.size(), 1u);
    EXPECT_EQ(plan.added[0].id, "d");
    EXPECT_EQ(plan.unchanged, 1u);
    EXPECT_TRUE(plan.restart_only.empty());
    EXPECT_EQ(plan.config.feeds.size(), 3u);
}

TEST(PlanReload, UrlChangeIsAChange) {
    config::configuration running;
    running.feeds = {feed("a", "https://a.example/rss")};
    config::configuration next = running;
    next.feeds[0].url = "https://a.example/v2/rss";
    const auto plan = plan_reload(running, next);
    ASSERT_EQ(plan.changed.size(), 1u);
    EXPECT_EQ(plan.changed[0].url, "https://a.example/v2/rss");
}

TEST(PlanReload, KeepsSettingsBoundToOpenResourcesAndNamesThem) {
    config::configuration running;
    running.daemon.state_dir = "/var/lib/feedwire";
    config::configuration next = running;
    next.daemon.state_dir = "/srv/feedwire";
    next.redis.port = 6380;
    next.daemon.min_interval = 30s;  // applies at once
    next.daemon.user_agent = "newsroom-bot";
    const auto plan = plan_reload(running, next);
    EXPECT_EQ(plan.config.daemon.state_dir, "/var/lib/feedwire");
    EXPECT_EQ(plan.config.redis.port, 6379);
    EXPECT_EQ(plan.config.daemon.min_interval, 30s);
    EXPECT_EQ(plan.config.daemon.user_agent, "newsroom-bot");
    EXPECT_EQ(plan.restart_only, (std::vector<std::string>{"daemon.state_dir", "redis"}));
}

}  // namespace
}  // namespace feedwire::daemon
