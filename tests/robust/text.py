"""Hostile text: the characters scraped news brings (right-to-left runs, combining marks, emoji,
zero-width characters, CRLF, very long lines) as hypothesis strategies and as fixed samples."""

from __future__ import annotations

from hypothesis import strategies as st

#: Short pieces that break naive offset arithmetic (UTF-16 units, bytes, grapheme clusters).
HOSTILE_PIECES = (
    "\u202e\u0627\u0644\u0642\u062f\u0633\u202c",  # RLO + Arabic + PDF
    "\u2067\u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd\u2069",  # RLI + Hebrew + PDI
    "e\u0301\u0308\u20dd",  # stacked combining marks
    "Z\u0351\u0334\u0359a\u0315\u0359l\u0352go",  # "zalgo"
    "\U0001f600",  # astral emoji (two UTF-16 units, four UTF-8 bytes)
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",  # ZWJ family
    "\U0001f1fa\U0001f1e6",  # flag: two regional indicators
    "\U0001f44d\U0001f3ff",  # skin tone modifier
    "\u200b\u200c\u200d\u2060\ufeff",  # zero-width characters and a stray BOM
    "\r\n",
    "\r",
    "\n\n",
    "\u2028\u2029\x85",  # Unicode line and paragraph separators, NEL
    "\t\x0b\x0c",
    "\U00010348\U0001d11e",  # Gothic letter, musical symbol (astral, non-emoji)
    "\ufffd",
    "<script>alert(1)</script>",
    "&amp; &lt; \" ' `",
    "\\u0041 \\n",
    "\"\"\" ''' # <> {}",
)

#: Characters drawn by the strategies besides the pieces: every category except surrogates and
#: unassigned code points (a lone surrogate cannot be written as UTF-8; see the ingest tests).
hostile_chars = st.characters(exclude_categories=("Cs", "Cn"))

hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(hostile_chars, min_size=1, max_size=12)),
    max_size=12,
).map("".join)

long_line = st.integers(min_value=5_000, max_value=40_000).map(
    lambda n: ("w\u0301\U0001f600 " * (n // 4 + 1))[:n]
)

#: A news passage the real extractor finds entities and events in.
NEWS = (
    "Russian troops seized the Zaporizhzhia nuclear power plant on March 4, "
    "Energoatom CEO Petro Kotin said. \u201cThey shelled the plant,\u201d Kotin told "
    "reporters in Kyiv. Ukrainian forces later withdrew from Enerhodar."
)


def news_article(prefix: str, suffix: str, *, crlf: bool = False) -> str:
    """``NEWS`` between hostile text, on lines of its own; CRLF line ends when ``crlf``."""
    text = f"{prefix}\n{NEWS}\n{suffix}"
    return text.replace("\n", "\r\n") if crlf else text
