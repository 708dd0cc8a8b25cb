"""The bundled gazetteer: Wikidata entities (QID, label, aliases, class, country) to link to.

The files in ``kg/data/gazetteer/`` are built by ``kg gazetteer build``
(:mod:`kg.gazetteer.build`) and kept apart by licence; one QID may have a row in several of
them, and loading merges those rows into one :class:`GazetteerEntry`. The label comes from the
most authoritative file (:data:`ENTRY_FILES` order: Wikidata's own labels first), every other name
becomes an alias.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from kg.errors import KgError
from kg.model import ENTITY_CLASSES
from kg.names import close_variants, normalise, variant_key, variant_of_normalised

GAZETTEER_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"

#: Entry files, the one whose label wins first. All have the columns of :data:`ENTRY_COLUMNS`.
ENTRY_FILES = (
    "wikidata-cc0.tsv",
    "supraverden-ccbysa.tsv",
    "dr5hn-odbl.tsv",
    "econandrew-mit.tsv",
    "geonucleardata-odbl.tsv",
)
ENTRY_COLUMNS = (
    "qid", "cls", "label", "aliases", "country", "prominence", "source", "level", "lat", "lon"
)  # fmt: skip
#: What kind of place an entry is, where the sources say (:data:`LEVELS`), else empty.
LEVELS = ("country", "region", "town")
DEMONYM_FILE = "demonyms-odbl.tsv"
DEMONYM_COLUMNS = ("demonym", "country")
GROUP_FILE = "groups-cc0.tsv"
GROUP_COLUMNS = ("country", "kind", "qid")
#: Each country's capital by name (dr5hn's countries.json), for "Moscow denied" and namesakes.
CAPITAL_FILE = "capitals-odbl.tsv"
CAPITAL_COLUMNS = ("capital", "country")
#: Names whose source rows the build had to drop (see :class:`Withheld`), one file per licence.
WITHHELD_FILES = ("withheld-cc0.tsv", "withheld-ccbysa.tsv", "withheld-odbl.tsv")
WITHHELD_COLUMNS = ("name", "cls", "country", "prominence", "reason")
#: Separates aliases (and sources) inside one column; never part of a name.
ALIAS_SEPARATOR = "|"
GROUP_KINDS = ("ArmedForces", "GovernmentBody")

QID = re.compile(r"^Q[1-9][0-9]*$")


class GazetteerError(KgError):
    """The gazetteer files are missing or malformed."""


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One Wikidata entity we may link to. ``country`` is a country QID; ``prominence`` in [0, 1]
    comes from population or Wikipedia sitelinks where a source has them, else 0."""

    qid: str
    label: str
    aliases: tuple[str, ...]
    cls: str
    country: str | None
    source: str
    prominence: float = 0.0
    level: str = ""
    #: WGS84 latitude and longitude in degrees, from the entry's own source (its licence).
    lat: float | None = None
    lon: float | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True, slots=True)
class Withheld:
    """A name the sources give to an entity whose QID the build could not trust (a shared QID,
    two sources in conflict, an unconfirmed capital). The real entity is then missing from the
    gazetteer, so a weaker namesake must not be linked in its place ("London", Ontario, when
    the sources' QID for London, England was unusable)."""

    name: str
    cls: str
    country: str | None
    prominence: float
    reason: str


