#!/usr/bin/env bash
# `feedwire tail` against a private redis-server on a Unix socket (no port
# races): entries written as feedwired writes them (DESIGN.md, "The stream
# contract"), read back as JSON Lines and as readable lines, plain and in a
# consumer group; plus the error exits.
set -u
feedwire=${1:?path to feedwire}
tmp=$(mktemp -d)
redis_pid=
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=tests/cli/checks.sh
. "$(dirname "$0")/checks.sh"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server not installed (tools/setup-deps installs it)"
  exit 1
fi
sock="$tmp/redis.sock"
redis-server --port 0 --unixsocket "$sock" --save "" --appendonly no --dir "$tmp" \
  --daemonize no >"$tmp/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do
  [ -S "$sock" ] && redis-cli -s "$sock" PING >/dev/null 2>&1 && break
  sleep 0.1
done
rcli() { redis-cli -s "$sock" "$@"; }
url="unix://$sock"
# Every run is bounded: a tail that waits for entries that never come fails
# the test instead of hanging it.
tail_() { timeout 20 "$feedwire" tail --redis "$url" "$@"; }

add() {  # add URI EVENT FEED HEADLINE VERSIONCREATED ITEM-JSON [DUPLICATE_OF]
  local extra=()
  [ -n "${7:-}" ] && extra=(duplicate_of "$7")
  rcli XADD feedwire:items '*' uri "$1" event "$2" feed "$3" url "https://x.example/$1" \
    headline "$4" versioncreated "$5" "${extra[@]}" item "$6" >/dev/null
}

item1='{"uri":"feedwire:01","guid":"tass-1","url":"https://tass.example/1","headline":"G20 ministers meet in Nagoya","versioncreated":"2019-11-22T09:14:00Z","dateline":{"text":"NAGOYA /Japan/, November 22. /TASS/.","place":"Nagoya","country":"Japan","date":"2019-11-22","agency":"TASS"},"source":{"feed":"tass-en"},"revision":1}'
item2='{"uri":"feedwire:02","headline":"Sterling steadies before budget","versioncreated":"2019-11-22T10:05:00Z","copyrightholder":"Reuters","source":{"feed":"reuters-markets"},"revision":2}'
item3='{"uri":"feedwire:03","headline":"G20 ministers gather in Nagoya","versioncreated":"2019-11-22T09:30:00Z","source":{"feed":"kyodo-en"},"revision":1,"duplicate_of":"feedwire:01"}'
add feedwire:01 new tass-en "G20 ministers meet in Nagoya" 2019-11-22T09:14:00Z "$item1"
add feedwire:02 update reuters-markets "Sterling steadies before budget" 2019-11-22T10:05:00Z "$item2"
add feedwire:03 new kyodo-en "G20 ministers gather in Nagoya" 2019-11-22T09:30:00Z "$item3" feedwire:01

# JSON: the item field verbatim, one per line.
tail_ --from-start --count 3 --format json >"$tmp/out" 2>"$tmp/err"
check "json exits 0" $?
[ "$(wc -l <"$tmp/out")" -eq 3 ]; check "json: three lines" $?
[ "$(sed -n 1p "$tmp/out")" = "$item1" ]; check "json: first item verbatim" $?
[ "$(sed -n 3p "$tmp/out")" = "$item3" ]; check "json: stream order" $?
[ ! -s "$tmp/err" ]; check "json: nothing on stderr" $?

# Piped without --format: JSON.
tail_ --from-start --count 1 | grep -qxF "$item1"; check "piped default is json" $?

# --count smaller than the stream.
tail_ --from-start --count 2 --format json >"$tmp/out"
[ "$(wc -l <"$tmp/out")" -eq 2 ]; check "--count 2 prints two" $?

# Lines: time, agency, [place], headline, marks.
tail_ --from-start --count 3 --format line >"$tmp/out" 2>"$tmp/err"
check "line exits 0" $?
sed -n 1p "$tmp/out" | grep -q '^2019-11-22 09:14  TASS  *\[Nagoya\] G20 ministers meet in Nagoya$'
check "line: time, dateline agency, place, headline" $?
sed -n 2p "$tmp/out" | grep -q 'Reuters .*Sterling steadies before budget \[update r2\]$'
check "line: copyrightholder as agency, update mark" $?
sed -n 3p "$tmp/out" | grep -q 'kyodo-en .*G20 ministers gather in Nagoya \[dup\]$'
check "line: feed id as agency, duplicate mark" $?

