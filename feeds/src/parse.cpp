// The single entry point (parse.hpp): sniff, decode, salvage, parse with
// pugixml or nlohmann-json, dispatch on the root element (RSS, Atom,
// NewsML-G2, NITF) or the JSON's shape (ninjs, JSON Feed), normalize.
// Every refusal is a parse_error whose message says what the document is
// instead; every repair is a warning.
#include "feedwire/feeds/parse.hpp"

#include "feedwire/feeds/charset.hpp"
#include "feedwire/feeds/detect.hpp"
#include "feedwire/feeds/url.hpp"
#include "formats.hpp"
#include "normalize.hpp"
#include "parse_detail.hpp"
#include "xml_support.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <functional>

namespace feedwire::feeds {
namespace {

using detail::ns;

unexpected<parse_error> fail(parse_errc code, std::string cause, const parse_options& options) {
    if (!options.url.empty()) cause += " (" + options.url + ")";
    return unexpected<parse_error>{parse_error{code, std::move(cause)}};
}

result<detail::raw_feed, parse_error> parse_xml(std::string_view bytes,
                                                const parse_options& options,
                                                std::vector<std::string>& warnings,
                                                std::string& encoding_used, bool& is_salvaged) {
    // The document is parsed in place, so paths that need its text again
    // decode it again.
    const auto decode = [&] {
        return decode_xml_document(bytes, charset_from_content_type(options.content_type));
    };
    decoded_text decoded = decode();
    encoding_used = std::string(encoding_name(decoded.used));
    for (auto& w : decoded.warnings) warnings.push_back(std::move(w));
    if (decoded.replaced > 0) {
        warnings.push_back(std::to_string(decoded.replaced) +
                           " invalid byte sequences replaced with U+FFFD");
    }

    std::string storage;
    detail::salvage_report report;
    const std::string_view text = detail::salvage_xml(decoded.utf8, storage, report);
    if (report.junk_before_root > 0) {
        warnings.push_back("dropped " + std::to_string(report.junk_before_root) +
                           " bytes of junk before the XML document");
        is_salvaged = true;
    }
    if (report.html_entities > 0) {
        warnings.push_back(std::to_string(report.html_entities) +
                           " HTML entities that XML does not define (such as &nbsp;) decoded");
        is_salvaged = true;
    }
    if (report.bare_ampersands > 0) {
        warnings.push_back(std::to_string(report.bare_ampersands) + " bare '&' escaped");
        is_salvaged = true;
    }
    if (report.unknown_entities > 0) {
        warnings.push_back(std::to_string(report.unknown_entities) +
                           " references to undefined entities kept as text (DTD entities are "
                           "never expanded)");
        is_salvaged = true;
    }

    // The text lives in one of these two strings, which are ours: pugixml
    // parses it in place rather than copying the document once more (a
    // document's size less of peak memory).
    const auto is_within = [](std::string_view part, const std::string& whole) {
        const std::less_equal<const char*> before_or_at;
        return !whole.empty() && before_or_at(whole.data(), part.data()) &&
               before_or_at(part.data() + part.size(), whole.data() + whole.size());
    };
    std::string& owner = is_within(text, storage) ? storage : decoded.utf8;
    char* const in_place = owner.data() + (text.data() - owner.data());
    // For the lenient pass, which needs the text as it was; declared before
    // the document, which may point into them.
    decoded_text decoded_again;
    std::string storage_again;

    pugi::xml_document doc;
    // No parse_doctype: the DOCTYPE, and any entity it declares, is skipped.
    const unsigned flags =
        pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol | pugi::parse_wconv_attribute;
    const pugi::xml_parse_result parsed =
        doc.load_buffer_inplace(in_place, text.size(), flags, pugi::encoding_utf8);
    if (!parsed) {
        // Strict parsing stops at the first error; re-read the whole
        // document leniently so entries after the error are not lost. The
        // strict pass changed the text in place: decode it again.
        decoded_again = decode();
        detail::salvage_report ignored;
        const std::string_view original =
            detail::salvage_xml(decoded_again.utf8, storage_again, ignored);
        detail::lenient_report lenient;
        if (!detail::parse_xml_leniently(original, doc, options.max_depth, lenient)) {
            return fail(
                parse_errc::too_deep,
                "document nested deeper than " + std::to_string(options.max_depth) + " elements",
                options);
        }
        if (!doc.document_element()) {
            return fail(parse_errc::not_a_feed,
                        std::string("not a feed: no XML element found (") + parsed.description() +
                            " at byte " + std::to_string(parsed.offset) + ")",
                        options);
        }
        std::string w = std::string("XML error at byte ") + std::to_string(parsed.offset) + " (" +
                        parsed.description() + "); document re-read leniently";
        if (lenient.dropped_entries > 0) w += ", the incomplete last entry dropped";
        warnings.push_back(std::move(w));
        is_salvaged = true;
    }
    pugi::xml_node root = doc.document_element();
    if (detail::max_element_depth(doc) > options.max_depth) {
        return fail(
            parse_errc::too_deep,
            "document nested deeper than " + std::to_string(options.max_depth) + " elements",
            options);
    }

    const detail::qname q = detail::name_of(root);
    if (q.local == "rss" || q.local == "RDF") return detail::parse_rss(root, options.url);
    if ((q.local == "newsItem" || q.local == "newsMessage") &&
        (q.space == ns::nar || q.space == ns::none)) {
        return detail::parse_newsml(root, options.url);
    }
    if (q.local == "nitf" && (q.space == ns::nitf || q.space == ns::none)) {
        return detail::parse_nitf(root, options.url);
    }
    if (q.local == "feed" &&
        (q.space == ns::atom10 || q.space == ns::atom03 || q.space == ns::none)) {
        return detail::parse_atom(root, options.url);
    }
    if (q.local == "html" || q.space == ns::xhtml) {
        // The document was parsed in place: describe it from a fresh decode.
        const decoded_text page = decode();
        return fail(parse_errc::not_a_feed, "not a feed: " + describe_html(page.utf8), options);
    }
    return fail(
        parse_errc::not_a_feed,
        "not a feed: an XML document whose root element is <" + std::string(root.name()) + ">",
        options);
}

// The URL with every byte above 0x7F percent-encoded, as a browser sends
// it: used when the fetched URL is not UTF-8, since it reaches the items'
// JSON (source.feed_url, the feed id, resolved links).
std::string percent_encode_non_ascii(std::string_view url) {
    std::string out;
    for (const char c : url) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x80) {
            out += c;
        } else {
            append_percent_escape(out, b);
        }
    }
    return out;
}

}  // namespace

