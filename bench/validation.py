"""Validation cost per article graph: :class:`kg.shacl.validate.Validator` against a plain pySHACL
call.

``before`` is :meth:`Validator.validate_with_pyshacl` (one ``pyshacl.validate`` call per graph,
which is how kg.shacl.validate worked before the Validator kept pySHACL's work between calls);
``after`` is :meth:`Validator.validate`. Both run on the graphs ``kg validate`` checks in a fresh
build (:func:`kg.shacl.validate.graphs_to_validate`) of the two seed articles and of bench corpus
articles of three lengths, alternately, in CPU time (steadier than wall time on a shared machine);
each figure is the median over graphs of each graph's median (and minimum) over ``--repeat`` runs.
Every graph, and a damaged copy of it (every 7th triple dropped, so that
shapes fail), must get identical reports from both, or the script stops.

    .venv/bin/python -m bench.validation                 # about two minutes
    .venv/bin/python -m bench.validation --small 40 --repeat 5
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from bench.corpus import ROOT, make_corpus
from kg.build.pipeline import build
from kg.settings import Settings
from kg.shacl.validate import ValidationReport, Validator, graphs_to_validate

#: Corpus article lengths, in sentences of the seed and bench texts (``make_corpus``).
LENGTHS = {"small": (3, 6), "medium": (12, 20), "large": (40, 60)}
SEEDS = ROOT / "seeds"
Triples = list[ox.Triple | ox.Quad]


def write_articles(directory: Path, counts: dict[str, int]) -> list[Path]:
    """The seed articles and ``counts[kind]`` corpus articles of each length, as input paths."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = []
    for number, (kind, count) in enumerate(counts.items()):
        for article in make_corpus(count, seed=7 + number, sentences_per_article=LENGTHS[kind]):
            article["id"] = article["id"].replace("bench", kind)
            lines.append(json.dumps(article, ensure_ascii=False))
    corpus = directory / "corpus.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [SEEDS, corpus]


def kind_of(name: str) -> str:
    """``seed``, ``small``, ``medium``, ``large`` or ``merged``, from a graph name."""
    if not name.rsplit("/", 1)[-1].startswith(tuple(LENGTHS)):
        return "merged" if name.endswith("/graph/merged") else "seed"
    return name.rsplit("/", 1)[-1].split("-", 1)[0]


def damaged(triples: Triples) -> Triples:
    """The graph without every 7th triple: missing labels, offsets, types... shapes fail."""
    return [triple for number, triple in enumerate(triples) if number % 7 != 3]


def cpu_ms(method: Callable[[Triples], ValidationReport], triples: Triples) -> float:
    """CPU time of one call, after collecting the garbage of the previous one (not its cost)."""
    gc.collect()
    start = time.process_time()
    method(triples)
    return 1000 * (time.process_time() - start)


def measure(
    validator: Validator, units: Sequence[tuple[str, Triples]], repeat: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Per graph name, the ``before`` and ``after`` times of ``repeat`` alternating runs."""
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name, _ in units}
    for _ in range(repeat):
        for name, triples in units:
            before, after = times[name]
            before.append(cpu_ms(validator.validate_with_pyshacl, triples))
            after.append(cpu_ms(validator.validate, triples))
    return times


def check_identical(validator: Validator, units: Iterable[tuple[str, Triples]]) -> tuple[int, int]:
    """Graphs and results compared; stops at the first graph whose reports differ."""
    graphs = results = 0
    for name, triples in units:
        for variant, data in (("", triples), (" (damaged)", damaged(triples))):
            expected: ValidationReport = validator.validate_with_pyshacl(data)
            if validator.validate(data) != expected:
                raise SystemExit(f"different reports for {name}{variant}")
            graphs += 1
            results += len(expected.results)
    return graphs, results


def table(
    units: Sequence[tuple[str, Triples]], times: dict[str, tuple[list[float], list[float]]]
) -> list[str]:
    """Medians (and, as the least disturbed figure, minima) of each kind of graph, in ms."""
    rows = [
        f"{'graphs':<8}{'n':>4}{'triples':>9}{'before':>10}{'after':>9}{'speed-up':>10}"
        f"{'best before':>13}{'best after':>12}{'speed-up':>10}"
    ]
    for kind in ("seed", *LENGTHS, "merged"):
        names = [name for name, _triples in units if kind_of(name) == kind]
        if not names:
            continue
        size = statistics.median(len(triples) for name, triples in units if name in names)
        before, after = (
            statistics.median(statistics.median(times[n][i]) for n in names) for i in (0, 1)
        )
        best_before, best_after = (
            statistics.median(min(times[n][i]) for n in names) for i in (0, 1)
        )
        rows.append(
            f"{kind:<8}{len(names):>4}{size:>9.0f}{before:>10.1f}{after:>9.1f}"
            f"{before / after:>9.1f}x{best_before:>13.1f}{best_after:>12.1f}"
            f"{best_before / best_after:>9.1f}x"
        )
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=12, help="3-6 sentence articles [12]")
    parser.add_argument("--medium", type=int, default=4, help="12-20 sentence articles [4]")
    parser.add_argument("--large", type=int, default=2, help="40-60 sentence articles [2]")
    parser.add_argument("--repeat", type=int, default=3, help="runs per graph and method [3]")
    args = parser.parse_args(argv)
    counts = {"small": args.small, "medium": args.medium, "large": args.large}
    with tempfile.TemporaryDirectory(prefix="bench-validation-") as tmp:
        work = Path(tmp)
        paths = write_articles(work / "input", {k: n for k, n in counts.items() if n > 0})
        settings = Settings(out=work / "dist", cache_dir=work / "cache")
        report = build(paths, settings)
        if report.exit_code != 0:
            raise SystemExit("the build failed: " + "; ".join(report.problems))
        units = graphs_to_validate(settings.out)
    validator = Validator(settings.shapes_path, settings.ontology_path)
    graphs, results = check_identical(validator, units)  # also warms both paths up
    times = measure(validator, units, args.repeat)
    print("\n".join(table(units, times)))
    print(f"identical reports: {graphs} graphs ({graphs // 2} damaged), {results} results")


if __name__ == "__main__":
    main()
