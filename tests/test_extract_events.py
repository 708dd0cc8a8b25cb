"""Event extraction, one construction at a time, on sentences written for these tests.

Entities are made here from phrases and classes chosen per test (:func:`entities`), so these tests
do not depend on the entity stage.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from kg.extract.actors import StateActors, with_actor_mentions
from kg.extract.events import confidence, find_events, find_events_and_actors
from kg.extract.roles import Roles
from kg.extract.tables import load_tables
from kg.gazetteer.table import Gazetteer
from kg.model import Entity, Event, Mention, Statement

ANCHOR = datetime(2023, 11, 16, 9, 30, tzinfo=UTC)  # a Thursday
TABLES = load_tables()


def entities(text: str, *spec: tuple[str, str]) -> tuple[Entity, ...]:
    """One entity per (phrase, class), mentioned wherever the phrase occurs as whole words."""
    made = []
    for phrase, cls in spec:
        found = re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
        mentions = tuple(Mention(m.start(), m.end(), m.group(0)) for m in found)
        assert mentions, f"{phrase!r} is not in the test sentence"
        made.append(Entity(key=phrase.lower(), name=phrase, cls=cls, mentions=mentions))
    return tuple(made)


@dataclass(frozen=True)
class Seen:
    """An event as a reader would check it: names instead of indices."""

    type: str
    trigger: str
    agents: tuple[str, ...]
    targets: tuple[str, ...]
    locations: tuple[str, ...]
    date: tuple[date | None, date | None] | None
    factuality: str
    speaker: str | None


def extract(
    nlp: Any, text: str, *spec: tuple[str, str], anchor: datetime | None = ANCHOR
) -> tuple[list[Seen], tuple[Statement, ...], tuple[Event, ...]]:
    doc = nlp(text)
    found = entities(text, *spec)
    statements, events = find_events(doc, found, anchor, TABLES)
    check_offsets(text, statements, events)

    def names(indices: tuple[int, ...]) -> tuple[str, ...]:
        return tuple(found[i].name for i in indices)

    seen = [
        Seen(
            type=e.type,
            trigger=e.trigger.anchor,
            agents=names(e.agents),
            targets=names(e.targets),
            locations=names(e.locations),
            date=(e.time.earliest, e.time.latest) if e.time else None,
            factuality=e.factuality,
            speaker=(
                found[speaker].name
                if e.statement is not None
                and (speaker := statements[e.statement].speaker) is not None
                else None
            ),
        )
        for e in events
    ]
    return seen, statements, events


def check_offsets(text: str, statements: tuple[Statement, ...], events: tuple[Event, ...]) -> None:
    mentions = [e.trigger for e in events] + [e.time.mention for e in events if e.time]
    mentions += [m for s in statements for m in (s.quote, s.mention)]
    for mention in mentions:
        assert text[mention.begin : mention.end] == mention.anchor
    for event in events:
        assert 0.0 <= event.confidence <= 1.0


def one(seen: list[Seen], trigger: str) -> Seen:
    matches = [s for s in seen if s.trigger == trigger]
    assert len(matches) == 1, seen
    return matches[0]


def on(day: date) -> tuple[date, date]:
    return (day, day)


RSF = ("Rapid Support Forces", "ArmedForces")
AIRPORT = ("Khartoum airport", "Facility")
KHARTOUM = ("Khartoum", "Place")


# --- triggers and types --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "trigger", "event_type"),
    [
        ("The Rapid Support Forces seized Khartoum airport.", "seized", "Seizure"),
        ("The Rapid Support Forces captured Khartoum airport.", "captured", "Seizure"),
        ("The Rapid Support Forces took over Khartoum airport.", "took over", "Seizure"),
        ("The Rapid Support Forces took control of Khartoum airport.", "took control", "Seizure"),
        ("The Rapid Support Forces occupied Khartoum airport.", "occupied", "Occupation"),
        ("The Rapid Support Forces withdrew from Khartoum airport.", "withdrew", "Withdrawal"),
        ("The Rapid Support Forces pulled out of Khartoum airport.", "pulled out", "Withdrawal"),
        ("The Rapid Support Forces retreated from Khartoum airport.", "retreated", "Withdrawal"),
        ("The Rapid Support Forces shelled Khartoum airport.", "shelled", "Shelling"),
        ("The Rapid Support Forces bombed Khartoum airport.", "bombed", "Airstrike"),
        ("The Rapid Support Forces attacked Khartoum airport.", "attacked", "Attack"),
        ("The Rapid Support Forces looted Khartoum airport.", "looted", "Looting"),
        ("The Rapid Support Forces destroyed Khartoum airport.", "destroyed", "Destruction"),
        ("The Rapid Support Forces evacuated Khartoum airport.", "evacuated", "Evacuation"),
        ("The Rapid Support Forces blew up Khartoum airport.", "blew up", "Destruction"),
        (
            "The Rapid Support Forces dug trenches at Khartoum airport.",
            "dug trenches",
            "Fortification",
        ),
        ("The Rapid Support Forces deployed troops to Khartoum airport.", "deployed", "Deployment"),
        ("The Rapid Support Forces fired rockets at Khartoum airport.", "fired rockets", "Attack"),
        ("The Rapid Support Forces retook Khartoum airport.", "retook", "Seizure"),
        (
            "The Rapid Support Forces pulled back from Khartoum airport.",
            "pulled back",
            "Withdrawal",
        ),
    ],
)
def test_extract_events_trigger_types(
    nlp: Any, sentence: str, trigger: str, event_type: str
) -> None:
    seen, _, _ = extract(nlp, sentence, RSF, AIRPORT)
    event = one(seen, trigger)
    assert event.type == event_type
    assert event.agents == ("Rapid Support Forces",)
    assert (event.targets + event.locations) == ("Khartoum airport",)


@pytest.mark.parametrize(
    ("sentence", "trigger", "event_type"),
    [
        ("Houthi drones struck Marib refinery on Monday.", "struck", "Airstrike"),
        ("An air strike on Marib refinery killed two guards.", "air strike", "Airstrike"),
        (
            "An artillery attack on Marib refinery killed two guards.",
            "artillery attack",
            "Shelling",
        ),
        ("A blast at Marib refinery killed two guards.", "blast", "Explosion"),
    ],
)
def test_extract_events_type_refined_by_modifier(
    nlp: Any, sentence: str, trigger: str, event_type: str
) -> None:
    seen, _, _ = extract(nlp, sentence, ("Marib refinery", "Facility"))
    assert one(seen, trigger).type == event_type


def test_extract_events_explode_subject_is_target(nlp: Any) -> None:
    seen, _, _ = extract(
        nlp, "The Tessalit fuel depot exploded.", ("Tessalit fuel depot", "Facility")
    )
    assert one(seen, "exploded").targets == ("Tessalit fuel depot",)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Hezbollah fighters left Bint Jbeil.", 1),
        ("Thousands of residents left Bint Jbeil.", 0),
    ],
)
def test_extract_events_leave_needs_armed_forces(nlp: Any, sentence: str, expected: int) -> None:
    spec = [("Bint Jbeil", "Place")]
    if "Hezbollah" in sentence:
        spec.append(("Hezbollah fighters", "ArmedForces"))
    seen, _, _ = extract(nlp, sentence, *spec)
    assert len(seen) == expected


@pytest.mark.parametrize(
    ("sentence", "spec"),
    [
        ("Shell withdrew from Sakhalin-2.", [("Shell", "Company"), ("Sakhalin-2", "Facility")]),
        ("The senator attacked the plan.", [("senator", "Person")]),
        ("Reuters pulled out of Moscow.", [("Reuters", "NewsOrganisation"), ("Moscow", "Place")]),
    ],
)
def test_extract_events_non_military_readings(
    nlp: Any, sentence: str, spec: list[tuple[str, str]]
) -> None:
    seen, _, _ = extract(nlp, sentence, *spec)
    assert seen == []


def test_extract_events_noun_modifying_noun_is_not_an_event(nlp: Any) -> None:
    seen, _, _ = extract(
        nlp, "The Malian army bought attack helicopters for Gao.", ("Malian army", "ArmedForces"),
        ("Gao", "Place"),
    )  # fmt: skip
    assert seen == []


def test_extract_events_trigger_without_participant_is_kept_only_when_reliable(nlp: Any) -> None:
    # "withdrawal" (strength 0.85) denotes the event alone; "strike" (0.55) needs a participant
    seen, _, _ = extract(nlp, "The withdrawal comes a day after the talks.", ("talks", "Place"))
    assert [(s.type, s.agents, s.targets, s.locations) for s in seen] == [
        ("Withdrawal", (), (), ())
    ]
    seen, _, _ = extract(nlp, "The strike comes a day after the talks.", ("talks", "Place"))
    assert seen == []


# --- voice, nominals, coordination, relative clauses ---------------------------------------------


def test_extract_events_active(nlp: Any) -> None:
    seen, _, _ = extract(
        nlp, "The Rapid Support Forces seized Khartoum airport on Saturday.", RSF, AIRPORT
    )
    assert one(seen, "seized") == Seen(
        "Seizure", "seized", ("Rapid Support Forces",), ("Khartoum airport",), (),
        on(date(2023, 11, 11)), "asserted", None,
    )  # fmt: skip


def test_extract_events_passive_with_by_phrase(nlp: Any) -> None:
    seen, _, _ = extract(
        nlp, "Khartoum airport was seized by the Rapid Support Forces.", RSF, AIRPORT
    )
    event = one(seen, "seized")
    assert (event.agents, event.targets) == (("Rapid Support Forces",), ("Khartoum airport",))


def test_extract_events_passive_relative_clause(nlp: Any) -> None:
    text = "The Kakhovka dam, which was destroyed by Russian forces in June, held back a reservoir."
    seen, _, _ = extract(nlp, text, ("Kakhovka dam", "Facility"), ("Russian forces", "ArmedForces"))
    event = one(seen, "destroyed")
    assert event.agents == ("Russian forces",)
    assert event.targets == ("Kakhovka dam",)
    assert event.date == (date(2023, 6, 1), date(2023, 6, 30))


def test_extract_events_participle(nlp: Any) -> None:
    text = "Inspectors visited the Zaporizhzhia plant, occupied by Russian forces."
    seen, _, _ = extract(
        nlp, text, ("Zaporizhzhia plant", "NuclearPowerPlant"), ("Russian forces", "ArmedForces")
    )
    event = one(seen, "occupied")
    assert event.agents == ("Russian forces",)
    assert event.targets == ("Zaporizhzhia plant",)


def test_extract_events_active_relative_clause(nlp: Any) -> None:
    text = "Wagner fighters, who captured Soledar in January, moved on to Bakhmut."
    seen, _, _ = extract(
        nlp, text, ("Wagner fighters", "ArmedForces"), ("Soledar", "Place"), ("Bakhmut", "Place")
    )
    event = one(seen, "captured")
    assert event.agents == ("Wagner fighters",)
    assert event.targets == ("Soledar",)


def test_extract_events_nominal_with_of_and_from(nlp: Any) -> None:
    text = "The withdrawal of Israeli forces from Al-Shifa hospital began on Wednesday."
    seen, _, _ = extract(
        nlp, text, ("Israeli forces", "ArmedForces"), ("Al-Shifa hospital", "Hospital")
    )
    event = one(seen, "withdrawal")
    assert event.agents == ("Israeli forces",)
    assert event.targets == ("Al-Shifa hospital",)
    assert event.date == on(date(2023, 11, 15))


def test_extract_events_nominal_possessive(nlp: Any) -> None:
    text = "The Azerbaijani army's capture of Shusha ended the war."
    seen, _, _ = extract(nlp, text, ("Azerbaijani army", "ArmedForces"), ("Shusha", "Place"))
    event = one(seen, "capture")
    assert event.agents == ("Azerbaijani army",)
    assert event.targets == ("Shusha",)


def test_extract_events_light_verb(nlp: Any) -> None:
    text = "Houthi rebels launched an attack on Hodeidah port on Tuesday."
    seen, _, _ = extract(nlp, text, ("Houthi rebels", "ArmedForces"), ("Hodeidah port", "Facility"))
    event = one(seen, "attack")
    assert event.agents == ("Houthi rebels",)
    assert event.targets == ("Hodeidah port",)
    assert event.date == on(date(2023, 11, 14))


def test_extract_events_coordinated_verbs_share_subject_and_object(nlp: Any) -> None:
    text = "Wagner fighters looted and destroyed Kherson museum."
    seen, _, _ = extract(
        nlp, text, ("Wagner fighters", "ArmedForces"), ("Kherson museum", "Facility")
    )
    for trigger in ("looted", "destroyed"):
        event = one(seen, trigger)
        assert event.agents == ("Wagner fighters",)
        assert event.targets == ("Kherson museum",)


def test_extract_events_coordinated_clauses(nlp: Any) -> None:
    text = "Ukrainian forces took over Sudzha and pulled out of Korenevo a week later."
    seen, _, _ = extract(
        nlp, text, ("Ukrainian forces", "ArmedForces"), ("Sudzha", "Place"), ("Korenevo", "Place")
    )
    assert one(seen, "took over").targets == ("Sudzha",)
    withdrawal = one(seen, "pulled out")
    assert withdrawal.agents == ("Ukrainian forces",)
    assert withdrawal.targets == ("Korenevo",)


def test_extract_events_phrase_attached_to_the_object(nlp: Any) -> None:
    text = "The evacuation of civilians from Mariupol began on Sunday."
    seen, _, _ = extract(nlp, text, ("Mariupol", "Place"))
    assert one(seen, "evacuation").targets == ("Mariupol",)


def test_extract_events_raising_verb_passes_its_subject(nlp: Any) -> None:
    text = "Wagner fighters are expected to withdraw from Bakhmut."
    seen, _, _ = extract(nlp, text, ("Wagner fighters", "ArmedForces"), ("Bakhmut", "Place"))
    event = one(seen, "withdraw")
    assert event.agents == ("Wagner fighters",)
    assert event.factuality == "hypothetical"


def test_extract_events_coordinated_targets(nlp: Any) -> None:
    text = "Russian forces shelled Kharkiv and Sumy overnight."
    seen, _, _ = extract(
        nlp, text, ("Russian forces", "ArmedForces"), ("Kharkiv", "Place"), ("Sumy", "Place")
    )
    assert one(seen, "shelled").targets == ("Kharkiv", "Sumy")


def test_extract_events_location_from_prepositional_phrase(nlp: Any) -> None:
    text = "Turkish troops attacked Kurdish positions near Qamishli in Syria."
    seen, _, _ = extract(
        nlp, text, ("Turkish troops", "ArmedForces"), ("Qamishli", "Place"), ("Syria", "Country")
    )
    event = one(seen, "attacked")
    assert event.agents == ("Turkish troops",)
    assert set(event.locations) <= {"Qamishli", "Syria"}
    assert "Qamishli" in event.locations


def test_extract_events_agent_must_be_actor_and_target_a_place(nlp: Any) -> None:
    """A country acts as itself (README, "Metonymy"); a town is acted on."""
    text = "Armenia accused Azerbaijan of shelling Goris."
    seen, _, _ = extract(
        nlp, text, ("Armenia", "Country"), ("Azerbaijan", "Country"), ("Goris", "Place")
    )
    event = one(seen, "shelling")
    assert event.agents == ("Azerbaijan",)
    assert event.targets == ("Goris",)


def test_extract_events_coordinated_names_before_a_participle_head(nlp: Any) -> None:
    text = "Inspectors reached the Houthi-occupied Hodeidah and Salif ports on Monday."
    seen, _, _ = extract(
        nlp, text, ("Houthi", "Organisation"), ("Hodeidah", "Facility"), ("Salif ports", "Facility")
    )
    event = one(seen, "occupied")
    assert event.agents == ("Houthi",)
    assert event.targets == ("Hodeidah", "Salif ports")


def test_extract_events_coordinated_names_before_an_object_head(nlp: Any) -> None:
    text = "Georgian troops shelled the Akhalgori and Java districts."
    seen, _, _ = extract(
        nlp, text, ("Georgian troops", "ArmedForces"), ("Akhalgori", "Place"), ("Java", "Place")
    )
    assert one(seen, "shelled").targets == ("Akhalgori", "Java")


def test_extract_events_coordinated_names_in_an_of_phrase(nlp: Any) -> None:
    text = "Ukrainian troops shelled the villages of Tetkino and Glushkovo."
    seen, _, _ = extract(
        nlp, text, ("Ukrainian troops", "ArmedForces"), ("Tetkino", "Place"), ("Glushkovo", "Place")
    )
    assert one(seen, "shelled").targets == ("Tetkino", "Glushkovo")


def test_extract_events_single_name_before_a_head_adds_nothing(nlp: Any) -> None:
    text = "Georgian troops shelled the Akhalgori district and the Java road."
    seen, _, _ = extract(
        nlp, text, ("Georgian troops", "ArmedForces"), ("Akhalgori", "Place"), ("Java", "Place")
    )
    assert one(seen, "shelled").targets == ("Akhalgori",)


def test_extract_events_evacuation_roles_follow_the_ontology(nlp: Any) -> None:
    # nk:target is the place evacuated (range nk:Place); people moved are no role; nk:location
    # is a different place around it
    text = "Several dozen Ethiopian soldiers were evacuated from Mekelle airport in Tigray."
    seen, _, _ = extract(
        nlp, text, ("Ethiopian soldiers", "ArmedForces"), ("Mekelle airport", "Facility"),
        ("Tigray", "Place"),
    )  # fmt: skip
    event = one(seen, "evacuated")
    assert (event.agents, event.targets, event.locations) == ((), ("Mekelle airport",), ("Tigray",))


def test_extract_events_target_phrase_gives_its_surroundings_as_location(nlp: Any) -> None:
    text = "Chadian troops withdrew from the airfield near Abeche."
    seen, _, _ = extract(nlp, text, ("Chadian troops", "ArmedForces"), ("Abeche", "Place"))
    event = one(seen, "withdrew")
    assert event.agents == ("Chadian troops",)
    assert event.locations == ("Abeche",)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Chadian troops moved away from Abeche airfield.", 1),
        ("Investors moved away from Abeche airfield.", 0),
    ],
)
def test_extract_events_moving_away_is_a_withdrawal_of_armed_forces(
    nlp: Any, sentence: str, expected: int
) -> None:
    seen, _, _ = extract(
        nlp, sentence, ("Abeche airfield", "Facility"),
        *([("Chadian troops", "ArmedForces")] if "Chadian" in sentence else []),
    )  # fmt: skip
    assert [(s.type, s.targets) for s in seen] == [("Withdrawal", ("Abeche airfield",))] * expected


# --- anaphora ------------------------------------------------------------------------------------


def test_extract_events_definite_description_resolves_to_only_candidate(nlp: Any) -> None:
    text = (
        "Inspectors toured Kursk nuclear plant on Monday. Ukrainian forces later shelled the plant."
    )
    seen, _, _ = extract(
        nlp, text, ("Kursk nuclear plant", "NuclearPowerPlant"), ("Ukrainian forces", "ArmedForces")
    )
    assert one(seen, "shelled").targets == ("Kursk nuclear plant",)


def test_extract_events_class_noun_refers_to_the_entity_introduced_so(nlp: Any) -> None:
    text = (
        "Sudanese troops entered the town of Babanusa on Monday. Aid convoys were halted in "
        "Kordofan. Residents fled the area. RSF fighters later shelled the town."
    )
    seen, _, _ = extract(
        nlp, text, ("Sudanese troops", "ArmedForces"), ("Babanusa", "Place"),
        ("Kordofan", "Place"), ("RSF fighters", "ArmedForces"),
    )  # fmt: skip
    assert one(seen, "shelled").targets == ("Babanusa",)


def test_extract_events_class_noun_without_introduction_stays_unresolved(nlp: Any) -> None:
    text = (
        "Sudanese troops entered Babanusa on Monday. Aid convoys were halted in "
        "Kordofan. Residents fled the area. RSF fighters later shelled the town."
    )
    seen, _, _ = extract(
        nlp, text, ("Sudanese troops", "ArmedForces"), ("Babanusa", "Place"),
        ("Kordofan", "Place"), ("RSF fighters", "ArmedForces"),
    )  # fmt: skip
    assert [s.targets for s in seen if s.trigger == "shelled"] in ([], [()])


def test_extract_events_mission_named_by_its_organisation(nlp: Any) -> None:
    text = "The African Union peacekeeping mission withdrew from Baidoa airport in June."
    seen, _, _ = extract(
        nlp, text, ("African Union", "InternationalOrganisation"), ("Baidoa airport", "Facility")
    )
    event = one(seen, "withdrew")
    assert event.agents == ("African Union",)
    assert event.targets == ("Baidoa airport",)


def test_extract_events_ambiguous_anaphor_is_left_out(nlp: Any) -> None:
    text = "Inspectors toured Kursk nuclear plant and Rivne nuclear plant. Drones hit the plant."
    spec = [
        ("Kursk nuclear plant", "NuclearPowerPlant"),
        ("Rivne nuclear plant", "NuclearPowerPlant"),
    ]
    seen, _, _ = extract(nlp, text + " Ukrainian forces attacked the plant.", *spec,
                         ("Ukrainian forces", "ArmedForces"))  # fmt: skip
    assert one(seen, "attacked").targets == ()


def test_extract_events_pronoun_agent(nlp: Any) -> None:
    text = "Russian forces seized Kherson in March. In November they withdrew from Kherson."
    seen, _, _ = extract(nlp, text, ("Russian forces", "ArmedForces"), ("Kherson", "Place"))
    assert one(seen, "withdrew").agents == ("Russian forces",)


def test_extract_events_demonym_names_the_only_armed_force(nlp: Any) -> None:
    text = "Russian troops reached Enerhodar. Russian shelling hit Enerhodar on Friday."
    seen, _, _ = extract(nlp, text, ("Russian troops", "ArmedForces"), ("Enerhodar", "Place"))
    assert one(seen, "shelling").agents == ("Russian troops",)


def test_extract_events_demonym_with_two_candidate_forces_is_left_out(nlp: Any) -> None:
    text = "Russian troops and Russian marines reached Enerhodar. Russian shelling hit Enerhodar."
    seen, _, _ = extract(
        nlp, text, ("Russian troops", "ArmedForces"), ("Russian marines", "ArmedForces"),
        ("Enerhodar", "Place"),
    )  # fmt: skip
    assert [s.agents for s in seen if s.trigger == "shelling"] in ([], [()])


def test_extract_events_class_noun_named_by_compound(nlp: Any) -> None:
    text = "Israeli forces withdrew from the Al-Shifa hospital compound."
    seen, _, _ = extract(
        nlp, text, ("Israeli forces", "ArmedForces"), ("Al-Shifa hospital", "Hospital")
    )
    assert one(seen, "withdrew").targets == ("Al-Shifa hospital",)


# --- factuality ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "trigger", "factuality"),
    [
        ("Turkish troops did not withdraw from Afrin.", "withdraw", "denied"),
        ("Turkish troops never withdrew from Afrin.", "withdrew", "denied"),
        ("Turkish troops failed to capture Afrin.", "capture", "denied"),
        ("Turkish troops refused to withdraw from Afrin.", "withdraw", "denied"),
        ("Turkish troops may attack Afrin.", "attack", "hypothetical"),
        ("Turkish troops will attack Afrin next week.", "attack", "hypothetical"),
        ("Turkish troops plan to attack Afrin.", "attack", "hypothetical"),
        ("Turkish troops are preparing an attack on Afrin.", "attack", "hypothetical"),
        ("Turkish troops threatened to shell Afrin.", "shell", "hypothetical"),
        ("If Turkish troops attack Afrin, the region will burn.", "attack", "hypothetical"),
        ("Turkish troops began withdrawing from Afrin.", "withdrawing", "asserted"),
        ("Turkish troops did not launch an attack on Afrin.", "attack", "denied"),
        ("Turkish troops reportedly shelled Afrin.", "shelled", "reported"),
        ("Turkish troops made plans to attack Afrin.", "attack", "hypothetical"),
        ("Turkish troops abandoned an attempt to capture Afrin.", "capture", "hypothetical"),
        ("There was no withdrawal of Turkish troops from Afrin.", "withdrawal", "denied"),
        ("The alleged looting of Afrin by Turkish troops continues.", "looting", "reported"),
        ("Turkish troops are believed to have shelled Afrin.", "shelled", "reported"),
        ("Turkish troops, which seized Afrin in 2018, may withdraw.", "seized", "asserted"),
    ],
)
def test_extract_events_factuality(nlp: Any, sentence: str, trigger: str, factuality: str) -> None:
    seen, _, _ = extract(nlp, sentence, ("Turkish troops", "ArmedForces"), ("Afrin", "Place"))
    assert one(seen, trigger).factuality == factuality


def test_extract_events_call_to_withdraw_is_hypothetical_but_cause_is_not(nlp: Any) -> None:
    text = "Lebanon called on Israeli forces to pull out of Ghajar after an explosion at Ghajar."
    seen, _, _ = extract(
        nlp, text, ("Lebanon", "Country"), ("Israeli forces", "ArmedForces"), ("Ghajar", "Place")
    )
    withdrawal = one(seen, "pull out")
    assert withdrawal.factuality == "hypothetical"
    assert withdrawal.agents == ("Israeli forces",)
    assert one(seen, "explosion").factuality == "asserted"


def test_extract_events_accusation(nlp: Any) -> None:
    text = "Kyiv accused Russian forces of using Enerhodar to prepare new attacks on Nikopol."
    seen, statements, _ = extract(
        nlp, text, ("Kyiv", "GovernmentBody"), ("Russian forces", "ArmedForces"),
        ("Enerhodar", "Place"), ("Nikopol", "Place"),
    )  # fmt: skip
    attack = one(seen, "attacks")
    assert attack.factuality == "hypothetical"
    assert attack.targets == ("Nikopol",)
    assert attack.agents == ("Russian forces",)
    assert attack.speaker == "Kyiv"
    assert [s.verb for s in statements] == ["accuse"]


# --- attribution ---------------------------------------------------------------------------------


def test_extract_events_reported_with_said(nlp: Any) -> None:
    text = "The Rapid Support Forces seized Khartoum airport, Sudan's army said on Sunday."
    seen, statements, events = extract(nlp, text, RSF, AIRPORT, ("Sudan's army", "ArmedForces"))
    event = one(seen, "seized")
    assert event.factuality == "reported"
    assert event.speaker == "Sudan's army"
    (statement,) = statements
    assert statement.verb == "say"
    assert statement.quote.anchor == "The Rapid Support Forces seized Khartoum airport"
    assert events[0].statement == 0


def test_extract_events_reported_with_that_clause(nlp: Any) -> None:
    text = "Sudan's army said that the Rapid Support Forces had looted Khartoum airport."
    seen, statements, _ = extract(nlp, text, RSF, AIRPORT, ("Sudan's army", "ArmedForces"))
    assert one(seen, "looted").speaker == "Sudan's army"
    assert statements[0].quote.anchor == "the Rapid Support Forces had looted Khartoum airport"


def test_extract_events_according_to(nlp: Any) -> None:
    text = "The Rapid Support Forces withdrew from Khartoum airport, according to Al Jazeera."
    seen, statements, _ = extract(nlp, text, RSF, AIRPORT, ("Al Jazeera", "NewsOrganisation"))
    event = one(seen, "withdrew")
    assert event.factuality == "reported"
    assert event.speaker == "Al Jazeera"
    assert statements[0].verb == "according to"


def test_extract_events_quote_then_speaker(nlp: Any) -> None:
    text = "“The Rapid Support Forces have shelled Khartoum airport,” Abdel Fattah al-Burhan wrote."
    seen, statements, _ = extract(nlp, text, RSF, AIRPORT, ("Abdel Fattah al-Burhan", "Person"))
    assert one(seen, "shelled").speaker == "Abdel Fattah al-Burhan"
    assert statements[0].verb == "write"
    assert statements[0].quote.anchor == "The Rapid Support Forces have shelled Khartoum airport"


def test_extract_events_quote_over_several_sentences(nlp: Any) -> None:
    text = (
        "“The Rapid Support Forces attacked Khartoum airport. We pushed them back. They are "
        "leaving Khartoum airport now,” Nabil Abdallah told reporters."
    )
    seen, _, _ = extract(nlp, text, RSF, AIRPORT, ("Nabil Abdallah", "Person"))
    assert one(seen, "attacked").speaker == "Nabil Abdallah"
    assert one(seen, "attacked").factuality == "reported"


def test_extract_events_quote_over_several_sentences_is_one_statement(nlp: Any) -> None:
    text = "“Rebels seized Gao airport. They looted Gao airport too,” Moussa Traore told reporters."
    seen, statements, _ = extract(
        nlp,
        text,
        ("Rebels", "ArmedForces"),
        ("Gao airport", "Facility"),
        ("Moussa Traore", "Person"),
    )
    (statement,) = statements
    assert statement.quote.anchor == "Rebels seized Gao airport. They looted Gao airport too"
    assert statement.mention.anchor == text.rstrip(".")
    assert {s.speaker for s in seen} == {"Moussa Traore"}


def test_extract_events_claims_in_present_tense(nlp: Any) -> None:
    text = "Hamas claims that Israeli forces shelled Al-Ahli hospital."
    seen, statements, _ = extract(
        nlp, text, ("Hamas", "Organisation"), ("Israeli forces", "ArmedForces"),
        ("Al-Ahli hospital", "Hospital"),
    )  # fmt: skip
    assert [s.verb for s in statements] == ["claim"]
    assert one(seen, "shelled").speaker == "Hamas"


def test_extract_events_unnamed_speaker_still_reported(nlp: Any) -> None:
    text = "A US official said the Rapid Support Forces had seized Khartoum airport."
    seen, statements, _ = extract(nlp, text, RSF, AIRPORT)
    assert statements == ()
    event = one(seen, "seized")
    assert event.factuality == "reported"
    assert event.speaker is None


def test_extract_events_denial(nlp: Any) -> None:
    text = "The Israeli army denied that its jets had bombed Al-Ahli hospital."
    seen, statements, _ = extract(
        nlp, text, ("Israeli army", "ArmedForces"), ("Al-Ahli hospital", "Hospital")
    )
    event = one(seen, "bombed")
    assert event.factuality == "denied"
    assert event.speaker == "Israeli army"
    assert statements[0].verb == "deny"


def test_extract_events_pronoun_refers_to_reporter(nlp: Any) -> None:
    text = "The Malian army said on Monday that it had destroyed Kidal airfield."
    seen, _, _ = extract(nlp, text, ("Malian army", "ArmedForces"), ("Kidal airfield", "Facility"))
    event = one(seen, "destroyed")
    assert event.agents == ("Malian army",)
    assert event.speaker == "Malian army"


def test_extract_events_pronoun_speaker(nlp: Any) -> None:
    text = (
        "Vitaliy Kim spoke on Monday. He said Russian forces had shelled Mykolaiv port overnight."
    )
    seen, _, _ = extract(
        nlp, text, ("Vitaliy Kim", "Person"), ("Russian forces", "ArmedForces"),
        ("Mykolaiv port", "Facility"),
    )  # fmt: skip
    assert one(seen, "shelled").speaker == "Vitaliy Kim"


# --- time ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Russian forces shelled Sumy on November 2.", on(date(2023, 11, 2))),
        ("Russian forces shelled Sumy on 2 November 2022.", on(date(2022, 11, 2))),
        ("Russian forces shelled Sumy on Tuesday.", on(date(2023, 11, 14))),
        ("Russian forces shelled Sumy yesterday.", on(date(2023, 11, 15))),
        ("Russian forces shelled Sumy last month.", (date(2023, 10, 1), date(2023, 10, 31))),
        ("Russian forces shelled Sumy this week.", (date(2023, 11, 13), date(2023, 11, 16))),
        ("Russian forces shelled Sumy.", None),
        ("Russian forces shelled Sumy on the first day of the war.", None),
        ("Russian forces have shelled Sumy since 2022.", None),
    ],
)
def test_extract_events_dates(nlp: Any, sentence: str, expected: object) -> None:
    seen, _, _ = extract(nlp, sentence, ("Russian forces", "ArmedForces"), ("Sumy", "Place"))
    assert seen[0].date == expected


def test_extract_events_relative_date_counts_from_previous_date(nlp: Any) -> None:
    text = (
        "Officials met on Tuesday. A day earlier, Russian forces had shelled Sumy. "
        "Russian forces shelled Sumy again two days later."
    )
    seen, _, _ = extract(nlp, text, ("Russian forces", "ArmedForces"), ("Sumy", "Place"))
    assert [s.date for s in seen] == [on(date(2023, 11, 13)), on(date(2023, 11, 15))]


def test_extract_events_no_anchor_only_absolute_dates(nlp: Any) -> None:
    text = "Russian forces shelled Sumy on Tuesday and shelled Okhtyrka on 3 March 2022."
    seen, _, _ = extract(
        nlp, text, ("Russian forces", "ArmedForces"), ("Sumy", "Place"), ("Okhtyrka", "Place"),
        anchor=None,
    )  # fmt: skip
    assert [s.date for s in seen] == [None, on(date(2022, 3, 3))]


def test_extract_events_time_keeps_original_expression(nlp: Any) -> None:
    text = "Russian forces shelled Sumy last Tuesday."
    _, _, events = extract(nlp, text, ("Russian forces", "ArmedForces"), ("Sumy", "Place"))
    assert events[0].time is not None
    assert events[0].time.mention.anchor == "last Tuesday"
    assert events[0].time.granularity == "day"


@pytest.mark.parametrize("text", ["", "Markets rose on Monday.", "   \n\n  "])
def test_extract_events_nothing_to_find(nlp: Any, text: str) -> None:
    assert find_events(nlp(text), (), ANCHOR, TABLES) == ((), ())


# --- confidence ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "dated", "factuality", "expected"),
    [
        (Roles((0,), (1,), (2,), "direct"), True, "asserted", 0.9),
        (Roles((0,), (), (), "direct"), True, "asserted", 0.72),
        (Roles((0,), (1,), (), "anaphora"), False, "reported", 0.9 * 0.95 * 0.75 * 0.9 * 0.95),
        (Roles((), (1,), (), "inherited"), True, "denied", 0.9 * 0.75 * 0.9 * 0.85),
    ],
)
def test_extract_events_confidence_formula(
    roles: Roles, dated: bool, factuality: Any, expected: float
) -> None:
    assert confidence(0.9, roles, dated, factuality) == pytest.approx(expected, abs=1e-3)


def test_extract_events_confidence_prefers_explicit_evidence(nlp: Any) -> None:
    text = "Russian forces seized Kherson on March 2. Kherson was later seized again."
    _, _, events = extract(nlp, text, ("Russian forces", "ArmedForces"), ("Kherson", "Place"))
    assert events[0].confidence > events[1].confidence


def test_extract_events_unnamed_representative_speaks_for_the_organisation(nlp: Any) -> None:
    text = "A Kremlin official said Ukrainian drones attacked the Engels air base."
    seen, statements, _ = extract(
        nlp, text, ("Kremlin", "GovernmentBody"), ("Ukrainian drones", "ArmedForces"),
        ("Engels air base", "Facility"),
    )  # fmt: skip
    assert one(seen, "attacked").speaker == "Kremlin"
    assert [s.verb for s in statements] == ["say"]


def test_extract_events_nearest_modifier_of_a_representative_speaks(nlp: Any) -> None:
    text = "According to a UN OCHA official, Malian troops seized Kidal airport."
    seen, _, _ = extract(
        nlp, text, ("UN", "InternationalOrganisation"), ("OCHA", "InternationalOrganisation"),
        ("Malian troops", "ArmedForces"), ("Kidal airport", "Facility"),
    )  # fmt: skip
    assert one(seen, "seized").speaker == "OCHA"


# --- states as actors (metonymy) -----------------------------------------------------------------


def extract_actors(
    nlp: Any, gazetteer: Gazetteer, text: str, *found: Entity
) -> tuple[tuple[Entity, ...], tuple[Statement, ...], tuple[Event, ...]]:
    doc = nlp(text)
    result = find_events_and_actors(doc, found, ANCHOR, gazetteer=gazetteer, tables=TABLES)
    final, statements, events = result
    check_offsets(text, statements, events)
    assert final[: len(found)][0].key == found[0].key
    for entity in final:
        assert entity.mentions
        assert all(text[m.begin : m.end] == m.anchor for m in entity.mentions)
    return result


def test_extract_events_country_as_agent_is_the_country(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Mali seized Kidal airport on Tuesday."
    found = entities(text, ("Mali", "Country"), ("Kidal airport", "Facility"))
    final, _, events = extract_actors(nlp, gazetteer, text, *found)
    (event,) = events
    assert event.agents == (0,)
    assert final == found  # no government is made up for the country
    assert event.targets == (1,)


def test_extract_events_country_as_speaker_is_the_country(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Georgia denied that its troops had shelled Tskhinvali."
    found = entities(text, ("Georgia", "Country"), ("Tskhinvali", "Place"))
    final, statements, _ = extract_actors(nlp, gazetteer, text, *found)
    (statement,) = statements
    assert statement.verb == "deny"
    assert statement.speaker == 0
    assert final == found


def test_extract_events_country_and_its_government_stay_two_entities(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    """ "The Ukrainian government" is a government body; "Ukraine" acting is the country."""
    text = "The Ukrainian government said on Monday that Ukraine had retaken Kupiansk."
    own = Entity(
        key="government of q212", name="Cabinet of Ministers of Ukraine", cls="GovernmentBody",
        mentions=(Mention(4, 24, "Ukrainian government"),), country="Q212",
    )  # fmt: skip
    found = (own, *entities(text, ("Ukraine", "Country"), ("Kupiansk", "Place")))
    final, _, events = extract_actors(nlp, gazetteer, text, *found)
    assert final == found
    assert one_event(events, "retaken").agents == (1,)
    assert [m.anchor for m in final[0].mentions] == ["Ukrainian government"]


def test_extract_events_country_told_to_act_is_the_agent(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "France called on Libya to pull out of Sirte."
    found = entities(text, ("France", "Country"), ("Libya", "Country"), ("Sirte", "Place"))
    final, _, events = extract_actors(nlp, gazetteer, text, *found)
    event = one_event(events, "pull out")
    assert [final[a].name for a in event.agents] == ["Libya"]
    assert event.factuality == "hypothetical"


def test_extract_events_country_possessive_of_an_event_noun(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "China's seizure of Mischief Reef alarmed its neighbours."
    found = entities(text, ("China", "Country"), ("Mischief Reef", "Place"))
    final, _, events = extract_actors(nlp, gazetteer, text, *found)
    event = one_event(events, "seizure")
    assert [final[a].name for a in event.agents] == ["China"]
    assert event.targets == (1,)


def test_extract_events_unnamed_representative_of_a_country(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "A US official said Israeli jets struck the Mezzeh airport."
    found = entities(
        text, ("US", "Country"), ("Israeli jets", "ArmedForces"), ("Mezzeh airport", "Facility")
    )
    final, statements, _ = extract_actors(nlp, gazetteer, text, *found)
    (statement,) = statements
    assert statement.speaker == 0
    assert final == found


def test_extract_events_country_as_place_and_as_speaker_is_one_entity(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    text = "Sudanese troops withdrew from Sudan's border with Libya, Libya said."
    found = entities(text, ("Sudanese troops", "ArmedForces"), ("Libya", "Country"))
    final, statements, _events = extract_actors(nlp, gazetteer, text, *found)
    assert final == found
    assert statements[0].speaker == 1


def test_extract_events_capital_left_a_place_is_no_actor(nlp: Any, gazetteer: Gazetteer) -> None:
    """The entity stage makes a capital used as an actor its country
    (tests/test_extract_entities.py); a capital still a place acts as nobody."""
    text = "Beijing seized Scarborough Shoal in 2012."
    found = entities(text, ("Beijing", "Place"), ("Scarborough Shoal", "Place"))
    final, _, events = extract_actors(nlp, gazetteer, text, *found)
    assert one_event(events, "seized").agents == ()
    assert final == found


def test_extract_events_other_city_as_actor_is_nobody(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Kharkiv said the strike hit a school."
    found = entities(text, ("Kharkiv", "Place"))
    final, statements, _ = extract_actors(nlp, gazetteer, text, *found)
    assert statements == ()
    assert final[: len(found)] == found  # no actor added for Kharkiv
    assert [(e.name, e.named) for e in final[len(found) :]] == [("school", False)]  # the target


def test_extract_events_national_aircraft_are_the_armed_forces(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    text = "French and German jets bombed Gao airport, and Russian forces shelled Ras Lanuf."
    found = entities(
        text, ("Gao airport", "Facility"), ("Russian forces", "ArmedForces"), ("Ras Lanuf", "Place")
    )
    final, _, events = extract_actors(nlp, gazetteer, text, *found)
    bombing = one_event(events, "bombed")
    assert [final[a].key for a in bombing.agents] == [
        "armed forces of q142",
        "armed forces of q183",
    ]
    assert [[m.anchor for m in final[a].mentions] for a in bombing.agents] == [
        ["French"], ["German jets"],
    ]  # fmt: skip
    assert bombing.targets == (0,)


def test_extract_events_national_aircraft_join_the_articles_armed_forces(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    text = "Russian troops entered Derna, and Russian helicopters attacked Derna port."
    found = entities(text, ("Russian troops", "ArmedForces"), ("Derna port", "Facility"))
    found = (replace(found[0], key="armed forces of q159"), found[1])
    final, _, events = extract_actors(nlp, gazetteer, text, *found)
    assert one_event(events, "attacked").agents == (0,)
    assert len(final) == 2
    assert [m.anchor for m in final[0].mentions] == ["Russian troops", "Russian helicopters"]


def test_extract_events_weapon_named_after_its_maker_is_no_actor(
    nlp: Any, gazetteer: Gazetteer
) -> None:
    text = "American missiles struck Saky airfield, and Russian-made jets bombed Gao airport."
    found = entities(text, ("Saky airfield", "Facility"), ("Gao airport", "Facility"))
    final, _, events = extract_actors(nlp, gazetteer, text, *found)
    assert len(events) == 2
    assert all(e.agents == () for e in events)
    assert final == found


def test_extract_events_without_actors_countries_act_as_themselves(nlp: Any) -> None:
    text = "Mali seized Kidal airport on Tuesday."
    seen, _, _ = extract(nlp, text, ("Mali", "Country"), ("Kidal airport", "Facility"))
    assert one(seen, "seized").agents == ("Mali",)


def test_extract_events_unused_armed_forces_are_not_added() -> None:
    country = Entity("mali", "Mali", "Country", (Mention(0, 4, "Mali"),))
    added = Entity(
        "armed forces of q912", "Armed forces of Mali", "ArmedForces", (), country="Q912"
    )
    actors = StateActors((country, added, added), 1)
    final, renumbered = with_actor_mentions(actors, [(2, Mention(5, 16, "Malian jets"))])
    assert [e.name for e in final] == ["Mali", "Armed forces of Mali"]
    assert renumbered == {2: 1}
    assert with_actor_mentions(actors, []) == ((country,), {})


def one_event(events: tuple[Event, ...], trigger: str) -> Event:
    matches = [e for e in events if e.trigger.anchor == trigger]
    assert len(matches) == 1, events
    return matches[0]


# --- cost ----------------------------------------------------------------------------------------


def test_extract_events_cost_is_linear_in_document_size(nlp: Any) -> None:
    from spacy.tokens import Doc

    text = (
        "“Russian forces shelled Sumy on Tuesday,” Ihor Klymenko said. Russian forces later "
        "withdrew from Sumy, according to Ihor Klymenko. They did not attack Okhtyrka.\n\n"
    )
    base = nlp(text)

    def seconds(copies: int) -> float:
        doc = Doc.from_docs([base] * copies)
        found = entities(
            doc.text, ("Russian forces", "ArmedForces"), ("Sumy", "Place"),
            ("Okhtyrka", "Place"), ("Ihor Klymenko", "Person"),
        )  # fmt: skip
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            _, events = find_events(doc, found, ANCHOR, TABLES)
            best = min(best, time.perf_counter() - start)
        assert len(events) == 3 * copies
        return best

    small, large = seconds(20), seconds(160)
    assert large / small < 20  # 8 times the text; a quadratic step would cost about 64 times
