// Datelines: one table of house styles (a test per agency form and per
// generic pattern), one of traps that must not be read as datelines, a test
// per row of the agency table, and the pinned rules for years, impossible
// dates and case.
#include "feedwire/feeds/dateline.hpp"

#include "feedwire/feeds/dates.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace feedwire::feeds {
namespace {

constexpr std::string_view default_time = "2019-11-22T10:00:00Z";

std::optional<time_point> at_time(std::string_view t) {
    if (t.empty()) return std::nullopt;
    return parse_date(t);
}

// PascalCase test names from free text ("RIA Novosti" -> "RIANovosti").
std::string test_name(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            out.push_back(c);
        }
    }
    return out;
}

struct dateline_case {
    const char* name;
    const char* body;
    const char* text;
    const char* place;
    const char* country;
    const char* date;
    const char* agency;
};

std::ostream& operator<<(std::ostream& os, const dateline_case& c) { return os << c.name; }

class DatelineHouseStyle : public testing::TestWithParam<dateline_case> {};

TEST_P(DatelineHouseStyle, GivesTextPlaceCountryDateAndAgency) {
    const auto& c = GetParam();
    const auto d = find_dateline(c.body, at_time(default_time));
    ASSERT_TRUE(d.has_value()) << c.body;
    EXPECT_EQ(d->text, c.text);
    EXPECT_EQ(d->place, c.place);
    EXPECT_EQ(d->country, c.country);
    EXPECT_EQ(d->date, c.date);
    EXPECT_EQ(d->agency, c.agency);
}

