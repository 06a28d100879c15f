#!/usr/bin/env python3
"""Generates the charset/ fixtures: small feeds whose bytes really are in the
encoding each file is about. The text of every feed is written here as an
ordinary (Unicode) Python string; the comment above each entry says exactly
which bytes end up on disk. Re-run after editing; files land beside this
script, with a .options sidecar where the fixture needs an HTTP header.

    python3 tests/golden/charset/make_charset_fixtures.py
"""
import codecs
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
FILES = {}     # name -> bytes
OPTIONS = {}   # name -> text of the .options sidecar


def rss(decl, title, link, lang, items, channel_desc="Charset fixture."):
    """An RSS 2.0 document as text. decl is the XML declaration line or ''."""
    out = []
    if decl:
        out.append(decl)
    out.append('<rss version="2.0">')
    out.append('  <channel>')
    out.append(f'    <title>{title}</title>')
    out.append(f'    <link>{link}</link>')
    out.append(f'    <description>{channel_desc}</description>')
    if lang:
        out.append(f'    <language>{lang}</language>')
    for i, (t, d, date) in enumerate(items, 1):
        out.append('    <item>')
        out.append(f'      <title>{t}</title>')
        out.append(f'      <link>{link}n/{i}</link>')
        out.append(f'      <guid>{link}n/{i}</guid>')
        out.append(f'      <pubDate>{date}</pubDate>')
        out.append(f'      <description>{d}</description>')
        out.append('    </item>')
    out.append('  </channel>')
    out.append('</rss>')
    return "\n".join(out) + "\n"


def decl(enc):
    return f'<?xml version="1.0" encoding="{enc}"?>'


# --- Unicode encodings -------------------------------------------------------

GERMAN = [
    ("Straßenbahn fährt wieder über die Brücke",
     "Nach drei Monaten Bauzeit ist die Linie 2 zurück. Fahrgäste müssen nicht mehr umsteigen.",
     "Fri, 22 Nov 2019 08:00:00 +0100"),
    ("Café am Marktplatz schließt",
     "Der Betreiber geht nach 31 Jahren in den Ruhestand. © Stadtanzeiger",
     "Fri, 22 Nov 2019 07:00:00 +0100"),
]

# utf8-bom.xml: EF BB BF, then UTF-8 text with a UTF-8 declaration.
FILES["utf8-bom.xml"] = codecs.BOM_UTF8 + rss(
    decl("utf-8"), "Stadtanzeiger", "https://stadtanzeiger.example/", "de", GERMAN).encode("utf-8")

# utf8-bom-declared-latin1.xml: EF BB BF + UTF-8 bytes, but the declaration
# says ISO-8859-1. The BOM wins (XML 1.0 appendix F, WHATWG).
FILES["utf8-bom-declared-latin1.xml"] = codecs.BOM_UTF8 + rss(
    decl("ISO-8859-1"), "Stadtanzeiger", "https://stadtanzeiger.example/", "de", GERMAN).encode("utf-8")

GREEK_AND_MORE = [
    ("Αθήνα: νέα γραμμή μετρό το 2020",
     "Η γραμμή θα συνδέει το κέντρο με το λιμάνι. Ελληνικά, русский, 日本語, emoji 🚇.",
     "Fri, 22 Nov 2019 10:00:00 +0200"),
    ("Naïve café owners’ “résumé” — a test of BMP and astral characters 𝄞",
     "Mixed scripts in one UTF-16 document.",
     "Fri, 22 Nov 2019 09:00:00 +0200"),
]

# utf16le-bom.xml: FF FE, then UTF-16LE; declaration says UTF-16.
FILES["utf16le-bom.xml"] = codecs.BOM_UTF16_LE + rss(
    decl("UTF-16"), "Polyglot Wire", "https://polyglotwire.example/", "el", GREEK_AND_MORE
).encode("utf-16-le")

# utf16be-bom.xml: FE FF, then UTF-16BE; declaration says UTF-16.
FILES["utf16be-bom.xml"] = codecs.BOM_UTF16_BE + rss(
    decl("UTF-16"), "Polyglot Wire", "https://polyglotwire.example/", "el", GREEK_AND_MORE
).encode("utf-16-be")

