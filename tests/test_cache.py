"""kg.build.cache: entries keyed by everything they depend on, checksummed, written atomically."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import pytest
from fakes import article, sample_extraction

from kg.build.cache import (
    STALE_TEMP_SECONDS,
    Cache,
    build_context,
    cache_key,
)
from kg.codec import extraction_from_json, extraction_to_json

CONTEXT = build_context(base="http://kg.example.org/", pipeline="1", shapes="s", ontology="o")


def test_codec_extraction_round_trips_through_json() -> None:
    extraction = sample_extraction()
    data = extraction_to_json(extraction)
    assert extraction_from_json(data, extraction.article) == extraction


def test_cache_entry_round_trips(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = cache_key(article(), CONTEXT)
    payload = {"block": "<a> <b> <c> <g> .\n", "text": "Zaporizhzhia “plant” ✓"}
    cache.put(key, payload)
    assert cache.get(key) == {"key": key, **payload}
    assert cache.get(cache_key(article("other"), CONTEXT)) is None
    assert cache.corrupt == []


@pytest.mark.parametrize(
    "change",
    [
        {"text": "A different text."},
        {"headline": "Another headline"},
        {"published": None},
        {"url": "https://elsewhere.example.org/"},
        {"id": "a2"},
    ],
)
def test_cache_key_changes_with_the_article(change: dict[str, object]) -> None:
    base = article()
    changed = dataclasses.replace(base, **change)  # type: ignore[arg-type]
    if "text" in change:
        changed = article(text=str(change["text"]))
    assert cache_key(changed, CONTEXT) != cache_key(base, CONTEXT)
    # where the file came from does not matter
    assert cache_key(dataclasses.replace(base, source="moved.txt"), CONTEXT) == cache_key(
        base, CONTEXT
    )


@pytest.mark.parametrize("part", ["base", "pipeline", "shapes", "ontology"])
def test_cache_key_changes_with_the_build_context(part: str) -> None:
    parts = {"base": "http://kg.example.org/", "pipeline": "1", "shapes": "s", "ontology": "o"}
    changed = build_context(**{**parts, part: parts[part] + "-changed"})
    assert cache_key(article(), changed) != cache_key(article(), CONTEXT)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-10],  # truncated
        lambda data: data[:80] + bytes([data[80] ^ 1]) + data[81:],  # one bit flipped
        lambda data: b"",  # empty
        lambda data: b"garbage\n" + data,  # wrong header
    ],
)
def test_cache_corrupt_entry_is_detected_and_removed(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    cache = Cache(tmp_path)
    key = cache_key(article(), CONTEXT)
    cache.put(key, {"block": "x" * 200})
    path = cache.path(key)
    path.write_bytes(damage(path.read_bytes()))
    assert cache.get(key) is None
    assert cache.corrupt == [key]
    assert not path.exists()


def test_cache_entry_under_another_key_is_not_trusted(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    first, second = cache_key(article("a1"), CONTEXT), cache_key(article("a2"), CONTEXT)
    cache.put(first, {"block": "first"})
    cache.path(second).parent.mkdir(parents=True, exist_ok=True)
    cache.path(second).write_bytes(cache.path(first).read_bytes())
    assert cache.get(second) is None
    assert cache.corrupt == [second]


def test_cache_put_leaves_no_temporary_file(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = cache_key(article(), CONTEXT)
    cache.put(key, {"block": "x"})
    cache.put(key, {"block": "y"})
    assert [p.name for p in cache.path(key).parent.iterdir()] == [cache.path(key).name]
    assert cache.get(key) == {"key": key, "block": "y"}


def test_cache_prune_keeps_wanted_entries_and_foreign_files(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    keep, drop = cache_key(article("a1"), CONTEXT), cache_key(article("a2"), CONTEXT)
    cache.put(keep, {"block": "1"})
    cache.put(drop, {"block": "2"})
    foreign = tmp_path / "notes.txt"
    foreign.write_text("mine")
    fresh_temp = cache.path(keep).parent / ".tmp-live"
    fresh_temp.write_text("being written")
    stale_temp = cache.path(keep).parent / ".tmp-dead"
    stale_temp.write_text("left over")
    old = time.time() - STALE_TEMP_SECONDS - 10
    os.utime(stale_temp, (old, old))
    assert cache.prune([keep]) == 2
    assert cache.get(keep) is not None
    assert not cache.path(drop).exists()
    assert foreign.exists()
    assert fresh_temp.exists()
    assert not stale_temp.exists()


def test_cache_prune_of_a_missing_folder_is_a_no_op(tmp_path: Path) -> None:
    assert Cache(tmp_path / "absent").prune([]) == 0
