"""Read each Wikidata-derived source of the gazetteer build into plain :class:`SourceRow` rows.

One reader per source (see ``../shared/wikidata/SOURCES.md``); they only parse and type. Every
judgement about which rows to trust lives in :mod:`kg.gazetteer.crosscheck`. Rows whose QID is not a
well-formed item id (``NULL``, ``[No code found.]``, empty) are left out here and counted.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.gazetteer.classes import GROUP_CLASSES, class_of_instance
from kg.gazetteer.simple_yaml import parse_records
from kg.gazetteer.table import QID
from kg.names import normalise

DR5HN = "dr5hn__countries-states-cities-database"
HEARVOX = "hearvox__wiki-media-cred"
YYYUANFISH = "yyyuanfish__russia-ukrain-war"
SUPRAVERDEN = "confirmordeny__supraverden"
EULALIA = "eulalia__MapsBloOld"
GEONUCLEAR = "cristianst85__GeoNuclearData"
ECONANDREW = "econandrew__sparql_queries"

#: yyyuanfish files, the one whose English label wins first (the curated outputs, then the rest).
YYYUANFISH_FILES = (
    "outputs/data/wd_ru_ua_entities.jsonl",
    "outputs/data/classified_ru_ua_entities.jsonl",
    "outputs/data/navbox_ru_ua_entities.jsonl",
    "pipeline_v2/data/entities/wikidata_entities.jsonl",
    "pipeline_v2/data/entities/categories_entities.jsonl",
    "pipeline_v2/data/entities/navboxes_entities.jsonl",
)
#: Properties whose values are places (birthplace, location, headquarters, ...): a QID found
#: there is a real Wikidata place, which is evidence when two other sources disagree.
PLACE_PROPERTIES = ("P19", "P131", "P159", "P276", "P551", "P740")
EULALIA_FILES = ("content/post/WikidataR/NuclearReactors.csv", "NuclearReactors.csv")

#: states.csv types that denote a city or town (rather than a region named after one). Plain
#: "municipality" is not one: in Slovenia, Iceland or Montenegro it is the area around a town.
CITY_LEVEL_TYPES = frozenset(
    {
        "city",
        "capital city",
        "autonomous city",
        "special city",
        "city with county rights",
        "city municipality",
        "state city",
        "special self-governing city",
        "special municipality",
        "autonomous municipality",
    }
)


class SourceError(KgError):
    """A source file of the gazetteer build is missing or cannot be parsed."""


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One name-to-QID claim of one source row. ``kind`` is the source's own type of the row
    ("capital", "city", "region", "country", ...), used by the cross-check rules."""

    source: str
    qid: str
    name: str
    cls: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    prominence: float = 0.0
    kind: str = ""
    lat: float | None = None
    lon: float | None = None
    region: str = ""
    origin: str = ""
    #: dr5hn's first-level subdivision of a state or city row, "<country code>-<state code>".
    subdivision: str = ""


@dataclass(frozen=True, slots=True)
class Unit:
    """A GeoNuclearData reactor unit, reduced to its plant name and position."""

    plant: str
    country: str | None
    lat: float | None
    lon: float | None
    origin: str


@dataclass
class Countries:
    """What other readers need from dr5hn's country table."""

    by_iso2: dict[str, str] = field(default_factory=dict)
    by_iso3: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    population: dict[str, int] = field(default_factory=dict)
    demonyms: list[tuple[str, str, int]] = field(default_factory=list)  # (word, qid, position)
    capitals: list[tuple[str, str]] = field(default_factory=list)  # (capital's name, country)


@dataclass
class Yyyuanfish:
    rows: list[SourceRow]
    place_evidence: frozenset[str]
    groups: list[tuple[str, str, str]]  # (country, kind, qid)
    skipped: Counter[str]


def population_prominence(population: object) -> float:
    """Prominence from a population: log10 scaled, 10 million and more -> 1.0, 1,000 -> 0.43."""
    try:
        value = float(str(population))
    except ValueError:
        return 0.0
    if not value > 1:
        return 0.0
    return round(min(1.0, math.log10(value) / 7.0), 3)


