// The pure transitions between fetch and delivery: requests from state,
// verdicts from outcomes, and how a feed's state moves (validators only
// after delivery, failures counted, moves remembered).
#include "feedwire/daemon/pipeline.hpp"

#include <gtest/gtest.h>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;

config::feed_config feed() {
    config::feed_config f;
    f.id = "tass.com-rss-v2.xml";
    f.url = "https://tass.com/rss/v2.xml";
    f.timeout = 30s;
    f.max_body = 1024;
    f.headers = {{"Accept-Language", "en"}};
    return f;
}

const std::chrono::system_clock::time_point t0{std::chrono::seconds{1'700'000'000}};

TEST(Pipeline, RequestCarriesValidatorsAndLimits) {
    config::daemon_config d;
    d.contact_url = "https://example.com/contact";
    feed_state s;
    s.etag = "\"abc\"";
    s.last_modified = "Sat, 22 Nov 2025 09:14:00 GMT";
    const fetch_request r = make_request(feed(), d, s);
    EXPECT_EQ(r.url, "https://tass.com/rss/v2.xml");
    EXPECT_EQ(r.etag, "\"abc\"");
    EXPECT_EQ(r.last_modified, "Sat, 22 Nov 2025 09:14:00 GMT");
    EXPECT_EQ(r.max_body, 1024u);
    EXPECT_EQ(r.total_timeout, 30s);
    EXPECT_EQ(r.connect_timeout, 15s);
    EXPECT_EQ(r.headers.at("Accept-Language"), "en");
    EXPECT_EQ(r.user_agent, "feedwire/" FEEDWIRE_VERSION " (+https://example.com/contact)");
    EXPECT_FALSE(r.allow_private_networks);
}

TEST(Pipeline, RequestGoesWherePermanentMoveLed) {
    feed_state s;
    s.current_url = "https://tass.com/rss/v3.xml";
    EXPECT_EQ(make_request(feed(), {}, s).url, "https://tass.com/rss/v3.xml");
}

TEST(Pipeline, FeedUserAgentWinsOverDaemon) {
    config::daemon_config d;
    d.user_agent = "newsroom-bot/2";
    auto f = feed();
    EXPECT_EQ(user_agent_for(d, f), "newsroom-bot/2");
    f.user_agent = "special/1";
    EXPECT_EQ(user_agent_for(d, f), "special/1");
}

TEST(Pipeline, VerdictsFollowStatus) {
    fetch_outcome o;
    o.status = fetch_status::ok;
    EXPECT_EQ(assess_fetch("f", "u", o).verdict, poll_verdict::fetched);
    o.status = fetch_status::not_modified;
    EXPECT_EQ(assess_fetch("f", "u", o).verdict, poll_verdict::not_modified);
    o.status = fetch_status::http_error;
    o.http_status = 410;
    EXPECT_EQ(assess_fetch("f", "u", o).verdict, poll_verdict::gone);
    o.http_status = 429;
    EXPECT_EQ(assess_fetch("f", "u", o).verdict, poll_verdict::throttled);
    o.http_status = 503;
    EXPECT_EQ(assess_fetch("f", "u", o).verdict, poll_verdict::throttled);
    o.http_status = 500;
    EXPECT_EQ(assess_fetch("f", "u", o).verdict, poll_verdict::failed);
    o.status = fetch_status::timeout;
    EXPECT_EQ(assess_fetch("f", "u", o).verdict, poll_verdict::failed);
}

TEST(Pipeline, ErrorsNameFeedUrlAndCause) {
    fetch_outcome o;
    o.status = fetch_status::http_error;
    o.http_status = 404;
    const auto a = assess_fetch("tass", "https://tass.com/rss/v2.xml", o);
    EXPECT_EQ(a.error, "feed tass (https://tass.com/rss/v2.xml): HTTP 404");
    o.status = fetch_status::blocked;
    o.http_status = 403;
    const auto b = assess_fetch("tass", "https://tass.com/rss/v2.xml", o);
    EXPECT_NE(b.error.find("bot protection"), std::string::npos) << b.error;
    EXPECT_NE(b.error.find("publisher"), std::string::npos) << b.error;
    EXPECT_EQ(b.verdict, poll_verdict::failed);
}

TEST(Pipeline, FailureCountsAndReportsOnlyChanges) {
    feed_state s;
    EXPECT_TRUE(record_failure(s, "timeout", "feed f (u): timeout", 0, t0));
    EXPECT_FALSE(record_failure(s, "timeout", "feed f (u): timeout", 0, t0 + 1min));
    EXPECT_TRUE(record_failure(s, "http_error", "feed f (u): HTTP 500", 500, t0 + 2min));
    EXPECT_EQ(s.consecutive_errors, 3u);
    EXPECT_EQ(s.last_http_status, 500);
    EXPECT_EQ(s.last_status, "http_error");
    EXPECT_EQ(s.last_poll, t0 + 2min);
}

TEST(Pipeline, SuccessResetsErrorsAndTakesValidators) {
    feed_state s;
    record_failure(s, "timeout", "x", 0, t0);
    fetch_outcome o;
    o.status = fetch_status::ok;
    o.http_status = 200;
    o.etag = "\"v2\"";
    o.last_modified = "Sun, 23 Nov 2025 10:00:00 GMT";
    batch_summary delivered;
    delivered.added = 3;
    EXPECT_TRUE(record_success(s, "ok", o, "hash1", delivered, t0 + 1h));
    EXPECT_EQ(s.consecutive_errors, 0u);
    EXPECT_TRUE(s.last_error.empty());
    EXPECT_EQ(s.etag, "\"v2\"");
    EXPECT_EQ(s.body_hash, "hash1");
    EXPECT_EQ(s.items_delivered, 3u);
    EXPECT_EQ(s.last_new_item, t0 + 1h);
    EXPECT_EQ(s.last_success, t0 + 1h);
}

TEST(Pipeline, NotModifiedKeepsValidatorsUnlessRefreshed) {
    feed_state s;
    s.etag = "\"v1\"";
    s.last_modified = "old";
    s.body_hash = "h";
    fetch_outcome o;
    o.status = fetch_status::not_modified;
    o.http_status = 304;
    o.last_modified = "new";
    EXPECT_FALSE(record_success(s, "not_modified", o, "", {}, t0));
    EXPECT_EQ(s.etag, "\"v1\"");
    EXPECT_EQ(s.last_modified, "new");
    EXPECT_EQ(s.body_hash, "h");
}

TEST(Pipeline, PermanentMoveIsRemembered) {
    feed_state s;
    fetch_outcome o;
    o.status = fetch_status::ok;
    o.redirect_count = 2;
    o.is_permanent_redirect = true;
    o.effective_url = "https://new.example/feed";
    record_success(s, "ok", o, "h", {}, t0);
    EXPECT_EQ(s.current_url, "https://new.example/feed");
    EXPECT_EQ(s.moved_to, "https://new.example/feed");

    feed_state t;
    o.is_permanent_redirect = false;  // a 302 somewhere in the chain
    record_success(t, "ok", o, "h", {}, t0);
    EXPECT_TRUE(t.current_url.empty());
}

TEST(Pipeline, GoneDisables) {
    feed_state s;
    record_gone(s, "feed f (u): 410 Gone", t0);
    EXPECT_TRUE(s.is_gone);
    EXPECT_EQ(s.last_http_status, 410);
}

TEST(Pipeline, HintsFromHeadersAndDocument) {
    fetch_outcome o;
    o.cache_control = "public, max-age=600";
    o.retry_after = "120";
    feeds::feed_info doc;
    doc.ttl_minutes = 30;
    doc.update_period = "hourly";
    doc.update_frequency = 2;
    doc.skip_hours = {1, 2};
    const auto h = hints_from(o, document_hints(doc), t0);
    ASSERT_TRUE(h.max_age);
    EXPECT_EQ(*h.max_age, 600s);
    ASSERT_TRUE(h.retry_after);
    EXPECT_EQ(*h.retry_after, 120s);
    ASSERT_TRUE(h.ttl);
    EXPECT_EQ(*h.ttl, 30min);
    ASSERT_TRUE(h.sy_period);
    EXPECT_EQ(*h.sy_period, 30min);
    EXPECT_EQ(h.skip_hours.size(), 2u);
}

}  // namespace
}  // namespace feedwire::daemon
