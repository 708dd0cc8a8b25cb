"""Dereferencing: every IRI under the base is a page (HTML) and a document (Turtle, JSON-LD, ...).

``<base>id/entity/x`` is served at ``/id/entity/x``: by Accept, or by extension (``.ttl``,
``.jsonld``, ``.nt``, ``.html``), with ``Link: rel="alternate"`` headers naming the others. Only
the store is ever consulted for such a path, so no path can reach a file. ``/wikidata/Q…``
redirects (303) to our entity linked to that Wikidata item.
"""

from __future__ import annotations

import re
from typing import cast
from urllib.parse import quote

from flask import Blueprint, Request, Response, redirect, render_template, request
from pyoxigraph import RdfFormat

from kg.dataset.resolve import HTML_EXTENSION, LD_FORMATS, resolve
from kg.dataset.resource import Description, describe, entity_for_qid, graph_contents
from kg.errors import NotFound, clipped
from kg.sparql.negotiation import HTML, negotiate
from server import context
from server.http import cached
from server.rendering import Site, compact, rdf_response, term_view

ALTERNATES = (RdfFormat.TURTLE, RdfFormat.JSON_LD, RdfFormat.N_TRIPLES)
_QID = re.compile(r"Q[1-9][0-9]*")


def raw_path(req: Request) -> str:
    """The request path as sent (still percent-encoded), relative to the application root."""
    raw = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI") or quote(req.path)
    path = str(raw).split("?", 1)[0]
    if path.startswith(("http://", "https://")):
        path = "/" + path.split("/", 3)[-1]
    root = req.script_root
    return path[len(root) :].lstrip("/") if root and path.startswith(root) else path.lstrip("/")


def _page(description: Description, site: Site) -> str:
    labels = description.labels

    def view(term: object) -> object:
        return term_view(term, site, labels)

    return render_template(
        "resource.html",
        d=description,
        view=view,
        compact=compact,
        href=site.page_link,
        title=description.label or compact(description.iri.value),
    )


bp = Blueprint("linked_data", __name__)


def serve(iri: str, forced: RdfFormat | str | None) -> Response:
    site = Site(context.settings().base_iri, request.script_root)
    with context.holder().use() as dataset:
        chosen = forced or negotiate(
            LD_FORMATS, request.headers.get("Accept"), extra=(HTML,), extra_first=True
        )
        description = describe(dataset.store, iri)
        graph = graph_contents(dataset.store, iri) if description is None else None
        if description is None and graph is None:
            raise NotFound(f"nothing is known about <{iri}>")
        if chosen == HTML and description is not None:
            response = Response(_page(description, site), mimetype="text/html")
        elif chosen == HTML and graph is not None:
            page = render_template(
                "graph.html",
                iri=iri,
                triples=graph[0],
                truncated=graph[1],
                view=lambda term: term_view(term, site),
                href=site.page_link,
            )
            response = Response(page, mimetype="text/html")
        else:
            assert isinstance(chosen, RdfFormat)
            triples = description.triples() if description else graph[0] if graph else []
            response = rdf_response(triples, chosen)
            if graph is not None and graph[1]:
                response.headers["X-Result-Truncated"] = "true"
        url = site.page_link(iri)
        response.headers["Link"] = (
            ", ".join(
                f'<{url}.{f.file_extension}>; rel="alternate"; type="{f.media_type}"'
                for f in ALTERNATES
            )
            + f', <{url}>; rel="canonical"'
        )
        if forced is None:
            response.vary.add("Accept")
        return cached(response, dataset.info, request)


@bp.route("/wikidata/<qid>")
def wikidata(qid: str) -> Response:
    if not _QID.fullmatch(qid):
        raise NotFound(f"{clipped(qid)!r} is not a Wikidata item id", fix="use an id like Q212")
    with context.holder().use() as dataset:
        node = entity_for_qid(dataset.store, qid, context.settings().base_iri)
    if node is None:
        raise NotFound(f"no entity here is linked to wd:{qid}")
    site = Site(context.settings().base_iri, request.script_root)
    return cast(Response, redirect(site.page_link(node.value), code=303))


@bp.route("/<path:path>", methods=["GET", "HEAD"])
def resource(path: str) -> Response:
    with context.holder().use() as dataset:
        found = resolve(dataset.store, context.settings().base_iri, path, raw_path(request))
    if found is None:
        raise NotFound(f"/{clipped(path)} is not a resource of this dataset")
    return serve(found.iri, HTML if found.forced == HTML_EXTENSION else found.forced)
