"""A live server (granian, what ``kg serve`` runs) keeps answering while new builds are released
behind it, and switches to each new build without a failed request.

Client threads ask a cheap query (how many articles?) and a page (health) in a loop, bounded in
time and count, while ``kg build`` releases a bigger corpus twice.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from robust.procs import finish, kg_build, write_corpus

from server.testing import live_server

pytestmark = pytest.mark.slow
BASE = "http://kg.test/"
ENV = {"KG_BASE_IRI": BASE, "KG_WORKERS": "2", "KG_THREADS": "4", "KG_QUERY_TIMEOUT": "10"}
ARTICLES = (
    "SELECT (COUNT(DISTINCT ?a) AS ?n) { GRAPH ?g { ?a a <https://schema.org/NewsArticle> } }"
)
CLIENTS = 4
MAX_REQUESTS = 20_000
MAX_SECONDS = 120.0


@dataclass
class Answer:
    started: float
    status: int
    value: str


def ask(url: str) -> Answer:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            body = json.loads(response.read())
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return Answer(started, exc.code, "")
    except OSError as exc:
        return Answer(started, 0, repr(exc))
    if "results" in body:
        return Answer(started, status, body["results"]["bindings"][0]["n"]["value"])
    return Answer(started, status, body.get("dataset_hash", ""))


def test_robust_swap_new_builds_are_served_without_a_failed_request(tmp_path: Path) -> None:
    inputs = write_corpus(tmp_path / "in", 4)
    out = tmp_path / "dist"
    code, stderr = finish(kg_build([inputs], out, env=ENV))
    assert code == 0, stderr
    answers: list[Answer] = []
    stop = threading.Event()
    with live_server(out, env=ENV) as url:
        count_url = url + "sparql?query=" + quote(ARTICLES)
        health_url = url + "-/health"

        def hammer() -> None:
            mine: list[Answer] = []
            deadline = time.monotonic() + MAX_SECONDS
            while not stop.is_set() and time.monotonic() < deadline:
                mine.append(ask(count_url))
                mine.append(ask(health_url))
                time.sleep(0.02)
                if len(mine) >= MAX_REQUESTS // CLIENTS:
                    break
            answers.extend(mine)

        threads = [threading.Thread(target=hammer) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        begun: list[float] = []
        released: list[float] = []
        try:
            time.sleep(1.0)
            for more in (3, 6):
                write_corpus(inputs, more, seed=more, tag=f"-{more}")
                begun.append(time.monotonic())
                code, stderr = finish(kg_build([inputs], out, env=ENV))
                assert code == 0, stderr
                released.append(time.monotonic())
                time.sleep(1.5)
        finally:
            stop.set()
            for thread in threads:
                thread.join(MAX_SECONDS)
    assert len(answers) < MAX_REQUESTS, "the clients stopped before the builds were released"
    failed = [a for a in answers if a.status != 200]
    assert not failed, failed[:5]
    counts = [a for a in answers if a.value.isdigit()]
    assert {a.value for a in counts} == {"4", "7", "13"}, {a.value for a in counts}

    def seen(after: float, before: float) -> set[str]:
        return {a.value for a in counts if after < a.started < before}

    assert seen(0, begun[0]) == {"4"}  # before the first build started
    assert seen(released[0], begun[1]) == {"7"}  # between the builds
    assert seen(released[1], float("inf")) == {"13"}  # after the last one
    hashes = [a.value for a in answers if not a.value.isdigit()]
    assert len(set(hashes)) == 3
    assert len(answers) >= 50, len(answers)
