"""The hand-labelled entity dev set: well-formed, and scored above a floor by the bench script."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kg.extract import Extractor
from kg.extract.entities import find_entities
from kg.model import ENTITY_CLASSES

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "tests" / "data" / "devset" / "entities.jsonl"
QID = re.compile(r"^Q[1-9][0-9]*$")


def load_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "eval_entities", ROOT / "bench" / "eval_entities.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def documents() -> list[dict[str, object]]:
    return [json.loads(line) for line in DEVSET.read_text("utf-8").splitlines() if line.strip()]


def test_extract_entities_devset_is_well_formed() -> None:
    docs = documents()
    assert 15 <= len(docs) <= 40
    assert len({d["id"] for d in docs}) == len(docs)
    for doc in docs:
        text = doc["text"]
        assert isinstance(text, str)
        assert isinstance(doc["entities"], list)
        previous_end = 0
        for entity in doc["entities"]:
            assert text[entity["begin"] : entity["end"]] == entity["text"]
            assert entity["cls"] in ENTITY_CLASSES
            assert entity["qid"] is None or QID.match(entity["qid"])
            assert entity["begin"] >= previous_end, f"overlapping gold spans in {doc['id']}"
            previous_end = entity["end"]


def test_extract_entities_devset_scoring_counts_exact_spans_and_classes() -> None:
    evaluation = load_eval()
    gold = [evaluation.GoldMention("d", 0, 5, "Kyiv.", "Place", "Q1899")]
    predicted = [
        evaluation.PredictedMention("d", 0, 5, "Kyiv.", "Country", "Q1899"),
        evaluation.PredictedMention("d", 7, 9, "UN", "InternationalOrganisation", None),
    ]
    scores = evaluation.score(gold, predicted, linked=True)
    assert scores.recall("span") == 1.0
    assert scores.precision("span") == 0.5
    assert scores.recall("strict") == 0.0
    assert scores.recall("core") == 1.0
    assert scores.links["right"] == 1


@pytest.mark.slow
def test_extract_entities_devset_scores_above_floor(bundled_extractor: Extractor) -> None:
    """The committed gazetteer is part of the checkout: if it cannot load, this fails."""
    evaluation = load_eval()
    docs = evaluation.read_devset(DEVSET)
    scores = evaluation.score(
        evaluation.gold_mentions(docs), evaluation.predict(docs, bundled_extractor), linked=False
    )
    assert scores.f1("span") >= 0.9
    assert scores.f1("strict") >= 0.8


@pytest.mark.slow
def test_extract_entities_bundled_gazetteer_gives_one_key_across_articles(
    bundled_extractor: Extractor,
) -> None:
    nlp, gazetteer = bundled_extractor.nlp, bundled_extractor.gazetteer
    lexicon = bundled_extractor.tables.lexicon
    first, _ = find_entities(
        nlp("Ukrainian soldiers guarded the Zaporizhzhia NPP."), gazetteer, lexicon
    )
    second, _ = find_entities(
        nlp("Ukraine's army said the Zaporizhia nuclear power plant lost power."),
        gazetteer,
        lexicon,
    )
    keys = [{(e.cls, e.key) for e in found} for found in (first, second)]
    assert ("ArmedForces", "armed forces of q212") in keys[0] & keys[1]
    plants = [{e.key for e in found if e.cls == "NuclearPowerPlant"} for found in (first, second)]
    assert plants[0] == plants[1]
    assert len(plants[0]) == 1
