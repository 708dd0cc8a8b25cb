"""Build section: words/s of the whole ``kg build`` against raw ``nlp.pipe`` on the same texts.

For each corpus size the same texts go through

* raw spaCy: ``nlp.pipe`` of the model package's own pipeline, every doc consumed and dropped;
* ``kg.extract.extract_articles``: spaCy plus newskg's extractors (no link, map or validation);
* ``kg.pipeline.build``: extract, link, map, validate, merge, dumps and store, with an empty cache.

on one process, and on two at ``process_size``. The model, gazetteer and shapes are loaded by an
untimed warm-up build first (their one-time cost is reported as ``startup``), so the cost per
article is the steady-state cost that should stay flat as the corpus grows.
"""

from __future__ import annotations

import functools
import importlib
import time
from dataclasses import dataclass, field
from typing import Any

from bench.measure import Budget, Row, median
from bench.workspace import Corpus, Workspace
from kg.extract import extract_articles
from kg.extract.nlp import MODEL_PACKAGE, load_model
from kg.settings import Settings

SECTION = "build"
BATCH_SIZE = Settings().batch_size
#: Goal of issue 8: the whole build at no less than this share of raw spaCy's words/s.
RAW_SHARE_GOAL = 0.75
#: Cost per article at the largest size, over the cost at the smallest: at most this is "flat".
FLAT_GOAL = 1.25
WARMUP_ARTICLES = 5


@dataclass
class SizeResult:
    size: int
    words: int
    seconds: dict[str, list[float]] = field(default_factory=dict)  # measure -> runs
    counts: dict[str, int] = field(default_factory=dict)

    def median(self, measure: str) -> float | None:
        runs = self.seconds.get(measure)
        return median(runs) if runs else None

    def words_per_second(self, measure: str) -> float | None:
        seconds = self.median(measure)
        return self.words / seconds if seconds else None

    def ms_per_article(self, measure: str) -> float | None:
        seconds = self.median(measure)
        return 1000 * seconds / self.size if seconds else None


@functools.cache
def raw_model() -> Any:
    """The model package's full pipeline, loaded on its own (not kg's cached, configured one)."""
    return importlib.import_module(MODEL_PACKAGE).load()


def raw_pipe_seconds(texts: list[str], processes: int, batch_size: int = BATCH_SIZE) -> float:
    nlp = raw_model()
    started = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes):
        pass
    return time.perf_counter() - started


def extract_seconds(corpus: Corpus, processes: int, batch_size: int = BATCH_SIZE) -> float:
    started = time.perf_counter()
    for _extraction in extract_articles(
        corpus.articles, batch_size=batch_size, processes=processes
    ):
        pass
    return time.perf_counter() - started


def build_seconds(ws: Workspace, corpus: Corpus, processes: int, *, keep: bool) -> float:
    started = time.perf_counter()
    out, _report = ws.build(corpus.size, processes=processes)
    seconds = time.perf_counter() - started
    if keep:
        ws.keep(corpus.size, out)
    else:
        ws.discard(out)
    return seconds


def warm_up(ws: Workspace) -> float:
    """Load the models, gazetteer and shapes once (a tiny untimed build); its seconds."""
    started = time.perf_counter()
    raw_model()
    load_model()
    out, _ = ws.build(WARMUP_ARTICLES)
    ws.discard(out)
    return time.perf_counter() - started


def repeats(size: int) -> int:
    """Runs per measure: several for small corpora, one for the large ones (time budget)."""
    return 3 if size <= 200 else 1


MEASURES = ("raw_1p", "extract_1p", "build_1p", "raw_2p", "build_2p")


def measures_for(size: int, process_size: int, raw_limit: int) -> list[str]:
    """What runs at ``size``: 2 processes up to ``process_size``, raw spaCy up to ``raw_limit``."""
    chosen = []
    for measure in MEASURES:
        if measure.endswith("_2p") and size > process_size:
            continue
        if not measure.startswith("build") and size > raw_limit:
            continue
        chosen.append(measure)
    return chosen


def run_measure(ws: Workspace, corpus: Corpus, measure: str, *, keep: bool) -> float:
    kind, processes = measure.split("_")
    p = int(processes[:-1])
    if kind == "raw":
        return raw_pipe_seconds(corpus.texts, p)
    if kind == "extract":
        return extract_seconds(corpus, p)
    return build_seconds(ws, corpus, p, keep=keep)


