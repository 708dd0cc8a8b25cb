"""The SPARQL 1.1 Service Description of the endpoint (what GET /sparql without a query returns).

It states the language (SPARQL 1.1 Query only: no update, no federation), the result formats
(their registered W3C format IRIs), the default dataset (the default graph is the RDF merge of
the data's named graphs, which are listed) and, in words, the limits a query runs under.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat, Triple

from kg.sparql.negotiation import GRAPH_FORMATS, RESULT_FORMATS
from kg.vocab import RDF, RDFS, SD

DEFAULT_GRAPH = (
    "The RDF merge of the named graphs that hold the data: each distinct triple once, so counts "
    "and joins are over a set (COUNT(*) equals the dataset's void:triples). The named graph of "
    "the VoID description (graph/void), which counts the others, is not part of it."
)
#: Where pyoxigraph's format IRI is not the one registered at https://www.w3.org/ns/formats/
#: (it names JSON-LD https://www.w3.org/ns/formats/data/JSON-LD).
REGISTERED = {RdfFormat.JSON_LD: "http://www.w3.org/ns/formats/JSON-LD"}


def format_iri(fmt: QueryResultsFormat | RdfFormat) -> str:
    """The W3C format IRI of ``fmt`` (https://www.w3.org/ns/formats/)."""
    if isinstance(fmt, RdfFormat) and fmt in REGISTERED:
        return REGISTERED[fmt]
    return str(fmt.iri)


def service_description(
    endpoint: str,
    named_graphs: Sequence[str],
    *,
    timeout: float,
    row_limit: int,
    max_body_bytes: int,
    void: str | None = None,
) -> list[Triple]:
    """Triples describing the endpoint at ``endpoint`` (sd: vocabulary, W3C SPARQL 1.1 SD)."""
    service = NamedNode(endpoint)
    dataset = BlankNode("dataset")
    default = BlankNode("defaultGraph")
    limits = (
        f"Read-only: SPARQL Update, LOAD, CLEAR and SERVICE are refused (403). A query runs at "
        f"most {timeout:g} s (a lower 'timeout' parameter, in seconds, is allowed) and returns at "
        f"most {row_limit} rows or triples; a capped result says so in the X-Result-Truncated "
        f'header and, in SPARQL JSON, in a top-level "newskg" member. Request bodies are '
        f"limited to {max_body_bytes} bytes (413)."
    )
    triples = [
        Triple(service, RDF.type, SD.Service),
        Triple(service, SD.endpoint, service),
        Triple(service, SD.supportedLanguage, SD.SPARQL11Query),
        Triple(
            service, SD.defaultEntailmentRegime, NamedNode("http://www.w3.org/ns/entailment/Simple")
        ),
        Triple(service, RDFS.comment, Literal(limits, language="en")),
        Triple(service, SD.defaultDataset, dataset),
        Triple(dataset, RDF.type, SD.Dataset),
        Triple(dataset, SD.defaultGraph, default),
        Triple(default, RDF.type, SD.Graph),
        Triple(default, RDFS.comment, Literal(DEFAULT_GRAPH, language="en")),
    ]
    formats: list[QueryResultsFormat | RdfFormat] = [*RESULT_FORMATS, *GRAPH_FORMATS]
    for fmt in formats:
        triples.append(Triple(service, SD.resultFormat, NamedNode(format_iri(fmt))))
    for index, graph in enumerate(named_graphs):
        node = BlankNode(f"g{index}")
        triples += [
            Triple(dataset, SD.namedGraph, node),
            Triple(node, RDF.type, SD.NamedGraph),
            Triple(node, SD.name, NamedNode(graph)),
        ]
    if void is not None:
        triples.append(Triple(dataset, RDFS.seeAlso, NamedNode(void)))
    return triples
