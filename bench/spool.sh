#!/usr/bin/env bash
# Spool write and replay rates against dd with conv=fsync on the same
# directory (the reference: the disk's own sequential write rate).
#
#   bench/spool.sh [--build DIR] [--dir DIR] [MIB]    (default: build-rel, /var/tmp, 256)
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-rel
dir=/var/tmp
mib=256
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) mib=$1; shift ;;
  esac
done

. bench/lib.sh
bench_build "$build" spool_bench

work=$(mktemp -d "$dir/feedwire-spool.XXXXXX")
trap 'rm -rf "$work"' EXIT

# dd prints "... bytes ... copied, S s, R MB/s" on its last line.
dd_rate=$(dd if=/dev/zero of="$work/dd.bin" bs=1M count="$mib" conv=fsync 2>&1 |
  awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") { print $(i + 1), $(i + 2) } }')
rm -f "$work/dd.bin"
read -r dd_value dd_unit <<<"$dd_rate"
case "$dd_unit" in
  GB/s) dd_mbs=$(awk -v v="$dd_value" 'BEGIN { print v * 1000 }') ;;
  kB/s) dd_mbs=$(awk -v v="$dd_value" 'BEGIN { print v / 1000 }') ;;
  *) dd_mbs=$dd_value ;;
esac

printf '%-18s %10s %12s %10s\n' phase MB/s records/s "x dd"
printf '%-18s %10s %12s %10s\n' "dd conv=fsync" "$dd_mbs" - 1.00
"$build/bench/spool_bench" "$work" "$mib" | while read -r phase mbs rps; do
  printf '%-18s %10s %12s %10s\n' "$phase" "$mbs" "$rps" "$(awk -v a="$mbs" -v b="$dd_mbs" 'BEGIN { printf "%.2f", a / b }')"
done
