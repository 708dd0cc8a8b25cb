"""Eight realistic SPARQL queries over a newskg build, with their IRIs picked from the data.

The entity and the facility are chosen from the store (a well-mentioned entity, the most targeted
facility), so the queries return rows on any corpus; on a build without entities they fall back to
an article IRI and still run.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode, QuerySolutions, Store

from kg.vocab import PREFIXES

PROLOGUE = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in sorted(PREFIXES.items()))

#: name -> query text with ``{entity}``, ``{facility}`` placeholders (IRIs in angle brackets).
QUERIES: dict[str, str] = {
    "entity_by_iri": "SELECT ?p ?o WHERE {{ {entity} ?p ?o }}",
    "events_affecting_facility": """
        SELECT ?event ?type ?when WHERE {{
          ?event nk:target|nk:location {facility} ; a ?type .
          OPTIONAL {{ ?event sem:hasTimeStamp ?when }}
        }}""",
    "count_events_by_type": """
        SELECT ?type (COUNT(DISTINCT ?event) AS ?n) WHERE {{
          ?event nk:hasReport ?report ; a ?type .
        }} GROUP BY ?type ORDER BY DESC(?n)""",
    "events_in_date_range": """
        SELECT ?event ?type ?day WHERE {{
          ?event nk:hasReport ?report ; a ?type ; sem:hasTimeStamp ?day .
          FILTER (?day >= "2022-01-01"^^xsd:date && ?day < "2023-01-01"^^xsd:date)
        }} ORDER BY ?day""",
    "entities_with_wikidata": """
        SELECT ?entity ?label ?item ?confidence WHERE {{
          ?entity owl:sameAs ?item ; rdfs:label ?label ; nk:linkConfidence ?confidence .
        }} ORDER BY ?label LIMIT 5000""",
    "optional_order_limit": """
        SELECT ?article ?published ?headline WHERE {{
          ?article a schema:NewsArticle .
          OPTIONAL {{ ?article schema:datePublished ?published }}
          OPTIONAL {{ ?article schema:headline ?headline }}
        }} ORDER BY DESC(?published) LIMIT 20""",
    "label_contains": """
        SELECT ?entity ?label WHERE {{
          ?entity rdfs:label ?label .
          FILTER (CONTAINS(LCASE(STR(?label)), "nuclear"))
        }} LIMIT 100""",
    "describe_entity": "DESCRIBE {entity}",
}

#: The cheap lookup of the HTTP throughput section.
LOOKUP = "SELECT ?label WHERE {{ {entity} rdfs:label ?label }}"


@dataclass(frozen=True)
class Terms:
    entity: str
    facility: str

    def fill(self, template: str) -> str:
        return PROLOGUE + template.format(entity=f"<{self.entity}>", facility=f"<{self.facility}>")


def _first(store: Store, query: str) -> str | None:
    result = store.query(PROLOGUE + query, use_default_graph_as_union=True)
    assert isinstance(result, QuerySolutions)
    for solution in result:
        term = solution[0]
        if isinstance(term, NamedNode):
            return term.value
    return None


#: The entity looked up is the most mentioned one with at most this many mentions: a typical
#: entity page, not a hub like a country named in every other article (whose description would
#: run into the row limit and measure only the result writers).
ENTITY_MENTIONS = 50


def pick_terms(store: Store) -> Terms:
    """A well-mentioned (not hub) labelled entity and the most targeted facility (else place)."""
    entity = _first(
        store,
        "SELECT ?e WHERE { ?e gaf:denotedBy ?m ; rdfs:label ?l } GROUP BY ?e "
        f"HAVING (COUNT(?m) <= {ENTITY_MENTIONS}) ORDER BY DESC(COUNT(?m)) ?e LIMIT 1",
    )
    facility = _first(
        store,
        "SELECT ?f WHERE { ?event nk:target|nk:location ?f . ?f a ?class . "
        "VALUES ?class { nk:Facility nk:NuclearPowerPlant nk:Hospital nk:Laboratory } } "
        "GROUP BY ?f ORDER BY DESC(COUNT(?event)) ?f LIMIT 1",
    ) or _first(
        store,
        "SELECT ?f WHERE { ?event nk:target|nk:location ?f } "
        "GROUP BY ?f ORDER BY DESC(COUNT(?event)) ?f LIMIT 1",
    )
    article = _first(store, "SELECT ?a WHERE { ?a a schema:NewsArticle } ORDER BY ?a LIMIT 1")
    fallback = entity or article or "http://example.org/none"
    return Terms(entity=fallback, facility=facility or fallback)


def is_graph_query(name: str) -> bool:
    return QUERIES.get(name, "").lstrip().startswith(("DESCRIBE", "CONSTRUCT"))
