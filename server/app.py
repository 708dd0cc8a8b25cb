"""The application factory: blueprints, error handler and HTTP hooks around one dataset holder."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from kg.settings import Settings
from server import context, errors, http
from server.dataset import DatasetHolder
from server.views import browse, linked_data, site, sparql


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
    context.install(app, DatasetHolder(Path(directory), settings), settings)
    app.register_blueprint(site.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(linked_data.bp)
    errors.install(app)
    http.install(app, settings)
    return app
