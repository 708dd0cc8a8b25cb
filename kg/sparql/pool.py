"""Killable query workers: a few processes that each hold the store open read-only.

pyoxigraph cannot interrupt a running query, so queries never run in the server's threads. A query
is sent to an idle worker process; the caller waits up to the timeout; past it, the worker is
killed (SIGKILL) and replaced by a fresh one, and the caller gets :class:`QueryTimeout`. While one
worker burns, the other workers (and every page that is not a query) keep serving. As a second
guard a worker arms ``alarm(2)`` before each job, so even a worker whose server died stops soon
after its deadline.

Workers start from a ``forkserver`` (about 15 ms each once it runs) and import nothing but kg.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

from pyoxigraph import Store

from kg import errors
from kg.errors import KgError, QueryTimeout, Unavailable
from kg.store import open_store

R = TypeVar("R")
#: Seconds past its deadline after which a worker kills itself if nobody else has.
ALARM_GRACE = 5
_PRELOAD = ["kg.sparql.pool", "kg.sparql.execute", "kg.dataset_info"]


def _serve(build: str, conn: Connection) -> None:
    """A worker's loop: open the store once, then run one job at a time until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
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
        signal.alarm(int(seconds) + ALARM_GRACE)
        try:
            if store is None:
                raise failure or errors.DatasetError(f"no store in {build}")
            reply: tuple[Any, ...] = ("ok", fn(store, *args))
        except KgError as exc:
            reply = ("error", type(exc).__name__, exc.what, exc.why, exc.fix)
        except Exception as exc:  # reported to the server, which answers 500
            reply = ("crash", f"{type(exc).__name__}: {exc}")
        signal.alarm(0)
        conn.send(reply)


def _unwrap(reply: tuple[Any, ...]) -> Any:
    if reply[0] == "ok":
        return reply[1]
    if reply[0] == "error":
        _, name, what, why, fix = reply
        cls = getattr(errors, name, KgError)
        if not (isinstance(cls, type) and issubclass(cls, KgError)):
            cls = KgError
        raise cls(what, why=why, fix=fix)
    raise KgError("the query failed inside its worker", why=str(reply[1]))


class _Worker:
    def __init__(self, context: BaseContext, build: Path) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(str(build), child), daemon=True, name="newskg-query"
        )
        self.process.start()
        child.close()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """``size`` worker processes over the store of one build folder."""

    def __init__(self, build: Path, size: int, *, start_method: str = "forkserver") -> None:
        self.build = build
        self.size = size
        self._context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self._context.set_forkserver_preload(_PRELOAD)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self.build)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.discard(worker)

    def _give_back(self, worker: _Worker, healthy: bool) -> None:
        if self._closed:
            self._retire(worker)
        elif healthy:
            self._idle.put(worker)
        else:
            self._retire(worker)
            self._idle.put(self._start())

    def call(self, fn: Callable[..., R], *args: Any, timeout: float) -> R:
        """``fn(store, *args)`` in a worker; killed (:class:`QueryTimeout`) after ``timeout``."""
        if self._closed:
            raise Unavailable("the query workers of an older build were closed", fix="retry")
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Unavailable(
                f"all {self.size} query workers are busy",
                why=f"no worker became free within {timeout:g} s",
                fix="try again in a few seconds",
            ) from None
        healthy = False
        try:
            if not worker.process.is_alive():
                self._retire(worker)
                worker = self._start()
            worker.conn.send((fn, args, timeout))
            if not worker.conn.poll(timeout):
                raise QueryTimeout(
                    f"the query ran for more than {timeout:g} s and was stopped",
                    fix="make it more selective (LIMIT, more specific patterns), or download a "
                    "dump and run it locally",
                )
            reply = worker.conn.recv()
            healthy = True
        except (EOFError, OSError) as exc:
            raise Unavailable(
                "the query worker stopped before it answered",
                why=f"{type(exc).__name__}: {exc} (out of memory?)",
                fix="retry; make the query smaller if it happens again",
            ) from exc
        finally:
            self._give_back(worker, healthy)
        result: R = _unwrap(reply)
        return result

    def close(self) -> None:
        """Stop every worker (the holder calls this when no request uses the pool any more)."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            self._retire(worker)
