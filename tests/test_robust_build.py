"""The whole build on generated articles: never a crash, every problem names its file, and every
published mention is exactly the text it points at (``text[begin:end] == nif:anchorOf``, code
points), read back from ``DIR/kg.nq``.

Two extractors: a stand-in that puts mentions on hostile text (right-to-left runs, emoji,
combining marks ...; fast, no spaCy), and the real spaCy pipeline (slow, fewer examples).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust.extraction import FakeExtractor
from robust.graph import published_mentions, published_sentences
from robust.text import HOSTILE_PIECES, NEWS, hostile_text, news_article

from kg.build.ingest import DEFAULT_MAX_BYTES
from kg.build.pipeline import build
from kg.build.report import BuildReport
from kg.build.toolkit import Extract, load_toolkit
from kg.extract import Extractor
from kg.layout import REPORT
from kg.settings import Settings

BASE = "http://kg.test/"
BUILDS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def fake() -> FakeExtractor:
    return FakeExtractor()


def fresh(tmp_path: Path) -> Path:
    folder = tmp_path / f"case-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    return folder


def run(
    folder: Path, inputs: list[Path], extract: Extract, **overrides: object
) -> tuple[BuildReport, Path]:
    """Build ``inputs`` with ``extract`` (a fake, or a real extractor and its gazetteer)."""
    config = Settings(out=folder / "dist", base_iri=BASE, **overrides)  # type: ignore[arg-type]
    gazetteer = extract.gazetteer if isinstance(extract, Extractor) else None
    toolkit = load_toolkit(config, extract=extract, gazetteer=gazetteer)
    report = build(inputs, config, toolkit=toolkit)
    return report, config.out


def assert_problems_name_files(report: BuildReport, files: list[Path]) -> None:
    names = [str(f) for f in files]
    for problem in report.problems:
        if problem.startswith("merged graph:"):
            continue
        assert any(name in problem for name in names), problem


def assert_faithful(out: Path) -> int:
    mentions = published_mentions(out)
    wrong = [m for m in mentions if not m.faithful]
    assert not wrong, [(m.iri, m.anchor, m.text[m.begin : m.end]) for m in wrong[:5]]
    for begin, end, length in published_sentences(out):
        assert 0 <= begin < end <= length
    return len(mentions)


articles = st.lists(
    st.tuples(hostile_text, hostile_text, st.booleans(), st.sampled_from([".txt", ".jsonl"])),
    min_size=1,
    max_size=4,
)


@pytest.mark.slow
@BUILDS
@given(items=articles)
def test_robust_build_hostile_articles_publish_faithful_mentions(
    tmp_path: Path, fake: FakeExtractor, items: list[tuple[str, str, bool, str]]
) -> None:
    folder = fresh(tmp_path)
    inputs = folder / "in"
    inputs.mkdir()
    files = []
    for number, (prefix, suffix, crlf, kind) in enumerate(items):
        text = news_article(prefix, suffix, crlf=crlf)
        path = inputs / f"a{number}{kind}"
        if kind == ".txt":  # (a NUL makes a .txt file binary: a problem, tested in ingest)
            path.write_bytes(("x" + text.replace("\x00", "")).encode("utf-8"))
        else:
            path.write_text(json.dumps({"id": f"a{number}", "text": text}) + "\n")
        files.append(path)
    report, out = run(folder, [inputs], fake, linker="none")
    assert_problems_name_files(report, files)
    assert report.released, (report.problems, report.quarantined)
    assert not report.quarantined, (report.problems, report.quarantined)
    assert sorted(report.articles) == sorted(f"a{n}" for n in range(len(items)))
    assert assert_faithful(out) >= 6 * len(items)  # NEWS alone gives six mentions per article


def test_robust_build_every_hostile_piece_around_and_inside_mentions(
    tmp_path: Path, fake: FakeExtractor
) -> None:
    """Each piece both before the news (offsets shift) and as a mention of its own."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for number, piece in enumerate(HOSTILE_PIECES):
        text = news_article(f"{piece} {piece}x{piece}", piece * 3, crlf=number % 2 == 0)
        (inputs / f"p{number}.txt").write_bytes(("x" + text).encode("utf-8"))
    report, out = run(tmp_path, [inputs], fake, linker="none")
    assert report.released, report.quarantined
    assert not report.quarantined, report.quarantined
    assert len(report.articles) == len(HOSTILE_PIECES)
    mentions = published_mentions(out)
    assert assert_faithful(out) >= 7 * len(HOSTILE_PIECES)
    astral = [m for m in mentions if any(ord(c) > 0xFFFF for c in m.text[: m.begin])]
    assert astral, "no mention after an astral character: offsets were not exercised"


