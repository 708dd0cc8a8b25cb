"""Marking spans of an article's text: nesting, crossing spans, links never nested."""

from __future__ import annotations

from kg.dataset.marks import Piece, Span, mark_text


def html(pieces: list[Piece]) -> str:
    """The pieces as the template writes them (ids only), to read the structure at a glance."""
    out = []
    for p in pieces:
        if p.kind == "text":
            out.append(p.text)
        elif p.kind == "open":
            assert p.span is not None
            anchor = f"#{p.span.anchor}" if p.span.anchor else ""
            out.append(f"<{p.tag} {p.span.kind}{anchor}>")
        else:
            out.append(f"</{p.tag}>")
    return "".join(out)


def test_marks_nest_mentions_in_sentences() -> None:
    text = "Troops seized the plant. It burned."
    pieces = mark_text(
        text,
        [
            Span(25, 35, "sentence", anchor="char=25,35"),
            Span(0, 24, "sentence", anchor="char=0,24"),
            Span(7, 13, "trigger", anchor="char=7,13", href="e"),
            Span(0, 6, "entity", anchor="char=0,6", href="t"),
        ],
    )
    assert html(pieces) == (
        "<span sentence#char=0,24><a entity#char=0,6>Troops</a> <a trigger#char=7,13>seized</a>"
        " the plant.</span> <span sentence#char=25,35>It burned.</span>"
    )
    assert "".join(p.text for p in pieces) == text


def test_marks_cut_a_crossing_span_and_keep_its_id_on_the_first_piece() -> None:
    text = "abcdefghij"
    pieces = mark_text(
        text, [Span(0, 5, "sentence", anchor="s"), Span(3, 8, "entity", anchor="m", href="x")]
    )
    assert html(pieces) == "<span sentence#s>abc<a entity#m>de</a></span><a entity>fgh</a>ij"
    assert "".join(p.text for p in pieces) == text


def test_marks_never_nest_links() -> None:
    pieces = mark_text(
        "Russian troops", [Span(0, 14, "entity", href="a"), Span(0, 7, "entity", href="b")]
    )
    assert html(pieces) == "<a entity><span entity>Russian</span> troops</a>"


def test_marks_drop_empty_and_clip_outside_spans() -> None:
    pieces = mark_text("abc", [Span(1, 1, "entity"), Span(2, 9, "entity", anchor="m")])
    assert html(pieces) == "ab<span entity#m>c</span>"
