"""Time expressions: find them in a parsed article and turn them into calendar bounds.

:func:`normalise_time` is a pure function of the words, an anchor date and the tense. The anchor is
the article's publication date; without one, only expressions that carry their own year are
understood, because anything else would mean inventing a date. The rules, all documented as data
in ``kg/data/events/time_words.tsv``:

* absolute dates: ``2022-02-24``, ``February 24, 2022``, ``24 February``, ``March 2022``, ``2022``;
  a missing year comes from the anchor: the latest such date on or before the anchor (news reports
  what has happened), or, when the clause is in the future tense, the earliest on or after it;
* ``early`` / ``mid`` / ``late`` narrow a month to days 1-10, 11-20 and 21 to the end;
* weekdays (``on Wednesday``) resolve the same way as a date without a year; ``last Wednesday`` is
  strictly before the anchor and ``next Wednesday`` strictly after it;
* ``today``, ``yesterday``, ``tomorrow``, ``tonight``, ``this morning``; ``last night`` spans the
  day before the anchor and the anchor;
* calendar units around the anchor: ``this week`` (Monday to the anchor, or the anchor to Sunday
  in the future tense), ``last month``, ``next year``, ``earlier this month``;
* rolling windows ending at the anchor: ``the past week``, ``the past two months``;
* counts back from the anchor: ``three days ago``, ``a week ago`` (the calendar week that holds
  the day seven days back);
* shifts from a reference date: ``a day earlier``, ``two days later``, ``the day before``,
  ``the following day``, ``later that day``. The caller passes the reference as ``anchor``
  (see :func:`find_times`).

Anything else (``the first day of the invasion``, ``months later``, ``since 2020``) is not
understood and gives ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from spacy.tokens import Doc, Span, Token

from kg.extract.dates import (
    granularity_of,
    infer_year,
    month_bounds,
    move,
    nearest_weekday,
    unit_bounds,
)
from kg.extract.eventdata import read_event_table
from kg.model import Granularity, Mention, TimeExpression

Bounds = tuple[Granularity, date, date]
TIME_LABELS = frozenset({"DATE", "TIME"})
_WORD = re.compile(r"\d{4}-\d{2}-\d{2}|\d+|[a-z]+(?:'[a-z]+)?|'[a-z]+")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MAX_DAY = 31


@dataclass(frozen=True, slots=True)
class TimeWords:
    """``kinds[word][kind] == value`` for every word of the time grammar."""

    kinds: Mapping[str, Mapping[str, str]]

    def value(self, word: str, kind: str) -> str | None:
        return self.kinds.get(word, {}).get(kind)

    def has(self, word: str, kind: str) -> bool:
        return kind in self.kinds.get(word, {})


def load_time_words() -> TimeWords:
    """The grammar's word list (``kg/data/events/time_words.tsv``)."""
    kinds: dict[str, dict[str, str]] = {}
    for word, kind, value in read_event_table("time_words.tsv", 3):
        kinds.setdefault(word, {})[kind] = value
    return TimeWords(MappingProxyType({w: MappingProxyType(k) for w, k in kinds.items()}))


# --- the grammar ---------------------------------------------------------------------------------


