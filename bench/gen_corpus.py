#!/usr/bin/python3
"""Writes the parser benchmark corpus: many generated news feeds, RSS 2.0
and Atom 1.0 mixed, deterministic for a given seed.

    bench/gen_corpus.py OUT_DIR [--mb 24] [--big-mb 10] [--seed 20261127]

OUT_DIR/feeds/*.xml holds the corpus (at least --mb megabytes), and
OUT_DIR/big/big.xml one RSS feed of about --big-mb megabytes for the
memory figure. The texts are built sentence by sentence from word lists,
so no two paragraphs are alike (the parser's repeated-lead rule and its
shingles see varied text, as in real feeds). About a fifth of the files
are Russian, encoded in windows-1251 or KOI8-R and naming it in the XML
declaration; the rest are UTF-8 (mostly English, some Russian).

Each feed has a profile: headlines with a short description, a summary
with a picture, or full text in content:encoded (RSS) or content (Atom).
The HTML carries what real feeds carry and what the sanitizer must remove:
links with tracking parameters and event handlers, images with inline
styles, entities, scripts, iframes, share bars and credit lines; items
carry Media RSS elements, Dublin Core, categories.
"""

import argparse
import datetime
import os
import random
import sys

# ---------------------------------------------------------------- English

EN_SUBJECTS = [
    "The government", "The central bank", "The prime minister", "The finance ministry",
    "Opposition lawmakers", "The European Commission", "Union leaders", "The health ministry",
    "Police", "Investigators", "The company", "Shareholders", "The regulator", "Local officials",
    "Emergency services", "The defence ministry", "Negotiators", "The court", "Prosecutors",
    "The mayor", "Farmers", "Airline executives", "Energy traders", "Analysts", "Economists",
    "The foreign minister", "Protesters", "Residents", "The election commission", "Doctors",
    "Teachers' unions", "The board", "Rescue teams", "The coalition", "Senators", "The governor",
    "The national weather service", "Researchers", "The football association", "Tech firms",
    "Shipping companies", "Port authorities", "The interior ministry", "Diplomats",
]
EN_VERBS = [
    "announced", "rejected", "approved", "postponed", "criticised", "welcomed", "proposed",
    "signed", "questioned", "suspended", "extended", "confirmed", "denied", "unveiled",
    "blocked", "backed", "outlined", "revised", "defended", "warned against", "called for",
    "agreed on", "voted down", "launched", "scrapped", "delayed", "investigated", "reviewed",
]
EN_OBJECTS = [
    "a new budget plan", "the tax reform", "an emergency package", "the trade agreement",
    "a ceasefire proposal", "the merger", "interest rate cuts", "the pension overhaul",
    "a ban on exports", "new safety rules", "the infrastructure bill", "a recovery fund",
    "the wage deal", "fuel subsidies", "the climate targets", "a vaccination campaign",
    "the bond sale", "new sanctions", "the housing programme", "a rescue plan for the airline",
    "the election timetable", "a probe into the accident", "the data protection law",
    "plans for a new airport", "the grain corridor", "a cap on energy prices",
    "the school reform", "an inquiry into spending", "a long-term gas contract",
]
EN_TAILS = [
    "after weeks of talks", "despite strong opposition", "on Tuesday", "late on Friday",
    "in a surprise move", "amid rising prices", "following the storm", "ahead of the summit",
    "for the second time this year", "citing security concerns", "under pressure from markets",
    "after a heated debate", "as inflation slowed", "before the holiday season",
    "in a statement posted online", "at a news conference", "during an overnight session",
    "in response to the floods", "as talks resumed", "with immediate effect",
]
EN_ATTRIB = [
    "officials said", "a spokesman said", "according to a statement", "sources told reporters",
    "the ministry said in a statement", "two people familiar with the matter said",
    "local media reported", "the agency reported", "data showed", "a senior official said",
]
EN_QUOTES = [
    "We will not accept any deal that hurts workers", "This is a step in the right direction",
    "The numbers speak for themselves", "We need more time to study the proposal",
    "Nobody expected the decline to be this sharp", "Our priority is the safety of passengers",
    "The talks were constructive but difficult", "It is too early to draw conclusions",
    "We are ready to compromise on the timetable", "Prices will keep rising through winter",
]
EN_NAMES = [
    "Anna Keller", "James O'Neill", "Maria Gonzalez", "Li Wei", "Sophie Martin", "David Cohen",
    "Olga Petrova", "Ahmed Hassan", "Yuki Tanaka", "Peter Novak", "Emma Johansson",
    "Carlos Silva", "Fatima Rahman", "Thomas Weber", "Grace Mensah", "Ivan Horvat",
]
EN_PLACES = [
    ("LONDON", "Britain"), ("PARIS", "France"), ("BERLIN", "Germany"), ("TOKYO", "Japan"),
    ("WASHINGTON", "United States"), ("BRUSSELS", "Belgium"), ("NEW DELHI", "India"),
    ("NAIROBI", "Kenya"), ("SAO PAULO", "Brazil"), ("SYDNEY", "Australia"),
    ("ISTANBUL", "Turkey"), ("SEOUL", "South Korea"), ("MEXICO CITY", "Mexico"),
    ("CAIRO", "Egypt"), ("WARSAW", "Poland"), ("TORONTO", "Canada"),
]
EN_AGENCIES = ["Reuters", "AP", "AFP", "Bloomberg", "dpa", "Xinhua", "Kyodo"]
EN_SECTIONS = ["World", "Business", "Politics", "Technology", "Sport", "Health", "Science",
               "Markets", "Environment", "Europe", "Asia", "Culture", "Economy"]