constexpr dateline_case house_styles[] = {
    // TASS, English and Russian.
    {"TassEnglishPlaceWithCountry", "NAGOYA /Japan/, November 22. /TASS/. Foreign ministers met.",
     "NAGOYA /Japan/, November 22. /TASS/.", "Nagoya", "Japan", "2019-11-22", "TASS"},
    {"TassEnglish", "MOSCOW, November 22. /TASS/. Three stations will open.",
     "MOSCOW, November 22. /TASS/.", "Moscow", "", "2019-11-22", "TASS"},
    {"TassEnglishMultiWordPlace", "UNITED NATIONS, November 21. /TASS/. The committee adopted.",
     "UNITED NATIONS, November 21. /TASS/.", "United Nations", "", "2019-11-21", "TASS"},
    {"TassEnglishAbbreviatedPlace", "ST. PETERSBURG, November 22. /TASS/. SKA beat CSKA.",
     "ST. PETERSBURG, November 22. /TASS/.", "St. Petersburg", "", "2019-11-22", "TASS"},
    {"TassRussian", "МОСКВА, 22 ноября. /ТАСС/. Первый снег выпадет в выходные.",
     "МОСКВА, 22 ноября. /ТАСС/.", "Москва", "", "2019-11-22", "TASS"},
    {"TassRussianCountryInSlashes", "НАГОЯ /Япония/, 22 ноября. /ТАСС/. Встреча открылась.",
     "НАГОЯ /Япония/, 22 ноября. /ТАСС/.", "Нагоя", "Япония", "2019-11-22", "TASS"},
    {"TassRussianHyphenatedPlace", "САНКТ-ПЕТЕРБУРГ, 22 ноября. /ТАСС/. «Зенит» обыграл ЦСКА.",
     "САНКТ-ПЕТЕРБУРГ, 22 ноября. /ТАСС/.", "Санкт-Петербург", "", "2019-11-22", "TASS"},
    // RIA Novosti.
    {"RiaNovosti", "МОСКВА, 22 ноя — РИА Новости. Президент провел совещание.",
     "МОСКВА, 22 ноя — РИА Новости.", "Москва", "", "2019-11-22", "RIA Novosti"},
    // Interfax.
    {"InterfaxRussianSite", "Москва. 22 ноября. INTERFAX.RU - Минфин предложил продлить.",
     "Москва. 22 ноября. INTERFAX.RU -", "Москва", "", "2019-11-22", "Interfax"},
    {"InterfaxRussianWire", "ПЕТРОПАВЛОВСК-КАМЧАТСКИЙ. 22 ноября. ИНТЕРФАКС - Землетрясение.",
     "ПЕТРОПАВЛОВСК-КАМЧАТСКИЙ. 22 ноября. ИНТЕРФАКС -", "Петропавловск-Камчатский", "",
     "2019-11-22", "Interfax"},
    {"InterfaxEnglish", "MOSCOW. Nov 22 (Interfax) - The Bank of Russia kept its forecast.",
     "MOSCOW. Nov 22 (Interfax) -", "Moscow", "", "2019-11-22", "Interfax"},
    // Reuters.
    {"Reuters", "LONDON, Nov 22 (Reuters) - Britain's economy grew.", "LONDON, Nov 22 (Reuters) -",
     "London", "", "2019-11-22", "Reuters"},
    {"ReutersCountryAfterComma", "NAGOYA, Japan (Reuters) - Foreign ministers met.",
     "NAGOYA, Japan (Reuters) -", "Nagoya", "Japan", "", "Reuters"},
    {"ReutersTwoPlaces", "NEW YORK/LONDON (Reuters) - The dollar firmed.",
     "NEW YORK/LONDON (Reuters) -", "New York/London", "", "", "Reuters"},
    // AP.
    {"ApMultiWordPlace", "UNITED NATIONS (AP) — The Security Council met.", "UNITED NATIONS (AP) —",
     "United Nations", "", "", "AP"},
    {"ApPlaceWithRegion", "SAN JOSE, Calif. (AP) — A tech company said.", "SAN JOSE, Calif. (AP) —",
     "San Jose, Calif.", "", "", "AP"},
    {"ApPlaceWithDottedRegion", "RALEIGH, N.C. (AP) — The governor signed.", "RALEIGH, N.C. (AP) —",
     "Raleigh, N.C.", "", "", "AP"},
    // AFP.
    {"AfpCapitals", "PARIS (AFP) - The government unveiled a plan.", "PARIS (AFP) -", "Paris", "",
     "", "AFP"},
    {"AfpTitleCase", "Paris (AFP) - The government unveiled a plan.", "Paris (AFP) -", "Paris", "",
     "", "AFP"},
    {"AfpCountryAfterComma", "VENICE, Italy (AFP) - Water levels peaked.", "VENICE, Italy (AFP) -",
     "Venice", "Italy", "", "AFP"},
    {"AfpFrenchWithYear", "PARIS, 22 nov 2019 (AFP) - Le gouvernement a présenté.",
     "PARIS, 22 nov 2019 (AFP) -", "Paris", "", "2019-11-22", "AFP"},
    {"AfpFrenchCountryInParentheses", "VENISE (Italie), 22 nov 2019 (AFP) - La place inondée.",
     "VENISE (Italie), 22 nov 2019 (AFP) -", "Venise", "Italie", "2019-11-22", "AFP"},
    {"AfpMultiWordPlaceWithParticle", "RIO DE JANEIRO (AFP) - Police raided a favela.",
     "RIO DE JANEIRO (AFP) -", "Rio de Janeiro", "", "", "AFP"},
    // Xinhua, Kyodo, Yonhap.
    {"Xinhua", "BEIJING, Nov. 22 (Xinhua) -- Experts said.", "BEIJING, Nov. 22 (Xinhua) --",
     "Beijing", "", "2019-11-22", "Xinhua"},
    {"XinhuaCountryBeforeDate", "NAGOYA, Japan, Nov. 22 (Xinhua) -- Wang Yi met.",
     "NAGOYA, Japan, Nov. 22 (Xinhua) --", "Nagoya", "Japan", "2019-11-22", "Xinhua"},
    {"Kyodo", "TOKYO, Nov. 22 Kyodo - Japan's core consumer prices rose.", "TOKYO, Nov. 22 Kyodo -",
     "Tokyo", "", "2019-11-22", "Kyodo"},
    {"Yonhap", "SEOUL, Nov. 22 (Yonhap) -- South Korea said.", "SEOUL, Nov. 22 (Yonhap) --",
     "Seoul", "", "2019-11-22", "Yonhap"},
    // Anadolu, dpa, EFE, ANSA.
    {"Anadolu", "ANKARA (AA) - Turkey's central bank said.", "ANKARA (AA) -", "Ankara", "", "",
     "Anadolu"},
    {"Dpa", "Berlin (dpa) - Die Bundesregierung will.", "Berlin (dpa) -", "Berlin", "", "", "dpa"},
    {"Efe", "Madrid, 22 nov (EFE).- El Gobierno aprobó.", "Madrid, 22 nov (EFE).-", "Madrid", "",
     "2019-11-22", "EFE"},
    {"AnsaAgencyLast", "ROMA, 22 NOV - (ANSA) Il governo ha approvato.", "ROMA, 22 NOV - (ANSA)",
     "Roma", "", "2019-11-22", "ANSA"},
    {"AnsaAgencyFirst", "(ANSA) - ROMA, 22 NOV - Il governo ha approvato.",
     "(ANSA) - ROMA, 22 NOV -", "Roma", "", "2019-11-22", "ANSA"},
    // PTI, UNIAN, Ukrinform, Bloomberg, UPI.
    {"PtiWithoutDash", "NEW DELHI, Nov 22 (PTI) The government on Friday said.",
     "NEW DELHI, Nov 22 (PTI)", "New Delhi", "", "2019-11-22", "PTI"},
    {"UnianEnglish", "Kyiv, 22 November, UNIAN. Ukraine's parliament passed.",
     "Kyiv, 22 November, UNIAN.", "Kyiv", "", "2019-11-22", "UNIAN"},
    {"UnianUkrainian", "КИЇВ, 22 листопада - УНІАН. Верховна Рада ухвалила.",
     "КИЇВ, 22 листопада - УНІАН.", "Київ", "", "2019-11-22", "UNIAN"},
    {"Ukrinform", "KYIV, November 22 (Ukrinform) - The Cabinet approved.",
     "KYIV, November 22 (Ukrinform) -", "Kyiv", "", "2019-11-22", "Ukrinform"},
    {"BloombergWithoutPlace", "(Bloomberg) -- Stocks rose on Friday.", "(Bloomberg) --", "", "", "",
     "Bloomberg"},
    {"Upi", "WASHINGTON, Nov. 22 (UPI) -- The Senate passed.", "WASHINGTON, Nov. 22 (UPI) --",
     "Washington", "", "2019-11-22", "UPI"},
    // Generic forms: every dash, unknown agencies, no agency.
    {"GenericHyphen", "GENEVA, Nov 22 (Swissinfo) - Talks resumed.", "GENEVA, Nov 22 (Swissinfo) -",
     "Geneva", "", "2019-11-22", "Swissinfo"},
    {"GenericDoubleHyphen", "GENEVA, Nov 22 (Swissinfo) -- Talks resumed.",
     "GENEVA, Nov 22 (Swissinfo) --", "Geneva", "", "2019-11-22", "Swissinfo"},
    {"GenericEnDash", "GENEVA, Nov 22 (Swissinfo) – Talks resumed.", "GENEVA, Nov 22 (Swissinfo) –",
     "Geneva", "", "2019-11-22", "Swissinfo"},
    {"GenericEmDash", "GENEVA, Nov 22 (Swissinfo) — Talks resumed.", "GENEVA, Nov 22 (Swissinfo) —",
     "Geneva", "", "2019-11-22", "Swissinfo"},
    {"GenericAgencyInSlashes", "GENEVA, November 22. /Swissinfo/. Talks resumed.",
     "GENEVA, November 22. /Swissinfo/.", "Geneva", "", "2019-11-22", "Swissinfo"},
    {"GenericNoAgency", "GENEVA, Nov 22 — Talks resumed.", "GENEVA, Nov 22 —", "Geneva", "",
     "2019-11-22", ""},
    {"GenericDayMonthYear", "GENEVA, 22 November 2019 (Swissinfo) - Talks resumed.",
     "GENEVA, 22 November 2019 (Swissinfo) -", "Geneva", "", "2019-11-22", "Swissinfo"},
    {"GenericMonthDayCommaYear", "GENEVA, Nov. 22, 2019 (Swissinfo) - Talks resumed.",
     "GENEVA, Nov. 22, 2019 (Swissinfo) -", "Geneva", "", "2019-11-22", "Swissinfo"},
    {"CountryInCapitalsIsRecased", "NAGOYA /JAPAN/, November 22. /TASS/. Talks.",
     "NAGOYA /JAPAN/, November 22. /TASS/.", "Nagoya", "Japan", "2019-11-22", "TASS"},
    {"CountryInitialsStay", "LONDON /UK/, November 22. /TASS/. Talks.",
     "LONDON /UK/, November 22. /TASS/.", "London", "UK", "2019-11-22", "TASS"},
    {"DatelineAloneIsTheWholeText", "MOSCOW, November 22. /TASS/.", "MOSCOW, November 22. /TASS/.",
     "Moscow", "", "2019-11-22", "TASS"},
    {"NoBreakSpaces",
     "МОСКВА,\xC2\xA0"
     "22\xC2\xA0ноября. /ТАСС/. Текст.",
     "МОСКВА,\xC2\xA0"
     "22\xC2\xA0ноября. /ТАСС/.",
     "Москва", "", "2019-11-22", "TASS"},
    {"PlaceWithApostropheAndParticle", "CÔTE D'IVOIRE, Nov 22 (Reuters) - Cocoa.",
     "CÔTE D'IVOIRE, Nov 22 (Reuters) -", "Côte d'Ivoire", "", "2019-11-22", "Reuters"},
    {"RussianPlaceWithParticle", "РОСТОВ-НА-ДОНУ, 22 ноября. /ТАСС/. Текст.",
     "РОСТОВ-НА-ДОНУ, 22 ноября. /ТАСС/.", "Ростов-на-Дону", "", "2019-11-22", "TASS"},
};

