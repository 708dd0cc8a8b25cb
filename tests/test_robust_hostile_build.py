"""Whole builds against the breaks an outside attacker found (issue 21): article ids ``.`` and
``..``, and a deeply nested JSON line among good ones. Each test failed on the code before the
fix; the time limit and the CLI's exit codes have tests of their own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from fakes import BASE, TEXT, FakeExtractor, build_with, settings
from test_ids import dot_segments_removed

from kg.graph.map import map_article
from kg.layout import NQUADS, Layout
from kg.model import Extraction
from kg.settings import Settings
from server.app import create_app


def corpus(folder: Path, ids: list[str], *, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": i, "text": TEXT}) for i in ids]
    path = folder / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def iris_in(out: Path) -> set[str]:
    found = set()
    for quad in ox.parse(path=str(out / NQUADS), format=ox.RdfFormat.N_QUADS):
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode):
                found.add(term.value)
    return found


def test_robust_hostile_dot_ids_are_quarantined_and_published_safely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``.`` and ``..`` quarantined: the build used to abort with FileExistsError (the folder
    ``quarantine/..`` is the build itself); published, they minted IRIs clients normalise away."""
    doomed = {".", ".."}

    def failing_for_some(extraction: Extraction, *args: object) -> object:
        if extraction.article.id in doomed:
            raise RuntimeError(f"mapping failed on {extraction.article.id!r}")
        return map_article(extraction, *args)  # type: ignore[arg-type]

    monkeypatch.setattr("kg.build.stage.map_article", failing_for_some)
    config = settings(tmp_path)
    inputs = corpus(tmp_path / "in", [".", "..", "...", "!.", "%2E", "good"])
    report = build_with(FakeExtractor(), [inputs], config)
    assert report.released, (report.problems, report.quarantined)
    assert sorted(report.articles) == sorted(["...", "!.", "%2E", "good"])
    assert sorted(q.split(":", 1)[0] for q in report.quarantined) == [".", ".."]
    layout = Layout(config.out)
    for article_id in doomed:
        folder = layout.quarantined(article_id)
        assert folder.resolve().parent == layout.quarantine.resolve()
        reason = (folder / "reason.txt").read_text(encoding="utf-8")
        assert reason.startswith(f"article {article_id} (")
    minted = {iri for iri in iris_in(config.out) if iri.startswith(BASE)}
    for iri in minted:
        path = iri[len(BASE) - 1 :].split("#")[0]
        assert dot_segments_removed(path) == path, iri
    assert BASE + "id/article/..." in minted
    assert BASE + "id/article/%21." in minted
    assert BASE + "id/article/%252E" in minted


def test_robust_hostile_deeply_nested_json_line_does_not_abort_the_build(tmp_path: Path) -> None:
    """A 2 KB line nested 1,000 deep aborted the whole build with a RecursionError naming no
    file; now it is one problem naming the file and line, and the others are built."""
    deep = "[" * 1_000 + "]" * 1_000
    inputs = corpus(tmp_path / "in", ["a", "b"], extra=deep + "\n")
    report = build_with(FakeExtractor(), [inputs], settings(tmp_path))
    assert report.released
    assert report.articles == ["a", "b"]
    (problem,) = report.problems
    assert problem.startswith(f"{inputs}:3: JSON nested too deeply")


def test_robust_hostile_dot_ids_dereference_at_their_iris(tmp_path: Path) -> None:
    """The articles ``.`` and ``..`` are served where their IRIs say, not at ``/id/article/``."""
    config = settings(tmp_path)
    inputs = corpus(tmp_path / "in", [".", "..", "%2E"])
    report = build_with(FakeExtractor(), [inputs], config)
    assert sorted(report.articles) == ["%2E", ".", ".."]
    app = create_app(Settings(base_iri=BASE, query_workers=1), config.out)
    client = app.test_client()
    for article_id, path in ((".", "!."), ("..", "!.."), ("%2E", "%252E")):
        response = client.get(f"/id/article/{path}", headers={"Accept": "text/turtle"})
        assert response.status_code == 200, (article_id, response.status_code)
        graph = ox.parse(response.data, format=ox.RdfFormat.TURTLE)
        identifiers = {t.object.value for t in graph if t.predicate.value.endswith("identifier")}
        assert identifiers == {article_id}
