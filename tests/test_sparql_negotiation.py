"""Choosing a format from Accept with q-values, over pyoxigraph's own format enums."""

from __future__ import annotations

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat

from kg.errors import NotAcceptable
from kg.sparql.lexer import QueryForm
from kg.sparql.negotiation import (
    GRAPH_FORMATS,
    HTML,
    RESULT_FORMATS,
    format_from_name,
    negotiate,
    offers_for,
    parse_accept,
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, QueryResultsFormat.JSON),
        ("*/*", QueryResultsFormat.JSON),
        ("text/csv", QueryResultsFormat.CSV),
        ("application/sparql-results+xml", QueryResultsFormat.XML),
        ("application/xml", QueryResultsFormat.XML),
        ("application/json", QueryResultsFormat.JSON),
        ("text/tab-separated-values;q=0.9, text/csv;q=0.5", QueryResultsFormat.TSV),
        ("text/csv;q=0, */*;q=0.1", QueryResultsFormat.JSON),
        ("text/*", QueryResultsFormat.CSV),
        ("image/png, text/csv;q=0.2", QueryResultsFormat.CSV),
    ],
)
def test_negotiation_picks_a_results_format(accept: str | None, expected: object) -> None:
    assert negotiate(RESULT_FORMATS, accept) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, RdfFormat.TURTLE),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/n-triples;q=1, text/turtle;q=0.5", RdfFormat.N_TRIPLES),
        ("application/rdf+xml", RdfFormat.RDF_XML),
        ("application/n-quads", RdfFormat.N_QUADS),
        ("application/x-turtle", RdfFormat.TURTLE),
    ],
)
def test_negotiation_picks_a_graph_format(accept: str | None, expected: object) -> None:
    assert negotiate(GRAPH_FORMATS, accept) == expected


def test_negotiation_refuses_with_406_when_nothing_fits() -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate(RESULT_FORMATS, "image/png")
    assert caught.value.status == 406
    assert "application/sparql-results+json" in caught.value.fix


def test_negotiation_gives_html_only_to_clients_that_prefer_it() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert negotiate(RESULT_FORMATS, browser, extra=(HTML,)) == HTML
    assert negotiate(RESULT_FORMATS, "*/*", extra=(HTML,)) == QueryResultsFormat.JSON
    assert negotiate(GRAPH_FORMATS, "*/*", extra=(HTML,), extra_first=True) == HTML


def test_negotiation_parses_q_values_leniently() -> None:
    ranges = parse_accept("text/csv;q=0.3, bogus, text/tsv;q=abc, */*")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "csv", 0.3),
        ("text", "tsv", 0.0),
        ("*", "*", 1.0),
    ]


def test_negotiation_reads_format_names() -> None:
    assert format_from_name(RESULT_FORMATS, "csv") == QueryResultsFormat.CSV
    assert format_from_name(RESULT_FORMATS, "json") == QueryResultsFormat.JSON
    assert format_from_name(GRAPH_FORMATS, "turtle") == RdfFormat.TURTLE
    assert format_from_name(GRAPH_FORMATS, "jsonld") == RdfFormat.JSON_LD
    assert format_from_name(GRAPH_FORMATS, "csv") is None
    assert offers_for(QueryForm.DESCRIBE) == GRAPH_FORMATS
    assert offers_for(None) == RESULT_FORMATS
