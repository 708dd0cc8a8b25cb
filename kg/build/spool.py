"""Where a build puts each article's outcome as it arrives, so that memory holds only a summary.

A published article's graph goes to the dumps' external sorter (:mod:`kg.publish.sorting`) and
its extraction to the merge input (:class:`kg.build.merged.MergeInput`); a quarantined article
is written to ``quarantine/<id>/`` at once. What the build keeps of each is a
:class:`Spooled` or a reason-only :class:`kg.build.stage.Quarantined`. The spool lives in a
hidden folder of the staging build and is deleted before the build is released.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from kg.build.merged import MergeInput
from kg.build.quarantine import write_quarantine
from kg.build.stage import Outcome, Published, Quarantined
from kg.iris import Iris
from kg.layout import Layout
from kg.model import Article
from kg.publish.sorting import LineSorter
from kg.shacl.validate import ValidationResult

SPOOL = ".spool"


@dataclass(frozen=True)
class Spooled:
    """A published article whose graph and extraction are on disk: what the build still needs."""

    article: Article
    key: str
    warnings: tuple[ValidationResult, ...]
    cached: bool
    #: Facts of the article that failed validation and were left out (kg.graph.facts).
    left_out: tuple[str, ...] = ()


Kept = Spooled | Quarantined


class Spool:
    """The dumps' lines and the merge input of one build, filled as outcomes arrive."""

    def __init__(
        self,
        layout: Layout,
        iris: Iris,
        prefixes: dict[str, str],
        *,
        partitions: int,
        memory_bytes: int,
    ) -> None:
        self.layout = layout
        self.iris = iris
        self.prefixes = prefixes
        folder = layout.root / SPOOL
        self.folder = folder
        self.lines = LineSorter(folder / "sort", memory_bytes)
        self.merge = MergeInput(folder / "merge", iris, partitions)

    def keep(self, outcome: Outcome) -> Kept:
        """Spool ``outcome``; return what the build keeps of it."""
        if isinstance(outcome, Published):
            self.lines.add(outcome.block)
            self.merge.add(outcome.extraction)
            return Spooled(
                outcome.article, outcome.key, outcome.warnings, outcome.cached, outcome.left_out
            )
        write_quarantine(self.layout, [outcome], self.iris, self.prefixes)
        return Quarantined(outcome.article, outcome.key, outcome.reason, cached=outcome.cached)

    @classmethod
    @contextmanager
    def opened(
        cls,
        layout: Layout,
        iris: Iris,
        prefixes: dict[str, str],
        *,
        partitions: int,
        memory_bytes: int,
    ) -> Iterator[Spool]:
        spool = cls(layout, iris, prefixes, partitions=partitions, memory_bytes=memory_bytes)
        try:
            yield spool
        finally:
            spool.merge.close()
            shutil.rmtree(spool.folder, ignore_errors=True)
