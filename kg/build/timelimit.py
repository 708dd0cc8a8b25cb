"""A limit on the CPU time of a block of code, enforced with ``SIGPROF`` in the process that
runs it.

The limit counts the CPU time the process spends (``ITIMER_PROF``), not the wall clock, so an
article is judged by its own work, not by how busy the machine is (on a loaded machine the wall
time of a parse can be three times its CPU time). When the time is up,
:class:`TimeLimitExceeded` is raised wherever the block is: Python checks for signals between
bytecodes, and the regular expressions spaCy's tokenizer spends its time in check for them as
they scan, so a pathological parse stops within milliseconds. The exception derives from
``BaseException``, so no ``except Exception`` in the code being timed swallows it.

This is what bounds one article's extraction (:func:`kg.build.stage.extract_each`) in the build
process and in its forked worker processes, whose tasks run in their main thread. Nothing is
killed: the process stays usable and keeps its loaded model. Signals only reach a process's main
thread, so elsewhere :func:`enforceable` is false and the block runs without a limit.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimitExceeded(BaseException):
    """The block ran past its limit of CPU time and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after the time limit of {seconds:g} s")
        self.seconds = seconds


def enforceable() -> bool:
    """Whether :func:`time_limit` can stop a block here (signals reach only the main thread)."""
    return threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Stop the block with :class:`TimeLimitExceeded` after ``seconds`` of CPU time (None or 0:
    no limit; off the main thread: no limit, see :func:`enforceable`).

    A CPU timer another part of the process had set is put back afterwards, less the time spent.
    """
    if not seconds or not enforceable():
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded(seconds)

    previous = signal.signal(signal.SIGPROF, expired)
    started = time.process_time()
    other, _interval = signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if other > 0:
            left = other - (time.process_time() - started)
            signal.setitimer(signal.ITIMER_PROF, max(left, 1e-6))
