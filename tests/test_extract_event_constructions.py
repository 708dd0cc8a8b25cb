"""Event constructions of real news, one test each, on sentences written for the tests: the
types an invasion or a battle needs, unnamed targets, events told through the verb of their
impact, nationality words as doers, and the cues that keep what did not happen apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from test_extract_events import entities

from kg.extract.events import find_events_and_actors
from kg.extract.tables import load_tables
from kg.gazetteer.table import Gazetteer
from kg.model import Entity

ANCHOR = datetime(2023, 11, 16, 9, 30, tzinfo=UTC)  # a Thursday
TABLES = load_tables()


@dataclass(frozen=True)
class Seen:
    type: str
    trigger: str
    agents: tuple[str, ...]
    targets: tuple[str, ...]
    locations: tuple[str, ...]
    date: tuple[date | None, date | None] | None
    factuality: str


def events_in(
    nlp: Any, gazetteer: Gazetteer, text: str, *spec: tuple[str, str]
) -> tuple[list[Seen], tuple[Entity, ...]]:
    final, _, events = find_events_and_actors(
        nlp(text), entities(text, *spec), ANCHOR, gazetteer=gazetteer, tables=TABLES,
        article_id="a1",
    )  # fmt: skip
    for entity in final:
        assert all(text[m.begin : m.end] == m.anchor for m in entity.mentions)

    def names(indices: tuple[int, ...]) -> tuple[str, ...]:
        return tuple(final[i].name for i in indices)

    seen = [
        Seen(
            e.type,
            e.trigger.anchor,
            names(e.agents),
            names(e.targets),
            names(e.locations),
            (e.time.earliest, e.time.latest) if e.time else None,
            e.factuality,
        )
        for e in events
    ]
    return seen, final


@pytest.mark.parametrize(
    ("text", "spec", "expected"),
    [
        ("Russian troops invaded Ukraine in 2022.", [("Ukraine", "Country")],
         ("Invasion", "invaded", ("Ukraine",))),
        ("The invasion of Ukraine began in February.", [("Ukraine", "Country")],
         ("Invasion", "invasion", ("Ukraine",))),
        ("The siege of Kursk lasted for months.", [("Kursk", "Place")],
         ("Siege", "siege", ("Kursk",))),
        ("Russia annexed Kursk in 2014.", [("Russia", "Country"), ("Kursk", "Place")],
         ("Annexation", "annexed", ("Kursk",))),
        ("Saboteurs sabotaged the Kursk pipeline.", [("Kursk pipeline", "Facility")],
         ("Sabotage", "sabotaged", ("Kursk pipeline",))),
        ("The battle for Kursk raged on.", [("Kursk", "Place")],
         ("Combat", "battle", ("Kursk",))),
    ],
)  # fmt: skip
def test_event_types_for_campaigns_battles_and_annexations(
    nlp: Any, gazetteer: Gazetteer, text: str, spec: list[tuple[str, str]], expected: Any
) -> None:
    seen, _ = events_in(nlp, gazetteer, text, *spec)
    event_type, trigger, targets = expected
    assert [(s.type, s.trigger, s.targets) for s in seen] == [(event_type, trigger, targets)]


def test_event_a_counter_offensive_is_one_word_and_its_nationality_the_doer(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    seen, _ = events_in(nlp, gazetteer, "The Ukrainian counter-offensive began in June.")
    (offensive,) = seen
    assert (offensive.type, offensive.trigger) == ("Offensive", "counter-offensive")
    assert offensive.agents == ("Armed Forces of Ukraine",)
    assert offensive.date == (date(2023, 6, 1), date(2023, 6, 30))


def test_event_an_unnamed_target_near_a_place(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "A Russian missile strike destroyed an ammunition depot near Kyiv on Monday."
    seen, final = events_in(nlp, gazetteer, text, ("Kyiv", "Place"))
    assert seen == [  # one occurrence: the strike; "destroyed" tells what it did
        Seen("Shelling", "missile strike", ("Russian Armed Forces",), ("ammunition depot",),
             ("Kyiv",), (date(2023, 11, 13), date(2023, 11, 13)), "asserted"),
    ]  # fmt: skip
    depot = next(e for e in final if e.name == "ammunition depot")
    assert (depot.cls, depot.named, depot.link) == ("Facility", False, None)
    assert "a1" in depot.key  # never the same entity as another article's depot


def test_event_unnamed_things_no_event_uses_are_not_kept(nlp: Any, gazetteer: Gazetteer) -> None:
    _, final = events_in(
        nlp, gazetteer, "The school in Kyiv reopened on Monday.", ("Kyiv", "Place")
    )
    assert [e.name for e in final] == ["Kyiv"]


@pytest.mark.parametrize(
    ("text", "trigger", "targets"),
    [
        ("Dozens of silos were destroyed by Russian bombardment.", "bombardment", ("silos",)),
        ("Russian troops were shelling and destroying bridges.", "shelling", ("bridges",)),
        ("Explosions rocked a military base.", "Explosions", ("military base",)),
    ],
)
def test_event_told_through_the_verb_of_its_impact_is_one_event(
    nlp: Any, gazetteer: Gazetteer, text: str, trigger: str, targets: tuple[str, ...]
) -> None:
    seen, _ = events_in(nlp, gazetteer, text)
    assert [(s.trigger, s.targets) for s in seen] == [(trigger, targets)]


def test_event_a_nationality_names_the_doer_but_not_of_an_evacuation(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    seen, _ = events_in(
        nlp, gazetteer, "The Russian invasion of Ukraine began, and the American evacuation "
        "from Kyiv ended.", ("Ukraine", "Country"), ("Kyiv", "Place"),
    )  # fmt: skip
    by_type = {s.type: s for s in seen}
    assert by_type["Invasion"].agents == ("Russian Armed Forces",)
    assert by_type["Evacuation"].agents == ()  # the Americans were moved out, not the movers


def test_event_a_light_verb_with_the_event_as_subject(nlp: Any, gazetteer: Gazetteer) -> None:
    seen, _ = events_in(
        nlp, gazetteer, "Street fighting continued in Kursk on Tuesday.", ("Kursk", "Place")
    )
    assert [(s.type, s.locations, s.date) for s in seen] == [
        ("Combat", ("Kursk",), (date(2023, 11, 14), date(2023, 11, 14)))
    ]


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("Officials said a Russian invasion of Ukraine could begin at any time.",
         [("Ukraine", "Country")]),
        ("Russian troops are poised to strike at Kyiv.", [("Kyiv", "Place")]),
        ("Troops left in the event of a Russian attack on Kyiv.", [("Kyiv", "Place")]),
        ("China is likely to invade Taiwan.", [("China", "Country"), ("Taiwan", "Country")]),
        ("Russia often shells Kyiv before it advances.",
         [("Russia", "Country"), ("Kyiv", "Place")]),
        ("Any invasion of Ukraine would be met with sanctions.", [("Ukraine", "Country")]),
    ],
)  # fmt: skip
def test_event_what_did_not_happen_is_hypothetical(
    nlp: Any, gazetteer: Gazetteer, text: str, spec: list[tuple[str, str]]
) -> None:
    seen, _ = events_in(nlp, gazetteer, text, *spec)
    assert seen
    assert {s.factuality for s in seen} == {"hypothetical"}


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("Putin accused the West of trying to destroy Russia.", [("Russia", "Country")]),
        ("The Kremlin targets independent media.", [("Kremlin", "GovernmentBody")]),
    ],
)
def test_event_the_sense_comes_from_the_arguments(
    nlp: Any, gazetteer: Gazetteer, text: str, spec: list[tuple[str, str]]
) -> None:
    seen, _ = events_in(nlp, gazetteer, text, *spec)
    assert seen == []


def test_event_an_indefinite_event_as_subject_of_a_modal_is_hypothetical(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    text = "A minor incursion into Ukraine might mean lesser sanctions. The attack on Kyiv will be "
    text += "remembered."
    seen, _ = events_in(nlp, gazetteer, text, ("Ukraine", "Country"), ("Kyiv", "Place"))
    assert {s.trigger: s.factuality for s in seen} == {
        "incursion": "hypothetical",
        "attack": "asserted",  # definite: the attack happened, remembering it is what will be
    }


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("The ministry said grain exports fell after the invasion of Ukraine.",
         [("Ukraine", "Country")]),
        ("Zelensky said that since Russia invaded Ukraine, millions have fled.",
         [("Zelensky", "Person"), ("Russia", "Country"), ("Ukraine", "Country")]),
        ("Since the invasion of Ukraine began, Putin has failed to win.",
         [("Putin", "Person"), ("Ukraine", "Country")]),
    ],
)  # fmt: skip
def test_event_in_the_background_of_a_sentence_is_asserted(
    nlp: Any, gazetteer: Gazetteer, text: str, spec: list[tuple[str, str]]
) -> None:
    seen, _ = events_in(nlp, gazetteer, text, *spec)
    assert [(s.type, s.factuality) for s in seen] == [("Invasion", "asserted")]


def test_event_an_of_phrase_the_sense_gives_no_role_names_the_doer(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    seen, _ = events_in(
        nlp, gazetteer, "Talks stalled after the assault of Russia on Ukraine.",
        ("Russia", "Country"), ("Ukraine", "Country"),
    )  # fmt: skip
    assert [(s.type, s.agents, s.targets) for s in seen] == [("Attack", ("Russia",), ("Ukraine",))]


def test_event_the_possessor_of_a_decision_is_the_doer(nlp: Any, gazetteer: Gazetteer) -> None:
    seen, _ = events_in(
        nlp, gazetteer, "Sanctions followed Putin's decision to invade Ukraine.",
        ("Putin", "Person"), ("Ukraine", "Country"),
    )  # fmt: skip
    assert [(s.type, s.agents, s.targets) for s in seen] == [("Invasion", ("Putin",), ("Ukraine",))]


def test_event_a_bare_report_takes_the_roles_of_the_report_it_refers_to(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    text = "Russian troops invaded Ukraine in 2022. The invasion shocked Europe."
    seen, _ = events_in(
        nlp, gazetteer, text, ("Russian troops", "ArmedForces"), ("Ukraine", "Country")
    )
    invasion = next(s for s in seen if s.trigger == "invasion")
    assert (invasion.agents, invasion.targets) == (("Russian troops",), ("Ukraine",))
    assert invasion.date == (date(2022, 1, 1), date(2022, 12, 31))
