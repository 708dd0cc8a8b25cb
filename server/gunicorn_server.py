"""Run the app under gunicorn (``KG_SERVER=gunicorn``), the server ``kg serve`` used before granian.

gunicorn's ``gthread`` worker gives each of ``settings.workers`` processes
``settings.threads`` threads, so a request waiting for a slow query holds one thread, not a
process. Each worker builds its own app after the fork (no ``preload_app``), so its query workers
and store handles are its own.

Kept as an option, with known limits granian does not have (README, "The server"): a thread
reads each request, so clients that send half a request (slowloris) or stop reading a download
hold threads; the request line is read whole before the app can refuse it (414).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

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


def run_gunicorn(directory: Path, settings: Settings) -> None:
    """Serve ``directory`` with gunicorn until interrupted."""
    _Application(directory, settings).run()
