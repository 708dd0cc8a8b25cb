"""Read a SPARQL 1.1 Protocol request (section 2.1): which query, which dataset, which limits.

Three ways to send a query are accepted: GET with ``query=``, POST form-encoded, and POST
``application/sparql-query`` (UTF-8 only). An ``update`` parameter or an
``application/sparql-update`` body is refused (403: read-only); two queries, a missing or unknown
Content-Type, or a body in another charset are client errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import Request

from kg.errors import BadRequest, PayloadTooLarge, QueryRefused, UnsupportedMediaType
from kg.settings import Settings

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


def _update_refused() -> QueryRefused:
    return QueryRefused(
        "SPARQL Update is not accepted",
        why="this is a read-only public endpoint",
        fix="download a dump from /dumps/ and load it into a store of your own",
    )


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    timeout: float
    format: str | None


def _timeout(raw: str | None, settings: Settings) -> float:
    if raw is None or raw == "":
        return settings.query_timeout
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not value > 0 or math.isinf(value):
        raise BadRequest(f"timeout={raw!r} is not a positive number of seconds")
    return min(value, settings.query_timeout)


def read_protocol(request: Request, settings: Settings) -> ProtocolRequest:
    """The protocol parameters of ``request``; raises the error the protocol calls for."""
    if len(request.query_string) > settings.max_body_bytes:
        raise PayloadTooLarge(
            f"the query string is longer than {settings.max_body_bytes} bytes",
            fix="POST long queries (application/sparql-query)",
        )
    args = request.args
    queries = args.getlist("query")
    params = {k: args.getlist(k) for k in ("default-graph-uri", "named-graph-uri", "timeout")}
    fmt = args.get("format")
    if "update" in args:
        raise _update_refused()
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype in FORM_TYPES:
            form = request.form
            if "update" in form:
                raise _update_refused()
            queries += form.getlist("query")
            for key in params:
                params[key] += form.getlist(key)
            fmt = form.get("format", fmt)
        elif mimetype == QUERY_TYPE:
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise UnsupportedMediaType(
                    f"a query in {charset} is not accepted", fix="send it in UTF-8"
                )
            try:
                queries.append(request.get_data(cache=False).decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise BadRequest("the query is not valid UTF-8", why=str(exc)) from exc
        elif mimetype == UPDATE_TYPE:
            raise _update_refused()
        else:
            raise UnsupportedMediaType(
                f"a POST with Content-Type {mimetype or '(none)'!r} is not a SPARQL request",
                fix=f"send {QUERY_TYPE} or {FORM_TYPES[0]} with query=...",
            )
    if len(queries) > 1:
        raise BadRequest("more than one query was sent", fix="send exactly one query parameter")
    defaults = tuple(params["default-graph-uri"])
    named = tuple(params["named-graph-uri"])
    given = bool(defaults or named)
    timeouts = params["timeout"]
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graphs=defaults if given else None,
        named_graphs=named if given else None,
        timeout=_timeout(timeouts[0] if timeouts else None, settings),
        format=fmt,
    )
