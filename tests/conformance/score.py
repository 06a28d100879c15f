#!/usr/bin/env python3
"""Score per folder: score.py ASSERTIONS_JSONL FAILING_IDS

Prints passed/total per folder group (the issue's goals are per group):
wellformed outside sanitize, wellformed/sanitize, encoding, entities,
illformed. Tests the converter could not convert are left out; expected
failures count as failures (this is the real score)."""
import json
import sys
from collections import Counter

GROUPS = ["wellformed (outside sanitize)", "wellformed/sanitize", "encoding", "entities",
          "illformed"]


def group(path):
    if path.startswith("wellformed/sanitize/"):
        return "wellformed/sanitize"
    if path.startswith("wellformed/"):
        return "wellformed (outside sanitize)"
    return path.split("/")[0]


def main():
    failing = {l.strip() for l in open(sys.argv[2]) if l.strip()}
    total, passed = Counter(), Counter()
    for line in open(sys.argv[1], encoding="utf-8"):
        t = json.loads(line)
        if t["asserts"] is None:
            continue
        g = group(t["file"])
        total[g] += 1
        passed[g] += t["file"] not in failing
    for g in GROUPS + sorted(set(total) - set(GROUPS)):
        if total[g]:
            print("score %-30s %4d / %4d  %5.1f%%" % (g, passed[g], total[g],
                                                    100.0 * passed[g] / total[g]))
    print("score %-30s %4d / %4d  %5.1f%%" % ("all", sum(passed.values()), sum(total.values()),
                                            100.0 * sum(passed.values()) / sum(total.values())))


if __name__ == "__main__":
    main()
