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
from pathlib import Path
from typing import Any

from kg.model import Article

#: Bump when the entry layout changes: every older entry then misses.
CACHE_FORMAT = "newskg-cache-4"
_MAGIC = CACHE_FORMAT.encode("ascii")
_SUFFIX = ".entry"
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.entry")
#: A temporary file older than this is left over from a killed build (a live one is younger).
STALE_TEMP_SECONDS = 3600


def cache_key(article: Article, context: str) -> str:
    """The entry key of ``article`` in a build ``context`` (see :func:`build_context`)."""
    published = article.published.isoformat() if article.published else None
    parts = [
        CACHE_FORMAT,
        context,
        article.id,
        article.sha256,
        article.headline,
        published,
        article.url,
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def build_context(**parts: str) -> str:
    """What every entry of a build depends on, as one canonical string."""
    return json.dumps(parts, sort_keys=True)


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
