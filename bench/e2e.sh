#!/usr/bin/env bash
# End-to-end benchmark: nginx (Debian's, on a loopback port, answering
# conditional GETs with 304 itself) serves N generated feeds of 20 items
# each; `feedwired --once` polls them all into a private redis-server. A
# second cycle polls again, when every feed answers 304. newsboat
# (`newsboat -x reload`) polls the same URLs as the peer, in the same run.
#
#   bench/e2e.sh [--build DIR] [--newsboat-max N] [N ...]   (default N: 500 1000 10000)
#
# Prints, per N and cycle: wall time, CPU time per feed, items per second
# into Redis, peak memory (max RSS), and redis-server's CPU. A third row,
# "steady", is the daemon as it runs in production: feedwired (no --once)
# polls every feed every 10 to 12.5 s, and over a window of
# E2E_STEADY_SECONDS (default 30) after warming up, its CPU time is divided
# by the polls nginx logged (all 304s); the process start-up and the first
# fetch are outside the window. newsboat runs only for N up to
# --newsboat-max (default 1000): its cost grows with the square of the feed
# count, so 10,000 feeds would take it hours.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

build=build-rel
newsboat_max=1000
sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --newsboat-max) newsboat_max=$2; shift 2 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(500 1000 10000)

for tool in nginx redis-server redis-cli newsboat /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool missing (apt-get install nginx-light redis-server newsboat time)" >&2; exit 1; }
done

if [ ! -x "$build/daemon/feedwired" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFEEDWIRE_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target feedwired >/dev/null
feedwired=$root/$build/daemon/feedwired

tmp=$(mktemp -d /tmp/feedwire-e2e.XXXXXX)
chmod 755 "$tmp"  # nginx started as root serves files as an unprivileged user
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Generated feeds: 20 items each, distinct guids, an HTML body of 40 to 90
# words. E2E_CORPUS picks the texts:
#   news (default): every item its own story, drawn from a Zipf-skewed
#     vocabulary of 5,000 words, except E2E_SYNDICATED percent (default 10)
#     that republish another feed's item under a new headline with a credit
#     line added, as outlets republish agency copy;
#   same-bodies: every feed carries the same 20 bodies (only headlines and
#     links differ), so nearly every item is a near-duplicate: the worst case
#     for near-duplicate detection, and this script's corpus before 2026-11-28.
gen_feeds() {  # dir count
  python3 - "$1" "$2" "${E2E_CORPUS:-news}" "${E2E_SYNDICATED:-10}" <<'PY'
import os, random, sys
out, n, corpus, syndicated = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
os.makedirs(out, exist_ok=True)
rng = random.Random(20261128)
letters = "abcdefghijklmnopqrstuvwxyz"
vocab = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(2, 11))) for _ in range(6000)})[:5000]
weights = [1 / (r + 1) for r in range(len(vocab))]
def words(k):
    return " ".join(rng.choices(vocab, weights, k=k))
bodies = {}
def body(f, i):
    if corpus == "same-bodies":
        return (f"GENEVA, November 22. /Agency/. Delegations met for a {i}th round on\n"
                f"Saturday, officials said.")
    if (f, i) not in bodies:
        if f > 0 and rng.randrange(100) < syndicated:
            src = (rng.randrange(f), rng.randrange(20))
            bodies[(f, i)] = body(*src) + " (Reporting by Agency staff; editing by Desk)"
        else:
            text = words(rng.randint(40, 90))
            bodies[(f, i)] = text[0].upper() + text[1:] + "."
    return bodies[(f, i)]
for f in range(n):
    items = []
    for i in range(20):
        if corpus == "same-bodies":
            headline = f"Feed {f} dispatch {i}: talks resume in Geneva"
        else:
            headline = words(rng.randint(6, 12)).capitalize()
        items.append(f"""<item><title>{headline}</title>
<link>https://news.example/{f}/{i}?utm_source=rss</link><guid>urn:bench:{f}:{i}</guid>
<pubDate>Sat, 22 Nov 2025 {i % 24:02d}:{(f + i) % 60:02d}:00 GMT</pubDate>
<description><![CDATA[<p>{body(f, i)} <a href="/story/{f}/{i}">More</a></p>]]></description></item>""")
    with open(os.path.join(out, f"f{f:05d}.xml"), "w") as fh:
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                 f'<title>Bench feed {f}</title><link>https://news.example/{f}</link>'
                 f'<description>bench</description>{"".join(items)}</channel></rss>\n')
PY
}