# utf16le-no-bom-declared.xml: no BOM; starts 3C 00 3F 00 78 00 6D 00
# ("<?xm" in UTF-16LE) and declares UTF-16LE.
FILES["utf16le-no-bom-declared.xml"] = rss(
    decl("UTF-16LE"), "Polyglot Wire", "https://polyglotwire.example/", "el", GREEK_AND_MORE
).encode("utf-16-le")

# --- single-byte encodings, declared correctly ------------------------------

# iso-8859-1.xml: Latin-1 bytes (é = E9, ü = FC, ß = DF, © = A9, ½ = BD).
# Note WHATWG reads the label iso-8859-1 as windows-1252; for A0-FF the two agree.
FILES["iso-8859-1.xml"] = rss(
    decl("ISO-8859-1"), "Le Petit Écho", "https://petitecho.example/", "fr", [
        ("Élections municipales : la liste « Ensemble » en tête",
         "Le maire sortant obtient 41½ % des voix au premier tour. © Le Petit Écho",
         "Fri, 22 Nov 2019 09:00:00 +0100"),
        ("Grüße aus München: Städtepartnerschaft feiert 25 Jahre",
         "Une délégation bavaroise est arrivée jeudi.",
         "Thu, 21 Nov 2019 18:00:00 +0100"),
    ]).encode("latin-1")

# iso-8859-2.xml: Latin-2 bytes for Polish and Czech (ł = B3, ś = B6, ż = BF, ř = F8, č = E8).
FILES["iso-8859-2.xml"] = rss(
    decl("ISO-8859-2"), "Gazeta Łódzka", "https://gazetalodzka.example/", "pl", [
        ("Łódź: nowy przystanek tramwajowy przy dworcu",
         "Przystanek będzie gotowy w grudniu. Żółte tramwaje wrócą na trasę.",
         "Fri, 22 Nov 2019 09:00:00 +0100"),
        ("Přeprava přes hranici: česká strana souhlasí",
         "Nová linka spojí Ostravu a Katowice. Cena jízdenky činí 40 Kč.",
         "Fri, 22 Nov 2019 08:00:00 +0100"),
    ]).encode("iso-8859-2")

# iso-8859-7.xml: Greek bytes (Α = C1, θ = E8, ή = DE ...).
FILES["iso-8859-7.xml"] = rss(
    decl("ISO-8859-7"), "Νέα της Πόλης", "https://neatispolis.example/", "el", [
        ("Κλειστό το λιμάνι λόγω θυελλωδών ανέμων",
         "Δεν εκτελούνται δρομολόγια προς τα νησιά μέχρι το απόγευμα.",
         "Fri, 22 Nov 2019 09:00:00 +0200"),
        ("Νέος δήμαρχος ορκίστηκε σήμερα",
         "Η τελετή έγινε στο δημαρχείο.",
         "Fri, 22 Nov 2019 08:00:00 +0200"),
    ]).encode("iso-8859-7")

# iso-8859-15.xml: Latin-9 bytes; the euro sign is A4 (in Latin-1 A4 is ¤),
# œ = BD, Œ = BC, Š = A6, ž = B8, Ÿ = BE.
FILES["iso-8859-15.xml"] = rss(
    decl("ISO-8859-15"), "L'Écho de l'Économie", "https://echoeconomie.example/", "fr", [
        ("Le prix du bœuf grimpe à 18 € le kilo",
         "Les éleveurs de l'Œuvre agricole dénoncent les marges. Š, ž et Ÿ pour compléter.",
         "Fri, 22 Nov 2019 09:00:00 +0100"),
    ]).encode("iso-8859-15")

RUSSIAN = [
    ("В Москве открылся новый парк",
     "Парк площадью 12 гектаров расположен на месте бывшей промзоны. «Мы ждали этого десять лет», — сказал житель района.",
     "Fri, 22 Nov 2019 11:00:00 +0300"),
    ("Ёлку на Красной площади установят 10 декабря",
     "Высота ели составит 20 метров.",
     "Fri, 22 Nov 2019 10:00:00 +0300"),
]

