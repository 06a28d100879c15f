// The endpoint's pure parts: Prometheus text exposition, the histogram, the
// counters the service feeds, escaping for HTML and JSON, health, and the
// routing of requests (methods, paths).
#include "feedwire/daemon/metrics.hpp"

#include "feedwire/daemon/deliver.hpp"
#include "feedwire/daemon/fetch.hpp"
#include "feedwire/daemon/http_endpoint.hpp"
#include "feedwire/daemon/status_page.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>

namespace feedwire::daemon {
namespace {

using namespace std::chrono_literals;

const std::chrono::system_clock::time_point t0{std::chrono::seconds{1'700'000'000}};

TEST(Prometheus, EscapesLabelValuesAndHelp) {
    EXPECT_EQ(prometheus_escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    EXPECT_EQ(prometheus_escape_help("a\\b\"c\nd"), "a\\\\b\"c\\nd");
}

TEST(Prometheus, FormatsValues) {
    EXPECT_EQ(prometheus_value(0.0), "0");
    EXPECT_EQ(prometheus_value(42.0), "42");
    EXPECT_EQ(prometheus_value(0.25), "0.25");
    EXPECT_EQ(prometheus_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(prometheus_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(prometheus_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(Prometheus, WritesFamiliesSamplesAndLabels) {
    prometheus_writer w;
    w.family("x_total", "Things\ncounted.", "counter");
    w.sample("x_total", {{"result", "ok"}, {"why", "say \"hi\""}}, std::uint64_t{3});
    w.sample("x_total", std::uint64_t{7});
    EXPECT_EQ(w.text(),
              "# HELP x_total Things\\ncounted.\n"
              "# TYPE x_total counter\n"
              "x_total{result=\"ok\",why=\"say \\\"hi\\\"\"} 3\n"
              "x_total 7\n");
}

TEST(Prometheus, HistogramBucketsAreCumulativeWithInf) {
    histogram h({0.1, 1});
    h.observe(0.05);
    h.observe(0.1);  // le is inclusive
    h.observe(0.5);
    h.observe(3);
    prometheus_writer w;
    w.write_histogram("lat_seconds", "Latency.", h);
    EXPECT_EQ(w.text(),
              "# HELP lat_seconds Latency.\n"
              "# TYPE lat_seconds histogram\n"
              "lat_seconds_bucket{le=\"0.1\"} 2\n"
              "lat_seconds_bucket{le=\"1\"} 3\n"
              "lat_seconds_bucket{le=\"+Inf\"} 4\n"
              "lat_seconds_sum 3.65\n"
              "lat_seconds_count 4\n");
}

TEST(Metrics, CountsWhatTheServiceReports) {
    service_metrics m;
    fetch_outcome o;
    o.http_status = 200;
    o.bytes_received = 1000;
    o.elapsed = 200ms;
    m.on_fetched(o);
    o.http_status = 0;
    o.bytes_received = 0;
    m.on_fetched(o);
    m.on_parsed(5, 2, 3ms);
    m.on_timer_fired(-1ms);  // early counts as no lag
    batch_summary b;
    b.added = 3;
    b.updated = 1;
    b.duplicates = 2;
    b.near_duplicates = 1;
    b.near_dropped = 4;
    m.on_delivered(b, t0);
    m.on_poll_finished("ok");
    m.on_poll_finished("ok");
    m.on_poll_finished("timeout");
    EXPECT_EQ(m.http_responses.at("2xx"), 1u);
    EXPECT_EQ(m.http_responses.at("none"), 1u);
    EXPECT_EQ(m.items_new, 4u);  // near-duplicates delivered marked count as new
    EXPECT_EQ(m.items_updated, 1u);
    EXPECT_EQ(m.last_day(t0).back(), 5u);
    EXPECT_EQ(m.last_day(t0 + 1h).back(), 0u);
    EXPECT_EQ(m.last_day(t0 + 1h).at(22), 5u);
    EXPECT_EQ(m.last_day(t0 + 24h).at(0), 0u);  // a day later, that hour has gone

    status_snapshot s;
    s.is_redis_connected = true;
    s.spool_records = 2;
    feed_status bad;
    bad.consecutive_errors = 1;
    s.feeds = {feed_status{}, bad};
    const std::string text = render_metrics(m, s);
    for (const char* line :
         {"feedwire_polls_total{result=\"ok\"} 2\n", "feedwire_polls_total{result=\"timeout\"} 1\n",
          "feedwire_http_responses_total{class=\"2xx\"} 1\n", "feedwire_fetched_bytes_total 1000\n",
          "feedwire_items_parsed_total 5\n", "feedwire_parse_warnings_total 2\n",
          "feedwire_items_delivered_total{kind=\"new\"} 4\n",
          "feedwire_items_delivered_total{kind=\"updated\"} 1\n", "feedwire_duplicates_total 2\n",
          "feedwire_near_duplicates_total{action=\"dropped\"} 4\n",
          "feedwire_fetch_duration_seconds_bucket{le=\"0.25\"} 2\n",
          "feedwire_fetch_duration_seconds_count 2\n",
          "feedwire_parse_duration_seconds_bucket{le=\"0.005\"} 1\n",
          "feedwire_scheduler_lag_seconds_bucket{le=\"0.001\"} 1\n", "feedwire_feeds 2\n",
          "feedwire_feeds_failing 1\n", "feedwire_redis_connected 1\n",
          "feedwire_spool_records 2\n", "# TYPE feedwire_spool_refused_total counter\n"}) {
        EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
    }
    // Every sample belongs to a family announced before it.
    std::string family;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.rfind("# TYPE ", 0) == 0) {
            family = line.substr(7, line.find(' ', 7) - 7);
        } else if (line[0] != '#') {
            EXPECT_EQ(line.rfind(family, 0), 0u) << line;
        }
    }
}

TEST(StatusPage, EscapesHtml) {
    EXPECT_EQ(html_escape("<script>alert('x')</script> & \"q\""),
              "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
}

TEST(StatusPage, FormatsUtc) {
    EXPECT_EQ(format_utc(t0), "2023-11-14T22:13:20Z");
    EXPECT_EQ(format_utc({}), "");
}

TEST(StatusPage, TellsTimesRelativeToNow) {
    using namespace std::chrono_literals;
    EXPECT_EQ(relative_time({}, t0), "never");
    EXPECT_EQ(relative_time(t0, t0), "now");
    EXPECT_EQ(relative_time(t0 - 45s, t0), "45s ago");
    EXPECT_EQ(relative_time(t0 + 200s, t0), "in 3m20s");
    EXPECT_EQ(relative_time(t0 + 180s, t0), "in 3m");
    EXPECT_EQ(relative_time(t0 - 25min - 10s, t0), "25m ago");
    EXPECT_EQ(relative_time(t0 + 65min, t0), "in 1h05m");
    EXPECT_EQ(relative_time(t0 - 3h, t0), "3h ago");
    EXPECT_EQ(relative_time(t0 - 50h, t0), "2d ago");
}

TEST(StatusPage, StatusTextDropsTheFeedAndUrlOfLogLines) {
    feed_status f;
    f.id = "wire";
    f.last_status = "ok";
    EXPECT_EQ(status_text(f), "ok");
    f.last_error = "feed wire (http://a.example/(x)): HTTP 500: server error";
    EXPECT_EQ(status_text(f), "HTTP 500: server error");
    f.last_error = "feed other (http://a.example/): HTTP 500";
    EXPECT_EQ(status_text(f), f.last_error);
    f.last_error = "timeout after 30 s";
    EXPECT_EQ(status_text(f), "timeout after 30 s");
}

TEST(Metrics, ExposeTheMembershipWhenInstancesShareTheFeeds) {
    status_snapshot s;
    EXPECT_EQ(render_metrics(service_metrics{}, s).find("feedwire_instances_live"),
              std::string::npos);  // once mode: no membership
    s.has_membership = true;
    s.instance_id = "ingest-\"1\"";
    s.live_instances = {"ingest-\"1\"", "ingest-2"};
    s.hosts_owned = 7;
    const std::string text = render_metrics(service_metrics{}, s);
    for (const char* line : {"feedwire_instances_live 2\n", "feedwire_hosts_owned 7\n",
                             "feedwire_instance_info{instance=\"ingest-\\\"1\\\"\"} 1\n",
                             "feedwire_instance_live{instance=\"ingest-2\"} 1\n"}) {
        EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
    }
}

status_snapshot hostile_snapshot() {
    status_snapshot s;
    s.now = t0;
    s.is_redis_connected = true;
    feed_status good;
    good.id = "good";
    good.url = "http://a.example/feed";
    good.last_poll = t0;
    good.items_delivered = 3;
    good.owner = "ingest-<2>";
    feed_status bad;
    bad.id = "bad";
    bad.url = "http://b.example/\"><script>alert(1)</script>";
    bad.last_error = "HTTP 500 <script>alert(2)</script>\xff";
    bad.consecutive_errors = 2;
    s.feeds = {good, bad};
    return s;
}

TEST(StatusPage, FailingFeedsFirstAndNoInjection) {
    const auto s = hostile_snapshot();
    const std::string page = render_status_page(service_metrics{}, s, "1.0");
    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_NE(page.find("HTTP 500 &lt;script&gt;alert(2)&lt;/script&gt;"), std::string::npos);
    EXPECT_LT(page.find("<td>bad</td>"), page.find("<td>good</td>"));

    const auto feeds = nlohmann::json::parse(render_feeds_json(s));
    ASSERT_EQ(feeds.size(), 2u);
    EXPECT_EQ(feeds[0]["id"], "bad");
    EXPECT_EQ(feeds[0]["last_error"], "HTTP 500 <script>alert(2)</script>\xef\xbf\xbd");
    EXPECT_EQ(feeds[0]["consecutive_errors"], 2);
    EXPECT_TRUE(feeds[0]["last_poll"].is_null());
    EXPECT_EQ(feeds[1]["last_poll"], "2023-11-14T22:13:20Z");
    EXPECT_EQ(feeds[1]["items_delivered"], 3);
    EXPECT_TRUE(feeds[1]["last_error"].is_null());
    EXPECT_TRUE(feeds[0]["owner"].is_null());
    EXPECT_EQ(feeds[1]["owner"], "ingest-<2>");
    EXPECT_NE(page.find("<td>ingest-&lt;2&gt;</td>"), std::string::npos);
}

TEST(Health, RedisOrASpoolWithRoom) {
    status_snapshot s;
    s.redis_address = "unix:/x";
    EXPECT_FALSE(assess_health(s).is_ok);
    s.has_spool = true;
    s.spool_max_bytes = 100;
    EXPECT_TRUE(assess_health(s).is_ok);
    s.spool_bytes = 100;
    EXPECT_FALSE(assess_health(s).is_ok);
    EXPECT_NE(assess_health(s).reason.find("spool is full"), std::string::npos);
    s.is_redis_connected = true;
    EXPECT_TRUE(assess_health(s).is_ok);
    s.is_stopping = true;
    EXPECT_FALSE(assess_health(s).is_ok);
}

TEST(Endpoint, RoutesGetOnly) {
    service_metrics m;
    endpoint_sources src;
    src.metrics = [&m]() -> const service_metrics& { return m; };
    src.snapshot = [] { return hostile_snapshot(); };
    src.version = "1.0";
    EXPECT_EQ(answer_request("GET", "/nope", src).status, 404u);
    const auto post = answer_request("POST", "/metrics", src);
    EXPECT_EQ(post.status, 405u);
    EXPECT_TRUE(post.allow_get);
    const auto metrics = answer_request("GET", "/metrics?x=1", src);
    EXPECT_EQ(metrics.status, 200u);
    EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(answer_request("GET", "/healthz", src).body, "ok\n");
    EXPECT_EQ(answer_request("GET", "/feeds", src).content_type, "application/json");
    EXPECT_EQ(answer_request("GET", "/", src).content_type, "text/html; charset=utf-8");
}

TEST(Endpoint, ParsesListen) {
    const auto a = parse_listen("127.0.0.1:9464");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 9464);
    const auto b = parse_listen("[::1]:80");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "::1");
    EXPECT_FALSE(parse_listen("nohost"));
    EXPECT_FALSE(parse_listen("h:99999"));
}

}  // namespace
}  // namespace feedwire::daemon
