"""Timing primitives and the result rows every section returns.

A :class:`Row` is one figure of the final table: a value, optionally the baseline it is compared
with, their ratio and the goal of issue 8. Absolute times drift from run to run on this machine,
so every claim is a ratio of two figures measured side by side in the same run.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Row:
    """One line of the table. ``ratio`` is ``value / baseline`` unless a section sets it."""

    section: str
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.ratio is None and self.baseline:
            self.ratio = self.value / self.baseline

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank) of ``values``; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]


def timed(fn: Callable[[], object], repeat: int, *, warmup: int = 0) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn`` (after ``warmup`` untimed calls)."""
    for _ in range(warmup):
        fn()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return seconds


class Stopwatch:
    """Wall-clock and CPU seconds of a block; CPU counts this process and its children that
    ended inside the block (spaCy's and the build's worker processes).

    Other work on this shared 2-core machine stretches wall-clock time but hardly CPU time, so
    CPU seconds are the steadier figure for comparing two versions of the same code.
    """

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self.others: float | None = None  # cores the rest of the machine kept busy, on average

    @staticmethod
    def _cpu() -> float:
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system

    def __enter__(self) -> Stopwatch:
        self._machine0 = machine_busy_seconds()
        self._wall, self._cpu0 = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = self._cpu() - self._cpu0
        machine = machine_busy_seconds()
        if machine is not None and self._machine0 is not None and self.wall > 0:
            self.others = max(0.0, (machine - self._machine0 - self.cpu) / self.wall)


def machine_busy_seconds() -> float | None:
    """CPU seconds all processes of the machine have used since boot (Linux ``/proc/stat``)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class Budget:
    """Seconds left for the run: sections skip what would not fit, and say so."""

    def __init__(self, seconds: float | None) -> None:
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def allows(self, estimate: float) -> bool:
        return estimate <= self.remaining()
