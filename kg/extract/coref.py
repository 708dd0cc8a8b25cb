"""Within-article resolution: which chosen spans name the same entity.

General rules only, applied in one pass over the article's candidates:

- a short form names the one person in the article whose full name ends with it ("Grossi" ->
  "Rafael Grossi"), whatever class the NER gave it or one-word place the gazetteer matched;
- spelling variants share :func:`kg.names.variant_key` (within one core class);
- spans the gazetteer makes certain of share their QID ("IAEA", "International Atomic Energy
  Agency"); groups share their key;
- an acronym names the organisation whose capitalised words it abbreviates;
- a vague facility ("the Chernobyl facility") is the one specific facility of the same name;
- a plural of an organisation's name names that organisation ("the Houthis", after "Houthi
  rebels"), whatever class the NER gave it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc

from kg.extract.candidates import NER, WEAK, Candidate
from kg.extract.known import group_key_of
from kg.gazetteer.table import Gazetteer
from kg.model import CORE_CLASS, Entity, Mention
from kg.names import normalise, variant_key

ACRONYM_SKIPPED = frozenset({"of", "the", "and", "for", "on", "in", "de", "&"})


def resolve(
    doc: Doc, candidates: Sequence[Candidate], gazetteer: Gazetteer
) -> tuple[tuple[Entity, ...], tuple[int, ...]]:
    """The article's entities (in order of first mention) and each candidate's entity index."""
    resolved = plural_names(expand_short_names(candidates))
    clusters = _cluster(resolved)
    members: dict[int, list[int]] = {}
    for index, root in enumerate(clusters):
        members.setdefault(root, []).append(index)
    order = list(members)  # dicts keep insertion order: roots by first mention
    entities = tuple(
        _entity(doc, [resolved[i] for i in members[root]], gazetteer) for root in order
    )
    position = {root: n for n, root in enumerate(order)}
    return entities, tuple(position[root] for root in clusters)


def expand_short_names(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Give a short form the full name of the one person in the article it can stand for."""
    full_names: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for candidate in candidates:
        words = tuple(normalise(candidate.name).split())
        if candidate.cls == "Person" and len(words) > 1:
            for k in range(1, len(words)):
                full_names[words[k:]].add(candidate.name)
    expanded: list[Candidate] = []
    for candidate in candidates:
        names = full_names.get(tuple(normalise(candidate.name).split()), set())
        can_be_person = (
            candidate.cls == "Person"
            or candidate.rank == WEAK
            or (candidate.qid is None and candidate.key is None)
        )
        if len(names) == 1 and can_be_person and not candidate.generic:
            candidate = replace(candidate, cls="Person", name=next(iter(names)), qid=None)
        expanded.append(candidate)
    return expanded