def estimate(done: list[SizeResult], size: int, measure: str) -> float:
    """Seconds of one run of ``measure`` at ``size``, from the largest size measured so far."""
    for key in (measure, "build_1p"):
        for result in reversed(done):
            cost = result.ms_per_article(key)
            if cost:
                return 1.1 * cost * size / 1000
    return 0.0


def run(
    ws: Workspace,
    sizes: list[int],
    budget: Budget,
    *,
    process_size: int = 1000,
    raw_limit: int = 1000,
) -> tuple[list[Row], dict[str, Any]]:
    """Measure every size (ascending); skip a run whose estimate exceeds the budget left.

    The 1-process build of each size is kept as a dataset for the other sections.
    """
    startup = warm_up(ws)
    done: list[SizeResult] = []
    skipped: dict[str, str] = {}
    for size in sorted(sizes):
        corpus = ws.corpus(size)
        result = SizeResult(size, corpus.words)
        for _ in range(repeats(size)):
            for measure in measures_for(size, process_size, raw_limit):
                guess = estimate([*done, result], size, measure)
                if not budget.allows(guess):
                    skipped[f"{measure}, {size} art"] = (
                        f"estimated {guess:.0f} s > {budget.remaining():.0f} s left"
                    )
                    continue
                seconds = run_measure(
                    ws, corpus, measure, keep=measure == "build_1p" and size not in ws.datasets
                )
                result.seconds.setdefault(measure, []).append(seconds)
        if result.seconds:
            done.append(result)
    rows = rows_of(done, skipped, startup)
    data = {
        "startup_seconds": startup,
        "batch_size": BATCH_SIZE,
        "pipeline": list(load_model().pipe_names),
        "raw_pipeline": list(raw_model().pipe_names),
        "sizes": [
            {
                "size": r.size,
                "words": r.words,
                "seconds": r.seconds,
                "words_per_second": {m: r.words_per_second(m) for m in r.seconds},
                "ms_per_article": {m: r.ms_per_article(m) for m in r.seconds},
            }
            for r in done
        ],
        "skipped": skipped,
    }
    return rows, data


def _raw_for(done: list[SizeResult], result: SizeResult, processes: int) -> tuple[float, str]:
    """Raw words/s on the same texts, else on the largest corpus where it was measured."""
    measure = f"raw_{processes}p"
    own = result.words_per_second(measure)
    if own:
        return own, ""
    for other in reversed(done):
        value = other.words_per_second(measure)
        if value:
            return value, f"raw measured on the {other.size}-article corpus"
    return float("nan"), "raw not measured"


def rows_of(done: list[SizeResult], skipped: dict[str, str], startup: float) -> list[Row]:
    rows = [Row(SECTION, "startup (model, gazetteer, shapes; once)", startup, "s")]
    for result in done:
        n = result.size
        for p in (1, 2):
            build_wps = result.words_per_second(f"build_{p}p")
            if build_wps is None:
                continue
            raw_wps, note = _raw_for(done, result, p)
            if not note:
                rows.append(Row(SECTION, f"raw nlp.pipe {p}p, {n} art", raw_wps, "words/s"))
            extract_wps = result.words_per_second(f"extract_{p}p")
            if extract_wps is not None:
                rows.append(Row(SECTION, f"extract_articles {p}p, {n} art", extract_wps,
                                "words/s", raw_wps, f"raw {p}p"))
            rows.append(
                Row(SECTION, f"kg build {p}p, {n} art", build_wps, "words/s", raw_wps,
                    f"raw {p}p", goal=f">= {RAW_SHARE_GOAL}",
                    met=build_wps / raw_wps >= RAW_SHARE_GOAL, note=note)
            )
    first = done[0] if done else None
    for result in done:
        cost = result.ms_per_article("build_1p")
        base = first.ms_per_article("build_1p") if first else None
        if cost is None or base is None:
            continue
        flat = result is not first
        rows.append(
            Row(SECTION, f"kg build 1p cost/article, {result.size} art", cost, "ms",
                base if flat else None, f"{first.size if first else 0} art" if flat else "",
                goal=f"<= {FLAT_GOAL}" if flat else "",
                met=(cost / base <= FLAT_GOAL) if flat else None)
        )
    for what, why in skipped.items():
        rows.append(Row(SECTION, f"skipped: {what}", float("nan"), "", note=why))
    return rows
