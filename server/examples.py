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
        "Military actions, one row per event: what, who, to whom, where, when, how many reports",
        _PREFIXES
        + """SELECT ?event ?type
  (GROUP_CONCAT(DISTINCT ?agent; separator="; ") AS ?agents)
  (GROUP_CONCAT(DISTINCT ?target; separator="; ") AS ?targets)
  (GROUP_CONCAT(DISTINCT ?place; separator="; ") AS ?places)
  (SAMPLE(?day) AS ?date) (SAMPLE(?start) AS ?earliest) (SAMPLE(?end) AS ?latest)
  (COUNT(DISTINCT ?report) AS ?reports)
WHERE {
  ?event nk:hasReport ?report ; a ?class .
  ?class rdfs:subClassOf nk:MilitaryAction ; rdfs:label ?type .
  OPTIONAL { ?event nk:agent/rdfs:label ?agent }
  OPTIONAL { ?event nk:target/rdfs:label ?target }
  OPTIONAL { ?event nk:location/rdfs:label ?place }
  OPTIONAL { ?event sem:hasTimeStamp ?day }
  OPTIONAL { ?event sem:hasEarliestBeginTimeStamp ?start }
  OPTIONAL { ?event sem:hasLatestEndTimeStamp ?end }
}
GROUP BY ?event ?type
ORDER BY ?date ?earliest ?event
LIMIT 200""",
    ),
    Example(
        "Denied and hypothetical reports, one row per report, with the article and speaker",
        _PREFIXES
        + """PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?report ?type ?factuality ?article ?speaker WHERE {
  ?report a nk:EventReport ; nk:eventType/rdfs:label ?type ;
          nk:factuality/rdfs:label ?factuality ; prov:wasDerivedFrom ?article .
  FILTER NOT EXISTS { ?report nk:reportOf ?event }
  OPTIONAL { ?report prov:wasAttributedTo/rdfs:label ?speaker }
}
ORDER BY ?type ?report
LIMIT 200""",
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