def plural_names(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Give a plural name ("Houthis") the class and name of the organisation whose one-word name
    is its singular ("Houthi"), when the article has exactly one such organisation and the
    plural was found by the NER (whose class for it is unreliable), not by knowledge."""
    singular: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for candidate in candidates:
        if CORE_CLASS[candidate.cls] == "Organisation" and " " not in candidate.name:
            singular[normalise(candidate.name)].add((candidate.cls, candidate.name))
    renamed: list[Candidate] = []
    for candidate in candidates:
        name = normalise(candidate.name)
        found = singular.get(name[:-1], set()) if name.endswith("s") else set()
        if len(found) == 1 and candidate.rank == NER and candidate.qid is None:
            cls, singular_name = next(iter(found))
            candidate = replace(candidate, cls=cls, name=singular_name)
        renamed.append(candidate)
    return renamed


def _cluster(candidates: Sequence[Candidate]) -> list[int]:
    """Union-find over the merge rules; returns each candidate's cluster root."""
    parent = list(range(len(candidates)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(j)] = find(i)

    first_with: dict[tuple[str, str], int] = {}
    for index, candidate in enumerate(candidates):
        core = CORE_CLASS[candidate.cls]
        keys = [("variant", core + ":" + variant_key(candidate.name))]
        if candidate.qid:
            keys.append(("qid", candidate.qid))
        if candidate.key:
            keys.append(("key", candidate.key))
        for key in keys:
            if key in first_with:
                union(first_with[key], index)
            else:
                first_with[key] = index
    for i, j in _acronym_pairs(candidates) + _vague_facility_pairs(candidates):
        union(i, j)
    return [find(i) for i in range(len(candidates))]


def _acronym_pairs(candidates: Sequence[Candidate]) -> list[tuple[int, int]]:
    """(organisation, acronym) pairs: "IAEA" abbreviates "International Atomic Energy Agency"."""
    by_initials: dict[str, set[int]] = defaultdict(set)
    for index, candidate in enumerate(candidates):
        acronym = initials(candidate.name)
        if acronym is not None and CORE_CLASS[candidate.cls] == "Organisation":
            by_initials[acronym].add(index)
    pairs: list[tuple[int, int]] = []
    for index, candidate in enumerate(candidates):
        name = candidate.name
        if name.isupper() and name.isalpha() and CORE_CLASS[candidate.cls] == "Organisation":
            expansions = by_initials.get(name, set())
            if len({variant_key(candidates[i].name) for i in expansions}) == 1:
                pairs.append((min(expansions), index))
    return pairs


def initials(name: str) -> str | None:
    """The acronym a name's capitalised words make ("Rapid Support Forces" -> "RSF"), if any."""
    words = [w for w in name.split() if w.lower() not in ACRONYM_SKIPPED]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return None
    return "".join(w[0] for w in words)


def _vague_facility_pairs(candidates: Sequence[Candidate]) -> list[tuple[int, int]]:
    """Pairs that name one facility: "the Chernobyl facility" and "Chernobyl nuclear power plant".

    A vague facility joins the one specific facility with its name; with none, the vague ones
    with that name join each other; with several (a "Kakhovka dam" and a "Kakhovka power plant")
    it joins nothing.
    """
    specific: dict[str, set[str]] = defaultdict(set)
    by_stem: dict[str, list[int]] = defaultdict(list)
    for index, candidate in enumerate(candidates):
        if candidate.stem is None:
            continue
        stem = variant_key(candidate.stem)
        if not candidate.generic:
            specific[stem].add(variant_key(candidate.name))
        by_stem[stem].append(index)
    pairs: list[tuple[int, int]] = []
    for stem, indices in by_stem.items():
        if len(specific.get(stem, ())) <= 1:
            pairs.extend((indices[0], index) for index in indices[1:])
    return pairs


def _specificity(candidate: Candidate) -> tuple[int, int]:
    """Prefer a specific class (NuclearPowerPlant > Facility > Place), then a better source."""
    core = CORE_CLASS[candidate.cls]
    level = 0 if candidate.cls == core else 1 if candidate.generic else 2
    return -level, candidate.rank


def _entity(doc: Doc, members: Sequence[Candidate], gazetteer: Gazetteer) -> Entity:
    best = min(members, key=_specificity)
    qids = {c.qid for c in members if c.qid}
    qid = qids.pop() if len(qids) == 1 else None
    preset = max((c for c in members if c.key), key=lambda c: len(c.name), default=None)
    entry = gazetteer.by_qid(qid) if qid else None
    if preset is not None:
        name, key = preset.name, preset.key or ""
    elif entry is not None:
        name, key = entry.label, group_key_of(gazetteer, entry.qid) or normalise(entry.label)
    else:
        named = [c for c in members if not c.generic] or list(members)
        name = max(named, key=lambda c: (len(c.name.split()), len(c.name))).name
        key = normalise(name)
    mentions = sorted({_mention(doc, c) for c in members})
    # a mention that stands for a longer name ("Donetsk" in "the Donetsk and Luhansk People's
    # Republics", "Kherson" in "the Kherson region") is no name of the entity: not an alias
    whole = {_mention(doc, c).anchor for c in members if not c.partial}
    anchors = dict.fromkeys(m.anchor for m in mentions if m.anchor != name and m.anchor in whole)
    country = next((c.country for c in members if c.country), None)
    level = next((c.level for c in members if c.level), "")
    return Entity(
        key=key,
        name=name,
        cls=best.cls,
        mentions=tuple(mentions),
        aliases=tuple(anchors),
        country=country,
        level=level,
    )


def _mention(doc: Doc, candidate: Candidate) -> Mention:
    span = doc[candidate.start : candidate.end]
    return Mention(span.start_char, span.end_char, span.text)
