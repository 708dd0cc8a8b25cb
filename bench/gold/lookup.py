"""Find the rows of the Wikidata-derived source files that name a thing or carry a QID.

    python bench/gold/lookup.py "Donetsk"            # rows whose label or alias is the name
    python bench/gold/lookup.py Q1899                # rows that carry this QID
    python bench/gold/lookup.py "Zaporizh" --prefix  # labels starting with a prefix

An annotation aid for the golds (README.md): it prints the source file, the row's label, kind,
country and QID, so that a QID in the gold cites the row that shows it. It reads the raw
sources in ``../shared/wikidata`` (development time only), never the project's gazetteer.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent.parent.parent / "shared" / "wikidata"
Row = tuple[str, str, str, str, str]
NAME_FIELD = re.compile(
    r"\n\s+(Name_en|Abbreviation_en|Name_other\w*_en|Abbreviation_other\w*_en):\s*(.+)"
)  # file, qid, label, kind, country / detail


def dr5hn(root: Path) -> Iterator[tuple[Row, list[str]]]:
    base = root / "dr5hn__countries-states-cities-database"
    for c in json.loads((base / "json" / "countries.json").read_text("utf-8")):
        names = [c["name"], c.get("native") or "", c.get("iso2") or "", c.get("iso3") or ""]
        yield ("dr5hn countries.json", c.get("wikiDataId") or "", c["name"], "country",
               f"nationality={c.get('nationality')}"), names  # fmt: skip
    with (base / "csv" / "states.csv").open(encoding="utf-8") as f:
        for s in csv.DictReader(f):
            yield ("dr5hn states.csv", s.get("wikiDataId") or "", s["name"],
                   f"state/{s.get('type')}", s.get("country_code") or ""), [s["name"]]  # fmt: skip
    for path in sorted((base / "contributions" / "cities").glob("*.json")):
        for t in json.loads(path.read_text("utf-8")):
            yield (f"dr5hn cities/{path.name}", t.get("wikiDataId") or "", t["name"],
                   f"city/{t.get('type')} pop={t.get('population')}",
                   f"{t.get('country_code')}/{t.get('state_code')}"), [t["name"]]  # fmt: skip


def yyyuanfish(root: Path) -> Iterator[tuple[Row, list[str]]]:
    base = root / "yyyuanfish__russia-ukrain-war"
    for path in sorted(base.rglob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            label = (d.get("labels") or {}).get("en") or ""
            aliases = (d.get("aliases") or {}).get("en") or []
            desc = (d.get("descriptions") or {}).get("en") or ""
            yield (f"yyyuanfish {path.relative_to(base)}", d.get("qid", ""), label,
                   f"instance_of={d.get('instance_of')}", desc[:90]), [label, *aliases]  # fmt: skip


def supraverden(root: Path) -> Iterator[tuple[Row, list[str]]]:
    text = (root / "confirmordeny__supraverden" / "data" / "general_list.yaml").read_text("utf-8")
    for block in re.split(r"\n(?=\S)", text):
        key = block.split(":", 1)[0].strip().strip("'\"")
        qid = re.search(r"Wikidata_code:\s*'?(Q\d+)", block)
        names = [key] + [m.group(2).strip().strip("'\"") for m in NAME_FIELD.finditer(block)]
        yield ("supraverden general_list.yaml", qid.group(1) if qid else "", key,
               "international organisation", ""), names  # fmt: skip


def hearvox(root: Path) -> Iterator[tuple[Row, list[str]]]:
    base = root / "hearvox__wiki-media-cred" / "data"
    with (base / "wikipedia-us-newspapers.tsv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            yield ("hearvox us-newspapers", r.get("qid") or "", r.get("WP-title") or "",
                   "US newspaper", r.get("state") or ""), [r.get("WP-title") or ""]  # fmt: skip
    with (base / "wikidata-us-cities.tsv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            qid = (r.get("WD-QID") or "").rsplit("/", 1)[-1]
            yield ("hearvox us-cities", qid, r.get("placeLabel") or "", "US city",
                   r.get("state") or ""), [r.get("placeLabel") or ""]  # fmt: skip


def nuclear(root: Path) -> Iterator[tuple[Row, list[str]]]:
    for path in sorted((root / "eulalia__MapsBloOld").rglob("*.csv")):
        with path.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                qid = (r.get("nuclearReactor") or "").rsplit("/", 1)[-1]
                label = r.get("nuclearReactorLabel") or ""
                yield (f"eulalia {path.relative_to(root / 'eulalia__MapsBloOld')}", qid, label,
                       "nuclear power plant", r.get("CountryLabel") or ""), [label]  # fmt: skip


def rows(root: Path) -> list[tuple[Row, list[str]]]:
    """Every row of every source, read once and then kept in a pickle under /tmp (the sources
    are read-only, so the index stays valid; several annotators share it)."""
    index = Path(tempfile.gettempdir()) / f"newskg-gold-lookup-{os.getuid()}.pickle"
    if index.is_file():
        with index.open("rb") as f:
            loaded: list[tuple[Row, list[str]]] = pickle.load(f)
        return loaded
    everything = [
        row for source in (dr5hn, yyyuanfish, supraverden, hearvox, nuclear) for row in source(root)
    ]
    temp = index.with_suffix(f".{os.getpid()}.tmp")
    with temp.open("wb") as f:
        pickle.dump(everything, f)
    os.replace(temp, index)
    return everything


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("query")
    parser.add_argument("--prefix", action="store_true", help="match names starting with it")
    parser.add_argument("--sources", type=Path, default=SOURCES)
    options = parser.parse_args()
    query = options.query.strip()
    by_qid = re.fullmatch(r"Q[1-9][0-9]*", query) is not None
    wanted = query.casefold()
    for row, names in rows(options.sources):
        if by_qid:
            hit = row[1] == query
        elif options.prefix:
            hit = any(n.casefold().startswith(wanted) for n in names if n)
        else:
            hit = any(n.casefold() == wanted for n in names if n)
        if hit:
            print("\t".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
