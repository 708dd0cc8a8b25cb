"""The gazetteer build's trust rules: which source rows to keep, which to drop, and why.

Pure functions over :class:`~kg.gazetteer.sources.SourceRow` lists; no I/O. Each rule
returns the rows it keeps and a :class:`Dropped` record per row it rejects, so the build can say
exactly what it left out. The rules follow ``../shared/wikidata/SOURCES.md``: a QID that one source
gives to different names is unreliable; capital-city QIDs of dr5hn's city files need a check;
when two sources disagree on the QID of one place, a third source decides, or nothing is kept.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from kg.gazetteer.sources import SourceRow, Unit
from kg.model import CORE_CLASS
from kg.names import facility_core, normalise, variant_key

#: Two rows of one name in one country this close (km) describe the same town.
SAME_PLACE_KM = 25.0
#: A region this close (km) to a town of its name is named after it ("Minsk" oblast, city).
NAMED_AFTER_KM = 50.0
#: A reactor unit this close (km) to exactly one Wikidata plant of its country is part of it.
SAME_PLANT_KM = 10.0
#: A QID shared by several names of one file stays with the one whose population is this many
#: times that of every other (Donetsk, 901,645 people, over the village Donskoye, 1,997).
DOMINANT_POPULATION_RATIO = 100
#: How many subdivisions of a country need a known population before the others get theirs.
MIN_SIBLINGS = 3
#: A shared demonym goes to the country that lists it first if it is this much more populous.
DEMONYM_POPULATION_RATIO = 50
#: Classes that say less than their siblings; a source with a more specific class wins.
GENERIC_CLASSES = frozenset({"Organisation", "Place", "Facility"})
#: Which source's class wins when two give different specific classes (Wikidata P31 first).
CLASS_AUTHORITY = (
    "yyyuanfish",
    "eulalia",
    "supraverden",
    "hearvox/us-newspapers",
    "dr5hn/countries",
    "econandrew",
    "hearvox/us-cities",
    "dr5hn/states",
    "dr5hn/cities",
)


@dataclass(frozen=True, slots=True)
class Dropped:
    """A source row left out of the gazetteer, and the rule that left it out. ``cls``,
    ``country`` and ``prominence`` are the row's own, kept for the withheld-names table."""

    source: str
    qid: str
    name: str
    reason: str
    origin: str
    cls: str = ""
    country: str | None = None
    prominence: float = 0.0


@dataclass(frozen=True, slots=True)
class Checked:
    kept: tuple[SourceRow, ...]
    dropped: tuple[Dropped, ...]


def drop(row: SourceRow, reason: str) -> Dropped:
    return Dropped(
        row.source, row.qid, row.name, reason, row.origin, row.cls, row.country, row.prominence
    )


def distance_km(a: SourceRow | Unit, b: SourceRow | Unit) -> float | None:
    """Great-circle distance, or None when a position is unknown."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def within_km(a: SourceRow | Unit, b: SourceRow | Unit, km: float) -> bool:
    """True if both positions are known and at most ``km`` apart."""
    distance = distance_km(a, b)
    return distance is not None and distance <= km


def drop_shared_qids(
    rows: Sequence[SourceRow],
    *,
    also_differ: Callable[[SourceRow], str] | None = None,
    levels: Sequence[str] = (),
    place_evidence: frozenset[str] = frozenset(),
) -> Checked:
    """Drop the rows of a QID that the rows give to different names (under
    :func:`~kg.names.variant_key`), or, with ``also_differ``, to different values of it (e.g.
    two US states): one of them is wrong. With ``levels`` (sources, broadest first, e.g.
    countries, states, cities), a QID that one level gives to one name keeps that level's rows
    and loses the narrower ones: the known error is a locality carrying its parent district's
    QID (SOURCES.md). Within one level, a name whose population dwarfs the others' keeps the
    QID (:func:`_dominant_name`) only when a third source uses the QID as a place
    (``place_evidence``): the sloppy copying can also go the other way (The Hague and a village
    share a QID that is neither's); otherwise every row of the QID goes."""
    level = {source: i for i, source in enumerate(levels)}
    by_qid: dict[str, list[SourceRow]] = defaultdict(list)
    for row in rows:
        by_qid[row.qid].append(row)
    rejected: set[int] = set()
    for group in by_qid.values():
        if not _disagree(group, also_differ):
            continue
        top = min(level.get(r.source, len(level)) for r in group)
        broadest = [r for r in group if level.get(r.source, len(level)) == top]
        if bool(levels) and top < len(level) and len(broadest) < len(group):
            group, narrower = broadest, [r for r in group if r not in broadest]
            rejected.update(id(r) for r in narrower)
            if not _disagree(group, also_differ):
                continue
        winner = _dominant_name(group) if group[0].qid in place_evidence else None
        rejected.update(id(r) for r in group if variant_key(r.name) != winner)
    return _split(rows, lambda r: "QID shared by different names" if id(r) in rejected else None)


def _dominant_name(group: Sequence[SourceRow]) -> str | None:
    """The name (variant key) whose population is :data:`DOMINANT_POPULATION_RATIO` times that
    of every other name's row (all populations known): the QID is the big place's, copied onto
    small ones. None when there is no such name."""
    if any(r.prominence <= 0 for r in group):
        return None
    best: dict[str, float] = {}
    for row in group:
        key = variant_key(row.name)
        best[key] = max(best.get(key, 0.0), row.prominence)
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) < 2:
        return None  # one name: the rows disagree on something else (e.g. the US state)
    gap = math.log10(DOMINANT_POPULATION_RATIO) / 7.0  # prominence is log10(population) / 7
    return ranked[0][0] if ranked[0][1] - ranked[1][1] >= gap - 1e-9 else None