class Gazetteer:
    """Entries with name indexes, demonyms and national groups; immutable once built."""

    def __init__(
        self,
        entries: Iterable[GazetteerEntry],
        demonyms: Mapping[str, str] | None = None,
        groups: Mapping[tuple[str, str], str] | None = None,
        withheld: Iterable[Withheld] = (),
        capitals: Mapping[str, str] | None = None,
    ) -> None:
        self.entries: tuple[GazetteerEntry, ...] = tuple(entries)
        self._by_qid = MappingProxyType({e.qid: e for e in self.entries})
        self._exact = _frozen(_exact_index(self.entries))
        self._demonyms = MappingProxyType({normalise(k): v for k, v in (demonyms or {}).items()})
        self._demonym_variants = _unique_variants(self._demonyms)
        self._groups = MappingProxyType(dict(groups or {}))
        self._withheld = tuple(withheld)
        self._capitals = MappingProxyType(
            {variant_key(name): country for name, country in (capitals or {}).items()}
        )

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, name: str) -> tuple[GazetteerEntry, ...]:
        """Entries with a label or alias equal to ``name`` under :func:`kg.names.normalise`."""
        return self._exact.get(normalise(name), ())

    def lookup_variant(self, name: str) -> tuple[GazetteerEntry, ...]:
        """Entries with a label or alias that is a spelling variant of ``name``
        (:func:`kg.names.close_variants`)."""
        return tuple(
            e
            for e in self._variant.get(variant_key(name), ())
            if any(close_variants(name, n) for n in (e.label, *e.aliases))
        )

    @cached_property
    def _variant(self) -> Mapping[str, tuple[GazetteerEntry, ...]]:
        """Built on first use: loading stays fast for callers that never need variants."""
        return _frozen(_variant_index(self._exact))

    def lookup_surname(self, name: str) -> tuple[GazetteerEntry, ...]:
        """People whose full name ends in ``name`` or a spelling variant of it ("Zelensky":
        Volodymyr Zelenskyy). News calls the people it has introduced, and leaders, by surname."""
        key = variant_key(name)
        return tuple(
            e
            for e in self._surnames.get(key, ())
            if any(close_variants(name, n.split()[-1]) for n in (e.label, *e.aliases) if " " in n)
        )

    @cached_property
    def _surnames(self) -> Mapping[str, tuple[GazetteerEntry, ...]]:
        index: dict[str, list[GazetteerEntry]] = defaultdict(list)
        for entry in self.entries:
            if entry.cls != "Person":
                continue
            for name in (entry.label, *entry.aliases):
                words = name.split()
                if len(words) > 1 and entry not in index[variant_key(words[-1])]:
                    index[variant_key(words[-1])].append(entry)
        return _frozen(index)

    def withheld(self, name: str) -> tuple[Withheld, ...]:
        """Withheld names that are spelling variants of ``name`` (see
        :func:`kg.names.close_variants`)."""
        return tuple(
            w
            for w in self._withheld_index.get(variant_key(name), ())
            if close_variants(name, w.name)
        )

    @cached_property
    def _withheld_index(self) -> Mapping[str, tuple[Withheld, ...]]:
        index: dict[str, list[Withheld]] = defaultdict(list)
        for item in self._withheld:
            index[variant_key(item.name)].append(item)
        return MappingProxyType({k: tuple(v) for k, v in index.items()})

    def by_qid(self, qid: str) -> GazetteerEntry | None:
        return self._by_qid.get(qid)

    def country_of_demonym(self, word: str) -> str | None:
        """The country QID of a nationality word ("Russian" -> "Q159"; plural and spelling
        variants too: "Ukrainians", "Belarussian"); None if unknown or shared by countries."""
        key = normalise(word)
        for candidate in (key, key[:-1] if key.endswith("s") else None):
            if candidate and candidate in self._demonyms:
                return self._demonyms[candidate]
        loose = variant_key(key)
        found = self._demonym_variants.get(loose)
        if found is None and loose.endswith("s"):
            found = self._demonym_variants.get(loose[:-1])
        return found

    def group(self, country_qid: str, kind: str) -> GazetteerEntry | None:
        """The country's national group of ``kind`` ("ArmedForces" or "GovernmentBody"), e.g.
        Q159 ArmedForces -> Q193159 Russian Armed Forces; None where the data has none."""
        if kind not in GROUP_KINDS:
            raise GazetteerError(
                f"unknown group kind {kind!r}", fix=f"use one of: {', '.join(GROUP_KINDS)}"
            )
        qid = self._groups.get((country_qid, kind))
        return self.by_qid(qid) if qid else None

    def capital_of(self, name: str) -> str | None:
        """The country whose capital ``name`` is (a spelling variant counts), else None."""
        return self._capitals.get(variant_key(name))

    def capital_entries(self, name: str) -> tuple[GazetteerEntry, ...]:
        """The towns ``name`` names in the country it is the capital of: the capital itself
        (none when its QID did not survive the cross-checks)."""
        country = self.capital_of(name)
        if country is None:
            return ()
        found = self.lookup(name) or self.lookup_variant(name)
        return tuple(e for e in found if e.country == country and e.level == "town")

    def demonyms(self) -> Mapping[str, str]:
        """Normalised demonym -> country QID (read-only)."""
        return self._demonyms


