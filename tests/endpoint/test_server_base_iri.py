"""``kg serve`` serves a build under the base IRI it was built with; a different one given by
flag or KG_BASE_IRI is an error that names both."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from kg.cli import main
from kg.errors import SettingsError
from kg.settings import Settings
from server.serve import check_base_iri
from server.testing import write_build

OTHER = "https://data.example.org/newskg/"
FIXTURE = Path(__file__).with_name("fixture.trig")


@pytest.fixture(scope="module")
def other_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture's data minted under another base, and a report that says so."""
    out = tmp_path_factory.mktemp("other") / "dist"
    data = FIXTURE.read_bytes().replace(b"http://kg.test/", OTHER.encode())
    write_build(out, data, base_iri=OTHER)
    return out


def test_server_base_iri_comes_from_the_build(
    other_dist: Path, make_app: Callable[..., Flask]
) -> None:
    settings = Settings.load(environ={})  # the default base, not given: the build's is used
    app = make_app(other_dist, base_iri=settings.base_iri)
    client = app.test_client()
    page = client.get("/id/entity/zaporizhzhia-npp-bbbbbbbbbbbb", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f"<code>{OTHER}id/entity/zaporizhzhia-npp-bbbbbbbbbbbb</code>" in page.get_data(
        as_text=True
    )
    assert client.get("/id/event/dddddddddddd.ttl").status_code == 200
    assert client.get("/wikidata/Q1642").headers["Location"] == (
        "/id/entity/zaporizhzhia-npp-bbbbbbbbbbbb"
    )


@pytest.mark.parametrize("source", ["flag", "environment"])
def test_server_base_iri_that_disagrees_with_the_build_is_an_error(
    other_dist: Path, source: str
) -> None:
    if source == "flag":
        settings = Settings.load(environ={}, base_iri="http://127.0.0.1:8000/")
    else:
        settings = Settings.load(environ={"KG_BASE_IRI": "http://127.0.0.1:8000/"})
    with pytest.raises(SettingsError) as raised:
        check_base_iri(other_dist, settings)
    message = str(raised.value)
    assert "http://127.0.0.1:8000/" in message
    assert OTHER in message
    assert "--base-iri" in message
    check_base_iri(other_dist, Settings.load(environ={}, base_iri=OTHER))  # agreeing: fine
    check_base_iri(other_dist.parent / "nothing-yet", settings)  # no build yet: checked later


def test_server_base_iri_kg_serve_refuses_a_disagreeing_flag(other_dist: Path) -> None:
    result = CliRunner().invoke(
        main, ["serve", str(other_dist), "--base-iri", "http://127.0.0.1:8000/"]
    )
    assert result.exit_code == 2
    assert "is not the one" in result.output
