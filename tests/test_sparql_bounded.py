"""kg.sparql.bounded: which queries are lookups the endpoint may answer in place.

A lookup reads one subject's index range and nothing more; everything else (joins, paths,
filters, sorts, subqueries, variables as subjects) must go to a killable worker, so every way a
query can do more work is tried here and must be refused.
"""

from __future__ import annotations

import pytest

from kg.sparql.lexer import shape

E = "<http://kg.test/id/entity/e1>"
PREFIX = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

LOOKUPS = [
    f"SELECT ?p ?o {{ {E} ?p ?o }}",
    f"select * where {{ {E} ?p ?o . }}",
    f"{PREFIX}SELECT ?l WHERE {{ {E} rdfs:label ?l }} LIMIT 5",
    f"ASK {{ {E} a ?t }}",
    f'ASK {{ {E} ?p "Kyiv"@en-GB }}',
    f'ASK {{ {E} ?p "3"^^<http://www.w3.org/2001/XMLSchema#integer> }}',
    f"SELECT ?o FROM <http://kg.test/graph/merged> {{ {E} ?p ?o }}",
    f"SELECT ?g ?o {{ GRAPH ?g {{ {E} ?p ?o }} }}",
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {E} ?p ?o }}",
    f"CONSTRUCT WHERE {{ {E} ?p ?o }}",
    f"DESCRIBE {E}",
    f"# a comment\n{PREFIX}DESCRIBE {E} rdfs:label",
]
NOT_LOOKUPS = [
    "SELECT * { ?s ?p ?o }",  # no constant subject: the whole store
    f"SELECT * {{ ?s ?p {E} }}",
    f"SELECT * {{ {E} ?p ?o . {E} ?q ?r }}",  # a join
    f"SELECT * {{ {E} ?p ?o ; ?q ?r }}",
    f"SELECT * {{ {E} ?p ?o , ?r }}",
    f"SELECT * {{ {E} <http://p>* ?o }}",  # property paths
    f"SELECT * {{ {E} <http://p>/<http://q> ?o }}",
    f"SELECT * {{ {E} ^<http://p> ?o }}",
    f"SELECT * {{ {E} (<http://p>|<http://q>) ?o }}",
    f"SELECT * {{ {E} ?p ?o FILTER(REGEX(STR(?o), 'a+')) }}",
    f"SELECT * {{ {E} ?p ?o BIND(1 AS ?x) }}",
    f"SELECT * {{ {E} ?p ?o VALUES ?x {{ 1 2 }} }}",
    f"SELECT * {{ {E} ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
    f"SELECT * {{ {{ {E} ?p ?o }} UNION {{ ?s ?p ?o }} }}",
    f"SELECT * {{ {E} ?p ?o MINUS {{ ?o ?q ?r }} }}",
    "SELECT * { { SELECT * { ?s ?p ?o } } }",
    f"SELECT * {{ {E} ?p ?o }} ORDER BY ?o",
    f"SELECT * {{ {E} ?p ?o }} OFFSET 1000000",
    f"SELECT ?o {{ {E} ?p ?o }} GROUP BY ?o",
    f"SELECT DISTINCT ?o {{ {E} ?p ?o }}",
    f"SELECT (COUNT(*) AS ?n) {{ {E} ?p ?o }}",
    f"SELECT * {{ GRAPH ?g {{ {E} ?p ?o }} ?s ?p ?o }}",
    f"SELECT * {{ GRAPH ?g {{ GRAPH ?h {{ {E} ?p ?o }} }} }}",
    "SELECT * { [] ?p ?o }",
    f"SELECT * {{ {E} ?p 1.5 }}",  # a decimal: read conservatively as something else
    f"DESCRIBE ?s {{ {E} ?p ?s }}",
    "DESCRIBE <http://a> <http://b> <http://c> <http://d> <http://e>",
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o . {E} ?q ?r }}",
    f"SELECT * {{ {E} ?p ?o }} LIMIT 10 OFFSET 5",
    f"SELECT * {{ {E} ?p ?o }} ; CLEAR ALL",
]


@pytest.mark.parametrize("query", LOOKUPS)
def test_sparql_bounded_lookups_are_recognised(query: str) -> None:
    assert shape(query).lookup, query


@pytest.mark.parametrize("query", NOT_LOOKUPS)
def test_sparql_bounded_anything_more_is_not_a_lookup(query: str) -> None:
    assert not shape(query).lookup, query


def test_sparql_bounded_long_texts_are_never_lookups() -> None:
    assert not shape(f"SELECT * {{ {E} ?p ?o }} #" + "x" * 20_000).lookup