# Until a tail is blocked in XREAD (connected, signal handlers installed):
# a slow start (sanitizers, a loaded machine) must not race the test.
wait_blocked() {
  for _ in $(seq 200); do
    rcli CLIENT LIST | grep -q 'cmd=xread' && return 0
    sleep 0.05
  done
  return 1
}

# Without --from-start only new entries: one added after the tail starts.
tail_ --count 1 --format json >"$tmp/out" &
tail_pid=$!
wait_blocked
add feedwire:04 new tass-en "Late item" 2019-11-22T11:00:00Z '{"uri":"feedwire:04","headline":"Late item"}'
wait "$tail_pid"
check "new entries: exits 0" $?
grep -qx '{"uri":"feedwire:04","headline":"Late item"}' "$tmp/out" && [ "$(wc -l <"$tmp/out")" -eq 1 ]
check "new entries: only the one added later" $?

# A consumer group: two runs see each entry once between them, and ack.
tail_ --group readers --consumer c1 --from-start --count 2 --format json >"$tmp/g1"
check "group run 1 exits 0" $?
tail_ --group readers --consumer c2 --from-start --count 2 --format json >"$tmp/g2"
check "group run 2 exits 0" $?
[ "$(cat "$tmp/g1" "$tmp/g2" | sort -u | wc -l)" -eq 4 ]; check "group: four distinct entries" $?
grep -q '"feedwire:01"' "$tmp/g1" && grep -q '"feedwire:04"' "$tmp/g2"
check "group: first run from the start, second continues" $?
[ "$(rcli XPENDING feedwire:items readers | head -n 1)" = "0" ]; check "group: nothing pending" $?

# A pending entry (read, never acknowledged) is printed again to its consumer.
add feedwire:05 new tass-en "Fifth" 2019-11-22T12:00:00Z '{"uri":"feedwire:05","headline":"Fifth"}'
rcli XREADGROUP GROUP readers c3 COUNT 1 STREAMS feedwire:items '>' >/dev/null
[ "$(rcli XPENDING feedwire:items readers | head -n 1)" = "1" ]; check "group: one pending" $?
tail_ --group readers --consumer c3 --count 1 --format json >"$tmp/out"
grep -q '"feedwire:05"' "$tmp/out"; check "group: pending entry redelivered" $?
[ "$(rcli XPENDING feedwire:items readers | head -n 1)" = "0" ]; check "group: pending acked" $?

# SIGTERM while waiting: exit 0.
"$feedwire" tail --redis "$url" --format json >/dev/null 2>"$tmp/err" &
tail_pid=$!
wait_blocked
kill -TERM "$tail_pid"
wait "$tail_pid"
check "SIGTERM exits 0" $?

# Errors: exit 1, message names the URL, never the password.
"$feedwire" tail --redis "unix://$tmp/nothing.sock" --count 1 >/dev/null 2>"$tmp/err"
[ $? -eq 1 ]; check "no server exits 1" $?
grep -q "cannot connect to unix://$tmp/nothing.sock" "$tmp/err"; check "no server message" $?
"$feedwire" tail --redis "redis://me:s3cret@127.0.0.1:notaport/0" --count 1 >/dev/null 2>"$tmp/err"
[ $? -eq 1 ]; check "bad URL exits 1" $?
grep -q 'redis://me:\*\*\*@127.0.0.1:notaport/0' "$tmp/err" && ! grep -q s3cret "$tmp/err"
check "bad URL message hides the password" $?
rcli SET notastream x >/dev/null
timeout 20 "$feedwire" tail --redis "$url" --stream notastream --from-start --count 1 \
  >/dev/null 2>"$tmp/err"
[ $? -eq 1 ]; check "wrong key type exits 1" $?
grep -q WRONGTYPE "$tmp/err"; check "wrong key type message" $?

# Usage errors: exit 2.
"$feedwire" tail --group g >/dev/null 2>&1
[ $? -eq 2 ]; check "--group without --consumer is a usage error" $?
"$feedwire" tail --format xml >/dev/null 2>&1
[ $? -eq 2 ]; check "unknown format is a usage error" $?
"$feedwire" tail --count 0 >/dev/null 2>&1
[ $? -eq 2 ]; check "--count 0 is a usage error" $?

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
