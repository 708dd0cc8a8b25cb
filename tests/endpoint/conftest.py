"""Fixtures of the server tests: a tiny hand-written build (no spaCy), an app over it, a client.

The session app has small limits so limit tests are quick; tests that need other settings ask
``make_app`` for their own app (closed at the end of the test).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.settings import Settings
from server.app import create_app
from server.testing import write_build

FIXTURE = Path(__file__).with_name("fixture.trig")
BASE = "http://kg.test/"


def close_app(app: Flask) -> None:
    app.extensions["newskg"].close()


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "dist"
    write_build(out, FIXTURE.read_bytes())
    return out


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(base_iri=BASE, query_timeout=5.0, row_limit=1000, query_workers=2)


@pytest.fixture(scope="session")
def app(dist: Path, settings: Settings) -> Iterator[Flask]:
    application = create_app(settings, dist)
    application.config["TESTING"] = True
    yield application
    close_app(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_app(dist: Path) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def make(directory: Path | None = None, **overrides: Any) -> Flask:
        options: dict[str, Any] = {"base_iri": BASE, "query_workers": 1, **overrides}
        application = create_app(Settings(**options), directory or dist)
        application.config["TESTING"] = True
        made.append(application)
        return application

    yield make
    for application in made:
        close_app(application)
