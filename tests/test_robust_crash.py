"""kill -9 of ``kg build`` at random moments and in every phase; corrupt cache entries and stores.

After each kill the released build (the ``dist`` symlink, its target and every file in it) is
byte-identical to before and a server keeps answering from it; the next build succeeds and
cleans up. A damaged cache entry is detected and rebuilt (the dumps come out byte-identical), and
a damaged store is never served: the next build replaces it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from robust.dataset import snapshot
from robust.procs import Kill, finish, kg_build, kill_when, staging_of, write_corpus

from kg.layout import REPORT
from kg.settings import Settings
from server.app import create_app

pytestmark = pytest.mark.slow
BASE = "http://kg.test/"
ENV = {"KG_BASE_IRI": BASE}
COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
ARTICLES = 16


def has(name: str) -> Callable[[list[Path]], bool]:
    return lambda staging: any((s / name).exists() for s in staging)


#: Moments to kill at, found by polling the staging folder.
PHASES: dict[str, Callable[[list[Path]], bool]] = {
    "staging created": lambda staging: bool(staging),
    "dumps being written": has("kg.nq"),
    "store being written": has("store"),
    "report written, not yet released": has(REPORT),
}


class World:
    """A corpus, an output folder next to it, and a server app over ``dist``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.inputs = write_corpus(root / "in", ARTICLES)
        self.out = root / "dist"
        self.builds = root / ".dist-builds"
        self.app: Flask = create_app(
            Settings(base_iri=BASE, query_workers=1, query_timeout=20.0), self.out
        )
        self.app.config["TESTING"] = True
        self.runs = 0

    def build(self) -> tuple[int, str]:
        """A whole build with the usual cache (``.dist-builds/cache``)."""
        return finish(kg_build([self.inputs], self.out, env=ENV))

    def start(self) -> subprocess.Popen[bytes]:
        """A build with an empty cache of its own: it processes every article again, so it
        lasts long enough to be killed in each phase."""
        self.runs += 1
        env = {**ENV, "KG_CACHE_DIR": str(self.root / f"cache-{self.runs}")}
        return kg_build([self.inputs], self.out, env=env)

    def state(self) -> tuple[str, dict[str, str]]:
        return os.readlink(self.out), snapshot(self.out)

    def served(self) -> tuple[int, str, str]:
        client = self.app.test_client()
        health = client.get("/-/health")
        if health.status_code != 200:
            return health.status_code, "", ""
        count = client.get("/sparql?query=" + quote(COUNT)).get_json()
        value = count["results"]["bindings"][0]["n"]["value"]
        return 200, health.get_json()["dataset_hash"], value

    def close(self) -> None:
        self.app.extensions["newskg"].close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = World(tmp_path)
    yield made
    made.close()


def test_robust_crash_kill_9_of_a_first_build_leaves_no_output(world: World) -> None:
    kill = kill_when(world.start(), world.builds, "store", PHASES["store being written"])
    assert not kill.finished_first, kill
    assert not world.out.exists()
    assert not world.out.is_symlink()
    assert world.served()[0] == 503
    code, stderr = world.build()
    assert code == 0, stderr
    assert world.served()[0] == 200
    assert not staging_of(world.builds)