EN_FURNITURE = [
    "Follow us on Twitter for the latest updates.",
    "Sign up for our daily newsletter.",
    "Read more: full coverage of the crisis",
    "Reporting by {name}; Editing by {name2}",
    "(This story has been corrected to fix the spelling of a name in paragraph 3.)",
]
EN_CAPTIONS = [
    "Delegates arrive for the meeting", "A view of the city centre", "Workers at the plant",
    "Protesters gather outside parliament", "The minister speaks to reporters",
    "Rescue workers search the site", "Traders on the floor of the exchange",
]

# ---------------------------------------------------------------- Russian

RU_SUBJECTS = [
    "Правительство", "Центральный банк", "Министр финансов", "Госдума", "Мэрия Москвы",
    "Минздрав", "Прокуратура", "Следственный комитет", "Совет Федерации", "Компания",
    "Акционеры", "Губернатор области", "Депутаты", "Эксперты", "Аналитики", "Спасатели",
    "Министерство обороны", "Росстат", "Минэкономразвития", "Жители района", "Профсоюзы",
    "Суд", "Полиция", "Ученые", "Представители отрасли", "Совет директоров", "Энергетики",
]
RU_VERBS = [
    "объявил", "одобрил", "отклонил", "перенес", "раскритиковал", "поддержал", "предложил",
    "подписал", "приостановил", "продлил", "подтвердил", "опроверг", "представил",
    "заблокировал", "пересмотрел", "утвердил", "обсудил", "запустил", "отменил",
]
RU_OBJECTS = [
    "новый бюджет", "налоговую реформу", "пакет антикризисных мер", "торговое соглашение",
    "проект закона о связи", "слияние компаний", "снижение ключевой ставки",
    "пенсионную реформу", "запрет на экспорт зерна", "новые правила безопасности",
    "программу строительства дорог", "фонд восстановления", "соглашение о зарплатах",
    "субсидии на топливо", "климатические цели", "кампанию вакцинации", "размещение облигаций",
    "жилищную программу", "план спасения авиакомпании", "график выборов",
    "проверку после аварии", "закон о защите данных", "контракт на поставку газа",
]
RU_TAILS = [
    "после нескольких недель переговоров", "несмотря на возражения", "во вторник",
    "поздно вечером в пятницу", "на фоне роста цен", "после сильного шторма",
    "накануне саммита", "второй раз за год", "по соображениям безопасности",
    "после бурного обсуждения", "на пресс-конференции", "в ходе ночного заседания",
    "в связи с паводком", "с немедленным вступлением в силу", "по итогам совещания",
]
RU_ATTRIB = [
    "сообщили в ведомстве", "заявил представитель пресс-службы", "говорится в сообщении",
    "рассказал источник", "передает корреспондент", "следует из опубликованных данных",
    "сообщили местные СМИ", "отметили в правительстве",
]
RU_QUOTES = [
    "Мы не примем решения, которое ударит по людям", "Это шаг в правильном направлении",
    "Цифры говорят сами за себя", "Нам нужно больше времени, чтобы изучить предложение",
    "Переговоры были непростыми, но конструктивными", "Делать выводы пока рано",
    "Цены будут расти до конца зимы", "Безопасность пассажиров остается главным приоритетом",
]
RU_NAMES = [
    "Анна Смирнова", "Иван Петров", "Ольга Кузнецова", "Дмитрий Соколов", "Елена Попова",
    "Сергей Волков", "Мария Лебедева", "Алексей Новиков", "Наталья Морозова", "Павел Козлов",
]
RU_PLACES = [
    ("МОСКВА", "Россия"), ("САНКТ-ПЕТЕРБУРГ", "Россия"), ("КАЗАНЬ", "Россия"),
    ("НОВОСИБИРСК", "Россия"), ("ЕКАТЕРИНБУРГ", "Россия"), ("ВЛАДИВОСТОК", "Россия"),
    ("МИНСК", "Белоруссия"), ("АСТАНА", "Казахстан"), ("ЕРЕВАН", "Армения"),
]
RU_AGENCIES = ["ТАСС", "РИА Новости", "Интерфакс"]
RU_SECTIONS = ["Политика", "Экономика", "Общество", "Происшествия", "Спорт", "Наука",
               "Культура", "В мире", "Регионы", "Технологии"]
