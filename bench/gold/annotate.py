"""Annotation aids for the development golds: show a window with offsets, find a string, check.

    python bench/gold/annotate.py show ARTICLE_ID [--corpus FILE] [--all]
    python bench/gold/annotate.py find ARTICLE_ID "text" [--corpus FILE]
    python bench/gold/annotate.py check entities|events FILE [--corpus FILE]

``show`` prints each paragraph of the selected window (``selection.json``) with its begin offset;
``find`` lists the begin/end code-point offsets of every occurrence of a string in the article;
``check`` verifies every span of an annotation file against the corpus text and the conventions'
vocabularies (README.md). Nothing here writes corpus text into the project.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent.parent / "shared" / "devcorpus" / "articles.jsonl"
ENTITY_CLASSES = {
    "Person", "Organisation", "Place", "ArmedForces", "GovernmentBody", "NewsOrganisation",
    "InternationalOrganisation", "Company", "Country", "Facility", "NuclearPowerPlant",
    "Laboratory", "Hospital",
}  # fmt: skip
EVENT_TYPES = {
    "Seizure", "Occupation", "Withdrawal", "Shelling", "Airstrike", "Attack", "Looting",
    "Destruction", "Evacuation", "Explosion", "Deployment", "Fortification", "Invasion",
    "Offensive", "Combat", "Sabotage", "Annexation", "Siege", "Other",
}  # fmt: skip
FACTUALITY = {"asserted", "reported", "denied", "hypothetical", "generic"}
QID = re.compile(r"^Q[1-9][0-9]*$")


def load_corpus(path: Path) -> dict[str, str]:
    return {
        (a := json.loads(line))["id"]: a["text"]
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    }


def selection(kind: str) -> dict[str, tuple[int, int]]:
    chosen = json.loads((HERE / "selection.json").read_text("utf-8"))[kind]
    return {row["article"]: tuple(row["window"]) for row in chosen}


def show(text: str, begin: int, end: int) -> None:
    offset = 0
    for line in text.split("\n"):
        line_end = offset + len(line)
        if line.strip() and line_end > begin and offset < end:
            print(f"[{offset}-{line_end}] {line}")
        offset = line_end + 1


def check_span(text: str, span: dict[str, Any], where: str, errors: list[str]) -> None:
    b, e, quoted = span.get("begin"), span.get("end"), span.get("text")
    if not (isinstance(b, int) and isinstance(e, int) and 0 <= b < e <= len(text)):
        errors.append(f"{where}: bad offsets {b}-{e}")
    elif text[b:e] != quoted:
        errors.append(f"{where}: text[{b}:{e}] is {text[b:e]!r}, not {quoted!r}")


def check_qid(value: object, where: str, errors: list[str]) -> None:
    valid = value is None or value == "unknown" or (isinstance(value, str) and QID.match(value))
    if not valid:
        errors.append(f"{where}: qid must be a QID, null or 'unknown', not {value!r}")


def check_entities(rows: list[dict[str, Any]], texts: dict[str, str]) -> list[str]:
    errors: list[str] = []
    windows = selection("entities")
    for row in rows:
        article = row["article"]
        text = texts[article]
        begin, end = windows[article]
        previous = begin
        for i, m in enumerate(row["mentions"]):
            where = f"{article} mention {i} {m.get('text')!r}"
            check_span(text, m, where, errors)
            if m["begin"] < previous:
                errors.append(f"{where}: overlaps the previous mention or precedes the window")
            if m["end"] > end:
                errors.append(f"{where}: ends after the window")
            previous = m["end"]
            if m.get("cls") not in ENTITY_CLASSES:
                errors.append(f"{where}: class {m.get('cls')!r} unknown")
            check_qid(m.get("qid"), where, errors)
            if QID.match(str(m.get("qid"))) and not m.get("evidence"):
                errors.append(f"{where}: a QID needs its evidence")
            if not m.get("ref"):
                errors.append(f"{where}: no ref")
    return errors


def check_events(rows: list[dict[str, Any]], texts: dict[str, str]) -> list[str]:
    errors: list[str] = []
    windows = selection("events")
    for row in rows:
        article = row["article"]
        text = texts[article]
        begin, end = windows[article]
        for i, action in enumerate(row["actions"]):
            where = f"{article} action {i}"
            if action.get("type") not in EVENT_TYPES:
                errors.append(f"{where}: type {action.get('type')!r} unknown")
            if action.get("factuality") not in FACTUALITY:
                errors.append(f"{where}: factuality {action.get('factuality')!r} unknown")
            if not action.get("triggers"):
                errors.append(f"{where}: no trigger")
            for t in action.get("triggers", []):
                check_span(text, t, f"{where} trigger", errors)
                if not begin <= t.get("begin", -1) < end:
                    errors.append(f"{where}: trigger outside the window")
            for role in ("agent", "target", "location", "source"):
                for s in action.get(role) or []:
                    check_span(text, s, f"{where} {role}", errors)
                    check_qid(s.get("qid"), f"{where} {role}", errors)
            date = action.get("date")
            if date is not None and not (
                isinstance(date, dict) and {"earliest", "latest"} <= set(date)
            ):
                errors.append(f"{where}: date must be null or {{earliest, latest, ...}}")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["show", "find", "check"])
    parser.add_argument("args", nargs="+")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--all", action="store_true", help="show the whole article")
    parser.add_argument(
        "--kind",
        choices=["entities", "events"],
        default="entities",
        help="whose window to show (an article may be in both selections)",
    )
    options = parser.parse_args()
    texts = load_corpus(options.corpus)
    if options.command == "show":
        article = options.args[0]
        text = texts[article]
        windows = selection(options.kind)
        begin, end = (0, len(text)) if options.all else windows.get(article, (0, len(text)))
        print(f"# {article}: window {begin}-{end} of {len(text)} characters")
        show(text, begin, end)
        return 0
    if options.command == "find":
        article, needle = options.args[0], options.args[1]
        text = texts[article]
        for match in re.finditer(re.escape(needle), text):
            print(f"{match.start()}\t{match.end()}\t{text[match.start() : match.end()]}")
        return 0
    kind, path = options.args[0], Path(options.args[1])
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    errors = (check_entities if kind == "entities" else check_events)(rows, texts)
    for error in errors:
        print(error)
    print(f"{len(rows)} rows, {len(errors)} problems", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
