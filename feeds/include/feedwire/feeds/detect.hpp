// Format detection from content. The HTTP content type is only a hint:
// servers label feeds text/html and error pages application/rss+xml, so
// the bytes decide, and a document that is no feed is described by what it
// looks like instead ("an HTML page titled "502 Bad Gateway"").
#pragma once

#include <string>
#include <string_view>

namespace feedwire::feeds {

enum class document_kind { empty, binary, json, html, xml, text };

struct sniffed_document {
    document_kind kind = document_kind::empty;
    std::string description;  // for kinds that are not feeds: what it looks like
};

// Looks at raw bytes: empty or whitespace, binary (image/archive magic
// numbers, NUL bytes outside UTF-16/32 text), JSON, HTML, XML or text.
sniffed_document sniff_document(std::string_view bytes);

// Describes an HTML page by its title, for error messages.
std::string describe_html(std::string_view text);

}  // namespace feedwire::feeds