def test_robust_crash_kill_9_at_random_moments_and_every_phase(world: World) -> None:
    code, stderr = world.build()
    assert code == 0, stderr
    before, served = world.state(), world.served()
    original = served
    assert served[0] == 200
    write_corpus(world.inputs, 2, seed=77, tag="-new")  # the next build has more to say
    rng = random.Random(20260521)
    moments: list[tuple[str, Callable[[list[Path]], bool]]] = list(PHASES.items())
    for _ in range(3):
        delay = round(rng.uniform(1.0, 11.0), 2)  # spaCy loads, articles, dumps, store
        clock = {"start": -1.0}

        def after(
            staging: list[Path], delay: float = delay, clock: dict[str, float] = clock
        ) -> bool:
            now = time.monotonic()
            if clock["start"] < 0:
                clock["start"] = now
            return now - clock["start"] >= delay

        moments.append((f"after {delay} s", after))
    kills: list[Kill] = []
    for moment, ready in moments:
        kill = kill_when(world.start(), world.builds, moment, ready)
        kills.append(kill)
        now = world.state()
        released = now[0] != before[0] and (world.out / REPORT).is_file()
        if kill.finished_first or released:  # released (then maybe killed while cleaning up):
            now_served = world.served()  # a complete build of the new inputs is the new baseline
            assert now_served[0] == 200, kill
            assert now_served[1] != original[1], kill
            if served != original:  # released before from the same inputs: the same dataset
                assert now_served == served, kill
            before, served = world.state(), now_served
            continue
        assert world.state() == before, f"killed at {moment}: the released build changed"
        assert world.served() == served, f"killed at {moment}: the server answers differently"
    print(*kills, sep="\n")  # where each build was when it was killed (shown with -s)
    hit = {k.moment for k in kills if not k.finished_first}
    assert {"staging created", "dumps being written", "store being written"} <= hit, kills
    assert any("store" in k.staged and REPORT not in k.staged for k in kills), kills
    code, stderr = world.build()
    assert code == 0, stderr
    assert not staging_of(world.builds), "staging folders of killed builds were left behind"
    report = json.loads((world.out / REPORT).read_text())
    assert report["released"]
    assert any(a.endswith("-new") for a in report["articles"])
    status, dataset, _ = world.served()
    assert status == 200
    assert dataset != original[1]


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garble":
        middle = len(data) // 2
        path.write_bytes(
            data[:middle]
            + bytes(b ^ 0x5A for b in data[middle : middle + 64])
            + data[middle + 64 :]
        )
    else:
        path.write_bytes(b"")


def cache_entries(cache: Path) -> dict[Path, dict[str, object]]:
    """Every entry's payload (the cache's own layout: a header line, then zlib'd JSON)."""
    entries = {}
    for path in sorted(cache.rglob("*.entry")):
        body = path.read_bytes().partition(b"\n")[2]
        entries[path] = json.loads(zlib.decompress(body))
    return entries


def test_robust_crash_corrupt_cache_entries_are_detected_and_rebuilt(world: World) -> None:
    code, stderr = world.build()
    assert code == 0, stderr
    first = (world.out / "kg.nq").read_bytes()
    entries = cache_entries(world.builds / "cache")
    articles = [(path, str(p["article"])) for path, p in entries.items() if "article" in p]
    others = [path for path, p in entries.items() if "article" not in p]
    assert len(articles) == ARTICLES
    damaged = articles[:3]
    for (entry, _), how in zip(damaged, ("truncate", "garble", "empty"), strict=True):
        damage(entry, how)
    for entry in others:  # whatever else the build caches is checked the same way
        damage(entry, "garble")
    code, stderr = world.build()
    assert code == 0, stderr
    report = json.loads((world.out / REPORT).read_text())
    assert sorted(report["cache_rebuilt"]) == sorted(i for _, i in damaged)
    assert len(report["cached"]) == ARTICLES - 3
    assert (world.out / "kg.nq").read_bytes() == first, "a damaged entry reached the dumps"
    assert world.served()[0] == 200
    assert all(p in cache_entries(world.builds / "cache") for p, _ in damaged), "not rewritten"


@pytest.fixture
def corrupt_store(world: World) -> World:
    """A released build whose store has a truncated table file (no server has it open)."""
    code, stderr = world.build()
    assert code == 0, stderr
    tables = sorted((world.out / "store").glob("*.sst"), key=lambda p: p.stat().st_size)
    damage(tables[-1], "truncate")
    return world


def test_robust_crash_corrupt_store_is_not_served_and_the_next_build_replaces_it(
    corrupt_store: World,
) -> None:
    world = corrupt_store
    client = world.app.test_client()
    for path in ("/sparql?query=" + quote(COUNT), "/id/entity/x", "/"):
        response = client.get(path)
        assert response.status_code >= 500, (path, response.status_code)
    code, stderr = world.build()
    assert code == 0, stderr
    assert world.served()[0] == 200


def test_robust_crash_corrupt_store_is_a_clear_503(corrupt_store: World) -> None:
    response = corrupt_store.app.test_client().get("/sparql?query=" + quote(COUNT))
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"] == "DatasetError"


def test_robust_crash_removed_build_folder_is_not_served(world: World) -> None:
    code, stderr = world.build()
    assert code == 0, stderr
    assert world.served()[0] == 200
    world.close()
    shutil.rmtree(world.out.resolve())
    world.app = create_app(Settings(base_iri=BASE, query_workers=1), world.out)
    assert world.served()[0] == 503
    code, stderr = world.build()
    assert code == 0, stderr
    assert world.served()[0] == 200
