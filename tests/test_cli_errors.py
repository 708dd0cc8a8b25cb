"""``kg``'s exit codes on what goes wrong (issue 21): a full disk, a deep JSON line and the
quarantine crash printed raw tracebacks and exited 1, where the README promises one line and exit
2 for an error that stops a command. A problem in the input is a warning line, never an error.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fakes import TEXT, FakeExtractor

import kg.build.pipeline
from kg.build.toolkit import Toolkit, load_toolkit
from kg.cli import main
from kg.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://kg.test/"
KG = [sys.executable, "-c", "from kg.cli import main; main()"]


@pytest.fixture
def fake_toolkit(monkeypatch: pytest.MonkeyPatch) -> None:
    """``kg build`` with the fake extractor and no linker (no model to load)."""

    def load(settings: Settings) -> Toolkit:
        return load_toolkit(settings, extract=FakeExtractor())

    monkeypatch.setattr(kg.build.pipeline, "load_toolkit", load)


def corpus(folder: Path, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def kg_build(tmp_path: Path, inputs: Path) -> Result:
    args = ["build", str(inputs), "--out", str(tmp_path / "dist"), "--linker", "none"]
    return CliRunner().invoke(main, args, env={"KG_BASE_IRI": BASE})


def assert_one_error_line(result: Result, *parts: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.output
    for part in parts:
        assert part in lines[0], lines[0]


def test_cli_full_disk_is_one_line_and_exit_2(
    tmp_path: Path, fake_toolkit: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "kg.nq"))

    monkeypatch.setattr(kg.build.pipeline, "publish", no_space)
    inputs = corpus(tmp_path / "in", [json.dumps({"id": "a", "text": TEXT})])
    result = kg_build(tmp_path, inputs)
    assert_one_error_line(result, "could not write the build into ", "No space left on device")
    assert str(tmp_path / "kg.nq") in result.stderr
    assert f"{tmp_path / 'dist'} is unchanged" in result.stderr
    assert not (tmp_path / "dist").exists()
    assert not list((tmp_path / ".dist-builds").glob("staging-*"))


def test_cli_other_os_error_is_one_line_and_exit_2(
    tmp_path: Path, fake_toolkit: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def vanished(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "/shapes.ttl")

    monkeypatch.setattr(kg.build.pipeline, "prepare", vanished)
    inputs = corpus(tmp_path / "in", [json.dumps({"id": "a", "text": TEXT})])
    result = kg_build(tmp_path, inputs)
    assert_one_error_line(result, "kg build stopped: No such file or directory: /shapes.ttl")


def test_cli_internal_error_is_one_line_naming_what_failed(
    tmp_path: Path, fake_toolkit: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded\n" + "x" * 5_000)

    monkeypatch.setattr(kg.build.pipeline, "add_description", broken)
    inputs = corpus(tmp_path / "in", [json.dumps({"id": "a", "text": TEXT})])
    result = kg_build(tmp_path, inputs)
    assert_one_error_line(result, "internal error: RecursionError: maximum recursion depth")
    assert "(at kg/build/pipeline.py:" in result.stderr
    assert len(result.stderr) < 600


def test_cli_deep_json_line_and_dot_ids_are_no_error(tmp_path: Path, fake_toolkit: None) -> None:
    """The deep line is a warning naming its file and line; ``..`` is built (it crashed the
    quarantine before, here it is published)."""
    deep = "[" * 1_000 + "]" * 1_000
    lines = [json.dumps({"id": "..", "text": TEXT}), deep, json.dumps({"id": ".", "text": TEXT})]
    inputs = corpus(tmp_path / "in", lines)
    result = kg_build(tmp_path, inputs)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    (warning,) = result.stderr.strip().splitlines()
    assert warning.startswith(f"warning: {inputs / 'corpus.jsonl'}:2: JSON nested too deeply")
    assert "built 2 article(s)" in result.stdout


def test_cli_bad_setting_is_still_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(tmp_path)], env={"KG_ARTICLE_TIMEOUT": "-1"})
    assert result.exit_code == 2
    assert result.stderr.startswith("error: setting article_timeout")


def test_cli_usage_errors_keep_clicks_own_message() -> None:
    result = CliRunner().invoke(main, ["build", "--processes", "many"])
    assert result.exit_code == 2
    assert "Invalid value for '--processes'" in result.stderr


@pytest.mark.slow
def test_cli_real_full_disk_in_a_real_process(tmp_path: Path) -> None:
    """``kg build`` in its own process where files may not grow past 64 KB (RLIMIT_FSIZE: the
    kernel answers EFBIG as a full disk answers ENOSPC): one line on stderr, exit 2, and the
    previous output untouched."""
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "build-report.json").write_text("{}")

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    done = subprocess.run(
        [*KG, "build", str(ROOT / "seeds"), "--out", str(tmp_path / "dist")],
        cwd=ROOT,
        env={**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=small_files,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: could not write the build into "), line
    assert "because File too large" in line
    assert "free some space" in line
    assert (tmp_path / "dist" / "build-report.json").read_text() == "{}"