RU_FURNITURE = [
    "Подписывайтесь на наш канал в Telegram.",
    "Читайте также: главные новости дня",
    "Фото: пресс-служба",
]
RU_CAPTIONS = ["Участники заседания", "Вид на центр города", "Рабочие на заводе",
               "Спасатели на месте происшествия", "Министр отвечает на вопросы журналистов"]
RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря"]
SLUGS = ["world", "business", "politics", "economy", "society", "sport", "science", "culture",
         "regions", "incidents", "tech", "markets"]
EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(s):
    return esc(s).replace('"', "&quot;")


class Lang:
    def __init__(self, ru):
        self.ru = ru
        if ru:
            self.subjects, self.verbs, self.objects = RU_SUBJECTS, RU_VERBS, RU_OBJECTS
            self.tails, self.attrib, self.quotes = RU_TAILS, RU_ATTRIB, RU_QUOTES
            self.names, self.places, self.agencies = RU_NAMES, RU_PLACES, RU_AGENCIES
            self.sections, self.furniture, self.captions = RU_SECTIONS, RU_FURNITURE, RU_CAPTIONS
            self.code = "ru"
        else:
            self.subjects, self.verbs, self.objects = EN_SUBJECTS, EN_VERBS, EN_OBJECTS
            self.tails, self.attrib, self.quotes = EN_TAILS, EN_ATTRIB, EN_QUOTES
            self.names, self.places, self.agencies = EN_NAMES, EN_PLACES, EN_AGENCIES
            self.sections, self.furniture, self.captions = EN_SECTIONS, EN_FURNITURE, EN_CAPTIONS
            self.code = "en"