INSTANTIATE_TEST_SUITE_P(Dateline, DatelineHouseStyle, testing::ValuesIn(house_styles),
                         [](const auto& p) { return std::string(p.param.name); });

struct trap_case {
    const char* name;
    const char* body;
};

std::ostream& operator<<(std::ostream& os, const trap_case& c) { return os << c.name; }

class DatelineTrap : public testing::TestWithParam<trap_case> {};

TEST_P(DatelineTrap, IsNoDateline) {
    const auto d = find_dateline(GetParam().body, at_time(default_time));
    EXPECT_FALSE(d.has_value()) << d->text;
}

constexpr trap_case traps[] = {
    {"CityAndDateMidSentence", "Officials met in Moscow on November 22 (Reuters reported) - no."},
    {"QuotedSpeechAtStart", "\"Moscow, November 22, was cold,\" he said."},
    {"QuotedSpeechInGuillemets", "«Москва, 22 ноября. /ТАСС/.» — так начиналась заметка."},
    {"HeadlineInCapitals", "PUTIN AND ABE MEET IN NAGOYA\n\nThe two leaders met on Friday."},
    {"HeadlineInCapitalsWithComma", "PUTIN, ABE AGREE TO MORE TALKS\n\nThe two leaders met."},
    {"CapitalizedWordAndComma", "However, November 22 was a cold day in Moscow."},
    {"CapitalizedWordCommaDateDash", "However, November 22 - the day of the vote - was cold."},
    {"CapitalsAndDateWithoutMarker", "MOSCOW, November 22 was cold."},
    {"CapitalsAndDateWithoutDash", "MOSCOW, November 22. The city was cold."},
    {"TitleCasePlaceWithoutKnownAgency", "Paris (Left) - the party said."},
    {"TitleCasePlaceAndUnknownAgency", "Geneva, Nov 22 (Swissinfo) - Talks resumed."},
    {"NameWithKnownAgencyCredit", "Sergey Lavrov (Reuters) The minister said."},
    {"CaptionBeforeDateline", "Sergey Lavrov © AP\n\nMOSCOW, November 22. /TASS/. Talks."},
    {"InitialsBeforeParenthesis", "US (Left) and Japan (right) signed."},
    {"UpdatePrefix", "UPDATE 2-Dollar firms as investors look for clues"},
    {"ColonAfterCapitals", "FILE PHOTO: Japan's Prime Minister speaks."},
    {"BulletList", "* Cuts to be made by 2023 BERLIN, Nov 22 (Reuters) - Siemens said."},
    {"UnknownAgencyFirst", "(pictured) - The minister arrives."},
    {"OrdinarySentence", "The Hermitage Museum will extend its opening hours."},
    {"SingleLetterWord", "I (Reuters) - am not a place."},
    {"DateWordAsPlace", "NOVEMBER 22 (Reuters) - No place."},
    {"Empty", ""},
};

