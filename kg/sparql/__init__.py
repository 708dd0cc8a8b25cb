"""Everything about answering a SPARQL query, with no web framework.

``lexer`` reads what a query asks for (form, update, SERVICE) before it runs; ``negotiation`` picks
a format from an Accept header; ``plan`` makes the job a query and a request ask for (for the
endpoint and ``kg query`` alike); ``execute`` runs one query with a row cap and serialises it;
``pool`` runs ``execute`` in worker processes that can be killed on timeout. :func:`run_query` is
the in-process entry point for the command line.
"""

from __future__ import annotations

from pathlib import Path

from kg.dataset.store import open_store
from kg.settings import Settings
from kg.sparql.execute import QueryJob, QueryResult, execute
from kg.sparql.lexer import QueryForm, QueryShape, check_query
from kg.sparql.negotiation import format_from_name, negotiate
from kg.sparql.plan import QueryPlan, plan_query
from kg.sparql.pool import QueryPool

__all__ = [
    "QueryForm",
    "QueryJob",
    "QueryPlan",
    "QueryPool",
    "QueryResult",
    "QueryShape",
    "check_query",
    "execute",
    "format_from_name",
    "negotiate",
    "plan_query",
    "run_query",
]


def run_query(
    directory: Path, query: str, media_type: str | None = None, *, settings: Settings
) -> QueryResult:
    """Run ``query`` on the build in ``directory`` in this process (for ``kg query``).

    ``media_type`` is a format name (``json``, ``csv``, ``tsv``, ``xml``, ``turtle``, ``nt`` ...),
    a media type, or None for the default of the query form. The same checks, caps and formats
    apply as on the endpoint (:func:`kg.sparql.plan.plan_query`); there is no timeout (the caller
    can interrupt the process).
    """
    plan = plan_query(
        query,
        wanted=media_type,
        accept=None,
        html=False,
        row_limit=settings.row_limit,
        base_iri=settings.base_iri + "sparql",
    )
    return execute(open_store(directory), plan.job)
