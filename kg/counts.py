"""What the counts of a build mean, defined once: VoID, ``kg stats`` and the landing page agree.

- **triples**: distinct triples of all graphs, what ``kg.ttl`` holds (VoID ``void:triples``);
- **resources**: distinct IRI subjects in the dataset's URI space ``<base>id/``: articles,
  mentions, entities, events, reports... (VoID ``void:entities``, which counts resources);
- **entities**: the persons, organisations, places and facilities: nodes typed with an entity
  class of the ontology (``nk:Person`` ... ``nk:Hospital``), which only the merged graph does,
  once per entity;
- **linked**: entities with ``owl:sameAs`` a Wikidata item;
- **events**: merged military actions by class; **reports**: event reports by ``nk:eventType``.

:func:`is_resource` and the class sets serve the build, which counts the dump as it writes it
(:class:`kg.publish.void.Statistics`); the SPARQL below serves whoever counts a store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from kg.model import ENTITY_CLASSES, EVENT_TYPES
from kg.vocab import NK_IRI, OWL

WIKIDATA = "http://www.wikidata.org/entity/"
ENTITY_TYPES = frozenset(NK_IRI + name for name in ENTITY_CLASSES)
EVENT_CLASSES = frozenset(NK_IRI + name for name in EVENT_TYPES)


@dataclass(frozen=True)
class Counts:
    """Headline numbers of a build; None where they are unknown."""

    triples: int | None = None
    resources: int | None = None
    entities: int | None = None
    linked: int | None = None
    graphs: int | None = None
    classes: tuple[tuple[str, int], ...] = field(default_factory=tuple)


def is_resource(term: object, uri_space: str) -> bool:
    """Whether a subject is one of the dataset's own resources (counted by ``void:entities``)."""
    return isinstance(term, NamedNode) and term.value.startswith(uri_space)


def entities_of(classes: Mapping[str, int] | Iterable[tuple[str, int]]) -> int:
    """The number of entities, from the number of instances of each class (an entity has exactly
    one entity class)."""
    pairs = classes.items() if isinstance(classes, Mapping) else classes
    return sum(count for cls, count in pairs if cls in ENTITY_TYPES)


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in sorted(iris))


#: Entities in the merged graph ``%(merged)s``.
ENTITIES = (
    "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH %(merged)s { ?e a ?class } "
    f"VALUES ?class {{ {_values(ENTITY_TYPES)} }} }}"
)
#: Entities of the merged graph with an owl:sameAs to Wikidata.
LINKED = (
    "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH %(merged)s "
    f'{{ ?e <{OWL.sameAs.value}> ?item }} FILTER(STRSTARTS(STR(?item), "{WIKIDATA}")) }}'
)
#: Merged events by class.
EVENTS = (
    "SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH %(merged)s { ?e a ?class } "
    f"VALUES ?class {{ {_values(EVENT_CLASSES)} }} }} GROUP BY ?class"
)
#: Quads of the named graphs that hold the data (all but the VoID graph ``%(void)s``, which is
#: in the store but in no dump).
QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != %(void)s) }"
#: Distinct triples of the data's named graphs (what the merged default graph holds).
TRIPLES = (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
    "FILTER(?g != %(void)s) } }"
)
#: Resources in the URI space ``%(space)s`` (a SPARQL string literal).
RESOURCES = (
    "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    "FILTER(isIRI(?s) && STRSTARTS(STR(?s), %(space)s)) }"
)
#: Instances of each class, in the data's named graphs.
CLASSES = (
    "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } "
    "FILTER(?g != %(void)s) } GROUP BY ?class"
)
#: Instances of each class in the data: article graphs (``%(articles)s``, a SPARQL string of
#: their IRI prefix) and the merged graph, not the ontology and shapes.
DATA_CLASSES = (
    "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } "
    "FILTER(?g = %(merged)s || STRSTARTS(STR(?g), %(articles)s)) } GROUP BY ?class"
)
#: Event reports by type, in the article graphs.
REPORTS = (
    "SELECT ?class (COUNT(DISTINCT ?r) AS ?n) WHERE { GRAPH ?g "
    f"{{ ?r <{NK_IRI}eventType> ?class }} FILTER(STRSTARTS(STR(?g), %(articles)s)) }} "
    "GROUP BY ?class"
)
