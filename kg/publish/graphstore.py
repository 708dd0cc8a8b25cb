"""Publish a released build into a SPARQL 1.1 store over the Graph Store HTTP Protocol.

``kg publish DIR --to URL`` loads every named graph of the build (one per article, the merged,
ontology, shapes and validation graphs) into the store whose Graph Store endpoint is ``URL``
(https://www.w3.org/TR/sparql11-http-rdf-update/): ``PUT <URL>?graph=<g>`` replaces one graph,
``DELETE`` removes one. Any store that speaks the protocol works (Oxigraph ``/store``, Virtuoso
``/sparql-graph-crud-auth``, Fuseki ``/<dataset>/data``); only the graphs of this dataset are
touched.

What a reader sees while it runs. Each graph is replaced by one ``PUT``, which Oxigraph,
Virtuoso and Fuseki each apply in one transaction: a reader sees a graph either old or new,
never half of it. Across graphs the protocol has no transaction, so the order is chosen for
readers: first the articles that are new or changed (a reader sees new articles appear and
changed ones switch, one by one), then the ontology, shapes, merged and validation graphs, then
the graphs of removed articles are deleted, and last the release graph ``<base>graph/release``
is replaced. It names the release (the hash of the build's ``SHA256SUMS``) and lists each graph
(by an ``xsd:anyURI`` literal, so no graph becomes a resource of the dataset) with a hash of its
content: a reader that needs one consistent release checks that graph, and
the next ``kg publish`` uses it to skip unchanged graphs and to find the graphs to delete.

With ``--sparql URL`` (the store's query endpoint) the counts of triples per graph are then
read back from the store and must equal the build's, or the command fails (exit 1).
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse, serialize

from kg.dataset.info import read_build_info
from kg.dataset.store import open_store
from kg.errors import KgError
from kg.vocab import DCT, RDF, VOID, XSD

#: The graph that names the release in the store (see the module docstring).
RELEASE_GRAPH = "graph/release"
TURTLE = "text/turtle"
TIMEOUT_SECONDS = 300.0
#: The graphs of the corpus, sent after the articles, in this order.
CORPUS_GRAPHS = ("graph/ontology", "graph/shapes", "graph/merged", "graph/validation")
#: Article graphs sent at once (each PUT waits on the store's write; a few overlap well).
PARALLEL_PUTS = 4
#: Bodies up to this size are sent from memory (see :meth:`GraphStore.put`).
INLINE_BODY_BYTES = 8 * 1024 * 1024


class PublishError(KgError):
    """The store could not be reached or refused a request."""


class PublishMismatch(PublishError):
    """The store does not hold what was sent (the command ran and found a problem: exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class Published:
    """What ``kg publish`` did: graphs sent, left as they were, deleted; counts checked."""

    store: str
    release: str
    sent: tuple[str, ...]
    unchanged: tuple[str, ...]
    deleted: tuple[str, ...]
    triples: dict[str, int] = field(default_factory=dict)
    verified: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        checked = "; counts per graph verified" if self.verified else ""
        return (
            f"published release {self.release[:12]} to {self.store}: {len(self.sent)} graph(s)"
            f" sent, {len(self.unchanged)} unchanged, {len(self.deleted)} deleted,"
            f" {sum(self.triples.values()):,} triples in {self.seconds:.1f}s{checked}"
        )


class GraphStore:
    """A Graph Store HTTP Protocol endpoint (indirect graph identification: ``?graph=``)."""

    def __init__(self, url: str, *, user: str = "", password: str = "") -> None:
        if not url.startswith(("http://", "https://")):
            raise PublishError(f"{url!r} is not an http(s) URL", fix="give the store's URL")
        self.url = url
        self.opener = opener(url, user, password)

    def graph_url(self, graph: str) -> str:
        joiner = "&" if "?" in self.url else "?"
        return f"{self.url}{joiner}{urllib.parse.urlencode({'graph': graph})}"

    def put(self, graph: str, body: IO[bytes], size: int) -> None:
        """Replace ``graph`` with the Turtle in ``body`` (``size`` bytes).

        A small body is sent as bytes, in the same packet as the headers: sent apart, Nagle's
        algorithm and the server's delayed ACK add 40 ms to every request."""
        data: bytes | IO[bytes] = body.read() if size <= INLINE_BODY_BYTES else body
        request = urllib.request.Request(self.graph_url(graph), data=data, method="PUT")
        request.add_header("Content-Type", TURTLE)
        request.add_header("Content-Length", str(size))
        self._send(request, f"PUT graph <{graph}>")

    def get(self, graph: str) -> list[Quad] | None:
        """The triples of ``graph``, or None when the store has no such graph."""
        request = urllib.request.Request(self.graph_url(graph), method="GET")
        request.add_header("Accept", "application/n-triples, text/turtle;q=0.9")
        try:
            with self.opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                kind = response.headers.get_content_type()
                data = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise self._refused(f"GET graph <{graph}>", exc) from exc
        except OSError as exc:
            raise self._unreachable(exc) from exc
        rdf = RdfFormat.from_media_type(kind) or RdfFormat.TURTLE
        return [Quad(t.subject, t.predicate, t.object) for t in parse(data, format=rdf)]

    def delete(self, graph: str) -> None:
        request = urllib.request.Request(self.graph_url(graph), method="DELETE")
        try:
            self._send(request, f"DELETE graph <{graph}>")
        except PublishError as exc:
            if not isinstance(exc.__cause__, urllib.error.HTTPError) or exc.__cause__.code != 404:
                raise

    def _send(self, request: urllib.request.Request, what: str) -> None:
        try:
            with self.opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise self._refused(what, exc) from exc
        except OSError as exc:
            raise self._unreachable(exc) from exc

    def _refused(self, what: str, exc: urllib.error.HTTPError) -> PublishError:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        fix = "check the URL of the store's Graph Store endpoint"
        if exc.code in (401, 403):
            fix = "give a user allowed to write (--user, and KG_PUBLISH_PASSWORD)"
        return PublishError(
            f"the store at {self.url} refused to {what}",
            why=f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else ""),
            fix=fix,
        )

    def _unreachable(self, exc: OSError) -> PublishError:
        return PublishError(
            f"cannot reach the store at {self.url}",
            why=str(getattr(exc, "reason", exc)),
            fix="start the store, or correct --to",
        )


