"""External sorting of N-Quads lines: distinct, bytewise sorted, in bounded memory.

The dumps are every quad of a build, one line each, sorted bytewise. A build adds lines as
articles arrive (:meth:`LineSorter.add`); whenever the lines held pass ``memory_bytes``, they are
sorted and written to a *run* file on disk, and :meth:`LineSorter.lines` merges the runs (a k-way
merge, :func:`heapq.merge`), dropping repeated lines. So a build holds at most ``memory_bytes`` of
lines (plus one read buffer per run) whatever the number of articles; a small build never
touches the disk.
"""

from __future__ import annotations

import heapq
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

#: Lines held in memory before a sorted run is written (the build's default).
DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024
#: Read buffer of each run during the merge.
RUN_BUFFER_BYTES = 256 * 1024
#: Python's overhead per line held (a bytes object and its list slot), counted against the limit.
LINE_OVERHEAD = 41


class LineSorter:
    """Collects lines; yields them distinct and sorted once (see the module docstring)."""

    def __init__(self, folder: Path, memory_bytes: int = DEFAULT_MEMORY_BYTES) -> None:
        self.folder = folder
        self.memory_bytes = memory_bytes
        self.held: list[bytes] = []
        self.held_bytes = 0
        self.runs: list[Path] = []
        self.count = 0  # lines added (repeats included)

    def add(self, block: bytes) -> None:
        """Add the lines of ``block`` (newline-separated; empty lines are ignored)."""
        self.add_lines(block.splitlines())

    def add_lines(self, lines: Iterable[bytes]) -> None:
        for line in lines:
            if not line:
                continue
            self.held.append(line)
            self.count += 1
            self.held_bytes += len(line) + LINE_OVERHEAD
            if self.held_bytes >= self.memory_bytes:
                self._spill()

    def lines(self) -> Iterator[bytes]:
        """Every distinct line added, sorted bytewise, without its newline."""
        if not self.runs:
            self.held.sort()
            yield from _distinct(iter(self.held))
            return
        self._spill()
        files = [open(run, "rb", buffering=RUN_BUFFER_BYTES) for run in self.runs]
        try:
            merged = heapq.merge(*(_stripped(file) for file in files))
            yield from _distinct(merged)
        finally:
            for file in files:
                file.close()

    def cleanup(self) -> None:
        """Delete the run files (the sorter cannot be read again)."""
        self.held = []
        self.runs = []
        shutil.rmtree(self.folder, ignore_errors=True)

    def _spill(self) -> None:
        if not self.held:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        run = self.folder / f"run-{len(self.runs):05d}"
        self.held.sort()
        with open(run, "wb", buffering=RUN_BUFFER_BYTES) as file:
            for line in _distinct(iter(self.held)):
                file.write(line + b"\n")
        self.runs.append(run)
        self.held = []
        self.held_bytes = 0


def _stripped(file: BinaryIO) -> Iterator[bytes]:
    for line in file:
        yield line[:-1]


def _distinct(lines: Iterator[bytes]) -> Iterator[bytes]:
    previous: bytes | None = None
    for line in lines:
        if line != previous:
            yield line
            previous = line