# windows-1251.xml: cp1251 bytes (В = C2, ё = B8, « = AB, — = 97).
FILES["windows-1251.xml"] = rss(
    decl("windows-1251"), "Городские новости", "https://gorodnews.example/", "ru", RUSSIAN
).encode("cp1251")

# windows-1252-smart-quotes-euro.xml: cp1252 bytes in 80-9F: € = 80, … = 85,
# ‘ ’ = 91 92, “ ” = 93 94, – = 96, — = 97, ™ = 99.
FILES["windows-1252-smart-quotes-euro.xml"] = rss(
    decl("windows-1252"), "The Morning Ledger", "https://morningledger.example/", "en", [
        ("“We’re not done yet,” says mayor – budget talks resume",
         "The city’s deficit is €4.2 million… and growing. Acme™ bid — rejected.",
         "Fri, 22 Nov 2019 09:00:00 +0000"),
        ("Don’t miss: ‘Lights on the Quay’ opens tonight",
         "Tickets cost €5; children go free.",
         "Fri, 22 Nov 2019 08:00:00 +0000"),
    ]).encode("cp1252")

# koi8-r.xml: KOI8-R bytes (В = F7, о = CF; ordering is "transliterated", not alphabetical).
FILES["koi8-r.xml"] = rss(
    decl("KOI8-R"), "Вести Севера", "https://vestisevera.example/", "ru", [
        ("В Архангельске выпал первый снег",
         "Синоптики обещают морозы до минус пятнадцати градусов.",
         "Fri, 22 Nov 2019 09:00:00 +0300"),
    ]).encode("koi8-r")

# --- declaration wrong or missing -------------------------------------------

# declared-utf8-bytes-windows1251.xml: declaration says utf-8 but the bytes are
# cp1251, so nearly every Cyrillic byte is an invalid UTF-8 sequence.
FILES["declared-utf8-bytes-windows1251.xml"] = rss(
    decl("utf-8"), "Городские новости", "https://gorodnews.example/", "ru", RUSSIAN
).encode("cp1251")

# declared-latin1-bytes-utf8.xml: declaration says ISO-8859-1 but the bytes are
# UTF-8; read as declared, "é" (C3 A9) becomes "Ã©" (mojibake).
FILES["declared-latin1-bytes-utf8.xml"] = rss(
    decl("ISO-8859-1"), "Le Petit Écho", "https://petitecho.example/", "fr", [
        ("Fête de la musique : programme dévoilé",
         "Quarante concerts gratuits, de l'opéra au rap. Entrée libre, café offert.",
         "Fri, 22 Nov 2019 09:00:00 +0100"),
    ]).encode("utf-8")

# declared-latin1-bytes-cp1252.xml: declared ISO-8859-1, with cp1252 curly
# quotes 93/94 and dash 96. Per WHATWG the label means windows-1252, so they
# must come out as “ ” – and not as C1 control characters.
FILES["declared-latin1-bytes-cp1252.xml"] = rss(
    decl("ISO-8859-1"), "The Morning Ledger", "https://morningledger.example/", "en", [
        ("Council says “no” to tower – for now",
         "The planning committee’s vote was 7–2.",
         "Fri, 22 Nov 2019 09:00:00 +0000"),
    ]).encode("cp1252")

# no-declaration-windows1251.xml: no XML declaration at all, cp1251 bytes, no
# HTTP charset: by the XML rules this is UTF-8 (and invalid); a salvaging
# reader may guess cp1251 from the byte statistics.
FILES["no-declaration-windows1251.xml"] = rss(
    "", "Городские новости", "https://gorodnews.example/", "ru", RUSSIAN
).encode("cp1251")

# declaration-without-encoding-windows1251.xml: <?xml version="1.0"?> (no
# encoding attribute), cp1251 bytes, no HTTP charset.
FILES["declaration-without-encoding-windows1251.xml"] = rss(
    '<?xml version="1.0"?>', "Городские новости", "https://gorodnews.example/", "ru", RUSSIAN
).encode("cp1251")

