#!/usr/bin/env bash
# Times `feedwire parse` against Python feedparser (Debian's
# python3-feedparser) on the same generated 200-item wire feed, whole
# process each time, and prints the ratio.
#   bench/compare_feedparser.sh BUILD_DIR [RUNS]
set -euo pipefail
build=${1:?build directory}
runs=${2:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/parse_bench" --write-feed "$tmp/feed.xml"
/usr/bin/python3 - "$build/tools/feedwire" "$tmp/feed.xml" "$runs" <<'PY'
import subprocess, sys, time
import feedparser
exe, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(path, 'rb').read()

def best(fn):
    times = []
    for _ in range(runs):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return min(times)

fw = best(lambda: subprocess.run([exe, 'parse', '--url', 'https://wire.example.com/rss.xml', path],
                                 stdout=subprocess.DEVNULL, check=True))
fp = best(lambda: feedparser.parse(data))
n = len(feedparser.parse(data).entries)
print(f"document: {len(data)} bytes, {n} entries")
print(f"feedwire parse (whole process, JSON out): {fw*1000:.1f} ms")
print(f"python feedparser.parse (in process):     {fp*1000:.1f} ms")
print(f"feedparser / feedwire: {fp/fw:.1f}x")
PY