def opener(url: str, user: str, password: str) -> urllib.request.OpenerDirector:
    """An HTTP client that answers the server's challenge (Basic or Digest) when given a user."""
    handlers: list[urllib.request.BaseHandler] = []
    if user:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password)
        handlers += [
            urllib.request.HTTPBasicAuthHandler(manager),
            urllib.request.HTTPDigestAuthHandler(manager),
        ]
    return urllib.request.build_opener(*handlers)


def publish_build(
    directory: Path,
    store_url: str,
    *,
    sparql: str | None = None,
    user: str = "",
    password: str = "",
) -> Published:
    """Load the build in ``directory`` into the store at ``store_url`` (see the module doc)."""
    started = time.monotonic()
    info = read_build_info(directory)
    base = str(info.report.get("base_iri") or "")
    if not base:
        raise PublishError(f"the build in {directory} does not say its base IRI",
                           fix=f"rebuild it with `kg build --out {directory}`")  # fmt: skip
    release_graph = base + RELEASE_GRAPH
    target = GraphStore(store_url, user=user, password=password)
    before = _previous_hashes(target.get(release_graph), release_graph)
    store = open_store(info.path)
    order = _reader_order(sorted(g.value for g in store.named_graphs()), base)
    sending = _Sending(store, target, before)
    sending.articles(order[: -len(CORPUS_GRAPHS)])
    for graph in order[-len(CORPUS_GRAPHS) :]:  # then the corpus-level graphs, one by one
        sending.one(graph)
    deleted = sorted(set(before) - set(sending.hashes))
    for graph in deleted:
        target.delete(graph)
    manifest = _manifest(release_graph, base, info.dataset_hash, sending.hashes)
    target.put(release_graph, manifest, len(manifest.getbuffer()))
    if sparql:
        differ = differing_graphs(sparql, base, sending.triples, user=user, password=password)
        for graph in differ:  # altered behind our back (its hash in the store lies): resend
            if graph in sending.triples:
                sending.one(graph, force=True)
        if differ:
            verify_counts(sparql, base, sending.triples, user=user, password=password)
    sent = set(sending.sent)
    return Published(
        store=store_url, release=info.dataset_hash, sent=tuple(sending.sent),
        unchanged=tuple(g for g in order if g not in sent), deleted=tuple(deleted),
        triples=sending.triples, verified=bool(sparql), seconds=time.monotonic() - started,
    )  # fmt: skip


class _Sending:
    """Sends the graphs that changed since the release in the store; notes hashes and counts."""

    def __init__(self, store: Store, target: GraphStore, before: dict[str, str]) -> None:
        self.store = store
        self.target = target
        self.before = before
        self.hashes: dict[str, str] = {}
        self.triples: dict[str, int] = {}
        self.sent: list[str] = []

    def one(self, graph: str, *, force: bool = False) -> None:
        with _graph_body(self.store, graph) as (body, size, digest, count):
            self.hashes[graph], self.triples[graph] = digest, count
            if force or self.before.get(graph) != digest:
                self.target.put(graph, body, size)
                self.sent.append(graph)

    def articles(self, graphs: list[str]) -> None:
        """Article graphs, a few PUTs at a time (each waits on the store's write)."""
        with ThreadPoolExecutor(PARALLEL_PUTS) as pool:
            running: deque[Future[None]] = deque()
            for graph in graphs:
                with _graph_body(self.store, graph) as (body, size, digest, count):
                    self.hashes[graph], self.triples[graph] = digest, count
                    if self.before.get(graph) != digest:
                        data = io.BytesIO(body.read())
                        running.append(pool.submit(self.target.put, graph, data, size))
                        self.sent.append(graph)
                while len(running) >= 2 * PARALLEL_PUTS or (running and running[0].done()):
                    running.popleft().result()
            for future in running:
                future.result()


