"""An article's text with spans marked: sentences, entity mentions and event triggers.

Spans come from RFC 5147 offsets (Unicode code points, end exclusive) and may nest (a mention in
a sentence) or cross (a mention that runs over a sentence's end). HTML needs properly nested
elements, so :func:`mark_text` cuts a crossing span where the enclosing one ends and continues it
after (the continuation has no ``id``, so each ``#char=b,e`` fragment names one element). The
result is a flat list of pieces a template renders with autoescaping: text, an opening mark, or
a closing mark.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Span:
    """A marked range of the text; ``anchor`` is the element id (``char=b,e``) of its first
    piece."""

    begin: int
    end: int
    kind: str  # "sentence", "entity", "trigger", "statement", ...
    anchor: str | None = None
    href: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Piece:
    """``text`` (a run of characters), ``open`` (a span starts) or ``close`` (it ends).

    ``tag`` is the element to use: ``a`` for a span with a link inside no other link (HTML
    forbids nested links), else ``span``.
    """

    kind: str
    text: str = ""
    span: Span | None = None
    tag: str = "span"


def mark_text(text: str, spans: Iterable[Span]) -> list[Piece]:
    """``text`` cut into pieces so that every span in ``spans`` (clipped to the text; empty ones
    dropped) opens and closes around exactly its characters, outer spans first."""
    queue: list[tuple[int, int, int, Span]] = []
    for order, span in enumerate(spans):
        begin, end = max(0, span.begin), min(len(text), span.end)
        if begin < end:
            queue.append((begin, -end, order, replace(span, begin=begin, end=end)))
    heapq.heapify(queue)
    pieces: list[Piece] = []
    open_ends: list[int] = []
    tags: list[str] = []
    position = 0

    def advance(to: int) -> None:
        nonlocal position
        if to > position:
            pieces.append(Piece("text", text[position:to]))
            position = to

    while queue:
        begin, negative_end, order, span = heapq.heappop(queue)
        while open_ends and open_ends[-1] <= begin:
            advance(open_ends.pop())
            pieces.append(Piece("close", tag=tags.pop()))
        end = -negative_end
        if open_ends and end > open_ends[-1]:
            rest = replace(span, begin=open_ends[-1], anchor=None)
            heapq.heappush(queue, (rest.begin, -rest.end, order, rest))
            end = open_ends[-1]
            span = replace(span, end=end)
        advance(begin)
        tag = "a" if span.href is not None and "a" not in tags else "span"
        pieces.append(Piece("open", span=span, tag=tag))
        open_ends.append(end)
        tags.append(tag)
    while open_ends:
        advance(open_ends.pop())
        pieces.append(Piece("close", tag=tags.pop()))
    advance(len(text))
    return pieces
