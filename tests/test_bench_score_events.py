"""The event scorer (bench/score_events.py) on hand-made gold and predictions: no corpus text."""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from bench.gold.articles import select
from bench.score_entities import NK, WD
from bench.score_events import (
    Action,
    Entity,
    Report,
    Span,
    agent_right,
    date_right,
    in_windows,
    match,
    read_build,
    reconcile,
    report,
    same_occurrence,
    score,
)

GROUPS = {"Q193159": "Q159", "Q936105": "Q212", "Q613729": "Q212"}
RUSSIA = Span(0, 6, "Russia", "Q159", "Q159")


def action(
    id: str = "a1",
    type: str = "Shelling",
    triggers: tuple[tuple[int, int], ...] = ((10, 17),),
    article: str = "A",
    **fields: Any,
) -> Action:
    spans = tuple(Span(b, e, "w") for b, e in triggers)
    return replace(Action(article, id, type, "asserted", spans), **fields)


def predicted(
    begin: int, end: int, type: str = "Shelling", article: str = "A", **fields: Any
) -> Report:
    return replace(Report(f"r/{article}/{begin}", article, begin, end, type, "asserted"), **fields)


def entity(iri: str, qid: str | None = None, *mentions: tuple[int, int]) -> Entity:
    return Entity(iri, iri, qid, mentions)


def test_a_report_matches_the_action_whose_trigger_it_overlaps() -> None:
    shelling = action("a1", "Shelling", ((10, 17), (50, 58)))
    attack = action("a2", "Attack", ((12, 20),))
    assert match(predicted(52, 60), [shelling, attack]) == shelling
    assert match(predicted(12, 17, "Attack"), [shelling, attack]) == attack  # its type first
    assert match(predicted(30, 35), [shelling, attack]) is None
    assert match(predicted(10, 17, article="B"), [shelling]) is None


def test_precision_and_recall_with_and_without_type() -> None:
    gold = [
        action("a1", "Shelling", ((10, 17), (50, 58))),
        action("a2", "Attack", ((100, 106),)),
        action("a3", "Combat", ((200, 208),), factuality="generic"),
    ]
    reports = [
        predicted(10, 17),  # a1, right type
        predicted(50, 58),  # a1 again, in another paragraph
        predicted(100, 106, "Shelling"),  # a2, wrong type
        predicted(300, 305),  # nothing
    ]
    s = score(gold, reports, GROUPS, {"A": "x" * 400})
    assert (s.reports, s.matched, s.typed) == (4, 3, 2)
    assert (s.actions.right, s.actions.total) == (2, 3)
    assert (s.actions_typed.right, s.actions_typed.total) == (1, 3)
    assert (s.specific.right, s.specific.total) == (2, 2)
    assert (s.specific_typed.right, s.specific_typed.total) == (1, 2)
    assert len(s.false_positives) == 1
    assert "300-305 'xxxxx': Shelling" in s.false_positives[0]
    assert len(s.type_errors) == 1
    text = report(s, errors=True)
    assert "event precision (type right): 0.500 (2/4)" in text
    assert "event recall, generic left out (any type): 1.000 (2/2)" in text
    assert "missed actions (1):" in text


def test_reports_outside_the_windows_are_not_scored() -> None:
    inside, outside, other = predicted(10, 17), predicted(90, 95), predicted(10, 17, article="B")
    assert in_windows([outside, other, inside], {"A": (0, 50)}) == [inside]


def test_agent_compatibility_country_forces_government() -> None:
    forces = entity("e/russian-armed-forces-1", "Q193159")
    unlinked = entity("http://x/id/entity/armed-forces-of-q159-0a1b2c")
    government = entity("http://x/id/entity/government-of-q212-0a1b2c")
    gold_forces = Span(0, 14, "Russian troops", "Q193159", "Q193159")
    assert agent_right([forces], [RUSSIA], GROUPS)
    assert agent_right([unlinked], [RUSSIA], GROUPS)
    assert agent_right([unlinked], [gold_forces], GROUPS)
    assert agent_right([entity("e/russia", "Q159")], [gold_forces], GROUPS)
    assert not agent_right([government], [RUSSIA], GROUPS)
    assert agent_right([government], [Span(0, 7, "Ukraine", "Q212", "Q212")], GROUPS)
    # an unverified national group of the gold, by its name ref
    us = Span(0, 9, "US troops", "name:United States Armed Forces", None)
    assert agent_right([entity("e/armed-forces-of-q30-ab12")], [us], GROUPS)
    # by mention, whatever the QIDs; none predicted is wrong
    assert agent_right([entity("e/someone", None, (3, 8))], [RUSSIA], GROUPS)
    assert not agent_right([], [RUSSIA], GROUPS)


