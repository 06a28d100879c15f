// Names of fetch statuses for log lines and state files; stable strings, so
// changing one is a format change.
#include "feedwire/daemon/fetch.hpp"

namespace feedwire::daemon {

const char* to_string(fetch_status status) {
    switch (status) {
        case fetch_status::ok:
            return "ok";
        case fetch_status::not_modified:
            return "not_modified";
        case fetch_status::http_error:
            return "http_error";
        case fetch_status::blocked:
            return "blocked";
        case fetch_status::too_large:
            return "too_large";
        case fetch_status::timeout:
            return "timeout";
        case fetch_status::network_error:
            return "network_error";
        case fetch_status::forbidden_address:
            return "forbidden_address";
        case fetch_status::bad_protocol:
            return "bad_protocol";
    }
    return "unknown";
}

}  // namespace feedwire::daemon
