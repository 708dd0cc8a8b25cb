"""The asynchronous front: granian's RSGI interface in front of the WSGI app (Flask).

granian's own WSGI interface reads every request body into memory whatever its size, and hands
each streamed response to a thread that blocks while the client does not read. So ``kg serve``
runs granian with this front instead, which keeps every slow or hostile client on the event loop,
where it costs a coroutine and a socket, never one of the app's threads:

- The request head is read by granian (``client_timeout`` for the whole head, so half-sent
  requests cannot pile up); the body is read here, at most ``max_body_bytes`` + 1 bytes, within
  ``client_timeout``: a ``Content-Length`` over the cap is never read (the app answers 413); a
  body that stalls gets 408.
- The app runs in a pool of ``threads`` threads (``settings.threads``), like gunicorn's gthread.
- A response the app streams (a dump download) is pulled from the app a block at a time in the
  pool, and written on the loop; a client that accepts nothing for ``client_timeout`` seconds is
  dropped. Other responses are sent whole.

The WSGI environ follows PEP 3333; granian gives the path already percent-decoded (``%2F`` and
``/`` look the same), so ``RAW_URI`` is not set.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

log = logging.getLogger(__name__)

#: Bytes a streamed response is read in (a dump file); werkzeug's default is 8 KB.
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
    """``wsgi.file_wrapper``: a file read in :data:`BLOCK_SIZE` blocks (werkzeug's send_file
    uses it), so a download crosses from the app's thread to the loop in few, large pieces."""

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
        "wsgi.file_wrapper": FileBlocks,
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


_DONE = object()


class Reply:
    """The app's answer: status, headers, and either the whole body or the rest of a stream."""

    def __init__(self, started: _Started, first: bytes, rest: Iterator[bytes] | None) -> None:
        self.status = started.status
        self.headers = started.headers
        self.first = first
        self.rest = rest


def _call(app: WsgiApp, environ: dict[str, Any]) -> Reply:
    """Run the app; a body of one block comes back whole, a longer one as an iterator."""
    started = _Started()
    result = app(environ, started)
    if isinstance(result, list | tuple):
        return Reply(started, b"".join(result), None)
    chunks = iter(result)
    first = next(chunks, b"")
    second = next(chunks, _DONE)
    if second is _DONE:
        _close(result)
        return Reply(started, first, None)
    return Reply(started, first, _Stream(result, second))  # type: ignore[arg-type]


def _close(result: object) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


class _Stream:
    """The rest of a streamed body: the block already read, then the app's iterator."""

    def __init__(self, result: Iterable[bytes], pending: bytes) -> None:
        self.result = result
        self.chunks = iter(result)
        self.pending: bytes | None = pending

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self.pending is not None:
            data, self.pending = self.pending, None
            return data
        return next(self.chunks)

    def next_or_none(self) -> bytes | None:
        return next(self, None)

    def close(self) -> None:
        _close(self.result)


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
        if reply.rest is None:
            proto.response_bytes(reply.status, reply.headers, reply.first)
            return
        await self._stream(loop, proto, reply, reply.rest)

    async def _stream(
        self, loop: asyncio.AbstractEventLoop, proto: Any, reply: Reply, rest: Iterator[bytes]
    ) -> None:
        stream = rest if isinstance(rest, _Stream) else _Stream(rest, b"")
        transport = proto.response_stream(reply.status, reply.headers)
        try:
            data: bytes | None = reply.first
            while data is not None:
                if data:
                    await asyncio.wait_for(transport.send_bytes(data), self.client_timeout)
                data = await loop.run_in_executor(self.pool, stream.next_or_none)
        except TimeoutError:
            log.info("dropped a client that read nothing for %s s", self.client_timeout)
        except Exception as exc:  # the client went away (granian: RSGIProtocolClosed)
            log.debug("streaming stopped: %s", exc)
        finally:
            await loop.run_in_executor(self.pool, stream.close)

    __call__ = __rsgi__

    def __rsgi_del__(self, loop: object) -> None:
        """granian stops the worker: stop the threads, then the app's query workers."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self.on_close is not None:
            self.on_close()
