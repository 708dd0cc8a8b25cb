"""Which files a build reads (issue 21 item 9 and the smaller breaks): symlinks out of an input
folder are refused, every input that is skipped is named, and nothing but a regular file is read,
never more than the byte limit of it (a FIFO hung the build; a link to /dev/zero bypassed the
5 MB cap).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg.build.ingest import Ingested, Problem, read_articles

ROOT = Path(__file__).resolve().parent.parent


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problem_for(result: Ingested, path: Path) -> Problem:
    found = [p for p in result.problems if p.source == str(path)]
    assert len(found) == 1, (path, result.problems)
    return found[0]


def read_in_thread(paths: list[Path], seconds: float = 10.0) -> Ingested:
    """``read_articles`` in a thread, so a read that hangs fails the test instead of the run."""
    results: list[Ingested] = []
    reader = threading.Thread(target=lambda: results.append(read_articles(paths)), daemon=True)
    reader.start()
    reader.join(seconds)
    if reader.is_alive():
        for path in paths:  # unblock a reader stuck opening a FIFO, then fail
            for fifo in [path, *path.glob("*")] if path.is_dir() else [path]:
                if fifo.is_fifo():
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5)
        pytest.fail(f"reading {paths} did not finish within {seconds} s")
    return results[0]


def test_ingest_symlink_to_a_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    """Issue 21 item 9: a linked /etc/passwd was published as an article."""
    secret = write(tmp_path / "outside" / "secret.txt", "root:x:0:0:root:/root:/bin/bash")
    inputs = tmp_path / "in"
    write(inputs / "good.txt", "Troops withdrew.")
    (inputs / "passwd.txt").symlink_to(secret)
    (inputs / "etc.txt").symlink_to("/etc/passwd")
    result = read_articles([inputs])
    assert [a.id for a in result.articles] == ["good"]
    for link, target in ((inputs / "passwd.txt", secret), (inputs / "etc.txt", "/etc/passwd")):
        problem = problem_for(result, link)
        assert "symbolic link" in problem.reason
        assert str(target) in problem.reason
        assert "outside the input folder" in problem.reason


def test_ingest_symlink_inside_the_folder_is_read(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    write(inputs / "2022" / "a.txt", "Troops withdrew.")
    (inputs / "latest.txt").symlink_to(Path("2022") / "a.txt")
    result = read_articles([inputs])
    assert result.problems == ()
    assert sorted(a.id for a in result.articles) == ["a", "latest"]


def test_ingest_symlinked_and_broken_links_are_named(tmp_path: Path) -> None:
    """Symlinked subfolders were skipped without a word."""
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "x.txt", "Kyiv was shelled.")
    inputs = tmp_path / "in"
    write(inputs / "good.txt", "Troops withdrew.")
    (inputs / "linked").symlink_to(elsewhere, target_is_directory=True)
    (inputs / "inner").symlink_to(inputs, target_is_directory=True)  # a loop
    (inputs / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    result = read_articles([inputs])
    assert [a.id for a in result.articles] == ["good"]
    assert "symbolic link to a folder" in problem_for(result, inputs / "linked").reason
    assert "symbolic link to a folder" in problem_for(result, inputs / "inner").reason
    assert "does not exist" in problem_for(result, inputs / "dangling.txt").reason


def test_ingest_symlinked_folder_given_by_name_is_read(tmp_path: Path) -> None:
    """A path named on the command line is followed: the user chose it."""
    write(tmp_path / "real" / "a.txt", "Troops withdrew.")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    result = read_articles([tmp_path / "link"])
    assert [a.id for a in result.articles] == ["a"]
    assert result.problems == ()


def test_ingest_unreadable_subfolder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = tmp_path / "in"
    write(inputs / "good.txt", "Troops withdrew.")
    locked = inputs / "locked"
    write(locked / "x.txt", "Kyiv was shelled.")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path) == locked:  # root ignores chmod 0, so simulate the denial the OS would give
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = read_articles([inputs])
    assert [a.id for a in result.articles] == ["good"]
    problem = problem_for(result, locked)
    assert "cannot read folder" in problem.reason
    assert "Permission denied" in problem.reason


def test_ingest_fifo_given_by_name_does_not_hang(tmp_path: Path) -> None:
    """Issue 21: an explicit FIFO path hung the build (opening it waits for a writer)."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = write(tmp_path / "good.txt", "Troops withdrew.")
    result = read_in_thread([fifo, good])
    assert [a.id for a in result.articles] == ["good"]
    assert "not a regular file" in problem_for(result, fifo).reason


def test_ingest_fifo_in_a_folder_is_named(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    write(inputs / "good.txt", "Troops withdrew.")
    os.mkfifo(inputs / "pipe.jsonl")
    result = read_in_thread([inputs])
    assert [a.id for a in result.articles] == ["good"]
    assert "not a regular file" in problem_for(result, inputs / "pipe.jsonl").reason


def test_ingest_link_to_dev_zero_does_not_bypass_the_byte_limit(tmp_path: Path) -> None:
    """Issue 21: a symlink to /dev/zero (size 0 to stat, endless to read) bypassed the 5 MB cap.
    Run in a child with 1 GB of address space and a deadline, so the old behaviour fails the
    test instead of eating the machine."""
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    write(tmp_path / "good.txt", "Troops withdrew.")
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from kg.build.ingest import read_articles\n"
        "for path in (Path(sys.argv[1]) / 'zero.txt', Path(sys.argv[1])):\n"
        "    result = read_articles([path])\n"
        "    print([a.id for a in result.articles], [p.reason for p in result.problems])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    explicit, folder = done.stdout.splitlines()
    assert explicit.startswith("[] ["), explicit
    assert "not a regular file" in explicit, explicit
    assert folder.startswith("['good'] ["), folder
    assert "outside the input folder" in folder, folder


def test_ingest_special_file_given_by_name_is_refused(tmp_path: Path) -> None:
    null = tmp_path / "null.jsonl"
    null.symlink_to("/dev/null")
    result = read_in_thread([null, write(tmp_path / "good.txt", "Troops withdrew.")])
    assert [a.id for a in result.articles] == ["good"]
    assert "not a regular file (a character device)" in problem_for(result, null).reason
