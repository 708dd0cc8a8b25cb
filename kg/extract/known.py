"""What the gazetteer says about a piece of text: its class, its certain QID, its country.

Pure helpers over a :class:`~kg.gazetteer.table.Gazetteer`; they never pick among ambiguous
entries (a wrong identity is worse than none), they only report agreement.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from kg.gazetteer.table import Gazetteer, GazetteerEntry
from kg.model import CORE_CLASS, ENTITY_CLASSES
from kg.names import GROUP_NAMES, group_key, normalise


def entry_class(entry: GazetteerEntry) -> str | None:
    return entry.cls if entry.cls in ENTITY_CLASSES else None


def agreed(
    entries: tuple[GazetteerEntry, ...], core: str | None = None
) -> tuple[str | None, str | None]:
    """The class all ``entries`` (of core class ``core``, if given) share, and their QID if one.

    Returns ``(None, None)`` when they disagree on the core class. A name shared by one country
    and some smaller places is the country: that is what news means by it.
    """
    classes = [entry_class(e) for e in entries]
    pairs = [(e, c) for e, c in zip(entries, classes, strict=True) if c is not None]
    if core is not None:
        pairs = [(e, c) for e, c in pairs if CORE_CLASS[c] == core]
    if not pairs or len({CORE_CLASS[c] for _, c in pairs}) != 1:
        return None, None
    countries = [e for e, c in pairs if c == "Country"]
    if len(countries) == 1:  # "China" the country, not a village called China
        return "Country", countries[0].qid
    distinct = {c for _, c in pairs}
    cls = distinct.pop() if len(distinct) == 1 else CORE_CLASS[pairs[0][1]]
    qids = {e.qid for e, _ in pairs}
    return cls, (qids.pop() if len(qids) == 1 else None)


def identify(
    gazetteer: Gazetteer, names: Sequence[str], core: str
) -> tuple[str | None, str | None]:
    """Class and QID of the first of ``names`` the gazetteer knows as exactly one ``core`` entity.

    Exact names first; then spelling variants ("Zaporizhia"), but only where a single entry has
    the variant, since a looser key may join two different things.
    """
    for name in names:
        cls, qid = agreed(gazetteer.lookup(name), core)
        if qid is not None:
            return cls, qid
    for name in names:
        entries = gazetteer.lookup_variant(name)
        if len(entries) == 1:
            cls, qid = agreed(entries, core)
            if qid is not None:
                return cls, qid
    return None, None


def cores_of(entries: tuple[GazetteerEntry, ...]) -> frozenset[str]:
    return frozenset(CORE_CLASS[c] for e in entries if (c := entry_class(e)) is not None)


def country_named(gazetteer: Gazetteer, text: str) -> str | None:
    """The QID of the one country called ``text`` ("Ukraine", "US"), else None."""
    countries = {e.qid for e in gazetteer.lookup(text) if e.cls == "Country"}
    return countries.pop() if len(countries) == 1 else None


def demonym_before(doc: Doc, end: int, gazetteer: Gazetteer) -> tuple[int, str] | None:
    """A demonym ending at token ``end`` ("Russian", "South Korean"): its start and country.

    A demonym fused into a hyphenated word ("pro-Russian", "Russian-backed") does not count:
    pro-Russian forces are not Russia's forces.
    """
    for width in (2, 1):
        start = end - width
        if start < 0:
            continue
        words = doc[start:end]
        if any(not t.is_alpha or t.is_stop for t in words) or not words[0].text[0].isupper():
            continue
        country = gazetteer.country_of_demonym(words.text)
        if country is None or _hyphen_joined(doc, start, end):
            continue
        return start, country
    return None


def _hyphen_joined(doc: Doc, start: int, end: int) -> bool:
    before = start > 0 and doc[start - 1].text in "-‑–" and not doc[start - 1].whitespace_
    after = end < len(doc) and doc[end].text in "-‑–" and not doc[end - 1].whitespace_
    return bool(before or after)


def group_identity(gazetteer: Gazetteer, country: str, kind: str) -> tuple[str, str, str | None]:
    """Name, key and QID (if the gazetteer has the group) of a country's armed forces or government.

    The key does not depend on the gazetteer's label, so "Russian troops" in any article gets the
    same identity: ``"armed forces of q159"``.
    """
    template = GROUP_NAMES[kind]
    key = group_key(kind, country)
    entry = gazetteer.group(country, kind)
    if entry is not None:
        return entry.label, key, entry.qid
    country_entry = gazetteer.by_qid(country)
    return template.format(country_entry.label if country_entry else country), key, None


def group_key_of(gazetteer: Gazetteer, qid: str) -> str | None:
    """The group key of a gazetteer entry that is some country's armed forces or government."""
    entry = gazetteer.by_qid(qid)
    if entry is None or entry.country is None or entry.cls not in GROUP_NAMES:
        return None
    group = gazetteer.group(entry.country, entry.cls)
    if group is None or group.qid != qid:
        return None
    return normalise(GROUP_NAMES[entry.cls].format(entry.country))
