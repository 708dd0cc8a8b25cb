"""The two servers compared, each on a free port of 127.0.0.1, always stopped when the block ends.

* newskg: ``python -m server DIR`` (granian, what ``kg serve`` runs), via
  :func:`server.testing.live_server`; SPARQL at ``/sparql``.
* Oxigraph: ``oxigraph serve-read-only`` from the PyPI ``oxigraph`` package on the same store,
  union default graph (as our endpoint); SPARQL at ``/query``.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.layout import STORE
from kg.settings import Settings
from server.testing import free_port, live_server, running_server

STARTUP_SECONDS = 30.0


@dataclass(frozen=True)
class Server:
    name: str
    base: str  # http://127.0.0.1:PORT/
    endpoint: str  # path of the SPARQL endpoint, without the leading slash


@contextmanager
def newskg_server(build: Path, *, settings: Settings | None = None) -> Iterator[Server]:
    """Our server on ``build`` with the default settings (or those given), as ``kg serve``."""
    s = settings or Settings()
    env = {
        "KG_WORKERS": str(s.workers),
        "KG_THREADS": str(s.threads),
        "KG_QUERY_WORKERS": str(s.query_workers),
    }
    with live_server(build, env=env, startup_seconds=STARTUP_SECONDS) as url:
        yield Server("newskg", url, "sparql")


def oxigraph_command() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    return found


@contextmanager
def oxigraph_server(build: Path) -> Iterator[Server]:
    """``oxigraph serve-read-only`` on the store of ``build``; stopped when the block ends."""
    port = free_port()
    command = [
        oxigraph_command(),
        "serve-read-only",
        "--location",
        str(build / STORE),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    base = f"http://127.0.0.1:{port}/"
    with running_server(
        command,
        base + "query?query=ASK%7B%7D",
        startup_seconds=STARTUP_SECONDS,
        name="the oxigraph server",
    ):
        yield Server("oxigraph", base, "query")