port=$(free_port)
mkdir -p "$tmp/www" "$tmp/nginx"
cat > "$tmp/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  types { application/rss+xml xml; }
  client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
  server { listen 127.0.0.1:$port; root $tmp/www; etag on; access_log $tmp/nginx/access.log; }
}
NGINX
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
pids+=($!)

# measure LABEL CMD...: wall, user+sys CPU and max RSS of one command.
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time.out" "$@" >"$tmp/cmd.out" 2>"$tmp/cmd.err" || {
    echo "e2e: $label failed; last lines:" >&2; tail -5 "$tmp/cmd.err" >&2; }
  # time(1) puts "Command exited with non-zero status N" first on failure.
  read -r wall user sys rss < <(tail -n 1 "$tmp/time.out")
  echo "$wall $user $sys $rss"
}

# redis_cpu SOCKET: the server's user + system CPU seconds so far.
redis_cpu() {
  redis-cli -s "$1" info cpu | tr -d '\r' |
    awk -F: '/^used_cpu_(user|sys):/ { t += $2 } END { printf "%.6f", t }'
}

# redis_calls SOCKET: commands the server has run so far (INFO commandstats;
# a function's own redis.call()s are counted too, under their names).
redis_calls() {
  redis-cli -s "$1" info commandstats | tr -d '\r' |
    awk -F'[=,]' '/^cmdstat_/ { t += $2 } END { print t + 0 }'
}

# cpu_ticks PID: user + system clock ticks of a running process.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# steady N REDIS_DIR CONF: CPU per poll of a running daemon once every
# feed answers 304 (see the header).
steady() {
  local n=$1 rdir=$2 conf=$3 window=${E2E_STEADY_SECONDS:-30}
  [ "$window" -gt 0 ] || return 0
  local sconf="$tmp/steady-$n.toml" log="$tmp/nginx/access.log"
  sed -e 's/^\[daemon\]$/[daemon]\nmin_interval = "10s"/' "$conf" >"$sconf"
  printf '[defaults]\ninterval = "10s"\n' >>"$sconf"
  # Forget the saved schedule (10 minutes ahead after the --once runs).
  redis-cli -s "$rdir/redis.sock" flushall >/dev/null
  "$feedwired" --config "$sconf" --log-level error >"$tmp/steady.out" 2>&1 &
  local pid=$! warmup=$((15 + n / 1000))
  sleep "$warmup"
  local c0 l0 r0 c1 l1 r1 hz rss
  c0=$(cpu_ticks "$pid"); l0=$(wc -l <"$log"); r0=$(redis_cpu "$rdir/redis.sock")
  sleep "$window"
  c1=$(cpu_ticks "$pid"); l1=$(wc -l <"$log"); r1=$(redis_cpu "$rdir/redis.sock")
  rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  hz=$(getconf CLK_TCK)
  local other
  other=$(tail -n +"$((l0 + 1))" "$log" | head -n "$((l1 - l0))" | awk '$9 != 304' | wc -l)
  [ "$other" -eq 0 ] || echo "e2e: steady window at N=$n saw $other answers other than 304" >&2
  python3 - "$n" "$window" "$((c1 - c0))" "$hz" "$((l1 - l0))" "$rss" "$r0" "$r1" <<'PY'
import sys
n, window, ticks, hz, polls, rss, rb, ra = sys.argv[1:]
n, window, cpu, polls, rss = int(n), float(window), int(ticks) / int(hz), int(polls), int(rss)
per_poll = cpu / max(polls, 1) * 1e6
print(f"{n:<8} {'feedwired':<10} {'steady':<6} {window:9.2f} {per_poll:12.0f} {0:12.0f} {rss / 1024:10.1f} {(float(ra) - float(rb)) * 1000:10.0f}  ({polls} polls, {polls / window:.0f}/s)")
PY
}

