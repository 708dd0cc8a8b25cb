"""The part of a store the Linked Data pages read, answered by an external SPARQL endpoint.

``kg serve DIR --endpoint URL`` is for datasets too big for one machine: the build's files (its
report, VoID, dumps) stay in ``DIR``, and the quads live in a store elsewhere (loaded with ``kg
publish``). The pages (:mod:`kg.dataset.resource`, :mod:`kg.dataset.resolve`) ask a store for
quads by pattern and for named graphs; :class:`RemoteStore` answers those few calls with SPARQL
1.1 Protocol queries (``GRAPH ?g { ... }``: the dataset lives in named graphs), so a page says
exactly what it says over the local store. The local store's default graph is the RDF merge of
the named graphs (README, "Named graphs"); a store loaded by ``kg publish`` holds named graphs
only, so a pattern on the default graph is asked as the distinct matches in any named graph.
The browsing pages that run whole SPARQL queries (entities, map, counts) need the build's own
store and answer 503 with that reason here.

A page asks for the same patterns several times (the label of a node, the mentions of an
entity), so answers are kept for :data:`CACHE_SECONDS`, at most :data:`CACHE_PATTERNS` of them:
a released build does not change, and a new release is seen within that time.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from collections.abc import Iterator

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    Triple,
    parse_query_results,
)

from kg.errors import DatasetError, Unavailable

Term = NamedNode | BlankNode | Literal | Triple
#: Most quads one pattern returns (a page shows far fewer; it marks the rest as truncated).
MAX_QUADS = 10_000
CACHE_SECONDS = 60.0
CACHE_PATTERNS = 4096
TIMEOUT_SECONDS = 10.0


class RemoteStore:
    """``quads_for_pattern``, ``contains_named_graph`` and ``named_graphs`` over SPARQL."""

    def __init__(self, endpoint: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise DatasetError(f"endpoint {endpoint!r} is not an http(s) URL",
                               fix="give the store's SPARQL query endpoint")  # fmt: skip
        self.endpoint = endpoint
        self.timeout = timeout
        self._cache: OrderedDict[str, tuple[float, list[QuerySolutionRow]]] = OrderedDict()
        self._lock = threading.Lock()

    def quads_for_pattern(
        self,
        subject: NamedNode | BlankNode | Triple | None,
        predicate: NamedNode | None,
        object: Term | None,
        graph_name: NamedNode | DefaultGraph | None = None,
    ) -> Iterator[Quad]:
        if isinstance(graph_name, DefaultGraph):
            yield from self._merged(subject, predicate, object)
            return
        terms = {"s": subject, "p": predicate, "o": object, "g": graph_name}
        pattern = " ".join(
            str(t) if t is not None else f"?{n}" for n, t in terms.items() if n != "g"
        )
        graph = str(graph_name) if graph_name is not None else "?g"
        wanted = [f"?{name}" for name, term in terms.items() if term is None]
        query = (
            f"SELECT {' '.join(wanted) or '*'} WHERE {{ GRAPH {graph} {{ {pattern} }} }} "
            f"LIMIT {MAX_QUADS}"
        )
        for row in self._select(query):
            values = {name: term if term is not None else row[name] for name, term in terms.items()}
            yield Quad(values["s"], values["p"], values["o"], values["g"])  # type: ignore[arg-type]

    def _merged(
        self,
        subject: NamedNode | BlankNode | Triple | None,
        predicate: NamedNode | None,
        object: Term | None,
    ) -> Iterator[Quad]:
        """The default graph's matches: each triple once, whichever named graphs hold it."""
        terms = {"s": subject, "p": predicate, "o": object}
        pattern = " ".join(str(t) if t is not None else f"?{n}" for n, t in terms.items())
        wanted = [f"?{name}" for name, term in terms.items() if term is None]
        query = (
            f"SELECT DISTINCT {' '.join(wanted) or '?g'} WHERE {{ GRAPH ?g {{ {pattern} }} }} "
            f"LIMIT {MAX_QUADS}"
        )
        for row in self._select(query):
            values = {name: term if term is not None else row[name] for name, term in terms.items()}
            yield Quad(values["s"], values["p"], values["o"], DefaultGraph())  # type: ignore[arg-type]
            if not wanted:
                return  # a fully bound pattern: present once

    def query(self, query: str) -> None:
        """Whole queries are not sent to the external store (their default graph may not be
        the merge this dataset's queries assume)."""
        raise Unavailable(
            "this page needs the build's own store, and the server reads an external endpoint",
            why="browsing pages run whole SPARQL queries over the merged default graph",
            fix="use the endpoint's own query service, or serve the build without --endpoint",
        )

    def contains_named_graph(self, graph_name: NamedNode) -> bool:
        return bool(
            self._select(f"SELECT ?s WHERE {{ GRAPH {graph_name} {{ ?s ?p ?o }} }} LIMIT 1")
        )

    def named_graphs(self) -> Iterator[NamedNode]:
        for row in self._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} }} LIMIT {MAX_QUADS}"):
            graph = row["g"]
            if isinstance(graph, NamedNode):
                yield graph

    def _select(self, query: str) -> list[QuerySolutionRow]:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(query)
            if hit is not None and now - hit[0] < CACHE_SECONDS:
                self._cache.move_to_end(query)
                return hit[1]
        rows = self._ask(query)
        with self._lock:
            self._cache[query] = (now, rows)
            while len(self._cache) > CACHE_PATTERNS:
                self._cache.popitem(last=False)
        return rows

    def _ask(self, query: str) -> list[QuerySolutionRow]:
        data = urllib.parse.urlencode({"query": query}).encode("utf-8")
        request = urllib.request.Request(self.endpoint, data=data, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("Accept", "application/sparql-results+json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except (urllib.error.URLError, OSError) as exc:
            raise DatasetError(
                f"the SPARQL endpoint {self.endpoint} did not answer",
                why=str(getattr(exc, "reason", exc)),
                fix="check that the store is up, or serve without --endpoint",
            ) from exc
        solutions = parse_query_results(body, format=QueryResultsFormat.JSON)
        if not isinstance(solutions, QuerySolutions):
            raise DatasetError(f"the SPARQL endpoint {self.endpoint} answered a SELECT with "
                               f"{json.dumps(body[:80].decode('utf-8', 'replace'))}")  # fmt: skip
        names = [v.value for v in solutions.variables]
        return [{name: solution[name] for name in names} for solution in solutions]


QuerySolutionRow = dict[str, Term | None]
