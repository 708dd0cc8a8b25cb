"""The build, stage by stage: ingest -> extract -> link -> map -> validate -> store -> publish."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg import __version__
from kg.errors import BuildError
from kg.ingest import Ingested, read_articles
from kg.iris import Iris
from kg.map import map_article
from kg.model import Extraction
from kg.publish import write_checksums, write_dumps
from kg.release import COMPLETE_MARKER, staged_build
from kg.settings import Settings
from kg.store import load_store


@dataclass
class BuildReport:
    """What a build did; written to ``build-report.json`` (the only file that holds a time)."""

    out: str
    started: str
    finished: str = ""
    seconds: float = 0.0
    articles: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    released: bool = False

    @property
    def exit_code(self) -> int:
        """0: released with at least one article; 1: nothing released (see ``problems``)."""
        return 0 if self.released else 1

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def build(paths: Sequence[Path], settings: Settings) -> BuildReport:
    """Build the graph of the articles under ``paths`` into ``settings.out``, atomically."""
    started = time.time()
    report = BuildReport(out=str(settings.out), started=_stamp(started))
    ingested = read_articles(paths, max_bytes=settings.max_article_bytes)
    report.problems = [str(p) for p in ingested.problems]
    if not _may_release(ingested, settings, report):
        return _finish(report, started)
    iris = Iris(settings.base_iri)
    activity = iris.build(f"newskg {__version__}")
    with staged_build(settings.out, settings.builds_dir) as staging:
        extractions = [Extraction(article=a) for a in ingested.articles]
        quads = [q for x in extractions for q in map_article(x, iris, activity)]
        written = write_dumps(staging, quads)
        load_store(staging, staging / "kg.nq")
        write_checksums(staging, written)
        report.articles = [a.id for a in ingested.articles]
        report.released = True
        _finish(report, started)
        (staging / COMPLETE_MARKER).write_text(report.to_json(), encoding="utf-8")
    return report


def _may_release(ingested: Ingested, settings: Settings, report: BuildReport) -> bool:
    if settings.strict and ingested.problems:
        report.problems.append("strict mode: not released because of the problems above")
        return False
    if not ingested.articles:
        report.problems.append("no article could be read: nothing to build")
        return False
    return True


def _finish(report: BuildReport, started: float) -> BuildReport:
    finished = time.time()
    report.finished = _stamp(finished)
    report.seconds = round(finished - started, 3)
    return report


def _stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def require_build(directory: Path) -> Path:
    """The released build folder behind ``directory``; a clear error when there is none."""
    if not (directory / COMPLETE_MARKER).is_file():
        raise BuildError(
            f"{directory} is not a newskg build",
            why=f"it has no {COMPLETE_MARKER}",
            fix=f"run `kg build --out {directory}` first",
        )
    return directory.resolve()
