#!/usr/bin/env python3
"""Assembles the fuzz targets' seed corpora into OUT_DIR/<target>/.

Sources: the golden fixtures and article pages of this repository, and,
when present, Python feedparser's test corpus in ../shared/conformance/
feedparser (read where it lies, never copied into the repository). Each
target gets inputs in the form its fuzzer reads (see fuzz/*_fuzzer.cpp).

    make_seeds.py SOURCE_DIR OUT_DIR
"""
import hashlib
import html
import json
import re
import sys
from pathlib import Path

DOC_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json", ".html", ".txt", ".bin"}
CONFORMANCE_URL = "http://127.0.0.1:8097/tests/"
DATE_TAGS = re.compile(
    rb"<(pubDate|lastBuildDate|dc:date|dcterms:\w+|updated|published|issued|modified|created|"
    rb"a10:updated|firstCreated|versionCreated|date)\b[^>]*>([^<]{1,80})</", re.I)
JSON_DATES = re.compile(rb'"(date_published|date_modified|versioncreated|firstcreated)"\s*:\s*"([^"]{1,80})"')
URL_ATTRS = re.compile(rb'\b(href|src|url|uri|xml:base|cite|poster)\s*=\s*"([^"]{1,300})"', re.I)
HTML_FIELDS = re.compile(
    rb"<(description|content|content:encoded|summary|subtitle|tagline|info|body|title)\b[^>]*>(.*?)</\1>",
    re.I | re.S)


class Seeds:
    def __init__(self, out: Path):
        self.out = out
        self.counts: dict[str, int] = {}

    def add(self, target: str, data: bytes) -> None:
        d = self.out / target
        d.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()
        path = d / name
        if not path.exists():
            path.write_bytes(data)
            self.counts[target] = self.counts.get(target, 0) + 1


def read_options(path: Path) -> dict[str, str]:
    opts = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("#") or ":" not in line:
                continue
            k, v = line.split(":", 1)
            opts[k.strip().lower()] = v.strip()
    return opts


def header_block(url: str, content_type: str, language: str = "") -> bytes:
    lines = ["#fw", "url: " + url]
    if content_type:
        lines.append("content-type: " + content_type)
    if language:
        lines.append("content-language: " + language)
    return ("\n".join(lines) + "\n\n").encode()


def add_document(seeds: Seeds, doc: bytes, url: str, content_type: str, language: str = "",
                 html_doc: bool = False) -> None:
    seeds.add("parse_feed", header_block(url, content_type, language) + doc)
    charset = content_type if content_type else ""
    seeds.add("charset", charset.encode() + b"\n" + doc[:16384])
    for m in DATE_TAGS.finditer(doc):
        seeds.add("dates", m.group(2).strip())
    for m in JSON_DATES.finditer(doc):
        seeds.add("dates", m.group(2))
    for m in URL_ATTRS.finditer(doc):
        seeds.add("url", url.encode() + b"\n" + html.unescape(m.group(2).decode("utf-8", "replace")).encode())
    if html_doc:
        seeds.add("html", doc[:16384])
    for m in HTML_FIELDS.finditer(doc):
        body = m.group(2)
        if body.startswith(b"<![CDATA[") and body.endswith(b"]]>"):
            body = body[9:-3]
        elif b"&lt;" in body:
            body = html.unescape(body.decode("utf-8", "replace")).encode()
        if b"<" in body or b"&" in body:
            seeds.add("html", body[:16384])


def golden(seeds: Seeds, root: Path) -> None:
    for path in sorted((root / "tests" / "golden").rglob("*")):
        if path.suffix not in DOC_SUFFIXES or not path.is_file():
            continue
        opts = read_options(path.with_suffix(".options"))
        group = path.parent.name
        url = opts.get("url", f"https://feeds.example.com/{group}/{path.name}")
        add_document(seeds, path.read_bytes(), url, opts.get("content-type", ""),
                     opts.get("content-language", ""), html_doc=path.suffix == ".html")
    for path in sorted((root / "tests" / "fixtures" / "articles").glob("*.html")):
        opts = read_options(path.with_suffix(".options"))
        add_document(seeds, path.read_bytes(), opts.get("url", "https://www.example.com/a.html"),
                     "text/html", html_doc=True)


def conformance(seeds: Seeds, corpus: Path) -> None:
    tests = corpus / "tests"
    for path in sorted(tests.rglob("*")):
        if not path.is_file():
            continue
        doc = path.read_bytes()
        rel = path.relative_to(tests).as_posix()
        content_type = "text/xml"
        language = ""
        for m in re.finditer(rb"^Header:\s*([\w-]+):\s*(.*?)\s*$", doc[:4096], re.M):
            name = m.group(1).decode().lower()
            if name == "content-type":
                content_type = m.group(2).decode("latin-1")
            elif name == "content-language":
                language = m.group(2).decode("latin-1")
        add_document(seeds, doc, CONFORMANCE_URL + rel, content_type, language)
    dates = corpus / "dates.json"
    if dates.exists():
        for case in json.loads(dates.read_text(encoding="utf-8"))["cases"]:
            seeds.add("dates", case["input"].encode())


def main() -> int:
    root, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    seeds = Seeds(out)
    golden(seeds, root)
    corpus = root.parent / "shared" / "conformance" / "feedparser"
    if corpus.is_dir():
        conformance(seeds, corpus)
    else:
        print(f"make_seeds: {corpus} absent, seeds from the repository only", file=sys.stderr)
    for target in ("parse_feed", "charset", "dates", "html", "url"):
        (out / target).mkdir(parents=True, exist_ok=True)
        print(f"make_seeds: {target}: {seeds.counts.get(target, 0)} seeds", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
