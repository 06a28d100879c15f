// Delivery of items to Redis streams through the `feedwire` FUNCTION library.
//
// The Lua function does the dedup check, the XADDs and the seen-hash update
// in one atomic step, so sending an item again after a lost reply delivers
// nothing twice (NOTES.md 16): that is what lets the deliverer retry every
// command whose outcome is unknown. It is a FUNCTION, not EVALSHA, because
// the script cache is empty after a restart (NOTES.md 15); the client loads
// it again at every connect through its prelude.
//
// The deliverer hands every item of a batch to the client at once; the
// client's in-flight window pipelines them (NOTES.md 14). Handlers hold a
// weak_ptr to the deliverer's state, so a destroyed deliverer runs nothing.
#include "feedwire/daemon/deliver.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <utility>

namespace feedwire::daemon {
namespace {

namespace asio = boost::asio;

// KEYS[1] seen hash, KEYS[2..] streams.
// ARGV: maxlen, feed, then 7 per item: uri, fingerprint, url, headline,
// versioncreated, duplicate_of, item JSON (with "revision":1).
// Returns 3 per item: status (1 added, 2 updated, 0 unchanged), revision,
// first entry id.
constexpr std::string_view library_source = R"lua(#!lua name=feedwire
-- feedwire_deliver: for each item of a batch, the dedup check, the XADD to
-- every stream and the seen-hash update, all in one atomic step (feedwire
-- daemon/src/deliver.cpp documents the contract). The seen hash is read
-- with one HMGET and written with one HSET per batch: a new item costs its
-- XADDs and no more calls of its own.
local function deliver(keys, args)
    if #keys < 1 or #args < 2 or (#args - 2) % 7 ~= 0 then
        return redis.error_reply('ERR feedwire_deliver: wrong number of arguments')
    end
    local seen, maxlen, feed = keys[1], args[1], args[2]
    local count = (#args - 2) / 7
    local uris = {}
    for k = 1, count do uris[k] = args[3 + 7 * (k - 1)] end
    local previous = redis.call('HMGET', seen, unpack(uris))
    local written = {}  -- uri -> value recorded earlier in this batch
    local updates, out = {}, {}
    local names = {'url', 'headline', 'versioncreated', 'duplicate_of'}
    for k = 1, count do
        local at = 3 + 7 * (k - 1)
        local uri, fingerprint = args[at], args[at + 1]
        local event, revision = 'new', 1
        local before = written[uri] or previous[k]
        local unchanged = false
        if before then
            local old_fingerprint, old_revision = string.match(before, '^(.*) (%d+)$')
            if old_revision then
                if old_fingerprint == fingerprint then
                    unchanged = true
                    out[#out + 1] = 0
                    out[#out + 1] = tonumber(old_revision)
                    out[#out + 1] = ''
                else
                    event, revision = 'update', tonumber(old_revision) + 1
                end
            end
        end
        if not unchanged then
            local item = args[at + 6]
            if revision ~= 1 then
                -- The key appears once: quotes inside string values are escaped.
                local pos = string.find(item, '"revision":1', 1, true)
                if pos then
                    item = string.sub(item, 1, pos - 1) .. '"revision":' ..
                        string.format('%d', revision) .. string.sub(item, pos + 12)
                end
            end
            local fields = {'uri', uri, 'event', event, 'feed', feed}
            for i = 1, 4 do
                local value = args[at + 1 + i]
                if value ~= '' then
                    fields[#fields + 1] = names[i]
                    fields[#fields + 1] = value
                end
            end
            fields[#fields + 1] = 'item'
            fields[#fields + 1] = item
            local first_id = ''
            for i = 2, #keys do
                local id
                if maxlen == '0' then
                    id = redis.pcall('XADD', keys[i], '*', unpack(fields))
                else
                    id = redis.pcall('XADD', keys[i], 'MAXLEN', '~', maxlen, '*', unpack(fields))
                end
                if type(id) == 'table' and id.err then
                    -- Writes are not rolled back: what this batch already
                    -- appended is recorded before the error goes back, so a
                    -- retry does not append it again.
                    if #updates > 0 then redis.call('HSET', seen, unpack(updates)) end
                    return id
                end
                if i == 2 then first_id = id end
            end
            local value = fingerprint .. ' ' .. string.format('%d', revision)
            written[uri] = value
            updates[#updates + 1] = uri
            updates[#updates + 1] = value
            out[#out + 1] = (event == 'new') and 1 or 2
            out[#out + 1] = revision
            out[#out + 1] = first_id
        end
    end
    if #updates > 0 then redis.call('HSET', seen, unpack(updates)) end
    return out
end

redis.register_function('feedwire_deliver', deliver)
)lua";

// Built here rather than through feed_state.hpp's seen_key() so this
// component links without daemon_core; the two must agree.
std::string seen_hash_key(const std::string& feed_id) { return "feedwire:seen:{" + feed_id + "}"; }

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
        s.replace(at, from.size(), to);
    }
}

bool is_loading(const std::string& message) { return message.rfind("LOADING", 0) == 0; }

// Items in a feedwire_deliver argv: FCALL, name, numkeys, the keys, maxlen,
// feed, then 7 arguments per item.
std::size_t items_in_command(const std::vector<std::string>& argv) {
    if (argv.size() < 3) return 0;
    std::size_t keys = 0;
    for (char c : argv[2]) {
        if (c < '0' || c > '9' || keys > argv.size()) return 0;
        keys = keys * 10 + static_cast<std::size_t>(c - '0');
    }
    const std::size_t fixed = 3 + keys + 2;
    return argv.size() >= fixed ? (argv.size() - fixed) / 7 : 0;
}

}  // namespace

std::string_view delivery_library_source() { return library_source; }

std::vector<std::string> delivery_library_load_command() {
    return {"FUNCTION", "LOAD", "REPLACE", std::string(library_source)};
}

std::vector<std::string> route_streams(std::string_view stream_template, const std::string& feed_id,
                                       const std::vector<std::string>& tags) {
    std::string base(stream_template);
    replace_all(base, "{feed}", feed_id);
    std::vector<std::string> candidates;
    if (base.find("{tag}") == std::string::npos) {
        candidates.push_back(std::move(base));
    } else {
        for (const auto& tag : tags) {
            if (tag.empty()) continue;  // "news:" is not a stream anyone asked for
            std::string name = base;
            replace_all(name, "{tag}", tag);
            candidates.push_back(std::move(name));
        }
    }
    std::vector<std::string> out;
    for (auto& c : candidates) {
        if (c.empty() || std::find(out.begin(), out.end(), c) != out.end()) continue;
        out.push_back(std::move(c));
    }
    return out;
}

delivery_payload prepare_delivery(const feeds::item& item) {
    delivery_payload p;
    p.uri = item.uri;
    p.fingerprint = item.fingerprint.content;
    p.url = item.url;
    p.headline = item.headline;
    p.duplicate_of = item.duplicate_of;
    // The function patches the revision; the item always goes out as revision 1.
    auto json = feeds::to_json(item);
    json["revision"] = 1;
    for (const char* key : {"versioncreated", "firstcreated"}) {
        if (auto it = json.find(key); it != json.end() && it->is_string()) {
            p.versioncreated = it->get<std::string>();
            break;
        }
    }
    // Invalid UTF-8 must not throw here; the parsers should not produce it.
    p.json = json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    return p;
}

std::size_t delivery_payload::size() const {
    return uri.size() + fingerprint.size() + url.size() + headline.size() + versioncreated.size() +
           duplicate_of.size() + json.size();
}

std::vector<std::string> deliver_command(const std::string& feed_id,
                                         std::span<delivery_payload> payloads,
                                         const std::vector<std::string>& streams,
                                         std::uint64_t maxlen) {
    std::vector<std::string> argv;
    argv.reserve(4 + streams.size() + 2 + payloads.size() * 7);
    argv.emplace_back("FCALL");
    argv.emplace_back("feedwire_deliver");
    argv.push_back(std::to_string(streams.size() + 1));
    argv.push_back(seen_hash_key(feed_id));
    argv.insert(argv.end(), streams.begin(), streams.end());
    argv.push_back(std::to_string(maxlen));
    argv.push_back(feed_id);
    for (auto& p : payloads) {
        argv.push_back(std::move(p.uri));
        argv.push_back(std::move(p.fingerprint));
        argv.push_back(std::move(p.url));
        argv.push_back(std::move(p.headline));
        argv.push_back(std::move(p.versioncreated));
        argv.push_back(std::move(p.duplicate_of));
        argv.push_back(std::move(p.json));
    }
    return argv;
}

std::optional<std::vector<delivery_result>> read_delivery_reply(const redis_reply& reply,
                                                                std::size_t count,
                                                                std::string& reason) {
    if (reply.is_error()) {
        reason = reply.str;
        return std::nullopt;
    }
    if (reply.type != redis_reply::kind::array || reply.elements.size() != 3 * count) {
        reason = "unexpected reply to FCALL feedwire_deliver: not an array of " +
                 std::to_string(3 * count);
        return std::nullopt;
    }
    std::vector<delivery_result> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto& status = reply.elements[3 * i];
        const auto& revision = reply.elements[3 * i + 1];
        const auto& id = reply.elements[3 * i + 2];
        if (status.type != redis_reply::kind::integer ||
            revision.type != redis_reply::kind::integer ||
            (id.type != redis_reply::kind::string && id.type != redis_reply::kind::nil)) {
            reason = "unexpected reply to FCALL feedwire_deliver: wrong element types";
            return std::nullopt;
        }
        if (revision.integer < 0 ||
            revision.integer > static_cast<long long>(std::numeric_limits<std::uint32_t>::max())) {
            reason = "unexpected reply to FCALL feedwire_deliver: revision out of range";
            return std::nullopt;
        }
        delivery_result r;
        switch (status.integer) {
            case 0:
                r.event = delivery_event::unchanged;
                break;
            case 1:
                r.event = delivery_event::added;
                break;
            case 2:
                r.event = delivery_event::updated;
                break;
            default:
                reason = "unexpected reply to FCALL feedwire_deliver: status " +
                         std::to_string(status.integer);
                return std::nullopt;
        }
        r.revision = static_cast<std::uint32_t>(revision.integer);
        r.stream_id = id.str;
        out.push_back(std::move(r));
    }
    return out;
}

struct deliverer::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io, redis_client& redis, deliverer_options options)
        : io_(io), redis_(redis), options_(std::move(options)), sync_timer_(io) {
        options_.max_attempts = std::max(options_.max_attempts, 1);
    }

    struct batch {
        batch_summary summary;
        std::size_t remaining = 0;
        done_handler done;
    };
    struct job {
        std::uint64_t id = 0;
        std::shared_ptr<batch> owner;
        std::vector<std::string> argv;
        std::size_t items = 0;
        int attempts = 0;
        bool is_settled = false;
        std::uint64_t spool_seq = 0;  // set once written to the spool
        std::unique_ptr<asio::steady_timer> retry;
    };

    asio::io_context& io_;
    redis_client& redis_;
    deliverer_options options_;
    std::map<std::uint64_t, std::shared_ptr<job>> jobs_;  // not settled yet
    std::uint64_t next_id_ = 0;
    std::size_t pending_items_ = 0;
    // Spooled jobs waiting for the fsync that makes them durable, in order.
    std::deque<std::shared_ptr<job>> awaiting_sync_;
    asio::steady_timer sync_timer_;
    bool is_sync_armed_ = false;
    bool is_replaying_ = false;
    std::unique_ptr<asio::steady_timer> replay_retry_;
    spool_counters counters_;

    void report(const std::string& message) {
        if (options_.report) options_.report(message);
    }

    // While the spool holds anything, new commands queue behind it: a
    // feed's items reach the stream in the order they were fetched.
    bool should_spool() const {
        return options_.disk != nullptr && (!redis_.is_connected() || !options_.disk->empty());
    }

    void deliver(const std::string& feed_id, std::vector<delivery_payload> payloads,
                 const std::vector<std::string>& streams, done_handler done) {
        auto owner = std::make_shared<batch>();
        owner->done = std::move(done);
        if (payloads.empty()) {
            asio::post(io_, [weak = weak_from_this(), owner] {
                if (weak.lock() && owner->done) owner->done(owner->summary);
            });
            return;
        }
        // Commands of up to max_batch_items items or about max_batch_bytes
        // each: one FCALL runs a whole command while Redis waits, so a
        // 500-item feed is 8 commands, not 500, and not one that blocks
        // the server for long.
        std::vector<std::shared_ptr<job>> batch_jobs;
        std::span<delivery_payload> rest(payloads);
        while (!rest.empty()) {
            std::size_t n = 0;
            std::size_t bytes = 0;
            while (n < rest.size() && n < max_batch_items &&
                   (n == 0 || bytes + rest[n].size() <= max_batch_bytes)) {
                bytes += rest[n].size();
                ++n;
            }
            auto j = std::make_shared<job>();
            j->id = next_id_++;
            j->owner = owner;
            j->items = n;
            j->argv = deliver_command(feed_id, rest.first(n), streams, options_.maxlen);
            rest = rest.subspan(n);
            jobs_.emplace(j->id, j);
            pending_items_ += n;
            ++owner->remaining;
            batch_jobs.push_back(std::move(j));
        }
        // Back to back: the client's window pipelines them.
        const bool to_disk = should_spool();
        for (auto& j : batch_jobs) {
            if (to_disk) {
                to_spool(j);
            } else {
                send(j);
            }
        }
    }

    void send(const std::shared_ptr<job>& j) {
        ++j->attempts;
        redis_.command(j->argv, [weak = weak_from_this(), j](redis_result r) {
            auto self = weak.lock();
            if (!self || j->is_settled || j->spool_seq != 0) return;
            self->on_result(j, r);
        });
    }

    void on_result(const std::shared_ptr<job>& j, const redis_result& r) {
        if (!r) {
            const auto& err = r.error();
            if (err.is_outcome_unknown()) {
                retry_or_fail(j, err.message);
            } else {
                settle_failed(j, err.message);
            }
            return;
        }
        if (r->is_error() && is_loading(r->str)) {
            retry_or_fail(j, r->str);
            return;
        }
        std::string reason;
        auto results = read_delivery_reply(*r, j->items, reason);
        if (!results) {
            settle_failed(j, reason);
            return;
        }
        count(j->owner->summary, *results);
        settle(j);
    }

    static void count(batch_summary& summary, const std::vector<delivery_result>& results) {
        for (const auto& result : results) {
            switch (result.event) {
                case delivery_event::added:
                    ++summary.added;
                    break;
                case delivery_event::updated:
                    ++summary.updated;
                    break;
                case delivery_event::unchanged:
                    ++summary.unchanged;
                    break;
            }
        }
    }

    void retry_or_fail(const std::shared_ptr<job>& j, const std::string& message) {
        // With a spool, a command whose outcome is unknown waits on disk:
        // replay sends it again, and the function finds it if it arrived.
        if (options_.disk != nullptr) return to_spool(j);
        if (j->attempts >= options_.max_attempts) {
            settle_failed(j,
                          "gave up after " + std::to_string(j->attempts) + " attempts: " + message);
            return;
        }
        if (!j->retry) j->retry = std::make_unique<asio::steady_timer>(io_);
        j->retry->expires_after(options_.retry_delay);
        j->retry->async_wait([weak = weak_from_this(), j](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (ec || !self || j->is_settled) return;
            self->send(j);
        });
    }

    // ---- the spool -----------------------------------------------------

    void to_spool(const std::shared_ptr<job>& j) {
        auto seq = options_.disk->append(j->argv);
        if (!seq) {
            // Full or failing disk: the batch fails, so the feed's state
            // stays where it was and the items are fetched again.
            if (seq.error().code == spool_errc::full) {
                ++counters_.refused_full;
            } else {
                ++counters_.write_errors;
            }
            return settle_failed(j, "not delivered and not spooled: " + seq.error().message);
        }
        j->spool_seq = *seq;
        counters_.spooled_items += j->items;
        if (options_.disk->durable() >= *seq) return settle_spooled(j);
        awaiting_sync_.push_back(j);
        arm_sync();
    }

    void arm_sync() {
        if (is_sync_armed_) return;
        is_sync_armed_ = true;
        sync_timer_.expires_after(options_.sync_interval);
        sync_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (!self || ec) return;
            self->is_sync_armed_ = false;
            self->sync_now();
        });
    }

    void sync_now() {
        if (options_.disk == nullptr || awaiting_sync_.empty()) return;
        auto keep = shared_from_this();
        auto synced = options_.disk->sync();
        auto waiting = std::move(awaiting_sync_);
        awaiting_sync_.clear();
        for (auto& j : waiting) {
            if (j->is_settled) continue;
            if (!synced) {
                ++counters_.write_errors;
                settle_failed(j, "spooled but not synced: " + synced.error().message);
            } else {
                settle_spooled(j);
            }
        }
    }

    void settle_spooled(const std::shared_ptr<job>& j) {
        j->owner->summary.spooled += j->items;
        settle(j);
        replay();  // Redis may be back already
    }

    // Replays the spool, one record at a time, oldest first, while Redis
    // is connected. A record leaves the spool only after Redis answered it.
    void replay() {
        if (options_.disk == nullptr || is_replaying_ || !redis_.is_connected()) return;
        if (replay_retry_) return;  // waiting out -LOADING
        auto front = options_.disk->front();
        if (!front) {
            ++counters_.read_errors;
            report(front.error().message + "; skipped");
            options_.disk->pop_front();
            return asio::post(io_, [weak = weak_from_this()] {
                if (auto self = weak.lock()) self->replay();
            });
        }
        if (!*front) return;
        is_replaying_ = true;
        const std::size_t items = items_in_command(**front);
        redis_.command(std::move(**front), [weak = weak_from_this(), items](redis_result r) {
            auto self = weak.lock();
            if (!self) return;
            self->on_replayed(r, items);
        });
    }

    void on_replayed(const redis_result& r, std::size_t items) {
        is_replaying_ = false;
        if (!r) return;  // connection lost: the record stays; replay resumes on reconnect
        if (r->is_error() && is_loading(r->str)) {
            replay_retry_ = std::make_unique<asio::steady_timer>(io_, options_.retry_delay);
            replay_retry_->async_wait([weak = weak_from_this()](const boost::system::error_code&) {
                auto self = weak.lock();
                if (!self) return;
                self->replay_retry_.reset();
                self->replay();
            });
            return;
        }
        if (r->is_error()) {
            // Redis refuses it for good (a key of the wrong type, a missing
            // function): keeping it would stop every record behind it.
            ++counters_.refused_records;
            report("spooled command refused by Redis, dropped: " + r->str);
        } else {
            counters_.replayed_items += items;
        }
        options_.disk->pop_front();
        replay();
    }

    // Shutdown: every command not yet answered goes to the spool, durably.
    void spool_pending() {
        if (options_.disk == nullptr) return;
        auto keep = shared_from_this();
        std::vector<std::shared_ptr<job>> open;
        for (auto& [id, j] : jobs_)
            if (!j->is_settled && j->spool_seq == 0) open.push_back(j);
        for (auto& j : open) {
            if (j->retry) j->retry->cancel();
            if (!j->is_settled) to_spool(j);
        }
        sync_now();
    }

    // ---- settling ------------------------------------------------------

    void settle_failed(const std::shared_ptr<job>& j, const std::string& message) {
        auto& summary = j->owner->summary;
        summary.failed += j->items;
        if (summary.error.empty()) summary.error = message;
        settle(j);
    }

    // May run the batch's done handler, which may destroy the deliverer: the
    // caller holds a strong reference and touches nothing afterwards.
    void settle(const std::shared_ptr<job>& j) {
        j->is_settled = true;
        jobs_.erase(j->id);
        pending_items_ -= j->items;
        if (j->retry) j->retry->cancel();
        auto owner = j->owner;
        if (--owner->remaining == 0 && owner->done) {
            auto done = std::move(owner->done);
            done(std::move(owner->summary));
        }
    }

    void abandon() {
        auto keep = shared_from_this();
        auto jobs = std::move(jobs_);
        jobs_.clear();
        pending_items_ = 0;
        awaiting_sync_.clear();
        std::vector<std::pair<done_handler, batch_summary>> finished;
        for (auto& [id, j] : jobs) {
            j->is_settled = true;
            if (j->retry) j->retry->cancel();
            auto& summary = j->owner->summary;
            summary.failed += j->items;
            if (summary.error.empty()) summary.error = "delivery abandoned";
            if (--j->owner->remaining == 0 && j->owner->done) {
                finished.emplace_back(std::move(j->owner->done), std::move(summary));
            }
        }
        for (auto& [done, summary] : finished) done(std::move(summary));
    }
};

deliverer::deliverer(boost::asio::io_context& io, redis_client& redis, deliverer_options options)
    : impl_(std::make_shared<impl>(io, redis, options)) {}

deliverer::~deliverer() {
    if (!impl_) return;
    impl_->sync_timer_.cancel();
    if (impl_->replay_retry_) impl_->replay_retry_->cancel();
    for (auto& [id, j] : impl_->jobs_) {
        j->is_settled = true;
        if (j->retry) j->retry->cancel();
    }
}

void deliverer::deliver(const std::string& feed_id, std::vector<delivery_payload> payloads,
                        const std::vector<std::string>& streams, done_handler done) {
    impl_->deliver(feed_id, std::move(payloads), streams, std::move(done));
}

void deliverer::deliver(const std::string& feed_id, const std::vector<feeds::item>& items,
                        const std::vector<std::string>& streams, done_handler done) {
    std::vector<delivery_payload> payloads;
    payloads.reserve(items.size());
    for (const auto& it : items) payloads.push_back(prepare_delivery(it));
    impl_->deliver(feed_id, std::move(payloads), streams, std::move(done));
}

std::size_t deliverer::pending() const { return impl_->pending_items_; }

void deliverer::abandon() { impl_->abandon(); }

void deliverer::on_redis_connected() { impl_->replay(); }

void deliverer::spool_pending() { impl_->spool_pending(); }

spool_counters deliverer::counters() const { return impl_->counters_; }

}  // namespace feedwire::daemon
