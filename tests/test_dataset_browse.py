"""The timeline's counts and its time axis, from event rows."""

from __future__ import annotations

from datetime import date

from kg.dataset.browse import timeline
from kg.dataset.events import EventRow, Party


def row(iri: str, kind: str, earliest: date | None, latest: date | None) -> EventRow:
    return EventRow(
        iri, "event", (Party("t:" + kind, kind),), (), (), (), earliest, latest, (), 1, None, iri
    )


def test_browse_timeline_counts_single_days_by_type_on_a_calendar_axis() -> None:
    line = timeline(
        [
            row("a", "Seizure", date(2022, 2, 24), date(2022, 2, 24)),
            row("b", "Shelling", date(2022, 2, 24), date(2022, 2, 24)),
            row("c", "Seizure", date(2022, 5, 3), date(2022, 5, 3)),
            row("d", "Seizure", date(2022, 3, 1), date(2022, 3, 9)),  # a range: not one day
            row("e", "Seizure", None, None),
        ]
    )
    assert line.days == (
        (date(2022, 2, 24), {"Seizure": 1, "Shelling": 1}),
        (date(2022, 5, 3), {"Seizure": 1}),
    )
    assert (line.types, line.peak, line.spanning, line.undated) == (
        ("Seizure", "Shelling"),
        2,
        1,
        1,
    )
    assert line.span == 69  # gaps between days stay gaps on the axis
    assert line.offset(date(2022, 5, 3)) == 68
    assert line.ticks() == [date(2022, 3, 1), date(2022, 4, 1), date(2022, 5, 1)]


def test_browse_timeline_ticks_years_over_long_spans() -> None:
    line = timeline(
        [
            row("a", "Attack", date(2014, 3, 1), date(2014, 3, 1)),
            row("b", "Attack", date(2024, 4, 27), date(2024, 4, 27)),
        ]
    )
    ticks = line.ticks()
    assert 2 <= len(ticks) <= 10
    assert all(t.month == 1 and t.day == 1 for t in ticks)
