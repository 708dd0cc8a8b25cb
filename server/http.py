"""HTTP behaviour shared by every route: caching validators, gzip, CORS, security headers, the
request-target cap and the host every link and redirect is built from.

Links and redirects (werkzeug's own, such as ``/dumps`` -> ``/dumps/``, and ``url_for`` with
``_external``) are built from the configured base IRI, never from the client's ``Host`` header:
the app sees the base IRI's host and scheme whatever the client sent. HTML pages carry a
Content-Security-Policy that allows only this server's own scripts, styles and requests.

Everything the server answers from a build depends only on that build and on the request, so a
validator is the dataset hash plus the request (path, query string, Accept); it is weak because
the body may be gzipped. Last-Modified is when the build finished. A client revalidating gets 304
without the query running again.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import flask
from flask import Flask, Request, Response
from werkzeug.http import http_date

from kg.dataset.info import BuildInfo
from kg.errors import UriTooLong
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
_CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", EXPOSED),
)


#: What an HTML page may load and run: only this server's own scripts and requests; inline
#: styles (the query editor sets some); no plugins, frames, or forms posted elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
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


_CACHE_CONTROL = f"public, max-age={MAX_AGE}"


@functools.lru_cache(maxsize=64)
def _http_date(moment: datetime) -> str:
    return http_date(moment)


def validated(response: Response, info: BuildInfo, etag: str) -> Response:
    """Add the validators and Cache-Control a response from a build carries (written as plain
    headers: werkzeug's cache-control object costs more than the lookup it describes)."""
    headers = response.headers
    headers["ETag"] = f'W/"{etag}"'
    if info.finished is not None:
        headers["Last-Modified"] = _http_date(info.finished)
    headers["Cache-Control"] = _CACHE_CONTROL
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
    response.headers.extend(_CORS_HEADERS)  # no view sets these: appended, not searched for
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        asked = request.headers.get("Access-Control-Request-Headers")
        response.headers["Access-Control-Allow-Headers"] = (
            asked or "Accept, Content-Type, If-None-Match, If-Modified-Since"
        )
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _secure(response: Response) -> Response:
    response.headers.extend(SECURITY_HEADERS)
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def _target_length(request: Request) -> int:
    """Length of the request target as sent (the path and query string)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return len(raw)
    return len(request.environ.get("PATH_INFO", "")) + len(request.query_string) + 1


def _base_host(wsgi_app: Callable[..., Iterable[bytes]], base_iri: str) -> Callable[..., Any]:
    """The app as seen with the base IRI's host and scheme, whatever ``Host`` the client sent."""
    parts = urlsplit(base_iri)

    def pinned(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ["HTTP_HOST"] = parts.netloc
        environ["wsgi.url_scheme"] = parts.scheme
        return wsgi_app(environ, start_response)

    return pinned


def install(app: Flask, settings: Settings) -> None:
    """Register the hooks: the request-target cap (414) before; gzip, CORS (when
    ``settings.cors``), security headers and no-store on errors after; links from the base IRI."""
    app.wsgi_app = _base_host(app.wsgi_app, settings.base_iri)  # type: ignore[method-assign]

    @app.before_request
    def limit_target() -> None:
        length = _target_length(flask.request)
        if length > settings.max_url_bytes:
            raise UriTooLong(
                f"the request target is {length:,} bytes long; at most "
                f"{settings.max_url_bytes:,} are accepted",
                fix="POST long queries (application/sparql-query)",
            )

    @app.after_request
    def finish(response: Response) -> Response:
        request = flask.request
        response = _gzip(response, request)
        if settings.cors:
            response = _cors(response, request)
        if response.status_code >= 400:
            response.cache_control.no_store = True
        return _secure(response)