@pytest.mark.slow
@settings(BUILDS, max_examples=int(os.environ.get("ROBUST_SPACY_EXAMPLES", "8")))
@given(
    items=st.lists(st.tuples(hostile_text, hostile_text, st.booleans()), min_size=1, max_size=3),
    junk=st.lists(st.binary(max_size=300), max_size=2),
)
def test_robust_build_with_spacy_never_crashes_and_mentions_are_faithful(
    tmp_path: Path,
    bundled_extractor: Extractor,
    items: list[tuple[str, str, bool]],
    junk: list[bytes],
) -> None:
    folder = fresh(tmp_path)
    inputs = folder / "in"
    inputs.mkdir()
    files = []
    for number, (prefix, suffix, crlf) in enumerate(items):
        path = inputs / f"n{number}.txt"
        text = news_article(prefix, suffix, crlf=crlf).replace("\x00", "")
        path.write_bytes(("x" + text).encode("utf-8"))
        files.append(path)
    for number, data in enumerate(junk):
        path = inputs / f"junk{number}.jsonl"
        path.write_bytes(data)
        files.append(path)
    report, out = run(folder, [inputs], bundled_extractor)
    assert_problems_name_files(report, files)
    for item in report.quarantined:  # an article is quarantined, never the build
        assert item.split(":", 1)[0] in report.processed, item
    assert report.released, (report.problems, report.quarantined)
    assert report.articles, (report.problems, report.quarantined)
    assert (out / REPORT).is_file()
    assert assert_faithful(out) >= len(report.articles)  # NEWS names people and places


@pytest.mark.slow
def test_robust_build_5_mb_article_never_crashes_the_build(
    tmp_path: Path, bundled_extractor: Extractor
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    unit = NEWS + " \U0001f600\u202eشيء\u202c\r\n"
    big = unit * (DEFAULT_MAX_BYTES // len(unit.encode("utf-8")))
    (inputs / "huge.txt").write_bytes(big.encode("utf-8"))
    assert len(big.encode("utf-8")) <= DEFAULT_MAX_BYTES
    (inputs / "small.txt").write_text("x\n" + NEWS, encoding="utf-8")
    report, out = run(tmp_path, [inputs], bundled_extractor)
    assert report.released
    assert "small" in report.articles
    huge = str(inputs / "huge.txt")
    assert (
        "huge" in report.articles
        or any(q.startswith("huge:") for q in report.quarantined)
        or any(p.startswith(huge) for p in report.problems)  # over the character limit
    ), (report.problems, report.quarantined)
    assert_faithful(out)


def test_robust_build_article_over_the_character_limit_is_a_named_problem(
    tmp_path: Path, fake: FakeExtractor
) -> None:
    """spaCy stops at 1,000,000 characters: a longer article (still under 5 MB) is skipped with
    a problem naming its file, and the others are built."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    paragraph = NEWS + "\n\n"
    long = inputs / "long.txt"
    long.write_text("x\n" + paragraph * (1_200_000 // len(paragraph)))
    (inputs / "short.txt").write_text("x\n" + NEWS)
    report, _ = run(tmp_path, [inputs], fake, linker="none")
    assert report.articles == ["short"], report.quarantined
    (problem,) = report.problems
    assert problem.startswith(str(long))
    assert "character limit" in problem


def test_robust_build_quarantined_article_names_its_file(
    tmp_path: Path, fake: FakeExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("mapping blew up")

    inputs = tmp_path / "in"
    inputs.mkdir()
    corpus = inputs / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "doomed", "text": NEWS}) + "\n")
    monkeypatch.setattr("kg.build.stage.map_article", failing)
    report, _ = run(tmp_path, [inputs], fake, linker="none")
    (item,) = report.quarantined
    assert str(corpus) in item, item


def test_robust_build_survives_an_unpaired_surrogate(tmp_path: Path, fake: FakeExtractor) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "corpus.jsonl").write_text(
        '{"id": "bad", "text": "Kyiv \\ud800 was shelled."}\n'
        + json.dumps({"id": "good", "text": NEWS})
        + "\n"
    )
    report, _ = run(tmp_path, [inputs], fake, linker="none")
    assert report.articles == ["good"]
    assert any("corpus.jsonl:1" in problem for problem in report.problems), report.problems


@pytest.mark.slow
def test_robust_build_with_spacy_hostile_pieces_inside_the_news(
    tmp_path: Path, bundled_extractor: Extractor
) -> None:
    """Each piece glued to the names and verbs the extractor looks at (``Kyiv😀``,
    ``Petro\u200bKotin``, ``seized\u202e``): no crash, every mention is the text it names."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    words = NEWS.split(" ")
    for number, piece in enumerate(HOSTILE_PIECES):
        glued = " ".join(w + piece if i % 3 == number % 3 else w for i, w in enumerate(words))
        (inputs / f"g{number}.txt").write_bytes(f"x\n{glued}\n{NEWS}\n".encode())
    report, out = run(tmp_path, [inputs], bundled_extractor)
    assert report.released, (report.problems, report.quarantined)
    assert len(report.articles) + len(report.quarantined) == len(HOSTILE_PIECES)
    assert not report.quarantined, report.quarantined
    assert assert_faithful(out) >= len(HOSTILE_PIECES)