def _disagree(group: Sequence[SourceRow], also_differ: Callable[[SourceRow], str] | None) -> bool:
    if len({variant_key(r.name) for r in group}) > 1:
        return True
    return also_differ is not None and len({also_differ(r) for r in group}) > 1


def drop_ambiguous_titles(rows: Sequence[SourceRow]) -> Checked:
    """Drop newspapers whose Wikipedia title needed a disambiguator ("The Day (New London)") and
    whose bare title is one word: Wikipedia itself says that word names other things too."""

    def reason(row: SourceRow) -> str | None:
        if row.kind == "disambiguated" and len(normalise(row.name).split()) <= 1:
            return "one-word title that Wikipedia had to disambiguate"
        return None

    return _split(rows, reason)


def resolve_town_conflicts(rows: Sequence[SourceRow], place_evidence: frozenset[str]) -> Checked:
    """A dr5hn city-file row and a city-level states.csv row of one name and country, close
    together, with different QIDs, claim the same town. Keep the one QID that a third source
    uses as a place (yyyuanfish birthplaces, locations, headquarters); if none or both, keep
    neither (SOURCES.md: Kyiv Q1899 over Q517568, Minsk Q2280 over Q21579751, ...)."""
    towns: dict[tuple[str | None, str], list[SourceRow]] = defaultdict(list)
    for row in rows:
        if row.source == "dr5hn/states" and row.kind == "city":
            towns[(row.country, variant_key(row.name))].append(row)
    rejected: dict[str, str] = {}
    for row in rows:
        if row.source != "dr5hn/cities":
            continue
        rivals = [
            other
            for other in towns.get((row.country, variant_key(row.name)), [])
            if other.qid != row.qid and within_km(row, other, SAME_PLACE_KM)
        ]
        if not rivals:
            continue
        claims = [row, *rivals]
        evidenced = {c.qid for c in claims if c.qid in place_evidence}
        for claim in claims:
            if len(evidenced) != 1:
                rejected[claim.origin] = "two sources give this town different QIDs; no third"
            elif claim.qid not in evidenced:
                rejected[claim.origin] = "two sources disagree; a third supports the other QID"
    return _split(rows, lambda r: rejected.get(r.origin))


def correct_capitals(
    rows: Sequence[SourceRow], evidence: Mapping[tuple[str, str], str]
) -> tuple[SourceRow, ...]:
    """Capital rows of dr5hn's city files with the QID public evidence gives the city where it
    differs (Lisbon: Q597, not dr5hn's Q33690701), unless another row already holds that QID
    under another name (a region, or the country of a city-state: then the row stays as it
    is, to be withheld)."""
    names_of: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        names_of[row.qid].add(normalise(row.name))
    result = []
    for row in rows:
        found = evidence.get((normalise(row.name), row.country or ""))
        if row.kind == "capital" and found and found != row.qid:
            if names_of.get(found, set()) <= {normalise(row.name)}:
                row = replace(row, qid=found, origin=f"{row.origin} (QID from public evidence)")
        result.append(row)
    return tuple(result)


