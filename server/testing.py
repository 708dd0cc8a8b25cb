"""Helpers for testing the server (and for trying it on a hand-made dataset), like flask.testing.

:func:`write_build` turns RDF into a released build folder exactly as ``kg build`` lays it out
(store, sorted dumps, SHA256SUMS, build-report.json, the ``dist`` symlink), without spaCy.
:func:`live_server` runs the real server (what ``kg serve`` runs, granian unless ``KG_SERVER``
says otherwise) on a free port.
:func:`synthetic_nquads` makes a graph shaped like ours (articles, entities, ``nk:related`` links
between entities, labels) that is big enough to make cartesian products, property paths and
sorts expensive, yet loads in a fraction of a second (the robustness tests and the load bench).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import RdfFormat, Triple, parse, serialize

from kg.layout import CHECKSUMS, NQUADS, NQUADS_GZ, REPORT, TURTLE, TURTLE_GZ, Layout
from kg.publish.store import load_store
from kg.vocab import PREFIXES

#: The synthetic dataset's IRIs (:func:`synthetic_nquads`).
SYNTHETIC_BASE = "http://kg.test/"
RELATED = "https://w3id.org/newskg/ontology#related"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PERSON = "https://w3id.org/newskg/ontology#Person"


def synthetic_entity(number: int) -> str:
    return f"{SYNTHETIC_BASE}id/entity/e{number}"


def synthetic_nquads(entities: int = 3000, graphs: int = 100, *, tag: str = "one") -> bytes:
    """``entities`` entities in ``graphs`` article graphs, each linked to two others."""
    lines = []
    for i in range(entities):
        graph = f"<{SYNTHETIC_BASE}graph/article/a{i % graphs}>"
        node = f"<{synthetic_entity(i)}>"
        lines += [
            f'{node} <{LABEL}> "Entity {i} of build {tag}" {graph} .',
            f"{node} <{RELATED}> <{synthetic_entity((i * 7 + 1) % entities)}> {graph} .",
            f"{node} <{RELATED}> <{synthetic_entity((i * 13 + 5) % entities)}> {graph} .",
            f"{node} <{TYPE}> <{PERSON}> {graph} .",
        ]
    merged = f"<{SYNTHETIC_BASE}graph/merged>"
    marker = f'<{SYNTHETIC_BASE}id/build-marker> <{LABEL}> "{tag}" {merged} .'
    return ("\n".join([*lines, marker]) + "\n").encode("utf-8")


def write_build(
    out: Path,
    data: bytes,
    *,
    format: RdfFormat = RdfFormat.TRIG,
    name: str = "build-1",
    finished: str = "2026-01-02T03:04:05Z",
    extra_files: dict[str, bytes] | None = None,
    base_iri: str | None = None,
) -> Path:
    """Release ``data`` (TriG or N-Quads) as build ``name`` behind the symlink ``out``; its
    report names ``base_iri`` when given (as ``kg build`` does)."""
    build = out.absolute().parent / f".{out.name}-builds" / name
    build.mkdir(parents=True)
    quads = list(parse(data, format=format))
    lines = sorted(set((serialize(quads, format=RdfFormat.N_QUADS) or b"").splitlines()))
    files = {NQUADS: b"".join(line + b"\n" for line in lines)}
    triples = sorted({Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    files[TURTLE] = serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    files[NQUADS_GZ] = gzip.compress(files[NQUADS], mtime=0)
    files[TURTLE_GZ] = gzip.compress(files[TURTLE], mtime=0)
    files.update(extra_files or {})
    for file_name, content in files.items():
        (build / file_name).write_bytes(content)
    load_store(Layout(build))
    sums = "".join(f"{hashlib.sha256(c).hexdigest()}  {n}\n" for n, c in sorted(files.items()))
    (build / CHECKSUMS).write_text(sums, encoding="utf-8")
    report: dict[str, object] = {
        "articles": [],
        "finished": finished,
        "released": True,
        "started": finished,
    }
    if base_iri is not None:
        report["base_iri"] = base_iri
    (build / REPORT).write_text(json.dumps(report), encoding="utf-8")
    link = out.absolute().with_name(f".{out.name}.next")
    os.symlink(os.path.relpath(build, out.absolute().parent), link)
    os.replace(link, out)
    return build


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(
    directory: Path, *, env: dict[str, str] | None = None, startup_seconds: float = 20.0
) -> Iterator[str]:
    """Run ``python -m server DIR`` (what ``kg serve`` runs) on a free port; yield its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "server", str(directory), "--port", str(port)]
    url = f"http://127.0.0.1:{port}/"
    with running_server(
        command, url + "-/version", env=env, startup_seconds=startup_seconds, name="the server"
    ):
        yield url


@contextmanager
def running_server(
    command: list[str],
    probe: str,
    *,
    env: dict[str, str] | None = None,
    startup_seconds: float = 20.0,
    name: str = "the server",
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command``, wait until ``probe`` answers 200 (RuntimeError with its stderr if it
    exits or does not within ``startup_seconds``), and always stop it when the block ends."""
    environ = {**os.environ, **(env or {})}
    process = subprocess.Popen(
        command, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + startup_seconds
        while True:
            try:
                with urllib.request.urlopen(probe, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    stderr = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"{name} did not start: {stderr[-2000:]}") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
