"""The words around a place name: its level (region or town), a head shared by coordinated
names, a time the NER took into a name, a name inside a longer one."""

from __future__ import annotations

from typing import Any

import pytest

from kg.extract import Extractor
from kg.extract.candidates import Candidate
from kg.extract.entities import find_entities
from kg.extract.levels import with_levels
from kg.model import Entity


@pytest.fixture
def extract(extractor: Extractor) -> Any:
    def run(text: str) -> tuple[Entity, ...]:
        entities, _ = find_entities(
            extractor.nlp(text), extractor.gazetteer, extractor.tables.lexicon
        )
        return entities

    return run


def named(entities: tuple[Entity, ...], anchor: str) -> Entity:
    found = [e for e in entities if any(m.anchor == anchor for m in e.mentions)]
    assert len(found) == 1, f"{anchor!r}: {[(e.name, e.cls) for e in entities]}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "anchor", "name", "level"),
    [
        ("Shelling hit the Kursk region overnight.", "Kursk", "Kursk region", "region"),
        ("Shelling hit the Kyiv and Kursk regions.", "Kyiv", "Kyiv region", "region"),
        ("Ukrainian troops left Kursk Oblast in April.", "Kursk Oblast", "Kursk Oblast", "region"),
        ("Drones flew over the city of Kursk.", "Kursk", "Kursk", "town"),
        ("Drones hit Kursk overnight.", "Kursk", "Kursk", ""),
        (
            "The wounded were flown to a clinic in Kursk, Russia, on Monday.",
            "Kursk",
            "Kursk",
            "town",
        ),
        ("Drones hit Kursk, Belgorod and Bryansk.", "Kursk", "Kursk", ""),
    ],
)
def test_extract_levels_from_the_words_around(
    extract: Any, text: str, anchor: str, name: str, level: str
) -> None:
    found = named(extract(text), anchor)
    assert (found.name, found.level) == (name, level)


@pytest.mark.parametrize(
    ("text", "end", "name", "level"),
    [
        ("Troops left Kursk Oblast in April.", 4, "Kursk Oblast", "region"),
        ("The Kursk Region Military Administration said so.", 2, "Kursk", ""),
    ],
)
def test_extract_levels_a_capitalised_region_word_joins_the_name(
    nlp: Any, text: str, end: int, name: str, level: str
) -> None:
    doc = nlp(text)
    start = next(t.i for t in doc if t.text == "Kursk")
    (found,) = with_levels(doc, [Candidate(start, start + 1, "Place", "Kursk", 0)])
    assert (found.end, found.name, found.level) == (end, name, level)


def test_extract_coordinated_names_share_a_capitalised_plural_head(extract: Any) -> None:
    entities = extract("Separatists declared the Kursk and Luhansk People's Republics.")
    first = named(entities, "Kursk")
    assert (first.name, first.cls) == ("Kursk People's Republic", "Place")
    assert first.aliases == ()  # "Kursk" alone is not a name of the republic
    second = named(entities, "Luhansk People's Republics")
    assert (second.name, second.cls) == ("Luhansk People's Republic", "Place")


def test_extract_a_time_the_ner_took_into_a_name_is_cut(extract: Any) -> None:
    entities = extract("Russia recognised the Donetsk People's Republic on Monday.")
    assert named(entities, "Donetsk People's Republic").cls == "Place"


def test_extract_a_gazetteer_name_inside_a_longer_name_is_not_taken(extract: Any) -> None:
    # a person whose surname is a town's name
    entities = extract("Olek Kursk, the striker, scored twice on Sunday.")
    assert all(e.name != "Kursk" for e in entities)


@pytest.mark.parametrize(
    "text",
    [
        "The trial took place in The Hague, Netherlands\n\nLviv was shelled again overnight.",
        "Russia fired missiles called Kindżały\n\nUntil now they were rare.",
    ],
)
def test_extract_no_name_runs_across_a_line_break(extract: Any, text: str) -> None:
    entities = extract(text)
    assert entities
    assert all("\n" not in m.anchor for e in entities for m in e.mentions)