def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """The gazetteer in ``directory``, by default the bundled one (about a second: load it once
    per process and pass it on)."""
    return read_gazetteer(GAZETTEER_DIR if directory is None else directory)


def read_gazetteer(directory: Path) -> Gazetteer:
    """Read and merge the gazetteer files of ``directory`` (no caching)."""
    rows: list[GazetteerEntry] = []
    for name in ENTRY_FILES:
        rows.extend(parse_entry_rows(_read_table(directory / name, ENTRY_COLUMNS)))
    demonyms = {w: c for w, c in _read_table(directory / DEMONYM_FILE, DEMONYM_COLUMNS)}
    groups = {(c, k): q for c, k, q in _read_table(directory / GROUP_FILE, GROUP_COLUMNS)}
    capitals = {n: c for n, c in _read_table(directory / CAPITAL_FILE, CAPITAL_COLUMNS)}
    withheld = [
        Withheld(name, cls, country or None, float(prominence or 0), reason)
        for file in WITHHELD_FILES
        for name, cls, country, prominence, reason in _read_table(
            directory / file, WITHHELD_COLUMNS
        )
    ]
    return Gazetteer(merge_rows(rows), demonyms, groups, withheld, capitals)


def parse_entry_rows(table: Iterable[tuple[str, ...]]) -> Iterator[GazetteerEntry]:
    """Entry rows as :class:`GazetteerEntry` values (one per file row, not yet merged)."""
    classes = frozenset(ENTITY_CLASSES)
    for qid, cls, label, aliases, country, prominence, source, level, *point in table:
        valid_level = not level or level in LEVELS
        if not (_is_qid(qid) and cls in classes and (not country or _is_qid(country))) or not (
            valid_level
        ):
            raise GazetteerError(
                f"malformed gazetteer row for {qid!r}",
                why=f"class {cls!r} or country {country!r} is not valid",
                fix="rebuild the gazetteer with `kg gazetteer build`",
            )
        yield GazetteerEntry(
            qid,
            label,
            tuple(aliases.split(ALIAS_SEPARATOR)) if aliases else (),
            cls,
            country or None,
            source,
            float(prominence) if prominence else 0.0,
            level,
            *_coordinates(qid, point),
        )


def _coordinates(qid: str, point: list[str]) -> tuple[float | None, float | None]:
    """Latitude and longitude of a row (both or neither), checked to be on the globe."""
    lat, lon = ([*point, "", ""])[:2]
    if not lat and not lon:
        return None, None
    try:
        found = float(lat), float(lon)
    except ValueError:
        found = (math.nan, math.nan)
    if not (-90 <= found[0] <= 90 and -180 <= found[1] <= 180):
        raise GazetteerError(
            f"malformed gazetteer coordinates for {qid!r}: {lat!r}, {lon!r}",
            why="latitude must be in [-90, 90] and longitude in [-180, 180] degrees",
            fix="rebuild the gazetteer with `kg gazetteer build`",
        )
    return found


def _is_qid(text: str) -> bool:
    return text[:1] == "Q" and text[1:].isdigit() and text[1:2] != "0"


