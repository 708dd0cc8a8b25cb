"""Ingest against the breaks an outside attacker found (issue 21): the ``.txt`` header rule, a
deeply nested JSON line, fields of the wrong type, a 10 KB id, and what makes spaCy's tokenizer
quadratic. Each test failed on the code before the fix.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kg.build.ingest import DEFAULT_MAX_WORD_CHARS, Problem, read_articles


def write(path: Path, data: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data, encoding="utf-8", newline="")
    return path


def only_problem(problems: tuple[Problem, ...]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# -- the .txt header: `<unix epoch seconds> <headline>`, unambiguous ------------------------------
@pytest.mark.parametrize(
    "body",
    [
        "300 Russian soldiers seized the town on Friday.\nThey left two days later.\n",
        "2022 was the year the plant was seized.\nOfficials confirmed it.",
        "12345678901 people were counted, a number too long for a date.\nMore text.",
        "\u0661\u0666\u0664\u0668\u0667\u0661\u0668\u0666\u0667\u0669 Arabic-Indic digits\nBody.",
        "\uff11\uff16\uff14\uff18\uff17\uff11\uff18\uff16\uff17\uff19 Fullwidth digits\nBody.",
        "1648718679\nA number alone on its line is text.",
        "99999999 eight digits are no header\nBody.",
    ],
)
def test_ingest_txt_first_line_that_is_no_header_stays_in_the_text(
    tmp_path: Path, body: str
) -> None:
    """Issue 21 item 1: the line never leaves the text, loses its number or dates the article."""
    path = write(tmp_path / "a.txt", body)
    (article,) = read_articles([path]).articles
    assert article.text == body
    assert article.headline is None
    assert article.published is None


def test_ingest_one_line_article_starting_with_a_year_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "2022 saw the plant seized by Russian troops.\n")
    result = read_articles([path])
    assert result.problems == ()
    (article,) = result.articles
    assert article.text == "2022 saw the plant seized by Russian troops.\n"


def test_ingest_header_only_file_is_text_not_an_empty_article(tmp_path: Path) -> None:
    """A header needs text after it; without any, the line is the article's text."""
    path = write(tmp_path / "a.txt", "1648718679 Russian troops leave Chernobyl\n\n  \n")
    (article,) = read_articles([path]).articles
    assert article.text.startswith("1648718679 Russian troops leave Chernobyl")
    assert article.headline is None


@pytest.mark.parametrize(
    ("first", "epoch"),
    [("1648718679 Troops withdraw", 1648718679), ("100000000 Earliest header", 100_000_000)],
)
def test_ingest_header_with_9_or_10_digits_and_text_after_it(
    tmp_path: Path, first: str, epoch: int
) -> None:
    path = write(tmp_path / "a.txt", f"{first}\r\nRussian troops withdrew.\r\n")
    (article,) = read_articles([path]).articles
    assert article.headline == first.split(" ", 1)[1]
    assert article.published == datetime.fromtimestamp(epoch, tz=UTC)
    assert article.text == "Russian troops withdrew.\n"


# -- JSON ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_ingest_deeply_nested_json_line_is_a_named_problem(tmp_path: Path, depth: int) -> None:
    """Issue 21 item 2: the line is skipped with its file and number; the others are read."""
    nested = "[" * depth + "]" * depth
    path = write(
        tmp_path / "c.jsonl",
        json.dumps({"id": "a", "text": "Kyiv."})
        + "\n"
        + f'{{"id": "deep", "text": "x", "url": {nested}}}\n'
        + nested
        + "\n"
        + json.dumps({"id": "b", "text": "Kharkiv."})
        + "\n",
    )
    result = read_articles([path])
    assert [a.id for a in result.articles] == ["a", "b"]
    assert [(p.source, p.line) for p in result.problems] == [(str(path), 2), (str(path), 3)]
    for problem in result.problems:
        assert "nested" in problem.reason
        assert len(str(problem)) < 300


