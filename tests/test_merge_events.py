"""Cross-article merging of event reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.graph.events import MAX_CONFIDENCE, ReportKey, merge_reports, merged_confidence
from kg.model import Factuality

PLANT = "https://example.org/e/plant"
CITY = "https://example.org/e/city"
ARMY = "https://example.org/e/army"
MILITIA = "https://example.org/e/militia"
DAY = date(2023, 5, 6)


def report(
    iri: str,
    *,
    article: str = "a1",
    type: str = "Seizure",
    agents: tuple[str, ...] = (ARMY,),
    targets: tuple[str, ...] = (PLANT,),
    earliest: date | None = DAY,
    latest: date | None = DAY,
    factuality: Factuality = "asserted",
    confidence: float = 0.6,
) -> ReportKey:
    return ReportKey(
        iri=iri,
        article_id=article,
        type=type,
        agents=frozenset(agents),
        targets=frozenset(targets),
        locations=frozenset(),
        earliest=earliest,
        latest=latest,
        factuality=factuality,
        confidence=confidence,
    )


def test_merge_events_same_action_from_two_articles() -> None:
    (event,) = merge_reports([report("r1", article="a1"), report("r2", article="a2")])
    assert [r.iri for r in event.reports] == ["r1", "r2"]
    assert event.targets == {PLANT}
    assert event.agents == {ARMY}
    assert event.earliest == event.latest == DAY
    assert event.reason == (
        f"2 reports: same type Seizure, same target {PLANT}, same agent {ARMY}, "
        "dates 2023-05-06 and 2023-05-06 overlap"
    )


@pytest.mark.parametrize(
    ("second", "merged"),
    [
        (report("r2", type="Shelling"), False),
        (report("r2", targets=(CITY,)), False),
        (report("r2", agents=(MILITIA,)), False),
        (report("r2", agents=()), True),
        (report("r2", earliest=DAY + timedelta(days=3), latest=DAY + timedelta(days=3)), False),
        (report("r2", earliest=date(2023, 5, 1), latest=date(2023, 5, 31)), True),
        (report("r2", earliest=None, latest=None), True),
        (report("r2", factuality="reported"), True),
    ],
)
def test_merge_events_compatibility(second: ReportKey, merged: bool) -> None:
    events = merge_reports([report("r1"), second])
    assert len(events) == (1 if merged else 2)


@pytest.mark.parametrize("factuality", ["denied", "hypothetical"])
def test_merge_events_unasserted_reports_form_no_event(factuality: Factuality) -> None:
    assert merge_reports([report("r1", factuality=factuality)]) == ()


def test_merge_events_without_target_stay_apart() -> None:
    events = merge_reports([report("r1", targets=()), report("r2", targets=())])
    assert len(events) == 2
    assert "no target" in events[0].reason


def test_merge_events_dates_are_the_intersection() -> None:
    month = report("r1", earliest=date(2023, 5, 1), latest=date(2023, 5, 31))
    (event,) = merge_reports([month, report("r2"), report("r3", earliest=None, latest=None)])
    assert (event.earliest, event.latest) == (DAY, DAY)
    assert "2023-05-01..2023-05-31 and 2023-05-06 overlap" in event.reason


def test_merge_events_agentless_report_ambiguous_between_two_agents() -> None:
    events = merge_reports(
        [report("r1", agents=(ARMY,)), report("r2", agents=(MILITIA,)), report("r3", agents=())]
    )
    assert sorted(len(e.reports) for e in events) == [1, 1, 1]


def test_merge_events_chained_dates_do_not_merge_transitively() -> None:
    first = report("r1", earliest=date(2023, 5, 1), latest=date(2023, 5, 2))
    middle = report("r2", earliest=date(2023, 5, 2), latest=date(2023, 5, 3))
    last = report("r3", earliest=date(2023, 5, 3), latest=date(2023, 5, 4))
    events = merge_reports([first, middle, last])
    assert len(events) == 2
    for event in events:
        dated = [r.interval for r in event.reports]
        assert all(max(a[0], b[0]) <= min(a[1], b[1]) for a in dated for b in dated)


@pytest.mark.parametrize(
    ("values", "expected"),
    [([0.5], 0.5), ([0.5, 0.5], 0.75), ([0.9, 0.9, 0.9], MAX_CONFIDENCE), ([], 0.0)],
)
def test_merge_events_confidence_is_capped_noisy_or(values: list[float], expected: float) -> None:
    assert merged_confidence(values) == pytest.approx(expected)


dates = st.one_of(st.none(), st.dates(min_value=date(2023, 5, 1), max_value=date(2023, 5, 8)))
reports = st.builds(
    lambda n, t, a, g, d, w, f, c: report(
        f"r{n}",
        article=f"a{n % 3}",
        type=t,
        agents=a,
        targets=g,
        earliest=d,
        latest=None if d is None else d + timedelta(days=w),
        factuality=f,
        confidence=c,
    ),
    st.integers(0, 10_000),
    st.sampled_from(["Seizure", "Withdrawal"]),
    st.sampled_from([(), (ARMY,), (MILITIA,)]),
    st.sampled_from([(), (PLANT,), (CITY,), (PLANT, CITY)]),
    dates,
    st.integers(0, 3),
    st.sampled_from(["asserted", "reported", "denied", "hypothetical"]),
    st.floats(0.0, 1.0),
)


@given(st.lists(reports, max_size=12), st.randoms())
def test_merge_events_permutation_invariant(items: list[ReportKey], rng: Random) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)
    assert merge_reports(items) == merge_reports(shuffled)


@given(st.lists(reports, max_size=12))
def test_merge_events_every_event_report_is_in_exactly_one_event(items: list[ReportKey]) -> None:
    events = merge_reports(items)
    placed = [r for e in events for r in e.reports]
    expected = {r for r in items if r.factuality in ("asserted", "reported")}
    assert len(placed) == len(set(placed))
    assert set(placed) == expected
    for event in events:
        assert 0.0 <= event.confidence <= MAX_CONFIDENCE
        assert all(r.type == event.type and r.targets == event.targets for r in event.reports)
        named = {r.agents for r in event.reports if r.agents}
        assert len(named) <= 1


def test_merge_events_undated_reports_merge_only_within_their_article() -> None:
    undated = partial(report, earliest=None, latest=None)
    apart = merge_reports([undated("r1", article="a1"), undated("r2", article="a2")])
    assert len(apart) == 2  # "Russia attacked Ukraine" in two articles: 2014's or 2022's?
    together = merge_reports([report("r1", article="a1"), undated("r2", article="a1")])
    assert len(together) == 1
    # an undated report of a1 does not pull a2's report in through a1's dated one
    events = merge_reports(
        [
            report("r1", article="a1"),
            undated("r2", article="a1"),
            report("r3", article="a2"),
        ]
    )
    assert sorted(len(e.reports) for e in events) == [1, 2]


def test_merge_events_an_attack_and_a_shelling_of_one_target_are_one_shelling() -> None:
    (event,) = merge_reports(
        [report("r1", type="Attack", article="a1"), report("r2", type="Shelling", article="a2")]
    )
    assert event.type == "Shelling"
    assert "types Attack and Shelling (one Shelling)" in event.reason
    airstrike = merge_reports([report("r1", type="Airstrike"), report("r2", type="Shelling")])
    assert len(airstrike) == 2


def test_merge_events_a_country_and_its_armed_forces_are_one_side() -> None:
    country = replace(report("r1", agents=("https://example.org/e/russia",), article="a1"),
                      sides=frozenset({"state:Q159"}))  # fmt: skip
    forces = replace(report("r2", agents=(ARMY,), article="a2"), sides=frozenset({"state:Q159"}))
    (event,) = merge_reports([country, forces])
    assert "agents of one side (state:Q159)" in event.reason
    other = replace(report("r3", agents=(MILITIA,), article="a3"), sides=frozenset({"state:Q212"}))
    assert len(merge_reports([country, other])) == 2


def test_merge_events_without_target_merge_on_the_same_location() -> None:
    fighting = partial(report, type="Combat", targets=())
    first = replace(fighting("r1"), locations=frozenset({CITY}))
    second = replace(fighting("r2", article="a2"), locations=frozenset({CITY}))
    (event,) = merge_reports([first, second])
    assert "no target, same location" in event.reason


def test_merge_events_side_of_an_agent() -> None:
    from kg.graph.merge import side_of
    from kg.model import Entity, Link

    russia = Entity("russia", "Russia", "Country", (), link=Link("Q159", 0.9, "Russia", "t"))
    army = Entity("armed forces of q159", "Russian Armed Forces", "ArmedForces", (), country="Q159")
    militia = Entity("militia", "A militia", "ArmedForces", ())
    assert side_of(russia, "iri:1") == side_of(army, "iri:2") == "state:Q159"
    assert side_of(militia, "iri:3") == "iri:3"
    # one article's NER may class the same national group as a bare organisation
    forces = Entity("armed forces of q159", "Russian forces", "Organisation", (), country="Q159")
    assert side_of(forces, "iri:2") == "state:Q159"
    company = Entity("gazprom", "Gazprom", "Company", (), country="Q159")
    assert side_of(company, "iri:4") == "iri:4"
