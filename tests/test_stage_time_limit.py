"""The time limit on one article's extraction (issue 21 item 4): an article that stalls spaCy is
quarantined with the reason and the build goes on, in one process and in forked workers, which
stay usable. Before, one pathological article (900 KB of ``)``: over 300 s) stalled the build.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from fakes import TEXT, FakeExtractor, article, build_with, settings, write_articles
from robust.text import NEWS

from kg.build.ingest import text_sha256
from kg.build.stage import extract_each
from kg.build.timelimit import TimeLimitExceeded, enforceable, time_limit
from kg.extract import Extractor
from kg.layout import NQUADS
from kg.model import Article, Extraction


class StallingExtractor(FakeExtractor):
    """The fake extractor, except that an article whose id has ``stall`` never finishes (a busy
    loop in Python, as spaCy's tokenizer is busy in its regular expressions)."""

    def __call__(
        self, articles: Iterable[Article], *, batch_size: int = 64, processes: int = 1
    ) -> Iterator[Extraction]:
        articles = list(articles)
        if any("stall" in a.id for a in articles):  # like spaCy: the batch is parsed first
            busy()
        yield from super().__call__(articles, batch_size=batch_size)


# -- the limit itself ----------------------------------------------------------------------------
def busy() -> None:
    while True:
        pass


def test_time_limit_stops_a_busy_loop() -> None:
    started = time.process_time()
    with pytest.raises(TimeLimitExceeded), time_limit(0.2):
        busy()
    assert time.process_time() - started < 5


def test_time_limit_stops_a_regular_expression_in_c() -> None:
    """spaCy's tokenizer spends its time inside ``re`` searches, which check for signals."""
    started = time.process_time()
    with pytest.raises(TimeLimitExceeded), time_limit(0.2):
        re.match(r"(a+)+$", "a" * 64 + "b")  # exponential backtracking: years without a limit
    assert time.process_time() - started < 5


def test_time_limit_leaves_no_timer_behind_and_restores_another() -> None:
    with time_limit(5):
        pass
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) == signal.SIG_DFL
    fired: list[int] = []
    previous = signal.signal(signal.SIGPROF, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_PROF, 30)
        with time_limit(5):
            pass
        left, _ = signal.getitimer(signal.ITIMER_PROF)
        assert 25 < left <= 30.1  # (the kernel counts CPU time in ticks)
        assert fired == []
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def test_time_limit_counts_cpu_time_not_waiting() -> None:
    """A busy machine must not make an article fail: only the block's own work counts."""
    with time_limit(0.2):
        time.sleep(0.5)


def test_time_limit_is_only_enforceable_in_the_main_thread() -> None:
    seen: list[bool] = []

    def other() -> None:
        seen.append(enforceable())
        with time_limit(0.01):
            time.sleep(0.05)  # no signal here, and none left for the main thread
        seen.append(True)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [False, True]
    assert enforceable()


# -- extraction within the limit -----------------------------------------------------------------
def articles(*ids: str) -> list[Article]:
    return [article(i) for i in ids]


@pytest.mark.parametrize("batch_size", [1, 3, 32])
def test_stage_stalled_article_is_stopped_and_the_others_extracted(batch_size: int) -> None:
    batch = articles("a1", "stall-1", "a2", "a3", "stall-2", "a4")
    started = time.process_time()
    outcomes = list(extract_each(StallingExtractor(), batch, batch_size, 0.3))
    assert [a.id for a, _ in outcomes] == [a.id for a in batch]
    for each, outcome in outcomes:
        if "stall" in each.id:
            assert isinstance(outcome, str)
            assert "stopped after 0.3 s of CPU time, the time limit per article" in outcome
            assert "KG_ARTICLE_TIMEOUT" in outcome
        else:
            assert isinstance(outcome, Extraction)
            assert outcome.article == each
    assert time.process_time() - started < 10  # a stall costs the limit, a batch at most twice


def test_stage_time_limit_and_failures_together() -> None:
    batch = articles("a1", "crash-1", "stall-1", "a2")
    outcomes = dict(
        (a.id, o) for a, o in extract_each(StallingExtractor(), batch, batch_size=4, seconds=0.3)
    )
    assert isinstance(outcomes["a1"], Extraction)
    assert isinstance(outcomes["a2"], Extraction)
    assert "the parser choked on crash-1" in str(outcomes["crash-1"])
    assert "time limit per article" in str(outcomes["stall-1"])


def test_pipeline_stalled_article_is_quarantined_and_the_build_goes_on(tmp_path: Path) -> None:
    config = settings(tmp_path, article_timeout=0.5)
    inputs = write_articles(tmp_path / "in", ["a1", "stall-1", "a2"])
    report = build_with(StallingExtractor(), [inputs], config)
    assert report.released
    assert report.articles == ["a1", "a2"]
    (item,) = report.quarantined
    assert item.startswith("stall-1: extraction was stopped after 0.5 s of CPU time")
    reason = (config.out / "quarantine" / "stall-1" / "reason.txt").read_text(encoding="utf-8")
    assert "time limit per article" in reason


def test_pipeline_time_limit_in_worker_processes_leaves_them_usable(tmp_path: Path) -> None:
    """Forked workers stop the stalled article themselves and go on with their next batches;
    the dataset is the one a single process builds."""
    ids = [f"a{n}" for n in range(10)]
    ids[1], ids[6] = "stall-1", "stall-2"
    inputs = write_articles(tmp_path / "in", ids)
    built = {}
    for processes in (1, 2):
        config = settings(
            tmp_path / f"p{processes}", processes=processes, batch_size=1, article_timeout=0.5
        )
        report = build_with(StallingExtractor(), [inputs], config)
        assert report.released
        assert report.articles == [i for i in ids if "stall" not in i]
        assert sorted(q.split(":")[0] for q in report.quarantined) == ["stall-1", "stall-2"]
        built[processes] = (config.out / NQUADS).read_bytes()
    assert built[1] == built[2]


# -- with spaCy ----------------------------------------------------------------------------------
def slow_text(runs: int) -> str:
    """Runs under the word limit that spaCy's tokenizer still takes a long time over (all
    distinct: the tokenizer caches the runs it has seen); 400 of them took 230 s here."""
    return " ".join(")" * (990 - k) + '"' * k for k in range(runs))


@pytest.mark.slow
def test_stage_spacy_stalled_by_text_is_stopped_and_stays_usable(
    bundled_extractor: Extractor,
) -> None:
    news = [
        Article(id=f"n{k}", text=f"{NEWS}\n{TEXT}", sha256=text_sha256(NEWS), source="x")
        for k in range(3)
    ]
    stalling = Article(id="slow", text=slow_text(400), sha256="x", source="x")
    before = [e for _, e in extract_each(bundled_extractor, news, 32, 0)]
    started = time.process_time()
    outcomes = list(extract_each(bundled_extractor, [news[0], stalling, *news[1:]], 32, 2.0))
    elapsed = time.process_time() - started
    assert [a.id for a, _ in outcomes] == ["n0", "slow", "n1", "n2"]
    assert "time limit per article" in str(outcomes[1][1])
    assert elapsed < 15  # CPU seconds; without the limit: minutes (230 s of wall time here)
    after = [e for _, e in extract_each(bundled_extractor, news, 32, 0)]
    assert after == before
    assert [o for a, o in outcomes if a.id != "slow"] == before
