#!/usr/bin/env bash
# Delivery through feedwire's atomic step against plain pipelined XADD of
# the same payloads over one connection (64 commands in flight), and
# redis-benchmark's XADD at the same depth as a second reference, on a
# private redis-server with appendonly yes / appendfsync everysec. Then a
# replica is attached (over loopback TCP) and exact delivery runs again
# without and with wait_replicas = 1 (WAIT 1 behind every FCALL).
#
#   bench/deliver.sh [--build DIR] [--wait-only] [ITEMS]   (default: build-rel, 200000)
#
# --wait-only runs the replica phases alone.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-rel
items=200000
wait_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --wait-only) wait_only=1; shift ;;
    *) items=$1; shift ;;
  esac
done
for tool in redis-server redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "deliver: $tool missing (apt-get install redis-server redis-tools)" >&2; exit 1; }
done
. bench/lib.sh
bench_build "$build" deliver_bench

tmp=$(mktemp -d /tmp/feedwire-deliver.XXXXXX)
# The replica reaches the primary over TCP: a free loopback port.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --unixsocket "$tmp/redis.sock" --dir "$tmp" --save "" \
  --appendonly yes --appendfsync everysec --auto-aof-rewrite-percentage 0 >/dev/null &
rpid=$!
replica_pid=
trap 'kill $rpid $replica_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do redis-cli -s "$tmp/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.05; done

declare -A rate
if [ "$wait_only" -eq 0 ]; then
  while read -r phase value; do rate[$phase]=$value; done < <("$build/bench/deliver_bench" "$tmp/redis.sock" "$items")

  # redis-benchmark: XADD of a 1 KB field, 64 in flight, one connection.
  payload=$(head -c 1000 /dev/zero | tr '\0' x)
  rb=$(redis-benchmark -s "$tmp/redis.sock" -c 1 -P 64 -n "$items" -q \
    XADD bench:rb '*' item "$payload" 2>/dev/null | tr '\r' '\n' |
    awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i == "requests") v = $(i - 1) } END { print v }')
  printf '%-34s %12s %10s\n' "" "items/s" "x xadd"
  printf '%-34s %12s %10s\n' "redis-benchmark XADD -P 64 (1 KB)" "$rb" -
  for phase in xadd exact unchanged near near16; do
    printf '%-34s %12s %10s\n' "$phase" "${rate[$phase]}" \
      "$(awk -v a="${rate[$phase]}" -v b="${rate[xadd]}" 'BEGIN { printf "%.2f", a / b }')"
  done
  echo "Redis memory per item: entries ${rate[entries_bytes]} + articles ${rate[articles_bytes]} bytes (exact layer), near layer ${rate[near_bytes]} bytes"
fi

# The same exact delivery with a replica attached, without and with WAIT 1.
mkdir "$tmp/replica"
redis-server --port 0 --unixsocket "$tmp/replica/redis.sock" --dir "$tmp/replica" --save "" \
  --appendonly no --replicaof 127.0.0.1 "$port" >/dev/null &
replica_pid=$!
for _ in $(seq 200); do
  redis-cli -s "$tmp/replica/redis.sock" info replication 2>/dev/null | grep -q 'master_link_status:up' && break
  sleep 0.05
done
while read -r phase value; do rate[$phase]=$value; done < <(DELIVER_BENCH_WAIT=1 "$build/bench/deliver_bench" "$tmp/redis.sock" "$items")
for phase in exact_replica exact_wait; do
  printf '%-34s %12s %10s\n' "$phase" "${rate[$phase]}" \
    "$(awk -v a="${rate[$phase]}" -v b="${rate[xadd]:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
done
echo "WAIT 1 behind every FCALL: $(awk -v a="${rate[exact_wait]}" -v b="${rate[exact_replica]}" 'BEGIN { printf "%.2f", a / b }') x exact with the replica attached"
