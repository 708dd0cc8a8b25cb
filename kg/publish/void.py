"""Describe the published dataset with VoID and DCAT (``void.ttl``).

The description is a dump too, so it must be byte-identical for the same input: it holds counts
of the dump, the dump files and their sizes, the source articles and a date derived from the
input (the latest publication date of an article), never the time of the build. All nodes are
IRIs under ``<base>dataset``; there are no blank nodes.

Counts follow VoID (https://www.w3.org/TR/void/ section 4.6): ``void:triples`` the distinct
triples of all graphs (what ``kg.ttl`` holds), ``void:entities`` the distinct subjects in the
dataset's URI space ``<base>id/``, a class partition per class (``void:entities`` the distinct
instances) and a property partition per property (``void:triples``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from kg.counts import is_resource
from kg.iris import Iris, short_hash, slug
from kg.vocab import DCAT, DCT, PREFIXES, RDF, VOID, XSD

TITLE = "newskg: military actions and the entities involved, extracted from English news"
DESCRIPTION = (
    "Entities (persons, organisations, places, facilities) and military-action events extracted "
    "from English news articles, linked to Wikidata, validated with SHACL. Every fact points to "
    "the article and the exact characters it came from (NIF, RFC 5147)."
)
#: The licence of the dataset as published (see "Licences and credits" in README.md).
LICENSE = NamedNode("https://creativecommons.org/licenses/by/4.0/")
MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nq": "application/n-quads",
    ".gz": "application/gzip",
}
IANA = "https://www.iana.org/assignments/media-types/"
FORMATS = {
    ".ttl": NamedNode("http://www.w3.org/ns/formats/Turtle"),
    ".nq": NamedNode("http://www.w3.org/ns/formats/N-Quads"),
}
#: Where the server publishes the endpoint and the files of a build (server/views).
SPARQL_PATH = "sparql"
DUMPS_PATH = "dumps/"
VOCABULARIES = ("nk", "schema", "nif", "gaf", "prov", "org", "sem", "time", "skos", "owl", "sh")


@dataclass
class Statistics:
    """Counts of a stream of triples sorted by subject (as the dumps are)."""

    uri_space: str
    triples: int = 0
    subjects: int = 0
    resources: int = 0  # void:entities (kg.counts)
    classes: Counter[str] = field(default_factory=Counter)
    properties: Counter[str] = field(default_factory=Counter)

    def observe(self, triples: Iterable[Triple]) -> Iterator[Triple]:
        """Pass ``triples`` through, counting them; a subject's triples must be contiguous."""
        current: object = None
        types: set[str] = set()
        rdf_type = RDF.type
        for triple in triples:
            subject = triple.subject
            if subject != current:
                self._close(types)
                current = subject
                self.subjects += 1
                if is_resource(subject, self.uri_space):
                    self.resources += 1
            self.triples += 1
            predicate = triple.predicate
            self.properties[predicate.value] += 1
            if predicate == rdf_type and isinstance(triple.object, NamedNode):
                types.add(triple.object.value)
            yield triple
        self._close(types)

    def _close(self, types: set[str]) -> None:
        self.classes.update(types)
        types.clear()


def void_triples(
    iris: Iris,
    statistics: Statistics,
    *,
    dumps: Sequence[tuple[str, int]],
    articles: Iterable[NamedNode],
    created: date | None,
) -> list[Triple]:
    """The VoID + DCAT description of the dataset; ``dumps`` are (file name, size in bytes)."""
    dataset = iris.dataset
    endpoint = NamedNode(iris.base + SPARQL_PATH)
    t: list[tuple[NamedNode, NamedNode, NamedNode | Literal]] = [
        (dataset, RDF.type, VOID.Dataset),
        (dataset, RDF.type, DCAT.Dataset),
        (dataset, DCT.title, Literal(TITLE, language="en")),
        (dataset, DCT.description, Literal(DESCRIPTION, language="en")),
        (dataset, DCT.license, LICENSE),
        (dataset, VOID.uriSpace, Literal(statistics.uri_space)),
        (dataset, VOID.sparqlEndpoint, endpoint),
        (dataset, VOID.triples, _count(statistics.triples)),
        (dataset, VOID.entities, _count(statistics.resources)),
        (dataset, VOID.distinctSubjects, _count(statistics.subjects)),
        (dataset, VOID.classes, _count(len(statistics.classes))),
        (dataset, VOID.properties, _count(len(statistics.properties))),
        (endpoint, RDF.type, DCAT.DataService),
        (endpoint, DCAT.endpointURL, endpoint),
        (endpoint, DCAT.servesDataset, dataset),
        (dataset, DCAT.accessService, endpoint),
    ]
    if created is not None:
        t += [
            (dataset, DCT.created, Literal(created.isoformat(), datatype=XSD.date)),
            (dataset, DCT.modified, Literal(created.isoformat(), datatype=XSD.date)),
        ]
    t += [(dataset, VOID.vocabulary, NamedNode(PREFIXES[name])) for name in VOCABULARIES]
    for name, size in dumps:
        url = NamedNode(iris.base + DUMPS_PATH + name)
        distribution = NamedNode(f"{dataset.value}/distribution/{slug(name)}")
        t += [
            (dataset, VOID.dataDump, url),
            (dataset, DCAT.distribution, distribution),
            (distribution, RDF.type, DCAT.Distribution),
            (distribution, DCT.title, Literal(name)),
            (distribution, DCAT.downloadURL, url),
            (distribution, DCAT.byteSize, _count(size)),
            (distribution, DCT.license, LICENSE),
        ]
        suffixes = Path(name).suffixes
        base_suffix = suffixes[0] if suffixes else ""
        if base_suffix in MEDIA_TYPES:
            t.append((distribution, DCAT.mediaType, NamedNode(IANA + MEDIA_TYPES[base_suffix])))
        if base_suffix in FORMATS:
            t.append((dataset, VOID.feature, FORMATS[base_suffix]))
        if len(suffixes) > 1 and suffixes[-1] == ".gz":
            t.append((distribution, DCAT.compressFormat, NamedNode(IANA + MEDIA_TYPES[".gz"])))
    for cls, count in sorted(statistics.classes.items()):
        partition = _partition(dataset, "class", cls)
        t += [
            (dataset, VOID.classPartition, partition),
            (partition, VOID["class"], NamedNode(cls)),
            (partition, VOID.entities, _count(count)),
        ]
    for prop, count in sorted(statistics.properties.items()):
        partition = _partition(dataset, "property", prop)
        t += [
            (dataset, VOID.propertyPartition, partition),
            (partition, VOID.property, NamedNode(prop)),
            (partition, VOID.triples, _count(count)),
        ]
    t += [(dataset, DCT.source, article) for article in articles]
    return [Triple(s, p, o) for s, p, o in t]


def _partition(dataset: NamedNode, kind: str, iri: str) -> NamedNode:
    """``<base>dataset/class/nk-person-<hash>``: readable, and distinct for distinct IRIs."""
    name = iri
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            name = f"{prefix}-{iri[len(namespace) :]}"
            break
    return NamedNode(f"{dataset.value}/{kind}/{slug(name, 40)}-{short_hash(iri)[:8]}")


def _count(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)