def time_tokens(text: str) -> list[str]:
    """Lower-case words and numbers of an expression; ordinal suffixes ("24th") are dropped."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    kept: list[str] = []
    for word in words:
        if word in _ORDINAL_SUFFIXES and kept and kept[-1].isdigit():
            continue
        kept.append(word)
    return kept


def content_tokens(table: TimeWords, text: str) -> list[str] | None:
    """The words that carry meaning, or None when the expression is a bound ("since 2020")."""
    words = time_tokens(text)
    if not words or table.has(words[0], "blocking"):
        return None
    return [word for word in words if not table.has(word, "filler")]


def number_of(table: TimeWords, word: str) -> int | None:
    if word.isdigit():
        return int(word)
    value = table.value(word, "number")
    return int(value) if value is not None else None


def is_reference_relative(table: TimeWords, text: str) -> bool:
    """Whether the expression counts from another date of the story ("a day earlier")."""
    words = content_tokens(table, text)
    if not words:
        return False
    if _story_day(table, words) is not None:
        return True
    return any(table.has(word, "shift") for word in words) and "this" not in words


def _story_day(table: TimeWords, words: Sequence[str]) -> int | None:
    """Days from the reference date for "the previous day", "the next day", "later that day"."""
    if len(words) < 2 or words[-1] != "day" or len(words) > 3:
        return None
    if len(words) == 3 and not table.has(words[0], "shift"):
        return None
    adjacent = table.value(words[-2], "adjacent_day")
    if adjacent is not None and len(words) == 2:
        return int(adjacent)
    return 0 if table.has(words[-2], "same_day") else None


def normalise_time(
    table: TimeWords, text: str, anchor: date | None, *, tense_future: bool = False
) -> tuple[Granularity, date | None, date | None] | None:
    """Calendar bounds of a time expression, or None when it is not understood.

    ``anchor`` is the date relative expressions count from (usually the publication date);
    ``tense_future`` says the clause is in the future tense, which decides the direction of
    expressions without a year ("on Friday", "in March").
    """
    words = content_tokens(table, text)
    if not words:
        return None
    for rule in (_iso, _absolute, _weekday, _relative_day, _calendar_unit, _rolling, _ago, _shift):
        try:
            result = rule(table, words, anchor, tense_future)
        except (ValueError, OverflowError):  # beyond the calendar datetime.date can hold
            return None
        if result is not None:
            return result
    return None


def _iso(
    table: TimeWords, words: Sequence[str], anchor: date | None, future: bool
) -> Bounds | None:
    if len(words) != 1:
        return None
    match = _ISO.fullmatch(words[0])
    if match is None:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return "day", day, day


def _year_of(word: str) -> int | None:
    return int(word) if len(word) == 4 and word.isdigit() and 1000 <= int(word) <= 2999 else None


@dataclass(frozen=True, slots=True)
class _DateParts:
    """The parts of an absolute date expression; any may be missing."""

    weekday: int | None
    section: str | None  # "1-10", "11-20", "21-31": early, mid, late
    month: int | None
    day: int | None
    year: int | None


def _date_parts(table: TimeWords, words: Sequence[str]) -> _DateParts | None:
    """[weekday] [section] then month, day and year in any order; None if another word is there."""
    rest = list(words)
    weekday = table.value(rest[0], "weekday") if rest else None
    if weekday is not None:
        rest = rest[1:]
    section = table.value(rest[0], "section") if rest else None
    if section is not None:
        rest = rest[1:]
    month = day = year = None
    for word in rest:
        month_value = table.value(word, "month")
        if month_value is not None and month is None:
            month = int(month_value)
        elif _year_of(word) is not None and year is None:
            year = _year_of(word)
        elif word.isdigit() and 1 <= int(word) <= _MAX_DAY and day is None:
            day = int(word)
        else:
            return None
    return _DateParts(None if weekday is None else int(weekday), section, month, day, year)


def _absolute(
    table: TimeWords, words: Sequence[str], anchor: date | None, future: bool
) -> Bounds | None:
    """Month, day and year in any usual order; a leading weekday is checked, not needed."""
    parts = _date_parts(table, words)
    if parts is None:
        return None
    if parts.month is None:
        bare_year = parts.day is None and parts.section is None and parts.weekday is None
        if parts.year is not None and bare_year:
            return "year", date(parts.year, 1, 1), date(parts.year, 12, 31)
        return None
    if parts.day is not None and parts.section is not None:
        return None
    year = parts.year
    if year is None:
        if anchor is None:
            return None
        year = infer_year(parts.month, parts.day, anchor, future=future)
        if year is None:
            return None
    return _date_bounds(parts, year, parts.month)


def _date_bounds(parts: _DateParts, year: int, month: int) -> Bounds | None:
    """A day (checked against the weekday, if given), a section of a month, or the month."""
    first, last = month_bounds(year, month)
    if parts.day is not None:
        if parts.day > last.day:
            return None
        found = date(year, month, parts.day)
        if parts.weekday is not None and found.weekday() != parts.weekday:
            return None
        return "day", found, found
    if parts.weekday is not None:
        return None
    if parts.section is not None:
        low, high = (int(part) for part in parts.section.split("-"))
        return "month", first.replace(day=low), last.replace(day=min(high, last.day))
    return "month", first, last


def _weekday(
    table: TimeWords, words: Sequence[str], anchor: date | None, future: bool
) -> Bounds | None:
    rest = [word for word in words if not table.has(word, "part_of_day")]
    if anchor is None or not rest or len(rest) > 2:
        return None
    weekday = table.value(rest[-1], "weekday")
    if weekday is None:
        return None
    direction = table.value(rest[0], "deictic") if len(rest) == 2 else "0"
    if direction is None:
        return None
    if direction == "0":
        found = nearest_weekday(anchor, int(weekday), future=future, strict=False)
    else:
        found = nearest_weekday(anchor, int(weekday), future=direction == "1", strict=True)
    return "day", found, found


def _relative_day(
    table: TimeWords, words: Sequence[str], anchor: date | None, future: bool
) -> Bounds | None:
    if anchor is None or not words:
        return None
    offset = table.value(words[0], "relative_day")
    tail = words[1:]
    if offset is not None and all(table.has(word, "part_of_day") for word in tail):
        day = anchor + timedelta(days=int(offset))
        return "day", day, day
    if len(words) == 2 and table.has(words[1], "part_of_day"):
        direction = table.value(words[0], "deictic")
        if direction == "0":
            return "day", anchor, anchor
        if direction == "-1" and words[1] == "night":
            return "day", anchor - timedelta(days=1), anchor
    return None


def _calendar_unit(
    table: TimeWords, words: Sequence[str], anchor: date | None, future: bool
) -> Bounds | None:
    """``this week``, ``last month``, ``next year``, ``earlier this month``, ``later this year``."""
    if anchor is None or len(words) not in (2, 3):
        return None
    shift = table.value(words[0], "shift") if len(words) == 3 else None
    if len(words) == 3 and (shift is None or words[1] != "this"):
        return None
    direction = table.value(words[-2], "deictic")
    unit = table.value(words[-1], "unit")
    if direction is None or unit is None or unit == "day" or words[-1].endswith("s"):
        return None
    first, last = unit_bounds(unit, move(anchor, unit, int(direction)))
    if direction == "0":
        after_anchor = future if shift is None else shift == "1"
        first, last = (anchor, last) if after_anchor else (first, anchor)
    return granularity_of(unit), first, last


def _rolling(
    table: TimeWords, words: Sequence[str], anchor: date | None, future: bool
) -> Bounds | None:
    """``the past week``, ``the past two months``: a window that ends at the anchor."""
    if anchor is None or len(words) not in (2, 3) or not table.has(words[0], "rolling"):
        return None
    count = number_of(table, words[1]) if len(words) == 3 else 1
    unit = table.value(words[-1], "unit")
    if count is None or unit is None or (unit == "day" and count == 1):
        return None
    return granularity_of(unit), move(anchor, unit, -count), anchor


def _ago(
    table: TimeWords, words: Sequence[str], anchor: date | None, future: bool
) -> Bounds | None:
    """``three days ago``: counted back from the anchor, at the unit's granularity."""
    if anchor is None or len(words) != 3 or not table.has(words[2], "ago"):
        return None
    count = number_of(table, words[0])
    unit = table.value(words[1], "unit")
    if count is None or unit is None:
        return None
    first, last = unit_bounds(unit, move(anchor, unit, -count))
    return granularity_of(unit), first, last


