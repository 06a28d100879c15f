#!/usr/bin/env bash
# The differential test (ctest differential.feedparser):
#   run_differential.sh FEEDWIRE GOLDEN_DIR DIFFERENCES [PARSE_BENCH]
# Runs Python feedparser (Debian's python3-feedparser, installed through
# tools/setup-deps when missing) and `feedwire parse` on every golden
# fixture and on parse_bench's generated wire feed, and compares what they
# find; see run_differential.py. Exit 77 (ctest: skipped) when feedparser
# is missing and cannot be installed.
set -euo pipefail
feedwire=$1 golden=$2 differences=$3 bench=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
# feedparser comes from Debian, so the system interpreter, not one first
# on PATH (a virtualenv or pyenv would not see it).
python=/usr/bin/python3

if ! "$python" -c 'import feedparser' 2>/dev/null; then
  "$here/../../tools/setup-deps" || true
fi
if ! "$python" -c 'import feedparser' 2>/dev/null; then
  echo "SKIP: python3-feedparser is not installed and tools/setup-deps could not install it"
  exit 77
fi

args=(--feedwire "$feedwire" --golden "$golden" --differences "$differences")
[ -n "$bench" ] && args+=(--bench-writer "$bench")
exec "$python" "$here/run_differential.py" "${args[@]}"
