"""The merged layer of a build: entities and events across articles, validated node by node.

Each node of the layer (:mod:`kg.graph.merge`) is validated with its context
(:mod:`kg.graph.context`), in chunks, unless the cache knows that exactly this description, in
this build context, conforms without results: an incremental build validates only the nodes that
changed. A node that violates a shape is left out (and the events that refer to a left-out
entity), and named in the build report; the rest is published.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode

from kg.build.cache import Cache
from kg.build.stage import Published
from kg.graph.merge import MergedLayer, Places, merge_layer
from kg.iris import Iris
from kg.shacl.validate import ValidationResult, Validator

#: Merged-graph nodes validated per pySHACL call (cost stays per node, not per corpus).
MERGED_CHUNK = 500


@dataclass(frozen=True)
class MergeResult:
    """The layer to publish, the warnings of its nodes, and the nodes left out (with why)."""

    layer: MergedLayer
    warnings: tuple[ValidationResult, ...]
    problems: tuple[str, ...]


def merge_articles(
    published: Sequence[Published],
    iris: Iris,
    validator: Validator,
    cache: Cache,
    cache_key: str,
    places: Places | None = None,
) -> MergeResult:
    """Merge the published articles and validate the layer's nodes (see the module docstring);
    ``places`` give linked places their coordinates."""
    layer = merge_layer((p.extraction for p in published), iris, places)
    articles = {iris.article(p.article.id) for p in published}
    entry = cache.get(cache_key)
    known = set(entry.get("conforming", [])) if entry else set()
    units = [(_digest(triples), d.node, triples) for d, triples in layer.validation_units(articles)]
    pending = [unit for unit in units if unit[0] not in known]
    results: list[ValidationResult] = []
    for start in range(0, len(pending), MERGED_CHUNK):
        chunk = [t for _, _, triples in pending[start : start + MERGED_CHUNK] for t in triples]
        results += validator.validate(chunk).results
    failing = {r.focus: r.message for r in results if r.severity == "Violation"}
    problems = tuple(
        f"merged graph: left out {node}: {why}" for node, why in sorted(failing.items())
    )
    noted = {r.focus for r in results}
    conforming = sorted({digest for digest, node, _ in units if node.value not in noted})
    if conforming != sorted(known):
        cache.put(cache_key, {"conforming": conforming})
    return MergeResult(
        layer=layer.without({NamedNode(node) for node in failing}),
        warnings=tuple(r for r in results if r.focus not in failing),
        problems=problems,
    )


def _digest(triples: Iterable[object]) -> str:
    """A hash of a set of triples, whatever their order."""
    return hashlib.sha256("\n".join(sorted(map(str, triples))).encode("utf-8")).hexdigest()