def _shift(
    table: TimeWords, words: Sequence[str], anchor: date | None, future: bool
) -> Bounds | None:
    """``a day earlier``, ``two weeks later``, ``the day before``, ``the following day``."""
    if anchor is None:
        return None
    step = _story_day(table, words)
    if step is not None:
        day = anchor + timedelta(days=step)
        return "day", day, day
    if len(words) == 2 and words[0] == "day" and table.has(words[1], "shift"):
        words = ["a", *words]
    if len(words) != 3:
        return None
    count = number_of(table, words[0])
    unit = table.value(words[1], "unit")
    direction = table.value(words[2], "shift")
    if count is None or unit is None or direction is None:
        return None
    first, last = unit_bounds(unit, move(anchor, unit, count * int(direction)))
    return granularity_of(unit), first, last


# --- finding expressions in a document ----------------------------------------------------------


def is_future_clause(table: TimeWords, verb: Token) -> bool:
    """Whether the clause of ``verb`` is in the future tense ("will withdraw", "is going to")."""
    for child in verb.children:
        if child.dep_ == "aux" and table.has(child.lower_, "future_aux"):
            return True
    return verb.lower_ == "going" and any(child.dep_ == "xcomp" for child in verb.children)


def governing_word(span: Span) -> Token:
    """The word a time expression modifies: the head of its root, past a preposition."""
    head = span.root.head
    return head.head if head.dep_ == "prep" else head


