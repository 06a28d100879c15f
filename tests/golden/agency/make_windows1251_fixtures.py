#!/usr/bin/env python3
"""Writes the agency fixtures whose bytes are windows-1251, as tass.ru and
interfax.ru served them for years. The text lives here as Python strings;
each file is the string encoded with cp1251, so the XML declaration and the
bytes agree. Run from anywhere; files land beside this script.

    tass-ru-windows1251.xml               cp1251 bytes, declared windows-1251
    tass-ru-windows1251-guillemets-nbsp.xml  cp1251 « » — and a raw 0xA0 no-break space
    interfax-ru-windows1251.xml           cp1251 bytes, Interfax dateline, HTTP header agrees
"""
import pathlib

HERE = pathlib.Path(__file__).resolve().parent

TASS_RU = """<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0">
  <channel>
    <title>ТАСС</title>
    <link>https://tass.ru</link>
    <description>Информационное агентство России ТАСС</description>
    <language>ru</language>
    <item>
      <title>Министры иностранных дел стран G20 начали встречу в Нагое</title>
      <link>https://tass.ru/mezhdunarodnaya-panorama/7178020</link>
      <guid>https://tass.ru/mezhdunarodnaya-panorama/7178020</guid>
      <pubDate>Fri, 22 Nov 2019 12:10:00 +0300</pubDate>
      <description>НАГОЯ /Япония/, 22 ноября. /ТАСС/. Двухдневная встреча министров иностранных дел стран "Группы двадцати" открылась в пятницу в японском городе Нагоя, передает корреспондент ТАСС.</description>
      <category>Международная панорама</category>
    </item>
    <item>
      <title>Собянин сообщил об открытии трех станций БКЛ до конца года</title>
      <link>https://tass.ru/moskva/7178031</link>
      <guid>https://tass.ru/moskva/7178031</guid>
      <pubDate>Fri, 22 Nov 2019 13:25:00 +0300</pubDate>
      <description>МОСКВА, 22 ноября. /ТАСС/. Три станции Большой кольцевой линии метро откроются для пассажиров до Нового года, сообщил мэр Москвы.</description>
      <category>Москва</category>
    </item>
    <item>
      <title>В Мурманске продлили навигацию по Севморпути</title>
      <link>https://tass.ru/ekonomika/7177990</link>
      <guid>https://tass.ru/ekonomika/7177990</guid>
      <pubDate>Fri, 22 Nov 2019 11:35:00 +0300</pubDate>
      <description>МУРМАНСК, 22 ноября. /ТАСС/. Навигация на восточном участке Северного морского пути продлится на две недели дольше обычного, сообщили в администрации трассы.</description>
      <enclosure url="https://cdn-media.tass.example/width/1020_b9261fa1/tass/m1/uploads/i/20191122/7177990.jpg" type="image/jpeg" length="120400"/>
      <category>Экономика и бизнес</category>
    </item>
  </channel>
</rss>
"""

# « » — and U+00A0 all exist in windows-1251 (0xAB 0xBB 0x97 0xA0); the
# description also carries &nbsp; escaped as text, as the site's CMS did.
TASS_RU_QUOTES = """<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0">
  <channel>
    <title>ТАСС</title>
    <link>https://tass.ru</link>
    <description>Информационное агентство России ТАСС</description>
    <language>ru</language>
    <item>
      <title>«Зенит» обыграл ЦСКА в матче РПЛ — 2:1</title>
      <link>https://tass.ru/sport/7178102</link>
      <guid>https://tass.ru/sport/7178102</guid>
      <pubDate>Fri, 22 Nov 2019 21:55:00 +0300</pubDate>
      <description>САНКТ-ПЕТЕРБУРГ, 22 ноября. /ТАСС/. Петербургский «Зенит» на\u00a0своем поле обыграл московский ЦСКА в\u00a0матче 16-го тура Российской премьер-лиги — 2:1.</description>
    </item>
    <item>
      <title>В Эрмитаже продлят часы работы</title>
      <link>https://tass.ru/kultura/7178110</link>
      <guid>https://tass.ru/kultura/7178110</guid>
      <pubDate>Fri, 22 Nov 2019 22:10:00 +0300</pubDate>
      <description>&lt;p&gt;САНКТ-ПЕТЕРБУРГ, 22&amp;nbsp;ноября. /ТАСС/. Государственный Эрмитаж с декабря будет работать по средам и пятницам до 21:00, сообщили в пресс-службе музея.&lt;/p&gt;&lt;p&gt;Фото: Петр Ковалев/ТАСС&lt;/p&gt;</description>
    </item>
  </channel>
</rss>
"""

INTERFAX_RU = """<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0">
  <channel>
    <title>Интерфакс</title>
    <link>https://www.interfax.ru/</link>
    <description>Новости Интерфакс</description>
    <language>ru</language>
    <item>
      <title>ЦБ сохранил прогноз по инфляции на конец года</title>
      <link>https://www.interfax.ru/business/685501</link>
      <guid>https://www.interfax.ru/business/685501</guid>
      <pubDate>Fri, 22 Nov 2019 11:12:00 +0300</pubDate>
      <description>МОСКВА. 22 ноября. ИНТЕРФАКС - Банк России сохранил прогноз годовой инфляции на конец 2019 года в диапазоне 3,2-3,7%, говорится в материалах регулятора.</description>
      <category>Экономика</category>
    </item>
    <item>
      <title>В Новосибирске задержали рейс из-за снегопада</title>
      <link>https://www.interfax.ru/russia/685510</link>
      <guid>https://www.interfax.ru/russia/685510</guid>
      <pubDate>Fri, 22 Nov 2019 12:40:00 +0300</pubDate>
      <description>НОВОСИБИРСК. 22 ноября. ИНТЕРФАКС - Вылет трех рейсов из аэропорта Толмачево задержан из-за сильного снегопада, сообщили в пресс-службе аэропорта.</description>
      <category>В России</category>
    </item>
  </channel>
</rss>
"""

FILES = {
    "tass-ru-windows1251.xml": TASS_RU,
    "tass-ru-windows1251-guillemets-nbsp.xml": TASS_RU_QUOTES,
    "interfax-ru-windows1251.xml": INTERFAX_RU,
}

if __name__ == "__main__":
    for name, text in FILES.items():
        (HERE / name).write_bytes(text.encode("cp1251"))
        print("wrote", name)