INSTANTIATE_TEST_SUITE_P(Dateline, DatelineTrap, testing::ValuesIn(traps),
                         [](const auto& p) { return std::string(p.param.name); });

// A test per row of the agency table: every signature of the agency, in
// the generic "PLACE, Month Day (Agency) -" form, gives the agency's name.
class DatelineAgencyRow : public testing::TestWithParam<agency_row> {};

TEST_P(DatelineAgencyRow, EverySignatureGivesTheAgencyName) {
    const agency_row& row = GetParam();
    ASSERT_FALSE(row.aliases.empty());
    for (const auto alias : row.aliases) {
        const std::string body = "LONDON, Nov 22 (" + std::string(alias) + ") - Text.";
        const auto d = find_dateline(body, at_time(default_time));
        ASSERT_TRUE(d.has_value()) << body;
        EXPECT_EQ(d->agency, row.name) << body;
        EXPECT_EQ(agency_name(alias), row.name);
    }
}

INSTANTIATE_TEST_SUITE_P(Dateline, DatelineAgencyRow, testing::ValuesIn(known_agencies()),
                         [](const auto& p) { return test_name(p.param.name); });

TEST(Dateline, AgencyNamesAreMatchedWithoutCase) {
    EXPECT_EQ(agency_name("ТАСС"), "TASS");
    EXPECT_EQ(agency_name("тасс"), "TASS");
    EXPECT_EQ(agency_name("РИА Новости"), "RIA Novosti");
    EXPECT_EQ(agency_name("Интерфакс"), "Interfax");
    EXPECT_EQ(agency_name("DPA"), "dpa");
    EXPECT_EQ(agency_name("Swissinfo"), "");
}

