"""A common noun tied to a name says what kind of organisation it is (kind_nouns.tsv)."""

from __future__ import annotations

from typing import Any

import pytest

from kg.extract import Extractor
from kg.extract.entities import find_entities
from kg.extract.lexicon import load_lexicon
from kg.model import ENTITY_CLASSES, Entity


@pytest.fixture
def extract(extractor: Extractor) -> Any:
    def run(text: str) -> tuple[Entity, ...]:
        entities, _ = find_entities(
            extractor.nlp(text), extractor.gazetteer, extractor.tables.lexicon
        )
        return entities

    return run


def cls_of(entities: tuple[Entity, ...], anchor: str) -> str:
    found = [e.cls for e in entities if any(m.anchor == anchor for m in e.mentions)]
    assert len(found) == 1, f"{anchor!r}: {[(e.name, e.cls) for e in entities]}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "anchor", "cls"),
    [
        ("The Belarusian news agency Veltra reported that the talks went well.", "Veltra",
         "NewsOrganisation"),
        ("Veltra, the state news agency, said the talks went well.", "Veltra",
         "NewsOrganisation"),
        ("The German newspaper Morgenblatt wrote that the plant had closed.", "Morgenblatt",
         "NewsOrganisation"),
        ("The state nuclear company Atomprom said the reactor was shut.", "Atomprom", "Company"),
        ("The Russian mercenary group Wolfram left the town.", "Wolfram", "ArmedForces"),
    ],
)  # fmt: skip
def test_extract_kinds_a_noun_beside_a_name_says_its_class(
    extract: Any, text: str, anchor: str, cls: str
) -> None:
    assert cls_of(extract(text), anchor) == cls


def test_extract_kinds_a_noun_not_tied_to_the_name_says_nothing(extract: Any) -> None:
    entities = extract("The company Elon Musk founded denied the report.")
    assert cls_of(entities, "Elon Musk") == "Person"


def test_extract_kinds_data_names_known_classes() -> None:
    kinds = load_lexicon().kind_nouns
    assert kinds[("news", "agency")] == "NewsOrganisation"
    assert set(kinds.values()) <= set(ENTITY_CLASSES)


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("KURSK, 14 February (Veltra) – Talks on the plant went on.", "Veltra"),
        ("Some text.\n\nKYIV, Ukraine (AP) — Shelling went on overnight.", "AP"),
    ],
)
def test_extract_kinds_the_name_in_a_dateline_is_a_news_organisation(
    extract: Any, text: str, anchor: str
) -> None:
    assert cls_of(extract(text), anchor) == "NewsOrganisation"


def test_extract_kinds_brackets_outside_a_dateline_say_nothing(extract: Any) -> None:
    entities = extract("The talks (Veltra said) went on in Kursk, officials said.")
    assert all(e.cls != "NewsOrganisation" for e in entities)


@pytest.mark.parametrize(
    ("text", "anchor", "cls"),
    [
        ("Two officials told the Morning Ledger Group that the plant was safe.",
         "Morning Ledger Group", "NewsOrganisation"),
        ("Two officials met the Morning Ledger Group on Monday.", "Morning Ledger Group",
         "Organisation"),
    ],
)  # fmt: skip
def test_extract_kinds_an_organisation_in_a_news_role(
    extract: Any, text: str, anchor: str, cls: str
) -> None:
    """Told something, an unknown organisation is a news organisation; met, it stays one."""
    assert cls_of(extract(text), anchor) == cls


def test_extract_kinds_news_roles_on_the_parse(nlp: Any) -> None:
    from kg.extract.kinds import in_news_role

    def role(text: str, start: int, end: int) -> bool:
        return in_news_role(nlp(text)[start:end])

    assert role("He told Zorba that the plant was safe.", 2, 3)
    assert role("A Zorba correspondent saw the convoy.", 1, 2)
    assert not role("A Zorba engineer saw the convoy.", 1, 2)
    assert not role("He met Zorba at the plant.", 2, 3)
