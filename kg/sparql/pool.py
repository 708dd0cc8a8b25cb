"""Killable query workers: a few processes that each hold the store open read-only.

pyoxigraph cannot interrupt a running query, so queries never run in the server's threads. A query
is sent to an idle worker process under one deadline (waiting for a worker and running both count
against the timeout); past it, the worker is killed (SIGKILL) and replaced by a fresh one, and the
caller gets :class:`QueryTimeout`. As a second guard a worker arms ``alarm(2)`` before each job, so
even a worker whose server died stops soon after its deadline. Each worker's address space is
capped (``RLIMIT_AS``, ``memory_mb``): a query that allocates past it kills only its worker, and
the caller gets a 503 that says so. Workers run at a lower CPU priority (:data:`NICENESS`) than
the server, so the server's own work (lookups, pages) comes first on a busy machine.

So that a few expensive queries cannot starve everyone, the pool may start up to ``spare`` extra
workers while all of its ``size`` workers are busy (stopped again after :data:`LINGER` idle
seconds), and a request waits for a worker at most ``max_wait`` seconds. When every worker is
held by a slow job (running past :data:`SLOW`) and ``max_waiting`` requests already wait, the
answer is an immediate 503 with Retry-After, so the server's threads stay free for Linked Data
pages (which run in the server process, not here); behind fast jobs, requests simply queue.

Workers start from a ``forkserver`` (about 15 ms each once it runs) and import nothing but kg.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

from pyoxigraph import Store

from kg import errors
from kg.dataset.store import open_store
from kg.errors import KgError, QueryTimeout, Unavailable

R = TypeVar("R")
#: Seconds past its deadline after which a worker kills itself if nobody else has.
ALARM_GRACE = 5
#: Seconds a request waits for a free worker at most (within its own timeout).
MAX_WAIT = 2.0
#: A job running longer than this is a slow one: when every worker holds one, a request past the
#: waiting cap is refused at once instead of queueing behind them.
SLOW = 0.5
#: Seconds a spare worker stays idle before it is stopped (so a steady load does not keep
#: starting and stopping one).
LINGER = 30.0
#: Address space of a worker in MB unless the caller says otherwise (settings.query_memory_mb).
MEMORY_MB = 2048
#: How much lower a query worker's CPU priority is than the server's: a query burning its time
#: yields the CPU to the server's threads, so lookups and pages stay quick under expensive load.
NICENESS = 10
_PRELOAD = ["kg.sparql.pool", "kg.sparql.execute", "kg.dataset.info"]


def _limit_memory(memory_mb: int | None) -> None:
    if memory_mb is None:
        return
    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _serve(build: str, conn: Connection, memory_mb: int | None = None) -> None:
    """A worker's loop: open the store once, then run one job at a time until the pipe closes."""
    os.nice(NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    _limit_memory(memory_mb)
    store: Store | None = None
    failure: KgError | None = None
    try:
        store = open_store(Path(build))
    except KgError as exc:
        failure = exc
    while True:
        try:
            fn, args, seconds = conn.recv()
        except (EOFError, OSError):
            return
        signal.alarm(int(seconds) + 1 + ALARM_GRACE)
        exhausted = False
        try:
            if store is None:
                raise failure or errors.DatasetError(f"no store in {build}")
            reply: tuple[Any, ...] = ("ok", fn(store, *args))
        except KgError as exc:
            reply = ("error", type(exc).__name__, exc.what, exc.why, exc.fix)
        except MemoryError:
            exhausted = True
            reply = ("memory",)
        except Exception as exc:  # reported to the server, which answers 500
            reply = ("crash", f"{type(exc).__name__}: {exc}")
        signal.alarm(0)
        conn.send(reply)
        if exhausted:
            return  # a fresh worker takes this one's place


def _out_of_memory(memory_mb: int | None, cause: str) -> Unavailable:
    limit = f"{memory_mb} MB" if memory_mb is not None else "the memory it could get"
    return Unavailable(
        f"the query needed more memory than a query may use ({limit}) and was stopped",
        why=cause,
        fix="make it more selective (LIMIT, fewer ORDER BY / GROUP BY / DISTINCT rows), or "
        "download a dump and run it locally",
    )


def _unwrap(reply: tuple[Any, ...], memory_mb: int | None) -> Any:
    if reply[0] == "ok":
        return reply[1]
    if reply[0] == "error":
        _, name, what, why, fix = reply
        cls = getattr(errors, name, KgError)
        if not (isinstance(cls, type) and issubclass(cls, KgError)):
            cls = KgError
        raise cls(what, why=why, fix=fix)
    if reply[0] == "memory":
        raise _out_of_memory(memory_mb, "an allocation failed (MemoryError)")
    raise KgError("the query failed inside its worker", why=str(reply[1]))


class _Worker:
    def __init__(self, context: BaseContext, build: Path, memory_mb: int | None) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_serve,
            args=(str(build), child, memory_mb),
            daemon=True,
            name="newskg-query",
        )
        self.process.start()
        child.close()
        #: When its current job started, or when it last became idle (``time.monotonic``).
        self.since = time.monotonic()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class SlowLane:
    """Queries known to be slow run ``lanes`` at a time; more are refused at once (503).

    A query whose job ran past :data:`SLOW` (or its timeout) is remembered by its key (the last
    ``remember`` such keys; the endpoint passes the digest of the normalised query, so the same
    query with another comment, variable name or literal is the same key, and the memory holds
    32-character digests, never query texts); while ``lanes`` of them run, another one is
    refused instead of taking a worker that cheap queries need. Run fast again, a key is
    forgotten. Only a key's first slow run can hold a worker for a whole timeout.
    """

    def __init__(self, lanes: int = 1, remember: int = 1024) -> None:
        self.lanes = lanes
        self.remember = remember
        self._lock = threading.Lock()
        self._known: OrderedDict[str, None] = OrderedDict()
        self._running = 0

    def enter(self, key: str | None) -> bool:
        """Whether ``key`` takes a slow lane (then :meth:`leave` must free it); Unavailable
        when it is a known slow query and every lane is taken."""
        if key is None:
            return False
        with self._lock:
            if key not in self._known:
                return False
            if self._running >= self.lanes:
                raise Unavailable(
                    "this query ran slowly here recently and the slow lane is busy",
                    why=f"at most {self.lanes} known slow queries run at once, so that cheap "
                    "queries keep their workers",
                    fix="retry in a few seconds; make it more selective, or download a dump",
                )
            self._running += 1
            return True

    def leave(self, key: str | None, lane: bool, ran: float) -> None:
        """Free the lane; remember ``key`` as slow if it ran past :data:`SLOW`, else forget it
        (``ran`` < 0: it did not run, nothing is learnt)."""
        with self._lock:
            if lane:
                self._running -= 1
            if key is None or ran < 0:
                return
            if ran > SLOW:
                self._known[key] = None
                self._known.move_to_end(key)
                while len(self._known) > self.remember:
                    self._known.popitem(last=False)
            else:
                self._known.pop(key, None)


