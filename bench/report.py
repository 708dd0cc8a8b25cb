"""The outputs of a run: one table on stdout, ``results/<section>.json`` and the cost plot."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.measure import Row

RESULTS = Path(__file__).resolve().parent / "results"
PLOT_FILE = "cost_per_article.png"
#: Build measures drawn on the plot, and their legend labels.
PLOTTED = {
    "build_1p": "kg build, 1 process",
    "build_2p": "kg build, 2 processes",
    "extract_1p": "extract_articles, 1 process",
    "raw_1p": "raw nlp.pipe, 1 process",
    "raw_2p": "raw nlp.pipe, 2 processes",
}


def _number(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def table(rows: Sequence[Row]) -> str:
    """Medians and ratios, one line per figure, grouped by section."""
    header = ("section", "measure", "median", "unit", "baseline", "vs", "ratio", "goal", "met")
    lines = [
        (
            row.section,
            row.name,
            _number(row.value),
            row.unit,
            _number(row.baseline),
            row.baseline_name,
            _number(row.ratio),
            row.goal,
            "" if row.met is None else ("yes" if row.met else "NO"),
        )
        for row in rows
    ]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=False)]
    out = []
    for number, line in enumerate([header, *lines]):
        out.append(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)
            ).rstrip()
        )
        if number == 0:
            out.append("  ".join("-" * width for width in widths))
    notes = [f"  {row.section} / {row.name}: {row.note}" for row in rows if row.note]
    return "\n".join(out + (["", "notes:", *notes] if notes else []))


def environment() -> dict[str, Any]:
    """What the figures were measured on (they are only comparable within one run)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit,
        "load_average": os.getloadavg(),  # other work on the machine makes figures drift
    }


def write_json(
    directory: Path, section: str, rows: Sequence[Row], data: dict[str, Any], started: str
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    document = {
        "section": section,
        "started": started,
        "environment": environment(),
        "rows": [row.to_json() for row in rows],
        "data": data,
    }
    path = directory / f"{section}.json"
    path.write_text(
        json.dumps(document, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8"
    )
    return path


def plot(directory: Path, build_data: dict[str, Any]) -> Path | None:
    """Milliseconds per article against corpus size (log x), one line per measure."""
    sizes = build_data.get("sizes") or []
    if not sizes:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=100)
    for measure, label in PLOTTED.items():
        points = [
            (entry["size"], entry["ms_per_article"][measure])
            for entry in sizes
            if entry["ms_per_article"].get(measure)
        ]
        if points:
            xs, ys = zip(*points, strict=True)
            axes.plot(xs, ys, marker="o", label=label)
    cpu = [(entry["size"], entry.get("cpu_ms_per_article", {}).get("build_1p")) for entry in sizes]
    cpu = [(x, y) for x, y in cpu if y]
    if cpu:
        xs, ys = zip(*cpu, strict=True)
        axes.plot(xs, ys, linestyle="--", marker=".", label="kg build, 1 process (CPU time)")
    axes.set_xscale("log")
    axes.set_ylim(bottom=0)
    axes.set_xlabel("articles in the corpus")
    axes.set_ylabel("ms per article (median)")
    axes.set_title("newskg build: cost per article against corpus size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / PLOT_FILE
    figure.savefig(path)
    plt.close(figure)
    return path
