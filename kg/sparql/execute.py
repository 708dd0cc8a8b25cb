"""Run one query against a store, cap it, and serialise it. Runs inside a query worker.

The caps are applied while iterating, so a huge result is never built, never serialised and never
crosses the pipe to the server: at most ``row_limit`` solutions (or triples) and about
``byte_limit`` bytes. A capped result says so: ``QueryResult.truncated``, which the server turns
into headers, plus a top-level ``"newskg"`` member in SPARQL JSON (``{"limit": 10000,
"truncated": true, "rows": 10000}``; clients ignore members they do not know, and ``head`` and
``results`` stay exactly as the SPARQL 1.1 JSON format defines them) and a leading ``#`` comment
in Turtle, N-Triples and N-Quads.

Solutions are first written as SPARQL JSON by :func:`term_json` (a few lines that follow the
spec, section 3.2.2); every other results format is then produced by pyoxigraph from that.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    parse_query_results,
    serialize,
)

from kg.errors import BadRequest, DatasetError, NotAcceptable, QuerySyntaxError
from kg.sparql.jsonld import compact_jsonld
from kg.sparql.negotiation import GRAPH_FORMATS, RESULT_FORMATS, bare
from kg.vocab import PREFIXES

#: About the most bytes of terms one result may hold (the serialised body is a little larger).
MAX_RESULT_BYTES = 64 * 1024 * 1024
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_COMMENTABLE = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.N_QUADS)
_PREFIXED = (RdfFormat.TURTLE, RdfFormat.RDF_XML)
#: How pyoxigraph's RuntimeError reads when the storage (RocksDB), not the query, failed: RocksDB
#: status messages ("Corruption: ...", "IO error: ...") and oxigraph's own storage errors.
_STORE_FAILURE = re.compile(
    r"corrupt|IO error|No space|rocksdb|checksum mismatch|storage|\.sst\b|MANIFEST",
    re.IGNORECASE,
)


def is_store_failure(exc: BaseException) -> bool:
    """Whether ``exc`` from a query is the store's fault (503), not the query's (400)."""
    return isinstance(exc, OSError) or (
        isinstance(exc, RuntimeError) and _STORE_FAILURE.search(str(exc)) is not None
    )


@dataclass(frozen=True)
class QueryJob:
    """One query and how to answer it; picklable, sent to a worker process.

    ``default_graphs`` / ``named_graphs`` are the protocol's ``default-graph-uri`` /
    ``named-graph-uri``; when both are None the default graph is the RDF merge of the named
    graphs (unless the query has its own FROM, ``union_default_graph=False``): the store's own
    default graph, which a build fills with that merge (:mod:`kg.publish.store`).
    """

    query: str
    media_type: str
    row_limit: int
    byte_limit: int = MAX_RESULT_BYTES
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default_graph: bool = True


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    media_type: str
    truncated: bool
    rows: int
    limit: int
    seconds: float


def term_json(term: Any) -> dict[str, Any]:
    """One RDF term as a SPARQL 1.1 JSON results binding (with RDF 1.2 triple terms)."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = str(term.direction)
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def _size(binding: dict[str, Any]) -> int:
    return sum(len(str(v.get("value", ""))) + 32 for v in binding.values()) + 8


def has_merged_default_graph(store: Store) -> bool:
    """Whether the store's default graph holds the merge of its named graphs (every build made
    since the default graph is a set does; an older store has an empty default graph)."""
    return next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is not None


def _dataset_options(store: Store, job: QueryJob) -> dict[str, Any]:
    if job.default_graphs is None and job.named_graphs is None:
        if not job.union_default_graph or has_merged_default_graph(store):
            return {}
        # An older build without the merged default graph: pyoxigraph's union (a bag).
        return {"use_default_graph_as_union": True}
    try:
        return {
            "default_graph": [NamedNode(g) for g in job.default_graphs or ()],
            "named_graphs": [NamedNode(g) for g in job.named_graphs or ()],
        }
    except ValueError as exc:
        raise BadRequest(
            "a default-graph-uri or named-graph-uri is not an absolute IRI", why=str(exc)
        ) from exc


def _note(job: QueryJob, truncated: bool, rows: int) -> dict[str, Any]:
    return {"limit": job.row_limit, "truncated": truncated, "rows": rows}


