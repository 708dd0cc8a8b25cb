"""/sparql: the SPARQL 1.1 Protocol endpoint (routes parse, kg runs, the response is shaped here).

GET without a query gives the Service Description. A query is checked (updates and SERVICE are
refused before anything runs), a format is negotiated (406 when nothing acceptable can be made),
a GET that the client already has is answered 304 without running, and the query runs in a
killable worker under the timeout. Browsers that prefer HTML get a results page.
"""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Blueprint, Response, render_template, request
from pyoxigraph import RdfFormat

from kg.errors import BadRequest
from kg.sparql import QueryJob, plan_query
from kg.sparql.description import service_description
from kg.sparql.negotiation import (
    GRAPH_FORMATS,
    HTML,
    bare,
    negotiate,
)
from server import context
from server.dataset import Dataset
from server.http import etag_for, is_fresh, not_modified, validated
from server.protocol import read_protocol
from server.rendering import Site, rdf_body, term_view


def _headers(response: Response, truncated: bool, limit: int, rows: int, seconds: float) -> None:
    response.headers.extend(
        (
            ("X-Result-Limit", str(limit)),
            ("X-Result-Truncated", "true" if truncated else "false"),
            ("X-Result-Rows", str(rows)),
            ("X-Query-Seconds", f"{seconds:.3f}"),
        )
    )


bp = Blueprint("sparql", __name__)


def describe_service(dataset: Dataset) -> Response:
    endpoint = request.base_url.rstrip("/")
    triples = service_description(
        endpoint,
        dataset.named_graphs(),
        timeout=context.settings().query_timeout,
        row_limit=context.settings().row_limit,
        max_body_bytes=context.settings().max_body_bytes,
        void=request.host_url + "void",
    )
    chosen = negotiate(GRAPH_FORMATS, request.headers.get("Accept"), extra=(HTML,))
    if chosen == HTML:
        turtle = rdf_body(triples, RdfFormat.TURTLE).decode("utf-8")
        page = render_template("sparql.html", description=turtle, endpoint=endpoint)
        response = Response(page, mimetype="text/html")
    else:
        assert isinstance(chosen, RdfFormat)
        response = Response(rdf_body(triples, chosen), content_type=chosen.media_type)
    response.vary.add("Accept")
    return response


def results_page(dataset: Dataset, job: QueryJob, body: bytes, truncated: bool, rows: int) -> str:
    site = Site(dataset.base_iri, request.script_root)
    values: dict[str, Any] = {
        "query": job.query,
        "truncated": truncated,
        "rows": rows,
        "limit": job.row_limit,
    }
    if job.media_type == bare(RdfFormat.TURTLE.media_type):
        values["graph"] = body.decode("utf-8")
    else:
        document = json.loads(body)
        if "boolean" in document:
            values["boolean"] = document["boolean"]
        else:
            names = document["head"]["vars"]
            values["vars"] = names
            values["table"] = [
                [term_view(b[n], site) if n in b else None for n in names]
                for b in document["results"]["bindings"]
            ]
    return render_template("results.html", **values)


@bp.route("/sparql/", methods=["GET", "POST"])
@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    started = time.monotonic()  # reading the query and running it share one deadline
    sent = read_protocol(request, context.settings())
    with context.holder().use() as dataset:
        if sent.query is None:
            if request.method == "POST":
                raise BadRequest("the POST has no query", fix="send query=... or a query body")
            return describe_service(dataset)
        plan = plan_query(
            sent.query,
            wanted=sent.format,
            accept=request.headers.get("Accept", "*/*"),  # no Accept header: anything goes
            html=request.method == "GET",
            row_limit=context.settings().row_limit,
            base_iri=request.base_url,
            default_graphs=sent.default_graphs,
            named_graphs=sent.named_graphs,
            shape=dataset.shape(sent.query, started + sent.timeout),
        )
        etag = etag_for(dataset.info, request)
        if request.method == "GET" and is_fresh(dataset.info, request, etag):
            return not_modified(dataset.info, etag)
        job = plan.job
        result = dataset.answer(plan, timeout=sent.timeout, started=started)
        if plan.html:
            page = results_page(dataset, job, result.body, result.truncated, result.rows)
            response = Response(page, mimetype="text/html")
        else:
            response = Response(result.body, content_type=result.media_type)
        _headers(response, result.truncated, result.limit, result.rows, result.seconds)
        response.vary.add("Accept")
        if request.method == "GET":
            validated(response, dataset.info, etag)
        return response
