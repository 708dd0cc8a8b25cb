"""The web server: a thin Flask layer over kg (routes parse the request, call kg, shape the
response). ``create_app`` builds it; ``serve`` runs it under gunicorn (or Flask's development
server with ``debug``)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from kg.settings import Settings
from server import errors, http
from server.dataset import DatasetHolder
from server.views import linked_data, site, sparql

__all__ = ["create_app", "serve"]


def create_app(settings: Settings, directory: Path) -> Flask:
    """A server for the build in ``directory`` (usually the ``dist`` symlink).

    The build is opened on the first request and reopened whenever ``directory`` points at a new
    one; the app starts even before any build exists (its pages then answer 503).
    """
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SEND_FILE_MAX_AGE_DEFAULT=http.STATIC_MAX_AGE,
        JSON_SORT_KEYS=False,
    )
    holder = DatasetHolder(Path(directory), settings)
    app.extensions["newskg"] = holder
    app.register_blueprint(site.blueprint(holder, settings))
    app.register_blueprint(sparql.blueprint(holder, settings))
    app.register_blueprint(linked_data.blueprint(holder, settings))
    errors.install(app)
    http.install(app, settings)
    return app


def serve(directory: Path, settings: Settings, *, debug: bool = False) -> None:
    """Serve ``directory`` on ``settings.host:settings.port`` until interrupted."""
    from server.gunicorn import run

    run(directory, settings, debug=debug)
