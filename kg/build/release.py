"""Stage a build in a fresh folder and release it by swapping a symlink, atomically.

``dist`` is a symlink to ``.dist-builds/<build-id>/``. A build writes everything into a new staging
folder; only when it is complete does :func:`release` point ``dist`` at it with one ``rename(2)``.
A failed or killed build leaves ``dist`` exactly as it was, and a server holding the previous build
open keeps reading it: old builds are removed only after newer ones have been released
(:data:`KEEP_BUILDS` are kept).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import BuildError
from kg.layout import REPORT

KEEP_BUILDS = 3
STAGING_PREFIX = "staging-"
BUILD_PREFIX = "build-"


@contextmanager
def staged_build(out: Path, builds_dir: Path) -> Iterator[Path]:
    """Yield a fresh staging folder; on success release it as ``out``, on failure delete it."""
    builds_dir.mkdir(parents=True, exist_ok=True)
    _check_out_is_replaceable(out, builds_dir)
    remove_dead_staging(builds_dir)
    remove_dead_links(out)
    now = time.time_ns()  # names sort in time order: prune keeps the newest builds
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9)) + f".{now % 10**9:09d}"
    staging = builds_dir / f"{STAGING_PREFIX}{stamp}-{os.getpid()}"
    staging.mkdir()
    try:
        yield staging
    except OSError as exc:  # a full disk, a quota, a file size limit: say where, not how
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(
            f"could not write the build into {staging}",
            why=f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}",
            fix=f"free some space or choose another --out; {out} is unchanged",
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    final = staging.with_name(BUILD_PREFIX + staging.name[len(STAGING_PREFIX) :])
    staging.rename(final)
    release(out, final)
    prune(builds_dir, keep=KEEP_BUILDS, current=final)


def release(out: Path, build: Path) -> None:
    """Point ``out`` at ``build`` atomically (a symlink renamed over the old one)."""
    out = out.absolute()
    link = _next_link(out, os.getpid())
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.relpath(build, out.parent), link)
    if out.exists() and not out.is_symlink():
        # A plain folder from an older layout: move it aside once; never delete user data.
        out.rename(out.with_name(f"{out.name}.old-{int(time.time())}"))
    os.replace(link, out)
    _fsync_dir(out.parent)


def current_build(out: Path) -> Path | None:
    """The build folder ``out`` points at, or None when there is none."""
    if not out.exists():
        return None
    return out.resolve()


def prune(builds_dir: Path, *, keep: int, current: Path) -> None:
    """Delete old builds (keeping the newest ``keep``) and staging folders of dead builds."""
    builds = sorted(p for p in builds_dir.glob(BUILD_PREFIX + "*") if p.is_dir())
    for old in builds[:-keep]:
        if old.resolve() != current.resolve():
            shutil.rmtree(old, ignore_errors=True)
    remove_dead_staging(builds_dir)


def remove_dead_staging(builds_dir: Path) -> list[Path]:
    """Delete the staging folders of builds whose process is gone (killed, crashed)."""
    removed = []
    for staging in builds_dir.glob(STAGING_PREFIX + "*"):
        pid = _staging_pid(staging.name)
        if pid is not None and not _pid_alive(pid):
            shutil.rmtree(staging, ignore_errors=True)
            removed.append(staging)
    return removed


def _next_link(out: Path, pid: int) -> Path:
    return out.with_name(f".{out.name}.next-{pid}")


def remove_dead_links(out: Path) -> list[Path]:
    """Delete the half-made ``out`` symlinks of releases whose process is gone (killed between
    making the link and renaming it over ``out``)."""
    out = out.absolute()
    removed = []
    for link in out.parent.glob(f".{out.name}.next-*"):
        pid = link.name.rsplit("-", 1)[1]
        if link.is_symlink() and pid.isdigit() and not _pid_alive(int(pid)):
            link.unlink()
            removed.append(link)
    return removed


def _staging_pid(name: str) -> int | None:
    parts = name[len(STAGING_PREFIX) :].split("-")
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_out_is_replaceable(out: Path, builds_dir: Path) -> None:
    if out.is_symlink() or not out.exists():
        return
    if out.is_file():
        raise BuildError(
            f"output path {out} is a file, not a build folder",
            fix="choose another --out or remove that file",
        )
    if any(out.iterdir()) and not (out / REPORT).exists():
        raise BuildError(
            f"output folder {out} exists and does not look like a newskg build",
            why=f"it has no {REPORT}; replacing it could destroy someone's files",
            fix="choose another --out or empty that folder",
        )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
