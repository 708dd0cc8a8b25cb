"""The app's dataset holder and settings, for route functions (and only them) to ask for.

``create_app`` puts both in ``app.extensions``; a route function calls :func:`holder` or
:func:`settings` while it handles a request, so routes can be module-level functions and no
request-global object is read anywhere else.
"""

from __future__ import annotations

from flask import Flask, current_app

from kg.settings import Settings
from server.dataset import DatasetHolder

HOLDER = "newskg"
SETTINGS = "newskg.settings"


def install(app: Flask, holder_: DatasetHolder, settings_: Settings) -> None:
    app.extensions[HOLDER] = holder_
    app.extensions[SETTINGS] = settings_


def holder() -> DatasetHolder:
    found: DatasetHolder = current_app.extensions[HOLDER]
    return found


def settings() -> Settings:
    found: Settings = current_app.extensions[SETTINGS]
    return found
