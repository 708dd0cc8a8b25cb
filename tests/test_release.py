"""kg.build.release: staged builds swap in atomically; a failed or killed one changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kg.build.release import (
    BUILD_PREFIX,
    KEEP_BUILDS,
    STAGING_PREFIX,
    current_build,
    remove_dead_links,
    remove_dead_staging,
    staged_build,
)
from kg.errors import BuildError
from kg.layout import REPORT

TESTS = Path(__file__).resolve().parent


def make_build(out: Path, builds: Path, content: str) -> Path:
    with staged_build(out, builds) as staging:
        (staging / "kg.nq").write_text(content)
        (staging / REPORT).write_text("{}")
    target = current_build(out)
    assert target is not None
    return target


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_release_points_out_at_the_new_build(tmp_path: Path) -> None:
    out, builds = tmp_path / "dist", tmp_path / ".dist-builds"
    first = make_build(out, builds, "one")
    second = make_build(out, builds, "two")
    assert out.is_symlink()
    assert out.resolve() == second != first
    assert second.name.startswith(BUILD_PREFIX)
    assert (out / "kg.nq").read_text() == "two"
    assert (first / "kg.nq").read_text() == "one"  # a server still reading it is not disturbed
    assert not os.path.isabs(os.readlink(out))  # relative: the folder can be moved


@pytest.mark.parametrize("error", [RuntimeError("stage failed"), KeyboardInterrupt()])
def test_release_failed_build_changes_nothing(tmp_path: Path, error: BaseException) -> None:
    out, builds = tmp_path / "dist", tmp_path / ".dist-builds"
    before = make_build(out, builds, "one")
    link = os.readlink(out)

    def half_written_then(error: BaseException) -> None:
        with staged_build(out, builds) as staging:
            (staging / "kg.nq").write_text("half written")
            raise error

    with pytest.raises(type(error)):
        half_written_then(error)
    assert os.readlink(out) == link
    assert out.resolve() == before
    assert (out / "kg.nq").read_text() == "one"
    assert not list(builds.glob(STAGING_PREFIX + "*"))


def test_release_keeps_the_last_builds(tmp_path: Path) -> None:
    out, builds = tmp_path / "dist", tmp_path / ".dist-builds"
    made = [make_build(out, builds, str(n)) for n in range(KEEP_BUILDS + 2)]
    kept = sorted(builds.glob(BUILD_PREFIX + "*"))
    assert kept == sorted(made[-KEEP_BUILDS:])


def test_release_removes_staging_folders_of_dead_builds_only(tmp_path: Path) -> None:
    builds = tmp_path / ".dist-builds"
    dead = builds / f"{STAGING_PREFIX}20240101T000000-{dead_pid()}-1"
    alive = builds / f"{STAGING_PREFIX}20240101T000000-{os.getpid()}-2"
    for folder in (dead, alive):
        folder.mkdir(parents=True)
        (folder / "kg.nq").write_text("partial")
    assert remove_dead_staging(builds) == [dead]
    assert alive.exists()
    assert not dead.exists()


def test_release_removes_half_made_links_of_dead_releases_only(tmp_path: Path) -> None:
    """A release killed between making its link and renaming it over ``dist`` leaves
    ``.dist.next-<pid>``; the next build removes it, not a live build's link."""
    out, builds = tmp_path / "dist", tmp_path / ".dist-builds"
    make_build(out, builds, "one")
    dead = tmp_path / f".dist.next-{dead_pid()}"
    alive = tmp_path / f".dist.next-{os.getpid()}"
    for link in (dead, alive):
        os.symlink(os.path.relpath(current_build(out) or out, tmp_path), link)
    assert remove_dead_links(out) == [dead]
    assert alive.is_symlink()
    assert not dead.is_symlink()
    alive.unlink()
    dead.symlink_to("nowhere")
    make_build(out, builds, "two")
    assert not dead.is_symlink()
    assert (out / "kg.nq").read_text() == "two"


def test_release_killed_build_leaves_output_and_is_cleaned_up_next_time(tmp_path: Path) -> None:
    """A build killed mid-way (no Python cleanup runs) leaves DIR as it was; the next build
    removes its staging folder."""
    out, builds = tmp_path / "dist", tmp_path / ".dist-builds"
    before = make_build(out, builds, "one")
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from kg.build.release import staged_build
        with staged_build(Path({str(out)!r}), Path({str(builds)!r})) as staging:
            (staging / "kg.nq").write_text("half written")
            os._exit(9)  # like SIGKILL: no finally, no atexit
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=TESTS, check=False)
    assert result.returncode == 9
    assert len(list(builds.glob(STAGING_PREFIX + "*"))) == 1
    assert out.resolve() == before
    assert (out / "kg.nq").read_text() == "one"
    make_build(out, builds, "two")
    assert not list(builds.glob(STAGING_PREFIX + "*"))


def test_release_refuses_to_replace_a_file(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.write_text("not a build")
    with pytest.raises(BuildError, match="is a file"), staged_build(out, tmp_path / ".b"):
        pass
    assert out.read_text() == "not a build"


def test_release_refuses_to_replace_a_foreign_folder(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(BuildError, match="does not look like a newskg build"):
        with staged_build(out, tmp_path / ".b"):
            pass
    assert (out / "thesis.tex").read_text() == "precious"


def test_release_moves_an_old_plain_build_folder_aside(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / REPORT).write_text("{}")
    make_build(out, tmp_path / ".b", "new")
    assert out.is_symlink()
    (aside,) = tmp_path.glob("dist.old-*")
    assert (aside / REPORT).exists()
