#!/usr/bin/env bash
# Redis's own work per delivered item, by phase, as instruction counts:
# redis-server runs under callgrind while deliver_bench runs one phase
# (DELIVER_BENCH_ONLY) with N and 3N items; the difference over 2N items is
# the per-item cost, without the server's start-up. Load on the machine does
# not move these figures, so they compare two versions of the function
# where timed runs on a busy machine cannot.
#
#   bench/deliver_instructions.sh [--build DIR] [N]   (default: build-rel, 2000)
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-rel
n=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    *) n=$1; shift ;;
  esac
done
for tool in redis-server redis-cli valgrind; do
  command -v "$tool" >/dev/null || { echo "deliver_instructions: $tool missing" >&2; exit 1; }
done
. bench/lib.sh
bench_build "$build" deliver_bench

tmp=$(mktemp -d /tmp/feedwire-instr.XXXXXX)
rpid=
trap 'kill $rpid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT

# Instructions redis-server executed from start to shutdown around one run.
instructions() {
  local phase=$1 items=$2
  rm -f "$tmp/cg.out" "$tmp/redis.sock"
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" redis-server --port 0 \
    --unixsocket "$tmp/redis.sock" --dir "$tmp" --save "" --appendonly no >/dev/null 2>"$tmp/vg.log" &
  rpid=$!
  for _ in $(seq 300); do redis-cli -s "$tmp/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
  DELIVER_BENCH_ONLY=$phase "$build/bench/deliver_bench" "$tmp/redis.sock" "$items" >/dev/null
  redis-cli -s "$tmp/redis.sock" shutdown nosave >/dev/null 2>&1 || true
  wait "$rpid" 2>/dev/null || true
  rpid=
  awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.out"
}

printf '%-8s %18s %10s\n' phase "instructions/item" "x xadd"
declare -A per
for phase in xadd exact near near16; do
  small=$(instructions "$phase" "$n")
  large=$(instructions "$phase" $((3 * n)))
  per[$phase]=$(( (large - small) / (2 * n) ))
  printf '%-8s %18s %10s\n' "$phase" "${per[$phase]}" \
    "$(awk -v a="${per[xadd]}" -v b="${per[$phase]}" 'BEGIN { printf "%.3f", a / b }')"
done