def sitelink_prominence(sitelinks: int) -> float:
    """Prominence from how many of the en/ru/uk Wikipedias have an article (at most 0.6: three
    Wikipedias say less than a city's population does)."""
    return round(0.2 * min(sitelinks, 3), 3)


def valid_qid(value: object) -> str | None:
    text = str(value or "").strip()
    if text.startswith(("http://", "https://")):
        text = text.rsplit("/", 1)[-1]
    return text if QID.match(text) else None


# --- dr5hn -----------------------------------------------------------------------------------


#: Public evidence for capital-city QIDs that dr5hn alone gives (see the file's comments).
CAPITAL_EVIDENCE = Path(__file__).parent / "evidence" / "capitals.tsv"


def read_capital_evidence(path: Path = CAPITAL_EVIDENCE) -> dict[tuple[str, str], str]:
    """(normalised capital name, country QID) -> the capital's QID as public files show it."""
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    evidence: dict[tuple[str, str], str] = {}
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 5 or valid_qid(fields[2]) is None or valid_qid(fields[1]) is None:
            raise SourceError(f"{path}: data line {number}: expected name, country, qid, "
                              "verdict, evidence with valid QIDs")  # fmt: skip
        name, country, qid, _, _ = fields
        evidence[(normalise(name), country)] = qid
    return evidence


def read_countries(root: Path) -> tuple[list[SourceRow], Countries]:
    data = _json(root / DR5HN / "json/countries.json")
    countries = Countries()
    rows: list[SourceRow] = []
    for item in data:
        qid = valid_qid(item.get("wikiDataId"))
        if qid is None:
            continue
        name = str(item["name"])
        countries.by_iso2[str(item["iso2"])] = qid
        countries.by_iso3[str(item["iso3"])] = qid
        countries.by_name[normalise(name)] = qid
        countries.population[qid] = int(_float(item.get("population")) or 0)
        capital = str(item.get("capital") or "").strip()
        if capital:
            countries.capitals.append((capital, qid))
        words = re.split(r",| or ", str(item.get("nationality") or ""))
        for position, word in enumerate(w.strip() for w in words):
            if word:
                countries.demonyms.append((word, qid, position))
        rows.append(
            SourceRow(
                source="dr5hn/countries",
                qid=qid,
                name=name,
                cls="Country",
                country=qid,
                prominence=population_prominence(item.get("population")),
                kind="country",
                lat=_float(item.get("latitude")),
                lon=_float(item.get("longitude")),
                origin=f"json/countries.json#{item.get('id')}",
            )
        )
    return rows, countries


def read_states(root: Path, countries: Countries, skipped: Counter[str]) -> list[SourceRow]:
    rows: list[SourceRow] = []
    with open(root / DR5HN / "csv/states.csv", encoding="utf-8", newline="") as handle:
        for item in csv.DictReader(handle):
            qid = valid_qid(item["wikiDataId"])
            if qid is None:
                skipped["dr5hn/states: no valid QID"] += 1
                continue
            kind = "city" if item["type"] in CITY_LEVEL_TYPES else "region"
            rows.append(
                SourceRow(
                    source="dr5hn/states",
                    qid=qid,
                    name=item["name"].strip(),
                    cls="Place",
                    country=countries.by_iso2.get(item["country_code"]),
                    prominence=population_prominence(item.get("population")),
                    kind=kind,
                    lat=_float(item["latitude"]),
                    lon=_float(item["longitude"]),
                    region=item["type"],
                    origin=f"csv/states.csv#{item['id']}",
                    subdivision=f"{item['country_code']}-{item['iso2']}",
                )
            )
    return rows