def test_roles_are_scored_on_matched_pairs_where_the_gold_states_them() -> None:
    gold = [
        action(
            agent=(RUSSIA,),
            target=(Span(20, 27, "Kharkiv", "Q42", "Q42"),),
            date=("2022-03-01", "2022-03-01"),
            factuality="reported",
            source=(Span(40, 45, "Synehubov"),),
        ),
        action("a2", triggers=((100, 106),)),  # no roles stated
    ]
    reports = [
        predicted(
            10,
            17,
            agents=(entity("e/forces", "Q193159"),),
            locations=(entity("e/kharkiv", "Q42"),),
            date=("2022-03-01", "2022-03-01"),
            factuality="asserted",
        ),
        predicted(100, 106, agents=(entity("e/ukraine", "Q212"),)),
    ]
    roles = score(gold, reports, GROUPS).roles
    assert (roles["agent"].right, roles["agent"].total) == (1, 1)
    assert (roles["target or location"].right, roles["target or location"].total) == (1, 1)
    assert (roles["date (exact)"].right, roles["date (exact)"].total) == (1, 1)
    assert (roles["factuality"].right, roles["factuality"].total) == (1, 2)
    assert (roles["source (reported/denied)"].right, roles["source (reported/denied)"].total) == (
        0,
        1,
    )


@pytest.mark.parametrize(
    ("predicted_bounds", "gold", "right"),
    [
        (("2022-03-01", "2022-03-01"), ("2022-03-01", "2022-03-01"), True),
        (("2022-03-05", "2022-03-05"), ("2022-03-01", "2022-03-31"), True),
        (("2022-02-24", "2022-03-31"), ("2022-03-01", "2022-03-31"), False),  # wider
        (("2022-03-05", "2022-03-05"), (None, "2022-04-01"), True),  # open start
        ((None, "2022-03-05"), ("2022-03-01", "2022-03-31"), False),  # open predicted start
        (("2022-03-07", "2022-03-05"), ("2022-03-01", "2022-03-31"), False),  # empty
        (None, ("2022-03-01", "2022-03-31"), False),  # missing
    ],
)
def test_date_right_means_within_the_gold_bounds(
    predicted_bounds: tuple[str | None, str | None] | None,
    gold: tuple[str | None, str | None],
    right: bool,
) -> None:
    assert date_right(predicted_bounds, gold) is right


def test_same_occurrence_by_action_in_an_article_and_by_key_across() -> None:
    a1, a2 = action("a1", key="K"), action("a2", key="K")
    b1, b_null = action("a1", article="B", key="K"), action("a2", article="B")
    assert same_occurrence(a1, a1)
    assert not same_occurrence(a1, a2)
    assert same_occurrence(a1, b1)
    assert not same_occurrence(a1, b_null)
    assert not same_occurrence(b_null, action("a9", article="C"))


def test_wrong_and_missed_merges() -> None:
    gold = [
        action("a1", triggers=((10, 17), (50, 58)), key="Shelling:kharkiv:2022-03-01"),
        action("a2", triggers=((100, 106),)),
        action("a1", article="B", key="Shelling:kharkiv:2022-03-01"),
        action("a1", article="C"),
    ]
    reports = [
        predicted(10, 17, event="e1"),  # A a1
        predicted(50, 58, event="e2"),  # A a1 too: missed merge with the above
        predicted(100, 106, event="e1"),  # A a2 merged with A a1: wrong
        predicted(10, 17, article="B", event="e1"),  # B a1: same key, right merge with A a1
        predicted(10, 17, article="C", event="e2"),  # C a1: no key, wrong merge with A a1
    ]
    s = score(gold, reports, GROUPS)
    # merged pairs: (A10, A100) wrong, (A10, B10) right, (A100, B10) wrong, (A50, C10) wrong
    assert s.merged_pairs == 4
    assert len(s.wrong_merges) == 3
    # same occurrence: (A10, A50), (A10, B10), (A50, B10); only (A10, B10) is merged
    assert (s.same_pairs, s.missed_merges) == (3, 2)
    assert s.split_occurrences == ["Shelling:kharkiv:2022-03-01: 2 events"]
    assert "merge precision 0.250 (1/4)" in report(s, errors=False)