def confirm_capitals(
    rows: Sequence[SourceRow],
    others: Sequence[SourceRow],
    place_evidence: frozenset[str],
    evidenced: frozenset[str] = frozenset(),
) -> Checked:
    """Keep a capital row of dr5hn's city files only if its QID is confirmed: another source
    gives the same QID to the same name, a third source uses it as a place, or public files
    pair the city with it (``evidenced``; SOURCES.md: "never take a capital's QID from
    cities/*.json without checking it")."""
    confirmed = {(r.qid, variant_key(r.name)) for r in others if r.kind != "capital"}

    def reason(row: SourceRow) -> str | None:
        if row.kind != "capital" or row.qid in place_evidence or row.qid in evidenced:
            return None
        if (row.qid, variant_key(row.name)) in confirmed:
            return None
        return "capital-city QID of dr5hn's city files not confirmed by any other source"

    return _split(rows, reason)


#: dr5hn region types whose regions are named after their centre town ("Bryansk", an oblast of
#: Russia named after the city of Bryansk), with the English word news writes after the name.
NAMED_AFTER_CENTRE = {
    "administrative region": "Oblast",
    "oblast": "Oblast",
    "administrative territory": "Krai",
    "province": "Province",
}
#: Words news writes after a region's name ("the Donetsk region", "Kherson oblast"): a region
#: answers to "<its town> <word>" for each (kg.names.normalise ignores case).
REGION_WORDS = ("region", "oblast", "province")
#: The share of a town's name a region's name must start with to be named after that town
#: ("Donetska" after Donetsk, "Zaporizka" after Zaporizhia), and at least this many letters.
STEM_SHARE = 0.6
STEM_LETTERS = 4


def qualify_region_names(
    rows: Sequence[SourceRow], towns: Iterable[SourceRow]
) -> tuple[SourceRow, ...]:
    """Rename a region that shares its bare name with a town of its country ("Minsk", oblast) to
    "<name> <Type>" ("Minsk Oblast"): in news the bare name means the town, so the region must
    not answer to it (even where the town's own QID was dropped). The town is known nearby, or,
    for a country whose town file is missing from the sources, the region is of a type named
    after its centre town (:data:`NAMED_AFTER_CENTRE`: "Bryansk" becomes "Bryansk Oblast")."""
    town_keys: dict[tuple[str | None, str], list[SourceRow]] = defaultdict(list)
    with_towns: set[str | None] = set()
    for town in towns:
        town_keys[(town.country, variant_key(town.name))].append(town)
        if town.source == "dr5hn/cities":
            with_towns.add(town.country)
    result = []
    for row in rows:
        if row.source == "dr5hn/states" and row.kind == "region" and row.region:
            near = town_keys.get((row.country, variant_key(row.name)), [])
            if any(within_km(row, t, NAMED_AFTER_KM) for t in near):
                row = replace(row, name=f"{row.name} {row.region.title()}")
            elif row.country not in with_towns and row.region in NAMED_AFTER_CENTRE:
                row = replace(row, name=f"{row.name} {NAMED_AFTER_CENTRE[row.region]}")
        result.append(row)
    return tuple(result)


def region_aliases(rows: Sequence[SourceRow], towns: Iterable[SourceRow]) -> tuple[SourceRow, ...]:
    """Give each region the names news calls it by: "<town> region", "<town> oblast",
    "<town> province" (:data:`REGION_WORDS`), where the town is the one its name is made from:
    its own name before a designator ("Bryansk" of "Bryansk Oblast"), or the most populous town
    of the same subdivision whose name the region's name starts with ("Donetska" after Donetsk),
    or failing that such a town of the country near it (a city with a status of its own sits
    in the region named after it: Kyiv in Kyivska). The bare town name stays the town's."""
    by_subdivision: defaultdict[str, list[SourceRow]] = defaultdict(list)
    by_country: defaultdict[str | None, list[SourceRow]] = defaultdict(list)
    for town in towns:
        if town.subdivision:
            by_subdivision[town.subdivision].append(town)
        if town.source == "dr5hn/states":  # a city that is a subdivision of its own
            by_country[town.country].append(town)
    result = []
    for row in rows:
        if row.source == "dr5hn/states" and row.kind == "region":
            near = [t for t in by_country[row.country] if within_km(row, t, NAMED_AFTER_KM)]
            named = _towns_named_in(row, by_subdivision[row.subdivision]) or _towns_named_in(
                row, near, whole=True
            )
            stems = {t.name for t in named}
            own = _designated_stem(row.name)
            if own is not None:
                stems.add(own)
            names = [f"{stem} {word}" for stem in sorted(stems) for word in REGION_WORDS]
            fresh = tuple(n for n in names if normalise(n) != normalise(row.name))
            row = replace(row, aliases=row.aliases + fresh)
        result.append(row)
    return tuple(result)


