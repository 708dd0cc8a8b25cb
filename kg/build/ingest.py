"""Read articles from files and folders: ``*.txt``, ``*.jsonl`` and ``*.json``.

Ingest never raises on bad input: each unusable file or line becomes a :class:`Problem` naming the
file (and line) and the reason, and the other articles are still read. Which files are read, and
how safely, is :mod:`kg.build.inputs`. Only line endings are normalised, so offsets computed later
refer to exactly the text stored in :attr:`Article.text`.

A ``.txt`` file's first line is a header ``<unix epoch seconds> <headline>`` only when the epoch
has 9 or 10 ASCII digits (1973-03-03 to 2286-11-20) and the rest of the file has text; any other
first line is text, kept as it is (``300 Russian soldiers ...`` must not lose its number and date
the article 1970).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kg.build.inputs import SUFFIXES, InputFile, Problem, input_files
from kg.model import Article

__all__ = ["SUFFIXES", "Ingested", "Problem", "read_articles"]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_CHARS = 1_000_000
#: Longest run of characters without whitespace: spaCy's tokenizer strips punctuation off such a
#: run one character at a time, each time searching the whole run, so its time grows with the
#: square of the run's length (10,000 ``)`` take about 15 s). Real words and URLs are far shorter.
DEFAULT_MAX_WORD_CHARS = 1_000
_HEADER = re.compile(r"([0-9]{9,10}) +(\S.*)")
_ID_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
MAX_ID_LENGTH = 200
#: Characters of a value quoted in a problem (a 10 KB id is not echoed whole).
_SHOWN = 60


@dataclass(frozen=True, slots=True)
class Ingested:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class Limits:
    """What an article's text may hold: at most ``chars`` characters, and no run of more than
    ``word_chars`` characters without whitespace."""

    chars: int = DEFAULT_MAX_CHARS
    word_chars: int = DEFAULT_MAX_WORD_CHARS

    def long_run(self, text: str) -> re.Match[str] | None:
        """The first run of more than ``word_chars`` non-whitespace characters (linear: a run is
        only tried where one starts)."""
        return re.search(rf"(?<!\S)\S{{{self.word_chars + 1},}}", text)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; nothing else changes (offsets must stay meaningful)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_articles(
    paths: Iterable[Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_word_chars: int = DEFAULT_MAX_WORD_CHARS,
) -> Ingested:
    """Read every article under ``paths``; the first of two articles with one id wins."""
    limits = Limits(max_chars, max_word_chars)
    articles: list[Article] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for file in input_files(paths, max_bytes):
        for item in [file] if isinstance(file, Problem) else _articles_of(file, limits):
            if isinstance(item, Problem):
                problems.append(item)
            elif item.id in seen:
                problems.append(
                    Problem(
                        item.source, f"duplicate article id {item.id!r} (first in {seen[item.id]})"
                    )
                )
            else:
                seen[item.id] = item.source
                articles.append(item)
    return Ingested(tuple(articles), tuple(problems))


def _articles_of(file: InputFile, limits: Limits) -> Iterator[Article | Problem]:
    source = str(file.path)
    data = file.data
    if not data.strip():
        yield Problem(source, "file is empty")
        return
    if b"\x00" in data:
        yield Problem(source, "file is binary (contains NUL bytes), not UTF-8 text")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Problem(source, f"not valid UTF-8 (byte {exc.start}: {exc.reason})")
        return
    text = normalise_newlines(text)
    suffix = file.path.suffix.lower()
    if suffix == ".txt":
        yield _article_from_txt(file.path, text, limits)
    elif suffix == ".jsonl":
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield _article_from_json_line(source, number, line, limits)
    else:
        yield from _articles_from_json(source, text, limits)


def _article_from_txt(path: Path, text: str, limits: Limits) -> Article | Problem:
    first, _newline, rest = text.partition("\n")
    header = _HEADER.fullmatch(first.strip())
    if header is None or not rest.strip():
        return _make_article(str(path), None, path.stem, text, None, None, None, limits)
    published = datetime.fromtimestamp(int(header.group(1)), tz=UTC)  # 9-10 digits: always valid
    headline = header.group(2).strip()
    return _make_article(str(path), None, path.stem, rest, headline, published, None, limits)


def _article_from_json_line(
    source: str, number: int, line: str, limits: Limits
) -> Article | Problem:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Problem(source, f"malformed JSON: {exc.msg} (column {exc.colno})", number)
    except RecursionError:
        return Problem(source, _TOO_DEEP, number)
    return _article_from_object(source, number, obj, limits)


#: Python's JSON parser recurses once per level and stops at about 1,000 (2 KB of brackets).
_TOO_DEEP = "JSON nested too deeply to read (an article object needs 3 levels); not read"


def _articles_from_json(source: str, text: str, limits: Limits) -> Iterator[Article | Problem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(source, f"malformed JSON: {exc.msg}", exc.lineno)
        return
    except RecursionError:
        yield Problem(source, _TOO_DEEP)
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    items = data if isinstance(data, list) else [data]
    if not items:
        yield Problem(source, "JSON file holds no articles")
    for index, obj in enumerate(items, start=1):
        article = _article_from_object(source, None, obj, limits)
        if isinstance(article, Problem) and len(items) > 1:
            article = Problem(source, f"item {index}: {article.reason}")
        yield article


def _article_from_object(
    source: str, line: int | None, obj: Any, limits: Limits
) -> Article | Problem:
    if not isinstance(obj, dict):
        return Problem(source, f"expected a JSON object, got {_json_type(obj)}", line)
    wrong = _wrong_field(obj)
    if wrong is not None:
        return Problem(source, wrong, line)
    published = None
    if obj.get("published") not in (None, ""):
        published = _parse_published(obj["published"])
        if published is None:
            shown = _shown(str(obj["published"]))
            return Problem(source, f"field 'published' is not a date: {shown}", line)
    where = source if line is None else f"{source}:{line}"
    headline = obj.get("headline") or None
    url = obj.get("url") or None
    text = normalise_newlines(obj["text"])
    return _make_article(where, line, str(obj["id"]), text, headline, published, url, limits)


def _wrong_field(obj: dict[str, Any]) -> str | None:
    """What is wrong with the fields of an article object, if anything.

    ``id`` is a string or an integer; ``text`` a string; ``headline`` and ``url`` strings or
    null; ``published`` a date string, unix seconds or null. JSON's ``true`` is no number here.
    """
    for key in ("id", "text"):
        if key not in obj or obj[key] is None:
            return f"missing field {key!r}"
    if not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool):
        return f"field 'id' must be a string or an integer, not {_json_type(obj['id'])}"
    for key in ("text", "headline", "url"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            return f"field {key!r} must be a string, not {_json_type(value)}"
    published = obj.get("published")
    if published is not None and (
        not isinstance(published, str | int | float) or isinstance(published, bool)
    ):
        return (
            f"field 'published' must be a date string or unix seconds, not {_json_type(published)}"
        )
    for key in ("id", "text", "url", "headline", "published"):
        if isinstance(obj.get(key), str) and not _encodable(obj[key]):
            return f"field {key!r} holds an unpaired surrogate escape (like \\ud800), not text"
    return None


def _json_type(value: object) -> str:
    """What a JSON value is, in JSON's words (never the value: it may be 5 MB, or nested)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _shown(value: str) -> str:
    """``value`` quoted for a message, cut short when long."""
    if len(value) <= _SHOWN:
        return repr(value)
    return f"{value[:_SHOWN]!r}... ({len(value):,} characters)"