def _reader_order(graphs: list[str], base: str) -> list[str]:
    """Articles first, then the corpus-level graphs (see the module docstring)."""
    last = [base + name for name in CORPUS_GRAPHS]
    missing = [g for g in last if g not in graphs]
    if missing:
        raise PublishError(f"the build has no graph <{missing[0]}>", fix="rebuild it")
    return [g for g in graphs if g not in last] + last


@contextmanager
def _graph_body(store: Store, graph: str) -> Iterator[tuple[IO[bytes], int, str, int]]:
    """The graph as N-Triples (valid Turtle) in a temporary file, its size, hash and triples."""
    with tempfile.TemporaryFile() as body:
        quads = store.quads_for_pattern(None, None, None, NamedNode(graph))
        count = 0

        def triples() -> Iterator[Quad]:
            nonlocal count
            for quad in quads:
                count += 1
                yield Quad(quad.subject, quad.predicate, quad.object)

        serialize(triples(), body, format=RdfFormat.N_TRIPLES)
        size = body.tell()
        body.seek(0)
        digest = hashlib.file_digest(body, "sha256").hexdigest()
        body.seek(0)
        yield body, size, digest, count


def _previous_hashes(quads: list[Quad] | None, release_graph: str) -> dict[str, str]:
    """Graph -> content hash, as the release graph in the store lists them."""
    node = NamedNode(release_graph)
    parts = {q.object for q in quads or () if q.subject == node and q.predicate == DCT.hasPart}
    graphs: dict[object, str] = {}
    hashes: dict[object, str] = {}
    for quad in quads or ():
        value = quad.object
        if quad.subject not in parts or not isinstance(value, Literal):
            continue
        if quad.predicate == DCT.references:
            graphs[quad.subject] = value.value
        elif quad.predicate == DCT.identifier and value.value.startswith("sha256:"):
            hashes[quad.subject] = value.value.removeprefix("sha256:")
    return {graphs[part]: hashes[part] for part in graphs if part in hashes}


def _manifest(release_graph: str, base: str, release: str, hashes: dict[str, str]) -> io.BytesIO:
    """The release graph: the release, and a part per graph naming it by a literal IRI (so no
    graph of the dataset becomes a resource of it) with the hash of its content."""
    node = NamedNode(release_graph)
    quads = [
        Quad(node, RDF.type, VOID.Dataset),
        Quad(node, DCT.source, NamedNode(base + "dataset")),
        Quad(node, DCT.identifier, Literal(release)),
    ]
    for graph, digest in sorted(hashes.items()):
        part = NamedNode(f"{release_graph}#graph-{hashlib.sha256(graph.encode()).hexdigest()[:16]}")
        quads += [
            Quad(node, DCT.hasPart, part),
            Quad(part, DCT.references, Literal(graph, datatype=XSD.anyURI)),
            Quad(part, DCT.identifier, Literal("sha256:" + digest)),
        ]
    return io.BytesIO(serialize(quads, format=RdfFormat.N_TRIPLES) or b"")


def verify_counts(
    sparql: str, base: str, expected: dict[str, int], *, user: str = "", password: str = ""
) -> None:
    """Raise :class:`PublishError` unless the store holds exactly ``expected`` triples in each
    graph of the release (and no other graph of this dataset but the release graph)."""
    wrong = differing_graphs(sparql, base, expected, user=user, password=password)
    if wrong:
        found = count_triples(sparql, base, user=user, password=password)
        listed = "; ".join(
            f"<{g}> has {found.get(g, 0)}, the build {expected.get(g, 0)}" for g in wrong[:5]
        )
        raise PublishMismatch(
            f"the store does not hold the build: {len(wrong)} graph(s) differ",
            why=listed,
            fix="look at the store's log (a size limit, a rejected literal?) and publish again",
        )


def differing_graphs(
    sparql: str, base: str, expected: dict[str, int], *, user: str = "", password: str = ""
) -> list[str]:
    """The graphs of the dataset whose count of triples in the store is not ``expected``."""
    found = count_triples(sparql, base, user=user, password=password)
    found.pop(base + RELEASE_GRAPH, None)
    return sorted(g for g in set(found) | set(expected) if found.get(g, 0) != expected.get(g, 0))


def count_triples(sparql: str, base: str, *, user: str = "", password: str = "") -> dict[str, int]:
    """Triples per named graph of the dataset under ``base``, as the store's query endpoint
    counts them."""
    query = (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), {json.dumps(base + 'graph/')})) }} GROUP BY ?g"
    )
    data = urllib.parse.urlencode({"query": query}).encode("ascii")
    request = urllib.request.Request(sparql, data=data, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("Accept", "application/sparql-results+json")
    try:
        with opener(sparql, user, password).open(request, timeout=TIMEOUT_SECONDS) as response:
            results = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise PublishError(
            f"the query endpoint {sparql} refused the count query",
            why=f"HTTP {exc.code} {exc.reason}",
            fix="check --sparql",
        ) from exc
    except OSError as exc:
        raise PublishError(f"cannot reach the query endpoint {sparql}", why=str(exc),
                           fix="check --sparql") from exc  # fmt: skip
    return {row["g"]["value"]: int(row["n"]["value"]) for row in results["results"]["bindings"]}
