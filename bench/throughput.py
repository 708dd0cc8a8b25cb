"""HTTP section: requests/s and p50/p99 latency of cheap lookups, measured with ``wrk``.

The lookup (one entity's label, :data:`bench.queries.LOOKUP`) goes as a SPARQL GET to our server
and to the Oxigraph server serving the same store, for :data:`ENTITIES` different entities
picked at random request by request (no answer can be served from a cache), with 8 and 32
keep-alive connections. Our constant page ``/-/version`` (no query at all) is measured beside it:
the ceiling of the HTTP stack and Flask on this machine. Runs alternate (ours, Oxigraph, ours'
ceiling) for ``rounds`` rounds; the table gives medians. Goal of issue 20: our requests/s at least
0.4 of Oxigraph's.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from pyoxigraph import NamedNode, QuerySolutions, Store

from bench.measure import Budget, Row, median
from bench.queries import LOOKUP, PROLOGUE, Terms
from bench.servers import newskg_server, oxigraph_server
from bench.workspace import Workspace
from bench.wrk import WrkResult, run_wrk
from kg.layout import STORE

SECTION = "http"
ACCEPT = "application/sparql-results+json"
RATIO_GOAL = 0.4
CLIENTS = (8, 32)
#: Entities the lookups are spread over.
ENTITIES = 500


def lookup_paths(store: Store, endpoint: str) -> list[str]:
    """GET paths of the lookup for up to :data:`ENTITIES` labelled entities of ``store``."""
    query = "SELECT DISTINCT ?e { ?e rdfs:label ?l FILTER(isIRI(?e)) } ORDER BY ?e LIMIT "
    found = store.query(PROLOGUE + query + str(ENTITIES), use_default_graph_as_union=True)
    assert isinstance(found, QuerySolutions)
    entities = [s[0].value for s in found if isinstance(s[0], NamedNode)]
    queries = [Terms(entity, entity).fill(LOOKUP) for entity in entities]
    return [f"/{endpoint}?query={quote(query, safe='')}" for query in queries]


def run(
    ws: Workspace,
    size: int,
    budget: Budget,
    *,
    seconds: float = 5.0,
    clients: tuple[int, ...] = CLIENTS,
    rounds: int = 3,
) -> tuple[list[Row], dict[str, Any]]:
    """Both servers run at once (an idle one costs nothing); for each number of connections,
    ``rounds`` rounds of ours, Oxigraph, then our ``/-/version`` page, so that compared runs are
    close in time on a machine whose load drifts."""
    size, build = ws.dataset(size)
    store = Store.read_only(str(build / STORE))
    ours_paths = lookup_paths(store, "sparql")
    theirs_paths = lookup_paths(store, "query")
    del store
    runs: dict[str, dict[int, list[dict[str, Any]]]] = {"newskg": {}, "oxigraph": {}, "floor": {}}
    with newskg_server(build) as ours, oxigraph_server(build) as theirs:
        targets = {
            "newskg": (ours.base, ours_paths, ACCEPT),
            "oxigraph": (theirs.base, theirs_paths, ACCEPT),
            "floor": (ours.base, ["/-/version"], "application/json"),
        }
        for base, paths, accept in targets.values():  # warm: workers, page cache, connections
            run_wrk(base, paths, connections=4, seconds=1, accept=accept)
        for n in clients:
            for _ in range(rounds):
                for name, (base, paths, accept) in targets.items():
                    result = run_wrk(base, paths, connections=n, seconds=seconds, accept=accept)
                    runs[name].setdefault(n, []).append(asdict(result))
    results = {
        name: {n: summary(found) for n, found in by_n.items()} for name, by_n in runs.items()
    }
    data = {
        "articles": size,
        "entities": len(ours_paths),
        "query": LOOKUP,
        "seconds_per_run": seconds,
        "rounds": rounds,
        "client": "wrk",
        "runs": runs,
        "results": results,
    }
    return rows_of(results), data


def summary(found: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the rounds of one server at one number of connections."""
    return {
        "clients": found[0]["connections"],
        "rounds": len(found),
        "requests": sum(r["requests"] for r in found),
        "errors": sum(r["errors"] for r in found),
        "requests_per_second": median([r["requests_per_second"] for r in found]),
        "p50_ms": median([r["p50_ms"] for r in found]),
        "p99_ms": median([r["p99_ms"] for r in found]),
    }


def rows_of(results: dict[str, dict[int, dict[str, Any]]]) -> list[Row]:
    rows = []
    ours, theirs = results["newskg"], results["oxigraph"]
    for n in ours:
        mine, other = ours[n], theirs[n]
        rps, base = mine["requests_per_second"], other["requests_per_second"]
        rows.append(
            Row(
                SECTION,
                f"lookup, {n} connections: newskg",
                rps,
                "req/s",
                base,
                "oxigraph server",
                goal=f">= {RATIO_GOAL}",
                met=bool(base) and rps / base >= RATIO_GOAL,
                note=f"errors {mine['errors']}/{other['errors']}",
            )
        )
        floor = results["floor"][n]["requests_per_second"]
        rows.append(
            Row(
                SECTION,
                f"/-/version, {n} connections: newskg",
                floor,
                "req/s",
                base,
                "oxigraph server",
                note="no query: the ceiling of our HTTP stack and Flask on this machine",
            )
        )
        for stat in ("p50_ms", "p99_ms"):
            rows.append(
                Row(
                    SECTION,
                    f"lookup, {n} connections: newskg {stat[:3]}",
                    mine[stat],
                    "ms",
                    other[stat],
                    "oxigraph server",
                )
            )
    return rows


__all__ = ["CLIENTS", "WrkResult", "run"]
