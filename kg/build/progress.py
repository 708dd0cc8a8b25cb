"""A progress bar for long builds, on a terminal only.

``kg build`` passes :func:`terminal_progress` of its standard error to the build: on a terminal
it redraws one line (articles done of the total, from the cache, articles per second, time
left) at most every :data:`REDRAW_SECONDS`; anywhere else (a log file, a pipe, CI) it is None
and nothing is printed.
"""

from __future__ import annotations

import shutil
import time
from typing import TextIO

REDRAW_SECONDS = 0.2


class TerminalProgress:
    """``[#####.....] 1,234/10,000 articles (200 cached) 41.5/s, 3 min 31 s left``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.cached = 0
        self.started = 0.0
        self.drawn = 0.0

    def start(self, total: int, *, done: int) -> None:
        self.total, self.done, self.cached = total, done, done
        self.started = time.monotonic()
        self._draw(force=True)

    def advance(self, articles: int) -> None:
        self.done += articles
        self._draw(force=self.done >= self.total)

    def close(self) -> None:
        if self.total:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()

    def line(self, now: float) -> str:
        """The text of the bar at time ``now`` (monotonic seconds)."""
        width = 24
        share = self.done / self.total if self.total else 1.0
        filled = int(width * share)
        bar = "#" * filled + "." * (width - filled)
        text = f"[{bar}] {self.done:,}/{self.total:,} articles"
        if self.cached:
            text += f" ({self.cached:,} cached)"
        elapsed = now - self.started
        run = self.done - self.cached
        if run > 0 and elapsed > 0:
            rate = run / elapsed
            text += f" {rate:.1f}/s"
            if self.done < self.total:
                text += f", {_duration((self.total - self.done) / rate)} left"
        return text

    def _draw(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self.drawn < REDRAW_SECONDS:
            return
        self.drawn = now
        columns = shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r" + self.line(now)[: columns - 1].ljust(columns - 1))
        self.stream.flush()


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def terminal_progress(stream: TextIO) -> TerminalProgress | None:
    """A progress bar on ``stream`` if it is a terminal, else None (nothing is printed)."""
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        interactive = False
    return TerminalProgress(stream) if interactive else None
