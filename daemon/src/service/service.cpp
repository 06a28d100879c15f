// The service sequences one poll of a feed through the components, all on
// one io_context thread except parsing:
//
//   timer -> scheduler.take_due -> fetcher.fetch -> (worker pool) parse
//         -> deliverer.deliver -> state saved -> scheduler.finished -> timer
//
// Each step is do_x / on_x, and every decision between steps is one of the
// pure functions of pipeline.hpp. A feed's state advances only after its
// items are in Redis or durably in the spool (DESIGN.md): a failed
// delivery keeps the old validators, so the next poll fetches the document
// again. A state that cannot reach Redis (not connected, or a save whose
// outcome is unknown) is kept in state_dir/state (state_files.hpp), is
// preferred at start when it records a later poll than Redis's, and goes
// to Redis when it is back; its file is removed once Redis acknowledged.
#include "feedwire/daemon/service.hpp"

#include "feedwire/daemon/clock.hpp"
#include "feedwire/daemon/deliver.hpp"
#include "feedwire/daemon/feed_state.hpp"
#include "feedwire/daemon/fetcher.hpp"
#include "feedwire/daemon/http_endpoint.hpp"
#include "feedwire/daemon/membership.hpp"
#include "feedwire/daemon/notify.hpp"
#include "feedwire/daemon/pipeline.hpp"
#include "feedwire/daemon/redis.hpp"
#include "feedwire/daemon/reload.hpp"
#include "feedwire/daemon/schedule_policy.hpp"
#include "feedwire/daemon/scheduler.hpp"
#include "feedwire/daemon/state_files.hpp"
#include "feedwire/feeds/fingerprint.hpp"
#include "feedwire/feeds/parse.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <unordered_map>

#include <unistd.h>

namespace feedwire::daemon {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using std::chrono::seconds;

struct feed_runtime {
    config::feed_config config;
    std::string host;
    // The host of the configured URL: the unit of sharing between instances
    // (membership.hpp). A feed moved permanently elsewhere stays with it.
    std::string lease_host;
    feed_state state;
    freshness_hints document_hints;  // from the last document parsed
    feed_report report;
    // Fields of the saved hash (see field_mask); unknown at start, so the
    // first save clears every field it does not write.
    std::uint32_t saved_fields = ~std::uint32_t{0};
    // Saves of the state are numbered: the last one made, the last one
    // Redis acknowledged, and the one in the feed's state file (0: none).
    std::uint64_t save_seq = 0;
    std::uint64_t redis_seq = 0;
    std::uint64_t file_seq = 0;
    bool is_polling = false;
    // A reload's verdict on a feed whose poll was in flight: applied when
    // the poll ends (on_reload; a nullopt config: removed).
    std::optional<std::optional<config::feed_config>> pending_change;
    std::uint64_t serial = 0;  // tells a re-added feed from its earlier self
};

// A time far enough away that a finished feed never comes due again in once mode.
constexpr auto never = std::chrono::hours{24 * 365 * 50};

// In once mode, deliveries wait this long for an absent Redis before the
// run gives up on them (the daemon mode waits as long as it takes).
constexpr auto once_redis_grace = seconds{10};

}  // namespace

struct service::impl {
    config::configuration config;
    service_options options;
    asio::io_context io;
    real_clock clock;
    redis_client redis;
    fetcher http;
    std::unique_ptr<spool> disk;  // null when state_dir/spool cannot be used
    // Feed states waiting for Redis; null when state_dir/state cannot be used.
    std::unique_ptr<state_files> kept_states;
    deliverer delivery;
    asio::thread_pool workers;
    asio::steady_timer poll_timer{io};
    asio::steady_timer stop_timer{io};
    asio::steady_timer tick_timer{io};
    asio::signal_set signals{io, SIGINT, SIGTERM};
    asio::signal_set reload_signals{io};
    systemd_notifier notifier{io, [this] { return status_line(); }};
    bool is_reload_waiting = false;  // SIGHUP before polling began
    std::uint64_t next_serial = 1;
    scheduler sched;
    std::unordered_map<std::string, feed_runtime> feeds;
    std::vector<std::string> order;  // feed ids in configuration order
    std::mt19937_64 rng{std::random_device{}()};
    run_summary summary;
    service_metrics metrics;                  // served by the endpoint
    std::unique_ptr<http_endpoint> endpoint;  // daemon.listen; null when off
    system_time started_at{};
    // Sharing the feeds with other instances (daemon mode; null in once
    // mode, which polls everything it is given).
    std::string instance_id;
    std::unique_ptr<host_leases> leases;
    asio::steady_timer member_timer{io};
    bool has_heartbeat_failed = false;  // logged once until one succeeds

    bool is_scheduling = false;
    std::optional<steady_time> armed_for;  // when the pending poll_timer wait fires
    bool is_stopping = false;
    bool is_finished = false;
    std::size_t polls_running = 0;
    std::size_t once_remaining = 0;
    std::size_t feeds_done = 0;  // once mode: polled, or skipped as gone
    std::size_t states_pending = 0;
    std::optional<steady_time> redis_down_since;
    bool was_redis_up = false;
    bool has_state_write_failed = false;  // logged once until a write succeeds

    impl(config::configuration c, service_options o)
        : config(std::move(c)),
          options(o),
          redis(io, config.redis, client_options(config.redis)),
          http(io, fetcher_options{config.daemon.per_host_connections, 256}),
          disk(open_spool(config.daemon)),
          kept_states(open_state_files(config.daemon)),
          delivery(io, redis, delivery_options(config, o, disk.get())),
          workers(std::max<std::size_t>(1, o.workers)),
          sched(scheduler_limits{static_cast<std::size_t>(config.daemon.per_host_connections),
                                 config.daemon.per_host_spacing}),
          instance_id(resolve_instance_id(config.daemon)) {
        // Leases, and the silence after which a member counts as gone, last
        // half of instance_ttl and are renewed every quarter: a killed
        // instance's hosts are free within half the ttl, seen by the others
        // within a quarter more, and their overdue feeds start within the
        // last quarter (schedule_added): polled again within the ttl.
        if (options.mode == run_mode::daemon)
            leases = std::make_unique<host_leases>(instance_id, config.daemon.instance_ttl / 2);
    }

    // The configured id, or "<hostname>:<state_dir>": stable across
    // restarts (a restarted instance renews its own leases at once instead
    // of waiting a ttl for them to expire) and distinct between instances,
    // which cannot share a state directory anyway.
    static std::string resolve_instance_id(const config::daemon_config& d) {
        if (!d.instance_id.empty()) return d.instance_id;
        char name[256] = {};
        if (::gethostname(name, sizeof name - 1) != 0) name[0] = '\0';
        return std::string(name[0] != '\0' ? name : "localhost") + ":" + d.state_dir;
    }