def test_ingest_deeply_nested_json_file_is_a_named_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "c.json", "{" + '"a":{' * 5_000 + "}" * 5_001)
    good = write(tmp_path / "good.txt", "Troops withdrew.")
    result = read_articles([path, good])
    assert [a.id for a in result.articles] == ["good"]
    problem = only_problem(result.problems)
    assert problem.source == str(path)
    assert "nested" in problem.reason


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"headline": 1945}, "field 'headline' must be a string, not a number"),
        ({"headline": 19.45}, "field 'headline' must be a string, not a number"),
        ({"url": 7}, "field 'url' must be a string, not a number"),
        ({"url": True}, "field 'url' must be a string, not true"),
        ({"published": True}, "field 'published' must be a date string or unix seconds"),
        ({"published": False}, "field 'published' must be a date string or unix seconds"),
        ({"published": [2022]}, "field 'published' must be a date string or unix seconds"),
        ({"text": 5}, "field 'text' must be a string"),
        ({"id": 1.5}, "field 'id' must be a string or an integer"),
        ({"id": True}, "field 'id' must be a string or an integer"),
    ],
)
def test_ingest_json_field_of_the_wrong_type_is_a_named_problem(
    tmp_path: Path, fields: dict[str, object], reason: str
) -> None:
    """Issue 21: a numeric ``headline`` or ``url``, or ``"published": true`` (which was read
    as 1970-01-01T00:00:01Z), are caught at ingest."""
    obj = {"id": "a", "text": "Russian troops withdrew.", **fields}
    path = write(tmp_path / "c.jsonl", json.dumps(obj) + "\n")
    problem = only_problem(read_articles([path]).problems)
    assert (problem.source, problem.line) == (str(path), 1)
    assert reason in problem.reason


def test_ingest_json_numbers_still_allowed_where_documented(tmp_path: Path) -> None:
    obj = {"id": 7, "text": "Russian troops withdrew.", "published": 1648718679}
    path = write(tmp_path / "c.jsonl", json.dumps(obj) + "\n")
    (article,) = read_articles([path]).articles
    assert article.id == "7"
    assert article.published == datetime.fromtimestamp(1648718679, tz=UTC)


# -- long values are never echoed whole ----------------------------------------------------------
@pytest.mark.parametrize(
    "obj",
    [
        {"id": "x" * 10_240, "text": "Kyiv."},
        {"id": "a", "text": "Kyiv.", "published": "y" * 10_240},
        {"id": "a", "text": "Kyiv.", "url": ["u" * 10_240]},
    ],
)
def test_ingest_problem_never_echoes_a_long_value_whole(
    tmp_path: Path, obj: dict[str, object]
) -> None:
    """Issue 21: a 10 KB id was echoed whole in its warning."""
    path = write(tmp_path / "c.jsonl", json.dumps(obj) + "\n")
    problem = only_problem(read_articles([path]).problems)
    assert len(str(problem)) < len(str(path)) + 300, str(problem)


def test_ingest_long_id_problem_says_how_long_it_is(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", json.dumps({"id": "x" * 10_240, "text": "Kyiv."}) + "\n")
    problem = only_problem(read_articles([path]).problems)
    assert "10,240 characters" in problem.reason
    assert "unusable" in problem.reason


# -- what makes spaCy's tokenizer quadratic -------------------------------------------------------
@pytest.mark.parametrize("run", [")" * 20_000, '"' * 10_001, "!" * 900_000, "$%" * 600])
def test_ingest_long_run_without_whitespace_is_a_named_problem(tmp_path: Path, run: str) -> None:
    """Issue 21 item 4: runs like these take spaCy's tokenizer time quadratic in their length
    (10,000 characters 15 s, 900 KB over 300 s); the article is skipped with the place of the
    run, before any parse."""
    text = "Russian troops seized the plant. " + run + " Officials said."
    path = write(tmp_path / "c.jsonl", json.dumps({"id": "a", "text": text}) + "\n")
    good = write(tmp_path / "good.txt", "Troops withdrew.")
    result = read_articles([path, good])
    assert [a.id for a in result.articles] == ["good"]
    problem = only_problem(result.problems)
    assert (problem.source, problem.line) == (str(path), 1)
    assert f"{len(run):,}-character run without whitespace at character 33" in problem.reason
    assert f"{DEFAULT_MAX_WORD_CHARS:,}" in problem.reason


def test_ingest_long_words_up_to_the_limit_are_read(tmp_path: Path) -> None:
    url = "https://news.example.org/" + "a" * (DEFAULT_MAX_WORD_CHARS - 25)
    path = write(tmp_path / "a.txt", f"Troops withdrew, see {url}\nand {url[:-1]}!\n")
    (article,) = read_articles([path]).articles
    assert url in article.text


def test_ingest_word_limit_is_configurable(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Troops withdrew " + "x" * 50 + " today.")
    assert read_articles([path], max_word_chars=50).articles
    problem = only_problem(read_articles([path], max_word_chars=49).problems)
    assert "50-character run" in problem.reason