def _encodable(text: str) -> bool:
    """JSON can escape lone surrogates, which are not Unicode text and cannot be stored."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse_published(value: str | int | float) -> datetime | None:
    """ISO 8601 (a date, or a date-time; naive means UTC) or unix seconds."""
    try:
        if isinstance(value, int | float) or value.strip().isdigit():
            return datetime.fromtimestamp(int(value), tz=UTC)
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _make_article(
    source: str,
    line: int | None,
    article_id: str,
    text: str,
    headline: str | None,
    published: datetime | None,
    url: str | None,
    limits: Limits,
) -> Article | Problem:
    file = source if line is None else source.rsplit(":", 1)[0]
    problem = _id_problem(article_id) or _text_problem(text, limits)
    if problem is not None:
        return Problem(file, problem, line)
    return Article(
        id=article_id,
        text=text,
        sha256=text_sha256(text),
        source=source,
        headline=headline,
        published=published,
        url=url,
    )


def _id_problem(article_id: str) -> str | None:
    if not article_id or len(article_id) > MAX_ID_LENGTH or _ID_FORBIDDEN.search(article_id):
        return (
            f"article id {_shown(article_id)} is unusable: it must be 1-{MAX_ID_LENGTH} "
            "characters without control characters"
        )
    return None


def _text_problem(text: str, limits: Limits) -> str | None:
    if not text.strip():
        return "article has no text"
    if len(text) > limits.chars:
        return (
            f"article text has {len(text):,} characters, over the {limits.chars:,}-character "
            "limit; split it into smaller articles"
        )
    run = limits.long_run(text)
    if run is not None:
        return (
            f"article text has a {run.end() - run.start():,}-character run without whitespace "
            f"at character {run.start():,}, over the {limits.word_chars:,}-character limit "
            "(spaCy's tokenizer takes time that grows with the square of such a run); break it "
            "up with spaces, or raise KG_MAX_WORD_CHARS"
        )
    return None
