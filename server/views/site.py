"""The pages around the data: landing page, dumps, ontology, shapes, VoID, health and version.

Each page is also an API: the landing page and the dump list answer JSON to clients that prefer
it, and the RDF documents (ontology, shapes, VoID) are Turtle, JSON-LD, N-Triples or RDF/XML by
Accept, HTML for browsers.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import flask
import pyoxigraph
from flask import Blueprint, Response, render_template, request
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple
from werkzeug.http import parse_range_header
from werkzeug.utils import send_file

from kg import __version__
from kg.dataset.info import BuildInfo, published_file, published_files
from kg.dataset.ontology_doc import ontology_html
from kg.errors import DatasetError, KgError, NotFound, clipped
from kg.sparql.negotiation import GRAPH_FORMATS, HTML, best_offer, format_from_name, negotiate
from kg.vocab import DCT, RDF, VOID
from server import context
from server.dataset import Dataset
from server.examples import EXAMPLES
from server.http import cached
from server.rendering import rdf_body, turtle_as

JSON = "application/json"
TITLE = "newskg"
SUMMARY = (
    "Persons, organisations, places and facilities, and the military actions (seizures, "
    "occupations, withdrawals, shelling, looting, evacuations ...) that English news articles "
    "report, linked to Wikidata and validated with SHACL. Every fact points to the article and "
    "the exact characters it came from."
)


def prefers_json(accept: str | None) -> bool:
    return best_offer(accept, [HTML, JSON], lambda _: None) == JSON


def _ontology_html(path: Path) -> str | None:
    """The ontology's HTML documentation, generated from its Turtle."""
    return ontology_html(path)


def _minimal_void(info: BuildInfo, base_iri: str, host: str) -> bytes:
    """A VoID description for a build without ``void.ttl``: endpoint, dumps and URI space."""
    dataset = NamedNode(base_iri + "dataset")
    triples = [
        Triple(dataset, RDF.type, VOID.Dataset),
        Triple(dataset, DCT.title, Literal(TITLE)),
        Triple(dataset, DCT.description, Literal(SUMMARY, language="en")),
        Triple(dataset, VOID.sparqlEndpoint, NamedNode(host + "sparql")),
        Triple(dataset, VOID.uriSpace, Literal(base_iri + "id/")),
    ]
    for name in ("kg.nq.gz", "kg.ttl.gz"):
        if (info.path / name).is_file():
            triples.append(Triple(dataset, VOID.dataDump, NamedNode(f"{host}dumps/{name}")))
    return rdf_body(triples, RdfFormat.TURTLE)


def _download_type(name: str) -> str:
    """The media type of a published file (werkzeug adds ``charset=utf-8`` to text types)."""
    if name.endswith(".gz"):
        return "application/gzip"
    if name.endswith(".json"):
        return JSON  # build-report.json is plain JSON, not JSON-LD
    rdf = RdfFormat.from_extension(name.rpartition(".")[2]) if "." in name else None
    if rdf is not None:
        return rdf.media_type
    return "text/plain"


def _ranged_environ(environ: dict[str, Any]) -> dict[str, Any]:
    """The request's environ without a Range header that asks for more than one range or does
    not parse: RFC 9110 (14.2) lets a server ignore Range, and the whole file (200) serves such
    a client better than 416, which werkzeug would send. One well-formed range is kept (206,
    or 416 when it starts past the end)."""
    header = environ.get("HTTP_RANGE")
    if header is None:
        return environ
    parsed = parse_range_header(header)
    if parsed is not None and parsed.units == "bytes" and len(parsed.ranges) == 1:
        return environ
    return {k: v for k, v in environ.items() if k != "HTTP_RANGE"}


bp = Blueprint("site", __name__)


def document(
    dataset: Dataset,
    data: bytes,
    title: str,
    html: Callable[[], str | None] = lambda: None,
) -> Response:
    """An RDF document (Turtle on disk) by Accept; HTML shows ``html()`` or the Turtle."""
    named = request.args.get("format")
    chosen = (format_from_name(GRAPH_FORMATS, named) if named else None) or negotiate(
        GRAPH_FORMATS, request.headers.get("Accept"), extra=(HTML,)
    )
    if chosen == HTML:
        page = render_template(
            "document.html", title=title, html=html(), turtle=data.decode("utf-8")
        )
        response = Response(page, mimetype="text/html")
    else:
        assert isinstance(chosen, RdfFormat)
        response = Response(turtle_as(data, chosen), content_type=chosen.media_type)
    response.vary.add("Accept")
    return cached(response, dataset.info, request)


