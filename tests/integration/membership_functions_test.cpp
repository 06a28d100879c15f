// The membership FUNCTIONs of the `feedwire` library (membership.hpp) on a
// real redis-server: the heartbeat records an instance with the server's
// clock and drops members not heard from within the ttl; a lease is taken
// only while free, renewed only by its holder, and released only by it.
#include "feedwire/daemon/deliver.hpp"
#include "feedwire/daemon/membership.hpp"
#include "support/redis_server.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace feedwire::daemon {
namespace {

using feedwire::test::redis_server;

std::set<std::string> strings_of(const redis_reply& r) {
    std::set<std::string> out;
    for (const auto& e : r.elements) out.insert(e.str);
    return out;
}

std::vector<long long> integers_of(const redis_reply& r) {
    std::vector<long long> out;
    for (const auto& e : r.elements) out.push_back(e.integer);
    return out;
}

class MembershipFunctions : public ::testing::Test {
protected:
    void SetUp() override {
        if (!redis_server::is_available()) GTEST_SKIP() << "redis-server is not installed";
        redis_ = std::make_unique<redis_server>();
        const auto loaded = redis_->command(delivery_library_load_command());
        ASSERT_FALSE(loaded.is_error()) << loaded.str;
    }
    redis_reply heartbeat(const std::string& id, const std::string& ttl_ms) {
        return redis_->command(
            {"FCALL", "feedwire_heartbeat", "1", std::string(instances_key), id, ttl_ms});
    }
    redis_reply leases(const std::string& id, const std::vector<std::string>& hosts,
                       const std::string& function = "feedwire_leases") {
        std::vector<std::string> argv{"FCALL", function, std::to_string(hosts.size())};
        for (const auto& h : hosts) argv.push_back(lease_key(h));
        argv.push_back(id);
        if (function == "feedwire_leases") argv.push_back("60000");
        return redis_->command(argv);
    }
    std::unique_ptr<redis_server> redis_;
};

TEST_F(MembershipFunctions, HeartbeatListsTheLiveAndDropsTheSilent) {
    EXPECT_EQ(strings_of(heartbeat("a", "15000")), std::set<std::string>{"a"});
    EXPECT_EQ(strings_of(heartbeat("b", "15000")), (std::set<std::string>{"a", "b"}));
    // A member last heard from in 1970 is stale for whoever beats next.
    redis_->command({"ZADD", std::string(instances_key), "1", "gone"});
    EXPECT_EQ(strings_of(heartbeat("a", "15000")), (std::set<std::string>{"a", "b"}));
    EXPECT_EQ(redis_->command({"ZSCORE", std::string(instances_key), "gone"}).type,
              redis_reply::kind::nil);
    // The score is the server's clock in ms; the set expires when nobody beats.
    const auto score = std::stoll(redis_->command({"ZSCORE", std::string(instances_key), "a"}).str);
    const auto server_s = std::stoll(redis_->command({"TIME"}).elements.at(0).str);
    EXPECT_NEAR(static_cast<double>(score) / 1000, static_cast<double>(server_s), 5.0);
    EXPECT_GT(redis_->command({"PTTL", std::string(instances_key)}).integer, 15000);
}

TEST_F(MembershipFunctions, ALeaseIsExclusiveRenewedAndReleasedOnlyByItsHolder) {
    EXPECT_EQ(integers_of(leases("a", {"h1", "h2"})), (std::vector<long long>{1, 1}));
    EXPECT_EQ(integers_of(leases("b", {"h1", "h3"})), (std::vector<long long>{0, 1}));
    EXPECT_EQ(redis_->command({"GET", lease_key("h1")}).str, "a");
    // Renewed by its holder: the expiry moves out again.
    redis_->command({"PEXPIRE", lease_key("h1"), "500"});
    EXPECT_EQ(integers_of(leases("a", {"h1"})), std::vector<long long>{1});
    EXPECT_GT(redis_->command({"PTTL", lease_key("h1")}).integer, 30000);
    // Released only by its holder.
    EXPECT_EQ(leases("b", {"h1", "h2", "h3"}, "feedwire_release").integer, 1);
    EXPECT_EQ(redis_->command({"GET", lease_key("h1")}).str, "a");
    EXPECT_EQ(redis_->command({"EXISTS", lease_key("h3")}).integer, 0);
    EXPECT_EQ(leases("a", {"h1", "h2"}, "feedwire_release").integer, 2);
    EXPECT_EQ(integers_of(leases("b", {"h1", "h2"})), (std::vector<long long>{1, 1}));
}

}  // namespace
}  // namespace feedwire::daemon
