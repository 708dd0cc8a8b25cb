"""Dereferencing: every IRI under the base is a page (HTML) and a document (Turtle, JSON-LD, ...).

``<base>id/entity/x`` is served at ``/id/entity/x``: by Accept, or by extension (``.ttl``,
``.jsonld``, ``.nt``, ``.rdf``, ``.html``), with ``Link: rel="alternate"`` headers naming the
others. An article's document also describes its ``#char=b,e`` mentions and sentences (a client
drops the fragment before it asks), and its page marks each of them with that id. Only
the store is ever consulted for such a path, so no path can reach a file. ``/wikidata/Q…``
redirects (303) to our entity linked to that Wikidata item.
"""

from __future__ import annotations

import re
from typing import cast
from urllib.parse import quote

from flask import Blueprint, Request, Response, redirect, render_template, request
from pyoxigraph import RdfFormat

from kg.dataset.page import Page, resource_page
from kg.dataset.resolve import HTML_EXTENSION, LD_FORMATS, resolve
from kg.dataset.resource import describe, entity_for_qid, graph_contents
from kg.errors import NotFound, clipped
from kg.iris import Iris
from kg.sparql.negotiation import HTML, negotiate
from server import context
from server.dataset import Dataset
from server.http import cached
from server.rendering import Site, rdf_response, term_view

ALTERNATES = LD_FORMATS
_QID = re.compile(r"Q[1-9][0-9]*")


def raw_path(req: Request) -> str:
    """The request path as sent (still percent-encoded), relative to the application root."""
    raw = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI") or quote(req.path)
    path = str(raw).split("?", 1)[0]
    if path.startswith(("http://", "https://")):
        path = "/" + path.split("/", 3)[-1]
    root = req.script_root
    return path[len(root) :].lstrip("/") if root and path.startswith(root) else path.lstrip("/")


def _page(page: Page, site: Site) -> str:
    def view(term: object) -> object:
        return term_view(term, site, page.labels)

    return render_template(
        "resource.html",
        page=page,
        d=page.description,
        view=view,
        href=site.page_link,
        title=page.title,
    )


bp = Blueprint("linked_data", __name__)


def link_header(url: str) -> str:
    """``Link`` alternates for every RDF format a resource is offered in, and its canonical URL."""
    alternates = [
        f'<{url}.{f.file_extension}>; rel="alternate"; type="{f.media_type}"' for f in ALTERNATES
    ]
    return ", ".join([*alternates, f'<{url}>; rel="canonical"'])


def serve(dataset: Dataset, iri: str, forced: RdfFormat | str | None) -> Response:
    site = Site(dataset.base_iri, request.script_root)
    chosen = forced or negotiate(
        LD_FORMATS, request.headers.get("Accept"), extra=(HTML,), extra_first=True
    )
    description = describe(dataset.store, iri, base_iri=dataset.base_iri)
    graph = graph_contents(dataset.store, iri) if description is None else None
    if description is None and graph is None:
        raise NotFound(f"nothing is known about <{iri}>")
    if chosen == HTML and description is not None:
        page = resource_page(dataset.store, description, dataset.base_iri)
        response = Response(_page(page, site), mimetype="text/html")
    elif chosen == HTML and graph is not None:
        page_html = render_template(
            "graph.html",
            iri=iri,
            triples=graph[0],
            truncated=graph[1],
            view=lambda term: term_view(term, site),
            href=site.page_link,
        )
        response = Response(page_html, mimetype="text/html")
    else:
        assert isinstance(chosen, RdfFormat)
        triples = description.triples() if description else graph[0] if graph else []
        response = rdf_response(triples, chosen, Iris(dataset.base_iri).prefixes())
        truncated = description.truncated if description else bool(graph and graph[1])
        if truncated:
            response.headers["X-Result-Truncated"] = "true"
    response.headers["Link"] = link_header(site.page_link(iri))
    if forced is None:
        response.vary.add("Accept")
    return cached(response, dataset.info, request)


@bp.route("/wikidata/<qid>")
def wikidata(qid: str) -> Response:
    if not _QID.fullmatch(qid):
        raise NotFound(f"{clipped(qid)!r} is not a Wikidata item id", fix="use an id like Q212")
    with context.holder().use() as dataset:
        node = entity_for_qid(dataset.store, qid, dataset.base_iri)
        base = dataset.base_iri
    if node is None:
        raise NotFound(f"no entity here is linked to wd:{qid}")
    return cast(Response, redirect(Site(base, request.script_root).page_link(node.value), code=303))


@bp.route("/<path:path>", methods=["GET", "HEAD"])
def resource(path: str) -> Response:
    with context.holder().use() as dataset:
        found = resolve(dataset.store, dataset.base_iri, path, raw_path(request))
        if found is None:
            raise NotFound(f"/{clipped(path)} is not a resource of this dataset")
        return serve(dataset, found.iri, HTML if found.forced == HTML_EXTENSION else found.forced)
