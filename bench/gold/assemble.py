"""Assemble the annotators' parts into the two gold files, with refs harmonised across them.

    python bench/gold/assemble.py

Each annotator wrote ``parts/<kind>-<n>.jsonl`` from the same README; they chose a few different
refs for the same thing (a verified QID here, a ``name:`` there; two spellings of one name).
:data:`SAME` maps those refs to one, and the QID follows the ref when the ref is a verified
QID. The result is ``entities.jsonl`` and ``events.jsonl``, one line per article in id order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
QID = re.compile(r"Q[1-9][0-9]*")

#: ref -> the ref used for the same thing elsewhere (evidence of the QIDs: in the parts' rows).
SAME = {
    "name:BelTA": "name:Belarusian Telegraph Agency",
    "name:Western world": "Q160381",  # search file 71209446507: "Q160381 *Western world*"
    "name:Patrick Sanders (British Army officer)": "name:Patrick Sanders",
    "name:Ministry of Foreign Affairs (Ukraine)": "name:Ministry of Foreign Affairs of Ukraine",
    "name:Russian Armed Forces": "Q193159",  # yyyuanfish: Q193159 "Russian Armed Forces"
    "name:Armed Forces of Ukraine": "Q936105",  # yyyuanfish: Q936105 "Armed Forces of Ukraine"
    "name:NATO": "Q7184",  # supraverden: "North Atlantic Treaty Organisation", Q7184
}
EVIDENCE = {
    "Q160381": "search file 71209446507 pairs Q160381 with 'Western world'",
    "Q193159": "yyyuanfish wd_ru_ua_entities.jsonl: Q193159 'Russian Armed Forces'",
    "Q936105": "yyyuanfish wd_ru_ua_entities.jsonl: Q936105 'Armed Forces of Ukraine'",
    "Q7184": "supraverden general_list.yaml: North Atlantic Treaty Organisation, Q7184",
}


def harmonised(span: dict[str, Any]) -> dict[str, Any]:
    ref = span.get("ref")
    if ref in SAME:
        span = {**span, "ref": SAME[ref]}
        if QID.fullmatch(SAME[ref]):
            span["qid"] = SAME[ref]
            span["evidence"] = span.get("evidence") or EVIDENCE[SAME[ref]]
    return span


def assemble(kind: str) -> list[dict[str, Any]]:
    rows = []
    for part in sorted((HERE / "parts").glob(f"{kind}-*.jsonl")):
        for line in part.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if kind == "entities":
                row["mentions"] = [harmonised(m) for m in row["mentions"]]
            else:
                for action in row["actions"]:
                    for role in ("agent", "target", "location", "source"):
                        action[role] = [harmonised(s) for s in action.get(role) or []]
            rows.append(row)
    rows.sort(key=lambda r: r["article"])
    return rows


def main() -> None:
    for kind in ("entities", "events"):
        rows = assemble(kind)
        text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
        (HERE / f"{kind}.jsonl").write_text(text, encoding="utf-8")
        print(f"{kind}.jsonl: {len(rows)} articles")


if __name__ == "__main__":
    main()
