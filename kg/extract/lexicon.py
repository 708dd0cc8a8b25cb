"""The word lists entity extraction relies on, read from ``kg/data/entity_patterns/*.tsv``.

They are knowledge (what a facility head or a job title is), so they live in data files that a
linguist can extend without touching code. Each file has ``#`` comments and a header row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

from kg.extract.eventdata import read_event_table
from kg.model import ENTITY_CLASSES

PATTERN_PACKAGE = "kg"
PATTERN_FOLDER = "data/entity_patterns"


@dataclass(frozen=True, slots=True)
class FacilityHead:
    """A head phrase such as "nuclear power plant": the class and canonical form it gives."""

    words: tuple[str, ...]
    cls: str
    canonical: str
    generic: bool

    @property
    def case_sensitive(self) -> bool:
        """Acronym heads ("NPP") match only as written; other heads ignore case."""
        return all(word.isupper() for word in self.words)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """All entity word lists, keyed for constant-time look-up."""

    facility_heads: tuple[FacilityHead, ...]
    group_nouns: dict[tuple[str, ...], str]
    group_modifiers: frozenset[str]
    title_heads: frozenset[str]
    title_modifiers: frozenset[str]
    #: Words before a name that are no part of it and state no position ("Mr", "Sir").
    honorifics: frozenset[str]
    org_heads: dict[str, str]
    #: Organisation words that also end people's names ("Post", "Bank"): see ``org_heads.tsv``.
    org_surnames: frozenset[str]
    #: Geographic feature and area words ("Forest", "Oblast"): see ``place_heads.tsv``.
    place_heads: frozenset[str]
    place_surnames: frozenset[str]
    name_particles: frozenset[str]
    place_prepositions: frozenset[str]
    #: Prepositions after which even a name the gazetteer does not know is a place when the
    #: NER calls it an organisation ("in Bamako"): see ``place_prepositions.tsv``.
    unknown_place_prepositions: frozenset[str]
    #: Titles before which a proper name is the organisation whose office it is ("Energoatom
    #: CEO"), even where the NER reads the name as a person: see ``title_words.tsv``.
    organisation_titles: frozenset[str]
    #: Verbs whose subject acts as a state (``state_verbs.tsv`` and the speech verbs), and the
    #: nouns of a city's own things (``city_nouns.tsv``): see :mod:`kg.extract.metonymy`.
    state_verbs: frozenset[str] = frozenset()
    city_nouns: frozenset[str] = frozenset()
    #: Nouns after which "for/to/against/on/with X" names a state (``state_nouns.tsv``).
    state_nouns: frozenset[str] = frozenset()
    #: Documents named after a place ("the Minsk agreements"): ``document_heads.tsv``.
    document_heads: frozenset[str] = frozenset()
    #: Nouns that say what kind of organisation a name beside them is: ``kind_nouns.tsv``.
    kind_nouns: dict[tuple[str, ...], str] = field(default_factory=dict)

    #: Facility heads by the form of their last word (singular or plural), in lexicon order.
    heads_by_last_word: dict[str, tuple[FacilityHead, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[str, list[FacilityHead]] = {}
        for head in self.facility_heads:
            for form in dict.fromkeys((head.words[-1], plural(head.words[-1]))):
                index.setdefault(form, []).append(head)
        object.__setattr__(self, "heads_by_last_word", {w: tuple(h) for w, h in index.items()})

    def heads_ending_in(self, text: str, lower: str) -> tuple[FacilityHead, ...]:
        """The facility heads whose last word may be a token written ``text`` (lower-cased:
        ``lower``), in lexicon order: a shortlist, as the words before it are not checked."""
        exact = self.heads_by_last_word.get(text, ())
        if lower == text:
            return exact
        folded = self.heads_by_last_word.get(lower, ())
        if not exact or not folded:
            return exact or folded
        order = {head: n for n, head in enumerate(self.facility_heads)}
        return tuple(sorted({*exact, *folded}, key=order.__getitem__))

    def is_title_word(self, word: str) -> bool:
        lower = word.lower()
        return lower in self.title_heads or lower in self.title_modifiers


def read_rows(name: str) -> list[list[str]]:
    """The data rows of one TSV file (comments and the header row skipped)."""
    text = resources.files(PATTERN_PACKAGE).joinpath(PATTERN_FOLDER, name).read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return rows[1:]


def _checked_class(cls: str, file: str) -> str:
    if cls not in ENTITY_CLASSES:
        raise ValueError(
            f"{file}: unknown entity class {cls!r}; valid: {', '.join(ENTITY_CLASSES)}"
        )
    return cls


def _facility_heads() -> tuple[FacilityHead, ...]:
    file = "facility_heads.tsv"
    return tuple(
        FacilityHead(tuple(head.split()), _checked_class(cls, file), canonical, generic == "yes")
        for head, cls, canonical, generic in read_rows(file)
    )


def load_lexicon() -> Lexicon:
    """The lexicon from the package data (``kg/data/entity_patterns/``)."""
    titles = read_rows("title_words.tsv")
    org_heads = read_rows("org_heads.tsv")
    place_heads = read_rows("place_heads.tsv")
    places = read_rows("place_prepositions.tsv")
    return Lexicon(
        facility_heads=_facility_heads(),
        group_nouns={
            tuple(noun.split()): _checked_class(kind, "group_nouns.tsv")
            for noun, kind in read_rows("group_nouns.tsv")
        },
        group_modifiers=frozenset(row[0] for row in read_rows("group_modifiers.tsv")),
        title_heads=frozenset(word for word, role, _ in titles if role in ("head", "honorific")),
        honorifics=frozenset(word for word, role, _ in titles if role == "honorific"),
        title_modifiers=frozenset(word for word, role, _ in titles if role == "modifier"),
        org_heads={word: _checked_class(cls, "org_heads.tsv") for word, cls, _ in org_heads},
        org_surnames=frozenset(word for word, _, surname in org_heads if surname == "yes"),
        place_heads=frozenset(word for word, _ in place_heads),
        place_surnames=frozenset(word for word, surname in place_heads if surname == "yes"),
        organisation_titles=frozenset(
            word for word, _, before in titles if before == "organisation"
        ),
        name_particles=frozenset(row[0] for row in read_rows("name_particles.tsv")),
        place_prepositions=frozenset(row[0] for row in places),
        unknown_place_prepositions=frozenset(row[0] for row in places if row[1] == "yes"),
        state_verbs=frozenset(row[0] for row in read_rows("state_verbs.tsv"))
        | frozenset(lemma for lemma, _ in read_event_table("speech.tsv", 2)),
        city_nouns=frozenset(row[0] for row in read_rows("city_nouns.tsv")),
        state_nouns=frozenset(row[0] for row in read_rows("state_nouns.tsv")),
        document_heads=frozenset(row[0] for row in read_rows("document_heads.tsv")),
        kind_nouns={
            tuple(phrase.split()): _checked_class(cls, "kind_nouns.tsv")
            for phrase, cls in read_rows("kind_nouns.tsv")
        },
    )


def plural(word: str) -> str:
    """The regular English plural of a head's last word ("facility" -> "facilities")."""
    if word.isupper():
        return word + "s"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"
