#!/usr/bin/env bash
# Parser throughput over a generated corpus of many feeds, in one run:
# pugixml's load and walk of the same bytes (the ceiling), feedwire's
# parse_feed, parse_feed plus the items' JSON, and Python feedparser
# (Debian's python3-feedparser, in process); then the peak memory of
# parsing one 10 MB feed. See bench/README.md, "Corpus".
#   bench/corpus.sh BUILD_DIR [--reps N] [--py-runs N] [--mb MB] [--dir DIR]
#                   [--instructions]
# --reps: repetitions of each C++ mode (median; default 7); --py-runs:
# feedparser passes over the corpus (best and median; default 3); --mb:
# corpus size (default 24); --dir: where the corpus is written (default
# BUILD_DIR/bench-corpus, regenerated every run, same bytes for the same
# generator); --instructions: also count instructions of each C++ mode
# with callgrind (one pass each; minutes), which load on the machine does
# not move.
set -euo pipefail
build=${1:?build directory}
shift
reps=7
py_runs=3
mb=24
dir=$build/bench-corpus
instructions=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --reps) reps=$2; shift 2 ;;
    --py-runs) py_runs=$2; shift 2 ;;
    --mb) mb=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --instructions) instructions=1; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
bench=$build/bench/corpus_bench
[[ -x $bench ]] || { echo "$bench missing: cmake --build $build --target corpus_bench" >&2; exit 1; }
/usr/bin/python3 -c 'import feedparser' 2>/dev/null ||
  { echo "python3-feedparser missing (tools/setup-deps installs it)" >&2; exit 1; }

/usr/bin/python3 "$here/gen_corpus.py" "$dir" --mb "$mb" --big-mb 10
out=$(mktemp)
trap 'rm -f "$out" "$out".*' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//');" \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" "$dir/feeds" --reps "$reps" >"$out.cpp"
grep -v '^RESULT' "$out.cpp"
echo "load average after the C++ modes: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" --memory "$dir/big/big.xml" >"$out.mem"
"$bench" --memory-pugixml "$dir/big/big.xml" >>"$out.mem"

if [[ $instructions == 1 ]]; then
  for mode in pugixml parse json; do
    valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect="*run_$mode*" \
      "$bench" "$dir/feeds" --reps 1 --modes "$mode" >/dev/null 2>"$out.cg"
    printf 'INSTR\t%s\t%s\n' "$mode" "$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$out.cg")" >>"$out.cpp"
  done
fi

/usr/bin/python3 - "$dir/feeds" "$py_runs" "$out.cpp" "$out.mem" "$reps" <<'PY'
import os, statistics, sys, time
import feedparser

feeds_dir, runs, cpp_out, mem_out, reps = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
docs = [open(os.path.join(feeds_dir, n), 'rb').read() for n in sorted(os.listdir(feeds_dir))]
total_bytes = sum(len(d) for d in docs)

entries = bozo = 0
for d in docs:
    f = feedparser.parse(d)
    entries += len(f.entries)
    bozo += bool(f.bozo)
cpu, wall = [], []
for _ in range(runs):
    c0, w0 = time.process_time(), time.perf_counter()
    for d in docs:
        feedparser.parse(d)
    cpu.append(time.process_time() - c0)
    wall.append(time.perf_counter() - w0)

res, instr = {}, {}
for line in open(cpp_out):
    f = line.rstrip('\n').split('\t')
    if f[0] == 'RESULT':
        res[f[1]] = f[2:]
    elif f[0] == 'INSTR' and f[2]:
        instr[f[1]] = int(f[2])
corpus_bytes, items, files = (int(x) for x in res['corpus'])
assert corpus_bytes == total_bytes, (corpus_bytes, total_bytes)
mb = total_bytes / 1e6

print()
print(f"corpus: {files} files, {mb:.1f} MB; items: feedwire {items}, feedparser {entries} "
      f"({bozo} files bozo for feedparser)")
rows = []
for mode, label in (('pugixml', '1 pugixml load + walk'), ('parse', '2 feedwire parse_feed'),
                    ('json', '3 feedwire parse + JSON')):
    if mode in res:
        rows.append((label, float(res[mode][0]), float(res[mode][1]), mode))
rows.append((f'4 python feedparser (best of {runs})', min(cpu), min(wall), 'feedparser'))
ref = res.get('pugixml')
ref_cpu, ref_wall = (float(ref[0]), float(ref[1])) if ref else (0, 0)
print(f"{'':34} {'MB/s':>9} {'items/s':>10} {'x (1)':>8} {'wall MB/s':>10} {'x (1) wall':>10}"
      f"{'  instructions' if instr else ''}")
for label, c, w, mode in rows:
    extra = f"  {instr[mode] / 1e9:9.2f} G" if mode in instr else ''
    print(f"{label:34} {mb / c:9.1f} {items / c:10.0f} {ref_cpu / c:8.4f} {mb / w:10.1f} "
          f"{ref_wall / w:10.4f}{extra}")
print(f"(MB/s and items/s from CPU time; C++ modes: medians of {reps} repetitions; feedparser median "
      f"{mb / statistics.median(cpu):.1f} MB/s CPU)")
if 'parse' in res:
    fw_cpu = float(res['parse'][0])
    print(f"feedparser / feedwire parse_feed: {min(cpu) / fw_cpu:.1f}x (CPU), "
          f"{min(wall) / float(res['parse'][1]):.1f}x (wall)")
if instr.get('pugixml'):
    for mode in ('parse', 'json'):
        if instr.get(mode):
            print(f"by instructions, ({'2' if mode == 'parse' else '3'}) / (1) = "
                  f"{instr['pugixml'] / instr[mode]:.4f}")
for line in open(mem_out):
    if line.startswith('memory:'):
        print(line.rstrip())
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