    // The spool lives in state_dir/spool. A daemon that cannot use it still
    // runs, keeping waiting items in memory, and says so.
    static std::unique_ptr<spool> open_spool(const config::daemon_config& d) {
        spool_options so;
        so.dir = std::filesystem::path(d.state_dir) / "spool";
        so.max_bytes = d.spool_max;
        so.sync_each_record = d.spool_sync.count() == 0;
        std::vector<std::string> warnings;
        auto opened = spool::open(so, warnings);
        for (const auto& w : warnings) spdlog::warn("{}", w);
        if (!opened) {
            spdlog::error(
                "{}; items wait in memory while Redis is away, and are lost if the "
                "daemon stops before it returns",
                opened.error().message);
            return nullptr;
        }
        auto out = std::move(*opened);
        if (!out->empty())
            spdlog::info("spool {}: {} records ({} bytes) wait for Redis", so.dir.string(),
                         out->stats().records, out->stats().bytes);
        return out;
    }

    // Feed states that cannot reach Redis wait in state_dir/state. Without
    // it the daemon still runs; such a state then lives only in memory.
    static std::unique_ptr<state_files> open_state_files(const config::daemon_config& d) {
        auto opened = state_files::open(std::filesystem::path(d.state_dir) / "state");
        if (!opened) {
            spdlog::error(
                "{}; feed states wait in memory while Redis is away, and are lost if the "
                "daemon stops before it returns (those feeds are fetched again in full)",
                opened.error().message);
            return nullptr;
        }
        return std::move(*opened);
    }

    static redis_options client_options(const config::redis_config& r) {
        redis_options ro;
        ro.connect_timeout = r.connect_timeout;
        ro.command_timeout = r.command_timeout;
        return ro;
    }

    static deliverer_options delivery_options(const config::configuration& c,
                                              const service_options& o, spool* disk) {
        deliverer_options d;
        d.maxlen = c.redis.maxlen;
        d.dedup = c.dedup;
        d.max_attempts = o.mode == run_mode::once ? 40 : 1000000;
        d.retry_delay = milliseconds{500};
        d.disk = disk;
        d.sync_interval = std::max(c.daemon.spool_sync, milliseconds{1});
        d.report = [](const std::string& m) { spdlog::error("{}", m); };
        d.wait_replicas = c.redis.wait_replicas;
        d.wait_timeout = c.redis.wait_timeout;
        return d;
    }

