"""Calendar arithmetic for time expressions: month and week bounds, weekday and year choice.

Pure functions of :class:`datetime.date` values; the rules that use them are in
:mod:`kg.extract.timex`. Dates outside what :class:`datetime.date` holds raise ``ValueError`` or
``OverflowError``, which the caller turns into "not understood".
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from kg.model import Granularity


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """The (year, month) ``delta`` months away."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week that holds ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def shift_years(day: date, delta: int) -> date:
    """The same day ``delta`` years away (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + delta)
    except ValueError:
        return day.replace(year=day.year + delta, day=28)


def nearest_weekday(anchor: date, weekday: int, *, future: bool, strict: bool) -> date:
    """The latest ``weekday`` on or before the anchor, or the earliest on or after it.

    ``strict`` excludes the anchor itself ("last Wednesday" said on a Wednesday is a week back).
    """
    if future:
        days = (weekday - anchor.weekday()) % 7
        return anchor + timedelta(days=7 if strict and days == 0 else days)
    days = (anchor.weekday() - weekday) % 7
    return anchor - timedelta(days=7 if strict and days == 0 else days)


def infer_year(month: int, day: int | None, anchor: date, *, future: bool) -> int | None:
    """The year that puts ``month`` (and ``day``) nearest the anchor on the side the tense says."""
    candidates: list[tuple[int, date, date]] = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        first, last = month_bounds(year, month)
        if day is not None:
            if day > last.day:
                continue
            first = last = date(year, month, day)
        candidates.append((year, first, last))
    if future:
        later = [year for year, _, last in candidates if last >= anchor]
        return min(later) if later else None
    earlier = [year for year, first, _ in candidates if first <= anchor]
    return max(earlier) if earlier else None


def unit_bounds(unit: str, day: date) -> tuple[date, date]:
    """The calendar ``unit`` (day, week, month, year) that holds ``day``."""
    if unit == "day":
        return day, day
    if unit == "week":
        return week_bounds(day)
    if unit == "month":
        return month_bounds(day.year, day.month)
    return date(day.year, 1, 1), date(day.year, 12, 31)


def move(day: date, unit: str, count: int) -> date:
    """``day`` moved by ``count`` units (months and years keep the day where they can)."""
    if unit == "day":
        return day + timedelta(days=count)
    if unit == "week":
        return day + timedelta(weeks=count)
    if unit == "month":
        year, month = add_months(day.year, day.month, count)
        return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return shift_years(day, count)


def granularity_of(unit: str) -> Granularity:
    granularities: dict[str, Granularity] = {
        "day": "day",
        "week": "week",
        "month": "month",
        "year": "year",
    }
    return granularities[unit]
