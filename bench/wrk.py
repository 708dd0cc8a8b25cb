"""Throughput with ``wrk`` (Debian's native HTTP load generator, installed by ``make
system-deps``): a Python client cannot send more than about 7,500 requests/s on this machine,
which caps the faster server and flatters the ratio.

Each run sends GET requests for a list of paths, one picked at random for every request (a Lua
script), so a server sees lookups of different entities, not one cached answer.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: wrk threads (the machine has 2 cores).
THREADS = 2
_SCRIPT = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end
local paths = {}
local accept = "*/*"
function init(args)
  accept = args[2]
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() * 100 + (seed or 0))
end
function request()
  return wrk.format("GET", paths[math.random(#paths)], { Accept = accept })
end
"""
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@dataclass(frozen=True)
class WrkResult:
    connections: int
    seconds: float
    requests: int
    requests_per_second: float
    errors: int  # socket errors and non-2xx/3xx answers
    p50_ms: float
    p99_ms: float


def wrk_command() -> str:
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed: run `make system-deps` (Debian package wrk)")
    return found


def _seconds(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not found:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(found[1]) * _UNITS[found[2]]


def parse(output: str, connections: int, seconds: float) -> WrkResult:
    """The figures of ``wrk --latency`` output."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not rate or not total:
        raise RuntimeError(f"wrk printed no figures:\n{output[-2000:]}")
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", output, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        connections=connections,
        seconds=seconds,
        requests=int(total[1]),
        requests_per_second=float(rate[1]),
        errors=errors + (int(bad[1]) if bad else 0),
        p50_ms=1000 * _seconds(percentiles["50"]) if "50" in percentiles else float("nan"),
        p99_ms=1000 * _seconds(percentiles["99"]) if "99" in percentiles else float("nan"),
    )


def run_wrk(
    base: str, paths: list[str], *, connections: int, seconds: float, accept: str
) -> WrkResult:
    """``wrk`` for ``seconds`` with ``connections`` keep-alive connections on ``base``."""
    with tempfile.TemporaryDirectory(prefix="newskg-wrk-") as scratch:
        script = Path(scratch) / "paths.lua"
        script.write_text(_SCRIPT, encoding="utf-8")
        listing = Path(scratch) / "paths.txt"
        listing.write_text("".join(path + "\n" for path in paths), encoding="utf-8")
        command = [
            wrk_command(),
            f"-t{min(THREADS, connections)}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--latency",
            "-s",
            str(script),
            base.rstrip("/") + paths[0],
            "--",
            str(listing),
            accept,
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}")
    return parse(done.stdout, connections, seconds)
