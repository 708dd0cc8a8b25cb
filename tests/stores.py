"""Real SPARQL stores for the publishing tests, started and stopped by the tests themselves.

:func:`oxigraph_server` runs the Oxigraph server of the PyPI ``oxigraph`` package (a dev
dependency) and :func:`virtuoso_server` Debian's Virtuoso (``virtuoso-t``, installed by ``make
system-deps``), each on free loopback ports with its data in a temporary folder.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: Seconds a store may take to answer its first query (Virtuoso creates its database first).
START_SECONDS = 90


@dataclass(frozen=True)
class RunningStore:
    graph_store: str  # the Graph Store HTTP Protocol endpoint
    sparql: str  # the query endpoint
    user: str = ""
    password: str = ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the store exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"the store did not answer {url} in {START_SECONDS} s")


@contextmanager
def _running(command: list[str], ready: str, log: Path) -> Iterator[None]:
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait(ready, process, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[RunningStore]:
    binary = Path(sys.executable).parent / "oxigraph"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        str(binary),
        "serve",
        "--location",
        str(folder / "db"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    with _running(command, base + "/query?query=ASK%7B%7D", folder / "oxigraph.log"):
        yield RunningStore(graph_store=base + "/store", sparql=base + "/query")


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 5
ServerThreads = 5

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[RunningStore]:
    """A fresh Virtuoso database; its ``dba`` user (password ``dba``) writes through the
    digest-authenticated Graph Store endpoint ``/sparql-graph-crud-auth``."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise RuntimeError("virtuoso-t is not installed: run `make system-deps` (Debian package "
                           "virtuoso-opensource)")  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=free_port(), http_port=http_port))
    base = f"http://127.0.0.1:{http_port}"
    command = [binary, "+configfile", str(ini), "+foreground"]
    with _running(command, base + "/sparql?query=ASK%7B%7D", folder / "out.log"):
        yield RunningStore(
            graph_store=base + "/sparql-graph-crud-auth",
            sparql=base + "/sparql",
            user="dba",
            password="dba",
        )