    double jitter() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }
    bool is_once() const { return options.mode == run_mode::once; }

    // ---- start ---------------------------------------------------------

    void start() {
        redis.set_prelude({delivery_library_load_command()});
        redis.on_state_change([this](bool connected, const std::string& reason) {
            on_redis_state(connected, reason);
        });
        redis.on_primary_change([this](const std::string& previous, const std::string& current) {
            if (previous.empty()) {
                spdlog::info("redis {}: the Sentinels name the primary at {}",
                             config::describe(config.redis), current);
            } else {
                spdlog::warn("redis {}: failover: the primary moved from {} to {}",
                             config::describe(config.redis), previous, current);
            }
        });
        redis.start();

        for (const auto& f : config.feeds) {
            feed_runtime rt;
            rt.config = f;
            rt.lease_host = host_of(f.url);
            rt.report.id = f.id;
            rt.report.url = f.url;
            order.push_back(f.id);
            feeds.emplace(f.id, std::move(rt));
        }
        summary.feeds = static_cast<std::size_t>(std::count_if(
            config.feeds.begin(), config.feeds.end(), [](const auto& f) { return f.enabled; }));

        signals.async_wait([this](const boost::system::error_code& ec, int signo) {
            if (!ec) on_signal(signo);
        });
        start_endpoint();
        load_state_files();
        if (!is_once()) {
            reload_signals.add(SIGHUP);
            do_wait_reload();
        }
        notifier.start();
        do_load_states();
        // The heartbeat serves once mode (its bound on waiting for Redis)
        // and the progress line; a daemon has no use for four wake-ups a
        // second.
        if (is_once() || options.show_progress) do_tick();
    }

    // States kept on disk while Redis was away, read before Redis answers:
    // when it does not, polling starts from them (conditional GETs, not
    // full fetches). Files of feeds no longer configured stay for when the
    // feed returns.
    void load_state_files() {
        if (!kept_states) return;
        std::vector<std::string> warnings;
        std::size_t used = 0;
        std::size_t unused = 0;
        for (auto& kept : kept_states->load(warnings)) {
            auto it = feeds.find(kept.feed_id);
            if (it == feeds.end()) {
                ++unused;
                continue;
            }
            std::map<std::string, std::string> fields(kept.fields.begin(), kept.fields.end());
            auto& rt = it->second;
            rt.state = state_for_url(from_fields(fields), rt.config.url);
            rt.save_seq = rt.file_seq = 1;
            ++used;
        }
        for (const auto& w : warnings) spdlog::warn("{}", w);
        if (used + unused > 0)
            spdlog::info(
                "state {}: {} feed states wait for Redis{}", kept_states->dir().string(), used,
                unused > 0
                    ? " (and " + std::to_string(unused) + " of feeds not configured now, kept)"
                    : std::string{});
    }

    // Saved state comes back from Redis, or the wait times out and polling
    // starts without it: Redis being down at start must not stop polling.
    void do_load_states() {
        states_pending = order.size();
        if (states_pending == 0) return start_scheduling();
        for (const auto& id : order) {
            redis.command({"HGETALL", feed_state_key(id)},
                          [this, id](redis_result r) { on_state_loaded(id, std::move(r)); });
        }
        stop_timer.expires_after(options.state_load_timeout);
        stop_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec || is_scheduling) return;
            const auto on_disk = static_cast<std::size_t>(std::count_if(
                feeds.begin(), feeds.end(), [](const auto& f) { return f.second.file_seq != 0; }));
            if (on_disk > 0)
                spdlog::warn(
                    "redis {}: no saved feed state within {} ms; polling starts with the {} "
                    "states kept in {}",
                    config::describe(config.redis), options.state_load_timeout.count(), on_disk,
                    kept_states->dir().string());
            else
                spdlog::warn(
                    "redis {}: no saved feed state within {} ms; polling starts without it",
                    config::describe(config.redis), options.state_load_timeout.count());
            start_scheduling();
        });
    }

    void on_state_loaded(const std::string& id, redis_result r) {
        if (is_scheduling) return;  // too late: polling began without it
        auto it = feeds.find(id);
        if (it != feeds.end()) adopt_saved_state(it->second, r);
        if (--states_pending == 0) {
            stop_timer.cancel();
            start_scheduling();
        }
    }

    // The state to poll from: Redis's (an HGETALL reply), unless the one
    // kept on disk is later; then state_for_url for the configured URL.
    void adopt_saved_state(feed_runtime& rt, const redis_result& r) {
        if (r && r->type == redis_reply::kind::array) {
            std::map<std::string, std::string> fields;
            const auto& e = r->elements;
            for (std::size_t i = 0; i + 1 < e.size(); i += 2) fields[e[i].str] = e[i + 1].str;
            feed_state stored = fields.empty() ? feed_state{} : from_fields(fields);
            // What Redis holds now, before state_for_url drops anything.
            rt.saved_fields = field_mask(to_fields(stored));
            if (rt.file_seq == 0) {
                rt.state = std::move(stored);
            } else if (!is_newer_state(rt.state, stored)) {
                // Redis got this state (or a later one) before the file
                // could be removed.
                forget_state_file(rt);
                rt.state = std::move(stored);
            }
            // Otherwise the file's state is the later one: it stays, and
            // goes to Redis once polling has started (sync_state_files).
        }
        rt.state = state_for_url(std::move(rt.state), rt.config.url);
    }

    void start_scheduling() {
        if (is_scheduling) return;
        is_scheduling = true;
        const steady_time now = clock.steady_now();
        const system_time sys_now = clock.system_now();
        std::size_t fresh = 0;
        for (const auto& id : order) {
            const auto& rt = feeds.at(id);
            if (rt.config.enabled && !rt.state.is_gone && !has_future_poll(rt, sys_now)) ++fresh;
        }
        std::size_t index = 0;
        for (const auto& id : order) {
            auto& rt = feeds.at(id);
            if (!rt.config.enabled) continue;
            if (rt.state.is_gone) {
                spdlog::warn("feed {} ({}): disabled: {}", id, rt.config.url, rt.state.last_error);
                rt.report.error = rt.state.last_error;
                if (is_once()) record_report(rt);
                continue;
            }
            rt.host = host_of(poll_url(rt.config, rt.state));
            // Shared: polls start once this instance holds the host's lease
            // (on_lease_events schedules them then).
            if (!owns(rt)) continue;
            steady_time due;
            if (is_once()) {
                due = now;  // per-host limits still pace them
            } else if (has_future_poll(rt, sys_now)) {
                const auto wait = std::min<std::chrono::nanoseconds>(rt.state.next_poll - sys_now,
                                                                     config.daemon.max_interval);
                due = now + wait;
            } else {
                due = initial_due(now, index++, fresh, options.startup_spread, jitter());
            }
            sched.add(id, rt.host, due);
            if (is_once()) ++once_remaining;
        }
        if (leases)
            spdlog::info(
                "feedwired {}: {} feeds configured, redis {}; polls start on each host once "
                "this instance holds its lease",
                FEEDWIRE_VERSION, order.size(), config::describe(config.redis));
        else
            spdlog::info("feedwired {}: {} feeds scheduled ({} configured), redis {}",
                         FEEDWIRE_VERSION, sched.size(), order.size(),
                         config::describe(config.redis));
        if (redis.is_connected()) sync_state_files();
        notifier.ready();
        if (is_reload_waiting) on_reload();
        if (is_once() && once_remaining == 0) return begin_stop("nothing to poll");
        if (leases) {
            spdlog::info("instance {}: sharing the feeds by host through redis (ttl {} ms)",
                         instance_id, config.daemon.instance_ttl.count());
            on_member_tick();
        }
        arm_poll_timer();
    }

    // ---- sharing the feeds (membership.hpp) ------------------------------

    // Whether polls of this feed may start here now.
    bool owns(const feed_runtime& rt) const {
        return !leases || leases->can_start(rt.lease_host, clock.steady_now());
    }

    // Every configured host, with the polls in flight on it.
    std::map<std::string, std::size_t> hosts_in_use() const {
        std::map<std::string, std::size_t> out;
        for (const auto& [id, rt] : feeds) {
            if (!rt.config.enabled) continue;
            out[rt.lease_host] += rt.is_polling ? 1 : 0;
        }
        return out;
    }

    // Every ttl/4: the heartbeat, whose reply (the live members) drives
    // the leases' renewals, takeovers and hand-overs.
    // Also while stopping: polls in flight keep their hosts' leases.
    void on_member_tick() {
        if (is_finished) return;
        std::vector<lease_event> events;
        const steady_time now = clock.steady_now();
        leases->expire(now, events);
        if (!redis.is_connected()) {
            leases->hold_without_redis(now, hosts_in_use(), events);
        } else {
            const auto ttl_ms = std::to_string(leases->ttl().count());
            redis.command({"FCALL", "feedwire_heartbeat", "1", std::string(instances_key),
                           instance_id, ttl_ms},
                          [this](redis_result r) { on_heartbeat(std::move(r)); });
        }
        on_lease_events(events);
        member_timer.expires_after(leases->ttl() / 2);
        member_timer.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) on_member_tick();
        });
    }

    void on_heartbeat(redis_result r) {
        if (is_finished) return;
        if (!r || r->type != redis_reply::kind::array) {
            if (!has_heartbeat_failed)
                spdlog::warn("instance {}: heartbeat failed: {}", instance_id,
                             r ? r->str : r.error().message);
            has_heartbeat_failed = true;
            return;
        }
        has_heartbeat_failed = false;
        std::vector<std::string> live;
        for (const auto& e : r->elements) live.push_back(e.str);
        const auto before = leases->live();
        leases->set_live(std::move(live));
        if (leases->live() != before) {
            std::string names;
            for (const auto& m : leases->live()) names += (names.empty() ? "" : ", ") + m;
            spdlog::info("instance {}: {} live instances: {}", instance_id, leases->live().size(),
                         names);
        }
        std::vector<lease_event> events;
        const steady_time now = clock.steady_now();
        lease_plan plan = leases->plan(now, hosts_in_use(), events);
        on_lease_events(events);
        // Batches bound the time one FUNCTION call holds Redis.
        constexpr std::size_t batch = 500;
        const auto ttl_ms = std::to_string(leases->ttl().count());
        for (std::size_t from = 0; from < plan.acquire.size(); from += batch) {
            std::vector<std::string> hosts(
                plan.acquire.begin() + static_cast<std::ptrdiff_t>(from),
                plan.acquire.begin() +
                    static_cast<std::ptrdiff_t>(std::min(plan.acquire.size(), from + batch)));
            redis.command(lease_command("feedwire_leases", hosts, {instance_id, ttl_ms}),
                          [this, hosts, now](redis_result reply) {
                              on_leases_reply(hosts, now, std::move(reply));
                          });
        }
        for (std::size_t from = 0; from < plan.release.size(); from += batch) {
            std::vector<std::string> hosts(
                plan.release.begin() + static_cast<std::ptrdiff_t>(from),
                plan.release.begin() +
                    static_cast<std::ptrdiff_t>(std::min(plan.release.size(), from + batch)));
            redis.command(lease_command("feedwire_release", hosts, {instance_id}),
                          [this, hosts](redis_result reply) {
                              for (const auto& h : hosts) {
                                  if (reply && !reply->is_error()) {
                                      leases->on_released(h);
                                      spdlog::debug("instance {}: host {} handed over", instance_id,
                                                    h);
                                  } else {
                                      leases->on_request_failed(h);
                                  }
                              }
                          });
        }
    }

    static std::vector<std::string> lease_command(std::string_view function,
                                                  const std::vector<std::string>& hosts,
                                                  std::vector<std::string> args) {
        std::vector<std::string> argv{"FCALL", std::string(function), std::to_string(hosts.size())};
        argv.reserve(3 + hosts.size() + args.size());
        for (const auto& h : hosts) argv.push_back(lease_key(h));
        for (auto& a : args) argv.push_back(std::move(a));
        return argv;
    }

    void on_leases_reply(const std::vector<std::string>& hosts, steady_time sent_at,
                         redis_result reply) {
        std::vector<lease_event> events;
        const bool is_answer = reply && reply->type == redis_reply::kind::array &&
                               reply->elements.size() == hosts.size();
        for (std::size_t i = 0; i < hosts.size(); ++i) {
            if (is_answer) {
                leases->on_acquire_reply(hosts[i], reply->elements[i].integer == 1, sent_at,
                                         events);
            } else {
                leases->on_request_failed(hosts[i]);
            }
        }
        if (!is_answer)
            spdlog::debug("instance {}: leases not renewed: {}", instance_id,
                          reply ? reply->str : reply.error().message);
        if (!is_stopping) on_lease_events(events);
    }

    // Lost: no new polls on the host (those in flight finish and save).
    // Gained: its feeds' states come again from Redis (the last owner saved
    // them before letting go), then the feeds are scheduled from them.
    void on_lease_events(const std::vector<lease_event>& events) {
        if (events.empty()) return;
        std::map<std::string, lease_event::kind> what;
        for (const auto& e : events) what[e.host] = e.what;
        std::size_t lost = 0;
        std::vector<std::string> taken;
        for (const auto& id : order) {
            auto& rt = feeds.at(id);
            auto it = what.find(rt.lease_host);
            if (it == what.end() || !rt.config.enabled) continue;
            if (it->second == lease_event::kind::lost) {
                sched.remove(id);
                ++lost;
                continue;
            }
            if (rt.is_polling || sched.contains(id)) continue;
            taken.push_back(id);
        }
        // Feeds without a saved next poll start in the order of the
        // configuration, each in its slot of the spread, as at start-up.
        const std::size_t gained = taken.size();
        for (std::size_t slot = 0; slot < taken.size(); ++slot) {
            const std::string& id = taken[slot];
            const std::uint64_t serial = feeds.at(id).serial;
            if (!redis.is_connected()) {
                schedule_added(id, serial, std::nullopt, slot, gained);
                continue;
            }
            redis.command({"HGETALL", feed_state_key(id)},
                          [this, id, serial, slot, gained](redis_result r) {
                              schedule_added(id, serial, std::move(r), slot, gained);
                          });
        }
        spdlog::debug("instance {}: {} hosts changed hands: {} feeds taken, {} given up",
                      instance_id, what.size(), gained, lost);
    }

    // Stopping: the leases go at once, so the others need not wait a ttl.
    void leave_membership() {
        member_timer.cancel();
        if (!leases || !redis.is_connected()) return;
        const auto held = leases->all_held();
        if (!held.empty())
            redis.command(lease_command("feedwire_release", held, {instance_id}),
                          [](redis_result) {});
        redis.command({"ZREM", std::string(instances_key), instance_id}, [](redis_result) {});
    }

    static bool has_future_poll(const feed_runtime& rt, system_time now) {
        return rt.state.last_poll != system_time{} && rt.state.next_poll > now;
    }

    // ---- scheduling ----------------------------------------------------

    void arm_poll_timer() {
        if (is_stopping || !is_scheduling) return;
        if (polls_running >= options.max_polls_in_flight) return;  // on_poll_done re-arms
        auto wake = sched.next_wakeup();
        if (!wake) return;
        // Future wake-ups fall on a 20 ms grid: feeds due within one step
        // start together, so a daemon polling hundreds of feeds a second
        // wakes tens of times instead, and shares the system calls of a
        // burst. Starts only ever move later, so per-host spacing still
        // holds; what is due already starts at once.
        constexpr auto grid = milliseconds{20};
        if (*wake > clock.steady_now()) {
            const auto steps = (wake->time_since_epoch() + grid - std::chrono::nanoseconds{1}) /
                               grid;  // rounded up
            wake = steady_time(std::chrono::duration_cast<steady_time::duration>(steps * grid));
        }
        // A wait already pending for the same moment or earlier stays: when
        // it fires, on_poll_timer takes what is due and arms again. This
        // keeps a finished poll from costing a timer cancel and re-arm.
        if (armed_for && *armed_for <= *wake) return;
        armed_for = *wake;
        poll_timer.expires_at(*wake);
        poll_timer.async_wait([this, wake = *wake](const boost::system::error_code& ec) {
            if (ec) return;  // replaced by an earlier wake, or stopping
            armed_for.reset();
            metrics.on_timer_fired(clock.steady_now() - wake);
            on_poll_timer();
        });
    }

    void on_poll_timer() {
        if (is_stopping) return;
        const std::size_t room =
            options.max_polls_in_flight - std::min(polls_running, options.max_polls_in_flight);
        for (const auto& id : sched.take_due(clock.steady_now(), room)) {
            if (owns(feeds.at(id))) {
                do_poll(id);
            } else {
                sched.remove(id);  // the lease lapsed: scheduled again when regained
            }
        }
        arm_poll_timer();
    }

    // ---- one poll ------------------------------------------------------

    void do_poll(const std::string& id) {
        auto& rt = feeds.at(id);
        rt.is_polling = true;
        ++polls_running;
        ++summary.polls;
        fetch_request request = make_request(rt.config, config.daemon, rt.state);
        http.fetch(std::move(request),
                   [this, id](fetch_outcome outcome) { on_fetched(id, std::move(outcome)); });
    }

    void on_fetched(const std::string& id, fetch_outcome outcome) {
        auto& rt = feeds.at(id);
        metrics.on_fetched(outcome);
        const std::string& url = poll_url(rt.config, rt.state);
        spdlog::debug("feed {} ({}): {} HTTP {} {} bytes in {} ms{}", id, url,
                      to_string(outcome.status), outcome.http_status, outcome.bytes_received,
                      outcome.elapsed.count() / 1000,
                      outcome.redirect_count > 0 ? " via " + outcome.effective_url : std::string{});
        const fetch_assessment a = assess_fetch(id, url, outcome);
        switch (a.verdict) {
            case poll_verdict::fetched: {
                std::string hash = feeds::sha256_hex(outcome.body);
                // Servers that ignore conditional GET send the same bytes
                // again: no parsing for those (NOTES.md 6).
                if (!rt.state.body_hash.empty() && hash == rt.state.body_hash)
                    return complete_success(id, "unchanged", outcome, "", batch_summary{});
                return do_parse(id, std::move(outcome), std::move(hash));
            }
            case poll_verdict::not_modified:
                return complete_success(id, "not_modified", outcome, "", batch_summary{});
            case poll_verdict::gone:
                record_gone(rt.state, a.error, clock.system_now());
                spdlog::warn("{}", a.error);
                rt.report.error = a.error;
                return finish_poll(id, std::nullopt);
            case poll_verdict::throttled:
                return complete_failure(id, to_string(outcome.status), a.error, outcome,
                                        poll_kind::throttled);
            case poll_verdict::failed:
                return complete_failure(id, to_string(outcome.status), a.error, outcome,
                                        poll_kind::failure);
        }
    }

    void do_parse(const std::string& id, fetch_outcome outcome, std::string hash) {
        const auto& rt = feeds.at(id);
        feeds::parse_options po;
        po.url =
            outcome.effective_url.empty() ? poll_url(rt.config, rt.state) : outcome.effective_url;
        po.content_type = outcome.content_type;
        if (auto it = outcome.headers.find("content-language"); it != outcome.headers.end())
            po.content_language = it->second;
        po.fetched_at = std::chrono::floor<seconds>(clock.system_now());
        po.feed_id = id;
        po.max_bytes = static_cast<std::size_t>(rt.config.max_body);
        // Everything the worker needs is copied in: it must not read the
        // feed's runtime record, which belongs to the I/O thread.
        asio::post(workers, [this, id, po = std::move(po), outcome = std::move(outcome),
                             hash = std::move(hash), agency = rt.config.agency]() mutable {
            const auto began = std::chrono::steady_clock::now();
            parse_output out{feeds::parse_feed(outcome.body, po), {}, {}};
            outcome.body = std::string{};
            if (out.parsed) out.payloads = prepare_payloads(out.parsed->items, agency);
            out.parse_time = std::chrono::steady_clock::now() - began;
            asio::post(io, [this, id, outcome = std::move(outcome), hash = std::move(hash),
                            out = std::move(out)]() mutable {
                on_parsed(id, std::move(outcome), std::move(hash), std::move(out));
            });
        });
    }

    struct parse_output {
        feeds::result<feeds::parsed_feed, feeds::parse_error> parsed;
        std::vector<delivery_payload> payloads;
        std::chrono::nanoseconds parse_time{0};
    };

    // On a worker: attribution, then serialization for delivery. The items
    // are consumed.
    static std::vector<delivery_payload> prepare_payloads(std::vector<feeds::item>& items,
                                                          const std::string& agency) {
        std::vector<delivery_payload> payloads;
        payloads.reserve(items.size());
        for (auto& it : items) {
            // Attribution: the dateline's agency first, then the feed's
            // configured agency, then the feed's own copyright.
            if (!agency.empty() && (!it.dateline || it.dateline->agency.empty()))
                it.copyrightholder = agency;
            payloads.push_back(prepare_delivery(it));
        }
        items.clear();
        return payloads;
    }

    void on_parsed(const std::string& id, fetch_outcome outcome, std::string hash,
                   parse_output out) {
        auto& rt = feeds.at(id);
        const std::string& url = poll_url(rt.config, rt.state);
        auto& parsed = out.parsed;
        metrics.on_parsed(out.payloads.size(), parsed ? parsed->warnings.size() : 0,
                          out.parse_time);
        if (!parsed) {
            const std::string error = "feed " + id + " (" + url + "): not parsed (" +
                                      std::string(feeds::to_string(parsed.error().code)) +
                                      "): " + parsed.error().message;
            return complete_failure(id, "parse_error", error, outcome, poll_kind::failure);
        }
        for (const auto& w : parsed->warnings) spdlog::debug("feed {} ({}): {}", id, url, w);
        rt.document_hints = document_hints(parsed->feed);
        if (out.payloads.empty()) return complete_success(id, "ok", outcome, hash, batch_summary{});
        std::vector<std::string> streams = route_streams(rt.config.stream, id, rt.config.tags);
        if (streams.empty()) streams.emplace_back("feedwire:items");
        delivery.deliver(id, std::move(out.payloads), streams,
                         [this, id, outcome = std::move(outcome), hash = std::move(hash)](
                             batch_summary s) { on_delivered(id, outcome, hash, s); });
    }

    void on_delivered(const std::string& id, const fetch_outcome& outcome, const std::string& hash,
                      const batch_summary& s) {
        auto& rt = feeds.at(id);
        metrics.on_delivered(s, clock.system_now());
        summary.items_delivered += s.added + s.updated + s.near_duplicates;
        summary.items_duplicate += s.duplicates + s.near_duplicates + s.near_dropped;
        summary.items_spooled += s.spooled;
        rt.report.items_new += s.added + s.near_duplicates;
        rt.report.items_updated += s.updated;
        if (!s.ok()) {
            const std::string error = "feed " + id + " (" + poll_url(rt.config, rt.state) +
                                      "): delivery to Redis failed for " +
                                      std::to_string(s.failed) + " items: " + s.error;
            return complete_failure(id, "delivery_failed", error, outcome, poll_kind::failure);
        }
        if (s.added + s.updated + s.near_duplicates > 0)
            spdlog::info("feed {} ({}): {} new, {} updated", id, poll_url(rt.config, rt.state),
                         s.added + s.near_duplicates, s.updated);
        if (s.duplicates + s.near_duplicates + s.near_dropped > 0)
            spdlog::info(
                "feed {} ({}): {} already delivered through other feeds, {} near-duplicates "
                "marked, {} dropped",
                id, poll_url(rt.config, rt.state), s.duplicates, s.near_duplicates, s.near_dropped);
        if (s.spooled > 0)
            spdlog::debug("feed {} ({}): {} items spooled until Redis is back", id,
                          poll_url(rt.config, rt.state), s.spooled);
        complete_success(id, "ok", outcome, hash, s);
    }

    // ---- outcomes ------------------------------------------------------

    void complete_success(const std::string& id, std::string_view status,
                          const fetch_outcome& outcome, const std::string& hash,
                          const batch_summary& delivered) {
        auto& rt = feeds.at(id);
        const system_time now = clock.system_now();
        const std::string before = poll_url(rt.config, rt.state);
        const std::string moved_before = rt.state.moved_to;
        const std::uint32_t errors = rt.state.consecutive_errors;
        if (record_success(rt.state, status, outcome, hash, delivered, now))
            spdlog::info("feed {} ({}): recovered after {} failed polls", id, before, errors);
        if (rt.state.moved_to != moved_before)
            spdlog::warn(
                "feed {} ({}): moved permanently to {}; polls go there now, update the feed "
                "list",
                id, before, rt.state.moved_to);
        rt.report.ok = true;
        rt.report.error.clear();

        schedule_input in;
        in.kind = poll_kind::success;
        in.hints = hints_from(outcome, rt.document_hints, now);
        in.publish_gap_seconds = rt.state.publish_gap_seconds;
        finish_poll(id, next_delay(rt, in, now));
    }

    void complete_failure(const std::string& id, std::string_view status, const std::string& error,
                          const fetch_outcome& outcome, poll_kind kind) {
        auto& rt = feeds.at(id);
        const system_time now = clock.system_now();
        if (record_failure(rt.state, status, error, outcome.http_status, now))
            spdlog::warn("{}", error);
        else
            spdlog::debug("{} ({} failed polls in a row)", error, rt.state.consecutive_errors);
        rt.report.ok = false;
        rt.report.error = error;
        schedule_input in;
        in.kind = kind;
        in.consecutive_errors = rt.state.consecutive_errors;
        in.hints = hints_from(outcome, {}, now);
        finish_poll(id, next_delay(rt, in, now));
    }

    milliseconds next_delay(const feed_runtime& rt, schedule_input in, system_time now) {
        in.interval = rt.config.interval;
        in.min_interval = config.daemon.min_interval;
        in.max_interval = config.daemon.max_interval;
        in.jitter = jitter();
        return next_poll_delay(in, now);
    }

    // The poll is over: save the state, hand the feed back to the scheduler
    // (nullopt: never again, the feed is gone).
    void finish_poll(const std::string& id, std::optional<milliseconds> delay) {
        auto& rt = feeds.at(id);
        const steady_time now = clock.steady_now();
        if (delay) rt.state.next_poll = clock.system_now() + *delay;
        rt.state.owner = instance_id;
        do_save_state(rt);
        rt.is_polling = false;
        metrics.on_poll_finished(delay ? rt.state.last_status : std::string("gone"));
        --polls_running;
        if (is_once() || !delay) {
            sched.finished(id, now, now + never);
            sched.remove(id);
        } else {
            sched.finished(id, now, now + *delay);
            // The host was lost and taken again while this poll ran.
            if (!sched.contains(id) && owns(rt)) sched.add(id, rt.host, now + *delay);
        }
        if (is_once()) {
            record_report(rt);
            --once_remaining;
            if (once_remaining == 0) return begin_stop("every feed polled once");
        }
        if (rt.pending_change) apply_pending_change(id);  // may remove the feed
        if (is_stopping) {
            if (polls_running == 0) finish_stop();
            return;
        }
        arm_poll_timer();
    }

    void record_report(const feed_runtime& rt) {
        ++feeds_done;
        if (!rt.report.ok) {
            ++summary.failed;
            summary.failures.push_back(rt.report);
        }
    }

    // Bit i set: field i of feed_state_field_names() is in the saved hash.
    static std::uint32_t field_mask(
        const std::vector<std::pair<std::string, std::string>>& fields) {
        const auto& names = feed_state_field_names();
        std::uint32_t mask = 0;
        for (const auto& f : fields) {
            for (std::size_t i = 0; i < names.size() && i < 32; ++i) {
                if (names[i] == f.first) mask |= std::uint32_t{1} << i;
            }
        }
        return mask;
    }

    void do_save_state(feed_runtime& rt) {
        const std::uint64_t seq = ++rt.save_seq;
        auto fields = to_fields(rt.state);
        if (!redis.is_connected()) {
            // Redis is away: the state waits on disk (a queued command would
            // die with the process) and goes to Redis when it is back.
            rt.saved_fields = ~std::uint32_t{0};  // what Redis holds by then is unknown
            return keep_state_file(rt, seq, std::move(fields));
        }
        // HSET what the state holds, HDEL only what the last save wrote and
        // this one leaves out (a last_error after a recovery): a steady
        // feed costs one command, and no transaction is needed since a
        // half-applied save only leaves a stale field the next save removes.
        const std::string key = feed_state_key(rt.config.id);
        const std::uint32_t mask = field_mask(fields);
        const std::uint32_t gone = rt.saved_fields & ~mask;
        if (gone != 0) {
            std::vector<std::string> hdel{"HDEL", key};
            const auto& names = feed_state_field_names();
            for (std::size_t i = 0; i < names.size() && i < 32; ++i) {
                if ((gone & (std::uint32_t{1} << i)) != 0) hdel.push_back(names[i]);
            }
            redis.command(std::move(hdel), [this, id = rt.config.id](redis_result r) {
                // Not known to be gone: the next save deletes them again.
                auto it = feeds.find(id);
                if ((!r || r->is_error()) && it != feeds.end())
                    it->second.saved_fields = ~std::uint32_t{0};
            });
        }
        rt.saved_fields = mask;
        std::vector<std::string> hset{"HSET", key};
        hset.reserve(2 + 2 * fields.size());
        for (const auto& [k, v] : fields) {
            hset.push_back(k);
            hset.push_back(v);
        }
        redis.command(std::move(hset), [this, id = rt.config.id, seq,
                                        fields = std::move(fields)](redis_result r) mutable {
            on_state_saved(id, seq, std::move(fields), std::move(r));
        });
    }

    void on_state_saved(const std::string& id, std::uint64_t seq,
                        std::vector<std::pair<std::string, std::string>> fields, redis_result r) {
        auto it = feeds.find(id);
        if (it == feeds.end()) return;
        auto& rt = it->second;
        if (r && !r->is_error()) {
            rt.redis_seq = std::max(rt.redis_seq, seq);
            if (rt.file_seq != 0 && rt.redis_seq >= rt.file_seq) forget_state_file(rt);
            return;
        }
        spdlog::debug("feed {}: state not saved to Redis: {}", id, r ? r->str : r.error().message);
        rt.saved_fields = ~std::uint32_t{0};
        // A later save may have got through meanwhile, or be on disk already.
        if (seq > rt.redis_seq && seq > rt.file_seq) keep_state_file(rt, seq, std::move(fields));
    }

    void keep_state_file(feed_runtime& rt, std::uint64_t seq,
                         std::vector<std::pair<std::string, std::string>> fields) {
        if (!kept_states) return;  // said at start
        const auto written = kept_states->write(stored_state{rt.config.id, std::move(fields)});
        if (!written) {
            if (!has_state_write_failed)
                spdlog::error("feed {}: state not kept for Redis: {}", rt.config.id,
                              written.error().message);
            has_state_write_failed = true;
            return;
        }
        has_state_write_failed = false;
        rt.file_seq = seq;
    }

    void forget_state_file(feed_runtime& rt) {
        if (kept_states) {
            if (auto removed = kept_states->remove(rt.config.id); !removed)
                spdlog::warn("feed {}: {}", rt.config.id, removed.error().message);
        }
        rt.file_seq = 0;
    }

    // Redis is reachable and the saved states are loaded: every state
    // waiting on disk goes to Redis (the feed's current one, which is that
    // or a later one); each file goes once Redis acknowledged.
    void sync_state_files() {
        std::size_t sent = 0;
        for (const auto& id : order) {
            auto& rt = feeds.at(id);
            if (rt.file_seq == 0 || rt.redis_seq >= rt.file_seq) continue;
            do_save_state(rt);
            ++sent;
        }
        if (sent > 0)
            spdlog::info("redis {}: sending {} feed states kept in {} while it was away",
                         config::describe(config.redis), sent, kept_states->dir().string());
    }

    // Shutdown: a state Redis has not acknowledged goes to disk, so the
    // next start polls from it.
    void keep_unsaved_states() {
        std::size_t kept = 0;
        for (const auto& id : order) {
            auto& rt = feeds.at(id);
            if (rt.save_seq <= std::max(rt.redis_seq, rt.file_seq)) continue;
            keep_state_file(rt, rt.save_seq, to_fields(rt.state));
            kept += rt.file_seq == rt.save_seq ? 1 : 0;
        }
        std::size_t waiting = 0;
        for (const auto& [id, rt] : feeds) waiting += rt.file_seq != 0 ? 1 : 0;
        if (waiting > 0)
            spdlog::warn(
                "state {}: {} feed states wait for Redis{}; they reach it when the daemon "
                "next runs with Redis reachable",
                kept_states->dir().string(), waiting,
                kept > 0 ? " (" + std::to_string(kept) + " written at shutdown)" : std::string{});
    }

    // ---- Redis ---------------------------------------------------------

    void on_redis_state(bool connected, const std::string& reason) {
        const std::string where = config::describe(config.redis);
        if (connected) {
            redis_down_since.reset();
            if (was_redis_up)
                spdlog::info("redis {}: connected again; delivering what waited", where);
            else
                spdlog::info("redis {}: connected", where);
            was_redis_up = true;
            delivery.on_redis_connected();
            // Before polling starts, the states loaded from Redis decide
            // which files are still newer (start_scheduling sends them).
            if (is_scheduling) sync_state_files();
            return;
        }
        if (!redis_down_since) redis_down_since = clock.steady_now();
        if (was_redis_up)
            spdlog::warn(
                "redis {}: connection lost ({}); polling goes on, items wait until it is back",
                where, reason);
        else
            spdlog::warn("redis {}: cannot connect ({}); retrying with backoff", where, reason);
        was_redis_up = false;
    }

    // A slow heartbeat: progress line, and once mode's bound on waiting for Redis.
    void do_tick() {
        tick_timer.expires_after(milliseconds{250});
        tick_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec || is_finished) return;
            if (is_once() && redis_down_since &&
                clock.steady_now() - *redis_down_since > once_redis_grace &&
                delivery.pending() > 0) {
                spdlog::warn("redis {}: unreachable for {} s; giving up on {} items",
                             config::describe(config.redis), once_redis_grace.count(),
                             delivery.pending());
                delivery.abandon();
            }
            if (options.show_progress) print_progress(false);
            do_tick();
        });
    }

    void print_progress(bool is_final) {
        std::fprintf(stderr,
                     "\r\033[Kfeedwired: %zu/%zu feeds polled, %zu items delivered, %zu failed%s",
                     feeds_done, summary.feeds, summary.items_delivered, summary.failed,
                     is_final ? "\n" : "");
        std::fflush(stderr);
    }

    // ---- reload (SIGHUP) ------------------------------------------------

    void do_wait_reload() {
        reload_signals.async_wait([this](const boost::system::error_code& ec, int) {
            if (ec) return;
            on_reload();
            do_wait_reload();
        });
    }

    // Rereads the configuration: feeds are added, removed and changed by id
    // (reload.hpp); unchanged feeds keep their state and schedule. A feed
    // whose poll is in flight takes its change when the poll ends, so a
    // result is never recorded against settings it was not fetched with.
    void on_reload() {
        if (is_stopping) return;
        if (!is_scheduling) {  // saved states still loading: after them
            is_reload_waiting = true;
            return;
        }
        is_reload_waiting = false;
        notifier.reloading();
        spdlog::info("reloading the configuration");
        std::optional<config::configuration> next;
        if (options.reload_config) next = options.reload_config();
        if (!next) {
            spdlog::error("reload: configuration not loaded; the running one stays in force");
            return notifier.ready();
        }
        reload_plan plan = plan_reload(config, *next);
        for (const auto& what : plan.restart_only)
            spdlog::warn("reload: {} changed; the new value takes effect at the next restart",
                         what);
        config = std::move(plan.config);
        for (const auto& id : plan.removed) change_feed(id, std::nullopt);
        for (const auto& f : plan.changed) change_feed(f.id, f);
        auto kept = kept_states_of(plan.added);
        for (const auto& f : plan.added) add_feed(f, kept);
        order.clear();
        for (const auto& f : config.feeds) order.push_back(f.id);
        summary.feeds = static_cast<std::size_t>(std::count_if(
            config.feeds.begin(), config.feeds.end(), [](const auto& f) { return f.enabled; }));
        spdlog::info("reloaded: {} feeds: {} added, {} removed, {} changed, {} unchanged",
                     config.feeds.size(), plan.added.size(), plan.removed.size(),
                     plan.changed.size(), plan.unchanged);
        arm_poll_timer();
        notifier.ready();
    }

    // nullopt: the feed is gone from the configuration.
    void change_feed(const std::string& id, std::optional<config::feed_config> next) {
        auto it = feeds.find(id);
        if (it == feeds.end()) return;
        if (it->second.is_polling) {
            it->second.pending_change = std::move(next);
            return;
        }
        if (!next) {
            spdlog::info("feed {} ({}): removed from the configuration", id, it->second.config.url);
            sched.remove(id);
            feeds.erase(it);
            return;
        }
        feed_runtime& rt = it->second;
        const bool is_new_url = rt.config.url != next->url;
        const bool was_enabled = rt.config.enabled;
        const auto old_interval = rt.config.interval;
        rt.config = std::move(*next);
        rt.lease_host = host_of(rt.config.url);
        rt.report.url = rt.config.url;
        if (is_new_url) {
            rt.state = state_for_url(std::move(rt.state), rt.config.url);
            rt.document_hints = {};
        }
        if (!rt.config.enabled || rt.state.is_gone) {
            sched.remove(id);
            return;
        }
        const steady_time now = clock.steady_now();
        steady_time due = now;  // a new URL, or enabled again: poll it now
        if (!is_new_url && was_enabled && sched.contains(id)) {
            due = sched.due_time(id).value_or(now);
            if (rt.config.interval < old_interval) due = std::min(due, now + rt.config.interval);
        }
        rt.host = host_of(poll_url(rt.config, rt.state));
        if (!owns(rt)) {  // another instance's, or its lease is not taken yet
            sched.remove(id);
            return;
        }
        sched.add(id, rt.host, due);
    }

    void apply_pending_change(const std::string& id) {
        auto& rt = feeds.at(id);
        auto next = std::move(*rt.pending_change);
        rt.pending_change.reset();
        change_feed(id, std::move(next));
    }

    // States kept on disk (while Redis was away) for feeds a reload adds.
    std::map<std::string, feed_state> kept_states_of(
        const std::vector<config::feed_config>& added) {
        std::map<std::string, feed_state> out;
        if (!kept_states || added.empty()) return out;
        std::vector<std::string> warnings;
        for (auto& k : kept_states->load(warnings)) {
            const bool is_added = std::any_of(added.begin(), added.end(),
                                              [&](const auto& f) { return f.id == k.feed_id; });
            if (!is_added) continue;
            std::map<std::string, std::string> fields(k.fields.begin(), k.fields.end());
            out.emplace(k.feed_id, from_fields(fields));
        }
        for (const auto& w : warnings) spdlog::warn("{}", w);
        return out;
    }

    // A new feed starts from what Redis remembers of it, or the state kept on
    // disk when that is later (a feed removed and added back keeps its
    // validators), or fresh.
    void add_feed(const config::feed_config& f, std::map<std::string, feed_state>& kept) {
        if (auto it = feeds.find(f.id); it != feeds.end()) {
            // Removed by an earlier reload while its poll is still in flight.
            if (it->second.is_polling) it->second.pending_change = f;
            return;
        }
        feed_runtime rt;
        rt.config = f;
        rt.lease_host = host_of(f.url);
        rt.report.id = f.id;
        rt.report.url = f.url;
        rt.serial = next_serial++;
        if (auto k = kept.find(f.id); k != kept.end()) {
            rt.state = std::move(k->second);
            rt.save_seq = rt.file_seq = 1;
        }
        const std::uint64_t serial = rt.serial;
        feeds.emplace(f.id, std::move(rt));
        spdlog::info("feed {} ({}): added to the configuration", f.id, f.url);
        if (!f.enabled) return;
        if (!redis.is_connected()) return schedule_added(f.id, serial, std::nullopt);
        redis.command({"HGETALL", feed_state_key(f.id)}, [this, id = f.id, serial](redis_result r) {
            schedule_added(id, serial, std::move(r));
        });
    }

    void schedule_added(const std::string& id, std::uint64_t serial,
                        std::optional<redis_result> saved, std::size_t slot = 0,
                        std::size_t slots = 1) {
        auto it = feeds.find(id);
        if (it == feeds.end() || it->second.serial != serial || it->second.is_polling ||
            sched.contains(id) || !it->second.config.enabled || !owns(it->second))
            return;  // removed, replaced, already scheduled or given up meanwhile
        feed_runtime& rt = it->second;
        if (saved) {
            adopt_saved_state(rt, *saved);
        } else {
            rt.state = state_for_url(std::move(rt.state), rt.config.url);
        }
        // A kept state later than Redis's goes there now.
        if (rt.file_seq != 0 && redis.is_connected()) do_save_state(rt);
        if (rt.state.is_gone) {
            spdlog::warn("feed {} ({}): disabled: {}", id, rt.config.url, rt.state.last_error);
            return;
        }
        const steady_time now = clock.steady_now();
        const system_time sys_now = clock.system_now();
        // Feeds of a host taken over start within a quarter of the ttl.
        const auto spread =
            leases ? std::min<milliseconds>(options.startup_spread, config.daemon.instance_ttl / 4)
                   : options.startup_spread;
        steady_time due = initial_due(now, slot, slots, spread, jitter());
        if (has_future_poll(rt, sys_now))
            due = now + std::min<std::chrono::nanoseconds>(rt.state.next_poll - sys_now,
                                                           config.daemon.max_interval);
        rt.host = host_of(poll_url(rt.config, rt.state));
        sched.add(id, rt.host, due);
        arm_poll_timer();
    }

    // The one-line STATUS= for systemctl status.
    std::string status_line() const {
        std::size_t enabled = 0;
        std::size_t failing = 0;
        for (const auto& [id, rt] : feeds) {
            if (!rt.config.enabled) continue;
            ++enabled;
            if (rt.state.consecutive_errors > 0 || rt.state.is_gone) ++failing;
        }
        return fmt::format(
            "{} feeds, {} failing, {} items delivered, redis {}, {} spool records", enabled,
            failing, summary.items_delivered, redis.is_connected() ? "connected" : "unreachable",
            disk ? static_cast<std::uint64_t>(disk->stats().records) : std::uint64_t{0});
    }

    // ---- status endpoint (http_endpoint.hpp) ----------------------------

    void start_endpoint() {
        started_at = clock.system_now();
        if (is_once() || config.daemon.listen.empty()) return;
        endpoint_sources sources;
        sources.version = FEEDWIRE_VERSION;
        sources.metrics = [this]() -> const service_metrics& { return metrics; };
        sources.snapshot = [this] {
            status_snapshot s = component_snapshot(redis, delivery, disk.get(), config);
            s.is_stopping = is_stopping;
            s.started = started_at;
            const steady_time now = clock.steady_now();
            for (const auto& id : order) {
                const auto& rt = feeds.at(id);
                s.feeds.push_back(feed_status_of(rt.config, rt.state));
                // Shared: this instance's, or the one rendezvous names (the
                // state of another's feed is as last loaded here; `feedwire
                // status` reads every feed's from Redis).
                if (leases && rt.config.enabled)
                    s.feeds.back().owner = leases->can_start(rt.lease_host, now)
                                               ? instance_id
                                               : rendezvous_owner(rt.lease_host, leases->live());
            }
            if (leases) {
                s.has_membership = true;
                s.instance_id = instance_id;
                s.live_instances = leases->live();
                s.hosts_owned = leases->held();
            }
            return s;
        };
        endpoint = std::make_unique<http_endpoint>(io, std::move(sources));
        if (auto error = endpoint->start(config.daemon.listen)) {
            spdlog::error("status endpoint: {}; running without it", *error);
            endpoint.reset();
            return;
        }
        spdlog::info("status endpoint: http://{}/ (/metrics, /healthz, /feeds)",
                     config.daemon.listen);
    }

    // ---- stopping ------------------------------------------------------

    void on_signal(int signo) {
        if (is_stopping) {
            spdlog::warn("signal {} again: stopping now", signo);
            http.cancel_all();
            delivery.spool_pending();
            delivery.abandon();
            return finish_stop();
        }
        begin_stop("signal " + std::to_string(signo));
        signals.async_wait([this](const boost::system::error_code& ec, int s) {
            if (!ec) on_signal(s);
        });
    }

    // Stops polling; in-flight polls get shutdown_timeout to finish.
    void begin_stop(const std::string& why) {
        if (is_stopping) return;
        is_stopping = true;
        notifier.stopping();
        spdlog::info("stopping ({}); {} polls in flight", why, polls_running);
        poll_timer.cancel();
        if (polls_running == 0) return finish_stop();
        stop_timer.expires_after(config.daemon.shutdown_timeout);
        stop_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec || is_finished) return;
            spdlog::warn("shutdown: {} polls still in flight after {} ms; abandoning them",
                         polls_running, config.daemon.shutdown_timeout.count());
            http.cancel_all();
            delivery.spool_pending();  // what waits for Redis goes to disk, not away
            delivery.abandon();
            finish_stop();
        });
    }

    // Waits (bounded) for the last state writes to reach Redis, then ends run().
    void finish_stop() {
        if (is_finished) return;
        is_finished = true;
        stop_timer.cancel();
        leave_membership();
        flush_then_exit(clock.steady_now() + milliseconds{std::min<long long>(
                                                 config.daemon.shutdown_timeout.count(), 5000)});
    }

    // The spool drains too when Redis is there: a once run leaves nothing
    // behind that it could deliver.
    void flush_then_exit(steady_time deadline) {
        const bool spool_waits = disk && !disk->empty();
        if (redis.is_connected() && ((redis.queued() + redis.in_flight()) > 0 || spool_waits) &&
            clock.steady_now() < deadline) {
            stop_timer.expires_after(milliseconds{10});
            stop_timer.async_wait(
                [this, deadline](const boost::system::error_code&) { flush_then_exit(deadline); });
            return;
        }
        // Replies already received run their handlers first (a state save
        // acknowledged needs no file).
        asio::post(io, [this] { exit_now(); });
    }

    void exit_now() {
        delivery.spool_pending();
        keep_unsaved_states();
        if (disk && !disk->empty()) {
            summary.spool_records = disk->stats().records;
            spdlog::warn(
                "spool {}: {} records ({} bytes) wait for Redis; they are delivered "
                "when the daemon next runs with Redis reachable",
                disk->dir().string(), disk->stats().records, disk->stats().bytes);
        }
        if (options.show_progress) print_progress(true);
        tick_timer.cancel();
        if (endpoint) endpoint->stop();
        signals.cancel();
        reload_signals.cancel();
        notifier.stop();
        redis.stop();
        io.stop();
    }
};

service::service(config::configuration config, service_options options)
    : impl_(std::make_unique<impl>(std::move(config), options)) {}

service::~service() = default;

run_summary service::run() {
    impl_->start();
    impl_->io.run();
    impl_->workers.stop();
    impl_->workers.join();
    return impl_->summary;
}

void service::request_stop() {
    asio::post(impl_->io, [i = impl_.get()] { i->begin_stop("requested"); });
}

}  // namespace feedwire::daemon
