#!/usr/bin/python3
"""Differential test: Python feedparser against `feedwire parse`.

    run_differential.py --feedwire EXE --golden DIR --differences FILE
                        [--bench-writer EXE] [--corpus DIR]

Both parsers read the same bytes, fetched from the same URL with the same
HTTP headers (a golden fixture's `.options` sidecar). Per document they are
compared on the item count and, item by item, on the id (feedparser `id`
against feedwire `guid`), the link (`link` against `url`), the headline
(`title` against `headline`, both as plain text with entities decoded and
whitespace collapsed) and the times (`published`/`updated` against
`firstcreated`/`versioncreated`, as UTC).

Folders of formats feedparser does not read (the news-agency formats in
wire/, and JSON Feed before feedparser 6.1) are skipped; notfeed/ is
compared on the item count only (a feedwire error counts as no items).
--corpus adds every file of a folder (a generated benchmark corpus).

Every disagreement must match a line of the differences file
(`DOC-GLOB FIELD # feedwire is right because ...`), and every line there
must still match a disagreement, so the file only lists what is real. The
exit status is 1 when either rule is broken.
"""
import argparse
import calendar
import fnmatch
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import feedparser

FIELDS = ("count", "id", "link", "headline", "firstcreated", "versioncreated")

# Golden folders and how they are compared. Folders not named here get the
# full comparison.
FOLDER_POLICY = {
    # NewsML-G2, NITF and ninjs are news-agency formats feedparser does not
    # read at all: there is nothing to compare.
    "wire": "skip",
    # Not feeds: both parsers must find no items; feedwire reports an error,
    # which counts as zero items.
    "notfeed": "count",
}

DEFAULT_FETCHED_AT = "2019-11-22T10:00:00Z"
TAG = re.compile(r"<[^>]*>")


def feedparser_reads_json_feed():
    """feedparser reads JSON Feed from 6.1 on; Debian 12 ships 6.0.10."""
    probe = b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", ' \
            b'"items": [{"id": "1", "content_text": "x"}]}'
    result = feedparser.parse(probe, response_headers={"content-type": "application/feed+json"})
    return len(result.entries) == 1


def read_options(path):
    options = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#") or ":" not in line:
                    continue
                key, value = line.split(":", 1)
                options[key.strip()] = value.strip()
    return options


def plain(text, is_html):
    """A headline as plain text: tags dropped (HTML only), entities decoded,
    whitespace (including no-break spaces) collapsed."""
    if text is None:
        return None
    if is_html:
        text = TAG.sub(" ", text)
    text = html.unescape(text)
    text = " ".join(text.split())
    return text or None


def utc(parsed):
    if not parsed:
        return None
    try:
        t = time.gmtime(calendar.timegm(parsed))
    except (ValueError, OverflowError):
        return "impossible " + "-".join(str(v) for v in parsed[:6])
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % tuple(t[:6])


def feedparser_items(data, options):
    headers = {"content-location": options["url"]}
    if "content-type" in options:
        headers["content-type"] = options["content-type"]
    if "content-language" in options:
        headers["content-language"] = options["content-language"]
    result = feedparser.parse(data, response_headers=headers)
    items = []
    for e in result.entries:
        title_type = (e.get("title_detail") or {}).get("type", "text/plain")
        published = utc(e.get("published_parsed"))
        updated = utc(e.get("updated_parsed"))
        items.append({
            "id": e.get("id") or None,
            "link": e.get("link") or None,
            "headline": plain(e.get("title"), title_type != "text/plain"),
            "firstcreated": published or updated,
            "versioncreated": updated or published,
        })
    return items


def feedwire_items(exe, path, options):
    cmd = [exe, "parse", "--url", options["url"],
           "--fetched-at", options.get("fetched-at", DEFAULT_FETCHED_AT)]
    if "content-type" in options:
        cmd += ["--content-type", options["content-type"]]
    if "content-language" in options:
        cmd += ["--content-language", options["content-language"]]
    if "feed-id" in options:
        cmd += ["--feed-id", options["feed-id"]]
    cmd.append(path)
    run = subprocess.run(cmd, capture_output=True, timeout=60)
    stderr = run.stderr.decode("utf-8", "replace")
    if run.returncode < 0 or "Sanitizer" in stderr or "runtime error:" in stderr:
        sys.exit(f"FAIL: feedwire parse crashed or tripped a sanitizer on {path} "
                 f"(status {run.returncode}):\n{stderr}")
    items = []
    for line in run.stdout.decode("utf-8").splitlines():
        j = json.loads(line)
        items.append({
            "id": j.get("guid"),
            "link": j.get("url"),
            "headline": plain(j.get("headline"), False),
            "firstcreated": j.get("firstcreated"),
            "versioncreated": j.get("versioncreated"),
        })
    return items


def align(fw, fp):
    """Pairs of items to compare: by position when the counts agree,
    otherwise by equal id, then equal link."""
    if len(fw) == len(fp):
        return list(zip(fw, fp))
    pairs = []
    used = set()
    for a in fw:
        for key in ("id", "link"):
            match = next((i for i, b in enumerate(fp)
                          if i not in used and a[key] and a[key] == b[key]), None)
            if match is not None:
                used.add(match)
                pairs.append((a, fp[match]))
                break
    return pairs


