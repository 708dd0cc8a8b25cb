"""server.front: the RSGI front granian runs the app behind, driven with a fake granian protocol.

The environ it builds (PEP 3333), the body it reads (never past the cap, never longer than the
client timeout), and how it answers: whole bodies as bytes, files (and one range of them) by
path for granian to send from disk.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from server.front import Front, environ_for

CAP = 1000


@dataclass
class Headers:
    pairs: list[tuple[str, str]]

    def items(self) -> list[tuple[str, str]]:
        return self.pairs


@dataclass
class Scope:
    path: str = "/-/health"
    query_string: str = ""
    method: str = "GET"
    headers: Headers = field(default_factory=lambda: Headers([("host", "x")]))
    http_version: str = "1.1"
    server: str = "127.0.0.1:8000"
    client: str = "127.0.0.1:50000"
    scheme: str = "http"


class Proto:
    """What granian hands the front: the body as chunks (``stall``: then nothing more), and
    the response methods, which record what they were given."""

    def __init__(self, chunks: list[bytes], *, stall: bool = False) -> None:
        self.chunks = chunks
        self.stall = stall
        self.read = 0
        self.sent: tuple[Any, ...] = ()

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.read += len(chunk)
            yield chunk
        if self.stall:
            await asyncio.sleep(3600)

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.sent = ("bytes", status, dict(headers), body)

    def response_file(self, status: int, headers: list[tuple[str, str]], path: str) -> None:
        self.sent = ("file", status, dict(headers), path)

    def response_file_range(
        self, status: int, headers: list[tuple[str, str]], path: str, start: int, end: int
    ) -> None:
        self.sent = ("range", status, dict(headers), path, start, end)


def serve(front: Front, scope: Scope, proto: Proto) -> tuple[Any, ...]:
    asyncio.run(front.__rsgi__(scope, proto))
    return proto.sent


@pytest.fixture
def front(make_app: Callable[..., Flask]) -> Front:
    app = make_app(max_body_bytes=CAP)
    return Front(app, threads=2, max_body_bytes=CAP, client_timeout=0.5)


def test_server_front_environ_follows_pep_3333() -> None:
    scope = Scope(
        path="/id/entity/café",
        query_string="query=ASK%7B%7D",
        headers=Headers([("host", "x"), ("accept", "a/b"), ("accept", "c/d"), ("x-a-b", "1")]),
        http_version="1",
        client="[::1]:4000",
        method="POST",
    )
    environ = environ_for(scope, b"abc", terminated=True)
    assert environ["PATH_INFO"] == "/id/entity/caf\xc3\xa9"  # UTF-8 bytes as latin-1
    assert environ["QUERY_STRING"] == "query=ASK%7B%7D"
    assert environ["HTTP_ACCEPT"] == "a/b, c/d"
    assert environ["HTTP_X_A_B"] == "1"
    assert environ["SERVER_PROTOCOL"] == "HTTP/1.0"
    assert environ["REMOTE_ADDR"] == "::1"
    assert environ["wsgi.input"].read() == b"abc"
    assert environ["wsgi.input_terminated"] is True


def test_server_front_answers_a_page_whole(front: Front) -> None:
    kind, status, headers, body = serve(front, Scope(), Proto([]))
    assert (kind, status) == ("bytes", 200)
    assert headers["Content-Type"] == "application/json"
    assert b'"status":"ok"' in body


def test_server_front_never_reads_a_body_declared_over_the_cap(front: Front) -> None:
    scope = Scope(
        path="/sparql",
        method="POST",
        headers=Headers(
            [
                ("host", "x"),
                ("content-type", "application/sparql-query"),
                ("content-length", str(10 * CAP)),
            ]
        ),
    )
    proto = Proto([b"x" * 100] * 100)
    kind, status, _, body = serve(front, scope, proto)
    assert (kind, status) == ("bytes", 413)
    assert proto.read == 0
    assert str(CAP).encode() in body


def test_server_front_reads_a_chunked_body_only_up_to_the_cap(front: Front) -> None:
    scope = Scope(
        path="/sparql",
        method="POST",
        headers=Headers(
            [
                ("host", "x"),
                ("content-type", "application/sparql-query"),
                ("transfer-encoding", "chunked"),
            ]
        ),
    )
    proto = Proto([b"ASK {} #" + b"x" * 400] * 100)
    _, status, _, _ = serve(front, scope, proto)
    assert status == 413
    assert proto.read < 2 * CAP
    small = Proto([b"ASK ", b"{}"])
    assert serve(front, scope, small)[1] == 200


def test_server_front_stalled_body_gets_a_408(front: Front) -> None:
    scope = Scope(
        path="/sparql",
        method="POST",
        headers=Headers(
            [("host", "x"), ("content-type", "application/sparql-query"), ("content-length", "50")]
        ),
    )
    kind, status, headers, _ = serve(front, scope, Proto([b"ASK {"], stall=True))
    assert (kind, status) == ("bytes", 408)
    assert headers["connection"] == "close"


def test_server_front_hands_dumps_to_granian_by_path(front: Front) -> None:
    kind, status, headers, path = serve(front, Scope(path="/dumps/kg.nq"), Proto([]))
    assert (kind, status) == ("file", 200)
    assert path.endswith("kg.nq")
    assert int(headers["Content-Length"]) > 100
    ranged = Scope(path="/dumps/kg.nq", headers=Headers([("host", "x"), ("range", "bytes=10-19")]))
    kind, status, headers, path, start, end = serve(front, ranged, Proto([]))
    assert (kind, status, start, end) == ("range", 206, 10, 20)  # granian's end is exclusive
    assert headers["Content-Range"].startswith("bytes 10-19/")
    head = serve(front, Scope(path="/dumps/kg.nq", method="HEAD"), Proto([]))
    assert head[:2] == ("bytes", 200)
    assert head[3] == b""
