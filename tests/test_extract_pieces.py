"""Long articles are parsed in pieces that join back to exactly the article's text."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from spacy.tokens import Doc

from kg.build.ingest import text_sha256
from kg.extract import Extractor, _pieces
from kg.model import Article


@given(st.text(alphabet=st.sampled_from("ab \n\u00e9\U0001f600"), max_size=400), st.integers(5, 60))
def test_extract_pieces_concatenate_back_to_the_text(text: str, limit: int) -> None:
    pieces = list(_pieces(text, limit))
    assert "".join(piece for _, _, piece in pieces) == text
    assert all(len(piece) <= limit for _, _, piece in pieces)
    assert [index for index, _, _ in pieces] == list(range(len(pieces)))
    assert {count for _, count, _ in pieces} == {len(pieces)}


def test_extract_pieces_cut_at_paragraphs_first() -> None:
    text = "First paragraph here.\n\nSecond one.\nStill second.\n\nThird."
    pieces = [piece for _, _, piece in _pieces(text, 30)]
    assert pieces[0] == "First paragraph here.\n\n"


def test_extract_long_article_is_parsed_in_pieces_with_exact_offsets(
    extractor: Extractor, monkeypatch: Any
) -> None:
    paragraph = "Russian troops seized the port of Berdyansk on Monday, officials said.\n\n"
    text = paragraph * 40
    article = Article(id="long", text=text, sha256=text_sha256(text), source="long.txt")
    joined: list[int] = []

    class CountingDoc:  # spaCy's Doc type cannot be patched: stand in for the module's name
        @staticmethod
        def from_docs(docs: list[Doc], **kwargs: Any) -> Doc:
            joined.append(len(docs))
            return Doc.from_docs(docs, **kwargs)

    monkeypatch.setattr("kg.extract.Doc", CountingDoc)
    pieces = dataclasses.replace(extractor, max_piece=500)  # many pieces without a megabyte
    (extraction,) = pieces([article], batch_size=8)
    assert joined
    assert joined[0] >= len(text) // 500
    assert extraction.sentences[-1][1] <= len(text)
    assert len(extraction.sentences) >= 40
    mentions = [m for e in extraction.entities for m in e.mentions]
    assert mentions
    assert all(text[m.begin : m.end] == m.anchor for m in mentions)
    assert max(m.end for m in mentions) > 500 * 4  # entities found in later pieces too
    seizures = [e for e in extraction.events if e.type == "Seizure"]
    assert len(seizures) == 40
