"""Run the app under gunicorn, in-process (``kg serve``), or under Flask's server with --debug.

gunicorn's ``gthread`` worker gives each of ``settings.workers`` processes
``settings.threads`` threads, so a request waiting for a slow query holds one thread, not a
process. Each worker builds its own app after the fork (no ``preload_app``), so its query workers
and store handles are its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.dataset.info import read_build_info, served_base_iri
from kg.errors import DatasetError
from kg.settings import Settings

#: Seconds gunicorn waits for a silent worker; above the query timeout so slow queries survive.
GRACE_SECONDS = 30


class _Application(BaseApplication):  # type: ignore[misc]
    def __init__(self, directory: Path, settings: Settings) -> None:
        self.directory = directory
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options: dict[str, Any] = {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            "threads": s.threads,
            "worker_class": "gthread",
            "timeout": int(s.query_timeout) + GRACE_SECONDS,
            "graceful_timeout": 10,
            # Long GET queries: the protocol's own cap (max_body_bytes) is checked by the app.
            "limit_request_line": 0,
            "accesslog": "-",
            "proc_name": "newskg",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from server.app import create_app

        return create_app(self.settings, self.directory)


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
        return
    _Application(directory, settings).run()
