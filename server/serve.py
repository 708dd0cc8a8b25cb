"""``kg serve``: the app under the server ``settings.server`` names, or Flask's with ``debug``."""

from __future__ import annotations

from pathlib import Path

from kg.settings import Settings


def serve(directory: Path, settings: Settings, *, debug: bool = False) -> None:
    """Serve ``directory`` on ``settings.host:settings.port`` until interrupted."""
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
