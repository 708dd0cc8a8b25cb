"""The benchmark harness (``python -m bench``) on a tiny corpus, so its code cannot silently rot.

The figures are meaningless at this size; what is checked is that every section runs end to end
(servers started and stopped, bounded load runs), and writes its table rows, JSON and plot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import Store

from bench.__main__ import main
from bench.corpus import make_corpus, word_count
from bench.measure import Budget, Row, median, percentile
from bench.queries import LOOKUP, QUERIES, Terms
from bench.report import PLOT_FILE, table


def test_bench_corpus_is_deterministic_and_scaled() -> None:
    first = make_corpus(7, seed=3)
    assert first == make_corpus(7, seed=3)
    assert len(first) == 7
    assert len({a["id"] for a in first}) == 7
    assert word_count([a["text"] for a in first]) > 7 * 20


def test_bench_percentile_and_median() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert median([3.0, 1.0, 2.0]) == 2.0


def test_bench_budget_refuses_what_does_not_fit() -> None:
    assert Budget(None).allows(1e9)
    assert not Budget(1.0).allows(5.0)


def test_bench_queries_parse_with_their_iris_filled_in() -> None:
    terms = Terms("http://x.test/e", "http://x.test/f")
    assert len(QUERIES) == 8
    for template in [*QUERIES.values(), LOOKUP]:
        text = terms.fill(template)
        for placeholder, iri in (
            ("{entity}", "<http://x.test/e>"),
            ("{facility}", "<http://x.test/f>"),
        ):
            assert (placeholder in template) == (iri in text), template  # every one filled in
        Store().query(text, use_default_graph_as_union=True)  # raises SyntaxError if malformed


def test_bench_table_shows_ratio_and_goal() -> None:
    rows = [
        Row(
            "build",
            "kg build 1p",
            3000.0,
            "words/s",
            5000.0,
            "raw 1p",
            goal=">= 0.75",
            met=False,
            note="a note",
        )
    ]
    text = table(rows)
    assert "0.6" in text
    assert "NO" in text
    assert "a note" in text


@pytest.mark.slow
def test_bench_every_section_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    results = tmp_path / "results"
    code = main(
        [
            "--sizes",
            "5",
            "--dataset-size",
            "5",
            "--process-size",
            "5",
            "--raw-limit",
            "5",
            "--http-seconds",
            "1",
            "--clients",
            "2",
            "--query-repeat",
            "2",
            "--budget",
            "0",
            "--load-seconds",
            "1",
            "--realnews-articles",
            "2",
            "--realnews-repeats",
            "1",
            "--results",
            str(results),
            "--workdir",
            str(tmp_path / "work"),
        ]
    )
    assert code == 0
    for section in ("build", "realnews", "query", "http", "dumps", "load"):
        document = json.loads((results / f"{section}.json").read_text(encoding="utf-8"))
        assert document["rows"], section
    build = json.loads((results / "build.json").read_text(encoding="utf-8"))
    assert {"raw_1p", "extract_1p", "build_1p", "build_2p"} <= set(
        build["data"]["sizes"][0]["seconds"]
    )
    http = json.loads((results / "http.json").read_text(encoding="utf-8"))
    assert all(
        run["requests"] > 0 and run["errors"] == 0
        for server in http["data"]["results"].values()
        for run in server.values()
    )
    load = json.loads((results / "load.json").read_text(encoding="utf-8"))
    assert load["data"]["requests"] > 0
    assert load["data"]["unexpected"] == 0
    query = json.loads((results / "query.json").read_text(encoding="utf-8"))
    assert set(query["data"]["seconds"]) == set(QUERIES)
    assert (results / PLOT_FILE).stat().st_size > 1000


@pytest.mark.slow
def test_bench_limits_runs_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.limits import main as limits

    limits(["--articles", "8", "--repeat", "1", "--word-chars", "50"])
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[0] for row in rows] == ["extract", "ingest", "tokenizer", "tokenizer"]
    assert "ratio" in rows[0]
    assert "ratio" in rows[1]
