"""Everything about answering a SPARQL query, with no web framework.

``lexer`` reads what a query asks for (form, update, SERVICE) before it runs; ``negotiation``
picks a format from an Accept header; ``execute`` runs one query with a row cap and serialises it;
``pool`` runs ``execute`` in worker processes that can be killed on timeout. :func:`run_query` is
the in-process entry point for the command line.
"""

from __future__ import annotations

from pathlib import Path

from kg.dataset.store import open_store
from kg.errors import NotAcceptable
from kg.settings import Settings
from kg.sparql.execute import QueryJob, QueryResult, execute
from kg.sparql.lexer import QueryForm, QueryShape, check_query
from kg.sparql.negotiation import bare, format_from_name, negotiate, offers_for
from kg.sparql.pool import QueryPool

__all__ = [
    "QueryForm",
    "QueryJob",
    "QueryPool",
    "QueryResult",
    "QueryShape",
    "check_query",
    "execute",
    "format_from_name",
    "negotiate",
    "run_query",
]


def run_query(
    directory: Path, query: str, media_type: str | None = None, *, settings: Settings
) -> QueryResult:
    """Run ``query`` on the build in ``directory`` in this process (for ``kg query``).

    ``media_type`` is a format name (``json``, ``csv``, ``tsv``, ``xml``, ``turtle``, ``nt`` ...),
    a media type, or None for the default of the query form. The same checks, caps and formats
    apply as on the endpoint; there is no timeout (the caller can interrupt the process).
    """
    shape = check_query(query)
    formats = offers_for(shape.form)
    chosen = format_from_name(formats, media_type) if media_type else formats[0]
    if chosen is None:
        kind = "graph" if shape.form and shape.form.gives_graph else "results"
        raise NotAcceptable(
            f"a {shape.form.value if shape.form else 'SPARQL'} query cannot be given as "
            f"{media_type!r}",
            fix=f"choose one of the {kind} formats: "
            + ", ".join(f.file_extension for f in formats),
        )
    job = QueryJob(
        query=query,
        media_type=bare(chosen.media_type),
        row_limit=settings.row_limit,
        base_iri=settings.base_iri + "sparql",
        union_default_graph=not shape.dataset_clause,
    )
    return execute(open_store(directory), job)