def read_differences(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            rule, _, reason = line.partition(" # ")
            parts = rule.split()
            if len(parts) != 2 or parts[1] not in FIELDS or not reason.strip():
                sys.exit(f"{path}:{number}: expected 'DOC-GLOB FIELD # reason', got: {line}")
            entries.append({"doc": parts[0], "field": parts[1], "reason": reason.strip(),
                            "line": number, "used": 0})
    return entries


def documents(args):
    """(name, path, options, policy) for every document to compare."""
    for group in sorted(os.listdir(args.golden)):
        folder = os.path.join(args.golden, group)
        if not os.path.isdir(folder):
            continue
        policy = FOLDER_POLICY.get(group, "full")
        for name in sorted(os.listdir(folder)):
            stem, ext = os.path.splitext(name)
            if ext not in (".xml", ".rss", ".atom", ".rdf", ".json", ".html", ".txt", ".bin"):
                continue
            if name.endswith(".expected.jsonl"):
                continue
            if ext == ".json" and not args.json_feed:
                yield f"{group}/{name}", None, None, "skip"
                continue
            options = read_options(os.path.join(folder, stem + ".options"))
            options.setdefault("url", f"https://feeds.example.com/{group}/{name}")
            if ext == ".json":
                # feedparser reads JSON Feed only when the server says so;
                # feedwire looks at the bytes. Both get the header a JSON
                # Feed server sends.
                options.setdefault("content-type", "application/feed+json")
            yield f"{group}/{name}", os.path.join(folder, name), options, policy
    extra = []
    if args.bench_writer:
        if os.path.exists(args.bench_writer):
            out = os.path.join(args.tmp, "bench-wire-feed.xml")
            subprocess.run([args.bench_writer, "--write-feed", out], check=True)
            extra.append(("bench/bench-wire-feed.xml", out))
        else:
            print(f"note: {args.bench_writer} is not built; its feed is not compared")
    if args.corpus:
        for root, _, files in os.walk(args.corpus):
            for name in sorted(files):
                path = os.path.join(root, name)
                extra.append(("corpus/" + os.path.relpath(path, args.corpus), path))
    for name, path in extra:
        yield name, path, {"url": "https://wire.example.com/rss.xml"}, "full"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--feedwire", required=True)
    ap.add_argument("--golden", required=True)
    ap.add_argument("--differences", required=True)
    ap.add_argument("--bench-writer")
    ap.add_argument("--corpus")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    differences = read_differences(args.differences)
    args.json_feed = feedparser_reads_json_feed()

    compared_docs = skipped_docs = 0
    compared_names = []
    per_field = {f: {"compared": 0, "agree": 0, "documented": 0} for f in FIELDS}
    unlisted = []
    with tempfile.TemporaryDirectory() as tmp:
        args.tmp = tmp
        for name, path, options, policy in documents(args):
            if policy == "skip":
                skipped_docs += 1
                continue
            with open(path, "rb") as f:
                data = f.read()
            fw = feedwire_items(args.feedwire, path, options)
            fp = feedparser_items(data, options)
            compared_docs += 1
            compared_names.append(name)
            found = []  # (field, detail)
            per_field["count"]["compared"] += 1
            if len(fw) == len(fp):
                per_field["count"]["agree"] += 1
            else:
                found.append(("count", f"feedwire {len(fw)} items, feedparser {len(fp)}"))
            if policy == "full":
                for index, (a, b) in enumerate(align(fw, fp)):
                    for field in FIELDS[1:]:
                        key = "id" if field == "id" else field
                        if a[key] is None and b[key] is None:
                            continue
                        per_field[field]["compared"] += 1
                        if a[key] == b[key]:
                            per_field[field]["agree"] += 1
                        else:
                            found.append((field, f"item {index}: feedwire {a[key]!r}, "
                                                 f"feedparser {b[key]!r}"))
            for field, detail in found:
                entry = next((d for d in differences if d["field"] == field
                              and fnmatch.fnmatchcase(name, d["doc"])), None)
                if entry is None:
                    unlisted.append(f"{name} {field}: {detail}")
                else:
                    entry["used"] += 1
                    per_field[field]["documented"] += 1
                    if args.verbose:
                        print(f"documented: {name} {field}: {detail}")

    # A rule for a document that was not compared this run (parse_bench
    # not built) is not stale.
    stale = [d for d in differences if d["used"] == 0
             and any(fnmatch.fnmatchcase(name, d["doc"]) for name in compared_names)]
    total = {k: sum(v[k] for v in per_field.values()) for k in ("compared", "agree", "documented")}
    print(f"feedparser {feedparser.__version__} against feedwire")
    for field, v in per_field.items():
        print(f"  {field:15} {v['compared']:5} compared {v['agree']:5} agree "
              f"{v['documented']:4} documented")
    print(f"differential: {compared_docs} documents compared ({skipped_docs} skipped: formats "
          f"feedparser does not read), {total['compared']} fields compared, "
          f"{total['agree']} agree, {total['documented']} documented differences "
          f"({len(differences)} rules), {len(unlisted)} unlisted, {len(stale)} stale rules")
    for u in unlisted:
        print(f"UNLISTED DISAGREEMENT: {u}")
    for d in stale:
        print(f"STALE RULE (no longer occurs, remove it): {args.differences}:{d['line']}: "
              f"{d['doc']} {d['field']}")
    return 1 if unlisted or stale else 0


if __name__ == "__main__":
    sys.exit(main())