class Gen:
    def __init__(self, rng):
        self.r = rng

    def sentence(self, L):
        r = self.r
        kind = r.random()
        if kind < 0.55:
            s = f"{r.choice(L.subjects)} {r.choice(L.verbs)} {r.choice(L.objects)} {r.choice(L.tails)}"
            if r.random() < 0.5:
                s += f", {r.choice(L.attrib)}"
            return s + "."
        if kind < 0.75:
            n = r.randint(2, 95)
            if L.ru:
                return (f"По данным ведомства, показатель {r.choice(['вырос', 'снизился', 'упал'])} "
                        f"на {n},{r.randint(0, 9)}% {r.choice(L.tails)}.")
            return (f"The figure {r.choice(['rose', 'fell', 'edged up', 'dropped'])} by {n}.{r.randint(0, 9)}% "
                    f"{r.choice(L.tails)}, {r.choice(L.attrib)}.")
        if kind < 0.9:
            q = r.choice(L.quotes)
            who = r.choice(L.names)
            if L.ru:
                return f"\"{q}\", - сказал {who}."
            return f"\"{q},\" {who} said."
        s1 = f"{r.choice(L.subjects)} {r.choice(L.verbs)} {r.choice(L.objects)}"
        s2 = f"{r.choice(L.subjects).lower()} {r.choice(L.verbs)} {r.choice(L.objects)}"
        return f"{s1}, {'а' if L.ru else 'while'} {s2} {r.choice(L.tails)}."

    def paragraph(self, L, lo=2, hi=5):
        return " ".join(self.sentence(L) for _ in range(self.r.randint(lo, hi)))

    def headline(self, L):
        r = self.r
        h = f"{r.choice(L.subjects)} {r.choice(L.verbs)} {r.choice(L.objects)}"
        if r.random() < 0.3:
            h += f" {r.choice(L.tails)}"
        if not L.ru and r.random() < 0.1:
            h += " & markets react"
        return h

    def dateline(self, L, when):
        r = self.r
        place, _country = r.choice(L.places)
        agency = r.choice(L.agencies)
        if L.ru:
            return f"{place}, {when.day} {RU_MONTHS[when.month - 1]}. /{agency}/. "
        if r.random() < 0.5:
            return f"{place}, {EN_MONTHS[when.month - 1]} {when.day} ({agency}) - "
        return f"{place} ({agency}) &mdash; "

    def inline_html(self, text, site, L):
        """Wraps a few words of plain text in inline markup and links."""
        r = self.r
        words = esc(text).split(" ")
        if len(words) > 6 and r.random() < 0.6:
            i = r.randint(0, len(words) - 4)
            tag = r.choice(["b", "strong", "em", "i", "span style=\"color:#c00;font-weight:bold\""])
            close = tag.split(" ")[0]
            words[i] = f"<{tag}>{words[i]}"
            words[i + 2] = f"{words[i + 2]}</{close}>"
        if len(words) > 8 and r.random() < 0.5:
            i = r.randint(0, len(words) - 3)
            path = f"/{r.choice(['news', 'world', 'story', 'markets'])}/{r.randint(10000, 999999)}"
            extra = r.choice(["", " target=\"_blank\"", " onclick=\"track(this)\"",
                              " rel=\"nofollow\" style=\"text-decoration:none\""])
            href = path if r.random() < 0.5 else f"https://{site}{path}?utm_source=rss&amp;utm_medium=feed"
            words[i] = f"<a href=\"{href}\"{extra}>{words[i]}"
            words[i + 1] = f"{words[i + 1]}</a>"
        return " ".join(words)

    def body_html(self, L, site, when, n_paragraphs, dateline=True):
        r = self.r
        parts = []
        for p in range(n_paragraphs):
            text = self.paragraph(L)
            lead = self.dateline(L, when) if (p == 0 and dateline) else ""
            parts.append(f"<p>{lead}{self.inline_html(text, site, L)}</p>")
            x = r.random()
            if x < 0.08:
                n = r.randint(1000, 99999)
                parts.append(
                    f"<figure><img src=\"https://img.{site}/{when.year}/{n}.jpg\" "
                    f"alt=\"{attr(r.choice(L.captions))}\" width=\"{r.choice([640, 800, 1024])}\" "
                    f"style=\"max-width:100%;height:auto\" onerror=\"this.remove()\">"
                    f"<figcaption>{esc(r.choice(L.captions))} &copy; {esc(r.choice(L.agencies))}"
                    f"</figcaption></figure>")
            elif x < 0.12:
                parts.append("<script type=\"text/javascript\">window.adSlots = window.adSlots || [];"
                             f" adSlots.push({{id: 'ad-{r.randint(1, 999)}', size: [300, 250]}});</script>")
            elif x < 0.15:
                parts.append(f"<blockquote>&laquo;{esc(r.choice(L.quotes))}&raquo;</blockquote>")
            elif x < 0.18:
                items = "".join(f"<li>{esc(self.sentence(L))}</li>" for _ in range(r.randint(2, 4)))
                parts.append(f"<ul>{items}</ul>")
            elif x < 0.20:
                parts.append(f"<iframe src=\"https://www.youtube.com/embed/{r.randint(10**9, 10**10)}\" "
                             "width=\"560\" height=\"315\" frameborder=\"0\" allowfullscreen></iframe>")
            elif x < 0.22:
                parts.append("<div class=\"share\" style=\"display:flex\"><a href=\"https://twitter.com/"
                             "intent/tweet\">Tweet</a>&nbsp;|&nbsp;<a href=\"https://facebook.com/sharer\">"
                             "Share</a></div>")
        if r.random() < 0.3:
            f = r.choice(L.furniture).format(name=r.choice(L.names), name2=r.choice(L.names))
            parts.append(f"<p><em>{esc(f)}</em></p>")
        if r.random() < 0.2:
            parts.append(f"<p style=\"font-size:small\">&copy; {when.year} {esc(r.choice(L.agencies))}. "
                         "All rights reserved.</p>")
        return "\n".join(parts)

    def media(self, L, site, when):
        r = self.r
        n = r.randint(1000, 999999)
        w, h = r.choice([(1200, 800), (1024, 683), (800, 450), (640, 360)])
        out = (f"<media:content url=\"https://img.{site}/{when.year}/{when.month:02d}/{n}.jpg\" "
               f"medium=\"image\" type=\"image/jpeg\" width=\"{w}\" height=\"{h}\">"
               f"<media:title>{esc(r.choice(L.captions))}</media:title>")
        if r.random() < 0.5:
            out += f"<media:description>{esc(self.sentence(L))}</media:description>"
        out += f"<media:credit role=\"photographer\">{esc(r.choice(L.names))}/{esc(r.choice(L.agencies))}</media:credit>"
        out += "</media:content>"
        if r.random() < 0.6:
            out += (f"<media:thumbnail url=\"https://img.{site}/{when.year}/{when.month:02d}/{n}_thumb.jpg\" "
                    "width=\"150\" height=\"100\"/>")
        return out


