"""Query workers: a query past its timeout is killed, its worker replaced, others keep serving."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from robust.limits import allocate, sleep

from kg.errors import QuerySyntaxError, QueryTimeout, Unavailable
from kg.sparql import QueryJob, QueryPool, execute
from kg.sparql.pool import SLOW as SLOW_JOB
from kg.sparql.pool import SlowLane
from server.testing import write_build

FIXTURE = Path(__file__).parent / "endpoint" / "fixture.trig"
# Counts far past any timeout: 10^8 rows of nested VALUES, no data needed.
SLOW = (
    "SELECT (COUNT(*) AS ?n) { VALUES ?a {1 2 3 4 5 6 7 8 9 10} VALUES ?b {1 2 3 4 5 6 7 8 9 10} "
    "VALUES ?c {1 2 3 4 5 6 7 8 9 10} VALUES ?d {1 2 3 4 5 6 7 8 9 10} "
    "VALUES ?e {1 2 3 4 5 6 7 8 9 10} VALUES ?f {1 2 3 4 5 6 7 8 9 10} "
    "VALUES ?g {1 2 3 4 5 6 7 8 9 10} VALUES ?h {1 2 3 4 5 6 7 8 9 10} }"
)
JSON = "application/sparql-results+json"


@contextmanager
def pool_on(tmp_path: Path, size: int, **options: Any) -> Iterator[QueryPool]:
    """A pool over a fresh build of the fixture, closed when the block ends."""
    workers = QueryPool(write_build(tmp_path / "dist", FIXTURE.read_bytes()), size, **options)
    try:
        yield workers
    finally:
        workers.close()


def hold(workers: QueryPool, seconds: float, key: str | None = None) -> threading.Thread:
    """A started thread whose job holds one worker for ``seconds`` (join it)."""
    thread = threading.Thread(
        target=workers.call, args=(sleep, seconds), kwargs={"timeout": 5, "key": key}
    )
    thread.start()
    return thread


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
    assert cheap, "a cheap query waited for the slow one"
    assert cheap[0] < 0.5, "a cheap query waited for the slow one"
    # The killed worker was replaced: both workers answer again.
    for _ in range(4):
        pool.call(execute, QueryJob("ASK {}", JSON, 10), timeout=5)


def test_pool_a_query_past_its_memory_is_a_503_and_the_worker_is_replaced(
    tmp_path: Path,
) -> None:
    with pool_on(tmp_path, 1, memory_mb=1024, spare=0) as workers:
        with pytest.raises(Unavailable, match="more memory than a query may use \\(1024 MB\\)"):
            workers.call(allocate, 2048, timeout=10)
        assert workers.call(allocate, 16, timeout=10) == 16 * 1024 * 1024


def test_pool_requests_past_the_waiting_cap_behind_slow_jobs_get_503_at_once(
    tmp_path: Path,
) -> None:
    with pool_on(tmp_path, 1, spare=0, max_waiting=0) as workers:
        busy = hold(workers, 2.0)
        time.sleep(SLOW_JOB + 0.3)  # the busy job is a slow one by now
        started = time.perf_counter()
        with pytest.raises(Unavailable, match="busy") as caught:
            workers.call(sleep, 0, timeout=5)
        assert time.perf_counter() - started < 0.2
        assert "at most 0 may wait" in (caught.value.why or "")
        busy.join()
        assert workers.call(sleep, 0, timeout=5) == 0


def test_pool_requests_queue_behind_fast_jobs_past_the_waiting_cap(tmp_path: Path) -> None:
    with pool_on(tmp_path, 1, spare=0, max_waiting=0) as workers:
        busy = hold(workers, 0.3)
        time.sleep(0.1)
        assert workers.call(sleep, 0, timeout=5) == 0  # waited ~0.2 s, not refused
        busy.join()


def test_pool_a_spare_worker_serves_while_all_are_busy_and_lingers(tmp_path: Path) -> None:
    with pool_on(tmp_path, 1, spare=1, max_waiting=0) as workers:
        busy = hold(workers, 1.0)
        time.sleep(0.3)
        assert workers.call(sleep, 0, timeout=5) == 0  # the spare worker, started for it
        busy.join()
        assert len(workers._workers) == 2  # kept for a while: a steady load does not churn


def test_pool_a_spare_worker_stops_after_lingering_idle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kg.sparql.pool.LINGER", 0.2)
    with pool_on(tmp_path, 1, spare=1, max_waiting=0) as workers:
        busy = hold(workers, 0.6)
        time.sleep(0.2)
        assert workers.call(sleep, 0, timeout=5) == 0
        busy.join()
        time.sleep(0.3)
        assert workers.call(sleep, 0, timeout=5) == 0  # its return stops the stale spare
        assert len(workers._workers) == 1


def test_pool_waiting_for_a_worker_counts_against_the_one_timeout(tmp_path: Path) -> None:
    with pool_on(tmp_path, 1, spare=0, max_waiting=1, max_wait=10) as workers:
        busy = hold(workers, 1.0)
        time.sleep(0.2)
        started = time.perf_counter()
        with pytest.raises(QueryTimeout, match="of it before it ran"):
            workers.call(sleep, 3, timeout=1.5)
        assert time.perf_counter() - started < 1.5 + 0.5  # one deadline, not wait + 1.5 s
        busy.join()


def test_slow_lane_learns_slow_texts_limits_them_and_forgets_fast_ones() -> None:
    lane = SlowLane(lanes=1, remember=2)
    assert lane.enter("q") is False  # unknown: runs like any query
    lane.leave("q", False, SLOW_JOB + 1)  # it ran slow
    assert lane.enter("q") is True
    with pytest.raises(Unavailable, match="slow lane is busy"):
        lane.enter("q")
    assert lane.enter("cheap") is False
    lane.leave("q", True, 0.01)  # fast this time: forgotten
    assert lane.enter("q") is False
    for key in ("a", "b", "c"):
        lane.leave(key, False, SLOW_JOB + 1)
    assert lane.enter("a") is False  # only the last two are remembered
    assert lane.enter(None) is False


def test_pool_a_known_slow_query_cannot_take_a_second_worker(tmp_path: Path) -> None:
    with pool_on(tmp_path, 2, spare=0) as workers:
        workers.call(sleep, SLOW_JOB + 0.1, timeout=5, key="slow")  # learnt
        busy = hold(workers, 1.0, key="slow")
        time.sleep(0.2)
        started = time.perf_counter()
        with pytest.raises(Unavailable, match="slow lane"):
            workers.call(sleep, 1.0, timeout=5, key="slow")
        assert time.perf_counter() - started < 0.1
        assert workers.call(sleep, 0, timeout=5, key="cheap") == 0  # the other worker is free
        busy.join()
