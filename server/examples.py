"""Example queries on the landing page: each one runs with one click, and each answers a question
a researcher of this dataset asks first."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    title: str
    query: str


_PREFIXES = """PREFIX nk: <https://w3id.org/newskg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX gaf: <http://groundedannotationframework.org/gaf#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""

EXAMPLES: tuple[Example, ...] = (
    Example(
        "Articles, newest first",
        _PREFIXES
        + """SELECT ?article ?headline ?published WHERE {
  ?article a schema:NewsArticle .
  OPTIONAL { ?article schema:headline ?headline }
  OPTIONAL { ?article schema:datePublished ?published }
}
ORDER BY DESC(?published) ?article
LIMIT 100""",
    ),
    Example(
        "Military actions: who did what to what, where and when",
        _PREFIXES
        + """SELECT ?event ?type ?agent ?target ?location ?time WHERE {
  ?event a ?type ; nk:hasReport ?report .
  OPTIONAL { ?event nk:agent/rdfs:label ?agent }
  OPTIONAL { ?event nk:target/rdfs:label ?target }
  OPTIONAL { ?event nk:location/rdfs:label ?location }
  OPTIONAL { ?event sem:hasTimeStamp ?time }
  FILTER(STRSTARTS(STR(?type), STR(nk:)))
}
ORDER BY ?time
LIMIT 100""",
    ),
    Example(
        "Entities linked to Wikidata",
        _PREFIXES
        + """SELECT ?entity ?label ?wikidata WHERE {
  ?entity owl:sameAs ?wikidata ; rdfs:label ?label .
  FILTER(STRSTARTS(STR(?wikidata), "http://www.wikidata.org/entity/"))
}
ORDER BY ?label
LIMIT 100""",
    ),
    Example(
        "Where each entity is mentioned, with the exact words",
        _PREFIXES
        + """SELECT ?label ?words ?article WHERE {
  ?entity rdfs:label ?label ; gaf:denotedBy ?mention .
  ?mention nif:anchorOf ?words ; nif:referenceContext ?article .
}
ORDER BY ?label
LIMIT 100""",
    ),
    Example(
        "How many resources of each class",
        """SELECT ?class (COUNT(DISTINCT ?resource) AS ?count) WHERE {
  ?resource a ?class
}
GROUP BY ?class
ORDER BY DESC(?count)""",
    ),
)
