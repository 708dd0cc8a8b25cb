"""What the server says about a build: its identity (for HTTP caching), its files, its counts.

The dataset hash is the SHA-256 of ``SHA256SUMS``: it changes exactly when a dump changes, so it
makes ETags that stay valid across restarts and across servers publishing the same build. The
time a build finished (``build-report.json``) is its Last-Modified. Counts come from ``void.ttl``
when the build has one; otherwise :func:`count_store` computes them (in a query worker, under the
query timeout, because counting reads the whole store).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyoxigraph import (
    Literal,
    NamedNode,
    QuerySolution,
    QuerySolutions,
    RdfFormat,
    Store,
    parse,
)

from kg import counts
from kg.counts import Counts, entities_of
from kg.errors import DatasetError, SettingsError
from kg.layout import CHECKSUMS, REPORT
from kg.settings import Settings
from kg.vocab import OWL, RDF, VOID

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class BuildInfo:
    """One released build folder, read once when the server (re)opens it."""

    path: Path
    dataset_hash: str
    finished: datetime | None
    report: dict[str, Any]
    checksums: dict[str, str]

    @property
    def build_id(self) -> str:
        return self.path.name

    @property
    def base_iri(self) -> str | None:
        """The base IRI the build minted its IRIs under (``build-report.json``), if it says."""
        base = self.report.get("base_iri")
        return base if isinstance(base, str) and base.startswith(("http://", "https://")) else None


def served_base_iri(info: BuildInfo, settings: Settings) -> str:
    """The base IRI to serve ``info`` under: the build's own. A base IRI given by flag or
    ``KG_BASE_IRI`` must be the build's (else every Linked Data page would be a 404); a build
    that does not say uses the setting."""
    own = info.base_iri
    if own is None:
        return settings.base_iri
    if "base_iri" in settings.given and settings.base_iri != own:
        raise SettingsError(
            f"the base IRI given ({settings.base_iri}) is not the one {info.path} was built with "
            f"({own})",
            why="a build's IRIs are minted under its base IRI (build-report.json says which), so "
            "a server with another base could dereference none of them",
            fix=f"drop --base-iri / KG_BASE_IRI (the build's own is used), or rebuild with "
            f"`kg build --base-iri {settings.base_iri}`",
        )
    return own


@dataclass(frozen=True)
class PublishedFile:
    name: str
    size: int
    sha256: str | None


def read_checksums(path: Path) -> dict[str, str]:
    """``SHA256SUMS`` (``<hex>  <name>`` lines) as name -> hex digest; empty when absent."""
    if not path.is_file():
        return {}
    sums: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if digest and name:
            sums[name.strip().lstrip("*")] = digest.strip()
    return sums


def _finished(report: dict[str, Any]) -> datetime | None:
    stamp = report.get("finished")
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def read_build_info(directory: Path) -> BuildInfo:
    """The build ``directory`` points at now (a ``dist`` symlink is resolved once, here)."""
    path = directory.resolve()
    report_file = path / REPORT
    if not report_file.is_file():
        raise DatasetError(
            f"{directory} is not a released newskg build",
            why=f"it has no {REPORT}",
            fix=f"run `kg build --out {directory}` first",
        )
    try:
        report = json.loads(report_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{report_file} cannot be read", why=str(exc)) from exc
    sums_file = path / CHECKSUMS
    identity = sums_file if sums_file.is_file() else report_file
    digest = hashlib.sha256(identity.read_bytes()).hexdigest()
    report = report if isinstance(report, dict) else {}
    return BuildInfo(path, digest, _finished(report), report, read_checksums(sums_file))


def published_files(info: BuildInfo) -> list[PublishedFile]:
    """The downloadable files of a build: regular files directly in it, never hidden ones."""
    files = []
    for entry in sorted(info.path.iterdir()):
        if entry.is_file() and not entry.is_symlink() and _SAFE_NAME.match(entry.name):
            files.append(
                PublishedFile(entry.name, entry.stat().st_size, info.checksums.get(entry.name))
            )
    return files


def published_file(info: BuildInfo, name: str) -> Path | None:
    """The file ``name`` of the build, or None for anything else (no path ever leaves it)."""
    if not _SAFE_NAME.match(name):
        return None
    path = info.path / name
    if path.is_symlink() or not path.is_file() or path.parent != info.path:
        return None
    return path


def _int(term: Any) -> int | None:
    if isinstance(term, Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None


def counts_from_void(path: Path) -> Counts | None:
    """The counts (:mod:`kg.counts`) a VoID file states for its ``void:Dataset`` with
    ``void:triples``; None without one. Entities are the instances of the entity classes (one
    class each), links the ``owl:sameAs`` triples (only entities have one, to Wikidata)."""
    if not path.is_file():
        return None
    try:
        triples = list(parse(path=str(path), format=RdfFormat.TURTLE))
    except (OSError, SyntaxError):
        return None
    values: dict[tuple[str, str], list[Any]] = {}
    for t in triples:
        values.setdefault((str(t.subject), t.predicate.value), []).append(t.object)
    datasets = [t.subject for t in triples if t.predicate == RDF.type and t.object == VOID.Dataset]
    for dataset in datasets:
        total = values.get((str(dataset), VOID.triples.value))
        if not total:
            continue
        classes = _partitions(
            values, str(dataset), VOID.classPartition, VOID["class"], VOID.entities
        )
        properties = dict(
            _partitions(values, str(dataset), VOID.propertyPartition, VOID.property, VOID.triples)
        )
        resources = values.get((str(dataset), VOID.entities.value))
        return Counts(
            triples=_int(total[0]),
            resources=_int(resources[0]) if resources else None,
            entities=entities_of(classes),
            linked=properties.get(OWL.sameAs.value, 0),
            classes=tuple(sorted(classes, key=lambda c: (-c[1], c[0]))),
        )
    return None


def _partitions(
    values: dict[tuple[str, str], list[Any]],
    dataset: str,
    partition: NamedNode,
    key: NamedNode,
    count: NamedNode,
) -> list[tuple[str, int]]:
    found = []
    for part in values.get((dataset, partition.value), []):
        keys = values.get((str(part), key.value))
        numbers = values.get((str(part), count.value))
        if keys and numbers and isinstance(keys[0], NamedNode):
            found.append((keys[0].value, _int(numbers[0]) or 0))
    return found


def _rows(store: Store, query: str) -> list[QuerySolution]:
    result = store.query(query)
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query was expected")
    return list(result)


def _number(store: Store, query: str) -> int:
    rows = _rows(store, query)
    return (_int(rows[0][0]) or 0) if rows else 0


def count_store(store: Store, base_iri: str) -> Counts:
    """Count the store itself (when a build has no ``void.ttl``), with the definitions of
    :mod:`kg.counts`; reads every quad."""
    merged = f"<{base_iri}graph/merged>"
    void = {"void": f"<{base_iri}graph/void>"}
    classes = tuple(
        (row["class"].value, _int(row["n"]) or 0)
        for row in _rows(store, counts.CLASSES % void)
        if isinstance(row["class"], NamedNode)
    )
    return Counts(
        triples=_number(store, counts.TRIPLES % void),
        resources=_number(store, counts.RESOURCES % {"space": json.dumps(base_iri + "id/")}),
        entities=_number(store, counts.ENTITIES % {"merged": merged}),
        linked=_number(store, counts.LINKED % {"merged": merged}),
        graphs=sum(1 for g in store.named_graphs() if g.value != f"{base_iri}graph/void"),
        classes=tuple(sorted(classes, key=lambda c: (-c[1], c[0]))),
    )