printf '%-8s %-10s %-6s %9s %12s %12s %10s %10s %9s\n' N tool cycle wall_s cpu_us/feed items/s maxrss_MB redis_ms cmds/feed
for n in "${sizes[@]}"; do
  rm -rf "$tmp/www" && gen_feeds "$tmp/www" "$n"
  rdir="$tmp/redis-$n" && mkdir -p "$rdir"
  redis-server --port 0 --unixsocket "$rdir/redis.sock" --save "" --appendonly no --dir "$rdir" >/dev/null &
  rpid=$!
  pids+=($rpid)
  for _ in $(seq 100); do redis-cli -s "$rdir/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.05; done

  conf="$tmp/feedwire-$n.toml"
  {
    echo "[redis]"; echo "url = \"unix://$rdir/redis.sock\""; echo "maxlen = 1000000"
    echo "[daemon]"; echo "state_dir = \"$tmp/state\""; echo 'listen = ""'
    echo "per_host_connections = 64"; echo 'per_host_spacing = "0s"'
    # E2E_EXTRA_CONFIG: more TOML tables, e.g. $'[dedup]\nnear_duplicates = "off"'.
    [ -n "${E2E_EXTRA_CONFIG:-}" ] && printf '%s\n' "$E2E_EXTRA_CONFIG"
    for f in $(seq 0 $((n - 1))); do printf '[[feed]]\nurl = "http://127.0.0.1:%s/f%05d.xml"\n' "$port" "$f"; done
  } >"$conf"

  for cycle in 1 2; do
    before=$(redis-cli -s "$rdir/redis.sock" xlen feedwire:items)
    rcpu_before=$(redis_cpu "$rdir/redis.sock")
    calls_before=$(redis_calls "$rdir/redis.sock")
    wrap=()
    # E2E_PROFILE=DIR records a cycle (E2E_PROFILE_CYCLE, default 2) with
    # perf, into DIR/perf.data.N.
    [ "$cycle" = "${E2E_PROFILE_CYCLE:-2}" ] && [ -n "${E2E_PROFILE:-}" ] &&
      wrap=(perf record --call-graph dwarf,16384 -o "$E2E_PROFILE/perf.data.$n")
    read -r wall user sys rss < <(measure "feedwired N=$n cycle $cycle" "${wrap[@]}" "$feedwired" --config "$conf" --once --log-level error)
    after=$(redis-cli -s "$rdir/redis.sock" xlen feedwire:items)
    rcpu_after=$(redis_cpu "$rdir/redis.sock")
    calls=$(( $(redis_calls "$rdir/redis.sock") - calls_before - 2 ))  # less the two XLENs
    python3 - "$n" "$cycle" "$wall" "$user" "$sys" "$rss" "$((after - before))" "$rcpu_before" "$rcpu_after" "$calls" <<'PY'
import sys
n, cycle, wall, user, sys_, rss, items, rb, ra, calls = sys.argv[1:]
n, wall, cpu, rss, items = int(n), float(wall), float(user) + float(sys_), int(rss), int(items)
rcpu = float(ra) - float(rb)
print(f"{n:<8} {'feedwired':<10} {cycle:<6} {wall:9.2f} {cpu / n * 1e6:12.0f} {items / max(wall, 0.01):12.0f} {rss / 1024:10.1f} {rcpu * 1000:10.0f} {int(calls) / n:9.1f}")
PY
    if [ "$cycle" = 1 ]; then
      # What the cycle left in Redis: streams, dedup records, feed states.
      redis-cli -s "$rdir/redis.sock" memory stats | tr -d '\r' |
        awk -v n="$n" -v items="$((after - before))" '
          prev == "dataset.bytes" { printf "         redis dataset after cycle 1: %.1f MB, %.0f bytes per item delivered\n", $1 / 1048576, $1 / (items > 0 ? items : 1) }
          { prev = $1 }'
    fi
  done
  steady "$n" "$rdir" "$conf"
  kill "$rpid" 2>/dev/null || true

  if [ "$n" -le "$newsboat_max" ]; then
    nb="$tmp/newsboat-$n" && mkdir -p "$nb"
    for f in $(seq 0 $((n - 1))); do printf 'http://127.0.0.1:%s/f%05d.xml\n' "$port" "$f"; done >"$nb/urls"
    echo "reload-threads 4" >"$nb/config"
    for cycle in 1 2; do
      read -r wall user sys rss < <(measure "newsboat N=$n cycle $cycle" env HOME="$nb" newsboat -u "$nb/urls" -c "$nb/cache.db" -C "$nb/config" -x reload)
      python3 - "$n" "$cycle" "$wall" "$user" "$sys" "$rss" <<'PY'
import sys
n, cycle, wall, user, sys_, rss = sys.argv[1:]
n, wall, cpu, rss = int(n), float(wall), float(user) + float(sys_), int(rss)
items = n * 20 if cycle == "1" else 0
print(f"{n:<8} {'newsboat':<10} {cycle:<6} {wall:9.2f} {cpu / n * 1e6:12.0f} {items / max(wall, 0.01):12.0f} {rss / 1024:10.1f}")
PY
    done
  fi
done
