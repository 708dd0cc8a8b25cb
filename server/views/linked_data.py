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
from pyoxigraph import NamedNode, RdfFormat, Store

from kg.dataset.resource import Description, describe, entity_for_qid, exists, graph_contents
from kg.errors import NotFound
from kg.settings import Settings
from kg.sparql.negotiation import HTML, negotiate
from server.dataset import DatasetHolder
from server.http import cached
from server.rendering import Site, compact, rdf_response, term_view

#: What a resource is offered as, besides HTML (the default).
LD_FORMATS = (RdfFormat.TURTLE, RdfFormat.JSON_LD, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML)
ALTERNATES = (RdfFormat.TURTLE, RdfFormat.JSON_LD, RdfFormat.N_TRIPLES)
_QID = re.compile(r"Q[1-9][0-9]*")
_PCHAR = "/-._~!$&'()*+,;=:@%"


def raw_path(req: Request) -> str:
    """The request path as sent (still percent-encoded), relative to the application root."""
    raw = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI") or quote(req.path)
    path = str(raw).split("?", 1)[0]
    if path.startswith(("http://", "https://")):
        path = "/" + path.split("/", 3)[-1]
    root = req.script_root
    return path[len(root) :].lstrip("/") if root and path.startswith(root) else path.lstrip("/")


def _candidates(base: str, decoded: str, raw: str) -> list[str]:
    """IRIs a path may stand for: as sent, as minted (kg.iris quotes ids), as decoded."""
    found: list[str] = []
    for path in (raw, quote(decoded, safe="/-._~"), quote(decoded, safe=_PCHAR), decoded):
        iri = base + path
        if iri not in found:
            found.append(iri)
    return found


def _existing(store: Store, iris: list[str]) -> str | None:
    """The first of ``iris`` the store knows, as a resource or as a named graph."""
    for iri in iris:
        try:
            if exists(store, iri) or store.contains_named_graph(NamedNode(iri)):
                return iri
        except ValueError:
            continue
    return None


def _page(description: Description, site: Site) -> str:
    labels = description.labels

    def view(term: object) -> object:
        return term_view(term, site, labels)

    return render_template(
        "resource.html",
        d=description,
        view=view,
        compact=compact,
        href=site.href,
        title=description.label or compact(description.iri.value),
    )


def blueprint(holder: DatasetHolder, settings: Settings) -> Blueprint:
    bp = Blueprint("linked_data", __name__)

    def serve(iri: str, forced: RdfFormat | str | None) -> Response:
        site = Site(settings.base_iri, request.script_root)
        with holder.use() as dataset:
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
                    href=site.href,
                )
                response = Response(page, mimetype="text/html")
            else:
                assert isinstance(chosen, RdfFormat)
                triples = description.triples() if description else graph[0] if graph else []
                response = rdf_response(triples, chosen)
                if graph is not None and graph[1]:
                    response.headers["X-Result-Truncated"] = "true"
            url = site.href(iri)
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
            raise NotFound(f"{qid!r} is not a Wikidata item id", fix="use an id like Q212")
        with holder.use() as dataset:
            node = entity_for_qid(dataset.store, qid, settings.base_iri)
        if node is None:
            raise NotFound(f"no entity here is linked to wd:{qid}")
        site = Site(settings.base_iri, request.script_root)
        return cast(Response, redirect(site.href(node.value), code=303))

    @bp.route("/<path:path>", methods=["GET", "HEAD"])
    def resource(path: str) -> Response:
        raw = raw_path(request)
        with holder.use() as dataset:
            found = _existing(dataset.store, _candidates(settings.base_iri, path, raw))
            forced: RdfFormat | str | None = None
            if found is None and "." in path.rsplit("/", 1)[-1]:
                stem, _, extension = path.rpartition(".")
                raw_stem = raw.rpartition(".")[0]
                forced = HTML if extension == "html" else RdfFormat.from_extension(extension)
                if forced in (HTML, *LD_FORMATS):
                    found = _existing(dataset.store, _candidates(settings.base_iri, stem, raw_stem))
        if found is None:
            raise NotFound(f"/{path} is not a resource of this dataset")
        return serve(found, forced)

    return bp
