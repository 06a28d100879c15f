// What one HTTP poll asks for and what it brought back, as plain values.
// The fetcher (fetcher.hpp) fills fetch_outcome; everything downstream
// (scheduling, state, pipeline) decides on these fields alone, so every
// branch can be tested without a network.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace feedwire::daemon {

struct fetch_request {
    std::string feed_id;  // for log lines and error messages only
    std::string url;
    std::string etag;           // sent as If-None-Match when not empty
    std::string last_modified;  // sent as If-Modified-Since when not empty
    std::chrono::milliseconds connect_timeout{std::chrono::seconds{15}};
    std::chrono::milliseconds total_timeout{std::chrono::seconds{30}};
    // Abort when the transfer stays below low_speed_bytes per second for a
    // whole low_speed_window (CURLOPT_LOW_SPEED_LIMIT / _TIME).
    long low_speed_bytes = 64;
    std::chrono::seconds low_speed_window{20};
    // Cap on the body as delivered to us, after decompression, counted in the
    // write callback (libcurl 7.88 does not stop a running transfer at
    // CURLOPT_MAXFILESIZE, and does not count decoded bytes at all).
    std::uint64_t max_body = 16ull * 1024 * 1024;
    long max_redirects = 5;
    std::map<std::string, std::string> headers;  // extra request headers
    std::string user_agent;
    // When false, no hop may connect to a loopback, private, link-local,
    // CGNAT or unique-local address unless the first hop already did (the
    // operator configured a private URL on purpose).
    bool allow_private_networks = false;
};

enum class fetch_status {
    ok,                 // 2xx with a body
    not_modified,       // 304
    http_error,         // any other final HTTP status (see http_status)
    blocked,            // 403/429/503 carrying a bot challenge (cf-mitigated, challenge page)
    too_large,          // body exceeded max_body (after decompression)
    timeout,            // connect, total or low-speed timeout
    network_error,      // DNS, refused, reset, TLS ...
    forbidden_address,  // a hop led to a private address from a public one
    bad_protocol,       // a redirect to something other than http(s), or a redirect loop/too many
};

const char* to_string(fetch_status status);

struct fetch_outcome {
    fetch_status status = fetch_status::network_error;
    long http_status = 0;  // 0 when no response arrived
    int curl_code = 0;     // CURLcode, 0 = CURLE_OK
    std::string error;     // human description, empty on ok/not_modified
    std::string body;      // ok only

    // Response headers of the final hop, lower-cased names.
    std::string content_type;
    std::string etag;
    std::string last_modified;
    std::string cache_control;
    std::string expires;
    std::string retry_after;
    std::string location;
    std::map<std::string, std::string> headers;  // all final-hop headers (last value wins)

    std::string effective_url;  // URL of the final hop
    int redirect_count = 0;
    // True when at least one redirect happened and every hop was 301 or 308:
    // the feed has moved for good and effective_url is its new home.
    bool is_permanent_redirect = false;

    std::uint64_t bytes_received = 0;  // body bytes after decoding
    std::chrono::microseconds elapsed{0};
    std::string http_version;  // "1.1", "2"
};

}  // namespace feedwire::daemon
