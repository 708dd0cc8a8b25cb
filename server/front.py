"""The asynchronous front: granian's RSGI interface in front of the WSGI app (Flask).

granian's own WSGI interface reads every request body into memory whatever its size, and hands
each streamed response to a thread that blocks while the client does not read. So ``kg serve``
runs granian with this front instead, which keeps slow and hostile clients on the event loop and
in granian, where they cost a socket and a coroutine, never one of the app's threads:

- The request head is read by granian (within ``client_timeout``: half-sent requests are closed);
  the body is read here, at most ``max_body_bytes`` + 1 bytes, within ``client_timeout``: a
  ``Content-Length`` over the cap is never read (the app answers 413); a body that stalls gets
  408.
- The app runs in a pool of ``threads`` threads (``settings.threads``), like gunicorn's gthread.
- A file the app sends (werkzeug's ``send_file``: the dump downloads, Range included) is handed
  to granian by its path, and granian reads it from disk as the client accepts it: a client
  that stops reading holds a socket and an open file, no thread and no memory beyond the socket
  buffers (granian has no write timeout, so such a connection stays open until the client goes).
  Every other body is built whole by the app, and sent whole.

The WSGI environ follows PEP 3333; granian gives the path already percent-decoded (``%2F`` and
``/`` look the same), so ``RAW_URI`` is not set.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

#: Bytes a file is read in when it is sent through the app (not by granian).
BLOCK_SIZE = 256 * 1024
_PROTOCOLS = {"1": "HTTP/1.0", "1.0": "HTTP/1.0", "1.1": "HTTP/1.1", "2": "HTTP/2"}
_TIMEOUT_BODY = (
    b'{"error":"RequestTimeout","message":"the request body did not arrive in time",'
    b'"why":"a client must send its whole request within the server\'s client timeout",'
    b'"fix":"send the body at once; large queries belong in a POST of a few KB"}'
)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Headers(Protocol):
    def items(self) -> list[tuple[str, str]]: ...


class Scope(Protocol):
    """What the front reads of granian's RSGI scope."""

    @property
    def http_version(self) -> str: ...
    @property
    def server(self) -> str: ...
    @property
    def client(self) -> str: ...
    @property
    def scheme(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def query_string(self) -> str: ...
    @property
    def headers(self) -> Headers: ...


class FileBlocks:
    """``wsgi.file_wrapper`` (werkzeug's ``send_file`` uses it): a file read in large blocks,
    whose path the front can hand to granian instead."""

    def __init__(self, file: Any, block_size: int = BLOCK_SIZE) -> None:
        self.file = file
        self.block_size = max(block_size, BLOCK_SIZE)

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        data: bytes = self.file.read(self.block_size)
        if not data:
            raise StopIteration
        return data

    def close(self) -> None:
        self.file.close()

    @property
    def path(self) -> str | None:
        """The file's path, when it is a file on disk (granian can then send it itself)."""
        name = getattr(self.file, "name", None)
        return name if isinstance(name, str) and os.path.isfile(name) else None

    def seekable(self) -> bool:
        return bool(getattr(self.file, "seekable", lambda: False)())

    def seek(self, *args: int) -> None:
        self.file.seek(*args)

    def tell(self) -> int:
        return int(self.file.tell())


def _host_port(address: str) -> tuple[str, str]:
    host, _, port = address.rpartition(":")
    return host.strip("[]"), port


def _latin1(text: str) -> str:
    """A str as WSGI wants it: its UTF-8 bytes, each as one character (PEP 3333)."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def environ_for(scope: Scope, body: bytes, *, terminated: bool) -> dict[str, Any]:
    """The PEP 3333 environ of one request; ``terminated``: the body had no Content-Length."""
    server_name, server_port = _host_port(scope.server)
    remote, remote_port = _host_port(scope.client)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": _latin1(scope.path),
        "QUERY_STRING": _latin1(scope.query_string),
        "SERVER_NAME": server_name,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": _PROTOCOLS.get(scope.http_version, "HTTP/1.1"),
        "REMOTE_ADDR": remote,
        "REMOTE_PORT": remote_port,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": FileBlocks,  # replaced by one that records the file (see _call)
    }
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = _latin1(value)
            continue
        key = "HTTP_" + key
        value = _latin1(value)
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
    if terminated:
        environ["wsgi.input_terminated"] = True
    return environ


class _Started:
    """The status and headers the app gave ``start_response``."""

    status = 500
    headers: list[tuple[str, str]]

    def __init__(self) -> None:
        self.headers = []

    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        self.status = int(status.split(" ", 1)[0])
        self.headers = list(headers)
        return self._write

    @staticmethod
    def _write(data: bytes) -> None:
        raise NotImplementedError("the front does not support WSGI write(); return an iterable")

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass(frozen=True)
class Reply:
    """The app's answer: status and headers, and the whole body, or a file (a part of it) that
    granian sends from disk itself."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    file: str | None = None
    span: tuple[int, int] | None = None  # first and last byte of a 206


_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


def _file_reply(started: _Started, path: str) -> Reply | None:
    """A reply granian sends from the file at ``path`` (200, or 206 of one range)."""
    if started.status == 200:
        return Reply(started.status, started.headers, file=path)
    found = _CONTENT_RANGE.fullmatch(started.header("content-range") or "")
    if started.status == 206 and found:
        return Reply(
            started.status, started.headers, file=path, span=(int(found[1]), int(found[2]))
        )
    return None


def _call(app: WsgiApp, environ: dict[str, Any]) -> Reply:
    """Run the app: a file it sends (werkzeug's ``send_file``) is handed to granian by its
    path; any other body is joined here, in the app's thread."""
    opened: list[FileBlocks] = []

    def wrap(file: Any, block_size: int = BLOCK_SIZE) -> FileBlocks:
        opened.append(FileBlocks(file, block_size))
        return opened[-1]

    environ["wsgi.file_wrapper"] = wrap
    started = _Started()
    result = app(environ, started)
    try:
        path = opened[0].path if len(opened) == 1 else None
        if path is not None and environ["REQUEST_METHOD"] == "GET":
            reply = _file_reply(started, path)
            if reply is not None:
                return reply
        return Reply(started.status, started.headers, b"".join(result))
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()


class Front:
    """The RSGI application (granian calls ``__rsgi__``) around one WSGI app."""

    def __init__(
        self,
        app: WsgiApp,
        *,
        threads: int,
        max_body_bytes: int,
        client_timeout: float,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.app = app
        self.on_close = on_close
        self.max_body_bytes = max_body_bytes
        self.client_timeout = client_timeout
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="newskg-app")

    async def _body(self, scope: Scope, proto: Any) -> tuple[bytes, bool] | None:
        """The body (at most the cap + 1 bytes) and whether it had no Content-Length; None when
        it did not arrive within the client timeout."""
        headers = dict((k.lower(), v) for k, v in scope.headers.items())
        length = headers.get("content-length")
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if length is None and not chunked:
            return b"", False
        if length is not None and not chunked:
            try:
                if int(length) > self.max_body_bytes or int(length) == 0:
                    return b"", False  # never read: the app refuses it by its length
            except ValueError:
                return b"", False
        parts: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.client_timeout):
                async for chunk in proto:
                    parts.append(chunk)
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        break
        except TimeoutError:
            return None
        return b"".join(parts)[: self.max_body_bytes + 1], chunked

    async def __rsgi__(self, scope: Scope, proto: Any) -> None:
        body = await self._body(scope, proto)
        if body is None:
            headers = [("content-type", "application/json"), ("connection", "close")]
            proto.response_bytes(408, headers, _TIMEOUT_BODY)
            return
        environ = environ_for(scope, body[0], terminated=body[1])
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(self.pool, _call, self.app, environ)
        if reply.file is None:
            proto.response_bytes(reply.status, reply.headers, reply.body)
        elif reply.span is None:
            proto.response_file(reply.status, reply.headers, reply.file)
        else:
            first, last = reply.span
            proto.response_file_range(reply.status, reply.headers, reply.file, first, last + 1)

    __call__ = __rsgi__

    def __rsgi_del__(self, loop: object) -> None:
        """granian stops the worker: stop the threads, then the app's query workers."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self.on_close is not None:
            self.on_close()
