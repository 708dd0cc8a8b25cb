"""Bounded memory: the merged layer by partitions and the dumps by external sorting give exactly
what merging and sorting everything at once gives."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from fakes import FakeExtractor, build_with, settings, write_articles
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import kg.build.merged
import kg.publish.sorting
from kg.graph.events import ReportKey, merge_reports, partition_key
from kg.layout import CHECKSUMS, NQUADS, TURTLE, VOID_TTL
from kg.model import Factuality
from kg.publish.sorting import LineSorter

DUMPS = (NQUADS, TURTLE, NQUADS + ".gz", TURTLE + ".gz", VOID_TTL, CHECKSUMS)
ENTITIES = ("e:plant", "e:city", "e:army", "e:militia")
PLACES = ("e:kharkiv", "e:bakhmut")
FACTUALITIES: tuple[Factuality, ...] = ("asserted", "reported", "denied", "hypothetical")


@st.composite
def reports(draw: st.DrawFn) -> list[ReportKey]:
    """Reports made to collide: few types (an Attack may be a Shelling or an Airstrike),
    entities, places and days, undated, agentless and targetless ones, agents of one side."""
    found = []
    for number in range(draw(st.integers(0, 14))):
        earliest = draw(st.sampled_from([None, date(2023, 5, 1), date(2023, 5, 3)]))
        span = draw(st.integers(0, 3))
        latest = None if earliest is None else earliest + timedelta(days=span)
        found.append(
            ReportKey(
                iri=f"r{number:02d}",
                article_id=f"a{draw(st.integers(0, 3))}",
                type=draw(st.sampled_from(["Seizure", "Shelling", "Attack", "Airstrike"])),
                agents=frozenset(draw(st.sets(st.sampled_from(ENTITIES[2:]), max_size=2))),
                targets=frozenset(draw(st.sets(st.sampled_from(ENTITIES[:2]), max_size=2))),
                locations=frozenset(draw(st.sets(st.sampled_from(PLACES), max_size=2))),
                earliest=earliest,
                latest=draw(st.sampled_from([latest, None])),
                factuality=draw(st.sampled_from(FACTUALITIES)),
                confidence=draw(st.sampled_from([0.4, 0.7])),
                sides=draw(st.sampled_from([frozenset(), frozenset({"state:Q159"})])),
            )
        )
    return found


@hypothesis_settings(max_examples=300, deadline=None)
@given(reports(), st.randoms(use_true_random=False))
def test_merge_partitions_merging_each_partition_is_merging_all(
    found: list[ReportKey], shuffle: random.Random
) -> None:
    """If a change to the merge rules lets reports of two partition keys merge, this fails:
    change :func:`kg.graph.events.partition_key` with the rules."""
    parts: dict[str, list[ReportKey]] = defaultdict(list)
    for item in found:
        parts[partition_key(item)].append(item)
    keys = list(parts)
    shuffle.shuffle(keys)
    by_part = {event for key in keys for event in merge_reports(parts[key])}
    assert by_part == set(merge_reports(found))


def test_merge_partitions_line_sorter_spills_runs_and_merges_them(tmp_path: Path) -> None:
    rng = random.Random(5)
    lines = [
        f"<s{rng.randrange(300)}> <p> <o> <g{rng.randrange(3)}> .".encode() for _ in range(2000)
    ]
    sorter = LineSorter(tmp_path / "runs", memory_bytes=4000)
    for start in range(0, len(lines), 7):
        sorter.add(b"\n".join(lines[start : start + 7]) + b"\n")
    assert len(sorter.runs) > 10
    assert list(sorter.lines()) == sorted(set(lines))
    sorter.cleanup()
    assert not (tmp_path / "runs").exists()


def test_merge_partitions_line_sorter_in_memory_touches_no_disk(tmp_path: Path) -> None:
    sorter = LineSorter(tmp_path / "runs")
    sorter.add(b"<b> <p> <o> <g> .\n<a> <p> <o> <g> .\n\n<b> <p> <o> <g> .\n")
    assert list(sorter.lines()) == [b"<a> <p> <o> <g> .", b"<b> <p> <o> <g> ."]
    assert not (tmp_path / "runs").exists()


def test_merge_partitions_build_by_partitions_and_runs_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [f"a{n:02d}" for n in range(12)] + ["broken"]
    extra = {i: f" Kyiv {i} was shelled." for i in ids[::3]}
    articles = write_articles(tmp_path / "in", ids, extra=extra)
    whole = settings(tmp_path / "whole", cache_dir=tmp_path / "c1")
    report = build_with(FakeExtractor(), [articles], whole)
    monkeypatch.setattr(kg.build.merged, "ARTICLES_PER_PARTITION", 1)  # 13 partitions
    monkeypatch.setattr(kg.publish.sorting, "LINE_OVERHEAD", 10**6)  # a run for every line
    parts = settings(tmp_path / "parts", cache_dir=tmp_path / "c2")
    again = build_with(FakeExtractor(), [articles], parts)
    for name in DUMPS:
        assert (parts.out / name).read_bytes() == (whole.out / name).read_bytes(), name
    assert again.counts == report.counts
    assert again.problems == report.problems
    assert not list(parts.out.glob(".spool*"))  # the spool is not released with the build