def merge_rows(rows: Iterable[GazetteerEntry]) -> tuple[GazetteerEntry, ...]:
    """One entry per QID: the first row's label and class, every other name as an alias (once),
    the first known country, the highest prominence, all sources. Sorted by QID number."""
    grouped: dict[str, list[GazetteerEntry]] = defaultdict(list)
    for row in rows:
        grouped[row.qid].append(row)
    merged = (_merge(group) for group in grouped.values())
    return tuple(sorted(merged, key=lambda e: int(e.qid[1:])))


def _merge(rows: list[GazetteerEntry]) -> GazetteerEntry:
    first = rows[0]
    if len(rows) == 1:
        return first
    seen = {normalise(first.label)}
    aliases: list[str] = []
    for name in (n for row in rows for n in row.names):
        key = normalise(name)
        if key not in seen:
            seen.add(key)
            aliases.append(name)
    sources = dict.fromkeys(s for row in rows for s in row.source.split("+"))
    return GazetteerEntry(
        qid=first.qid,
        label=first.label,
        aliases=tuple(aliases),
        cls=first.cls,
        country=next((r.country for r in rows if r.country), None),
        source="+".join(sources),
        prominence=max(r.prominence for r in rows),
        level=_broadest_level(r.level for r in rows),
        **_first_point(rows),
    )


def _broadest_level(levels: Iterable[str]) -> str:
    """The broadest level any row gives (a QID two files call a country and a town is the
    country); empty when none says."""
    given = set(levels)
    return next((level for level in LEVELS if level in given), "")


def _first_point(rows: list[GazetteerEntry]) -> dict[str, float | None]:
    """The coordinates of the first row that has them (files are read in label order)."""
    row = next((r for r in rows if r.lat is not None and r.lon is not None), None)
    return {"lat": row.lat, "lon": row.lon} if row else {"lat": None, "lon": None}


def _exact_index(entries: tuple[GazetteerEntry, ...]) -> dict[str, list[GazetteerEntry]]:
    """Entries by the :func:`normalise` key of each of their names."""
    index: dict[str, list[GazetteerEntry]] = {}
    for entry in entries:
        for name in entry.names:
            key = normalise(name)
            found = index.setdefault(key, [])
            if not found or found[-1] is not entry:
                found.append(entry)
    return index


def _variant_index(
    exact: Mapping[str, tuple[GazetteerEntry, ...]],
) -> dict[str, list[GazetteerEntry]]:
    """Entries by the :func:`variant_key` of each name, from the exact index's keys."""
    index: dict[str, list[GazetteerEntry]] = {}
    for key, entries in exact.items():
        found = index.setdefault(variant_of_normalised(key), [])
        found.extend(e for e in entries if e not in found)
    return index


def _frozen(index: dict[str, list[GazetteerEntry]]) -> Mapping[str, tuple[GazetteerEntry, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in index.items()})


def _unique_variants(table: Mapping[str, str]) -> Mapping[str, str]:
    found: dict[str, set[str]] = defaultdict(set)
    for word, country in table.items():
        found[variant_key(word)].add(country)
    return MappingProxyType({k: next(iter(v)) for k, v in found.items() if len(v) == 1})


def _read_table(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Rows of a tab-separated file whose first line names exactly ``columns``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GazetteerError(
            f"cannot read gazetteer file {path}",
            why=str(exc),
            fix="reinstall newskg, or rebuild the gazetteer with `kg gazetteer build`",
        ) from exc
    lines = text.splitlines()
    if not lines or tuple(lines[0].split("\t")) != columns:
        raise GazetteerError(
            f"gazetteer file {path} has an unexpected header",
            why=f"expected the columns {', '.join(columns)}",
            fix="rebuild the gazetteer with `kg gazetteer build`",
        )
    for number, line in enumerate(lines[1:], 2):
        fields = tuple(line.split("\t"))
        if len(fields) != len(columns):
            raise GazetteerError(
                f"{path}:{number}: expected {len(columns)} tab-separated fields",
                fix="rebuild the gazetteer with `kg gazetteer build`",
            )
        yield fields