def test_a_report_without_event_is_its_own_event() -> None:
    gold = [action("a1", triggers=((10, 17), (50, 58)))]
    s = score(gold, [predicted(10, 17), predicted(50, 58)], GROUPS)
    assert (s.merged_pairs, s.same_pairs, s.missed_merges) == (0, 1, 1)


def test_keys_are_reconciled() -> None:
    assert reconcile("X", "a1", "Invasion:ukraine:2022") == "Invasion:ukraine:feared-2022"
    assert reconcile("X", "a1", "Deployment:ukraine-border:2022-02") == (
        "Deployment:ukraine-border:2021-2022"
    )
    assert reconcile("X", "a1", "Seizure:crimea:2014") == "Seizure:crimea:2014"
    assert reconcile("X", "a1", None) is None


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
GAF = "http://groundedannotationframework.org/gaf#denotedBy"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
DATE = NamedNode("http://www.w3.org/2001/XMLSchema#date")


def _quads() -> list[Quad]:
    """One report in article A1 (its article graph), its event and agent (the merged graph)."""
    x = "http://x/id/"
    a1, merged = NamedNode("http://x/graph/article/A1"), NamedNode("http://x/graph/merged")
    rows: list[tuple[str, str, NamedNode | Literal, NamedNode]] = [
        ("report/r1", RDF, NamedNode(NK + "EventReport"), a1),
        ("report/r1", NK + "eventType", NamedNode(NK + "Shelling"), a1),
        ("report/r1", NK + "factuality", NamedNode(NK + "reported"), a1),
        ("report/r1", GAF, NamedNode(x + "article/A1#char=10,17"), a1),
        ("report/r1", "http://www.w3.org/ns/prov#wasDerivedFrom", NamedNode(x + "article/A1"), a1),
        ("report/r1", NK + "agent", NamedNode(x + "entity/russia-1"), a1),
        ("report/r1", SEM + "hasEarliestBeginTimeStamp", Literal("2022-03-01", datatype=DATE), a1),
        ("report/r1", SEM + "hasLatestEndTimeStamp", Literal("2022-03-31", datatype=DATE), a1),
        ("report/r1", NK + "reportOf", NamedNode(x + "event/e1"), merged),
        (
            "entity/russia-1",
            "http://www.w3.org/2000/01/rdf-schema#label",
            Literal("Russia"),
            merged,
        ),
        ("entity/russia-1", "http://www.w3.org/2002/07/owl#sameAs", NamedNode(WD + "Q159"), merged),
        ("entity/russia-1", GAF, NamedNode(x + "article/A1#char=0,6"), a1),
        ("entity/russia-1", GAF, NamedNode(x + "article/A2#char=3,9"), a1),  # another article's
    ]
    return [Quad(NamedNode(x + s), NamedNode(p), o, g) for s, p, o, g in rows]


def test_read_build_reads_reports_roles_and_events(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "store"))
    store.extend(_quads())
    store.flush()
    del store
    gc.collect()
    (found,) = read_build(tmp_path, {"A1": (0, 100)})
    assert (found.article, found.begin, found.end) == ("A1", 10, 17)
    assert (found.type, found.factuality, found.event) == (
        "Shelling",
        "reported",
        "http://x/id/event/e1",
    )
    assert found.date == ("2022-03-01", "2022-03-31")
    assert found.agents == (Entity("http://x/id/entity/russia-1", "Russia", "Q159", ((0, 6),)),)
    assert read_build(tmp_path, {"A1": (20, 100)}) == []


def test_gold_articles_are_selected_in_id_order() -> None:
    lines = ['{"id": "b", "text": "B"}', "", '{"id": "a", "text": "A"}', '{"id": "c"}']
    assert select(lines, {"a", "b"}) == ['{"id": "a", "text": "A"}', '{"id": "b", "text": "B"}']
    with pytest.raises(SystemExit):
        select(lines, {"a", "z"})
