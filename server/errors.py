"""The one place errors become responses: JSON for programs, HTML for browsers.

Every :class:`KgError` carries its HTTP status; werkzeug's own HTTP errors (404 of an unknown
route, 405, 413 from the body cap) are shown the same way; anything else is a 500 that says
nothing about the server's insides (the traceback goes to the log).
"""

from __future__ import annotations

import logging

import flask
from flask import Flask, Response, render_template
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from kg.errors import KgError, PayloadTooLarge
from kg.sparql.negotiation import best_offer

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def wants_html(accept: str | None) -> bool:
    """Browsers prefer HTML; scripts (``*/*``, JSON, SPARQL formats) get JSON."""
    return best_offer(accept, ["application/json", "text/html"], lambda _: None) == "text/html"


def render(error: KgError) -> Response:
    body = error.as_dict()
    if wants_html(flask.request.headers.get("Accept")):
        response = Response(render_template("error.html", error=body), mimetype="text/html")
    else:
        response = flask.jsonify(body)
    response.status_code = error.status
    if error.status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def install(app: Flask) -> None:
    @app.errorhandler(KgError)
    def kg_error(error: KgError) -> Response:
        return render(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if isinstance(error, RequestEntityTooLarge):
            limit = app.config.get("MAX_CONTENT_LENGTH")
            length = flask.request.content_length
            if limit is not None and length is not None and length <= limit:
                # Not the body's size: werkzeug refused a form with too many parts or too
                # large a field (max_form_parts, max_form_memory_size).
                return render(
                    PayloadTooLarge(
                        "the form has too many parts or too large a field",
                        why=error.description or "",
                        fix="send the query as application/sparql-query, or as a form with "
                        "only the query parameters",
                    )
                )
            return render(
                PayloadTooLarge(
                    f"the request body is larger than {limit} bytes",
                    fix="send a shorter query, or download a dump and query it locally",
                )
            )
        wrapped = KgError(error.name, why=error.description or "")
        wrapped.status = error.code or 500
        response = render(wrapped)
        if error.code == 405 and (allowed := error.get_response().headers.get("Allow")):
            response.headers["Allow"] = allowed
        if error.code == 416 and (size := error.get_response().headers.get("Content-Range")):
            response.headers["Content-Range"] = size  # bytes */<length> (RFC 9110 15.5.17)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unexpected error", exc_info=error)
        return render(
            KgError(
                "internal server error",
                why="something failed that should not have; it has been logged",
            )
        )
