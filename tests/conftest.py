"""Shared fixtures. The spaCy model is loaded once per test session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.gazetteer.table import Gazetteer, GazetteerEntry

UNIT_GAZETTEER = Path(__file__).parent / "data" / "devset" / "unit_gazetteer.json"


@pytest.fixture(scope="session")
def nlp() -> Any:
    from kg.extract.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """A small hand-made gazetteer with real QIDs, so extraction tests do not depend on the
    bundled one changing."""
    data = json.loads(UNIT_GAZETTEER.read_text("utf-8"))
    entries = [
        GazetteerEntry(
            e["qid"], e["label"], tuple(e["aliases"]), e["cls"], e["country"], e["source"],
            e["prominence"],
        )
        for e in data["entries"]
    ]  # fmt: skip
    groups = {(country, kind): qid for country, kind, qid in data["groups"]}
    return Gazetteer(entries, data["demonyms"], groups)