def read_cities(root: Path, countries: Countries, skipped: Counter[str]) -> list[SourceRow]:
    rows: list[SourceRow] = []
    for path in sorted((root / DR5HN / "contributions/cities").glob("*.json")):
        for item in _json(path):
            qid = valid_qid(item.get("wikiDataId"))
            if qid is None:
                skipped["dr5hn/cities: no valid QID"] += 1
                continue
            rows.append(
                SourceRow(
                    source="dr5hn/cities",
                    qid=qid,
                    name=str(item["name"]).strip(),
                    cls="Place",
                    country=countries.by_iso2.get(str(item.get("country_code"))),
                    prominence=population_prominence(item.get("population")),
                    kind="capital" if item.get("type") == "capital" else "city",
                    lat=_float(item.get("latitude")),
                    lon=_float(item.get("longitude")),
                    region=str(item.get("state_code") or ""),
                    origin=f"contributions/cities/{path.name}#{item.get('id')}",
                    subdivision=f"{item.get('country_code')}-{item.get('state_code')}",
                )
            )
    return rows


# --- hearvox ---------------------------------------------------------------------------------

_DISAMBIGUATOR = re.compile(r"\s*\([^)]*\)\s*$")


def read_us_cities(root: Path, us: str, skipped: Counter[str]) -> list[SourceRow]:
    rows: list[SourceRow] = []
    for number, item in enumerate(_tsv(root / HEARVOX / "data/wikidata-us-cities.tsv"), 2):
        qid = valid_qid(item["WD-QID"])
        name = item["placeLabel"].strip()
        if qid is None or QID.match(name):
            skipped["hearvox/us-cities: no QID or no label"] += 1
            continue
        rows.append(
            SourceRow(
                source="hearvox/us-cities",
                qid=qid,
                name=name,
                cls="Place",
                country=us,
                kind="city",
                region=item["state"],
                origin=f"data/wikidata-us-cities.tsv:{number}",
            )
        )
    return rows


def read_us_newspapers(root: Path, us: str, skipped: Counter[str]) -> list[SourceRow]:
    rows: list[SourceRow] = []
    for number, item in enumerate(_tsv(root / HEARVOX / "data/wikipedia-us-newspapers.tsv"), 2):
        qid = valid_qid(item["qid"])
        if qid is None:
            skipped["hearvox/us-newspapers: no QID"] += 1
            continue
        title = item["WP-title"].strip()
        rows.append(
            SourceRow(
                source="hearvox/us-newspapers",
                qid=qid,
                name=_DISAMBIGUATOR.sub("", title),
                cls="NewsOrganisation",
                country=us,
                kind="disambiguated" if _DISAMBIGUATOR.search(title) else "newspaper",
                region=item["state"],
                origin=f"data/wikipedia-us-newspapers.tsv:{number}",
            )
        )
    return rows


# --- yyyuanfish (Wikidata fields only) -------------------------------------------------------


def read_yyyuanfish(root: Path, countries: Countries) -> Yyyuanfish:
    records: dict[str, list[tuple[str, int, dict[str, object]]]] = {}
    for name in YYYUANFISH_FILES:
        path = root / YYYUANFISH / name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                record = json.loads(line)
                records.setdefault(str(record["qid"]), []).append((name, number, record))
    evidence: set[str] = set()
    rows: list[SourceRow] = []
    groups: list[tuple[str, str, str]] = []
    skipped: Counter[str] = Counter()
    known = set(countries.population)
    for qid, found in records.items():
        merged = _merge_records(found)
        for prop in PLACE_PROPERTIES:
            evidence.update(merged.properties.get(prop, ()))
        if valid_qid(qid) is None:
            skipped["yyyuanfish: no valid QID"] += 1
            continue
        groups.extend(_groups_of(qid, merged))
        row = _yyyuanfish_row(qid, merged, known, skipped)
        if row is not None:
            rows.append(row)
    return Yyyuanfish(rows, frozenset(evidence), groups, skipped)


@dataclass
class _Merged:
    labels: list[str]
    aliases: list[str]
    instance_of: list[str]
    properties: dict[str, list[str]]
    sitelinks: int
    origin: str


