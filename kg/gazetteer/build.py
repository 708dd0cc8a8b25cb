"""``kg gazetteer build``: turn the Wikidata-derived source files into the bundled gazetteer.

Reproducible: the same source files give byte-identical output files (sorted rows, no times).
Rows are kept apart by licence (ODbL, CC BY-SA, MIT, CC0 each in their own file, see
:data:`OUTPUT_FILE_OF_SOURCE`); a ``MANIFEST.json`` and a ``README.md`` record the sources, their
commits and licences, the row counts and every rule's drop count.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import KgError
from kg.gazetteer import crosscheck
from kg.gazetteer import sources as src
from kg.gazetteer.classes import CLASS_MAPPINGS
from kg.gazetteer.crosscheck import Checked, Dropped
from kg.gazetteer.readme import render_readme
from kg.gazetteer.sources import SourceRow
from kg.gazetteer.table import (
    ALIAS_SEPARATOR,
    CAPITAL_COLUMNS,
    CAPITAL_FILE,
    DEMONYM_COLUMNS,
    DEMONYM_FILE,
    ENTRY_COLUMNS,
    ENTRY_FILES,
    GROUP_COLUMNS,
    GROUP_FILE,
    WITHHELD_COLUMNS,
)
from kg.model import CORE_CLASS
from kg.names import normalise, variant_key, variant_of_normalised

#: Which output file a source's rows go to: one file per licence, never mixed.
OUTPUT_FILE_OF_SOURCE = {
    "yyyuanfish": "wikidata-cc0.tsv",
    "eulalia": "wikidata-cc0.tsv",
    "hearvox/us-cities": "wikidata-cc0.tsv",
    "hearvox/us-newspapers": "wikidata-cc0.tsv",
    "supraverden": "supraverden-ccbysa.tsv",
    "dr5hn/countries": "dr5hn-odbl.tsv",
    "dr5hn/states": "dr5hn-odbl.tsv",
    "dr5hn/cities": "dr5hn-odbl.tsv",
    "econandrew": "econandrew-mit.tsv",
    "geonucleardata": "geonucleardata-odbl.tsv",
}
FILE_LICENCE = {
    "wikidata-cc0.tsv": "CC0 1.0 (Wikidata facts)",
    "supraverden-ccbysa.tsv": "CC BY-SA 4.0 (SupraVerden by confirmordeny)",
    "dr5hn-odbl.tsv": "ODbL 1.0 (Countries States Cities Database)",
    "econandrew-mit.tsv": "MIT (Copyright (c) 2017 Andrew Whitby)",
    "geonucleardata-odbl.tsv": "ODbL 1.0 (GeoNuclearData, Cristian Stoica)",
    DEMONYM_FILE: "ODbL 1.0 (Countries States Cities Database)",
    CAPITAL_FILE: "ODbL 1.0 (Countries States Cities Database)",
    GROUP_FILE: "CC0 1.0 (Wikidata facts)",
    "withheld-cc0.tsv": "CC0 1.0 (Wikidata facts)",
    "withheld-ccbysa.tsv": "CC BY-SA 4.0 (SupraVerden by confirmordeny)",
    "withheld-odbl.tsv": "ODbL 1.0 (Countries States Cities Database)",
}
#: Where the withheld names of an entry file's sources go (same licence).
WITHHELD_FILE_OF = {
    "wikidata-cc0.tsv": "withheld-cc0.tsv",
    "supraverden-ccbysa.tsv": "withheld-ccbysa.tsv",
    "dr5hn-odbl.tsv": "withheld-odbl.tsv",
}


@dataclass(frozen=True, slots=True)
class Source:
    folder: str
    repo: str
    commit: str
    licence: str


#: Upstream of each source folder, as recorded in ``../shared/wikidata/SOURCES.md``.
SOURCES = (
    Source(
        src.DR5HN,
        "dr5hn/countries-states-cities-database",
        "7fda0afd3e75391d9480c22ed3a2b91f50e08eb6",
        "ODbL 1.0 + DbCL 1.0",
    ),
    Source(
        src.HEARVOX,
        "hearvox/wiki-media-cred",
        "e61118c66e052c5afc1d07136dae37f8fbf70f3a",
        "CC0 1.0",
    ),
    Source(
        src.YYYUANFISH,
        "yyyuanfish/russia-ukrain-war",
        "4c261d6823c52f645c54ae93c24848bee067031b",
        "no licence file; only Wikidata fields used (CC0)",
    ),
    Source(
        src.SUPRAVERDEN,
        "confirmordeny/supraverden",
        "59ab4fa0f92f3c75bb45e230908e612f15e8dbdf",
        "CC BY-SA 4.0",
    ),
    Source(
        src.EULALIA,
        "eulalia/MapsBloOld",
        "f36e461b93db959c14bfadbab150aa284ed5471d",
        "no licence file; a Wikidata query result (CC0)",
    ),
    Source(
        src.GEONUCLEAR,
        "cristianst85/GeoNuclearData",
        "1bc8b4ac106af236902385b87e46c540b4864815",
        "ODbL 1.0 + DbCL 1.0",
    ),
    Source(
        src.ECONANDREW,
        "econandrew/sparql_queries",
        "51c11b835e9c30603bf85e44e688612ce5a6d29d",
        "MIT",
    ),
)


#: dr5hn's files, broadest first: which one keeps a QID that they give to different names.
DR5HN_LEVELS = ("dr5hn/countries", "dr5hn/states", "dr5hn/cities")


class GazetteerBuildError(KgError):
    """The gazetteer cannot be built from the given source folder."""


@dataclass(frozen=True, slots=True)
class OutputFile:
    name: str
    licence: str
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class BuildSummary:
    """What a build wrote, and what it left out and why."""

    out_dir: Path
    files: tuple[OutputFile, ...]
    kept: dict[str, int]
    dropped: tuple[Dropped, ...]
    skipped: dict[str, int]
    inputs: dict[str, str] = field(default_factory=dict)

    def dropped_counts(self) -> dict[str, int]:
        """``"source: reason"`` -> number of rows, sorted."""
        counts = Counter(f"{d.source}: {d.reason}" for d in self.dropped)
        return dict(sorted(counts.items()))

    def report(self) -> str:
        """A few readable lines for the CLI."""
        lines = [f"gazetteer written to {self.out_dir}"]
        lines += [f"  {f.name}: {f.rows} rows, {f.bytes} bytes ({f.licence})" for f in self.files]
        lines.append("kept rows by source:")
        lines += [f"  {k}: {v}" for k, v in sorted(self.kept.items())]
        lines.append("left out:")
        lines += [f"  {k}: {v}" for k, v in {**self.skipped, **self.dropped_counts()}.items()]
        return "\n".join(lines)


def build_gazetteer(
    source_dir: Path, out_dir: Path, *, verify_evidence: bool = True
) -> BuildSummary:
    """Build the gazetteer files from ``source_dir`` (a copy of ``../shared/wikidata``) into
    ``out_dir``. Same input, byte-identical output. ``verify_evidence=False`` skips
    :func:`verify_class_evidence`, for partial copies of the sources (test fixtures)."""
    _check_sources(source_dir)
    if verify_evidence:
        verify_class_evidence(source_dir)
    collected = _collect(source_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [
        *_write_entries(out_dir, collected.rows),
        _write_table(out_dir / DEMONYM_FILE, DEMONYM_COLUMNS, collected.demonyms),
        _write_table(out_dir / GROUP_FILE, GROUP_COLUMNS, collected.groups),
        _write_table(out_dir / CAPITAL_FILE, CAPITAL_COLUMNS, collected.capitals),
        *_write_withheld(out_dir, collected.dropped, collected.rows),
    ]
    summary = BuildSummary(
        out_dir=out_dir,
        files=tuple(files),
        kept=dict(sorted(Counter(r.source for r in collected.rows).items())),
        dropped=collected.dropped,
        skipped=dict(sorted(collected.skipped.items())),
        inputs={s.folder: _digest_folder(source_dir / s.folder) for s in SOURCES},
    )
    _copy_licences(source_dir, out_dir / "licences")
    _write_text(out_dir / "MANIFEST.json", manifest_json(summary))
    _write_text(out_dir / "README.md", render_readme(summary, SOURCES))
    return summary


@dataclass
class _Collected:
    rows: tuple[SourceRow, ...]
    dropped: tuple[Dropped, ...]
    skipped: Counter[str]
    demonyms: list[tuple[str, ...]]
    groups: list[tuple[str, ...]]
    capitals: list[tuple[str, ...]]


def _collect(root: Path) -> _Collected:
    """Read every source and apply the cross-check rules, in a fixed order."""
    skipped: Counter[str] = Counter()
    dropped: list[Dropped] = []

    def keep(checked: Checked) -> tuple[SourceRow, ...]:
        dropped.extend(checked.dropped)
        return checked.kept

    countries_rows, countries = src.read_countries(root)
    states = src.read_states(root, countries, skipped)
    cities = src.read_cities(root, countries, skipped)
    wiki = src.read_yyyuanfish(root, countries)
    skipped.update(wiki.skipped)
    us = countries.by_iso2["US"]
    us_cities = keep(
        crosscheck.drop_shared_qids(
            src.read_us_cities(root, us, skipped), also_differ=lambda r: r.region
        )
    )
    papers = keep(crosscheck.drop_ambiguous_titles(src.read_us_newspapers(root, us, skipped)))
    papers = keep(crosscheck.drop_shared_qids(papers))
    orgs = keep(crosscheck.drop_shared_qids(src.read_supraverden(root, skipped)))
    plants = tuple(_with_short_names(src.read_eulalia(root, countries, skipped)))
    units = keep(crosscheck.plants_of_units(src.read_geonuclear_units(root, countries), plants))
    country_names = src.read_econandrew(root, countries, skipped)

    capitals = src.read_capital_evidence()
    raw = list(crosscheck.correct_capitals([*countries_rows, *states, *cities], capitals))
    others = [*countries_rows, *states, *us_cities, *wiki.rows]
    dr5hn = keep(_checked_dr5hn(raw, others, wiki, frozenset(capitals.values())))
    towns = [r for r in raw if r.kind in TOWN_KINDS]
    dr5hn = crosscheck.qualify_region_names(dr5hn, towns)
    dr5hn = crosscheck.region_aliases(dr5hn, towns)
    dr5hn = crosscheck.impute_subdivision_prominence(dr5hn)

    every = [*wiki.rows, *plants, *us_cities, *papers, *orgs, *dr5hn, *country_names, *units]
    rows = keep(crosscheck.resolve_classes(every))
    demonyms, dropped_demonyms = crosscheck.resolve_demonyms(
        countries.demonyms, countries.population
    )
    groups, dropped_groups = crosscheck.resolve_groups(wiki.groups)
    dropped.extend((*dropped_demonyms, *dropped_groups))
    present = {r.qid for r in rows}
    return _Collected(
        rows=rows,
        dropped=tuple(dropped),
        skipped=skipped,
        demonyms=sorted((w, q) for w, q in demonyms.items()),
        groups=sorted((c, k, q) for (c, k), q in groups.items() if q in present),
        capitals=sorted(set(countries.capitals)),
    )


#: dr5hn row kinds that are towns (see :data:`kg.gazetteer.sources.CITY_LEVEL_TYPES`).
TOWN_KINDS = frozenset({"city", "capital"})


def _checked_dr5hn(
    raw: Sequence[SourceRow],
    others: Sequence[SourceRow],
    wiki: src.Yyyuanfish,
    evidenced: frozenset[str],
) -> Checked:
    """dr5hn's rows through its three rules, each seeing every raw row (see ``combine``);
    a capital is confirmed only by rows outside dr5hn's city files (``others``) or by public
    evidence for its QID (``evidenced``)."""
    return crosscheck.combine(
        raw,
        crosscheck.drop_shared_qids(raw, levels=DR5HN_LEVELS, place_evidence=wiki.place_evidence),
        crosscheck.resolve_town_conflicts(raw, wiki.place_evidence),
        crosscheck.confirm_capitals(raw, others, wiki.place_evidence, evidenced),
    )


def _with_short_names(rows: Iterable[SourceRow]) -> Iterable[SourceRow]:
    for row in rows:
        yield replace(row, aliases=row.aliases + crosscheck.plant_short_names(row.name))


def entry_lines(rows: Sequence[SourceRow]) -> list[tuple[str, ...]]:
    """One line per QID of ``rows`` (all of one output file): the first row's name is the label,
    the other names are aliases (each once); sorted by QID number."""
    by_qid: dict[str, list[SourceRow]] = {}
    for row in rows:
        by_qid.setdefault(row.qid, []).append(row)
    lines: list[tuple[str, ...]] = []
    for qid in sorted(by_qid, key=lambda q: int(q[1:])):
        group = by_qid[qid]
        label = _clean(group[0].name)
        seen = {normalise(label)}
        aliases = []
        for name in (n for r in group for n in (r.name, *r.aliases)):
            name = _clean(name)
            if name and ALIAS_SEPARATOR not in name and normalise(name) not in seen:
                seen.add(normalise(name))
                aliases.append(name)
        prominence = max(r.prominence for r in group)
        point = next((r for r in group if r.lat is not None and r.lon is not None), None)
        lines.append(
            (
                qid,
                group[0].cls,
                label,
                ALIAS_SEPARATOR.join(aliases),
                next((r.country for r in group if r.country), None) or "",
                f"{prominence:.3f}" if prominence > 0 else "",
                "+".join(sorted({r.source for r in group})),
                _level(group),
                degrees(point.lat) if point else "",
                degrees(point.lon) if point else "",
            )
        )
    return lines


#: Source row kinds that say what level of place a row is.
LEVEL_OF_KIND = {"country": "country", "region": "region", "city": "town", "capital": "town"}
#: Sources whose row kinds are those of :data:`LEVEL_OF_KIND`.
LEVELLED_SOURCES = frozenset(
    {"dr5hn/countries", "dr5hn/states", "dr5hn/cities", "hearvox/us-cities", "econandrew"}
)


def _level(group: Sequence[SourceRow]) -> str:
    """The broadest level the rows of a QID give it: country, region or town (or none)."""
    levels = {LEVEL_OF_KIND.get(r.kind, "") for r in group if r.source in LEVELLED_SOURCES} | {
        "country" for r in group if r.cls == "Country"
    }
    return next((level for level in ("country", "region", "town") if level in levels), "")


def degrees(value: float | None) -> str:
    """A latitude or longitude to 4 decimals (about 10 m), without trailing zeros."""
    if value is None:
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _write_entries(out_dir: Path, rows: Sequence[SourceRow]) -> list[OutputFile]:
    written = []
    for name in ENTRY_FILES:
        mine = [r for r in rows if OUTPUT_FILE_OF_SOURCE[r.source] == name]
        written.append(_write_table(out_dir / name, ENTRY_COLUMNS, entry_lines(mine)))
    return written


def withheld_lines(
    dropped: Iterable[Dropped], kept: Iterable[SourceRow], namesakes: frozenset[tuple[str, str]]
) -> list[tuple[str, ...]]:
    """One line per (name, class, country) of the dropped rows, with the highest prominence,
    sorted; only for names that some kept entry of the same core class also answers to (by
    :func:`~kg.names.variant_key`, in ``namesakes``), since only those could be mislinked, and
    not where a kept row already has that name, class and country."""
    covered = {(normalise(n), r.cls, r.country) for r in kept for n in (r.name, *r.aliases)}
    best: dict[tuple[str, str, str], tuple[float, str, str]] = {}
    for item in dropped:
        key = (normalise(item.name), item.cls, item.country or "")
        if not item.cls or not key[0] or (key[0], item.cls, item.country) in covered:
            continue
        if (variant_of_normalised(key[0]), CORE_CLASS[item.cls]) not in namesakes:
            continue
        if key not in best or item.prominence > best[key][0]:
            best[key] = (item.prominence, _clean(item.name), item.reason)
    return [
        (name, cls, country, f"{prominence:.3f}" if prominence > 0 else "", reason)
        for (_, cls, country), (prominence, name, reason) in sorted(best.items())
    ]


def _write_withheld(
    out_dir: Path, dropped: Sequence[Dropped], kept: Sequence[SourceRow]
) -> list[OutputFile]:
    namesakes = frozenset(
        (variant_key(n), CORE_CLASS[r.cls]) for r in kept for n in (r.name, *r.aliases)
    )
    written = []
    for entry_file, name in WITHHELD_FILE_OF.items():
        sources = {s for s, f in OUTPUT_FILE_OF_SOURCE.items() if f == entry_file}
        lines = withheld_lines(
            (d for d in dropped if d.source in sources),
            (r for r in kept if r.source in sources),
            namesakes,
        )
        written.append(_write_table(out_dir / name, WITHHELD_COLUMNS, lines))
    return written


def _write_table(
    path: Path, columns: tuple[str, ...], lines: Sequence[tuple[str, ...]]
) -> OutputFile:
    text = "".join("\t".join(line) + "\n" for line in [columns, *lines])
    data = _write_text(path, text)
    return OutputFile(
        path.name, FILE_LICENCE[path.name], len(lines), len(data), hashlib.sha256(data).hexdigest()
    )


def _write_text(path: Path, text: str) -> bytes:
    """Write atomically (a reader never sees half a file)."""
    data = text.encode("utf-8")
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return data


def _clean(name: str) -> str:
    return " ".join(name.replace("\t", " ").split())


def manifest_json(summary: BuildSummary) -> str:
    manifest = {
        "sources": [
            {
                "folder": s.folder,
                "repository": f"https://github.com/{s.repo}",
                "commit": s.commit,
                "licence": s.licence,
                "sha256_of_folder": summary.inputs.get(s.folder, ""),
            }
            for s in SOURCES
        ],
        "files": [
            {
                "name": f.name,
                "licence": f.licence,
                "rows": f.rows,
                "bytes": f.bytes,
                "sha256": f.sha256,
            }
            for f in summary.files
        ],
        "kept_rows_by_source": summary.kept,
        "left_out": {**summary.skipped, **summary.dropped_counts()},
    }
    return json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def verify_class_evidence(root: Path) -> None:
    """Stop the build if an evidence record of :data:`kg.gazetteer.classes.CLASS_MAPPINGS` no longer
    says what the table claims (same line, QID, label, description, and P31 value)."""
    lines: dict[str, list[str]] = {}
    for mapping in CLASS_MAPPINGS:
        for ev in mapping.evidence:
            path = root / src.YYYUANFISH / ev.path
            if ev.path not in lines:
                lines[ev.path] = path.read_text(encoding="utf-8").splitlines()
            record = (
                json.loads(lines[ev.path][ev.line - 1]) if ev.line <= len(lines[ev.path]) else {}
            )
            ok = (
                record.get("qid") == ev.qid
                and record.get("labels", {}).get("en") == ev.label
                and record.get("descriptions", {}).get("en") == ev.description
                and mapping.wikidata_class in record.get("instance_of", [])
            )
            if not ok:
                raise GazetteerBuildError(
                    f"the evidence for class {mapping.wikidata_class} ({mapping.cls}) fails",
                    why=f"{ev.path}:{ev.line} is not {ev.qid} {ev.label!r} with P31 "
                    f"{mapping.wikidata_class}",
                    fix="check the source folder's version, then update kg/gazetteer/classes.py",
                )


#: Licence files copied next to the data they govern (source folder, file, copy's name).
LICENCE_FILES = (
    (src.DR5HN, "LICENSE", "dr5hn-ODbL-1.0.txt"),
    (src.DR5HN, "CONTENT_LICENSE", "dr5hn-DbCL-1.0.txt"),
    (src.GEONUCLEAR, "LICENSE", "GeoNuclearData-LICENSE.txt"),
    (src.SUPRAVERDEN, "LICENSE.md", "supraverden-CC-BY-SA-4.0.md"),
    (src.ECONANDREW, "LICENSE", "econandrew-MIT.txt"),
    (src.HEARVOX, "LICENSE", "hearvox-CC0-1.0.txt"),
)


def _copy_licences(root: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for source, name, copy in LICENCE_FILES:
        _write_text(folder / copy, (root / source / name).read_text(encoding="utf-8"))


def _check_sources(root: Path) -> None:
    missing = [s.folder for s in SOURCES if not (root / s.folder).is_dir()]
    if missing:
        raise GazetteerBuildError(
            f"{root} does not hold the gazetteer sources",
            why=f"missing folder(s): {', '.join(missing)}",
            fix="pass --source pointing at a copy of ../shared/wikidata",
        )


def _digest_folder(folder: Path) -> str:
    """SHA-256 over the sorted (path, SHA-256) pairs of a folder's files."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        digest.update(f"{relative}\t{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()
