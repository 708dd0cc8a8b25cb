"""Which Wikidata classes (P31 "instance of" values) mean which of our entity classes.

Only classes whose meaning the real data shows are here. Each carries its evidence: records of the
Wikidata-derived source files (folder ``yyyuanfish__russia-ukrain-war`` unless noted) that are
instances of the class, with their English label and description, so a reader can check the
mapping without trusting memory. The gazetteer build re-checks every evidence record against the
source files and stops if one no longer holds (:func:`kg.gazetteer.build.build_gazetteer`).
The online linker uses the same table to type search results by their P31 claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from kg.model import CORE_CLASS

CLASSIFIED = "outputs/data/classified_ru_ua_entities.jsonl"
CATEGORIES = "pipeline_v2/data/entities/categories_entities.jsonl"
WD_RU_UA = "outputs/data/wd_ru_ua_entities.jsonl"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One source record that is an instance of the class: where it is, and what it is."""

    path: str
    line: int
    qid: str
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class ClassMapping:
    wikidata_class: str
    cls: str
    evidence: tuple[Evidence, ...]


def _m(wikidata_class: str, cls: str, *evidence: tuple[str, int, str, str, str]) -> ClassMapping:
    return ClassMapping(wikidata_class, cls, tuple(Evidence(*e) for e in evidence))


