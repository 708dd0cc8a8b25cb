"""HTTP section: requests/s and p50/p99 latency of a cheap lookup under concurrent clients.

The lookup (one entity's label, :data:`bench.queries.LOOKUP`) goes as a SPARQL GET to our server
and to the Oxigraph server serving the same store, each run bounded to ``seconds``, with 8 and 32
concurrent keep-alive clients. Goal of issue 8: our requests/s at least 0.5x Oxigraph's.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import Store

from bench.client import LoadResult, Target, latencies, load
from bench.measure import Budget, Row, percentile
from bench.queries import LOOKUP, pick_terms
from bench.servers import newskg_server, oxigraph_server
from bench.workspace import Workspace
from kg.layout import STORE

SECTION = "http"
ACCEPT = "application/sparql-results+json"
RATIO_GOAL = 0.5
CLIENTS = (8, 32)


def summary(result: LoadResult) -> dict[str, Any]:
    return {
        "clients": result.clients,
        "seconds": result.seconds,
        "requests": result.requests,
        "errors": result.errors,
        "requests_per_second": result.per_second,
        "p50_ms": 1000 * percentile(result.latencies, 0.50),
        "p99_ms": 1000 * percentile(result.latencies, 0.99),
    }


def run(
    ws: Workspace,
    size: int,
    budget: Budget,
    *,
    seconds: float = 20.0,
    clients: tuple[int, ...] = CLIENTS,
) -> tuple[list[Row], dict[str, Any]]:
    """Both servers run at once (an idle one costs nothing); for each number of clients ours is
    loaded, then Oxigraph, then our ``/-/version`` page (the framework's floor, half as long),
    so that compared runs are close in time on a machine whose load drifts."""
    size, build = ws.dataset(size)
    store = Store.read_only(str(build / STORE))
    query = pick_terms(store).fill(LOOKUP)
    del store
    results: dict[str, dict[int, dict[str, Any]]] = {"newskg": {}, "oxigraph": {}, "floor": {}}
    with newskg_server(build) as ours, oxigraph_server(build) as theirs:
        targets = {
            "newskg": Target.sparql(ours.base, ours.endpoint, query, ACCEPT),
            "oxigraph": Target.sparql(theirs.base, theirs.endpoint, query, ACCEPT),
            "floor": Target(ours.base, "/-/version", "application/json"),
        }
        for target in targets.values():
            latencies(target, 20)  # warm: query workers, page cache, connections
        for n in clients:
            for name, target in targets.items():
                length = seconds / 2 if name == "floor" else seconds
                results[name][n] = summary(load(target, n, length))
    data = {"articles": size, "query": query, "seconds_per_run": seconds, "results": results}
    return rows_of(results), data


def rows_of(results: dict[str, dict[int, dict[str, Any]]]) -> list[Row]:
    rows = []
    ours, theirs = results["newskg"], results["oxigraph"]
    for n in ours:
        mine, other = ours[n], theirs[n]
        rps, base = mine["requests_per_second"], other["requests_per_second"]
        rows.append(
            Row(
                SECTION,
                f"lookup, {n} clients: newskg",
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
                f"/-/version, {n} clients: newskg",
                floor,
                "req/s",
                base,
                "oxigraph server",
                note="no query: the Flask/gunicorn ceiling of this machine",
            )
        )
        for stat in ("p50_ms", "p99_ms"):
            rows.append(
                Row(
                    SECTION,
                    f"lookup, {n} clients: newskg {stat[:3]}",
                    mine[stat],
                    "ms",
                    other[stat],
                    "oxigraph server",
                )
            )
    return rows
