"""The incremental-build cache: one checksummed entry per article, written atomically.

An entry holds what is expensive to recompute for one article: its linked extraction (as JSON,
for the merged layer), its mapped and validated graph (sorted N-Quads lines) and its validation
verdict. The key is a hash of everything the entry depends on: the article (id, text hash,
headline, date, URL) and the build context (base IRI, pipeline version, linker, shapes and
ontology hashes). Change any of them and the key changes, so a stale entry is never used.

Entries are written to a temporary file and renamed into place, so a reader sees a whole entry
or none. Each starts with a SHA-256 of its body: an entry that is truncated, altered or
undecodable is reported as corrupt, deleted and rebuilt; it never reaches a build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kg.model import (
    Article,
    Entity,
    Event,
    Extraction,
    Link,
    Mention,
    Position,
    Statement,
    TimeExpression,
)

#: Bump when the entry layout changes: every older entry then misses.
CACHE_FORMAT = "newskg-cache-2"
_MAGIC = CACHE_FORMAT.encode("ascii")
_SUFFIX = ".entry"
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.entry")
#: A temporary file older than this is left over from a killed build (a live one is younger).
STALE_TEMP_SECONDS = 3600


def cache_key(article: Article, context: str) -> str:
    """The entry key of ``article`` in a build ``context`` (see :func:`build_context`)."""
    published = article.published.isoformat() if article.published else None
    parts = [CACHE_FORMAT, context, article.id, article.sha256, article.headline, published,
             article.url]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def build_context(**parts: str) -> str:
    """What every entry of a build depends on, as one canonical string."""
    return json.dumps(parts, sort_keys=True)


def file_sha256(*paths: Path) -> str:
    """One hash over the bytes of ``paths`` (missing files hash as absent)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.name).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<absent>")
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class Cache:
    """Entries under ``directory``; ``corrupt`` lists the keys found damaged (and deleted)."""

    directory: Path
    corrupt: list[str] = field(default_factory=list)

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / (key + _SUFFIX)

    def get(self, key: str) -> dict[str, Any] | None:
        """The entry for ``key``, or None when there is none or it is corrupt."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError:
            self._discard(key)
            return None
        payload = _decode(data, key)
        if payload is None:
            self._discard(key)
        return payload

    def put(self, key: str, payload: dict[str, Any]) -> None:
        """Write an entry atomically (temporary file + rename); concurrent readers are safe."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        body = zlib.compress(
            json.dumps({"key": key, **payload}, ensure_ascii=False).encode("utf-8"), 1
        )
        header = _MAGIC + b" " + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n"
        fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(header + body)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def prune(self, keep: Iterable[str]) -> int:
        """Delete entries not in ``keep`` and stale temporary files; return how many.

        Only files this class writes are touched (``<2 hex>/<64 hex>.entry`` and
        ``<2 hex>/.tmp-*`` older than :data:`STALE_TEMP_SECONDS`), whatever else is in the folder.
        """
        wanted = set(keep)
        removed = 0
        now = time.time()
        for path in self.directory.glob("[0-9a-f][0-9a-f]/*"):
            if path.name.startswith(".tmp-"):
                try:
                    stale = now - path.stat().st_mtime > STALE_TEMP_SECONDS
                except FileNotFoundError:  # renamed into place meanwhile
                    continue
            else:
                stale = bool(_ENTRY_NAME.fullmatch(path.name)) and path.stem not in wanted
            if stale:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _discard(self, key: str) -> None:
        self.corrupt.append(key)
        self.path(key).unlink(missing_ok=True)


def _decode(data: bytes, key: str) -> dict[str, Any] | None:
    header, newline, body = data.partition(b"\n")
    parts = header.split(b" ")
    if not newline or len(parts) != 2 or parts[0] != _MAGIC:
        return None
    if hashlib.sha256(body).hexdigest().encode("ascii") != parts[1]:
        return None
    try:
        payload = json.loads(zlib.decompress(body).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("key") != key:
        return None
    return payload


# -- the extraction as JSON -----------------------------------------------------------------
def extraction_to_json(extraction: Extraction) -> dict[str, Any]:
    """Everything in ``extraction`` except the article (the build has it from ingest)."""
    return {
        "sentences": [list(s) for s in extraction.sentences],
        "entities": [_entity_json(e) for e in extraction.entities],
        "positions": [
            [p.person, p.title, p.organisation, _mention_json(p.mention)]
            for p in extraction.positions
        ],
        "statements": [
            [s.speaker, s.verb, _mention_json(s.quote), _mention_json(s.mention)]
            for s in extraction.statements
        ],
        "events": [_event_json(e) for e in extraction.events],
        "notes": list(extraction.notes),
    }


def extraction_from_json(data: dict[str, Any], article: Article) -> Extraction:
    """The inverse of :func:`extraction_to_json`; raises ``KeyError``/``TypeError`` if damaged."""
    return Extraction(
        article=article,
        sentences=tuple((int(b), int(e)) for b, e in data["sentences"]),
        entities=tuple(_entity(e) for e in data["entities"]),
        positions=tuple(
            Position(person, title, organisation, _mention(mention))
            for person, title, organisation, mention in data["positions"]
        ),
        statements=tuple(
            Statement(speaker, verb, _mention(quote), _mention(mention))
            for speaker, verb, quote, mention in data["statements"]
        ),
        events=tuple(_event(e) for e in data["events"]),
        notes=tuple(data["notes"]),
    )


def _mention_json(mention: Mention) -> list[Any]:
    return [mention.begin, mention.end, mention.anchor]


def _mention(data: list[Any]) -> Mention:
    begin, end, anchor = data
    return Mention(int(begin), int(end), str(anchor))


def _entity_json(entity: Entity) -> dict[str, Any]:
    link = entity.link
    return {
        "key": entity.key,
        "name": entity.name,
        "cls": entity.cls,
        "mentions": [_mention_json(m) for m in entity.mentions],
        "aliases": list(entity.aliases),
        "link": None
        if link is None
        else [link.qid, link.confidence, link.label, link.source],
        "country": entity.country,
    }


def _entity(data: dict[str, Any]) -> Entity:
    link = data["link"]
    return Entity(
        key=data["key"],
        name=data["name"],
        cls=data["cls"],
        mentions=tuple(_mention(m) for m in data["mentions"]),
        aliases=tuple(data["aliases"]),
        link=None if link is None else Link(link[0], float(link[1]), link[2], link[3]),
        country=data["country"],
    )


def _event_json(event: Event) -> dict[str, Any]:
    time = event.time
    return {
        "type": event.type,
        "trigger": _mention_json(event.trigger),
        "agents": list(event.agents),
        "targets": list(event.targets),
        "locations": list(event.locations),
        "time": None
        if time is None
        else [
            _mention_json(time.mention),
            time.granularity,
            _date_json(time.earliest),
            _date_json(time.latest),
        ],
        "factuality": event.factuality,
        "statement": event.statement,
        "confidence": event.confidence,
    }


def _event(data: dict[str, Any]) -> Event:
    time = data["time"]
    return Event(
        type=data["type"],
        trigger=_mention(data["trigger"]),
        agents=tuple(data["agents"]),
        targets=tuple(data["targets"]),
        locations=tuple(data["locations"]),
        time=None
        if time is None
        else TimeExpression(_mention(time[0]), time[1], _date(time[2]), _date(time[3])),
        factuality=data["factuality"],
        statement=data["statement"],
        confidence=float(data["confidence"]),
    )


def _date_json(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
