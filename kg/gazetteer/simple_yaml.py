"""A strict reader for the small YAML subset of SupraVerden's ``general_list.yaml``.

That file is one mapping of names to flat records of scalars and scalar lists. Reading that needs
no YAML library (newskg does not depend on one), and a strict reader fails loudly, with the line,
the day upstream starts to use more of YAML, instead of misreading it.
Supported: ``key:`` or ``? key`` / ``: field: value`` record heads; ``  field: value`` (plain,
'single' or "double" quoted; ``null``, ``~`` and empty are None); ``  field:`` followed by
``  - item`` lines; blank lines and ``#`` comments.
"""

from __future__ import annotations

import re

from kg.errors import KgError

Value = str | list[str] | None
Record = dict[str, Value]

_FIELD = re.compile(r"^  ([A-Za-z0-9_]+):(?: (.*))?$")
_ITEM = re.compile(r"^  - (.*)$")
_HEAD = re.compile(r"^(\S.*):$")
_NULLS = {"", "null", "~", "Null", "NULL"}


class SimpleYamlError(KgError):
    """The file uses YAML this reader does not support, so it cannot be read safely."""


def parse_records(text: str, *, origin: str = "<yaml>") -> dict[str, Record]:
    """The records of a YAML mapping of flat mappings, in file order."""
    records: dict[str, Record] = {}
    current: Record | None = None
    list_field: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{origin}:{number}"
        if line.startswith("? "):
            current = records.setdefault(_scalar(line[2:], where) or "", {})
            list_field = None
            continue
        if line.startswith(": ") and current is not None:
            line = "  " + line[2:]
        head = _HEAD.match(line)
        if head and not line.startswith(" "):
            current = records.setdefault(_scalar(head.group(1), where) or "", {})
            list_field = None
            continue
        if current is None:
            raise _unsupported(where, "a field before any record")
        item = _ITEM.match(line)
        if item and list_field is not None:
            values = current[list_field]
            assert isinstance(values, list)
            values.append(_scalar(item.group(1), where) or "")
            continue
        field = _FIELD.match(line)
        if field is None:
            raise _unsupported(where, f"the line {line[:60]!r}")
        name, raw = field.group(1), field.group(2)
        if raw is None or raw.strip() == "":
            current[name] = []
            list_field = name
        else:
            current[name] = _scalar(raw, where)
            list_field = None
    return {key: _empty_lists_to_none(record) for key, record in records.items()}


def _empty_lists_to_none(record: Record) -> Record:
    return {k: (None if v == [] else v) for k, v in record.items()}


def _scalar(raw: str, where: str) -> str | None:
    raw = raw.strip()
    if raw.startswith("'"):
        if len(raw) < 2 or not raw.endswith("'"):
            raise _unsupported(where, "an unterminated 'quoted' value")
        return raw[1:-1].replace("''", "'")
    if raw.startswith('"'):
        if len(raw) < 2 or not raw.endswith('"'):
            raise _unsupported(where, 'an unterminated "quoted" value')
        return _unescape_double(raw[1:-1], where)
    if raw[:1] in {"|", ">", "&", "*", "!", "[", "{"}:
        raise _unsupported(where, f"the value {raw[:30]!r}")
    if " #" in raw:
        raw = raw.split(" #", 1)[0].rstrip()
    return None if raw in _NULLS else raw


def _unescape_double(body: str, where: str) -> str:
    out: list[str] = []
    chars = iter(body)
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        escaped = next(chars, "")
        if escaped not in {'"', "\\", "/"}:
            raise _unsupported(where, f"the escape \\{escaped}")
        out.append(escaped)
    return "".join(out)


def _unsupported(where: str, what: str) -> SimpleYamlError:
    return SimpleYamlError(
        f"{where}: cannot read {what}",
        why="the gazetteer build reads only a small, flat subset of YAML",
        fix="check whether upstream changed the file's layout; extend kg/gazetteer/simple_yaml.py",
    )
