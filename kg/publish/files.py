"""The publish stage: everything a build publishes, written into its staging folder.

:func:`publish` writes the sorted dumps (``kg.nq``, ``kg.ttl`` and their gzip copies) of the
published article graphs and the merged graph (lines the build already gave the sorter), the
ontology and shapes graphs and the validation report; then the VoID description from the
dumps' statistics, copies of the ontology and shapes, and ``SHA256SUMS``. The store is loaded
from ``kg.nq`` by the caller's ``nquads_written`` as soon as that file is complete.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pyoxigraph import NamedNode

from kg.iris import Iris
from kg.layout import ONTOLOGY, PUBLISHED, SHAPES, Layout
from kg.publish.dumps import (
    Dumps,
    nquads_block,
    rdf_file_quads,
    sorted_triples,
    turtle,
    write_checksums,
    write_dumps,
)
from kg.publish.sorting import LineSorter
from kg.publish.void import void_triples


@dataclass(frozen=True)
class Publication:
    """What the dumps hold besides the lines already sorted (the article and merged graphs): the
    validation report as a block of N-Quads lines, and what VoID says of the articles."""

    validation_block: bytes
    articles: Sequence[NamedNode]
    dates: Sequence[date]


def publish(
    layout: Layout,
    publication: Publication,
    lines: LineSorter,
    iris: Iris,
    prefixes: dict[str, str],
    *,
    ontology: Path,
    shapes: Path,
    nquads_written: Callable[[Path], None],
) -> Dumps:
    """Write the published files of a build into ``layout`` (see the module docstring)."""
    vocabularies = [
        *rdf_file_quads(ontology, iris.ontology_graph, iris.base),
        *rdf_file_quads(shapes, iris.shapes_graph, iris.base),
    ]
    lines.add(nquads_block(vocabularies))
    lines.add(publication.validation_block)
    dumps = write_dumps(
        layout, lines.lines(), prefixes, uri_space=iris.base + "id/", written=nquads_written
    )
    lines.cleanup()
    description = void_triples(
        iris,
        dumps.statistics,
        dumps=[(name, layout.file(name).stat().st_size) for name in dumps.files],
        articles=sorted(publication.articles, key=str),
        created=max(publication.dates) if publication.dates else None,
    )
    layout.void.write_bytes(turtle(sorted_triples(description), prefixes))
    shutil.copyfile(ontology, layout.file(ONTOLOGY))
    shutil.copyfile(shapes, layout.file(SHAPES))
    write_checksums(layout, PUBLISHED)
    return dumps