def _merge_records(found: list[tuple[str, int, dict[str, object]]]) -> _Merged:
    merged = _Merged([], [], [], {}, 0, f"{found[0][0]}:{found[0][1]}")
    links: set[str] = set()
    for _name, _number, record in found:
        label = _dict(record.get("labels")).get("en")
        if isinstance(label, str) and label.strip() and label not in merged.labels:
            merged.labels.append(label.strip())
        for alias in _list(_dict(record.get("aliases")).get("en")):
            if alias not in merged.aliases:
                merged.aliases.append(alias)
        for cls in _list(record.get("instance_of")):
            if cls not in merged.instance_of:
                merged.instance_of.append(cls)
        for prop, values in _dict(record.get("raw_attrib_qids")).items():
            target = merged.properties.setdefault(prop, [])
            target.extend(v for v in _list(values) if v not in target)
        links.update(k for k, v in _dict(record.get("sitelinks")).items() if v)
    merged.sitelinks = len(links)
    return merged


def _yyyuanfish_row(
    qid: str, merged: _Merged, known_countries: set[str], skipped: Counter[str]
) -> SourceRow | None:
    if not merged.labels:
        skipped["yyyuanfish: no English label"] += 1
        return None
    cls = class_of_instance(merged.instance_of)
    if cls is None:
        skipped["yyyuanfish: no verified entity class (events, lists, works, ...)"] += 1
        return None
    if cls == "Country":
        country: str | None = qid
    else:
        prop = "P27" if cls == "Person" else "P17"
        current = [c for c in merged.properties.get(prop, []) if c in known_countries]
        country = current[0] if len(set(current)) == 1 else None
    return SourceRow(
        source="yyyuanfish",
        qid=qid,
        name=merged.labels[0],
        cls=cls,
        aliases=tuple(merged.labels[1:]) + tuple(merged.aliases),
        country=country,
        prominence=sitelink_prominence(merged.sitelinks),
        kind="record",
        origin=merged.origin,
    )


def _groups_of(qid: str, merged: _Merged) -> Iterator[tuple[str, str, str]]:
    countries = merged.properties.get("P17", [])
    if len(countries) != 1 or not merged.labels:
        return
    for cls in merged.instance_of:
        if cls in GROUP_CLASSES:
            yield countries[0], GROUP_CLASSES[cls], qid


# --- supraverden -----------------------------------------------------------------------------

_SUPRAVERDEN_ALIAS_FIELD = re.compile(
    r"^(Name_other(_\d+)?|Name_former|Abbreviation(_other(_\d+)?"
    r"|_former)?)_en$"
)


def read_supraverden(root: Path, skipped: Counter[str]) -> list[SourceRow]:
    path = root / SUPRAVERDEN / "data/general_list.yaml"
    records = parse_records(path.read_text(encoding="utf-8"), origin=str(path))
    rows: list[SourceRow] = []
    for key, record in records.items():
        qid = valid_qid(record.get("Wikidata_code"))
        if qid is None:
            skipped["supraverden: no QID ([No code found.])"] += 1
            continue
        label = _text(record.get("Name_en")) or key
        aliases = [key] if key != label else []
        aliases += [
            text
            for name, value in record.items()
            if _SUPRAVERDEN_ALIAS_FIELD.match(name) and (text := _text(value))
        ]
        rows.append(
            SourceRow(
                source="supraverden",
                qid=qid,
                name=label,
                cls="InternationalOrganisation",
                aliases=tuple(aliases),
                kind="organisation",
                origin=f"data/general_list.yaml#{_text(record.get('SPRVD_id')) or key}",
            )
        )
    return rows


# --- nuclear power plants --------------------------------------------------------------------

_POINT = re.compile(r"Point\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)")


