"""Titles before names: "IAEA chief Rafael Grossi", "Deputy Prime Minister of Ukraine X Y".

A title is a run of title words (``title_words.tsv``) ending in a head word, directly followed by
a person's name (proper nouns). What stands before the title (an organisation, a demonym, a
country) or after it as "of X" is the organisation the position belongs to. The title words are
never part of the name, and a name found after a title is a person even where the NER missed it
or merged it with its neighbour ("Ukraine Iryna Vereshchuk" as one ORG).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc

from kg.extract.lexicon import Lexicon
from kg.names import normalise

MAX_NAME_TOKENS = 6
MAX_SLOT_TOKENS = 5
#: Title words saying the position is no longer held: the name is still a person, but no position.
PAST_MARKERS = frozenset({"former", "ex", "late"})
HYPHENS = frozenset({"-", "‑", "–"})

SlotKind = Literal["span", "demonym", "name"]
TokenSpan = tuple[int, int]


@dataclass(frozen=True, slots=True)
class TitleMatch:
    """Token spans of one "<organisation> <title> <name>" or "<title> of <organisation> <name>"."""

    title: TokenSpan
    person: TokenSpan
    organisation: TokenSpan | None
    slot: SlotKind | None
    current: bool

    @property
    def start(self) -> int:
        return min(self.title[0], self.organisation[0] if self.organisation else self.title[0])


def find_titles(
    doc: Doc,
    lexicon: Lexicon,
    entity_spans: Sequence[TokenSpan],
    demonym_starts: dict[int, int],
    blocking_spans: Sequence[TokenSpan],
    person_words: frozenset[str] = frozenset(),
) -> list[TitleMatch]:
    """Every title followed by a name, left to right.

    ``entity_spans``: spans known to name something (gazetteer, NER other than PERSON);
    ``demonym_starts``: token end -> start of a demonym ending there; ``blocking_spans``: NER
    spans other than PERSON, which veto a "title + name" that they cover ("General Electric");
    ``person_words``: normalised words of the people's full names in the article ("putin").
    """
    ending_at: dict[int, TokenSpan] = {}
    starting_at: dict[int, list[TokenSpan]] = {}
    for span in sorted(entity_spans, key=lambda s: s[0] - s[1]):
        ending_at.setdefault(span[1], span)
        starting_at.setdefault(span[0], []).append(span)
    matches: list[TitleMatch] = []
    i = 0
    while i < len(doc):
        run = _title_run(doc, i, lexicon)
        if run is None:
            i += 1
            continue
        match = _match_at(doc, run, lexicon, ending_at, starting_at, demonym_starts, person_words)
        if match is not None and not _vetoed(match, blocking_spans):
            matches.append(match)
            i = match.person[1]
        else:
            i = run[1]
    return matches


def _title_run(doc: Doc, i: int, lexicon: Lexicon) -> TokenSpan | None:
    """The title-word run starting at ``i``, holding a head word.

    The run ends after its last head ("Deputy Prime Minister"), unless "of" joins a complement
    to it ("Secretary of State", "Chief of Staff").
    """
    if not lexicon.is_title_word(doc[i].text) or (i > 0 and lexicon.is_title_word(doc[i - 1].text)):
        return None
    end, last_head, joined_by_of = i, -1, False
    while end < len(doc):
        token = doc[end]
        if lexicon.is_title_word(token.text):
            if token.lower_ in lexicon.title_heads:
                last_head = end
            end += 1
        elif end > i and end + 1 < len(doc) and _connects(doc, end, lexicon):
            joined_by_of = joined_by_of or token.lower_ == "of"
            end += 1
        else:
            break
    if last_head < 0:
        return None
    return (i, end) if joined_by_of else (i, last_head + 1)


def _connects(doc: Doc, i: int, lexicon: Lexicon) -> bool:
    """A hyphen or "of" between two title words ("Secretary-General", "Secretary of State")."""
    token = doc[i]
    if not lexicon.is_title_word(doc[i + 1].text):
        return False
    if token.text in HYPHENS:
        return not doc[i - 1].whitespace_ and not token.whitespace_
    return token.lower_ == "of"


def _match_at(
    doc: Doc,
    run: TokenSpan,
    lexicon: Lexicon,
    ending_at: dict[int, TokenSpan],
    starting_at: dict[int, list[TokenSpan]],
    demonym_starts: dict[int, int],
    person_words: frozenset[str],
) -> TitleMatch | None:
    current = not any(t.lower_ in PAST_MARKERS for t in doc[run[0] : run[1]])
    after = run[1]
    if after < len(doc) and doc[after].lower_ == "of":
        for span in starting_at.get(after + 1, []):
            name = _name_at(doc, span[1], lexicon)
            if name is not None and span[1] - span[0] <= MAX_SLOT_TOKENS:
                return TitleMatch(run, name, span, "span", current)
        return None
    name = _name_at(doc, after, lexicon)
    if name is None:
        return None
    organisation, slot = _slot_before(
        doc, run[0], lexicon, ending_at, demonym_starts, _office(doc, run, lexicon), person_words
    )
    return TitleMatch(run, name, organisation, slot, current)


def _office(doc: Doc, run: TokenSpan, lexicon: Lexicon) -> bool:
    """Whether the title is an organisation's office ("CEO", "chief executive", "spokesman"):
    its last head word says so and no "of" makes it someone's ("chief of staff")."""
    words = [t.lower_ for t in doc[run[0] : run[1]]]
    heads = [w for w in words if w in lexicon.title_heads]
    return "of" not in words and bool(heads) and heads[-1] in lexicon.organisation_titles


