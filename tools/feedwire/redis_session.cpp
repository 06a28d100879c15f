// The CLI's synchronous Redis connection (see redis_session.hpp).
#include "redis_session.hpp"

#include "feedwire/daemon/hiredis_support.hpp"

#include <optional>

#include <sys/time.h>

namespace feedwire::cli {

namespace {

timeval to_timeval(std::chrono::milliseconds t) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(t);
    return timeval{static_cast<time_t>(secs.count()),
                   static_cast<suseconds_t>((t - secs).count() * 1000)};
}

}  // namespace

std::string as_string(const redisReply* r) {
    if (r == nullptr || r->str == nullptr) return {};
    return std::string(r->str, r->len);
}

namespace {

// The primary's address from the first Sentinel that names one; empty +
// `error` listing each Sentinel's answer otherwise.
std::optional<config::redis_endpoint> ask_sentinels(const config::redis_config& cfg,
                                                    const timeval& tv, std::string& error) {
    for (const auto& sentinel : cfg.sentinels) {
        error += (error.empty() ? "" : "; ") + config::describe(sentinel) + ": ";
        context_ptr c(redisConnectWithTimeout(sentinel.host.c_str(), sentinel.port, tv));
        if (!c || c->err != 0) {
            error += c ? c->errstr : "out of memory";
            continue;
        }
        redisSetTimeout(c.get(), tv);
        const auto run = [&c](const std::vector<std::string>& args) {
            daemon::argv_arrays argv(args);
            return reply_ptr(static_cast<redisReply*>(
                redisCommandArgv(c.get(), argv.argc(), argv.argv(), argv.lengths())));
        };
        if (!cfg.sentinel_password.empty()) {
            auto auth = run({"AUTH", cfg.sentinel_password});
            if (!auth || auth->type == REDIS_REPLY_ERROR) {
                error += auth ? as_string(auth.get()) : std::string(c->errstr);
                continue;
            }
        }
        auto r = run({"SENTINEL", "get-master-addr-by-name", cfg.master_name});
        if (!r || r->type == REDIS_REPLY_ERROR) {
            error += r ? as_string(r.get()) : std::string(c->errstr);
            continue;
        }
        const bool is_pair = r->type == REDIS_REPLY_ARRAY && r->elements == 2;
        std::string why;
        if (auto primary = config::sentinel_primary(
                is_pair, is_pair ? as_string(r->element[0]) : "",
                is_pair ? as_string(r->element[1]) : "", cfg.master_name, why)) {
            return primary;
        }
        error += why;
    }
    return std::nullopt;
}

}  // namespace

bool redis_session::connect(std::chrono::milliseconds timeout,
                            const std::function<void(int)>& on_socket) {
    const timeval tv = to_timeval(timeout);
    if (cfg_.scheme == config::redis_scheme::unix_socket) {
        ctx_.reset(redisConnectUnixWithTimeout(cfg_.socket_path.c_str(), tv));
    } else if (cfg_.scheme == config::redis_scheme::sentinel) {
        std::string why;
        const auto primary = ask_sentinels(cfg_, tv, why);
        if (!primary) {
            error_ = "no Sentinel named the primary \"" + cfg_.master_name + "\": " + why;
            return false;
        }
        ctx_.reset(redisConnectWithTimeout(primary->host.c_str(), primary->port, tv));
    } else {
        ctx_.reset(redisConnectWithTimeout(cfg_.host.c_str(), cfg_.port, tv));
    }
    if (!ctx_) {
        error_ = "out of memory";
        return false;
    }
    if (ctx_->err != 0) {
        error_ = ctx_->errstr;
        return false;
    }
    if (on_socket) on_socket(ctx_->fd);
    if (!cfg_.password.empty()) {
        std::vector<std::string> auth = {"AUTH"};
        if (!cfg_.user.empty()) auth.push_back(cfg_.user);
        auth.push_back(cfg_.password);
        if (!command(auth)) return false;
    }
    if (cfg_.db != 0 && !command({"SELECT", std::to_string(cfg_.db)})) return false;
    return true;
}

bool redis_session::set_command_timeout(std::chrono::milliseconds timeout) {
    const timeval tv = to_timeval(timeout);
    if (redisSetTimeout(ctx_.get(), tv) != REDIS_OK) {
        error_ = ctx_->errstr[0] != '\0' ? ctx_->errstr : "cannot set the socket timeout";
        return false;
    }
    return true;
}

reply_ptr redis_session::command(const std::vector<std::string>& args) {
    daemon::argv_arrays argv(args);
    reply_ptr reply(static_cast<redisReply*>(
        redisCommandArgv(ctx_.get(), argv.argc(), argv.argv(), argv.lengths())));
    if (!reply) {
        error_ = ctx_->errstr[0] != '\0' ? ctx_->errstr : "connection lost";
        return nullptr;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        error_ = as_string(reply.get());
        return nullptr;
    }
    return reply;
}

std::vector<reply_ptr> redis_session::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
    for (const auto& args : commands) {
        daemon::argv_arrays argv(args);
        if (redisAppendCommandArgv(ctx_.get(), argv.argc(), argv.argv(), argv.lengths()) !=
            REDIS_OK) {
            error_ = ctx_->errstr[0] != '\0' ? ctx_->errstr : "out of memory";
            return {};
        }
    }
    std::vector<reply_ptr> replies;
    replies.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        void* raw = nullptr;
        if (redisGetReply(ctx_.get(), &raw) != REDIS_OK || raw == nullptr) {
            error_ = ctx_->errstr[0] != '\0' ? ctx_->errstr : "connection lost";
            return {};
        }
        reply_ptr reply(static_cast<redisReply*>(raw));
        if (reply->type == REDIS_REPLY_ERROR) {
            error_ = as_string(reply.get());
            return {};
        }
        replies.push_back(std::move(reply));
    }
    return replies;
}

}  // namespace feedwire::cli
