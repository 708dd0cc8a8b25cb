"""kg.link.scoring: type filter, evidence score, ambiguity, context, short names, withheld."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.link.scoring import (
    LINK_THRESHOLD,
    Candidate,
    MatchKind,
    Rival,
    choose,
    class_fit,
    country_focus,
    match_of,
    score,
)
from kg.model import ENTITY_CLASSES


def cand(
    qid: str = "Q1",
    cls: str = "Place",
    *,
    name: str = "Kyiv",
    match: MatchKind = "label",
    country: str | None = "Q212",
    prominence: float = 0.5,
    head: bool = False,
) -> Candidate:
    return Candidate(qid, name, cls, country, prominence, match, name, "test", head)


@pytest.mark.parametrize(
    ("mention", "candidate", "allowed"),
    [
        ("Person", "Place", False),
        ("Person", "Country", False),
        ("Person", "Organisation", False),
        ("Person", "Person", True),
        ("Organisation", "Person", False),
        ("Organisation", "InternationalOrganisation", True),
        ("ArmedForces", "GovernmentBody", True),
        ("Place", "Country", True),
        ("Place", "NuclearPowerPlant", False),
        ("NuclearPowerPlant", "Place", False),
        ("Facility", "NuclearPowerPlant", True),
        ("Country", "Place", True),
    ],
)
def test_link_scoring_class_compatibility(mention: str, candidate: str, allowed: bool) -> None:
    assert (class_fit(mention, candidate) > 0) is allowed


@given(st.sampled_from(ENTITY_CLASSES), st.sampled_from(ENTITY_CLASSES))
def test_link_scoring_person_never_links_to_a_non_person(mention: str, candidate: str) -> None:
    if (mention == "Person") != (candidate == "Person"):
        assert score(cand(cls=candidate, name="Paris Hilton"), mention, {}) is None


def test_link_scoring_person_never_to_city_even_if_only_candidate() -> None:
    city = cand("Q90", "Place", name="Paris", country="Q142", prominence=1.0)
    assert choose([city], "Person", {"Q142": 1.0}) is None


@given(
    st.sampled_from(["label", "alias", "variant_label", "variant_alias"]),
    st.floats(0, 1),
    st.floats(0, 1),
    st.booleans(),
)
def test_link_scoring_score_is_within_bounds(
    match: MatchKind, prominence: float, focus: float, head: bool
) -> None:
    value = score(cand(match=match, prominence=prominence, head=head), "Place", {"Q212": focus})
    assert value is not None
    assert 0.0 <= value <= 1.0


MATCH_KINDS: list[MatchKind] = ["label", "alias", "variant_label", "variant_alias"]


def test_link_scoring_exact_label_beats_alias_beats_variant() -> None:
    values = [score(cand(match=m), "Place", {}) or 0.0 for m in MATCH_KINDS]
    assert values == sorted(values, reverse=True)
    assert len(set(values)) == 4


def test_link_scoring_abstains_when_two_candidates_are_close() -> None:
    one = cand("Q1", prominence=0.8, country="Q1")
    other = cand("Q2", prominence=0.75, country="Q2")
    assert choose([one, other], "Place", {}) is None


def test_link_scoring_context_breaks_a_tie() -> None:
    ukrainian = cand("Q1", prominence=0.6, country="Q212")
    american = cand("Q2", prominence=0.6, country="Q30")
    decision = choose([ukrainian, american], "Place", {"Q212": 1.0, "Q30": 0.1})
    assert decision is not None
    assert decision.candidate.qid == "Q1"
    assert choose([ukrainian, american], "Place", {}) is None


def test_link_scoring_prominence_breaks_a_tie_without_context() -> None:
    capital = cand("Q90", prominence=0.9, country="Q142", name="Paris")
    village = cand("Q2", prominence=0.0, country="Q30", name="Paris")
    decision = choose([capital, village], "Place", {})
    assert decision is not None
    assert decision.candidate.qid == "Q90"


def test_link_scoring_an_unknown_small_place_needs_context() -> None:
    hamlet = cand("Q7", prominence=0.0, country="Q212", name="Energodar")
    assert choose([hamlet], "Place", {}) is None
    decision = choose([hamlet], "Place", {"Q212": 1.0})
    assert decision is not None
    assert decision.confidence >= LINK_THRESHOLD


def test_link_scoring_weak_context_does_not_lift_an_unknown_namesake() -> None:
    montana = cand("Q548490", prominence=0.0, country="Q30", name="Kremlin")
    assert choose([montana], "Place", {"Q212": 1.0, "Q30": 0.1}) is None


def test_link_scoring_short_names_need_their_country_in_the_article() -> None:
    usa = cand("Q30", "Country", name="US", match="alias", country="Q30", prominence=1.0)
    assert choose([usa], "Place", {}) is None
    assert choose([usa], "Place", {"Q30": 1.0}) is not None
    un = cand("Q1065", "InternationalOrganisation", name="UN", country=None, prominence=1.0)
    assert choose([un], "Organisation", {"Q30": 1.0}) is None


def test_link_scoring_one_word_never_identifies_a_person() -> None:
    nickname = cand("Q78889142", "Person", name="Riff", match="alias", prominence=0.4)
    assert choose([nickname], "Person", {"Q212": 1.0}) is None
    full = cand("Q78889142", "Person", name="Andrii Antonenko", prominence=0.4)
    assert choose([full], "Person", {"Q212": 1.0}) is not None


def test_link_scoring_withheld_namesake_blocks_a_weaker_candidate() -> None:
    us_town = cand("Q1", prominence=0.0, country="Q30", name="Warsaw")
    focus = {"Q30": 1.0}
    assert choose([us_town], "Place", focus) is not None
    assert choose([us_town], "Place", focus, [Rival("Place", "Q36", 0.9)]) is None
    assert choose([us_town], "Place", focus, [Rival("Person", "Q36", 0.9)]) is not None


def test_link_scoring_facility_head_counts_as_specific() -> None:
    plain = score(cand(cls="NuclearPowerPlant", name="Chernobyl"), "NuclearPowerPlant", {})
    headed = score(
        cand(cls="NuclearPowerPlant", name="Chernobyl", head=True), "NuclearPowerPlant", {}
    )
    assert plain is not None
    assert headed is not None
    assert headed > plain


def test_link_scoring_match_of() -> None:
    aliases = ("Kiev",)
    assert match_of("kyiv", "Kyiv", aliases) == "label"
    assert match_of("KIEV", "Kyiv", aliases) == "alias"
    assert match_of("Zaporizhia", "Zaporizhzhia", ()) == "variant_label"
    assert match_of("Lviv", "Kyiv", aliases) is None
    label = "Chernobyl Nuclear Power Plant"
    assert match_of("Chernobyl", label, (), head=True) == "label"
    assert match_of("Chernobyl", label, ()) is None


def test_link_scoring_country_focus_is_relative_to_the_main_country() -> None:
    assert country_focus({"Q212": 10, "Q30": 1}) == {"Q212": 1.0, "Q30": 0.1}
    assert country_focus({}) == {}
