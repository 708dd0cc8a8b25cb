"""The pre-flight scan of a query: its form, updates, FROM, and SERVICE in any disguise."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, Quad, Store

from kg.errors import QueryRefused, QueryTimeout
from kg.sparql.lexer import CACHED_LENGTH, QueryForm, check_query, has_service, shape

# Every IRI here is on port 9, which pyoxigraph's HTTP client refuses without connecting.
EVIL = "<http://127.0.0.1:9/>"


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * { ?s ?p ?o }", QueryForm.SELECT),
        ("select*{?s ?p ?o}", QueryForm.SELECT),
        ("PREFIX ex: <http://e/> BASE <http://b/> ASK {}", QueryForm.ASK),
        ("# a comment with SELECT\nCONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
        ("PREFIX : <http://e/> DESCRIBE :x", QueryForm.DESCRIBE),
        ("ASK{", QueryForm.ASK),
        ("nonsense", None),
        ("", None),
    ],
)
def test_lexer_finds_the_form(query: str, form: QueryForm | None) -> None:
    assert shape(query).form == form


@pytest.mark.parametrize(
    ("query", "keyword"),
    [
        ("INSERT DATA { <a> <b> <c> }", "INSERT"),
        ("PREFIX a: <x> clear all", "CLEAR"),
        ("LOAD <http://example.org/data.ttl>", "LOAD"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
        ("DROP ALL", "DROP"),
    ],
)
def test_lexer_refuses_updates_by_name(query: str, keyword: str) -> None:
    with pytest.raises(QueryRefused, match=keyword):
        check_query(query)


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ SERVICE {EVIL} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ service silent {EVIL} {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <http://e/> SELECT * {{ ?s ex:a\\'b ?o . SERVICE {EVIL} {{}} ?s ex:b\\'c ?o}}",
        f"PREFIX ex: <http://e/> SELECT * {{ ?s ex:a\\#b ?o . SERVICE {EVIL} {{}} }}",
        f"SELECT * {{ FILTER(?a<1)SERVICE{EVIL}{{?s ?p ?o}} }}",
        "SELECT * { ?s ?p ?o FILTER(?o<?b)SERVICE?x#>\n {} }",
        f"SELECT * {{ ?s ?p trueSERVICE {EVIL} {{}} }}",
        "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x {} }",
        f"SELECT * {{ ?s ?p ?o OPTIONAL{{}}SERVICE {EVIL} {{}} }}",
        f"SELECT * {{ ?s ?p 1SERVICE {EVIL} {{}} }}",
        f"SELECT * {{ ?s ?p ?o }} VALUES (?x ?y) {{ (<a> <b#c>) }} SERVICE {EVIL} {{}}",
    ],
)
def test_lexer_finds_service_however_hidden(query: str) -> None:
    assert has_service(query)
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_query(query)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/> {}" } # SERVICE <http://x/> {}',
        "SELECT * { ?s <http://example.org/service/x> ?o }",
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT*{ ?s a sd:Service }",
        "SELECT ?service { ?service ?p 'a''' }",
        "SELECT * { ?s ?p ?o FILTER(?o < <http://e/service>) }",
        "SELECT * { ?s ?p '''multi\nline SERVICE''' }",
    ],
)
def test_lexer_accepts_service_in_strings_iris_comments_and_names(query: str) -> None:
    assert not has_service(query)
    assert check_query(query).form == QueryForm.SELECT


def test_lexer_sees_from_as_a_dataset_clause() -> None:
    assert shape("SELECT * FROM <g> { ?s ?p ?o }").dataset_clause
    assert not shape("SELECT * { ?s <http://e/from> 'FROM' }").dataset_clause


FRAGMENTS = [
    "SELECT * {",
    "}",
    "{",
    " ",
    "\n",
    "#",
    "'",
    '"',
    "<",
    ">",
    "(",
    ")",
    "?x",
    "?o",
    "1",
    "true",
    ".",
    ";",
    "SERVICE",
    "service",
    "SILENT",
    EVIL,
    "FILTER(",
    "?a<?b",
    "ex:a\\'",
    "ex:a\\#",
    "ex:a.",
    ":",
    "OPTIONAL{}",
    "VALUES ?x {" + EVIL + "}",
    "?s ?p ?o",
    "a",
]


def _pyoxigraph_calls_service(query: str) -> bool:
    store = Store()
    store.add(Quad(NamedNode("http://e/s"), NamedNode("http://e/p"), Literal("o")))
    try:
        result = store.query(
            "PREFIX ex: <http://127.0.0.1:9/>\n" + query, base_iri="http://127.0.0.1:9/"
        )
        if not isinstance(result, bool):
            list(result)  # type: ignore[arg-type]
    except OSError:
        return True
    except (SyntaxError, RuntimeError, ValueError):
        return False
    return False


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=14))
def test_lexer_never_misses_a_service_pyoxigraph_would_call(parts: list[str]) -> None:
    query = "".join(parts)
    if _pyoxigraph_calls_service(query):
        assert has_service("PREFIX ex: <http://127.0.0.1:9/>\n" + query)


def test_lexer_fuzz_oracle_sees_a_service_call() -> None:
    assert _pyoxigraph_calls_service(f"SELECT * {{ SERVICE {EVIL} {{ ?s ?p ?o }} }}")
    assert not _pyoxigraph_calls_service("SELECT * { ?s ?p ?o }")


def test_lexer_refuses_a_remembered_query_every_time() -> None:
    query = f"SELECT * {{ SERVICE {EVIL} {{ ?s ?p ?o }} }}"
    for _ in range(2):
        with pytest.raises(QueryRefused, match="SERVICE"):
            check_query(query)


def test_lexer_stops_a_long_scan_at_its_deadline() -> None:
    query = "ASK { " + "?" * (CACHED_LENGTH * 20) + " }"
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="characters\\) took past its time limit"):
        check_query(query, deadline=started + 0.05)
    assert time.monotonic() - started < 1.0
    assert check_query(query).form == QueryForm.ASK  # no deadline: scanned to the end
