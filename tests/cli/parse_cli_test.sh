#!/usr/bin/env bash
# `feedwire parse` as a user runs it: output, exit status, messages.
set -u
feedwire=${1:?path to feedwire}
demo=${2:?path to demo feeds}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/cli/checks.sh
. "$(dirname "$0")/checks.sh"

# A feed: JSON Lines on stdout, one line per item, exit 0.
"$feedwire" parse --url https://tass.example/rss/v2.xml "$demo/tass-world.xml" >"$tmp/out" 2>"$tmp/err"
check "feed exits 0" $?
lines=$(wc -l <"$tmp/out")
[ "$lines" -eq 2 ]; check "two items, got $lines lines" $?
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out"
check "every line is JSON" $?
grep -q '"source":{"feed":"tass.example/rss/v2.xml","feed_url":"https://tass.example/rss/v2.xml"' "$tmp/out"
check "source names feed and URL" $?
! grep -q 'utm_source' "$tmp/out"; check "tracking parameters removed" $?

# Standard input.
"$feedwire" parse --url https://blog.example/feed - <"$demo/newsroom-blog.atom" >"$tmp/out" 2>"$tmp/err"
check "stdin exits 0" $?
[ "$(wc -l <"$tmp/out")" -eq 1 ]; check "stdin item" $?

# --feed prints the feed record.
"$feedwire" parse --feed "$demo/podcast.json" >"$tmp/out" 2>"$tmp/err"
check "--feed exits 0" $?
grep -q '"format":"jsonfeed1.1"' "$tmp/out"; check "--feed prints format" $?

# --ninjs prints one ninjs 2.0 document per item.
"$feedwire" parse --ninjs --url https://tass.example/rss/v2.xml "$demo/tass-world.xml" >"$tmp/out" 2>"$tmp/err"
check "--ninjs exits 0" $?
[ "$(wc -l <"$tmp/out")" -eq 2 ]; check "--ninjs prints one line per item" $?
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    assert d["uri"].startswith("feedwire:") and d["type"] == "text"
    assert d["headlines"][0]["value"] and d["standard"]["version"] == "2.0"
    assert "headline" not in d and "source" not in d
' "$tmp/out"
check "--ninjs items are ninjs" $?
"$feedwire" parse --ninjs --feed "$demo/tass-world.xml" >/dev/null 2>&1
[ $? -eq 2 ]; check "--ninjs with --feed is a usage error" $?

# Not a feed: exit 1, message names the file and the cause, other inputs still processed.
printf '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>' >"$tmp/page.html"
"$feedwire" parse "$tmp/page.html" "$demo/tass-world.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ]; check "not a feed exits 1" $?
grep -q "page.html: error: not a feed: an HTML page titled \"502 Bad Gateway\"" "$tmp/err"
check "message names file and cause" $?
[ "$(wc -l <"$tmp/out")" -eq 2 ]; check "other inputs still processed" $?

# Unreadable file: exit 1.
"$feedwire" parse "$tmp/missing.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ]; check "missing file exits 1" $?
grep -q "missing.xml: error: cannot open file" "$tmp/err"; check "missing file message" $?

# Salvaged document: exit 0, warning on stderr.
printf '<rss version="2.0"><channel><title>T</title><item><title>A&nbsp;B</title></item></channel></rss>' >"$tmp/broken.xml"
"$feedwire" parse "$tmp/broken.xml" >"$tmp/out" 2>"$tmp/err"
check "salvaged exits 0" $?
grep -q "broken.xml: warning:" "$tmp/err"; check "salvage warning on stderr" $?

# Usage errors: exit 2.
"$feedwire" parse >/dev/null 2>&1
[ $? -eq 2 ]; check "no file is a usage error" $?
"$feedwire" parse --no-such-flag x >/dev/null 2>&1
[ $? -eq 2 ]; check "unknown flag is a usage error" $?
"$feedwire" parse --fetched-at tomorrow "$demo/tass-world.xml" >/dev/null 2>&1
[ $? -eq 2 ]; check "bad --fetched-at is a usage error" $?

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
