"""Where a benchmark run keeps its corpora and builds: one scratch folder, reused across sections.

The build section leaves the released 1-process build of each size here, so the query, HTTP and
dump sections measure the very store it made; run alone, they build the dataset they need first
(untimed).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import word_count, write_corpus_folder
from kg.build.ingest import read_articles
from kg.build.pipeline import build
from kg.build.report import BuildReport
from kg.layout import REPORT
from kg.model import Article
from kg.settings import Settings

#: Written last in a corpus folder (hidden: ingest skips it), so ``--workdir`` can reuse it.
DONE_FILE = ".complete"


@dataclass(frozen=True)
class Corpus:
    """``size`` articles written by the corpus scaler, as the build reads them."""

    size: int
    directory: Path
    articles: tuple[Article, ...]
    words: int

    @property
    def texts(self) -> list[str]:
        return [article.text for article in self.articles]


class Workspace:
    def __init__(self, root: Path, *, seed: int = 7) -> None:
        self.root = root
        self.seed = seed
        self._corpora: dict[int, Corpus] = {}
        self._datasets: dict[int, Path] = {}
        self._runs = 0
        root.mkdir(parents=True, exist_ok=True)
        self._adopt_builds()

    def _adopt_builds(self) -> None:
        """Reuse the released 1-process builds a previous run left in ``root`` (``--workdir``)."""
        for folder in sorted(self.root.glob("build-*-*-*p")):
            number, size, processes = folder.name.split("-")[1:]
            self._runs = max(self._runs, int(number))
            if processes == "1p" and (folder / "dist" / REPORT).is_file():
                self._datasets[int(size)] = folder / "dist"

    def corpus(self, size: int) -> Corpus:
        if size not in self._corpora:
            directory = self.root / f"corpus-{size}"
            if not (directory / DONE_FILE).is_file():
                shutil.rmtree(directory, ignore_errors=True)
                write_corpus_folder(directory, size, seed=self.seed)
                (directory / DONE_FILE).write_text(f"{size} articles, seed {self.seed}\n")
            ingested = read_articles([directory])
            if ingested.problems or len(ingested.articles) != size:
                raise RuntimeError(f"the {size}-article corpus reads badly: {ingested.problems}")
            articles = tuple(ingested.articles)
            words = word_count([article.text for article in articles])
            self._corpora[size] = Corpus(size, directory, articles, words)
        return self._corpora[size]

    def build(self, size: int, *, processes: int = 1) -> tuple[Path, BuildReport]:
        """A fresh build (empty cache) of the ``size`` corpus; returns its folder and report."""
        corpus = self.corpus(size)
        self._runs += 1
        folder = self.root / f"build-{self._runs:03d}-{size}-{processes}p"
        shutil.rmtree(folder, ignore_errors=True)
        settings = Settings(out=folder / "dist", processes=processes, cache_dir=folder / "cache")
        report = build([corpus.directory], settings)
        if not report.released:
            raise RuntimeError(f"the {size}-article build released nothing: {report.problems}")
        return folder / "dist", report

    def discard(self, out: Path) -> None:
        """Remove a build made by :meth:`build` (unless it is kept as a dataset)."""
        if out not in self._datasets.values():
            shutil.rmtree(out.parent, ignore_errors=True)

    def keep(self, size: int, out: Path) -> None:
        old = self._datasets.pop(size, None)
        if old is not None and old != out:
            self.discard(old)
        self._datasets[size] = out

    @property
    def datasets(self) -> dict[int, Path]:
        return dict(self._datasets)

    def dataset(self, size: int, *, fallback: bool = True) -> tuple[int, Path]:
        """A released build of ``size`` articles, or (with ``fallback``) of the largest corpus
        the build section kept; built now, untimed, when there is none."""
        if size not in self._datasets and fallback and self._datasets:
            size = max(self._datasets)
        if size not in self._datasets:
            out, _ = self.build(size)
            self.keep(size, out)
        return size, self._datasets[size]
