"""Run the app under granian (``KG_SERVER=granian``, the default of ``kg serve``).

granian (a Rust HTTP server) parses HTTP and holds every connection on its event loop; the app
runs behind :class:`server.front.Front`, its RSGI front, in ``settings.threads`` threads per
worker process. The request head must arrive within ``settings.client_timeout`` (slowloris), and
one over about 64 KB is refused by granian itself (414/431) before the app sees it. Each of the
``settings.workers`` processes builds its own app (its own query workers and store handles).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from granian.constants import HTTPModes, Interfaces, Loops
from granian.http import HTTP1Settings
from granian.server import Server

from kg.settings import Settings
from server.front import Front

#: granian's bound on the head of a request (request line and headers), in bytes: beyond it
#: the request is refused before the app runs (431, or 414 for a long URL).
HEAD_BUFFER_BYTES = 128 * 1024
#: Seconds granian waits for a worker to finish its requests when it stops.
GRACE_SECONDS = 10


def front_app(directory: Path, settings: Settings) -> Front:
    """The RSGI application one granian worker runs (built in the worker, after it starts)."""
    from server.app import create_app

    app = create_app(settings, directory)
    return Front(
        app,
        threads=settings.threads,
        max_body_bytes=settings.max_body_bytes,
        client_timeout=settings.client_timeout,
        on_close=app.extensions["newskg"].close,
    )


def run_granian(directory: Path, settings: Settings) -> None:
    """Serve ``directory`` with granian until interrupted."""
    server = Server(
        "server.front:Front",  # a label for granian's logs: the app comes from the loader
        address=settings.host,
        port=settings.port,
        interface=Interfaces.RSGI,
        workers=settings.workers,
        http=HTTPModes.auto,
        loop=Loops.uvloop,  # the front's hop to the app's threads and back is cheaper on it
        websockets=False,
        http1_settings=HTTP1Settings(
            header_read_timeout=int(min(60.0, settings.client_timeout) * 1000),
            keep_alive=True,
            max_buffer_size=HEAD_BUFFER_BYTES,
        ),
        log_access=True,
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=GRACE_SECONDS,
    )
    server.serve(target_loader=partial(front_app, directory, settings), wrap_loader=False)
