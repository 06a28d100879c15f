// One synchronous hiredis connection for the CLI's commands (`tail`,
// `status`): connect with a timeout (to the primary the Sentinels name, for
// a redis+sentinel:// URL: each asked in order, within the same timeout),
// AUTH and SELECT from a redis_config,
// then commands one at a time or pipelined. Errors are values: a null reply
// and error() says why, so each command can name the URL in its message.
#pragma once

#include "feedwire/config/config.hpp"

#include <hiredis.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace feedwire::cli {

struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

// The bytes of a string, status or error reply; "" for anything else.
std::string as_string(const redisReply* r);

class redis_session {
public:
    explicit redis_session(config::redis_config cfg) : cfg_(std::move(cfg)) {}
    redis_session(const redis_session&) = delete;
    redis_session& operator=(const redis_session&) = delete;

    // Connects, authenticates, selects the db. False + error() on failure.
    // `on_socket` sees the descriptor as soon as it is open (before AUTH),
    // so a signal handler can shut down a blocked read.
    bool connect(std::chrono::milliseconds timeout, const std::function<void(int)>& on_socket = {});

    // Bounds every later read and write: a server that accepts and never
    // answers fails the command instead of hanging the tool.
    bool set_command_timeout(std::chrono::milliseconds timeout);

    // Runs one command; nullptr + error() on a connection or Redis error.
    reply_ptr command(const std::vector<std::string>& args);

    // Sends every command, then reads every reply: one round trip for many
    // keys. Empty + error() when the connection fails or any reply is an error.
    std::vector<reply_ptr> pipeline(const std::vector<std::vector<std::string>>& commands);

    const std::string& error() const { return error_; }

private:
    config::redis_config cfg_;
    context_ptr ctx_;
    std::string error_;
};

}  // namespace feedwire::cli
