"""Hostile and slow clients against the real server (``kg serve``: granian and its front), over
raw sockets on 127.0.0.1 (issue 21: each of these stalled or bloated the gunicorn server).

Half-sent requests (slowloris) and clients that stop reading a dump hold no thread and no
memory: other clients are answered at once; a half-sent request is closed after the client
timeout. A body
that stalls gets 408; a body declared larger than the cap is refused before it is sent; a 20 MB
request target and oversized headers are refused at once, without being echoed. HTTP/1.0,
keep-alive and Range work under both servers.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from robust.dataset import BASE, synthetic_build

from server.testing import live_server

pytestmark = pytest.mark.slow
CLIENT_TIMEOUT = 2.0
ENV = {
    "KG_BASE_IRI": BASE,
    "KG_WORKERS": "1",
    "KG_THREADS": "4",
    "KG_QUERY_WORKERS": "1",
    "KG_CLIENT_TIMEOUT": str(CLIENT_TIMEOUT),
    "KG_MAX_BODY_BYTES": "100000",
}
#: More hostile connections than the server has threads (1 worker x 4 threads), many times over.
HOSTILE = 32


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clients") / "dist"
    synthetic_build(out, entities=30_000)  # kg.nq of about 18 MB: more than socket buffers hold
    return out


@pytest.fixture(scope="module")
def server(dist: Path) -> Iterator[tuple[str, int]]:
    with live_server(dist, env=ENV) as url:
        parts = urlsplit(url)
        yield parts.hostname or "127.0.0.1", parts.port or 80


def connect(address: tuple[str, int], *, receive_buffer: int | None = None) -> socket.socket:
    sock = socket.socket()
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(10)
    sock.connect(address)
    return sock


def exchange(address: tuple[str, int], request: bytes, *, timeout: float = 10) -> bytes:
    """Send ``request`` and read until the server closes the connection."""
    with connect(address) as sock:
        sock.settimeout(timeout)
        sock.sendall(request)
        return read_all(sock)


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except (ConnectionResetError, TimeoutError):
        pass
    return b"".join(chunks)


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0


def get(address: tuple[str, int], path: str) -> tuple[int, float]:
    started = time.monotonic()
    request = f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    response = exchange(address, request)
    return status_of(response), time.monotonic() - started


@contextmanager
def hostile(count: int, open_one: object) -> Iterator[list[socket.socket]]:
    with ExitStack() as stack:
        socks = []
        for _ in range(count):
            sock = open_one()  # type: ignore[operator]
            stack.enter_context(sock)
            socks.append(sock)
        yield socks


def test_robust_clients_half_sent_requests_hold_no_thread(server: tuple[str, int]) -> None:
    def half() -> socket.socket:
        sock = connect(server)
        sock.sendall(b"GET /-/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        return sock

    with hostile(HOSTILE, half):
        time.sleep(0.3)
        for _ in range(5):
            status, seconds = get(server, "/sparql?query=ASK%7B%7D")
            assert status == 200
            assert seconds < CLIENT_TIMEOUT, seconds  # answered at once, not after the stall


def test_robust_clients_half_sent_request_is_closed_after_the_client_timeout(
    server: tuple[str, int],
) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /-/health HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        sock.settimeout(CLIENT_TIMEOUT + 10)
        read_all(sock)
        assert time.monotonic() - started < CLIENT_TIMEOUT + 5


def server_memory(port: int) -> int:
    """Resident bytes of the server listening on ``port`` and all its processes."""
    roots = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and f"--port\0{port}\0".encode() in _read(entry / "cmdline") + b"\0"
    ]
    total, todo = 0, list(roots)
    while todo:
        pid = todo.pop()
        status = _read(Path(f"/proc/{pid}/status")).decode(errors="replace")
        total += next(
            (
                int(line.split()[1]) * 1024
                for line in status.splitlines()
                if line.startswith("VmRSS")
            ),
            0,
        )
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            todo += [int(child) for child in _read(task).split()]
    return total


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_robust_clients_stalled_dump_readers_hold_no_thread(server: tuple[str, int]) -> None:
    def stalled() -> socket.socket:
        sock = connect(server, receive_buffer=4096)
        sock.sendall(b"GET /dumps/kg.nq HTTP/1.1\r\nHost: x\r\n\r\n")
        return sock

    get(server, "/dumps/kg.nq")
    before = server_memory(server[1])
    with hostile(HOSTILE, stalled) as socks:
        time.sleep(1.0)
        for _ in range(5):
            status, seconds = get(server, "/id/entity/e1.ttl")
            assert status == 200
            assert seconds < CLIENT_TIMEOUT, seconds
        grown = server_memory(server[1]) - before
        # 32 readers of an 18 MB dump: the dump is read from disk as they accept it, never
        # buffered whole for each of them (that would be 576 MB).
        assert grown < 150 * 1024 * 1024, f"the server grew by {grown / 1e6:.0f} MB"
        socks[0].settimeout(30)
        assert len(read_all(socks[0])) > 18_000_000  # a stalled reader that resumes gets it all


def test_robust_clients_stalled_body_gets_a_408(server: tuple[str, int]) -> None:
    with connect(server) as sock:
        sock.settimeout(CLIENT_TIMEOUT + 10)
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nASK {"
        )
        started = time.monotonic()
        response = read_all(sock)
    assert status_of(response) == 408, response[:200]
    assert time.monotonic() - started < CLIENT_TIMEOUT + 5


def test_robust_clients_body_declared_over_the_cap_is_refused_unread(
    server: tuple[str, int],
) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000000000\r\n\r\nASK {}"
        )
        response = sock.recv(65536)  # answered while a gigabyte is still "to come"
    assert status_of(response) == 413, response[:200]


def test_robust_clients_huge_request_target_is_refused_at_once(server: tuple[str, int]) -> None:
    target = b"/id/" + b"a" * 20_000_000
    started = time.monotonic()
    with connect(server) as sock:
        try:
            sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before it was all sent
        response = read_all(sock)
    assert status_of(response) in (414, 431), response[:200]  # granian: its head buffer is full
    assert len(response) < 10_000
    assert time.monotonic() - started < 5


def test_robust_clients_huge_headers_are_refused(server: tuple[str, int]) -> None:
    headers = b"".join(b"X-Pad-%d: %s\r\n" % (n, b"b" * 8000) for n in range(64))
    response = exchange(server, b"GET /-/health HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert status_of(response) in (400, 431), response[:200]
    assert len(response) < 10_000


@pytest.mark.parametrize("name", ["granian", "gunicorn"])
def test_robust_clients_http10_keep_alive_and_range_under_each_server(
    dist: Path, name: str
) -> None:
    with live_server(dist, env={**ENV, "KG_SERVER": name}) as url:
        parts = urlsplit(url)
        address = parts.hostname or "127.0.0.1", parts.port or 80
        old = exchange(address, b"GET /-/health HTTP/1.0\r\n\r\n")  # closed by the server
        assert status_of(old) == 200
        assert b'"status":"ok"' in old
        with connect(address) as sock:
            for _ in range(3):  # three requests on one connection
                sock.sendall(b"GET /-/health HTTP/1.1\r\nHost: x\r\n\r\n")
                head = b""
                while b"\r\n\r\n" not in head:
                    head += sock.recv(4096)
                assert status_of(head) == 200
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                body = head.split(b"\r\n\r\n", 1)[1]
                while len(body) < length:
                    body += sock.recv(4096)
        part = exchange(
            address,
            b"GET /dumps/kg.nq HTTP/1.1\r\nHost: x\r\nRange: bytes=10-19\r\n"
            b"Connection: close\r\n\r\n",
        )
        assert status_of(part) == 206
        assert len(part.split(b"\r\n\r\n", 1)[1]) == 10
