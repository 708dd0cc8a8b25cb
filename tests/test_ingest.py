"""Ingest: every article format, and every kind of bad input named with its file (and line)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.build.ingest import Problem, read_articles, text_sha256

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def only_problem(problems: tuple[Problem, ...]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_ingest_seed_with_header_gives_headline_and_date() -> None:
    result = read_articles([SEEDS / "004_44ce2575710fd140.txt"])
    (article,) = result.articles
    assert article.id == "004_44ce2575710fd140"
    assert (
        article.headline
        == "Pentagon says Russian troops are withdrawing from Chernobyl nuclear power"
    )
    assert article.published == datetime.fromtimestamp(1648718679, tz=UTC)
    assert not article.text.startswith("1648718679")
    assert article.sha256 == text_sha256(article.text)


def test_ingest_seed_without_header_has_no_date_or_headline() -> None:
    result = read_articles([SEEDS / "000_baae6c38b6942fe8.txt"])
    (article,) = result.articles
    assert article.headline is None
    assert article.published is None
    assert article.text.startswith("Several hundred Russian soldiers")


def test_ingest_folder_reads_all_articles_in_sorted_order() -> None:
    result = read_articles([SEEDS])
    assert [a.id for a in result.articles] == ["000_baae6c38b6942fe8", "004_44ce2575710fd140"]
    assert result.problems == ()


def test_ingest_normalises_only_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "One\r\nTwo\rThree\n  spaced  \t")
    (article,) = read_articles([path]).articles
    assert article.text == "One\nTwo\nThree\n  spaced  \t"


def test_ingest_number_without_headline_is_text_not_header(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "1648718679\nBody text.")
    (article,) = read_articles([path]).articles
    assert article.published is None
    assert article.text.startswith("1648718679")


def test_ingest_jsonl_corpus_with_optional_fields(tmp_path: Path) -> None:
    lines = [
        {"id": "a1", "text": "Alpha.", "url": "https://example.org/a1", "headline": "A"},
        {"id": "a2", "text": "Beta.", "published": "2022-03-31T09:24:39Z"},
        {"id": 3, "text": "Gamma.", "published": "2022-03-31"},
    ]
    path = write(tmp_path / "c.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    result = read_articles([path])
    assert result.problems == ()
    a1, a2, a3 = result.articles
    assert (a1.url, a1.headline, a1.published) == ("https://example.org/a1", "A", None)
    assert a2.published == datetime(2022, 3, 31, 9, 24, 39, tzinfo=UTC)
    assert a3.id == "3"
    assert a3.published == datetime(2022, 3, 31, tzinfo=UTC)
    assert a2.source == f"{path}:2"


def test_ingest_json_list_and_single_object(tmp_path: Path) -> None:
    many = write(
        tmp_path / "many.json", json.dumps([{"id": "x", "text": "X."}, {"id": "y", "text": "Y."}])
    )
    one = write(tmp_path / "one.json", json.dumps({"id": "z", "text": "Z."}))
    result = read_articles([many, one])
    assert [a.id for a in result.articles] == ["x", "y", "z"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"  \n\n ", "file is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin1.txt", "Café in Kyiv".encode("latin-1"), "not valid UTF-8"),
    ],
)
def test_ingest_bad_file_is_named_and_skipped(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    bad = write(tmp_path / name, data)
    good = write(tmp_path / "good.txt", "Troops withdrew.")
    result = read_articles([bad, good])
    assert [a.id for a in result.articles] == ["good"]
    problem = only_problem(result.problems)
    assert problem.source == str(bad)
    assert reason in problem.reason
    assert str(bad) in str(problem)


def test_ingest_oversized_file_is_rejected(tmp_path: Path) -> None:
    big = write(tmp_path / "big.txt", "a" * 101)
    problem = only_problem(read_articles([big], max_bytes=100).problems)
    assert "over the 100-byte limit" in problem.reason


def test_ingest_unreadable_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = write(tmp_path / "locked.txt", "text")
    write(tmp_path / "good.txt", "Good.")
    real_open = os.open

    def fake_open(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if Path(path) == locked:  # root ignores chmod 0, so simulate the denial the OS would give
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", fake_open)
    result = read_articles([tmp_path])
    assert [a.id for a in result.articles] == ["good"]
    problem = only_problem(result.problems)
    assert problem.source == str(locked)
    assert "cannot read file: Permission denied" in problem.reason


def test_ingest_missing_path_is_named(tmp_path: Path) -> None:
    result = read_articles([tmp_path / "missing.txt"])
    assert "no such file or folder" in only_problem(result.problems).reason


def test_ingest_folder_without_articles_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path / "notes.md", "not an article")
    problem = only_problem(read_articles([tmp_path]).problems)
    assert problem.source == str(tmp_path)
    assert "no articles" in problem.reason


def test_ingest_malformed_json_line_names_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.jsonl",
        '{"id": "a", "text": "A."}\n{"id": "b", "text": \n{"id": "c", "text": "C."}\n',
    )
    result = read_articles([path])
    assert [a.id for a in result.articles] == ["a", "c"]
    problem = only_problem(result.problems)
    assert (problem.source, problem.line) == (str(path), 2)
    assert str(problem).startswith(f"{path}:2: malformed JSON")


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"text": "no id"}, "'id'"),
        ({"id": "a"}, "'text'"),
        ({"id": "a", "text": "  "}, "no text"),
        ({"id": "a", "text": "x", "published": "yesterday"}, "not a date"),
        (["not", "an", "object"], "expected a JSON object"),
        ({"id": "a\nb", "text": "x"}, "unusable"),
    ],
)
def test_ingest_invalid_json_object_is_named(tmp_path: Path, obj: object, reason: str) -> None:
    path = write(tmp_path / "c.jsonl", json.dumps(obj) + "\n")
    problem = only_problem(read_articles([path]).problems)
    assert problem.line == 1
    assert reason in problem.reason


def test_ingest_duplicate_id_keeps_first_and_names_second(tmp_path: Path) -> None:
    first = write(tmp_path / "a" / "same.txt", "First.")
    second = write(tmp_path / "b" / "same.txt", "Second.")
    result = read_articles([tmp_path])
    (article,) = result.articles
    assert article.text == "First."
    problem = only_problem(result.problems)
    assert problem.source == str(second)
    assert "duplicate article id 'same'" in problem.reason
    assert str(first) in problem.reason


def test_ingest_hidden_files_and_folders_are_ignored(tmp_path: Path) -> None:
    write(tmp_path / ".cache" / "x.txt", "hidden")
    write(tmp_path / "visible.txt", "Visible.")
    assert [a.id for a in read_articles([tmp_path]).articles] == ["visible"]


@given(st.text(min_size=1, max_size=300))
def test_ingest_text_is_stored_with_only_newlines_changed(
    tmp_path_factory: pytest.TempPathFactory, body: str
) -> None:
    path = tmp_path_factory.mktemp("h") / "x.txt"
    raw = "Lead.\n" + body
    path.write_bytes(raw.encode("utf-8"))
    result = read_articles([path])
    for article in result.articles:
        assert "\r" not in article.text
        assert article.sha256 == text_sha256(article.text)
    for problem in result.problems:
        assert problem.source == str(path)


def test_ingest_article_over_the_character_limit_is_named(tmp_path: Path) -> None:
    long = write(tmp_path / "long.txt", "word " * 30)
    short = write(tmp_path / "short.txt", "Short.")
    result = read_articles([long, short], max_chars=100)
    assert [a.id for a in result.articles] == ["short"]
    problem = only_problem(result.problems)
    assert problem.source == str(long)
    assert "over the 100-character limit" in problem.reason