def is_bound(table: TimeWords, span: Span) -> bool:
    """Whether a preposition before the expression makes it a bound ("since 2020")."""
    doc = span.doc
    return span.start > 0 and table.has(doc[span.start - 1].lower_, "blocking")


def candidate_spans(table: TimeWords, doc: Doc) -> Iterator[Span]:
    """DATE and TIME entities, and weekday or month names the tagger missed, in text order."""
    covered_until = 0
    ents = [ent for ent in doc.ents if ent.label_ in TIME_LABELS]
    ent_at = {ent.start: ent for ent in ents}
    for token in doc:
        if token.i < covered_until:
            continue
        ent = ent_at.get(token.i)
        if ent is not None:
            end = ent.end
            while end in ent_at:  # "Tuesday" + "night": one expression
                end = ent_at[end].end
            covered_until = end
            yield doc[token.i : end]
            continue
        if token.ent_type_ in TIME_LABELS:
            continue
        lower = token.lower_
        is_month = table.has(lower, "month") and token.is_title and token.pos_ == "PROPN"
        if table.has(lower, "weekday") or is_month:
            end = token.i + 1
            while end < len(doc) and end - token.i < 4 and _continues_date(doc[end]):
                end += 1
            covered_until = end
            yield doc[token.i : end]


def _continues_date(token: Token) -> bool:
    """A day or year number after a month name, or the comma before the year."""
    if token.like_num:
        return True
    following = token.i + 1
    return token.text == "," and following < len(token.doc) and token.doc[following].like_num


@dataclass(frozen=True, slots=True)
class FoundTime:
    """A time expression with the tokens it spans and the word it modifies."""

    span: Span
    governor: Token
    expression: TimeExpression
    bound: bool


def resolve_times(table: TimeWords, doc: Doc, anchor: date | None) -> tuple[FoundTime, ...]:
    """Every understood time expression with its span, in text order.

    Expressions that count from another date of the story ("a day earlier") count from the last
    exact day resolved before them, or, when there is none, from the anchor.
    """
    found: list[FoundTime] = []
    reference = anchor
    for span in candidate_spans(table, doc):
        text = span.text.strip()
        if not text:
            continue
        governor = governing_word(span)
        base = reference if is_reference_relative(table, text) else anchor
        bounds = normalise_time(table, text, base, tense_future=is_future_clause(table, governor))
        if bounds is None:
            continue
        granularity, earliest, latest = bounds
        mention = Mention(span.start_char, span.end_char, span.text)
        expression = TimeExpression(mention, granularity, earliest, latest)
        found.append(FoundTime(span, governor, expression, is_bound(table, span)))
        if granularity == "day" and earliest is not None and earliest == latest:
            reference = earliest
    return tuple(found)


def find_times(table: TimeWords, doc: Doc, anchor: date | None) -> tuple[TimeExpression, ...]:
    """The normalised time expressions of a document, in text order (see :func:`resolve_times`)."""
    return tuple(found.expression for found in resolve_times(table, doc, anchor))
