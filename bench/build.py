"""Build section: words/s of the whole ``kg build`` against raw ``nlp.pipe`` on the same texts.

For each corpus size the same texts go through

* raw spaCy: ``nlp.pipe`` of the model package's own pipeline, every doc consumed and dropped;
* ``kg.extract.Extractor``: spaCy plus newskg's extractors (no link, map or validation);
* ``kg.build.pipeline.build``: extract, link, map, validate, merge, dumps and store, with an empty
  cache.

on one process, and on two at ``process_size``. The model, gazetteer and shapes are loaded by an
untimed warm-up build first (their one-time cost is reported as ``startup``), so the cost per
article is the steady-state cost that should stay flat as the corpus grows.
"""

from __future__ import annotations

import functools
import importlib
import os
import time
from dataclasses import dataclass, field
from typing import Any

from bench.measure import Budget, Row, Stopwatch, median
from bench.workspace import Corpus, Workspace
from kg.extract import Extractor, load_extractor
from kg.extract.nlp import MODEL_PACKAGE
from kg.gazetteer.table import load_gazetteer
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
    seconds: dict[str, list[float]] = field(default_factory=dict)  # measure -> wall, per run
    cpu: dict[str, list[float]] = field(default_factory=dict)  # measure -> CPU s, per run
    others: dict[str, list[float]] = field(default_factory=dict)  # cores busy with other work
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

    def cpu_ms_per_article(self, measure: str) -> float | None:
        runs = self.cpu.get(measure)
        return 1000 * median(runs) / self.size if runs else None


@functools.cache
def raw_model() -> Any:
    """The model package's full pipeline, loaded on its own (not kg's cached, configured one)."""
    return importlib.import_module(MODEL_PACKAGE).load()


def raw_pipe(texts: list[str], processes: int, batch_size: int = BATCH_SIZE) -> None:
    nlp = raw_model()
    for _doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes):
        pass


@functools.cache
def extractor() -> Extractor:
    """newskg's extractor over the bundled gazetteer, loaded once for every measure."""
    return load_extractor(load_gazetteer())


def extract(corpus: Corpus, processes: int, batch_size: int = BATCH_SIZE) -> None:
    assert processes == 1, "extraction alone is measured on one process"
    for _extraction in extractor()(corpus.articles, batch_size=batch_size):
        pass


def warm_up(ws: Workspace) -> float:
    """Load the models, gazetteer and shapes once (a tiny untimed build); its seconds."""
    started = time.perf_counter()
    raw_model()
    extractor()
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


def run_measure(
    ws: Workspace, corpus: Corpus, measure: str, *, keep: bool
) -> tuple[Stopwatch, dict[str, int]]:
    """One timed run of ``measure`` (and a build's counts); a kept build becomes the dataset of
    its size."""
    kind, processes = measure.split("_")
    p = int(processes[:-1])
    counts: dict[str, int] = {}
    with Stopwatch() as watch:
        if kind == "raw":
            raw_pipe(corpus.texts, p)
        elif kind == "extract":
            extract(corpus, p)
        else:
            out, report = ws.build(corpus.size, processes=p)
    if kind == "build":
        counts = dict(report.counts)
        if keep:
            ws.keep(corpus.size, out)
        else:
            ws.discard(out)
    return watch, counts


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
                watch, counts = run_measure(
                    ws, corpus, measure, keep=measure == "build_1p" and size not in ws.datasets
                )
                result.counts.update(counts)
                result.seconds.setdefault(measure, []).append(watch.wall)
                result.cpu.setdefault(measure, []).append(watch.cpu)
                if watch.others is not None:
                    result.others.setdefault(measure, []).append(round(watch.others, 2))
        if result.seconds:
            done.append(result)
    rows = rows_of(done, skipped, startup)
    data = {
        "startup_seconds": startup,
        "batch_size": BATCH_SIZE,
        "pipeline": list(extractor().nlp.pipe_names),
        "raw_pipeline": list(raw_model().pipe_names),
        "sizes": [
            {
                "size": r.size,
                "words": r.words,
                "build_counts": r.counts,
                "seconds": r.seconds,
                "cpu_seconds": r.cpu,
                "other_work_cores": r.others,
                "cpu_ms_per_article": {m: r.cpu_ms_per_article(m) for m in r.cpu},
                "words_per_second": {m: r.words_per_second(m) for m in r.seconds},
                "ms_per_article": {m: r.ms_per_article(m) for m in r.seconds},
            }
            for r in done
        ],
        "skipped": skipped,
    }
    return rows, data


