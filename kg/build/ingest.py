"""Read articles from files and folders: ``*.txt``, ``*.jsonl`` and ``*.json``.

Ingest never raises on bad input: each unusable file or line becomes a :class:`Problem` naming the
file (and line) and the reason, and the other articles are still read. Only line endings are
normalised, so offsets computed later refer to exactly the text stored in :attr:`Article.text`.
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

from kg.model import Article

SUFFIXES = (".txt", ".jsonl", ".json")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_CHARS = 1_000_000
_HEADER = re.compile(r"(\d{1,12}) +(\S.*)")
_ID_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
MAX_ID_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Problem:
    """One piece of input that was skipped, and why."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Ingested:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; nothing else changes (offsets must stay meaningful)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_articles(
    paths: Iterable[Path], *, max_bytes: int = DEFAULT_MAX_BYTES, max_chars: int = DEFAULT_MAX_CHARS
) -> Ingested:
    """Read every article under ``paths``; the first of two articles with one id wins."""
    articles: list[Article] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        for item in _read_path(Path(path), max_bytes):
            if isinstance(item, Problem):
                problems.append(item)
            elif len(item.text) > max_chars:
                problems.append(
                    Problem(
                        item.source,
                        f"article text has {len(item.text):,} characters, over the "
                        f"{max_chars:,}-character limit; split it into smaller articles",
                    )
                )
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


def _read_path(path: Path, max_bytes: int) -> Iterator[Article | Problem]:
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in SUFFIXES
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not files:
            yield Problem(str(path), f"folder has no articles (no {', '.join(SUFFIXES)} files)")
        for file in files:
            yield from _read_file(file, max_bytes)
    elif path.exists():
        yield from _read_file(path, max_bytes)
    else:
        yield Problem(str(path), "no such file or folder")


def _read_file(path: Path, max_bytes: int) -> Iterator[Article | Problem]:
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield Problem(source, f"unsupported file type {suffix or '(none)'}; expected {SUFFIXES}")
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield Problem(source, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Problem(source, f"cannot read file: {exc.strerror or exc}")
        return
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
    if suffix == ".txt":
        yield _article_from_txt(path, text)
    elif suffix == ".jsonl":
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield _article_from_json_line(source, number, line)
    else:
        yield from _articles_from_json(source, text)


def _article_from_txt(path: Path, text: str) -> Article | Problem:
    first, _newline, rest = text.partition("\n")
    header = _HEADER.fullmatch(first.strip())
    headline: str | None = None
    published: datetime | None = None
    if header:
        try:
            published = datetime.fromtimestamp(int(header.group(1)), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return Problem(str(path), f"header time {header.group(1)} is not a valid unix time", 1)
        headline = header.group(2).strip()
        text = rest
    return _make_article(str(path), None, path.stem, text, headline, published, None)


def _article_from_json_line(source: str, number: int, line: str) -> Article | Problem:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Problem(source, f"malformed JSON: {exc.msg} (column {exc.colno})", number)
    return _article_from_object(source, number, obj)


def _articles_from_json(source: str, text: str) -> Iterator[Article | Problem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(source, f"malformed JSON: {exc.msg}", exc.lineno)
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    items = data if isinstance(data, list) else [data]
    if not items:
        yield Problem(source, "JSON file holds no articles")
    for index, obj in enumerate(items, start=1):
        article = _article_from_object(source, None, obj)
        if isinstance(article, Problem) and len(items) > 1:
            article = Problem(source, f"item {index}: {article.reason}")
        yield article


def _article_from_object(source: str, line: int | None, obj: Any) -> Article | Problem:
    if not isinstance(obj, dict):
        return Problem(source, f"expected a JSON object, got {type(obj).__name__}", line)
    for key in ("id", "text"):
        if not isinstance(obj.get(key), str | int) or isinstance(obj.get(key), bool):
            return Problem(source, f"missing or non-string field {key!r}", line)
    for key in ("url", "headline", "published"):
        if obj.get(key) is not None and not isinstance(obj[key], str | int | float):
            return Problem(source, f"field {key!r} must be a string", line)
    for key in ("id", "text", "url", "headline", "published"):
        if isinstance(obj.get(key), str) and not _encodable(obj[key]):
            return Problem(
                source,
                f"field {key!r} holds an unpaired surrogate escape (like \\ud800), not text",
                line,
            )
    published = None
    if obj.get("published") not in (None, ""):
        published = _parse_published(obj["published"])
        if published is None:
            return Problem(source, f"field 'published' is not a date: {obj['published']!r}", line)
    where = source if line is None else f"{source}:{line}"
    headline = obj.get("headline") or None
    url = obj.get("url") or None
    text = normalise_newlines(str(obj["text"]))
    return _make_article(where, line, str(obj["id"]), text, headline, published, url)


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
) -> Article | Problem:
    file = source if line is None else source.rsplit(":", 1)[0]
    if not article_id or len(article_id) > MAX_ID_LENGTH or _ID_FORBIDDEN.search(article_id):
        return Problem(
            file,
            f"article id {article_id!r} is unusable: it must be 1-{MAX_ID_LENGTH} characters "
            "without control characters",
            line,
        )
    if not text.strip():
        return Problem(file, "article has no text", line)
    return Article(
        id=article_id,
        text=text,
        sha256=text_sha256(text),
        source=source,
        headline=headline,
        published=published,
        url=url,
    )