TEST(Dateline, DecemberDatelineOnJanuaryItemBelongsToThePreviousYear) {
    const auto d =
        find_dateline("MOSCOW, December 31. /TASS/. Fireworks.", at_time("2020-01-02T08:00:00Z"));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->date, "2019-12-31");
}

TEST(Dateline, JanuaryDatelineOnDecemberItemBelongsToTheNextYear) {
    const auto d =
        find_dateline("TOKYO, Jan. 1 (Kyodo) - New Year.", at_time("2019-12-31T20:00:00Z"));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->date, "2020-01-01");
}

TEST(Dateline, DatelineOwnYearWins) {
    const auto d = find_dateline("PARIS, 22 nov 2018 (AFP) - Archive.", at_time(default_time));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->date, "2018-11-22");
}

TEST(Dateline, NoItemTimeAndNoYearGivesNoDate) {
    const auto d = find_dateline("MOSCOW, November 22. /TASS/. Text.", std::nullopt);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->date, "");
    EXPECT_EQ(d->place, "Moscow");
}

TEST(Dateline, NoItemTimeButOwnYearGivesTheDate) {
    const auto d = find_dateline("PARIS, 22 nov 2019 (AFP) - Text.", std::nullopt);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->date, "2019-11-22");
}

TEST(Dateline, ImpossibleDateIsDroppedNotGuessed) {
    const auto d = find_dateline("MOSCOW, February 30. /TASS/. Text.", at_time(default_time));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->text, "MOSCOW, February 30. /TASS/.");
    EXPECT_EQ(d->date, "");
    EXPECT_EQ(d->agency, "TASS");
}

TEST(Dateline, ImpossibleDateWithYearIsDropped) {
    const auto d = find_dateline("PARIS, 31 nov 2019 (AFP) - Text.", at_time(default_time));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->date, "");
}

TEST(Dateline, LeapDayOnlyInALeapYearNearTheItem) {
    const auto leap =
        find_dateline("MOSCOW, February 29. /TASS/. Text.", at_time("2020-03-01T08:00:00Z"));
    ASSERT_TRUE(leap.has_value());
    EXPECT_EQ(leap->date, "2020-02-29");
    const auto none =
        find_dateline("MOSCOW, February 29. /TASS/. Text.", at_time("2019-03-01T08:00:00Z"));
    ASSERT_TRUE(none.has_value());
    EXPECT_EQ(none->date, "");
}

TEST(Dateline, RussianCapitalsComeOutInTitleCase) {
    EXPECT_EQ(find_dateline("ВЛАДИВОСТОК, 22 ноября. /ТАСС/. Текст.", std::nullopt)->place,
              "Владивосток");
    EXPECT_EQ(find_dateline("НИЖНИЙ НОВГОРОД, 22 ноября. /ТАСС/. Текст.", std::nullopt)->place,
              "Нижний Новгород");
    EXPECT_EQ(find_dateline("ЁЛКИНО, 22 ноября. /ТАСС/. Текст.", std::nullopt)->place, "Ёлкино");
}

TEST(Dateline, LocatedJoinsPlaceAndCountry) {
    EXPECT_EQ(located_of({"", "Nagoya", "Japan", "", "TASS"}), "Nagoya, Japan");
    EXPECT_EQ(located_of({"", "Moscow", "", "", "TASS"}), "Moscow");
    EXPECT_EQ(located_of({"", "San Jose, Calif.", "", "", "AP"}), "San Jose, Calif.");
    EXPECT_EQ(located_of({"", "", "", "", "Bloomberg"}), "");
}

TEST(Dateline, LeadingBlankLinesAreSkipped) {
    const auto d = find_dateline("\n  LONDON, Nov 22 (Reuters) - Text.", at_time(default_time));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->text, "LONDON, Nov 22 (Reuters) -");
}

TEST(Dateline, NeverCrossesALineBreak) {
    EXPECT_FALSE(find_dateline("LONDON, Nov 22\n(Reuters) - Text.", at_time(default_time)));
}

}  // namespace
}  // namespace feedwire::feeds