def _designated_stem(name: str) -> str | None:
    """The name before a designator word ("Bryansk" of "Bryansk Oblast"), else None."""
    words = name.split()
    designators = {w.lower() for w in (*NAMED_AFTER_CENTRE.values(), *REGION_WORDS)}
    if len(words) > 1 and words[-1].lower() in designators:
        return " ".join(words[:-1])
    return None


def _towns_named_in(
    region: SourceRow, towns: Sequence[SourceRow], *, whole: bool = False
) -> list[SourceRow]:
    """The most populous town of the region whose name the region's name starts with; with
    ``whole``, a town whose whole name it starts with counts however short ("Kyiv")."""
    key = variant_key(region.name)
    named = []
    for town in towns:
        stem = variant_key(town.name)
        shared = len(_common_prefix(key, stem))
        enough = shared >= STEM_LETTERS or (whole and shared == len(stem) >= 3)
        if enough and shared >= STEM_SHARE * len(stem):
            named.append(town)
    return sorted(named, key=lambda t: (-t.prominence, t.name))[:1]


def _common_prefix(a: str, b: str) -> str:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return a[:length]


def impute_subdivision_prominence(rows: Sequence[SourceRow]) -> tuple[SourceRow, ...]:
    """Give a states.csv row without a population the median prominence of its country's
    subdivisions that have one (at least :data:`MIN_SIBLINGS`): a subdivision is about as
    populous as its siblings. Without it, Berlin (no population in states.csv) would lose to a
    village called Berlín that has one."""
    known: dict[str | None, list[float]] = defaultdict(list)
    for row in rows:
        if row.source == "dr5hn/states" and row.prominence > 0:
            known[row.country].append(row.prominence)
    median = {c: statistics.median(v) for c, v in known.items() if len(v) >= MIN_SIBLINGS}
    return tuple(
        replace(row, prominence=round(median[row.country], 3))
        if row.source == "dr5hn/states" and row.prominence <= 0 and row.country in median
        else row
        for row in rows
    )


def resolve_classes(rows: Sequence[SourceRow]) -> Checked:
    """Give every row of a QID one class. Sources that disagree on the core class (a person vs
    a place) make the QID unusable; otherwise the most specific class wins, and between two
    specific ones the more authoritative source (:data:`CLASS_AUTHORITY`)."""
    by_qid: dict[str, list[SourceRow]] = defaultdict(list)
    for row in rows:
        by_qid[row.qid].append(row)
    chosen: dict[str, str | None] = {q: _one_class(group) for q, group in by_qid.items()}
    kept = tuple(replace(r, cls=c) for r in rows if (c := chosen[r.qid]) is not None)
    dropped = tuple(
        drop(r, "sources disagree on what kind of entity this QID is")
        for r in rows
        if chosen[r.qid] is None
    )
    return Checked(kept, dropped)


def _one_class(group: list[SourceRow]) -> str | None:
    classes = {r.cls for r in group}
    if len({CORE_CLASS[c] for c in classes}) > 1:
        return None
    specific = [r for r in group if r.cls not in GENERIC_CLASSES] or group
    rank = {s: i for i, s in enumerate(CLASS_AUTHORITY)}
    return min(specific, key=lambda r: rank.get(r.source, len(rank))).cls


def plant_short_names(label: str) -> tuple[str, ...]:
    """Short names of a power plant from its label: "Chernobyl Nuclear Power Plant" ->
    ("Chernobyl", "Chernobyl NPP"), the forms news use once the plant is introduced."""
    core = facility_core(label)
    if core == label.strip() or len(core) < 3:
        return ()
    return core, f"{core} NPP"