def _solutions(result: QuerySolutions, job: QueryJob) -> tuple[bytes, str, bool, int]:
    fmt = next((f for f in RESULT_FORMATS if bare(f.media_type) == job.media_type), None)
    fmt = fmt or QueryResultsFormat.JSON
    names = [v.value for v in result.variables]
    bindings: list[dict[str, Any]] = []
    size = 0
    truncated = False
    for solution in result:
        if len(bindings) >= job.row_limit:
            truncated = True
            break
        binding = {n: term_json(t) for n in names if (t := solution[n]) is not None}
        size += _size(binding)
        if size > job.byte_limit:
            truncated = True
            break
        bindings.append(binding)
    document: dict[str, Any] = {"head": {"vars": names}, "results": {"bindings": bindings}}
    if fmt == QueryResultsFormat.JSON:
        document["newskg"] = _note(job, truncated, len(bindings))
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    else:
        try:
            parsed = parse_query_results(json.dumps(document), QueryResultsFormat.JSON)
            body = parsed.serialize(format=fmt) or b""
        except (OSError, ValueError) as exc:
            raise _unwritable(fmt.name, exc) from exc
    return body, fmt.media_type, truncated, len(bindings)


def _unwritable(name: str, exc: Exception) -> NotAcceptable:
    """The result holds what the chosen format cannot write (an RDF 1.2 triple term in
    JSON-LD): the client's choice of format, not the store, is at fault (406, never 503)."""
    return NotAcceptable(
        f"the result cannot be written as {name}",
        why=str(exc),
        fix="ask for Turtle or N-Triples (graphs) or SPARQL JSON (results), which carry RDF 1.2 "
        "triple terms",
    )


def _boolean(result: QueryBoolean, job: QueryJob) -> tuple[bytes, str, bool, int]:
    fmt = next((f for f in RESULT_FORMATS if bare(f.media_type) == job.media_type), None)
    fmt = fmt or QueryResultsFormat.JSON
    if fmt == QueryResultsFormat.JSON:
        document = {"head": {}, "boolean": bool(result), "newskg": _note(job, False, 1)}
        body = json.dumps(document, separators=(",", ":")).encode("utf-8")
        return body, fmt.media_type, False, 1
    return result.serialize(format=fmt) or b"", fmt.media_type, False, 1


def _triples(result: QueryTriples, job: QueryJob) -> tuple[bytes, str, bool, int]:
    fmt = next((f for f in GRAPH_FORMATS if bare(f.media_type) == job.media_type), None)
    fmt = fmt or RdfFormat.TURTLE
    triples: list[Triple] = []
    size = 0
    truncated = False
    for triple in result:
        if len(triples) >= job.row_limit:
            truncated = True
            break
        size += len(str(triple))
        if size > job.byte_limit:
            truncated = True
            break
        triples.append(triple)
    prefixes = PREFIXES if fmt in _PREFIXED else None
    try:
        if fmt == RdfFormat.JSON_LD:
            body = compact_jsonld(triples, PREFIXES)
        else:
            body = serialize(triples, format=fmt, prefixes=prefixes) or b""
    except (OSError, ValueError) as exc:  # JSON-LD: "does not support RDF 1.2 yet"
        raise _unwritable(fmt.name, exc) from exc
    if truncated and fmt in _COMMENTABLE:
        note = f"# newskg: truncated to the first {len(triples)} triples (limit {job.row_limit})\n"
        body = note.encode("utf-8") + body
    return body, fmt.media_type, truncated, len(triples)


def execute(store: Store, job: QueryJob) -> QueryResult:
    """Run ``job`` on ``store``: the parser's message on a syntax error, else capped results."""
    started = time.perf_counter()
    try:
        options = _dataset_options(store, job)
        result = store.query(job.query, base_iri=job.base_iri, **options)
        if isinstance(result, QueryBoolean):
            body, media_type, truncated, rows = _boolean(result, job)
        elif isinstance(result, QuerySolutions):
            body, media_type, truncated, rows = _solutions(result, job)
        else:
            body, media_type, truncated, rows = _triples(result, job)
    except SyntaxError as exc:
        raise QuerySyntaxError(
            f"the query does not parse: {exc}",
            fix="check the query against the SPARQL 1.1 grammar (the position is line:column)",
        ) from exc
    except (OSError, RuntimeError, ValueError) as exc:
        if is_store_failure(exc):
            raise DatasetError(
                "the store could not be read while the query ran",
                why=str(exc),
                fix="retry later; the operators must rebuild the dataset if this persists",
            ) from exc
        raise BadRequest("the query failed while it ran", why=str(exc)) from exc
    seconds = time.perf_counter() - started
    return QueryResult(body, media_type, truncated, rows, job.row_limit, seconds)
