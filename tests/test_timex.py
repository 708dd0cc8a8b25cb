"""Time expressions: normalisation rules, date arithmetic properties, and finding them in text."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.extract.dates import month_bounds, nearest_weekday
from kg.extract.timex import (
    find_times,
    is_reference_relative,
    load_time_words,
    normalise_time,
)

WORDS = load_time_words()

ANCHOR = date(2023, 11, 16)  # a Thursday
anchors = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def day(value: date) -> tuple[str, date, date]:
    return ("day", value, value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-09-19", day(date(2023, 9, 19))),
        ("on September 19, 2023", day(date(2023, 9, 19))),
        ("19 September 2023", day(date(2023, 9, 19))),
        ("the 19th of September", day(date(2023, 9, 19))),
        ("Sept. 19", day(date(2023, 9, 19))),
        ("December 30", day(date(2022, 12, 30))),
        ("in August", ("month", date(2023, 8, 1), date(2023, 8, 31))),
        ("in December", ("month", date(2022, 12, 1), date(2022, 12, 31))),
        ("October 2023", ("month", date(2023, 10, 1), date(2023, 10, 31))),
        ("late October", ("month", date(2023, 10, 21), date(2023, 10, 31))),
        ("mid-September", ("month", date(2023, 9, 11), date(2023, 9, 20))),
        ("in 2020", ("year", date(2020, 1, 1), date(2020, 12, 31))),
        ("on Monday", day(date(2023, 11, 13))),
        ("Thursday", day(ANCHOR)),
        ("last Thursday", day(date(2023, 11, 9))),
        ("next Monday", day(date(2023, 11, 20))),
        ("Saturday night", day(date(2023, 11, 11))),
        ("Monday, November 13", day(date(2023, 11, 13))),
        ("today", day(ANCHOR)),
        ("yesterday", day(date(2023, 11, 15))),
        ("this morning", day(ANCHOR)),
        ("last night", ("day", date(2023, 11, 15), ANCHOR)),
        ("this week", ("week", date(2023, 11, 13), ANCHOR)),
        ("last week", ("week", date(2023, 11, 6), date(2023, 11, 12))),
        ("last month", ("month", date(2023, 10, 1), date(2023, 10, 31))),
        ("earlier this month", ("month", date(2023, 11, 1), ANCHOR)),
        ("last year", ("year", date(2022, 1, 1), date(2022, 12, 31))),
        ("the past two weeks", ("week", date(2023, 11, 2), ANCHOR)),
        ("four days ago", day(date(2023, 11, 12))),
        ("a month ago", ("month", date(2023, 10, 1), date(2023, 10, 31))),
        ("a day earlier", day(date(2023, 11, 15))),
        ("two days later", day(date(2023, 11, 18))),
        ("the day before", day(date(2023, 11, 15))),
        ("the following day", day(date(2023, 11, 17))),
        ("the previous day", day(date(2023, 11, 15))),
        ("later that day", day(ANCHOR)),
        ("the same day", day(ANCHOR)),
    ],
)
def test_timex_normalise_past(text: str, expected: tuple[str, date, date]) -> None:
    assert normalise_time(WORDS, text, ANCHOR) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Monday", day(date(2023, 11, 20))),
        ("Thursday", day(ANCHOR)),
        ("in January", ("month", date(2024, 1, 1), date(2024, 1, 31))),
        ("this week", ("week", ANCHOR, date(2023, 11, 19))),
        ("March 3", day(date(2024, 3, 3))),
    ],
)
def test_timex_normalise_future_tense(text: str, expected: tuple[str, date, date]) -> None:
    assert normalise_time(WORDS, text, ANCHOR, tense_future=True) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the first day of the invasion",
        "months later",
        "since 2020",
        "until March",
        "by Friday",
        "within a day",
        "February 30",
        "Friday, November 16",  # 2023-11-16 is a Thursday: a contradiction, not a guess
        "decades",
        "",
    ],
)
def test_timex_normalise_not_understood(text: str) -> None:
    assert normalise_time(WORDS, text, ANCHOR) is None


@pytest.mark.parametrize(
    "text", ["on Wednesday", "yesterday", "last month", "this week", "December 30", "in March"]
)
def test_timex_without_anchor_only_absolute(text: str) -> None:
    assert normalise_time(WORDS, text, None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on December 30, 2022", day(date(2022, 12, 30))),
        ("2019", ("year", date(2019, 1, 1), date(2019, 12, 31))),
        ("June 2014", ("month", date(2014, 6, 1), date(2014, 6, 30))),
    ],
)
def test_timex_without_anchor_absolute(text: str, expected: tuple[str, date, date]) -> None:
    assert normalise_time(WORDS, text, None) == expected


@pytest.mark.parametrize(
    ("text", "relative"),
    [("a day earlier", True), ("the day before", True), ("two weeks later", True),
     ("later that day", True), ("the next day", True), ("next week", False),
     ("earlier this month", False), ("yesterday", False), ("three days ago", False)],
)  # fmt: skip
def test_timex_reference_relative(text: str, relative: bool) -> None:
    assert is_reference_relative(WORDS, text) is relative


@given(anchor=anchors, weekday=st.integers(0, 6), future=st.booleans())
def test_timex_weekday_is_nearest_on_the_tense_side(
    anchor: date, weekday: int, future: bool
) -> None:
    result = normalise_time(WORDS, f"on {WEEKDAYS[weekday].title()}", anchor, tense_future=future)
    assert result is not None
    _, found, _ = result
    assert found is not None
    assert found.weekday() == weekday
    gap = (found - anchor).days if future else (anchor - found).days
    assert 0 <= gap < 7


@given(anchor=anchors, weekday=st.integers(0, 6))
def test_timex_last_weekday_is_strictly_before(anchor: date, weekday: int) -> None:
    found = nearest_weekday(anchor, weekday, future=False, strict=True)
    assert 1 <= (anchor - found).days <= 7
    assert found.weekday() == weekday


@given(anchor=anchors, target=st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)))
def test_timex_year_inferred_is_latest_not_after_anchor(anchor: date, target: date) -> None:
    result = normalise_time(WORDS, f"{MONTHS[target.month - 1]} {target.day}", anchor)
    if result is None:  # 29 February with no leap year within reach
        assert target.month == 2
        assert target.day == 29
        return
    _, found, _ = result
    assert found is not None
    assert (found.month, found.day) == (target.month, target.day)
    assert found <= anchor
    assert (anchor - found).days < 366 * 4


@given(anchor=anchors, count=st.integers(1, 12))
def test_timex_days_ago_counts_back(anchor: date, count: int) -> None:
    assert normalise_time(WORDS, f"{count} days ago", anchor) == day(anchor - timedelta(days=count))


@given(anchor=anchors)
def test_timex_last_month_is_the_previous_calendar_month(anchor: date) -> None:
    result = normalise_time(WORDS, "last month", anchor)
    assert result is not None
    granularity, first, last = result
    assert granularity == "month"
    assert first is not None
    assert last is not None
    assert first.day == 1
    assert last + timedelta(days=1) == anchor.replace(day=1)


@given(anchor=anchors, future=st.booleans())
def test_timex_this_week_contains_anchor(anchor: date, future: bool) -> None:
    result = normalise_time(WORDS, "this week", anchor, tense_future=future)
    assert result is not None
    _, first, last = result
    assert first is not None
    assert last is not None
    assert first <= anchor <= last
    assert (last - first).days <= 6
    assert (last == anchor) is not future or anchor.weekday() == 6


EXPRESSIONS = (
    "on Friday", "next Friday", "last Friday", "December 31", "February 29", "in January",
    "this week", "next week", "last month", "next month", "next year", "last year",
    "the past two months", "12 years ago", "three weeks ago", "a day later", "a year earlier",
    "early December", "late February", "tomorrow night", "earlier this year", "later this month",
)  # fmt: skip


@given(
    anchor=st.one_of(st.none(), st.dates()), text=st.sampled_from(EXPRESSIONS), future=st.booleans()
)
def test_timex_bounds_are_ordered_and_never_crash(
    anchor: date | None, text: str, future: bool
) -> None:
    result = normalise_time(WORDS, text, anchor, tense_future=future)
    if result is not None:
        _, first, last = result
        assert first is not None
        assert last is not None
        assert first <= last
    if anchor is None:
        assert result is None


@given(year=st.integers(1950, 2090), month=st.integers(1, 12))
def test_timex_month_bounds_cover_the_month(year: int, month: int) -> None:
    first, last = month_bounds(year, month)
    assert first.day == 1
    assert (last + timedelta(days=1)).day == 1
    assert last.month == month


def test_timex_find_in_text(nlp: Any) -> None:
    doc = nlp(
        "Rebels shelled the town on Tuesday night. A day earlier, the army said it had "
        "withdrawn. Peacekeepers have been deployed there since 2020."
    )
    found = {
        t.mention.anchor: (t.granularity, t.earliest, t.latest)
        for t in find_times(WORDS, doc, ANCHOR)
    }
    assert found["Tuesday night"] == day(date(2023, 11, 14))
    assert found["A day earlier"] == day(date(2023, 11, 13))  # counted from Tuesday
    for time in find_times(WORDS, doc, ANCHOR):
        assert doc.text[time.mention.begin : time.mention.end] == time.mention.anchor


def test_timex_find_future_clause(nlp: Any) -> None:
    doc = nlp("The mission will visit the plant on Monday.")
    (time,) = find_times(WORDS, doc, ANCHOR)
    assert time.earliest == date(2023, 11, 20)


def test_timex_find_without_anchor_keeps_absolute_only(nlp: Any) -> None:
    doc = nlp("Troops left on Monday and returned on March 3, 2021.")
    assert [t.mention.anchor for t in find_times(WORDS, doc, None)] == ["March 3, 2021"]
