"""What a build did: the report written as ``build-report.json`` (the only file with a time)."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class BuildReport:
    """What a build did (see README, "Output layout")."""

    out: str
    started: str
    base_iri: str = ""
    finished: str = ""
    seconds: float = 0.0
    articles: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    released: bool = False
    processed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    cache_rebuilt: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0: released with at least one article; 1: nothing released (see ``problems``)."""
        return 0 if self.released else 1

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def finished_at(self, started: float, **changes: Any) -> BuildReport:
        """The report with ``changes`` and the time the build took since ``started``."""
        now = time.time()
        return dataclasses.replace(
            self, finished=stamp(now), seconds=round(now - started, 3), **changes
        )

    def published(self, inputs: list[Path]) -> BuildReport:
        """The report as the build publishes it (``/dumps/build-report.json``): input files named
        from their input folder (``seeds/a.txt``), never by the builder's own folders."""
        folders = {str(p.parent) for path in inputs for p in (path, path.absolute())}
        prefixes = sorted((f.rstrip(os.sep) + os.sep for f in folders if f != "."), key=len)

        def local(text: str) -> str:
            for prefix in reversed(prefixes):  # longest first
                text = text.replace(prefix, "")
            return text

        return dataclasses.replace(
            self,
            out=Path(self.out).name,
            problems=[local(p) for p in self.problems],
            quarantined=[local(q) for q in self.quarantined],
        )


def stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
