#!/usr/bin/env python3
"""Writes the limits/ fixtures, which are too big or too deep to write by
hand. Files land beside this script.

    deep-nesting-500.xml       RSS whose second item holds 500 nested levels of
                               an unknown extension element (<x:wrap>); the
                               document is about 506 levels deep in all, above
                               parse_options::max_depth (256).
    nesting-under-limit-100.xml  the same shape with 100 levels: deep, but
                               within the limit, so it parses normally and the
                               unknown element is ignored.
    deep-nesting-json-500.json   a JSON Feed whose item carries an extension
                               key nested 500 arrays deep.
    very-long-title-100k.xml   one item whose title is 102,400 bytes of
                               ordinary words (a CMS that pasted the article
                               body into the title), and one normal item.
"""
import pathlib

HERE = pathlib.Path(__file__).resolve().parent

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:x="urn:example:layout">
  <channel>
    <title>Layout Engine News</title>
    <link>https://layoutnews.example/</link>
    <description>{desc}</description>
    <item>
      <title>A normal item before the deep one</title>
      <link>https://layoutnews.example/1</link>
      <guid>https://layoutnews.example/1</guid>
      <pubDate>Fri, 22 Nov 2019 09:00:00 GMT</pubDate>
    </item>
"""
TAIL = """  </channel>
</rss>
"""


def nested_feed(levels: int) -> str:
    inner = "".join(f'<x:wrap level="{i}">' for i in range(1, levels + 1))
    inner += "deepest text"
    inner += "</x:wrap>" * levels
    item = f"""    <item>
      <title>Item with {levels} nested layout elements</title>
      <link>https://layoutnews.example/2</link>
      <guid>https://layoutnews.example/2</guid>
      <pubDate>Fri, 22 Nov 2019 08:00:00 GMT</pubDate>
      <x:layout>{inner}</x:layout>
    </item>
"""
    desc = f"An item nests an unknown element {levels} levels deep."
    return HEAD.format(desc=desc) + item + TAIL


def deep_json(levels: int) -> str:
    return ('{\n  "version": "https://jsonfeed.org/version/1.1",\n'
            '  "title": "Layout Engine News",\n'
            '  "home_page_url": "https://layoutnews.example/",\n'
            '  "items": [\n'
            '    {"id": "1", "url": "https://layoutnews.example/1", "title": "A normal item",'
            ' "content_text": "Fine.", "date_published": "2019-11-22T09:00:00Z"},\n'
            '    {"id": "2", "url": "https://layoutnews.example/2", "title": "Deep extension",'
            ' "content_text": "Carries a deeply nested extension.",'
            ' "date_published": "2019-11-22T08:00:00Z",\n'
            f'     "_layout": {"[" * levels}0{"]" * levels}}}\n'
            '  ]\n}\n')


def long_title(size: int) -> str:
    sentence = ("The council met on Thursday evening to discuss the budget for the coming "
                "year, and after a long debate about roads, schools and the library it "
                "agreed to meet again next week. ")
    text = (sentence * (size // len(sentence) + 1))[:size]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Paste Accident Gazette</title>
    <link>https://pasteaccident.example/</link>
    <description>One item's title is {size} bytes long.</description>
    <item>
      <title>{text}</title>
      <link>https://pasteaccident.example/1</link>
      <guid>https://pasteaccident.example/1</guid>
      <pubDate>Fri, 22 Nov 2019 09:00:00 GMT</pubDate>
      <description>The body is short; the title is not.</description>
    </item>
    <item>
      <title>A normal headline after the long one</title>
      <link>https://pasteaccident.example/2</link>
      <guid>https://pasteaccident.example/2</guid>
      <pubDate>Fri, 22 Nov 2019 08:00:00 GMT</pubDate>
    </item>
  </channel>
</rss>
"""


if __name__ == "__main__":
    files = {
        "deep-nesting-500.xml": nested_feed(500),
        "nesting-under-limit-100.xml": nested_feed(100),
        "deep-nesting-json-500.json": deep_json(500),
        "very-long-title-100k.xml": long_title(100 * 1024),
    }
    for name, text in files.items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {name} ({len(text.encode('utf-8'))} bytes)")
