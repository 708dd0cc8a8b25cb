"""``python -m bench``: the issue-8 benchmarks, side by side in one run (``make bench``).

Sections: ``build`` (whole build against raw spaCy, cost per article by corpus size), ``query``
(eight queries: HTTP, in process, rdflib), ``http`` (throughput against the Oxigraph server),
``dumps`` (dump writing and store loading), ``load`` (issue 21's load test: 50 cheap clients and
8 sending expensive queries of varied text, against the server ``kg serve`` runs). The query,
HTTP and dump sections use the build of ``--dataset-size`` articles. Prints one table of medians
and ratios; writes ``bench/results/<section>.json`` and ``bench/results/cost_per_article.png``.

The whole run keeps within ``--budget`` seconds: a corpus size whose estimated cost (from the
previous size) does not fit in what is left is skipped and the table says so.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import build as build_section
from bench import dumps as dumps_section
from bench import load as load_section
from bench import query as query_section
from bench import realnews as realnews_section
from bench import throughput as http_section
from bench.measure import Budget, Row
from bench.report import RESULTS, plot, table, write_json
from bench.workspace import Workspace

SECTIONS = ("build", "query", "http", "dumps", "load")


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        type=_ints,
        default=[100, 1000, 10000],
        help="corpus sizes of the build section [100,1000,10000]",
    )
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated, of {', '.join(SECTIONS)} [all]",
    )
    parser.add_argument(
        "--dataset-size",
        type=int,
        default=1000,
        help="articles in the build the query, http and dumps sections use",
    )
    parser.add_argument(
        "--process-size",
        type=int,
        default=1000,
        help="corpus size at which 1 and 2 processes are compared",
    )
    parser.add_argument(
        "--raw-limit",
        type=int,
        default=1000,
        help="largest corpus on which raw spaCy is run (beyond: reused)",
    )
    parser.add_argument(
        "--http-seconds", type=float, default=5.0, help="seconds of each wrk run [5]"
    )
    parser.add_argument(
        "--http-rounds",
        type=int,
        default=3,
        help="alternating rounds of the wrk runs (ours, Oxigraph, our ceiling) [3]",
    )
    parser.add_argument(
        "--clients",
        type=_ints,
        default=list(http_section.CLIENTS),
        help="concurrent clients of the HTTP runs [8,32]",
    )
    parser.add_argument(
        "--query-repeat",
        type=int,
        default=21,
        help="timed runs per query (in process and over HTTP)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=570.0,
        help="seconds the whole run may take; 0 for no limit [570]",
    )
    parser.add_argument(
        "--load-seconds",
        type=float,
        default=20.0,
        help="seconds of the load test (50 cheap clients, 8 expensive) [20]",
    )
    parser.add_argument(
        "--realnews",
        type=Path,
        default=realnews_section.DEFAULT_CORPUS,
        help="real news articles (JSONL) the build section also runs on; skipped when absent "
        "[../shared/devcorpus/articles.jsonl]",
    )
    parser.add_argument(
        "--realnews-articles", type=int, default=100, help="real news articles used [100]"
    )
    parser.add_argument(
        "--realnews-repeats", type=int, default=3, help="alternating rounds on real news [3]"
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="folder of the JSON results and the plot [bench/results]",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="scratch folder for corpora and builds [a temporary one, removed]",
    )
    args = parser.parse_args(argv)
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    return args


def reserve(args: argparse.Namespace) -> float:
    """Seconds kept for the sections after the build (rough, from runs on this machine)."""
    seconds = 0.0
    if "build" in args.sections and args.realnews.is_file():  # 4 runs of 100 news per round
        seconds += args.realnews_repeats * 4 * args.realnews_articles * 0.12
    if "query" in args.sections:
        seconds += 90
    if "http" in args.sections:  # per client count and round: ours, Oxigraph, the ceiling
        seconds += len(args.clients) * args.http_rounds * (3 * args.http_seconds + 1) + 30
    if "dumps" in args.sections:
        seconds += 60
    if "load" in args.sections:  # the run, the in-flight answers after it, start and stop
        seconds += args.load_seconds + 25
    return seconds


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    total = Budget(args.budget or None)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newskg-bench-"))
    ws = Workspace(workdir)
    rows: list[Row] = []
    size = args.dataset_size

    def build() -> tuple[list[Row], dict[str, Any]]:
        rows, data = build_section.run(
            ws,
            args.sizes,
            Budget(max(0.0, total.remaining() - reserve(args))),
            process_size=args.process_size,
            raw_limit=args.raw_limit,
        )
        news_rows, news = realnews_section.run(
            ws,
            total,
            corpus=args.realnews,
            articles=args.realnews_articles,
            repeats=args.realnews_repeats,
        )
        write_json(args.results, realnews_section.SECTION, news_rows, news, started)
        return rows + news_rows, data

    runners: dict[str, Callable[[], tuple[list[Row], dict[str, Any]]]] = {
        "build": build,
        "query": lambda: query_section.run(ws, size, total, repeat=args.query_repeat),
        "http": lambda: http_section.run(
            ws,
            size,
            total,
            seconds=args.http_seconds,
            clients=tuple(args.clients),
            rounds=args.http_rounds,
        ),
        "dumps": lambda: dumps_section.run(ws, size, total),
        "load": lambda: load_section.section(seconds=args.load_seconds),
    }
    failed = []
    try:
        for section in SECTIONS:
            if section not in args.sections:
                continue
            began = time.perf_counter()
            print(f"[bench] {section} ...", file=sys.stderr, flush=True)
            try:
                section_rows, data = runners[section]()
            except Exception:  # one broken section must not lose the others' figures
                traceback.print_exc()
                failed.append(section)
                continue
            data["section_seconds"] = time.perf_counter() - began
            print(
                f"[bench] {section} done in {data['section_seconds']:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            rows += section_rows
            write_json(args.results, section, section_rows, data, started)
            if section == "build":
                plot(args.results, data)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(rows))
    if failed:
        print(f"failed sections: {', '.join(failed)} (see above)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