def source(dataset: Dataset, name: str, fallback: Path) -> Path:
    published = dataset.info.path / name
    path = published if published.is_file() else fallback
    if not path.is_file():
        raise NotFound(f"this build publishes no {name}", why=f"{fallback} does not exist")
    return path


@bp.route("/")
def index() -> Response:
    with context.holder().use() as dataset:
        counts = dataset.counts()
        info = dataset.info
        links = {
            "sparql": "sparql",
            "dumps": "dumps/",
            "ontology": "ontology",
            "shapes": "shapes",
            "void": "void",
        }
        if prefers_json(request.headers.get("Accept")):
            response = flask.jsonify(
                {
                    "title": TITLE,
                    "description": SUMMARY,
                    "build": info.build_id,
                    "finished": info.report.get("finished"),
                    "dataset_hash": info.dataset_hash,
                    "counts": counts.__dict__ if counts else None,
                    "links": {k: request.host_url + v for k, v in links.items()},
                    "examples": [e.__dict__ for e in EXAMPLES],
                }
            )
        else:
            page = render_template(
                "index.html",
                title=TITLE,
                summary=SUMMARY,
                counts=counts,
                info=info,
                examples=EXAMPLES,
                settings=context.settings(),
            )
            response = Response(page, mimetype="text/html")
        response.vary.add("Accept")
        return cached(response, info, request)


@bp.route("/ontology")
def ontology() -> Response:
    with context.holder().use() as dataset:
        path = source(dataset, "ontology.ttl", context.settings().ontology_path)
        return document(dataset, path.read_bytes(), "Ontology", lambda: _ontology_html(path))


@bp.route("/shapes")
def shapes() -> Response:
    with context.holder().use() as dataset:
        path = source(dataset, "shapes.ttl", context.settings().shapes_path)
        return document(dataset, path.read_bytes(), "SHACL shapes")


@bp.route("/void")
def void() -> Response:
    with context.holder().use() as dataset:
        path = dataset.info.path / "void.ttl"
        data = (
            path.read_bytes()
            if path.is_file()
            else _minimal_void(dataset.info, dataset.base_iri, request.host_url)
        )
        return document(dataset, data, "VoID description")


@bp.route("/dumps/")
def dumps() -> Response:
    with context.holder().use() as dataset:
        files = published_files(dataset.info)
        if prefers_json(request.headers.get("Accept")):
            response = flask.jsonify(
                {
                    "build": dataset.info.build_id,
                    "files": [
                        {**f.__dict__, "url": request.host_url + "dumps/" + f.name} for f in files
                    ],
                }
            )
        else:
            page = render_template("dumps.html", files=files, info=dataset.info)
            response = Response(page, mimetype="text/html")
        response.vary.add("Accept")
        return cached(response, dataset.info, request)


@bp.route("/dumps/<path:name>")
def download(name: str) -> Response:
    with context.holder().use() as dataset:
        path = published_file(dataset.info, name)
        if path is None:
            raise NotFound(f"{clipped(name)!r} is not a published file", fix="see /dumps/")
        etag = dataset.info.checksums.get(name) or dataset.info.dataset_hash + name
        response = send_file(
            path,
            _ranged_environ(request.environ),
            mimetype=_download_type(name),
            conditional=True,
            etag=etag,
            download_name=name,
            max_age=300,
            response_class=Response,
        )
        return cast(Response, response)


@bp.route("/-/health")
def health() -> Response:
    with context.holder().use() as dataset:
        return flask.jsonify(
            {
                "status": "ok",
                "build": dataset.info.build_id,
                "dataset_hash": dataset.info.dataset_hash,
            }
        )


@bp.route("/-/version")
def version() -> Response:
    body: dict[str, Any] = {
        "newskg": __version__,
        "pyoxigraph": pyoxigraph.__version__,
        "python": platform.python_version(),
        "build": None,
    }
    try:
        with context.holder().use() as dataset:
            body.update(
                build=dataset.info.build_id,
                dataset_hash=dataset.info.dataset_hash,
                finished=dataset.info.report.get("finished"),
            )
    except (DatasetError, KgError) as exc:
        body["dataset_error"] = exc.what
    return flask.jsonify(body)
