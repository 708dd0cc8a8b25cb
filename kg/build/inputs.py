"""Which files a build reads, and their bytes: nothing outside what it was given, never more than
the byte limit, and never a file that could block.

A path named on the command line is read as named (a symbolic link there is the user's choice).
Inside a folder, files are found recursively in sorted order; hidden entries and files without an
article suffix are left alone, as documented. Everything else that is not read is a
:class:`Problem` naming it: a symbolic link whose target is outside the input folder (a linked
``/etc/passwd`` must not be published), a link to a folder (never followed: links can loop), a
dangling link, a folder that cannot be listed, and anything that is not a regular file (a FIFO
would block the build on ``open``; ``/dev/zero`` reports size 0 and never ends). Files are
opened without blocking and read up to the byte limit, whatever ``stat`` said before.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".txt", ".jsonl", ".json")
#: Bytes asked of the OS per read.
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Problem:
    """One piece of input that was skipped, and why."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class InputFile:
    """The bytes of one input file, named by the path it was found at."""

    path: Path
    data: bytes


def input_files(paths: Iterable[Path], max_bytes: int) -> Iterator[InputFile | Problem]:
    """Every input file under ``paths`` with its bytes, or why it is not read, in sorted order."""
    for path in paths:
        yield from _named(Path(path), max_bytes)


def _named(path: Path, max_bytes: int) -> Iterator[InputFile | Problem]:
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            yield Problem(str(path), f"symbolic link to {os.readlink(path)}, which does not exist")
        else:
            yield Problem(str(path), "no such file or folder")
        return
    except OSError as exc:
        yield Problem(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _folder(path, max_bytes)
    elif path.suffix.lower() not in SUFFIXES:
        yield Problem(
            str(path), f"unsupported file type {path.suffix or '(none)'}; expected {SUFFIXES}"
        )
    else:
        yield read_file(path, max_bytes)


def _folder(root: Path, max_bytes: int) -> Iterator[InputFile | Problem]:
    inside = os.path.realpath(root)
    found = False
    for item in _walk(root, root, inside):
        if isinstance(item, Problem):
            yield item
        else:
            found = True
            named, target = item
            yield read_file(named, max_bytes, target=target)
    if not found:
        yield Problem(str(root), f"folder has no articles (no {', '.join(SUFFIXES)} files)")


def _walk(folder: Path, root: Path, inside: str) -> Iterator[tuple[Path, str] | Problem]:
    """The article files under ``folder`` (depth first, sorted by name) with the path to open,
    and the problems."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        yield Problem(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            yield from _link(path, root, inside)
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(path, root, inside)
        elif path.suffix.lower() in SUFFIXES:
            yield path, str(path)


def _link(path: Path, root: Path, inside: str) -> Iterator[tuple[Path, str] | Problem]:
    """A symbolic link inside an input folder: read only when it is a file inside that folder,
    and then through the path it resolved to (a link swapped later cannot lead elsewhere).
    Problems quote the link as written, not the builder's resolved paths."""
    target = os.path.realpath(path)
    written = os.readlink(path)
    if os.path.isdir(target):
        yield Problem(
            str(path),
            f"symbolic link to a folder ({written}): not followed; give that folder to kg build "
            "to read it",
        )
    elif path.suffix.lower() not in SUFFIXES:
        return
    elif not os.path.exists(target):
        yield Problem(str(path), f"symbolic link to {written}, which does not exist")
    elif os.path.commonpath([inside, target]) != inside:
        yield Problem(
            str(path),
            f"symbolic link to {written}, outside the input folder {root}: not read; give that "
            "file to kg build to read it",
        )
    else:
        yield path, target


def read_file(path: Path, max_bytes: int, *, target: str | None = None) -> InputFile | Problem:
    """The bytes of ``path`` (opened at ``target`` when given) if it is a regular file of at most
    ``max_bytes``.

    Opened with ``O_NONBLOCK`` (a FIFO opens at once instead of waiting for a writer) and checked
    with ``fstat`` on what was opened, so a file swapped after it was found is judged as it is.
    """
    source = str(path)
    try:
        found = os.stat(target or path)
        if not stat.S_ISREG(found.st_mode):  # a socket cannot even be opened: say what it is
            return Problem(source, f"not a regular file ({_kind(found.st_mode)}): not read")
        fd = os.open(target or path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        return Problem(source, f"cannot read file: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Problem(source, f"not a regular file ({_kind(info.st_mode)}): not read")
        if info.st_size > max_bytes:
            return Problem(
                source, f"file is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit"
            )
        data = _read_at_most(fd, max_bytes + 1)
    except OSError as exc:
        return Problem(source, f"cannot read file: {exc.strerror or exc}")
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        return Problem(source, f"file grew past the {max_bytes:,}-byte limit while being read")
    return InputFile(path, data)


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = os.read(fd, min(_CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"
