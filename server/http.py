"""HTTP behaviour shared by every route: caching validators, gzip, CORS.

Everything the server answers from a build depends only on that build and on the request, so a
validator is the dataset hash plus the request (path, query string, Accept); it is weak because
the body may be gzipped. Last-Modified is when the build finished. A client revalidating gets 304
without the query running again.
"""

from __future__ import annotations

import gzip
import hashlib

import flask
from flask import Flask, Request, Response

from kg.dataset.info import BuildInfo
from kg.settings import Settings

#: Seconds a response from a build may be reused before revalidation.
MAX_AGE = 300
STATIC_MAX_AGE = 86_400
GZIP_MIN_BYTES = 1024
GZIP_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/sparql-results",
    "application/ld+json",
    "application/n-triples",
    "application/n-quads",
    "application/rdf+xml",
    "application/xml",
)
EXPOSED = (
    "ETag, Last-Modified, Link, Content-Location, Retry-After, X-Result-Limit, "
    "X-Result-Truncated, X-Result-Rows, X-Query-Seconds"
)


def etag_for(info: BuildInfo, request: Request, *extra: str) -> str:
    """A validator for this request on this build (no ``W/``: werkzeug adds it)."""
    digest = hashlib.sha256()
    for part in (
        info.dataset_hash,
        request.path,
        request.query_string.decode("latin-1"),
        request.headers.get("Accept", ""),
        *extra,
    ):
        digest.update(part.encode("utf-8", "replace") + b"\x1f")
    return digest.hexdigest()[:32]


def is_fresh(info: BuildInfo, request: Request, etag: str) -> bool:
    """Whether the client's copy is current (If-None-Match wins over If-Modified-Since)."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and info.finished is not None and info.finished <= since


def validated(response: Response, info: BuildInfo, etag: str) -> Response:
    """Add the validators and Cache-Control a response from a build carries."""
    response.set_etag(etag, weak=True)
    if info.finished is not None:
        response.last_modified = info.finished
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


def not_modified(info: BuildInfo, etag: str) -> Response:
    return validated(Response(status=304), info, etag)


def cached(response: Response, info: BuildInfo, request: Request) -> Response:
    """Validators for a response already built; 304 when the client's copy is current."""
    etag = etag_for(info, request)
    if response.status_code == 200 and request.method in ("GET", "HEAD"):
        if is_fresh(info, request, etag):
            return not_modified(info, etag)
        return validated(response, info, etag)
    return response


def _gzip(response: Response, request: Request) -> Response:
    if (
        response.direct_passthrough
        or response.status_code != 200
        or "Content-Encoding" in response.headers
        or not request.accept_encodings["gzip"]
        or not (response.mimetype or "").startswith(GZIP_TYPES)
    ):
        return response
    data = response.get_data()
    if len(data) < GZIP_MIN_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def _cors(response: Response, request: Request) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        asked = request.headers.get("Access-Control-Request-Headers")
        response.headers["Access-Control-Allow-Headers"] = (
            asked or "Accept, Content-Type, If-None-Match, If-Modified-Since"
        )
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def install(app: Flask, settings: Settings) -> None:
    """Register the after-request hook: gzip, CORS (when ``settings.cors``), no-store on errors."""

    @app.after_request
    def finish(response: Response) -> Response:
        request = flask.request
        response = _gzip(response, request)
        if settings.cors:
            response = _cors(response, request)
        if response.status_code >= 400:
            response.cache_control.no_store = True
        return response