#: Verified P31 classes. Order matters: when a record is an instance of several mapped classes
#: of one core class, the first mapping listed here wins (the more specific class first).
CLASS_MAPPINGS: tuple[ClassMapping, ...] = (
    _m("Q5", "Person", (WD_RU_UA, 1, "Q133523", "Andriy Tyahnybok", "politician")),
    _m(
        "Q6256",
        "Country",
        (CLASSIFIED, 1184, "Q212", "Ukraine", "country in Eastern Europe"),
        (CLASSIFIED, 895, "Q159", "Russia", "country in Eastern Europe and Northern Asia"),
    ),
    _m("Q3624078", "Country", (CLASSIFIED, 1184, "Q212", "Ukraine", "country in Eastern Europe")),
    _m(
        "Q772547",
        "ArmedForces",
        (
            CLASSIFIED,
            1108,
            "Q193159",
            "Russian Armed Forces",
            "military forces of the Russian Federation",
        ),
        (
            CLASSIFIED,
            1760,
            "Q936105",
            "Armed Forces of Ukraine",
            "combined military forces of Ukraine",
        ),
    ),
    _m(
        "Q176799",
        "ArmedForces",
        (
            CLASSIFIED,
            996,
            "Q16969435",
            "114th Separate Guards Motorized Rifle Brigade",
            "Russian military unit",
        ),
        (
            CLASSIFIED,
            394,
            "Q113993499",
            "Russian Volunteer Corps",
            "military unit of the Armed "
            "Forces of Ukraine consisting of naturalized citizens of the Russian Federation",
        ),
    ),
    _m(
        "Q4508",
        "ArmedForces",
        (
            CLASSIFIED,
            1758,
            "Q932840",
            "Ukrainian Navy",
            "navy of Ukraine and part of the Armed Forces of Ukraine",
        ),
    ),
    _m(
        "Q61883",
        "ArmedForces",
        (
            CLASSIFIED,
            1622,
            "Q648653",
            "Ukrainian Air Force",
            "aerial warfare branch of Ukraine's armed forces",
        ),
        (
            CLASSIFIED,
            2167,
            "Q21042210",
            "Russian Aerospace Forces",
            "Aero-Cosmic Forces of the Armed Forces of the Russian Federation",
        ),
    ),
    _m(
        "Q37726",
        "ArmedForces",
        (
            CLASSIFIED,
            1647,
            "Q682152",
            "Ukrainian Ground Forces",
            "land force component of the Armed Forces of Ukraine",
        ),
    ),
    _m(
        "Q105765460",
        "ArmedForces",
        (
            CLASSIFIED,
            1759,
            "Q934022",
            "Black Sea Fleet",
            "regional command of the Russian (and former Soviet) Navy",
        ),
        (
            CLASSIFIED,
            2182,
            "Q936613",
            "Russian Northern Fleet",
            "unit of the Russian Navy responsible for the defense of northwestern Russia",
        ),
    ),
    _m(
        "Q204310",
        "ArmedForces",
        (
            CLASSIFIED,
            1447,
            "Q4314832",
            "National Guard of Ukraine",
            "reserve branch of Ukraine's military",
        ),
        (
            CLASSIFIED,
            321,
            "Q11288846",
            "Internal Troops of Ukraine",
            "former gendarmarie of Ukrainian military",
        ),
    ),
    _m(
        "Q17622327",
        "ArmedForces",
        (
            CLASSIFIED,
            989,
            "Q16939440",
            "Donbas Battalion",
            "volunteer unit of the National Guard of Ukraine",
        ),
    ),
    _m(
        "Q7188",
        "GovernmentBody",
        (
            CLASSIFIED,
            1597,
            "Q613729",
            "Cabinet of Ministers of Ukraine",
            "The executive of Ukraine, consisting of the prime minister and cabinet ministers.",
        ),
    ),
    _m(
        "Q35798",
        "GovernmentBody",
        (
            CLASSIFIED,
            1597,
            "Q613729",
            "Cabinet of Ministers of Ukraine",
            "The executive of Ukraine, consisting of the prime minister and cabinet ministers.",
        ),
        (
            CATEGORIES,
            833,
            "Q20770913",
            "Council of Ministers of Republic of Crimea",
            "Council of Ministers of Republic of Crimea (Russia)",
        ),
    ),
    _m(
        "Q613729",
        "GovernmentBody",
        (CLASSIFIED, 886, "Q15838217", "First Yatsenyuk Government", "government of Ukraine"),
    ),
    _m(
        "Q1140115",
        "GovernmentBody",
        (CLASSIFIED, 1239, "Q2458166", "2nd Vladimir Putin Government", "Cabinet of Russia"),
    ),
    _m(
        "Q37002670",
        "GovernmentBody",
        (CLASSIFIED, 1040, "Q176296", "Verkhovna Rada", "national parliament of Ukraine"),
        (
            CLASSIFIED,
            1431,
            "Q4220207",
            "Kyiv City Council",
            "representative government body of Kyiv, the capital city of Ukraine",
        ),
    ),
    _m(
        "Q7878545",
        "GovernmentBody",
        (
            CLASSIFIED,
            1237,
            "Q2445140",
            "Ministry of Internal Affairs of Ukraine",
            "agency of the Ukraine government",
        ),
        (
            CATEGORIES,
            864,
            "Q23939252",
            "Ministry of National Unity of Ukraine",
            "Ukrainian government ministry",
        ),
    ),
    _m(
        "Q192350",
        "GovernmentBody",
        (
            CATEGORIES,
            671,
            "Q15990739",
            "Ministry of Crimean Affairs",
            "Russian former government ministry",
        ),
    ),
    _m(
        "Q327333",
        "GovernmentBody",
        (
            CLASSIFIED,
            1231,
            "Q2425785",
            "State Border Guard Service of Ukraine",
            "law enforcement agency of Ukraine",
        ),
    ),
    _m(
        "Q47913",
        "GovernmentBody",
        (
            CLASSIFIED,
            1598,
            "Q615811",
            "Security Service of Ukraine",
            "national intelligence and law enforcement agency of Ukraine",
        ),
    ),
    _m(
        "Q11032",
        "NewsOrganisation",
        (
            CLASSIFIED,
            1591,
            "Q60785659",
            "Euromaidan Press",
            "English-speaking internet-based newspaper",
        ),
    ),
    _m(
        "Q192283",
        "NewsOrganisation",
        (CATEGORIES, 703, "Q16824503", "ANNA", "Russian pro-government news agency"),
    ),
    _m(
        "Q14350",
        "NewsOrganisation",
        (CATEGORIES, 887, "Q25437705", "Army FM", "radio station in Ukraine"),
        (
            CATEGORIES,
            3,
            "Q10201893",
            "Tryzub FM",
            "volunteer ham-radio station in Karlivka, Donetsk oblast, Ukraine",
        ),
    ),
    _m(
        "Q891723",
        "Company",
        (CATEGORIES, 736, "Q1776022", "Equinor ASA", "Norwegian oil and gas company"),
        (
            CLASSIFIED,
            1397,
            "Q4058442",
            "Azovstal",
            "one of the largest steel rolling companies in Ukraine",
        ),
    ),
    _m(
        "Q4830453",
        "Company",
        (
            CLASSIFIED,
            1397,
            "Q4058442",
            "Azovstal",
            "one of the largest steel rolling companies in Ukraine",
        ),
        (
            CLASSIFIED,
            958,
            "Q16529035",
            "McDonald's Russia",
            "Russian subsidiary of American fast food company McDonald's",
        ),
    ),
    _m(
        "Q7278",
        "Organisation",
        (CLASSIFIED, 843, "Q151469", "United Russia", "Putinist political party in Russia"),
        (CLASSIFIED, 1438, "Q4266", "Party of Regions", "Russophone political party of Ukraine"),
    ),
    _m(
        "Q79913",
        "Organisation",
        (CLASSIFIED, 10, "Q104832923", "BYPOL", "Belarusian non-governmental organization"),
        (
            CLASSIFIED,
            2169,
            "Q24669478",
            "Come Back Alive",
            "Ukrainian non-governmental organization",
        ),
    ),
    _m(
        "Q163740",
        "Organisation",
        (CLASSIFIED, 1585, "Q6039802", "Institute for the Study of War", "US think tank"),
        (
            CLASSIFIED,
            2169,
            "Q24669478",
            "Come Back Alive",
            "Ukrainian non-governmental organization",
        ),
    ),
    _m(
        "Q708676",
        "Organisation",
        (CLASSIFIED, 305, "Q112657824", "Save Ukraine", "Ukrainian charitable organization"),
        (
            CLASSIFIED,
            413,
            "Q114313216",
            "Serhiy Prytula Charity Foundation",
            "Ukrainian charitable organization",
        ),
    ),
    _m(
        "Q2801262",
        "Organisation",
        (CLASSIFIED, 277, "Q112108141", "Killnet", "Russian criminal hacker group"),
        (CATEGORIES, 855, "Q22906448", "Cozy Bear", "Russian hacker group"),
    ),
    _m(
        "Q43229",
        "Organisation",
        (
            CLASSIFIED,
            203,
            "Q111442979",
            "United Nations Human Rights Monitoring Mission in Ukraine",
            "Human rights monitoring organisation",
        ),
        (
            CLASSIFIED,
            1138,
            "Q19842818",
            "Internet Research Agency",
            'Russian "troll farm" organization',
        ),
    ),
    _m(
        "Q12131624",
        "Place",
        (CLASSIFIED, 935, "Q161978", "Dzhankoi", "town in Crimea, Ukraine"),
        (CLASSIFIED, 1683, "Q7525", "Sevastopol", "port city in Crimea, Ukraine"),
    ),
    _m("Q1549591", "Place", (CLASSIFIED, 1118, "Q19566", "Simferopol", "city in Crimea, Ukraine")),
    _m(
        "Q21672098",
        "Place",
        (
            CLASSIFIED,
            1386,
            "Q3736537",
            "Chonhar",
            "village in Henichesk Raion, Kherson Oblast, Ukraine",
        ),
    ),
    _m(
        "Q34763",
        "Place",
        (
            CLASSIFIED,
            1699,
            "Q7835",
            "Crimea",
            "Eastern European peninsula, in the Black Sea and Sea of Azov, disputed between "
            "Ukraine (de jure) and Russia (de facto)",
        ),
    ),
)