def rfc822(t, rng):
    off = rng.choice([0, 3, -5, 1, 9])
    lt = t + datetime.timedelta(hours=off)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    zone = "GMT" if off == 0 and rng.random() < 0.5 else f"{'+' if off >= 0 else '-'}{abs(off):02d}00"
    return (f"{days[lt.weekday()]}, {lt.day:02d} {EN_MONTHS[lt.month - 1]} {lt.year} "
            f"{lt.hour:02d}:{lt.minute:02d}:{lt.second:02d} {zone}")


def rfc3339(t, rng):
    off = rng.choice([0, 3, -5, 1])
    lt = t + datetime.timedelta(hours=off)
    zone = "Z" if off == 0 else f"{'+' if off >= 0 else '-'}{abs(off):02d}:00"
    return lt.strftime("%Y-%m-%dT%H:%M:%S") + zone


NS_RSS = ('xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:media="http://search.yahoo.com/mrss/" '
          'xmlns:atom="http://www.w3.org/2005/Atom"')


def make_rss(g, L, site, n_items, profile, encoding, start):
    r = g.r
    out = [f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0" {NS_RSS}>\n<channel>\n'
           f"<title>{esc(r.choice(L.sections))} - {site}</title>\n<link>https://{site}/</link>\n"
           f"<description>{esc(g.sentence(L))}</description>\n<language>{L.code}</language>\n"
           f'<atom:link href="https://{site}/rss.xml" rel="self" type="application/rss+xml"/>\n'
           f"<lastBuildDate>{rfc822(start, r)}</lastBuildDate>\n<ttl>{r.choice([5, 10, 15, 30])}</ttl>\n"]
    t = start
    for i in range(n_items):
        t -= datetime.timedelta(minutes=r.randint(1, 90), seconds=r.randint(0, 59))
        sec = r.choice(SLUGS)
        slug = f"{sec}/{t.year}/{t.month:02d}/{t.day:02d}/{r.randint(100000, 9999999)}"
        link = f"https://{site}/{slug}"
        if r.random() < 0.3:
            link += "?utm_source=rss&amp;utm_medium=feed&amp;utm_campaign=main"
        it = [f"<item>\n<title>{esc(g.headline(L))}</title>\n<link>{link}</link>\n"]
        it.append(f'<guid isPermaLink="{"true" if r.random() < 0.5 else "false"}">'
                  f"{'https://' + site + '/' + slug if r.random() < 0.5 else site + '-' + str(r.randint(10**6, 10**9))}"
                  "</guid>\n")
        it.append(f"<pubDate>{rfc822(t, r)}</pubDate>\n")
        if r.random() < 0.7:
            it.append(f"<dc:creator>{esc(r.choice(L.names))}</dc:creator>\n")
        for _ in range(r.randint(0, 3)):
            dom = f' domain="https://{site}/tags"' if r.random() < 0.3 else ""
            it.append(f"<category{dom}>{esc(r.choice(L.sections))}</category>\n")
        if r.random() < 0.2:
            it.append(f"<dc:subject>{esc(r.choice(L.sections))}</dc:subject>\n")
        if r.random() < 0.1:
            it.append(f"<dc:rights>&#169; {t.year} {esc(r.choice(L.agencies))}</dc:rights>\n")
        if profile == "brief":
            it.append(f"<description>{esc(g.paragraph(L, 1, 2))}</description>\n")
        elif profile == "summary":
            html = g.body_html(L, site, t, r.randint(1, 2))
            if r.random() < 0.5:
                it.append(f"<description><![CDATA[{html}]]></description>\n")
            else:
                it.append(f"<description>{esc(html)}</description>\n")
        else:
            it.append(f"<description><![CDATA[<p>{g.inline_html(g.paragraph(L, 1, 2), site, L)}</p>]]></description>\n")
            it.append(f"<content:encoded><![CDATA[{g.body_html(L, site, t, r.randint(3, 14))}]]></content:encoded>\n")
        if profile != "brief" or r.random() < 0.3:
            it.append(g.media(L, site, t) + "\n")
        if r.random() < 0.1:
            it.append(f'<enclosure url="https://media.{site}/audio/{r.randint(1, 99999)}.mp3" '
                      f'length="{r.randint(10**5, 10**8)}" type="audio/mpeg"/>\n')
        it.append("</item>\n")
        out.append("".join(it))
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def make_atom(g, L, site, n_items, profile, encoding, start):
    r = g.r
    out = [f'<?xml version="1.0" encoding="{encoding}"?>\n'
           f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" '
           f'xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="{L.code}">\n'
           f"<title>{esc(r.choice(L.sections))} | {site}</title>\n"
           f"<subtitle>{esc(g.sentence(L))}</subtitle>\n"
           f'<link rel="alternate" type="text/html" href="https://{site}/"/>\n'
           f'<link rel="self" href="https://{site}/atom.xml"/>\n'
           f"<id>tag:{site},2026:feed</id>\n<updated>{rfc3339(start, r)}</updated>\n"
           f"<generator>{r.choice(['WordPress', 'Hugo', 'Ghost', 'Blogger'])}</generator>\n"]
    t = start
    for i in range(n_items):
        t -= datetime.timedelta(minutes=r.randint(1, 90), seconds=r.randint(0, 59))
        slug = f"{t.year}/{t.month:02d}/{r.randint(100000, 9999999)}-{r.choice(['story', 'news', 'a'])}"
        it = [f"<entry>\n<id>tag:{site},{t.year}:{r.randint(10**6, 10**9)}</id>\n"]
        title = g.headline(L)
        if r.random() < 0.3:
            it.append(f'<title type="html">{esc("<b>" + esc(title) + "</b>")}</title>\n')
        else:
            it.append(f"<title>{esc(title)}</title>\n")
        it.append(f'<link rel="alternate" type="text/html" href="https://{site}/{slug}"/>\n')
        it.append(f"<published>{rfc3339(t, r)}</published>\n")
        it.append(f"<updated>{rfc3339(t + datetime.timedelta(minutes=r.randint(0, 30)), r)}</updated>\n")
        for _ in range(r.randint(1, 2)):
            it.append(f"<author><name>{esc(r.choice(L.names))}</name></author>\n")
        for _ in range(r.randint(0, 3)):
            it.append(f'<category term="{attr(r.choice(L.sections))}"/>\n')
        if profile == "brief":
            it.append(f"<summary>{esc(g.paragraph(L, 1, 2))}</summary>\n")
        elif profile == "summary":
            it.append(f'<summary type="html">{esc(g.body_html(L, site, t, r.randint(1, 2)))}</summary>\n')
        else:
            it.append(f'<summary type="html">{esc("<p>" + esc(g.paragraph(L, 1, 2)) + "</p>")}</summary>\n')
            body = g.body_html(L, site, t, r.randint(3, 14))
            if r.random() < 0.75:
                it.append(f'<content type="html">{esc(body)}</content>\n')
            else:
                it.append(f'<content type="html"><![CDATA[{body}]]></content>\n')
        if profile != "brief" or r.random() < 0.3:
            it.append(g.media(L, site, t) + "\n")
        if r.random() < 0.1:
            it.append(f"<dc:rights>&#169; {t.year} {esc(r.choice(L.agencies))}</dc:rights>\n")
        it.append("</entry>\n")
        out.append("".join(it))
    out.append("</feed>\n")
    return "".join(out)


