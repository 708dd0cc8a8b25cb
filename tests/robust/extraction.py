"""A stand-in for ``kg.extract.extract_articles`` that needs no spaCy: it finds the entities of
:data:`robust.text.NEWS` wherever the passage sits, and names one organisation after a slice of
the hostile text around it, so mentions start and end next to (or on) astral characters,
combining marks and right-to-left runs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.model import Article, Entity, Event, Extraction, Link, Mention
from robust.text import NEWS


def mention(text: str, anchor: str, start: int = 0) -> Mention:
    begin = text.index(anchor, start)
    return Mention(begin, begin + len(anchor), anchor)


def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Each non-blank line is a sentence (code-point offsets, end exclusive)."""
    spans, begin = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((begin, begin + len(line)))
        begin += len(line) + 1
    return tuple(spans)


def hostile_span(text: str, limit: int = 40) -> Mention | None:
    """The first non-blank line outside ``NEWS``, stripped and cut to ``limit`` code points."""
    news = text.find(NEWS)
    begin = 0
    for line in text.split("\n"):
        end = begin + len(line)
        stripped = line.strip()
        if stripped and not (news >= 0 and begin >= news and end <= news + len(NEWS)):
            offset = begin + line.index(stripped)
            anchor = stripped[:limit].strip()
            if anchor:
                return Mention(offset, offset + len(anchor), anchor)
        begin = end + 1
    return None


def fake_extraction(article: Article) -> Extraction:
    text = article.text
    entities: list[Entity] = []
    events: list[Event] = []
    at = text.find(NEWS)
    if at >= 0:
        entities = [
            Entity(
                key="russian troops",
                name="Russian troops",
                cls="ArmedForces",
                mentions=(mention(text, "Russian troops", at),),
                country="Q159",
            ),
            Entity(
                key="zaporizhzhia nuclear power plant",
                name="Zaporizhzhia nuclear power plant",
                cls="NuclearPowerPlant",
                mentions=(
                    mention(text, "Zaporizhzhia nuclear power plant", at),
                    mention(text, "the plant", at),
                ),
                link=Link("Q200639", 0.93, "Zaporizhzhia Nuclear Power Plant", "gazetteer"),
            ),
            Entity(
                key="petro kotin",
                name="Petro Kotin",
                cls="Person",
                mentions=(mention(text, "Petro Kotin", at),),
            ),
            Entity(
                key="kyiv",
                name="Kyiv",
                cls="Place",
                mentions=(mention(text, "Kyiv", at),),
                link=Link("Q1899", 0.99, "Kyiv", "gazetteer"),
            ),
        ]
        events = [
            Event(
                type="Seizure",
                trigger=mention(text, "seized", at),
                agents=(0,),
                targets=(1,),
                factuality="asserted",
                confidence=0.9,
            ),
        ]
    odd = hostile_span(text)
    if odd is not None:
        entities.append(
            Entity(
                key="odd " + str(odd.begin), name=odd.anchor, cls="Organisation", mentions=(odd,)
            )
        )
    return Extraction(
        article=article, sentences=sentences(text), entities=tuple(entities), events=tuple(events)
    )


class FakeExtractor:
    """Records the article ids it was asked for; yields :func:`fake_extraction` of each."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(
        self, articles: Iterable[Article], *, batch_size: int = 64, processes: int = 1
    ) -> Iterator[Extraction]:
        for article in articles:
            self.seen.append(article.id)
            yield fake_extraction(article)
