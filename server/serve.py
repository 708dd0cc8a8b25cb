"""``kg serve``: the app under the server ``settings.server`` names, or Flask's with ``debug``."""

from __future__ import annotations

from pathlib import Path

from kg.dataset.info import read_build_info, served_base_iri
from kg.errors import DatasetError
from kg.settings import Settings


def check_base_iri(directory: Path, settings: Settings) -> None:
    """Refuse to start when a base IRI was given that is not the build's own (SettingsError,
    which says both); without a build yet, the server checks each build as it opens it."""
    try:
        info = read_build_info(directory)
    except DatasetError:
        return
    served_base_iri(info, settings)


def serve(directory: Path, settings: Settings, *, debug: bool = False) -> None:
    """Serve ``directory`` on ``settings.host:settings.port`` until interrupted, under the base
    IRI the build was made with (``build-report.json``)."""
    check_base_iri(directory, settings)
    if debug:
        from server.app import create_app

        app = create_app(settings, directory)
        app.run(host=settings.host, port=settings.port, debug=True, threaded=True)
    elif settings.server == "gunicorn":
        from server.gunicorn_server import run_gunicorn

        run_gunicorn(directory, settings)
    else:
        from server.granian_server import run_granian

        run_granian(directory, settings)
