"""Ingest meets anything: random bytes, hostile Unicode, random JSON, a 5 MB article.

Properties: ingest never raises; every problem names its file (and the line, for JSON Lines);
an article's text is exactly the decoded file with only line endings changed, and its SHA-256
is the hash of that text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust.text import HOSTILE_PIECES, hostile_text, long_line

from kg.build.ingest import (
    DEFAULT_MAX_BYTES,
    Ingested,
    normalise_newlines,
    read_articles,
    text_sha256,
)

PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SUFFIXES = (".txt", ".jsonl", ".json")


def fresh(tmp_path: Path) -> Path:
    """A new empty folder per example (``tmp_path`` is shared by all examples of a test)."""
    folder = tmp_path / f"case-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    return folder


def assert_named(ingested: Ingested, files: list[Path]) -> None:
    names = [str(f) for f in files]
    for problem in ingested.problems:
        assert any(str(problem).startswith(name) for name in names), problem
        assert problem.reason.strip(), problem
    for article in ingested.articles:
        assert any(article.source.startswith(name) for name in names), article.source
        assert "\r" not in article.text
        assert article.text.strip()
        assert article.sha256 == text_sha256(article.text)


@PROPERTY
@given(data=st.binary(max_size=2_000), suffix=st.sampled_from(SUFFIXES))
def test_robust_ingest_random_bytes_never_raise_and_problems_name_the_file(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = fresh(tmp_path) / f"article{suffix}"
    path.write_bytes(data)
    ingested = read_articles([path.parent])
    assert_named(ingested, [path])
    if suffix == ".txt":
        assert len(ingested.articles) + len(ingested.problems) == 1


@PROPERTY
@given(text=hostile_text, tail=hostile_text)
def test_robust_ingest_hostile_unicode_text_is_kept_code_point_for_code_point(
    tmp_path: Path, text: str, tail: str
) -> None:
    body = "x" + text + tail  # a first line that is no "<epoch> <headline>" header
    path = fresh(tmp_path) / "article.txt"
    path.write_bytes(body.encode("utf-8"))
    ingested = read_articles([path])
    assert_named(ingested, [path])
    if "\x00" in body:
        assert ingested.problems
        assert "binary" in ingested.problems[0].reason
        return
    (article,) = ingested.articles
    assert article.text == normalise_newlines(body)
    assert article.headline is None
    assert article.published is None


@settings(PROPERTY, max_examples=10)
@given(line=long_line, crlf=st.booleans())
def test_robust_ingest_very_long_lines_and_crlf(tmp_path: Path, line: str, crlf: bool) -> None:
    end = "\r\n" if crlf else "\n"
    body = f"1646380800 A headline{end}{line}{end}{line}{end}"
    path = fresh(tmp_path) / "long.txt"
    path.write_bytes(body.encode("utf-8"))
    (article,) = read_articles([path]).articles
    assert article.headline == "A headline"
    assert article.text == f"{line}\n{line}\n"


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "text", "url", "headline", "published", "x"]),
            children,
            max_size=6,
        )
    ),
    max_leaves=12,
)
article_objects = st.fixed_dictionaries(
    {"id": st.one_of(hostile_text, st.integers()), "text": hostile_text},
    optional={
        "url": json_values,
        "headline": json_values,
        "published": json_values,
        "extra": json_values,
    },
)


@PROPERTY
@given(
    lines=st.lists(
        st.one_of(
            article_objects.map(json.dumps),
            article_objects.map(lambda o: json.dumps(o, ensure_ascii=False)),
            json_values.map(json.dumps),
            hostile_text.filter(lambda s: "\n" not in s and "\r" not in s),
        ),
        max_size=8,
    ),
    crlf=st.booleans(),
)
def test_robust_ingest_json_lines_each_line_is_an_article_or_a_named_problem(
    tmp_path: Path, lines: list[str], crlf: bool
) -> None:
    body = ("\r\n" if crlf else "\n").join(lines)
    path = fresh(tmp_path) / "corpus.jsonl"
    path.write_bytes(body.encode("utf-8"))
    ingested = read_articles([path])
    assert_named(ingested, [path])
    physical = normalise_newlines(body).split("\n")
    meaningful = sum(1 for line in physical if line.strip())
    if body.strip() and "\x00" not in body:
        assert len(ingested.articles) + len(ingested.problems) == meaningful
        for problem in ingested.problems:
            numbered = problem.line or int(problem.source.rsplit(":", 1)[1])
            assert 1 <= numbered <= len(physical), problem


@PROPERTY
@given(
    document=st.one_of(
        json_values,
        st.lists(article_objects, max_size=5),
        st.fixed_dictionaries({"articles": st.lists(article_objects, max_size=5)}),
    )
)
def test_robust_ingest_json_documents_never_raise(tmp_path: Path, document: object) -> None:
    path = fresh(tmp_path) / "corpus.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    ingested = read_articles([path])
    assert_named(ingested, [path])
    assert ingested.articles or ingested.problems


@PROPERTY
@given(
    names=st.lists(
        hostile_text.filter(
            lambda s: s and "/" not in s and "\x00" not in s and len(s.encode("utf-8")) < 200
        ),
        min_size=1,
        max_size=4,
        unique=True,
    )
)
def test_robust_ingest_hostile_file_names_are_named_back(tmp_path: Path, names: list[str]) -> None:
    folder = fresh(tmp_path)
    written = []
    for number, name in enumerate(names):
        path = folder / f"{number}-{name}.txt"
        path.write_bytes(b"Kyiv was shelled.\r\n")
        written.append(path)
    ingested = read_articles([folder])
    assert_named(ingested, written)
    hidden = [p for p in written if p.name.startswith(".")]
    assert len(ingested.articles) + len(ingested.problems) == len(written) - len(hidden)


def test_robust_ingest_5_mb_article_is_read_whole_at_the_byte_limit(tmp_path: Path) -> None:
    """The limit counts bytes, not characters: 5 MiB of two-byte characters is accepted whole."""
    unit = "Kyiv é \U0001f600 \u202eشيء\u202c\r\n"
    data = (unit * (DEFAULT_MAX_BYTES // len(unit.encode("utf-8")) + 1)).encode("utf-8")
    exact = tmp_path / "exact.txt"
    exact.write_bytes(
        data[: data.rfind(b"\r\n", 0, DEFAULT_MAX_BYTES) + 2].ljust(DEFAULT_MAX_BYTES, b" ")
    )
    over = tmp_path / "over.txt"
    over.write_bytes(exact.read_bytes() + b"x")
    # the byte limit on its own: the character limit (spaCy's) is tested with the build
    ingested = read_articles([exact, over], max_chars=DEFAULT_MAX_BYTES)
    (article,) = ingested.articles
    assert len(exact.read_bytes()) == DEFAULT_MAX_BYTES
    assert article.text == normalise_newlines(exact.read_text(encoding="utf-8"))
    (problem,) = ingested.problems
    assert problem.source == str(over)
    assert "limit" in problem.reason


@pytest.mark.parametrize("piece", HOSTILE_PIECES)
def test_robust_ingest_every_hostile_piece_survives_json_and_txt_alike(
    tmp_path: Path, piece: str
) -> None:
    text = f"Before {piece} after."
    (tmp_path / "a.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b", "text": text}) + "\n")
    (tmp_path / "c.json").write_text(json.dumps({"id": "c", "text": text}, ensure_ascii=False))
    ingested = read_articles([tmp_path])
    assert not ingested.problems
    assert {a.text for a in ingested.articles} == {normalise_newlines(text)}


SURROGATE_LINES = {
    "text": '{"id": "a", "text": "Kyiv \\ud800 was shelled."}',
    "id": '{"id": "a\\udc80", "text": "Kyiv was shelled."}',
    "headline": '{"id": "a", "text": "Kyiv was shelled.", "headline": "x\\ud83d"}',
    "url": '{"id": "a", "text": "Kyiv was shelled.", "url": "http://x.test/\\ud83d"}',
}


@pytest.mark.parametrize("field", sorted(SURROGATE_LINES))
def test_robust_ingest_unpaired_surrogates_are_a_named_problem(tmp_path: Path, field: str) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(SURROGATE_LINES[field] + "\n" + '{"id": "ok", "text": "Fine."}\n')
    try:
        ingested = read_articles([path])
    except UnicodeError as exc:
        raise AssertionError(f"ingest raised {exc!r}") from exc
    assert [a.id for a in ingested.articles] == ["ok"]
    (problem,) = ingested.problems
    assert problem.source == str(path)
    assert problem.line == 1
    for article in ingested.articles:
        for value in (article.id, article.text, article.headline or "", article.url or ""):
            value.encode("utf-8")
