"""The SPARQL 1.1 Service Description of the endpoint (what GET /sparql without a query returns).

It states the language (SPARQL 1.1 Query only: no update, no federation), the result formats
(pyoxigraph's own format IRIs), the default dataset (the default graph is the union of all named
graphs, which are listed) and, in words, the limits a query runs under.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.sparql.negotiation import GRAPH_FORMATS, RESULT_FORMATS
from kg.vocab import RDF, RDFS, SD


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
        Triple(service, SD.feature, SD.UnionDefaultGraph),
        Triple(
            service, SD.defaultEntailmentRegime, NamedNode("http://www.w3.org/ns/entailment/Simple")
        ),
        Triple(service, RDFS.comment, Literal(limits, language="en")),
        Triple(service, SD.defaultDataset, dataset),
        Triple(dataset, RDF.type, SD.Dataset),
        Triple(dataset, SD.defaultGraph, default),
        Triple(default, RDF.type, SD.Graph),
        Triple(default, RDFS.comment, Literal("The union of all named graphs.", language="en")),
    ]
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        triples.append(Triple(service, SD.resultFormat, NamedNode(fmt.iri)))  # type: ignore[attr-defined]
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