std::string_view to_string(parse_errc code) noexcept {
    switch (code) {
        case parse_errc::empty:
            return "empty";
        case parse_errc::too_large:
            return "too_large";
        case parse_errc::too_deep:
            return "too_deep";
        case parse_errc::not_a_feed:
            return "not_a_feed";
        case parse_errc::malformed:
            return "malformed";
    }
    return "unknown";
}

std::string default_feed_id(std::string_view url) {
    std::string_view rest = url;
    if (const std::size_t p = rest.find("://"); p != std::string_view::npos)
        rest = rest.substr(p + 3);
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    return std::string(rest);
}

result<parsed_feed, parse_error> parse_feed(std::string_view bytes, const parse_options& options) {
    return detail::parse_feed(bytes, options, true);
}

result<parsed_feed, parse_error> detail::parse_feed(std::string_view bytes,
                                                    const parse_options& options,
                                                    bool runs_dispatch_steps) {
    // Everything the items carry is UTF-8; so must be what the fetch adds.
    if (!is_valid_utf8(options.url) || !is_valid_utf8(options.content_language) ||
        !is_valid_utf8(options.feed_id)) {
        parse_options clean = options;
        if (!is_valid_utf8(clean.url)) clean.url = percent_encode_non_ascii(clean.url);
        clean.content_language = sanitize_utf8(clean.content_language);
        clean.feed_id = sanitize_utf8(clean.feed_id);
        return detail::parse_feed(bytes, clean, runs_dispatch_steps);
    }
    if (bytes.size() > options.max_bytes) {
        return fail(parse_errc::too_large,
                    "document of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                        std::to_string(options.max_bytes),
                    options);
    }
    parsed_feed out;
    const sniffed_document sniffed = sniff_document(bytes);
    detail::raw_feed raw;
    switch (sniffed.kind) {
        case document_kind::empty:
            return fail(parse_errc::empty, "not a feed: " + sniffed.description, options);
        case document_kind::binary:
        case document_kind::html:
        case document_kind::text:
            return fail(parse_errc::not_a_feed, "not a feed: " + sniffed.description, options);
        case document_kind::json: {
            decoded_text decoded =
                decode_json_document(bytes, charset_from_content_type(options.content_type));
            out.encoding = std::string(encoding_name(decoded.used));
            for (auto& w : decoded.warnings) out.warnings.push_back(std::move(w));
            std::string error;
            nlohmann::json doc;
            if (!detail::load_json(decoded.utf8, options.max_depth, doc, raw, &error)) {
                const bool is_deep = error.rfind("JSON nested", 0) == 0;
                return fail(is_deep ? parse_errc::too_deep : parse_errc::not_a_feed,
                            is_deep ? error : "not a feed: " + error, options);
            }
            if (detail::is_ninjs(doc)) {
                detail::parse_ninjs(doc, options.url, raw);
            } else if (!detail::parse_jsonfeed(doc, options.url, raw, &error)) {
                return fail(parse_errc::not_a_feed, "not a feed: " + error, options);
            }
            break;
        }
        case document_kind::xml: {
            auto r = parse_xml(bytes, options, out.warnings, out.encoding, out.is_salvaged);
            if (!r) return unexpected<parse_error>{std::move(r.error())};
            raw = std::move(r.value());
            break;
        }
    }
    for (auto& w : raw.warnings) out.warnings.push_back(std::move(w));
    out.is_salvaged = out.is_salvaged || raw.is_salvaged;

    detail::normalize_context ctx;
    ctx.feed_id = options.feed_id.empty() ? default_feed_id(options.url) : options.feed_id;
    ctx.feed_url = options.url;
    ctx.fallback_language = options.content_language;
    ctx.fetched_at = options.fetched_at;
    ctx.max_items = options.max_items;
    ctx.runs_dispatch_steps = runs_dispatch_steps;
    out.items = detail::normalize(raw, ctx, out.warnings);
    out.feed = std::move(raw.info);
    return out;
}

}  // namespace feedwire::feeds
