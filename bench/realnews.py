"""Real-news section: ``kg build`` against raw ``nlp.pipe`` on real news articles.

``python -m bench --sections realnews [--realnews PATH] [--realnews-articles 100]``

The bench's own corpus recombines seed sentences; this section reads real articles instead: the
development corpus at ``../shared/devcorpus/articles.jsonl`` (JSON Lines in newskg's input
format), when it is there. Without it the section is skipped with a message (a clone of the
project does not have it, and nothing of it is copied into the project).

The first ``--realnews-articles`` articles go, on 1 and 2 processes, through raw ``nlp.pipe`` of
the model package and through the whole ``kg build`` (empty cache), in alternating order for
``--realnews-repeats`` rounds. Each run is its own process (``python -m bench.realnews RUN``), so
its peak memory is its own: the table gives words/s, their ratio, and the peak resident memory of
the run's main process and of its largest child (a worker process).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.measure import Budget, Row, median
from bench.workspace import Workspace

SECTION = "realnews"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "devcorpus" / "articles.jsonl"
#: Issue 20: ``kg build`` at least this share of raw spaCy's words/s, on 1 and 2 processes.
RAW_SHARE_GOAL = 0.85
MEASURES = ("raw_1p", "build_1p", "raw_2p", "build_2p")


def take_articles(corpus: Path, count: int, folder: Path) -> tuple[Path, int]:
    """The first ``count`` articles of ``corpus`` as one JSONL file in ``folder``; its words."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = corpus.read_text(encoding="utf-8").splitlines()[:count]
    path = folder / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    words = sum(len(json.loads(line)["text"].split()) for line in lines)
    return path, words


def one_run(measure: str, articles: Path, out: Path) -> dict[str, float]:
    """One measure in this process: load what it needs (untimed), time the work, report it
    with this process's peak memory and its largest child's."""
    kind, processes = measure.split("_")
    p = int(processes[:-1])
    if kind == "raw":
        from bench.build import raw_model

        texts = [json.loads(line)["text"] for line in articles.read_text("utf-8").splitlines()]
        nlp = raw_model()
        started, cpu = time.perf_counter(), time.process_time()
        for _doc in nlp.pipe(texts, batch_size=32, n_process=p):
            pass
    else:
        from kg.build.pipeline import build
        from kg.build.toolkit import load_toolkit
        from kg.settings import Settings

        settings = Settings(out=out / "dist", processes=p, cache_dir=out / "cache")
        toolkit = load_toolkit(settings)
        started, cpu = time.perf_counter(), time.process_time()
        report = build([articles], settings, toolkit=toolkit)
        if not report.released:
            raise RuntimeError(f"the real-news build released nothing: {report.problems}")
    wall = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": wall,
        "cpu_seconds": time.process_time() - cpu + children.ru_utime + children.ru_stime,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "child_peak_mb": children.ru_maxrss / 1024,
    }


def _measure(measure: str, articles: Path, scratch: Path) -> dict[str, float]:
    out = scratch / f"run-{measure}-{time.monotonic_ns()}"
    command = [sys.executable, "-m", "bench.realnews", measure, str(articles), str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{measure} failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run(
    ws: Workspace,
    budget: Budget,
    *,
    corpus: Path = DEFAULT_CORPUS,
    articles: int = 100,
    repeats: int = 3,
) -> tuple[list[Row], dict[str, Any]]:
    if not corpus.is_file():
        message = f"skipped: no real news corpus at {corpus} (the dev corpus of ../shared)"
        print(f"[bench] {SECTION} {message}", file=sys.stderr)
        return [Row(SECTION, message, float("nan"), "")], {"skipped": message}
    path, words = take_articles(corpus, articles, ws.root / "realnews")
    runs: dict[str, list[dict[str, float]]] = {m: [] for m in MEASURES}
    for _ in range(repeats):
        for measure in MEASURES:
            if budget.remaining() < 120:
                break
            runs[measure].append(_measure(measure, path, ws.root / "realnews"))
    data = {"corpus": str(corpus), "articles": articles, "words": words, "runs": runs}
    return rows_of(runs, words, articles), data


def rows_of(runs: dict[str, list[dict[str, float]]], words: int, articles: int) -> list[Row]:
    rows = []
    for p in (1, 2):
        raw, ours = runs[f"raw_{p}p"], runs[f"build_{p}p"]
        if not raw or not ours:
            continue
        raw_wps = words / median([r["seconds"] for r in raw])
        wps = words / median([r["seconds"] for r in ours])
        per_cpu = median([r["cpu_seconds"] for r in raw]) / median([r["cpu_seconds"] for r in ours])
        rows.append(Row(SECTION, f"raw nlp.pipe {p}p, {articles} news", raw_wps, "words/s"))
        rows.append(
            Row(
                SECTION,
                f"kg build {p}p, {articles} news",
                wps,
                "words/s",
                raw_wps,
                f"raw {p}p",
                goal=f">= {RAW_SHARE_GOAL}",
                met=wps / raw_wps >= RAW_SHARE_GOAL,
                note=f"{len(ours)} runs; per CPU second: {per_cpu:.3f} of raw",
            )
        )
        for name, found in (("raw nlp.pipe", raw), ("kg build", ours)):
            rows.append(
                Row(
                    SECTION,
                    f"{name} {p}p peak memory, {articles} news",
                    median([r["peak_mb"] for r in found]),
                    "MB",
                    note=f"largest child {median([r['child_peak_mb'] for r in found]):.0f} MB",
                )
            )
    return rows


def main(argv: list[str]) -> int:
    """``python -m bench.realnews MEASURE ARTICLES OUT``: one run; prints its figures as JSON."""
    measure, articles, out = argv
    print(json.dumps(one_run(measure, Path(articles), Path(out))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
