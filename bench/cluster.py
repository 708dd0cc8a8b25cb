"""A 2-worker Dask LocalCluster against ``--processes 2`` (issue 19): ``python -m bench.cluster``.

The same synthetic corpus (``bench/corpus.py``, 1,000 articles by default) is built with an
empty cache, alternately by two forked worker processes and by a LocalCluster of two worker
processes of one thread each, ``--runs`` times each; the table gives the median words/s of
each and their ratio (goal: the cluster at no less than 0.9 of the forked workers). Both
timings include loading the model, gazetteer and shapes (the build process before it forks; each
cluster worker when the build registers its plugin), and the merge, dumps and store.

    .venv/bin/python -m bench.cluster --size 1000 --runs 3
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import tempfile
import time
from pathlib import Path

import dask
from distributed import LocalCluster

from bench.corpus import word_count, write_corpus_folder
from bench.measure import median
from kg.build.ingest import read_articles
from kg.build.pipeline import build
from kg.settings import Settings

GOAL = 0.9


def timed_build(corpus: Path, settings: Settings) -> float:
    shutil.rmtree(settings.resolved_cache_dir, ignore_errors=True)
    started = time.perf_counter()
    report = build([corpus], settings)
    seconds = time.perf_counter() - started
    if not report.released:
        raise RuntimeError(f"the build released nothing: {report.problems}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.cluster",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--results", type=Path, default=Path("bench/results/cluster.json"))
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newskg-cluster-"))
    corpus = workdir / f"corpus-{args.size}"
    if not corpus.exists():
        write_corpus_folder(corpus, args.size)
    words = word_count([a.text for a in read_articles([corpus]).articles])
    local = Settings(out=workdir / "dist-p2", cache_dir=workdir / "cache-p2", processes=2)
    seconds: dict[str, list[float]] = {"processes": [], "cluster": []}
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     dashboard_address=None) as cluster,
    ):  # fmt: skip
        remote = dataclasses.replace(
            local, out=workdir / "dist-dask", cache_dir=workdir / "cache-dask", processes=1,
            scheduler=cluster.scheduler_address,
        )  # fmt: skip
        timed_build(corpus, local)  # warm-up: file caches, imports
        for run in range(args.runs):
            order = [("processes", local), ("cluster", remote)]
            for name, settings in order if run % 2 == 0 else reversed(order):
                seconds[name].append(timed_build(corpus, settings))
                print(f"{name}: {seconds[name][-1]:.1f} s", flush=True)
    same = (workdir / "dist-p2" / "kg.nq").read_bytes() == (
        workdir / "dist-dask" / "kg.nq"
    ).read_bytes()
    rates = {name: words / median(runs) for name, runs in seconds.items()}
    ratio = rates["cluster"] / rates["processes"]
    result = {
        "size": args.size,
        "words": words,
        "seconds": seconds,
        "words_per_second": rates,
        "ratio": ratio,
        "goal": GOAL,
        "met": ratio >= GOAL,
        "identical_dumps": same,
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'measure':<34}{'words/s (median)':>18}{'runs (s)':>28}")
    for name, label in (("processes", "kg build --processes 2"),
                        ("cluster", "kg build, 2-worker LocalCluster")):  # fmt: skip
        runs = ", ".join(f"{s:.1f}" for s in seconds[name])
        print(f"{label:<34}{rates[name]:>18,.0f}{runs:>28}")
    print(f"ratio {ratio:.2f} (goal >= {GOAL}); dumps identical: {same}")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
