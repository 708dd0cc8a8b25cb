"""Builds in a subprocess (``kg build``) that can be killed at a chosen moment, and the corpus
they build."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.build.release import STAGING_PREFIX

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "seeds", ROOT / "bench" / "texts"]


def write_corpus(folder: Path, count: int, *, seed: int = 9, tag: str = "") -> Path:
    """``count`` articles made of the seed and benchmark sentences, shuffled (deterministic)."""
    sentences: list[str] = []
    for source in SOURCES:
        for path in sorted(source.glob("*.txt")):
            body = path.read_text(encoding="utf-8").split("\n", 1)[-1]
            sentences += [s.strip() + "." for s in body.replace("\n", " ").split(". ") if s.strip()]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        chosen = rng.sample(sentences, k=min(len(sentences), 6))
        (folder / f"art{number:03d}{tag}.txt").write_text(
            f"{1646380800 + number * 3600} Report {number}{tag}\n" + " ".join(chosen) + "\n",
            encoding="utf-8",
        )
    return folder


def kg_build(
    inputs: list[Path], out: Path, *, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-c",
        "from kg.cli import main; main()",
        "build",
        *map(str, inputs),
        "--out",
        str(out),
    ]
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen(
        command, cwd=out.parent, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def finish(process: subprocess.Popen[bytes], timeout: float = 300) -> tuple[int, str]:
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return process.returncode, stderr.decode("utf-8", "replace")


def staging_of(builds: Path) -> list[Path]:
    return sorted(builds.glob(STAGING_PREFIX + "*")) if builds.is_dir() else []


@dataclass
class Kill:
    """Where a build was when it was killed (what its staging folder held)."""

    moment: str
    seconds: float
    staged: tuple[str, ...]
    finished_first: bool


def kill_when(
    process: subprocess.Popen[bytes],
    builds: Path,
    moment: str,
    ready: Callable[[list[Path]], bool],
    *,
    limit: float = 120,
) -> Kill:
    """SIGKILL ``process`` as soon as ``ready(staging folders)`` holds (polled every 2 ms)."""
    started = time.monotonic()
    while process.poll() is None and time.monotonic() - started < limit:
        staging = staging_of(builds)
        if ready(staging):
            staged = tuple(sorted(p.name for s in staging for p in s.iterdir()))
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    else:
        staged = ()
    finished_first = process.poll() is not None and process.returncode != -signal.SIGKILL
    if process.poll() is None:
        process.kill()
    finish(process)
    finished_first = finished_first or process.returncode != -signal.SIGKILL
    return Kill(moment, round(time.monotonic() - started, 3), staged, finished_first)
