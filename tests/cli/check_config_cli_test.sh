#!/usr/bin/env bash
# `feedwire check-config` as a user runs it: exit status and messages.
set -u
feedwire=${1:?path to feedwire}
examples=${2:?path to config/examples}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/cli/checks.sh
. "$(dirname "$0")/checks.sh"

# The shipped example: valid, summary on stdout.
"$feedwire" check-config "$examples/feedwire.toml" >"$tmp/out" 2>"$tmp/err"
check "example exits 0" $?
grep -qE '^ok: [0-9]+ feeds from 3 files, redis redis://127.0.0.1:6379/0$' "$tmp/out"
check "example summary" $?
[ ! -s "$tmp/err" ]; check "example has no warnings" $?

# A broken file: every problem as FILE:LINE: key: message, exit 1.
printf '[daemon]\nstate_dir = "/tmp"\n[[feed]]\nurl = "https://a.example/rss"\ninterval = "often"\n[redis]\nurll = "x"\ncommand_timeout = "10"\nconnect_timeout = "10ms"\n' >"$tmp/broken.toml"
"$feedwire" check-config "$tmp/broken.toml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ]; check "broken exits 1" $?
grep -q "broken.toml:5: feed.interval: " "$tmp/err"; check "bad duration names file:line and key" $?
grep -q "broken.toml:7: redis.urll: unknown key; did you mean \"url\"?" "$tmp/err"
check "unknown key with suggestion" $?
grep -q "broken.toml:8: redis.command_timeout: " "$tmp/err"; check "bad redis timeout names file:line and key" $?
grep -q "broken.toml:9: redis.connect_timeout: must be between 100ms and 1h" "$tmp/err"
check "redis timeout out of range" $?
[ ! -s "$tmp/out" ]; check "nothing on stdout when broken" $?

# A missing file: exit 1.
"$feedwire" check-config "$tmp/missing.toml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ]; check "missing file exits 1" $?
grep -q "missing.toml: cannot read file" "$tmp/err"; check "missing file message" $?

# Usage errors: exit 2.
"$feedwire" check-config >/dev/null 2>&1
[ $? -eq 2 ]; check "no file is a usage error" $?

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