def _raw_for(done: list[SizeResult], result: SizeResult, processes: int) -> SizeResult | None:
    """Where raw spaCy was measured: on the same texts, else on the largest corpus that has it."""
    measure = f"raw_{processes}p"
    for candidate in (result, *reversed(done)):
        if candidate.median(measure):
            return candidate
    return None


def _cpu_note(result: SizeResult, measure: str, raw: SizeResult, raw_measure: str) -> str:
    """The same ratio in words per CPU second (steadier when the machine is shared)."""
    ours, theirs = result.cpu.get(measure), raw.cpu.get(raw_measure)
    if not ours or not theirs:
        return ""
    ratio = (result.words / median(ours)) / (raw.words / median(theirs))
    return f"per CPU second: {ratio:.3f} of raw"


def _others_note(result: SizeResult, measure: str) -> str:
    """How busy the rest of the machine was: 2 processes cannot help when it took a core."""
    found = result.others.get(measure)
    busy = median(found) if found else 0.0
    return f"other work kept {busy:.1f} of {os.cpu_count()} cores busy" if busy >= 0.3 else ""


def rows_of(done: list[SizeResult], skipped: dict[str, str], startup: float) -> list[Row]:
    rows = [Row(SECTION, "startup (model, gazetteer, shapes; once)", startup, "s")]
    for result in done:
        n = result.size
        for p in (1, 2):
            raw = _raw_for(done, result, p)
            raw_wps = raw.words_per_second(f"raw_{p}p") if raw else None
            if raw is result and raw_wps:
                rows.append(Row(SECTION, f"raw nlp.pipe {p}p, {n} art", raw_wps, "words/s"))
            for measure, label, goal in (
                (f"extract_{p}p", f"extract_articles {p}p, {n} art", None),
                (f"build_{p}p", f"kg build {p}p, {n} art", RAW_SHARE_GOAL),
            ):
                wps = result.words_per_second(measure)
                if wps is None:
                    continue
                notes = [] if raw is result or raw is None else [f"raw of {raw.size} art"]
                if raw is not None:
                    notes.append(_cpu_note(result, measure, raw, f"raw_{p}p"))
                notes.append(_others_note(result, measure))
                rows.append(
                    Row(
                        SECTION,
                        label,
                        wps,
                        "words/s",
                        raw_wps,
                        f"raw {p}p",
                        goal=f">= {goal}" if goal else "",
                        met=(wps / raw_wps >= goal) if goal and raw_wps else None,
                        note="; ".join(n for n in notes if n),
                    )
                )
        one, two = result.median("build_1p"), result.median("build_2p")
        if one and two:
            rows.append(
                Row(
                    SECTION,
                    f"kg build 2p speed-up, {n} art",
                    one / two,
                    "x",
                    note="wall time of 1 process / 2 processes",
                )
            )
    first = done[0] if done else None
    for result in done:
        cost = result.ms_per_article("build_1p")
        base = first.ms_per_article("build_1p") if first else None
        if cost is None or base is None or first is None:
            continue
        later = result is not first
        cpu = result.cpu_ms_per_article("build_1p")
        rows.append(
            Row(
                SECTION,
                f"kg build 1p cost/article, {result.size} art",
                cost,
                "ms",
                base if later else None,
                f"{first.size} art" if later else "",
                goal=f"<= {FLAT_GOAL}" if later else "",
                met=(cost / base <= FLAT_GOAL) if later else None,
                note=f"CPU {cpu:.1f} ms/article" if cpu else "",
            )
        )
    for what, why in skipped.items():
        rows.append(Row(SECTION, f"skipped: {what}", float("nan"), "", note=why))
    return rows