def _name_at(doc: Doc, start: int, lexicon: Lexicon) -> TokenSpan | None:
    """A person's name starting at ``start``: capitalised proper nouns, particles, hyphens."""
    end = start
    while end < len(doc) and end - start < MAX_NAME_TOKENS:
        token = doc[end]
        if _is_name_word(token.text, token.pos_, lexicon):
            end += 1
        elif end > start and token.lower_ in lexicon.name_particles:
            end += 1
        elif end > start and token.text in HYPHENS and not doc[end - 1].whitespace_:
            end += 1
        else:
            break
    while end > start and not _is_name_word(doc[end - 1].text, doc[end - 1].pos_, lexicon):
        end -= 1
    return (start, end) if end > start else None


def _is_name_word(text: str, pos: str, lexicon: Lexicon) -> bool:
    return pos == "PROPN" and text[:1].isupper() and not lexicon.is_title_word(text)


def _slot_before(
    doc: Doc,
    start: int,
    lexicon: Lexicon,
    ending_at: dict[int, TokenSpan],
    demonym_starts: dict[int, int],
    office: bool,
    person_words: frozenset[str],
) -> tuple[TokenSpan | None, SlotKind | None]:
    """What stands before the title: a known entity, a demonym, or an unknown proper name.

    The NER often reads an unknown organisation's one-word name as a person ("Energoatom CEO
    Petro Kotin"); before an organisation's office such a name is the organisation, unless one
    of its words is in a person's full name in the article ("Putin spokesman", after "Vladimir
    Putin").
    """
    end = start - 1 if start > 0 and doc[start - 1].text in ("'s", "’s") else start
    bracketed = _bracketed(doc, end, ending_at)
    if bracketed is not None:
        return bracketed, "span"
    span = ending_at.get(end)
    if span is not None and span[1] - span[0] <= MAX_SLOT_TOKENS:
        return span, "span"
    if end in demonym_starts:
        return (demonym_starts[end], end), "demonym"
    begin = end
    while (
        begin > 0
        and end - begin < MAX_SLOT_TOKENS
        and _is_name_word(doc[begin - 1].text, doc[begin - 1].pos_, lexicon)
    ):
        begin -= 1
    if begin == end:
        return None, None
    types = {doc[i].ent_type_ for i in range(begin, end)} - {""}
    if not types:
        return (begin, end), "name"  # an unknown name, not one the NER read as a date or person
    if office and types == {"PERSON"}:
        if not any(normalise(doc[i].text) in person_words for i in range(begin, end)):
            return (begin, end), "name"
    return None, None


def _bracketed(doc: Doc, end: int, ending_at: dict[int, TokenSpan]) -> TokenSpan | None:
    """ "International Atomic Energy Agency (IAEA)" before a title: the name with its acronym."""
    if end < 3 or doc[end - 1].text != ")":
        return None
    inner = ending_at.get(end - 1)
    if inner is None or inner[0] < 1 or doc[inner[0] - 1].text != "(":
        return None
    outer = ending_at.get(inner[0] - 1)
    return (outer[0], end) if outer is not None else inner


def _vetoed(match: TitleMatch, blocking_spans: Sequence[TokenSpan]) -> bool:
    """An NER span other than PERSON covering title and name words: "General Electric"."""
    title_start, title_end = match.title
    name_start, name_end = match.person
    return any(
        start < title_end and end > title_start and start < name_end and end > name_start
        for start, end in blocking_spans
    )