# --- HTTP header against the document ----------------------------------------

# http-charset-conflicts-declaration.xml: cp1251 bytes declared windows-1251,
# served as "text/xml; charset=ISO-8859-1" (a server default). The bytes agree
# with the declaration; feedwire's rule is that the document's own label wins.
FILES["http-charset-conflicts-declaration.xml"] = rss(
    decl("windows-1251"), "Городские новости", "https://gorodnews.example/", "ru", RUSSIAN
).encode("cp1251")
OPTIONS["http-charset-conflicts-declaration.xml"] = (
    "content-type: text/xml; charset=ISO-8859-1\n")

# http-charset-only.xml: KOI8-R bytes, no declaration; only the HTTP header
# names the charset.
FILES["http-charset-only.xml"] = rss(
    "", "Вести Севера", "https://vestisevera.example/", "ru", [
        ("Паром на Соловки сделает последний рейс в субботу",
         "Навигация закрывается из-за льда.",
         "Fri, 22 Nov 2019 09:00:00 +0300"),
    ]).encode("koi8-r")
OPTIONS["http-charset-only.xml"] = "content-type: application/rss+xml; charset=koi8-r\n"

# http-charset-vs-bom.xml: UTF-8 BOM and UTF-8 bytes, HTTP says windows-1251.
# The BOM wins over everything.
FILES["http-charset-vs-bom.xml"] = codecs.BOM_UTF8 + rss(
    decl("utf-8"), "Городские новости", "https://gorodnews.example/", "ru", RUSSIAN
).encode("utf-8")
OPTIONS["http-charset-vs-bom.xml"] = "content-type: text/xml; charset=windows-1251\n"

# --- Chinese, Japanese and Korean code pages ---------------------------------

# euc-kr.xml: Korean in EUC-KR with a UHC (windows-949) syllable, declared.
FILES["euc-kr.xml"] = rss(
    decl("euc-kr"), "서울 뉴스", "https://seoul-news.example/", "ko", [
        ("서울 지하철 2호선 운행 재개",
         "출근길 승객들은 30분 늦게 도착했다. 똠양꿍 식당은 문을 열었다.",
         "Fri, 22 Nov 2019 09:00:00 +0900"),
    ]).encode("cp949")

# shift-jis-http.xml: Japanese in Shift_JIS (with a windows-31j circled
# digit), no declaration; the HTTP charset names it.
FILES["shift-jis-http.xml"] = rss(
    "", "東京ニュース", "https://tokyo-news.example/", "ja", [
        ("東京で初雪、平年より早く",
         "気象庁によると①都心で初雪を観測した。",
         "Fri, 22 Nov 2019 08:00:00 +0900"),
    ]).encode("cp932")
OPTIONS["shift-jis-http.xml"] = "content-type: application/rss+xml; charset=Shift_JIS\n"

# gb2312.xml: simplified Chinese declared as gb2312 (read with GB18030's
# decoder, as browsers do).
FILES["gb2312.xml"] = rss(
    decl("gb2312"), "北京新闻", "https://beijing-news.example/", "zh-cn", [
        ("北京地铁新线路开通",
         "新线路全长二十公里，设十二座车站。",
         "Fri, 22 Nov 2019 10:00:00 +0800"),
    ]).encode("gb2312")

# --- damaged bytes -----------------------------------------------------------

# invalid-utf8-sequences.xml: a UTF-8 document with, in the first item's
# title and description: C3 28 (bad continuation), C0 AF (overlong "/"),
# a lone continuation byte 80, E2 82 (truncated euro sign), ED A0 80 (an
# encoded surrogate) and FF. The second item is clean.
_bad = rss(decl("utf-8"), "Broken Bytes Daily", "https://brokenbytes.example/", "en", [
    ("Caf@1 prices rise @2 again", "Coffee now costs @3 3.20 @4 in the @5 old town @6.",
     "Fri, 22 Nov 2019 09:00:00 +0000"),
    ("A clean headline: naïve café", "Nothing wrong with this one — really.",
     "Fri, 22 Nov 2019 08:00:00 +0000"),
]).encode("utf-8")
for marker, raw in ((b"@1", b"\xc3\x28"), (b"@2", b"\xc0\xaf"), (b"@3", b"\x80"),
                    (b"@4", b"\xe2\x82"), (b"@5", b"\xed\xa0\x80"), (b"@6", b"\xff")):
    _bad = _bad.replace(marker, raw)
