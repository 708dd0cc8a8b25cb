"""The build's progress bar: drawn on a terminal, silent anywhere else."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import write_articles

from kg.build.progress import TerminalProgress, terminal_progress
from kg.cli import main


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_only_on_a_terminal() -> None:
    assert terminal_progress(io.StringIO()) is None
    assert isinstance(terminal_progress(Terminal()), TerminalProgress)


def test_progress_line_counts_articles_cached_rate_and_time_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    monkeypatch.setattr("kg.build.progress.time.monotonic", lambda: now[0])
    screen = Terminal()
    bar = TerminalProgress(screen)
    bar.start(1000, done=200)
    now[0] = 110.0
    bar.advance(100)
    line = bar.line(now[0])
    assert "300/1,000 articles (200 cached)" in line
    assert "10.0/s" in line
    assert "1 min 10 s left" in line
    assert line.startswith("[#######.................]")
    now[0] = 180.0
    bar.advance(700)
    bar.close()
    assert screen.getvalue().endswith("\n")
    assert "1,000/1,000 articles" in screen.getvalue().splitlines()[-1]


@pytest.mark.slow  # the CLI loads the spaCy model
def test_progress_kg_build_prints_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", ["p1"])
    result = CliRunner().invoke(
        main, ["build", str(articles), "--out", str(tmp_path / "dist"), "--linker", "none"]
    )
    assert result.exit_code == 0, result.output
    assert "articles" not in result.output.replace("article(s)", "")
    assert "\r" not in result.output
