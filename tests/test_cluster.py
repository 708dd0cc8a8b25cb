"""kg build on a Dask cluster: a real LocalCluster with worker processes (not a synchronous
scheduler), the fake extractor of tests/fakes.py loaded once per worker by the stage plugin.

The cluster's scheduler gives up on a task at the first worker death
(``allowed-failures: 0``), so every death is one failure for the build's own rule: a batch is
tried twice, then its articles are quarantined.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import dask
import pytest
from distributed import LocalCluster
from fakes import DyingExtractor, FakeExtractor, build_with, settings, write_articles

import kg.build.cluster
from kg.build.cluster import DaskExecutor
from kg.build.pipeline import build
from kg.build.report import BuildReport
from kg.build.toolkit import Extract, ToolkitRecipe
from kg.errors import BuildError
from kg.layout import CHECKSUMS, NQUADS, TURTLE, VOID_TTL
from kg.settings import Settings

pytestmark = pytest.mark.slow  # worker processes start, load the stage, die and restart

DUMPS = (NQUADS, TURTLE, NQUADS + ".gz", TURTLE + ".gz", VOID_TTL, CHECKSUMS)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        yield cluster.scheduler_address


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in DUMPS}


def cluster_build(
    tmp_path: Path,
    scheduler: str,
    ids: list[str],
    recipe_extract: Callable[[], Extract],
    **overrides: object,
) -> tuple[Settings, BuildReport]:
    config = settings(
        tmp_path / "cluster", scheduler=scheduler, batch_size=4, cache_dir=tmp_path / "c2",
        **overrides,
    )  # fmt: skip
    recipe = ToolkitRecipe(config, extract=recipe_extract)
    report = build([write_articles(tmp_path / "in", ids)], config, recipe=recipe)
    return config, report


def local_build(tmp_path: Path, ids: list[str]) -> tuple[Settings, BuildReport]:
    config = settings(tmp_path / "local", batch_size=4, cache_dir=tmp_path / "c1")
    report = build_with(FakeExtractor(), [write_articles(tmp_path / "in", ids)], config)
    return config, report


def test_cluster_build_is_byte_identical_to_a_local_build(tmp_path: Path, scheduler: str) -> None:
    ids = [f"a{n:02d}" for n in range(13)] + ["broken", "crash", "unfaithful"]
    local, expected = local_build(tmp_path, ids)
    config, report = cluster_build(tmp_path, scheduler, ids, FakeExtractor)
    assert snapshot(config.out) == snapshot(local.out)
    assert report.processed == expected.processed
    assert report.quarantined == expected.quarantined
    assert report.articles == expected.articles


def test_cluster_batch_of_a_killed_worker_is_retried(tmp_path: Path, scheduler: str) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    ids = [f"a{n:02d}" for n in range(6)] + ["b-die-once"]
    local, _ = local_build(tmp_path, ids)
    config, report = cluster_build(
        tmp_path, scheduler, ids, functools.partial(DyingExtractor, markers)
    )
    assert (markers / "b-die-once").exists()  # its worker really died once
    assert report.quarantined == []
    assert snapshot(config.out) == snapshot(local.out)


def test_cluster_batch_that_fails_twice_quarantines_its_articles(
    tmp_path: Path, scheduler: str
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    ids = ["a00", "a01", "a02", "a03", "b-die-always", "c00", "c01", "c02"]
    config, report = cluster_build(
        tmp_path, scheduler, ids, functools.partial(DyingExtractor, markers)
    )
    assert report.released
    assert report.articles == ["a00", "a01", "a02", "a03"]
    quarantined = report.quarantined
    assert [q.split(":")[0] for q in quarantined] == ["b-die-always", "c00", "c01", "c02"]
    assert all("failed 2 times on the cluster" in q for q in quarantined)
    assert (config.out / "quarantine" / "c00" / "reason.txt").exists()
    # Lost batches are not cached: the next build tries them again.
    again = build(
        [tmp_path / "in"],
        config,
        recipe=ToolkitRecipe(config, extract=FakeExtractor),
    )
    assert again.processed == ["b-die-always", "c00", "c01", "c02"]
    assert again.quarantined == []


def test_cluster_worker_with_another_pipeline_refuses(tmp_path: Path, scheduler: str) -> None:
    config = settings(tmp_path, scheduler=scheduler)
    recipe = ToolkitRecipe(config, extract=FakeExtractor)
    from kg.build.pipeline import prepare

    activity = prepare(config).activity
    other = dataclasses.replace(activity, model_version="0.0.1")
    with (
        pytest.raises(BuildError, match="runs another newskg pipeline"),
        DaskExecutor.connected(scheduler, recipe, other, 4),
    ):
        pass


def test_cluster_unreachable_scheduler_is_a_clear_error_and_keeps_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.build.cluster, "CONNECT_SECONDS", 1)
    local, _ = local_build(tmp_path, ["a1", "a2"])
    before = snapshot(local.out)
    config = dataclasses.replace(local, scheduler="tcp://127.0.0.1:9")
    recipe = ToolkitRecipe(config, extract=FakeExtractor)
    articles = write_articles(tmp_path / "in2", ["a3"])
    with pytest.raises(
        BuildError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        build([articles], config, recipe=recipe)
    assert snapshot(local.out) == before


def test_cluster_build_with_the_real_extractor_matches_a_local_build(
    tmp_path: Path, scheduler: str
) -> None:
    """spaCy, the bundled gazetteer and the offline linker loaded on each worker by the plugin."""
    texts = {
        "kyiv": "Russian forces shelled Kyiv on Tuesday, the Ukrainian army said.",
        "plant": "Ukrainian troops recaptured the town of Izium in September, officials said.",
        "talks": "The United Nations said on Friday that talks in Geneva had failed.",
        "seize": "Russian troops seized the Zaporizhzhia nuclear power plant on March 4.",
        "port": "The Turkish navy escorted grain ships out of Odesa last week.",
    }
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    local = Settings(out=tmp_path / "local", cache_dir=tmp_path / "c1", batch_size=2)
    expected = build([folder], local)
    remote = dataclasses.replace(
        local, out=tmp_path / "cluster", cache_dir=tmp_path / "c2", scheduler=scheduler
    )
    report = build([folder], remote)
    assert expected.released
    assert report.released
    assert report.counts == expected.counts
    assert snapshot(remote.out) == snapshot(local.out)
