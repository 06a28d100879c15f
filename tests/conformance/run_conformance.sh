#!/usr/bin/env bash
# The feedparser conformance test (ctest conformance.feedparser):
#   run_conformance.sh CONFORMANCE_DUMP CORPUS_DIR EXPECTED_FAILURES OUT_DIR
# CORPUS_DIR is ../shared/conformance/feedparser (read-only, never copied
# here). Dumps every corpus document with conformance_dump into OUT_DIR,
# scores them with the corpus's harness/check.py, prints the score per
# folder, and fails on any failure not in EXPECTED_FAILURES and on any
# expected failure that now passes (check.py's --xfail only skips them),
# so the list can only shrink. Exit 77 (ctest: skipped) when the corpus or
# python3 is absent.
set -euo pipefail
dump=$1 corpus=$2 expected=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -d "$corpus/tests" ] || [ ! -f "$corpus/harness/check.py" ]; then
  echo "SKIP: the feedparser corpus is not at $corpus (../shared beside the checkout)"
  exit 77
fi
if ! command -v python3 >/dev/null; then
  echo "SKIP: python3 is needed to run the corpus's check.py"
  exit 77
fi

rm -rf "$out"
mkdir -p "$out"
dumps=$out/dumps

# Every document through the parser, bounded: a hang or a crash fails here.
start=$(date +%s%N)
if ! timeout 60 "$dump" "$corpus/tests" "$dumps"; then
  echo "FAIL: conformance_dump crashed, hung or failed (see above)"
  exit 1
fi
end=$(date +%s%N)
docs=$(find "$corpus/tests" -type f | wc -l)
made=$(find "$dumps" -type f -name '*.json' | wc -l)
echo "dumped $made of $docs documents in $(((end - start) / 1000000)) ms"
if [ "$made" -ne "$docs" ]; then
  echo "FAIL: $((docs - made)) documents have no dump"
  exit 1
fi

# The list's ids without their reasons, for check.py --xfail.
sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$expected" | grep -v '^$' | sort -u >"$out/xfail.txt" || true

# Every failure, xfail or not (check.py writes DUMPS/FAILED.txt) ...
python3 "$corpus/harness/check.py" "$corpus/harness/assertions.jsonl" "$dumps" >/dev/null
awk 'NF {print $1}' "$dumps/FAILED.txt" | sort -u >"$out/failing.txt"
# ... then the report as the harness gives it, expected failures skipped.
python3 "$corpus/harness/check.py" "$corpus/harness/assertions.jsonl" "$dumps" \
  --by-category --xfail "$out/xfail.txt"

python3 "$here/score.py" "$corpus/harness/assertions.jsonl" "$out/failing.txt"

status=0
comm -23 "$out/failing.txt" "$out/xfail.txt" >"$out/new_failures.txt"
comm -13 "$out/failing.txt" "$out/xfail.txt" >"$out/now_passing.txt"
if [ -s "$out/new_failures.txt" ]; then
  echo "FAIL: $(wc -l <"$out/new_failures.txt") new failures (not in $expected):"
  grep -F -f "$out/new_failures.txt" "$dumps/FAILED.txt" | sed 's/^/  /'
  status=1
fi
if [ -s "$out/now_passing.txt" ]; then
  echo "FAIL: $(wc -l <"$out/now_passing.txt") expected failures now pass; remove them from $expected:"
  sed 's/^/  /' "$out/now_passing.txt"
  status=1
fi
[ "$status" -eq 0 ] && echo "OK: every failure is an expected one ($(wc -l <"$out/xfail.txt") listed)"
exit "$status"
