// What every user of hiredis in feedwire needs, whether asynchronous (the
// daemon's redis_client) or synchronous (`feedwire tail`, the tests' Redis
// helper): a reply copied out of hiredis's memory, and the argv/length
// arrays its *CommandArgv functions take (binary safe, never a format
// string built from feed text).
#pragma once

#include "feedwire/daemon/redis.hpp"

#include <hiredis/hiredis.h>

#include <cstddef>
#include <string>
#include <vector>

namespace feedwire::daemon {

redis_reply copy_reply(const redisReply& reply);

class argv_arrays {
public:
    explicit argv_arrays(const std::vector<std::string>& argv);
    int argc() const { return static_cast<int>(args_.size()); }
    const char** argv() { return args_.data(); }
    const std::size_t* lengths() const { return lengths_.data(); }

private:
    std::vector<const char*> args_;
    std::vector<std::size_t> lengths_;
};

}  // namespace feedwire::daemon