FILES["invalid-utf8-sequences.xml"] = _bad

# control-characters.xml: raw C0 control bytes that XML 1.0 forbids, inside
# text: 01 in a title, 08 (backspace) and 1B (escape) in a description, 0B
# (vertical tab) and 0C (form feed) between words, and 7F (DEL, allowed but
# invisible). Tabs, CR and LF are legal and present too.
_ctl = rss(decl("utf-8"), "Teleprinter Feed", "https://teleprinter.example/", "en", [
    ("Markets@1 close higher", "Shares rose@2@2 in late trading@3[0m; oil fell.",
     "Fri, 22 Nov 2019 09:00:00 +0000"),
    ("Weather:@4rain@5then sun@6", "Tab\there, CR\r\nand LF.",
     "Fri, 22 Nov 2019 08:00:00 +0000"),
]).encode("utf-8")
for marker, raw in ((b"@1", b"\x01"), (b"@2", b"\x08"), (b"@3", b"\x1b"),
                    (b"@4", b"\x0b"), (b"@5", b"\x0c"), (b"@6", b"\x7f")):
    _ctl = _ctl.replace(marker, raw)
FILES["control-characters.xml"] = _ctl

# control-character-references.xml: the same idea written as character
# references (&#1; &#x1B; &#xFFFE;), which XML 1.0 also forbids.
FILES["control-character-references.xml"] = rss(
    decl("utf-8"), "Teleprinter Feed", "https://teleprinter.example/", "en", [
        ("Bell&#7; rings for the closing auction", "Escape &#x1B;[1mbold&#x1B;[0m and a noncharacter &#xFFFE; here.",
         "Fri, 22 Nov 2019 09:00:00 +0000"),
    ]).encode("utf-8")

# jsonfeed-utf8-bom.json: a JSON Feed that starts with EF BB BF (JSON forbids
# a BOM; many servers add one).
FILES["jsonfeed-utf8-bom.json"] = codecs.BOM_UTF8 + """{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Kiosk Zürich",
  "home_page_url": "https://kiosk-zuerich.example/",
  "items": [
    {
      "id": "kz-1",
      "url": "https://kiosk-zuerich.example/1",
      "title": "Föhnsturm über dem Zürichsee",
      "content_text": "Böen bis 110 km/h; Schiffe bleiben im Hafen.",
      "date_published": "2019-11-22T09:00:00+01:00"
    }
  ]
}
""".encode("utf-8")

# jsonfeed-utf16le-bom.json: the same JSON Feed as UTF-16LE with FF FE.
FILES["jsonfeed-utf16le-bom.json"] = codecs.BOM_UTF16_LE + """{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Kiosk Zürich",
  "home_page_url": "https://kiosk-zuerich.example/",
  "items": [
    {
      "id": "kz-2",
      "url": "https://kiosk-zuerich.example/2",
      "title": "Grüezi: Tram 11 fährt wieder",
      "content_text": "Die Bauarbeiten sind abgeschlossen.",
      "date_published": "2019-11-22T08:00:00+01:00"
    }
  ]
}
""".encode("utf-16-le")


if __name__ == "__main__":
    for name, data in sorted(FILES.items()):
        (HERE / name).write_bytes(data)
        print(f"wrote {name} ({len(data)} bytes)")
    for name, text in sorted(OPTIONS.items()):
        sidecar = HERE / (name.rsplit(".", 1)[0] + ".options")
        sidecar.write_text(text, encoding="utf-8")
        print(f"wrote {sidecar.name}")
