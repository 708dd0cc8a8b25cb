"""Query workers: a query past its timeout is killed, its worker replaced, others keep serving."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import QuerySyntaxError, QueryTimeout
from kg.sparql import QueryJob, QueryPool, execute
from server.testing import write_build

FIXTURE = Path(__file__).parent / "server" / "fixture.trig"
# Counts far past any timeout: 10^8 rows of nested VALUES, no data needed.
SLOW = (
    "SELECT (COUNT(*) AS ?n) { VALUES ?a {1 2 3 4 5 6 7 8 9 10} VALUES ?b {1 2 3 4 5 6 7 8 9 10} "
    "VALUES ?c {1 2 3 4 5 6 7 8 9 10} VALUES ?d {1 2 3 4 5 6 7 8 9 10} "
    "VALUES ?e {1 2 3 4 5 6 7 8 9 10} VALUES ?f {1 2 3 4 5 6 7 8 9 10} "
    "VALUES ?g {1 2 3 4 5 6 7 8 9 10} VALUES ?h {1 2 3 4 5 6 7 8 9 10} }"
)
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QueryPool]:
    dist = tmp_path_factory.mktemp("pool") / "dist"
    build = write_build(dist, FIXTURE.read_bytes())
    workers = QueryPool(build, 2)
    yield workers
    workers.close()


def test_pool_runs_a_query(pool: QueryPool) -> None:
    result = pool.call(execute, QueryJob("ASK { ?s ?p ?o }", JSON, 10), timeout=5)
    assert b'"boolean":true' in result.body


def test_pool_brings_worker_errors_back_with_their_class(pool: QueryPool) -> None:
    with pytest.raises(QuerySyntaxError, match="does not parse"):
        pool.call(execute, QueryJob("ASK {", JSON, 10), timeout=5)


@pytest.mark.slow
def test_pool_kills_a_query_past_its_timeout_and_keeps_serving(pool: QueryPool) -> None:
    cheap: list[float] = []

    def ask_meanwhile() -> None:
        time.sleep(0.2)
        started = time.perf_counter()
        pool.call(execute, QueryJob("ASK {}", JSON, 10), timeout=5)
        cheap.append(time.perf_counter() - started)

    other = threading.Thread(target=ask_meanwhile)
    other.start()
    started = time.perf_counter()
    with pytest.raises(QueryTimeout, match="more than 1 s"):
        pool.call(execute, QueryJob(SLOW, JSON, 10), timeout=1)
    elapsed = time.perf_counter() - started
    other.join()
    assert 1 <= elapsed < 3
    assert cheap and cheap[0] < 0.5, "a cheap query waited for the slow one"
    # The killed worker was replaced: both workers answer again.
    for _ in range(4):
        pool.call(execute, QueryJob("ASK {}", JSON, 10), timeout=5)
