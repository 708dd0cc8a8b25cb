"""Query section: median latency of eight queries, over HTTP and in process, and on rdflib.

For each query of :mod:`bench.queries`, on the same build:

* ``pyoxigraph``: ``Store.query`` on the store opened read-only in this process, results
  serialised by pyoxigraph (SPARQL JSON, or N-Triples for DESCRIBE): the engine's own cost;
* ``kg execute``: :func:`kg.sparql.execute`, what a query worker runs (caps, our JSON writer);
* ``HTTP``: a GET to our running server (granian, Flask, in place or a query worker), one keep-alive
  connection, sequential requests;
* ``rdflib``: the same data in an ``rdflib.Dataset`` (union default graph), the same query, the
  same result format.

Goals: every query over HTTP at most 1.5x pyoxigraph + 2 ms (issues 8 and 20); the lookups
(:data:`LOOKUPS`, answered in place by the server) at most pyoxigraph + 1 ms (issue 20); HTTP at
least 20x faster than rdflib (issue 8).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat, Store

from bench.client import Connection, Target
from bench.measure import Budget, Row, median
from bench.queries import QUERIES, is_graph_query, pick_terms
from bench.servers import newskg_server
from bench.workspace import Workspace
from kg.layout import NQUADS, STORE
from kg.sparql import QueryJob, execute

SECTION = "query"
JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
HTTP_FACTOR_GOAL, HTTP_PLUS_GOAL = 1.5, 0.002
RDFLIB_GOAL = 20.0
#: The queries of the section that are lookups, and their goal over HTTP (issue 20).
LOOKUPS = ("entity_by_iri", "describe_entity")
LOOKUP_PLUS_GOAL = 0.001


def accept_for(name: str) -> str:
    return NTRIPLES if is_graph_query(name) else JSON


def pyoxigraph_answer(store: Store, query: str) -> bytes:
    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, QuerySolutions):
        return result.serialize(format=QueryResultsFormat.JSON) or b""
    if isinstance(result, QueryTriples):
        return result.serialize(format=RdfFormat.N_TRIPLES) or b""
    return result.serialize(format=QueryResultsFormat.JSON) or b""


def rdflib_answer(dataset: rdflib.Dataset, query: str) -> bytes:
    result = dataset.query(query)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return result.graph.serialize(format="nt", encoding="utf-8")
    return result.serialize(format="json") or b""


def load_rdflib(nquads: Path) -> tuple[rdflib.Dataset, float]:
    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    return dataset, time.perf_counter() - started


def runs(fn: Callable[[], object], *, most: int, seconds: float, least: int = 1) -> list[float]:
    """Time ``fn`` up to ``most`` times, stopping once ``seconds`` are spent (after ``least``)."""
    times: list[float] = []
    while len(times) < most and (len(times) < least or sum(times) < seconds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def interleaved(
    fns: dict[str, Callable[[], object]], repeat: int, *, block: int = 7
) -> dict[str, list[float]]:
    """Time each of ``fns`` ``repeat`` times (after one warm-up call), in alternating blocks of
    ``block`` calls: the compared measures see the same load on the machine, and each block runs
    with its own code and data warm in the CPU caches."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    while any(len(found) < repeat for found in times.values()):
        for name, fn in fns.items():
            for _ in range(min(block, repeat - len(times[name]))):
                started = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - started)
    return times


def run(
    ws: Workspace, size: int, budget: Budget, *, repeat: int = 21, rdflib_runs: int = 3
) -> tuple[list[Row], dict[str, Any]]:
    size, build = ws.dataset(size)
    store = Store.read_only(str(build / STORE))
    terms = pick_terms(store)
    texts = {name: terms.fill(template) for name, template in QUERIES.items()}
    seconds: dict[str, dict[str, list[float]]] = {}
    sizes: dict[str, dict[str, int]] = {name: {} for name in QUERIES}
    with newskg_server(build) as server:
        for name, query in texts.items():
            job = QueryJob(query=query, media_type=accept_for(name), row_limit=10_000)
            sizes[name]["pyoxigraph_bytes"] = len(pyoxigraph_answer(store, query))
            sizes[name]["kg_rows"] = execute(store, job).rows
            conn = Connection(Target.sparql(server.base, server.endpoint, query, accept_for(name)))
            try:
                seconds[name] = interleaved(
                    {
                        "pyoxigraph": partial(pyoxigraph_answer, store, query),
                        "kg_execute": partial(execute, store, job),
                        "http": partial(ok, conn),
                    },
                    repeat,
                )
            finally:
                conn.close()
    del store
    dataset, load_seconds = load_rdflib(build / NQUADS)
    for name, query in texts.items():
        if budget.remaining() < 30:
            continue
        sizes[name]["rdflib_bytes"] = len(rdflib_answer(dataset, query))  # and warm-up
        seconds[name]["rdflib"] = runs(
            partial(rdflib_answer, dataset, query), most=rdflib_runs, seconds=20
        )
    data = {
        "articles": size,
        "terms": {"entity": terms.entity, "facility": terms.facility},
        "queries": texts,
        "seconds": seconds,
        "medians_ms": {n: {k: 1000 * median(v) for k, v in s.items()} for n, s in seconds.items()},
        "result_sizes": sizes,
        "rdflib_load_seconds": load_seconds,
        "rdflib_quads": len(dataset),
    }
    return rows_of(seconds), data


def ok(conn: Connection) -> bytes:
    status, body = conn.get()
    if status != 200:
        raise RuntimeError(f"GET {conn.target.path[:80]} -> {status}: {body[:300]!r}")
    return body


def rows_of(seconds: dict[str, dict[str, list[float]]]) -> list[Row]:
    rows = []
    for name, measured in seconds.items():
        ox = median(measured["pyoxigraph"])
        http = median(measured["http"])
        rows.append(Row(SECTION, f"{name}: pyoxigraph in-process", 1000 * ox, "ms"))
        rows.append(
            Row(
                SECTION,
                f"{name}: kg execute in-process",
                1000 * median(measured["kg_execute"]),
                "ms",
                1000 * ox,
                "pyoxigraph",
            )
        )
        rows.append(
            Row(
                SECTION,
                f"{name}: HTTP (newskg server)",
                1000 * http,
                "ms",
                1000 * ox,
                "pyoxigraph",
                goal=f"<= {HTTP_FACTOR_GOAL}x + {HTTP_PLUS_GOAL * 1000:g} ms",
                met=http <= HTTP_FACTOR_GOAL * ox + HTTP_PLUS_GOAL,
            )
        )
        if name in LOOKUPS:
            rows.append(
                Row(
                    SECTION,
                    f"{name}: HTTP - pyoxigraph (a lookup)",
                    1000 * (http - ox),
                    "ms",
                    goal=f"<= {LOOKUP_PLUS_GOAL * 1000:g} ms",
                    met=http - ox <= LOOKUP_PLUS_GOAL,
                )
            )
        if "rdflib" in measured:
            slow = median(measured["rdflib"])
            rows.append(
                Row(
                    SECTION,
                    f"{name}: rdflib / HTTP",
                    slow / http,
                    "x",
                    note=f"rdflib {slow:.3f} s",
                    goal=f">= {RDFLIB_GOAL:g}",
                    met=slow / http >= RDFLIB_GOAL,
                )
            )
    return rows
