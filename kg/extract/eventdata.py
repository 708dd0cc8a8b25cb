"""Reading the event stage's word lists: ``kg/data/triggers.tsv`` and ``kg/data/events/*.tsv``.

The lists are knowledge a linguist extends without touching code, so they are data. Each file has
``#`` comment lines, then a header row, then tab-separated rows; a row with the wrong number of
columns is an error that names the file and line, raised when the list is first used.
"""

from __future__ import annotations

from importlib import resources

DATA_PACKAGE = "kg"
EVENT_FOLDER = "data/events"


class DataFileError(ValueError):
    """A word-list file is malformed; the message names the file, the line and the fix."""


def read_table(relative_path: str, columns: int) -> tuple[tuple[str, ...], ...]:
    """The data rows of one TSV file under ``kg/``, each with exactly ``columns`` fields."""
    text = resources.files(DATA_PACKAGE).joinpath(relative_path).read_text("utf-8")
    rows: list[tuple[str, ...]] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = tuple(field.strip() for field in line.split("\t"))
        if len(fields) != columns:
            raise DataFileError(
                f"{relative_path}:{number}: expected {columns} tab-separated columns, "
                f"found {len(fields)} (fix the row or the header)"
            )
        if not header_seen:
            header_seen = True
            continue
        rows.append(fields)
    return tuple(rows)


def read_event_table(name: str, columns: int) -> tuple[tuple[str, ...], ...]:
    """The data rows of ``kg/data/events/<name>``."""
    return read_table(f"{EVENT_FOLDER}/{name}", columns)