def plants_of_units(units: Sequence[Unit], plants: Sequence[SourceRow]) -> Checked:
    """Alias rows from reactor units: a unit whose country matches and which lies within
    :data:`SAME_PLANT_KM` of exactly one QID'd plant gives that plant its unit name
    ("Zaporozhye-1" -> "Zaporozhye" for Q909477); other units are dropped with the reason."""
    by_country: dict[str | None, dict[str, SourceRow]] = defaultdict(dict)
    for plant in plants:
        by_country[plant.country].setdefault(plant.qid, plant)
    kept: dict[tuple[str, str], SourceRow] = {}
    dropped: list[Dropped] = []
    for unit in units:
        near = {
            qid
            for qid, plant in by_country.get(unit.country, {}).items()
            if within_km(unit, plant, SAME_PLANT_KM)
        }
        if unit.country is None or len(near) != 1:
            why = (
                "country unknown"
                if unit.country is None
                else "no Wikidata plant of its country nearby"
                if not near
                else "several Wikidata plants nearby"
            )
            dropped.append(Dropped("geonucleardata", "", unit.plant, why, unit.origin))
            continue
        qid = near.pop()
        kept.setdefault(
            (qid, normalise(unit.plant)),
            SourceRow(
                source="geonucleardata",
                qid=qid,
                name=unit.plant,
                cls="NuclearPowerPlant",
                country=unit.country,
                kind="unit",
                lat=unit.lat,
                lon=unit.lon,
                origin=unit.origin,
            ),
        )
    return Checked(tuple(kept.values()), tuple(dropped))


def resolve_demonyms(
    demonyms: Iterable[tuple[str, str, int]], population: Mapping[str, int]
) -> tuple[dict[str, str], tuple[Dropped, ...]]:
    """One country per demonym. A word several countries list ("Chinese": China, Macau, Taiwan)
    goes to the one that lists it first if that is the only one to do so, or the only one by far
    the most populous (:data:`DEMONYM_POPULATION_RATIO`); otherwise it is dropped."""
    claims: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for word, qid, position in demonyms:
        claims[normalise(word)].append((word, qid, position))
    table: dict[str, str] = {}
    dropped: list[Dropped] = []
    for _key, found in sorted(claims.items()):
        countries = {qid for _, qid, _ in found}
        winner = (
            next(iter(countries)) if len(countries) == 1 else _demonym_winner(found, population)
        )
        if winner is None:
            dropped.extend(
                Dropped("dr5hn/countries", q, w, "demonym of several countries", "nationality")
                for w, q, _ in found
            )
        else:
            table[found[0][0]] = winner
    return table, tuple(dropped)


def _demonym_winner(found: list[tuple[str, str, int]], population: Mapping[str, int]) -> str | None:
    primary = sorted({qid for _, qid, position in found if position == 0})
    if len(primary) == 1:
        return primary[0]
    ranked = sorted(primary, key=lambda q: population.get(q, 0), reverse=True)
    if len(ranked) >= 2:
        first, second = (population.get(q, 0) for q in ranked[:2])
        if first >= DEMONYM_POPULATION_RATIO * max(second, 1):
            return ranked[0]
    return None


def resolve_groups(
    groups: Iterable[tuple[str, str, str]],
) -> tuple[dict[tuple[str, str], str], tuple[Dropped, ...]]:
    """One national group per (country, kind); a country with two candidates gets none."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for country, kind, qid in groups:
        found[(country, kind)].add(qid)
    table = {key: next(iter(q)) for key, q in found.items() if len(q) == 1}
    dropped = tuple(
        Dropped("yyyuanfish", q, f"{kind} of {country}", "several national groups", "P17")
        for (country, kind), qids in sorted(found.items())
        if len(qids) > 1
        for q in sorted(qids)
    )
    return table, dropped


def combine(rows: Sequence[SourceRow], *checks: Checked) -> Checked:
    """Apply several rules that each looked at all of ``rows``: a row stays only if every rule
    kept it, and is reported once, with the first rule's reason. Rules see the same rows, so a
    claim one rule rejects still counts as evidence for the others (a dropped row of a QID
    still shows that the QID is shared)."""
    reasons: dict[str, Dropped] = {}
    for check in checks:
        for dropped in check.dropped:
            reasons.setdefault(dropped.origin, dropped)
    kept = tuple(r for r in rows if r.origin not in reasons)
    return Checked(kept, tuple(reasons.values()))


def _split(rows: Sequence[SourceRow], reason_of: Callable[[SourceRow], str | None]) -> Checked:
    kept: list[SourceRow] = []
    dropped: list[Dropped] = []
    for row in rows:
        reason = reason_of(row)
        if reason is None:
            kept.append(row)
        else:
            dropped.append(drop(row, reason))
    return Checked(tuple(kept), tuple(dropped))