#: Nuclear power plants: the eulalia files are the result of a Wikidata query for P31 = Q134447
#: (SOURCES.md section 6a), e.g. ``content/post/WikidataR/NuclearReactors.csv`` row 5, Q909477
#: "Zaporizhzhia Nuclear Power Plant". Used by the online linker only.
NUCLEAR_POWER_PLANT_CLASS = "Q134447"

#: National groups for :meth:`kg.gazetteer.table.Gazetteer.group`: a record that is an instance
#: of one of these classes and has exactly one P17 country is that country's group of the kind.
#: Evidence as in :data:`CLASS_MAPPINGS` (Q772547: Russian Armed Forces, Armed Forces of Ukraine;
#: Q7188: Cabinet of Ministers of Ukraine).
GROUP_CLASSES: Mapping[str, str] = MappingProxyType(
    {"Q772547": "ArmedForces", "Q7188": "GovernmentBody"}
)


def _class_of() -> dict[str, str]:
    table: dict[str, str] = {}
    for mapping in CLASS_MAPPINGS:
        table.setdefault(mapping.wikidata_class, mapping.cls)
    table[NUCLEAR_POWER_PLANT_CLASS] = "NuclearPowerPlant"
    return table


#: Wikidata class QID -> our class, for every verified class.
CLASS_OF: Mapping[str, str] = MappingProxyType(_class_of())
_RANK: Mapping[str, int] = MappingProxyType(
    {m.wikidata_class: i for i, m in reversed(list(enumerate(CLASS_MAPPINGS)))}
)


def class_of_instance(instance_of: Iterable[str]) -> str | None:
    """Our class for a record with these P31 values; None when none is verified or when they
    point to different core classes (a record both a place and an organisation is unclear)."""
    known = sorted((c for c in set(instance_of) if c in CLASS_OF), key=lambda c: _RANK.get(c, -1))
    if not known:
        return None
    classes = [CLASS_OF[c] for c in known]
    if len({CORE_CLASS[c] for c in classes}) > 1:
        return None
    return classes[0]
