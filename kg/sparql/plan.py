"""From a query and what the client asked for, the job to run: one function for every caller.

``kg query`` and the endpoint both call :func:`plan_query`: the query is checked (updates and
SERVICE refused, its form read), the result format chosen (a format name or media type the
caller gives, else by ``Accept``), and the :class:`~kg.sparql.execute.QueryJob` made with the row
cap. Browsers may get the HTML results page, which is rendered from JSON results (or Turtle),
of at most :data:`HTML_ROW_LIMIT` rows and :data:`HTML_BYTE_LIMIT` bytes (a page is built in
memory; the full result is a download away).

A query longer than :data:`~kg.sparql.lexer.CACHED_LENGTH` is checked in a query worker
(:func:`checked_shape`), where the scan's memory and time are capped like a query's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat, Store

from kg.errors import NotAcceptable
from kg.sparql.execute import MAX_RESULT_BYTES, QueryJob
from kg.sparql.lexer import QueryShape, check_query
from kg.sparql.negotiation import (
    GRAPH_FORMATS,
    HTML,
    Format,
    bare,
    format_from_name,
    negotiate,
    offers_for,
)

#: Most rows (and bytes of terms) the HTML results page shows.
HTML_ROW_LIMIT = 1000
HTML_BYTE_LIMIT = 2 * 1024 * 1024


def checked_shape(store: Store, query: str, deadline: float | None) -> QueryShape:
    """:func:`check_query` as a query worker runs it (``QueryPool.call`` passes the store)."""
    return check_query(query, deadline=deadline)


@dataclass(frozen=True)
class QueryPlan:
    """The job to run, the query's shape, and whether the answer is the HTML results page."""

    job: QueryJob
    shape: QueryShape
    html: bool


def plan_query(
    query: str,
    *,
    wanted: str | None,
    accept: str | None,
    html: bool,
    row_limit: int,
    base_iri: str,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    deadline: float | None = None,
    shape: QueryShape | None = None,
) -> QueryPlan:
    """The plan of ``query``. ``wanted`` is a format name (``json``, ``csv``, ``turtle`` ...) or
    media type; when it names nothing the form can give, ``Accept`` decides, and with no
    ``Accept`` either that is an error (406). ``html`` allows the HTML results page. ``shape``
    is the query's :func:`check_query` when the caller has it already."""
    shape = shape or check_query(query, deadline=deadline)
    formats = offers_for(shape.form)
    named = format_from_name(formats, wanted) if wanted else None
    if wanted and named is None and accept is None:
        kind = "graph" if shape.form and shape.form.gives_graph else "results"
        raise NotAcceptable(
            f"a {shape.form.value if shape.form else 'SPARQL'} query cannot be given as {wanted!r}",
            fix=f"choose one of the {kind} formats: "
            + ", ".join(f.file_extension for f in formats),
        )
    choice = named or negotiate(formats, accept, extra=(HTML,) if html else ())
    page = choice == HTML
    chosen: Format
    if isinstance(choice, str):
        chosen = RdfFormat.TURTLE if formats == GRAPH_FORMATS else QueryResultsFormat.JSON
    else:
        chosen = choice
    job = QueryJob(
        query=query,
        media_type=bare(chosen.media_type),
        row_limit=min(row_limit, HTML_ROW_LIMIT) if page else row_limit,
        byte_limit=HTML_BYTE_LIMIT if page else MAX_RESULT_BYTES,
        base_iri=base_iri,
        default_graphs=tuple(default_graphs) if default_graphs is not None else None,
        named_graphs=tuple(named_graphs) if named_graphs is not None else None,
        union_default_graph=not shape.dataset_clause,
    )
    return QueryPlan(job=job, shape=shape, html=page)