SITES_EN = ["dailyherald.example.com", "wire.example.net", "news.example.org", "times.example.co.uk",
            "business.example.com", "tech.example.io", "post.example.com", "gazette.example.ca"]
SITES_RU = ["novosti.example.ru", "vesti.example.ru", "gazeta.example.su", "lenta.example.ru"]


def write_feed(path, text, encoding):
    data = text.encode(encoding, "xmlcharrefreplace")
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=24.0, help="corpus size (default 24 MB)")
    ap.add_argument("--big-mb", type=float, default=10.0, help="size of big/big.xml (0: none)")
    ap.add_argument("--seed", type=int, default=20261127)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    g = Gen(rng)
    feeds_dir = os.path.join(args.out, "feeds")
    os.makedirs(feeds_dir, exist_ok=True)
    for name in os.listdir(feeds_dir):
        os.remove(os.path.join(feeds_dir, name))
    start = datetime.datetime(2026, 11, 27, 9, 0, 0)
    target = int(args.mb * 1_000_000)
    total = 0
    n = 0
    counts = {}
    while total < target:
        x = rng.random()
        if x < 0.18:
            encoding = "windows-1251" if rng.random() < 0.6 else "KOI8-R"
            L = Lang(True)
        elif x < 0.28:
            encoding, L = "UTF-8", Lang(True)
        else:
            encoding, L = "UTF-8", Lang(False)
        site = rng.choice(SITES_RU if L.ru else SITES_EN)
        fmt = "rss" if rng.random() < 0.6 else "atom"
        profile = rng.choices(["brief", "summary", "full"], weights=[2, 3, 5])[0]
        n_items = rng.randint(10, 200)
        maker = make_rss if fmt == "rss" else make_atom
        text = maker(g, L, site, n_items, profile, encoding, start)
        name = f"{n:04d}-{fmt}-{profile}-{L.code}-{encoding.lower()}.xml"
        total += write_feed(os.path.join(feeds_dir, name), text, encoding)
        key = (fmt, encoding)
        counts[key] = counts.get(key, 0) + 1
        n += 1
    print(f"{feeds_dir}: {n} files, {total} bytes", file=sys.stderr)
    for (fmt, enc), c in sorted(counts.items()):
        print(f"  {fmt:5} {enc:13} {c}", file=sys.stderr)

    if args.big_mb > 0:
        big_dir = os.path.join(args.out, "big")
        os.makedirs(big_dir, exist_ok=True)
        big_target = int(args.big_mb * 1_000_000)
        # Full-text RSS; items are added until the size is reached.
        L = Lang(False)
        text = make_rss(g, L, "wire.example.com", 2000, "full", "UTF-8", start)
        # Scale the item count to the target from the first draft's size.
        n_items = max(10, int(2000 * big_target / len(text.encode())))
        text = make_rss(g, L, "wire.example.com", n_items, "full", "UTF-8", start)
        size = write_feed(os.path.join(big_dir, "big.xml"), text, "UTF-8")
        print(f"{big_dir}/big.xml: {n_items} items, {size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
