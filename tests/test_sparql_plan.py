"""kg.sparql.plan: one planning function for ``kg query`` and the endpoint."""

from __future__ import annotations

import pytest

from kg.errors import NotAcceptable, QueryRefused
from kg.sparql.plan import plan_query

SELECT = "SELECT ?s WHERE { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def plan(query: str, **options: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "wanted": None, "accept": None, "html": False, "row_limit": 10, "base_iri": "http://x/"
    }  # fmt: skip
    values.update(options)
    return plan_query(query, **values)  # type: ignore[arg-type]


def test_sparql_plan_defaults_to_the_first_format_of_the_form() -> None:
    assert plan(SELECT).job.media_type == "application/sparql-results+json"
    assert plan(CONSTRUCT).job.media_type == "text/turtle"


def test_sparql_plan_takes_a_format_name_or_media_type() -> None:
    assert plan(SELECT, wanted="csv").job.media_type == "text/csv"
    assert plan(CONSTRUCT, wanted="application/n-triples").job.media_type == (
        "application/n-triples"
    )


def test_sparql_plan_refuses_a_format_the_form_cannot_give_when_nothing_else_decides() -> None:
    with pytest.raises(NotAcceptable, match="cannot be given as 'turtle'"):
        plan(SELECT, wanted="turtle")
    assert plan(SELECT, wanted="turtle", accept="*/*").job.media_type.endswith("json")


def test_sparql_plan_html_page_only_when_allowed_and_preferred() -> None:
    browser = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
    page = plan(SELECT, accept=browser, html=True)
    assert page.html
    assert page.job.media_type == "application/sparql-results+json"  # the page renders JSON
    assert not plan(SELECT, accept=browser, html=False).html


def test_sparql_plan_checks_the_query_before_anything_runs() -> None:
    with pytest.raises(QueryRefused):
        plan("INSERT DATA { <a:b> <a:c> <a:d> }")
    assert plan(SELECT).job.union_default_graph is True
    assert plan("SELECT * FROM <http://g> WHERE { ?s ?p ?o }").job.union_default_graph is False