def read_eulalia(root: Path, countries: Countries, skipped: Counter[str]) -> list[SourceRow]:
    rows: list[SourceRow] = []
    for name in EULALIA_FILES:
        for number, item in enumerate(_csv(root / EULALIA / name), 2):
            qid = valid_qid(item["nuclearReactor"])
            label = item["nuclearReactorLabel"].strip()
            if qid is None or QID.match(label):
                skipped["eulalia: no QID or no English label"] += 1
                continue
            point = _POINT.search(item.get("GeoCoordinates") or "")
            rows.append(
                SourceRow(
                    source="eulalia",
                    qid=qid,
                    name=label,
                    cls="NuclearPowerPlant",
                    country=countries.by_name.get(normalise(item["CountryLabel"])),
                    kind="plant",
                    lon=float(point.group(1)) if point else None,
                    lat=float(point.group(2)) if point else None,
                    origin=f"{name}:{number}",
                )
            )
    return rows


_UNIT_SUFFIX = re.compile(r"\s*-\s*[A-Z]{0,2}[0-9]{0,2}[A-Z]?[0-9]?$")


def read_geonuclear_units(root: Path, countries: Countries) -> list[Unit]:
    path = root / GEONUCLEAR / "data/csv/denormalized/nuclear_power_plants.csv"
    units: list[Unit] = []
    for number, item in enumerate(_csv(path), 2):
        units.append(
            Unit(
                plant=plant_name_of_unit(item["Name"]),
                country=countries.by_iso2.get(item["CountryCode"]),
                lat=_float(item["Latitude"]),
                lon=_float(item["Longitude"]),
                origin=f"nuclear_power_plants.csv:{number}",
            )
        )
    return units


def plant_name_of_unit(unit: str) -> str:
    """ "Zaporozhye-1" -> "Zaporozhye"; "Daya Bay-1 (Guangdong-1)" -> "Daya Bay"."""
    name = _DISAMBIGUATOR.sub("", unit.strip())
    stripped = _UNIT_SUFFIX.sub("", name)
    return stripped if stripped.strip() else name


# --- econandrew ------------------------------------------------------------------------------


def read_econandrew(root: Path, countries: Countries, skipped: Counter[str]) -> list[SourceRow]:
    """English labels and aliases per country (languages en, en-gb, en-ca); flag emoji and
    lower-case ISO codes ("ua", "ru") are left out."""
    names: dict[str, dict[str, None]] = {}
    labels: dict[str, str] = {}
    path = root / ECONANDREW / "country_aliases/country_aliases.csv"
    for item in _csv(path):
        if item["language"] not in {"en", "en-gb", "en-ca"}:
            continue
        qid = countries.by_iso3.get(item["iso3c"])
        text = item["label"].strip()
        if qid is None:
            skipped["econandrew: ISO3 code not in dr5hn"] += 1
            continue
        if not any(ch.isalpha() for ch in text) or (text.islower() and len(text) <= 3):
            continue
        if item["language"] == "en" and item["label_type"] == "official":
            labels.setdefault(qid, text)
        names.setdefault(qid, {})[text] = None
    rows = []
    for qid, found in names.items():
        label = labels.get(qid) or next(iter(found))
        rows.append(
            SourceRow(
                source="econandrew",
                qid=qid,
                name=label,
                cls="Country",
                aliases=tuple(n for n in found if n != label),
                country=qid,
                kind="country",
                origin="country_aliases/country_aliases.csv",
            )
        )
    return rows


# --- helpers ---------------------------------------------------------------------------------


def _json(path: Path) -> list[dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read {path}", why=str(exc), fix=_FIX) from exc
    if not isinstance(data, list):
        raise SourceError(f"{path} is not a JSON list", fix=_FIX)
    return data


def _csv(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise SourceError(f"cannot read {path}", why=str(exc), fix=_FIX) from exc


def _tsv(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except OSError as exc:
        raise SourceError(f"cannot read {path}", why=str(exc), fix=_FIX) from exc


_FIX = "point --source at a copy of ../shared/wikidata (see its SOURCES.md)"


def _float(value: object) -> float | None:
    try:
        result = float(str(value))
    except ValueError:
        return None
    return result if math.isfinite(result) else None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
