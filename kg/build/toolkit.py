"""What the per-article stage needs, loaded once per process and passed in: the toolkit.

Loading is the slow part of a small build (the spaCy model, 26,000 gazetteer patterns, the
shapes), so a build loads one :class:`Toolkit` before it forks its worker processes, which
inherit it. Nothing below the build fetches a model or a table from a global: a test builds a
toolkit with its own extractor, and two toolkits in one process never share a mutable model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from kg.extract import load_extractor
from kg.gazetteer.table import Gazetteer, load_gazetteer
from kg.graph.merge import Places
from kg.link import Linker, make_linker
from kg.model import Article, Extraction
from kg.settings import Settings
from kg.shacl.validate import Validator


class Extract(Protocol):
    """Articles in, extractions out, in input order (:class:`kg.extract.Extractor`)."""

    def __call__(self, articles: Iterable[Article], *, batch_size: int) -> Iterator[Extraction]: ...


@dataclass(frozen=True)
class Toolkit:
    """The extractor, the linker (None: entities stay as extracted), the validator, and where
    the gazetteer's places are (QID -> latitude, longitude; for the merged graph)."""

    extract: Extract
    linker: Linker | None
    validator: Validator
    places: Places = field(default_factory=dict)


def load_toolkit(
    settings: Settings, *, extract: Extract | None = None, gazetteer: Gazetteer | None = None
) -> Toolkit:
    """Load what ``settings`` ask for; ``extract`` or ``gazetteer`` replace the bundled ones.

    The shapes are parsed here, so a broken shapes file stops the build before any article.
    """
    validator = Validator(settings.shapes_path, settings.ontology_path)
    if gazetteer is None and (extract is None or settings.linker != "none"):
        gazetteer = load_gazetteer()
    if extract is None:
        assert gazetteer is not None
        extract = load_extractor(gazetteer)
    linker: Linker | None = None
    if settings.linker != "none":
        assert gazetteer is not None
        linker = make_linker(settings, gazetteer)
    places = places_of(gazetteer) if gazetteer is not None else {}
    return Toolkit(extract=extract, linker=linker, validator=validator, places=places)


def places_of(gazetteer: Gazetteer) -> Places:
    """The coordinates the gazetteer's sources give its entries (only linked entities use them,
    so a build without a linker needs none)."""
    return {
        e.qid: (e.lat, e.lon) for e in gazetteer.entries if e.lat is not None and e.lon is not None
    }


@dataclass(frozen=True)
class ToolkitRecipe:
    """How to load a toolkit in another process (a cluster worker): the settings and, in tests,
    an importable factory of the extractor. Never a loaded model: a recipe is small to send."""

    settings: Settings
    extract: Callable[[], Extract] | None = None

    def load(self) -> Toolkit:
        return load_toolkit(self.settings, extract=None if self.extract is None else self.extract())