class QueryPool:
    """``size`` worker processes over the store of one build folder (see the module docstring
    for ``spare``, ``max_waiting`` and ``max_wait``)."""

    def __init__(
        self,
        build: Path,
        size: int,
        *,
        start_method: str = "forkserver",
        memory_mb: int | None = MEMORY_MB,
        spare: int = 1,
        max_waiting: int | None = None,
        max_wait: float = MAX_WAIT,
    ) -> None:
        self.build = build
        self.size = size
        self.memory_mb = memory_mb
        self.spare = spare
        self.max_waiting = size if max_waiting is None else max_waiting
        self.max_wait = max_wait
        self._context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self._context.set_forkserver_preload(_PRELOAD)
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()
        self._count = 0  # workers alive or being started, idle or busy
        self._waiting = 0
        self.slow_lane = SlowLane()
        self._closed = False
        for _ in range(size):
            self._count += 1
            self._idle.append(self._start())

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self.build, self.memory_mb)
        with self._cond:
            self._workers.add(worker)
        return worker

    def _started(self) -> _Worker:
        """A new worker for a slot already counted in ``_count`` (uncounted if it fails)."""
        try:
            return self._start()
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _stop(self, worker: _Worker) -> None:
        worker.stop()
        with self._cond:
            self._workers.discard(worker)

    def _closed_error(self) -> Unavailable:
        return Unavailable("the query workers of an older build were closed", fix="retry")

    def _busy(self, why: str) -> Unavailable:
        return Unavailable(
            f"all {self.size + self.spare} query workers are busy; the query did not run",
            why=why,
            fix="try again in a few seconds",
        )

    def _acquire(self, deadline: float) -> _Worker:
        """An idle worker, a new spare one, or one freed within the wait; else Unavailable."""
        with self._cond:
            if self._closed:
                raise self._closed_error()
            if self._idle:
                return self._busy_now(self._idle.pop())
            start = self._count < self.size + self.spare
            if start:
                self._count += 1
            elif self._waiting >= self.max_waiting and self._all_slow():
                raise self._busy(
                    f"every worker is running a long query and {self._waiting} other requests "
                    f"are already waiting (at most {self.max_waiting} may wait)"
                )
            else:
                return self._wait_for_idle(deadline)
        worker = self._started()
        worker.since = time.monotonic()
        return worker

    def _busy_now(self, worker: _Worker) -> _Worker:
        worker.since = time.monotonic()
        return worker

    def _all_slow(self) -> bool:
        """Whether every busy worker has run its job for longer than :data:`SLOW` (caller holds
        the lock): then no worker is likely to be free soon."""
        now = time.monotonic()
        idle = set(self._idle)
        return all(now - w.since > SLOW for w in self._workers if w not in idle)

    def _wait_for_idle(self, deadline: float) -> _Worker:
        """Wait (lock held) for a worker to come back, up to ``max_wait`` within ``deadline``."""
        waited_from = time.monotonic()
        end = min(deadline, waited_from + self.max_wait)
        self._waiting += 1
        try:
            while not self._idle and not self._closed:
                left = end - time.monotonic()
                if left <= 0:
                    raise self._busy(
                        f"it timed out waiting: no worker became free within "
                        f"{end - waited_from:.1f} s"
                    )
                self._cond.wait(left)
            if self._closed:
                raise self._closed_error()
            return self._busy_now(self._idle.pop())
        finally:
            self._waiting -= 1

    def _surplus(self) -> list[_Worker]:
        """Spare workers idle for longer than :data:`LINGER`, taken out (caller holds the lock)."""
        now = time.monotonic()
        stale = [w for w in self._idle if now - w.since > LINGER]
        surplus = stale[: max(0, self._count - self.size)]
        for worker in surplus:
            self._idle.remove(worker)
            self._count -= 1
        return surplus

    def _give_back(self, worker: _Worker, healthy: bool) -> None:
        with self._cond:
            keep = healthy and not self._closed and worker.process.is_alive()
            if keep:
                worker.since = time.monotonic()
                self._idle.append(worker)
                self._cond.notify()
                surplus = self._surplus()
                replace = False
            else:
                surplus = []
                self._count -= 1
                replace = not self._closed and self._count < self.size
                if replace:
                    self._count += 1
        for spare in surplus:
            self._stop(spare)
        if keep:
            return
        self._stop(worker)
        if replace:
            fresh = self._started()
            with self._cond:
                if self._closed:
                    self._count -= 1
                else:
                    self._idle.append(fresh)
                    self._cond.notify()
                    return
            self._stop(fresh)
        else:
            with self._cond:
                self._cond.notify()

    def call(
        self,
        fn: Callable[..., R],
        *args: Any,
        timeout: float,
        started: float | None = None,
        key: str | None = None,
    ) -> R:
        """``fn(store, *args)`` in a worker, all within ``timeout`` seconds from ``started``
        (``time.monotonic``, default now; waiting for a free worker included); the worker is
        killed (:class:`QueryTimeout`) past it. A ``key`` (the digest of the normalised query)
        whose job ran slow before runs in the slow lane (see :class:`SlowLane`)."""
        started = time.monotonic() if started is None else started
        lane = self.slow_lane.enter(key)
        ran = -1.0
        try:
            result, ran = self._run(fn, args, timeout, started)
        except QueryTimeout:
            ran = timeout
            raise
        finally:
            self.slow_lane.leave(key, lane, ran)
        return result

    def _run(
        self, fn: Callable[..., R], args: tuple[Any, ...], timeout: float, started: float
    ) -> tuple[R, float]:
        """The job's result and how long it ran in its worker (waiting not included)."""
        deadline = started + timeout
        worker = self._acquire(deadline)
        healthy = False
        try:
            if not worker.process.is_alive():
                self._stop(worker)
                worker = self._start()
            running = time.monotonic()
            left = max(0.0, deadline - running)
            worker.conn.send((fn, args, left))
            if not worker.conn.poll(left):
                waited = running - started
                why = (
                    f"it timed out running, {waited:.1f} s after it arrived (checking it and "
                    "waiting for a free worker count against the same time limit)"
                    if waited >= 0.05
                    else "it timed out running"
                )
                what = (
                    f"the query took more than {timeout:g} s ({waited:.1f} s of it before it ran) "
                    "and was stopped"
                    if waited >= 0.05
                    else f"the query ran for more than {timeout:g} s and was stopped"
                )
                raise QueryTimeout(
                    what,
                    why=why,
                    fix="make it more selective (LIMIT, more specific patterns), or download a "
                    "dump and run it locally",
                )
            reply = worker.conn.recv()
            ran = time.monotonic() - running
            healthy = reply[0] != "memory"
        except (EOFError, OSError) as exc:
            raise self._died(worker) from exc
        finally:
            self._give_back(worker, healthy)
        result: R = _unwrap(reply, self.memory_mb)
        return result, ran

    def _died(self, worker: _Worker) -> Unavailable:
        """Why a worker stopped mid-query: past its memory, or a crash (say, a nesting so deep
        it overflows the parser's stack)."""
        worker.process.join(1)
        code = worker.process.exitcode
        how = f"signal {signal.Signals(-code).name}" if code and code < 0 else f"exit code {code}"
        limit = f"{self.memory_mb} MB" if self.memory_mb is not None else "the machine's memory"
        return Unavailable(
            "the query stopped its worker before it answered",
            why=f"the worker ended with {how}, as it does when a query needs more than {limit} "
            "or nests too deeply",
            fix="make it more selective or less deeply nested, or download a dump and run it "
            "locally",
        )

    def close(self) -> None:
        """Stop every worker (the holder calls this when no request uses the pool any more)."""
        with self._cond:
            self._closed = True
            workers = list(self._workers)
            self._idle.clear()
            self._cond.notify_all()
        for worker in workers:
            self._stop(worker)
