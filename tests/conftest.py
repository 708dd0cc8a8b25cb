"""Shared fixtures: the spaCy model, the word lists and the extractors, loaded once a session.

``nlp`` is a bare model for tests that parse sentences themselves; ``extractor`` has the rulers
of the small hand-made gazetteer (``gazetteer``), ``bundled_extractor`` those of the committed
one. Each extractor owns its model, so no test changes what another sees.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.extract import Extractor, load_extractor
from kg.extract.tables import Tables, load_tables
from kg.gazetteer.table import Gazetteer, GazetteerEntry, load_gazetteer
from kg.shacl.validate import Validator

ROOT = Path(__file__).resolve().parent.parent
UNIT_GAZETTEER = Path(__file__).parent / "data" / "devset" / "unit_gazetteer.json"


@pytest.fixture(scope="session")
def nlp() -> Any:
    from kg.extract.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def tables() -> Tables:
    return load_tables()


@pytest.fixture(scope="session")
def extractor(gazetteer: Gazetteer, tables: Tables) -> Extractor:
    return load_extractor(gazetteer, tables=tables)


@pytest.fixture(scope="session")
def bundled_gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="session")
def bundled_extractor(bundled_gazetteer: Gazetteer, tables: Tables) -> Extractor:
    return load_extractor(bundled_gazetteer, tables=tables)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(ROOT / "shapes" / "newskg.ttl", ROOT / "ontology" / "newskg.ttl")


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
    capitals = dict(data["capitals"])
    return Gazetteer(entries, data["demonyms"], groups, capitals=capitals)
