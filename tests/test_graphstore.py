"""kg publish: a build loaded into real SPARQL stores over the Graph Store HTTP Protocol, then
read back with the stores' own query endpoints: counts per graph equal the build's."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import BASE, FakeExtractor, build_with, settings, write_articles
from pyoxigraph import NamedNode
from stores import RunningStore, oxigraph_server, virtuoso_server

from kg.cli import main
from kg.dataset.remote import RemoteStore
from kg.dataset.store import open_store
from kg.errors import Unavailable
from kg.publish.graphstore import (
    RELEASE_GRAPH,
    PublishError,
    count_triples,
    publish_build,
)

pytestmark = pytest.mark.slow  # each test starts a store


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStore]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as store:
        yield store


def build(tmp_path: Path, ids: list[str], **extra: str) -> Path:
    config = settings(tmp_path, cache_dir=tmp_path / "cache")
    report = build_with(
        FakeExtractor(), [write_articles(tmp_path / "in", ids, extra=extra)], config
    )
    assert report.released
    return config.out


def build_counts(out: Path) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for quad in open_store(out):
        if isinstance(quad.graph_name, NamedNode):  # the default graph is their merge
            counts[quad.graph_name.value] += 1
    return dict(counts)


def query(store: RunningStore, text: str) -> list[dict[str, dict[str, str]]]:
    data = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(store.sparql, data=data)
    request.add_header("Accept", "application/sparql-results+json")
    with urllib.request.urlopen(request, timeout=60) as response:
        rows: list[dict[str, dict[str, str]]] = json.loads(response.read())["results"]["bindings"]
        return rows


def test_graphstore_oxigraph_holds_every_graph_whole(
    tmp_path: Path, oxigraph: RunningStore
) -> None:
    out = build(tmp_path, ["a1", "a2", "a3", "broken"])
    result = publish_build(out, oxigraph.graph_store, sparql=oxigraph.sparql)
    expected = build_counts(out)
    assert set(expected) == {
        *(BASE + f"graph/article/{i}" for i in ("a1", "a2", "a3")),
        *(BASE + f"graph/{name}" for name in ("merged", "ontology", "shapes", "validation")),
        BASE + "graph/void",  # the dataset's description travels with it
    }
    assert result.verified
    assert result.triples == expected
    rows = query(oxigraph, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    found = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    release = found.pop(BASE + RELEASE_GRAPH)
    assert found == expected
    assert release == 3 + 3 * len(expected)  # type, source, identifier; part, IRI, hash per graph
    # The articles went first and the corpus graphs last, in that order.
    assert list(result.sent[-4:]) == [
        BASE + f"graph/{n}" for n in ("ontology", "shapes", "merged", "validation")
    ]


def test_graphstore_next_release_sends_what_changed_and_deletes_what_went(
    tmp_path: Path, oxigraph: RunningStore
) -> None:
    first = build(tmp_path / "one", ["b1", "b2", "b3"])
    publish_build(first, oxigraph.graph_store, sparql=oxigraph.sparql)
    second = build(tmp_path / "two", ["b1", "b2", "b4"], b2=" More was said in Kyiv.")
    result = publish_build(second, oxigraph.graph_store, sparql=oxigraph.sparql)
    article = BASE + "graph/article/"
    assert result.deleted == (article + "b3",)
    assert article + "b1" in result.unchanged
    assert {article + "b2", article + "b4", BASE + "graph/merged"} <= set(result.sent)
    found = count_triples(oxigraph.sparql, BASE)
    assert article + "b3" not in found
    found.pop(BASE + RELEASE_GRAPH)
    assert found == build_counts(second)


def test_graphstore_a_graph_altered_in_the_store_is_sent_again(
    tmp_path: Path, oxigraph: RunningStore
) -> None:
    out = build(tmp_path, ["c1", "c2"])
    publish_build(out, oxigraph.graph_store, sparql=oxigraph.sparql)
    graph = BASE + "graph/article/c1"
    extra = b"<http://x.example/s> <http://x.example/p> <http://x.example/o> .\n"
    request = urllib.request.Request(
        f"{oxigraph.graph_store}?{urllib.parse.urlencode({'graph': graph})}", data=extra,
        method="POST", headers={"Content-Type": "application/n-triples"},
    )  # fmt: skip
    urllib.request.urlopen(request, timeout=30).close()
    result = publish_build(out, oxigraph.graph_store, sparql=oxigraph.sparql)
    assert result.sent == (graph,)
    assert count_triples(oxigraph.sparql, BASE)[graph] == build_counts(out)[graph]


def test_graphstore_cli_and_clear_errors(tmp_path: Path, oxigraph: RunningStore) -> None:
    out = build(tmp_path, ["d1"])
    runner = CliRunner()
    done = runner.invoke(main, ["publish", str(out), "--to", oxigraph.graph_store,
                                "--sparql", oxigraph.sparql])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "counts per graph verified" in done.output
    nowhere = oxigraph.graph_store.removesuffix("/store") + "/nope"
    wrong = runner.invoke(main, ["publish", str(out), "--to", nowhere])
    assert wrong.exit_code == 2
    assert f"the store at {nowhere} refused to PUT graph" in wrong.output
    with pytest.raises(PublishError, match=r"cannot reach the store at http://127\.0\.0\.1:9/"):
        publish_build(out, "http://127.0.0.1:9/store")


def test_graphstore_virtuoso_holds_every_graph_whole(tmp_path: Path) -> None:
    out = build(tmp_path / "build", ["v1", "v2", "broken"], v2=" Officials in Kyiv said “no”.")
    with virtuoso_server(tmp_path / "virtuoso") as virtuoso:
        with pytest.raises(PublishError, match="401"):  # writing needs the user
            publish_build(out, virtuoso.graph_store)
        result = publish_build(
            out, virtuoso.graph_store, sparql=virtuoso.sparql, user=virtuoso.user,
            password=virtuoso.password,
        )  # fmt: skip
        assert result.verified
        found = count_triples(virtuoso.sparql, BASE)
        found.pop(BASE + RELEASE_GRAPH)
        assert found == build_counts(out)
        text = query(virtuoso, "SELECT ?t { GRAPH ?g { ?a <http://persistence.uni-leipzig.org/"
                               "nlp2rdf/ontologies/nif-core#isString> ?t } FILTER(CONTAINS(?t, "
                               "\"“no”\")) }")  # fmt: skip
        assert len(text) == 1  # the non-ASCII text arrived intact


def test_graphstore_pages_read_from_an_external_endpoint_say_what_local_pages_say(
    tmp_path: Path, oxigraph: RunningStore
) -> None:
    """kg serve --endpoint: the Linked Data pages of a build published into a store elsewhere
    are the pages of the build's own store."""
    from kg.settings import Settings
    from server.app import create_app

    out = build(tmp_path, ["e1", "e2"])
    publish_build(out, oxigraph.graph_store, sparql=oxigraph.sparql)
    local = create_app(Settings(base_iri=BASE, query_workers=1), out)
    remote = create_app(Settings(base_iri=BASE, query_workers=1, endpoint=oxigraph.sparql), out)
    try:
        entity = local.test_client().get("/wikidata/Q1899").headers["Location"]
        assert remote.test_client().get("/wikidata/Q1899").headers["Location"] == entity
        for path, accept in [
            (entity, "text/html"),
            (entity, "text/turtle"),
            ("/id/article/e1", "text/html"),
            ("/id/nothing-here", "text/html"),
        ]:
            mine = local.test_client().get(path, headers={"Accept": accept})
            theirs = remote.test_client().get(path, headers={"Accept": accept})
            assert (theirs.status_code, theirs.data) == (mine.status_code, mine.data), path
        # A graph's page lists its triples in the store's own order: the same set.
        mine = local.test_client().get("/graph/merged", headers={"Accept": "application/n-triples"})
        theirs = remote.test_client().get(
            "/graph/merged", headers={"Accept": "application/n-triples"}
        )
        assert sorted(theirs.data.splitlines()) == sorted(mine.data.splitlines())
        assert len(mine.data.splitlines()) > 10
        assert b"Kyiv" in local.test_client().get(entity).data
    finally:
        for app in (local, remote):
            app.extensions["newskg"].close()


def test_graphstore_remote_store_refuses_whole_queries() -> None:
    """Browsing pages that run whole queries say why they cannot over an external endpoint."""
    with pytest.raises(Unavailable, match="build's own store"):
        RemoteStore("http://127.0.0.1:9/sparql").query("SELECT * { ?s ?p ?o }")
