// See hiredis_support.hpp.
#include "feedwire/daemon/hiredis_support.hpp"

namespace feedwire::daemon {

redis_reply copy_reply(const redisReply& r) {
    redis_reply out;
    switch (r.type) {
        case REDIS_REPLY_STRING:
            out.type = redis_reply::kind::string;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_STATUS:
            out.type = redis_reply::kind::status;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = redis_reply::kind::error;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = redis_reply::kind::integer;
            out.integer = r.integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = redis_reply::kind::array;
            out.elements.reserve(r.elements);
            for (std::size_t i = 0; i < r.elements; ++i) {
                if (r.element[i] != nullptr) out.elements.push_back(copy_reply(*r.element[i]));
            }
            break;
        default:
            out.type = redis_reply::kind::nil;
            break;
    }
    return out;
}

argv_arrays::argv_arrays(const std::vector<std::string>& argv) {
    args_.reserve(argv.size());
    lengths_.reserve(argv.size());
    for (const auto& a : argv) {
        args_.push_back(a.data());
        lengths_.push_back(a.size());
    }
}

}  // namespace feedwire::daemon
