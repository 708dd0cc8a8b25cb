"""A small HTTP load client: keep-alive ``http.client`` connections in threads, across processes.

The same client measures every server, so their ratio is fair even though a Python client costs
CPU of its own on this 2-core machine (it caps what can be measured of the fastest server, which
makes our ratio look better, not worse: stated with the results). Client processes are spawned
fresh (they import only this module) and split the concurrent connections between them, so the
GIL of one process is not the bottleneck.
"""

from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit


@dataclass(frozen=True)
class Target:
    """One GET request: ``base`` like ``http://127.0.0.1:8000/``, a path and an Accept header."""

    base: str
    path: str
    accept: str

    @property
    def host_port(self) -> tuple[str, int]:
        parts = urlsplit(self.base)
        return parts.hostname or "127.0.0.1", parts.port or 80

    @classmethod
    def sparql(cls, base: str, endpoint: str, query: str, accept: str) -> Target:
        return cls(base, f"/{endpoint}?query={quote(query, safe='')}", accept)


class Connection:
    """A keep-alive connection that reconnects when the server closes it."""

    def __init__(self, target: Target, timeout: float = 60.0) -> None:
        self.target = target
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def get(self) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self._conn is None:
                host, port = self.target.host_port
                self._conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
            try:
                self._conn.request("GET", self.target.path, headers={"Accept": self.target.accept})
                response = self._conn.getresponse()
                body = response.read()
                if response.will_close:
                    self.close()
                return response.status, body
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def latencies(target: Target, repeat: int, *, warmup: int = 2) -> list[float]:
    """Seconds of ``repeat`` sequential requests on one connection (after ``warmup``)."""
    conn = Connection(target)
    try:
        for _ in range(warmup):
            _check(conn.get(), target)
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            _check(conn.get(), target)
            seconds.append(time.perf_counter() - started)
        return seconds
    finally:
        conn.close()


def _check(reply: tuple[int, bytes], target: Target) -> None:
    status, body = reply
    if status != 200:
        raise RuntimeError(f"GET {target.base}{target.path[:80]} -> {status}: {body[:300]!r}")


@dataclass
class LoadResult:
    """What the clients of one load run saw between the common start and end times."""

    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _client_thread(target: Target, start: float, end: float, out: LoadResult) -> None:
    conn = Connection(target)
    found: list[float] = []
    errors = 0
    while time.time() < start:
        time.sleep(0.001)
    try:
        while True:
            began = time.time()
            if began >= end:
                break
            try:
                status, _body = conn.get()
            except (OSError, http.client.HTTPException):
                errors += 1
                continue
            finished = time.time()
            if finished > end:
                break
            if status == 200:
                found.append(finished - began)
            else:
                errors += 1
    finally:
        conn.close()
    out.latencies.extend(found)  # each thread has its own ``out``
    out.errors += errors


def _client_process(args: tuple[Target, int, float, float]) -> tuple[list[float], int]:
    target, threads, start, end = args
    results = [LoadResult(threads, end - start) for _ in range(threads)]
    workers = [
        threading.Thread(target=_client_thread, args=(target, start, end, results[i]))
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return [s for r in results for s in r.latencies], sum(r.errors for r in results)


def load(target: Target, clients: int, seconds: float, *, processes: int = 2) -> LoadResult:
    """``clients`` concurrent keep-alive clients for ``seconds``; every request is timed."""
    processes = max(1, min(processes, clients))
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        start = time.time() + 1.5  # time for the spawned clients to start and connect
        end = start + seconds
        parts = pool.map(_client_process, [(target, n, start, end) for n in shares])
    result = LoadResult(clients, seconds)
    for found, errors in parts:
        result.latencies.extend(found)
        result.errors += errors
    return result
