"""Map one article's extraction to quads in that article's named graph. Pure: no I/O.

The vocabulary is the newskg ontology (``ontology/newskg.ttl``); each triple below cites the
ontology term it instantiates.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Quad

from kg.iris import Iris
from kg.model import Extraction
from kg.vocab import NIF, NK, PROV, RDF, SCHEMA, XSD


def map_article(extraction: Extraction, iris: Iris, activity: NamedNode) -> list[Quad]:
    """The article graph: the article itself, its provenance, and what was extracted from it."""
    article = extraction.article
    graph = iris.article_graph(article.id)
    node = iris.article(article.id)
    triples: list[tuple[NamedNode, NamedNode, NamedNode | Literal]] = [
        (node, RDF.type, SCHEMA.NewsArticle),
        (node, RDF.type, NIF.Context),
        (node, SCHEMA.identifier, Literal(article.id)),
        (node, NK.sha256, Literal(article.sha256)),
        (node, NIF.isString, Literal(article.text)),
        (node, PROV.wasGeneratedBy, activity),
    ]
    if article.headline:
        triples.append((node, SCHEMA.headline, Literal(article.headline, language="en")))
    if article.published:
        stamp = article.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        triples.append((node, SCHEMA.datePublished, Literal(stamp, datatype=XSD.dateTime)))
    if article.url:
        triples.append((node, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)))
    return [Quad(s, p, o, graph) for s, p, o in triples]
