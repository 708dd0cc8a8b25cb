"""The small frozen records that flow between the pipeline's stages.

ingest -> :class:`Article`; extract -> :class:`Extraction`; link -> the same
:class:`Extraction` with :attr:`Entity.link` filled in; map -> quads. Offsets are Unicode code
points into :attr:`Article.text` (Python ``str`` indices), so
``article.text[m.begin:m.end] == m.anchor`` for every :class:`Mention`. Records refer to each
other by index into :attr:`Extraction.entities` (and :attr:`Extraction.statements`), which the
link stage keeps in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Factuality = Literal["asserted", "reported", "denied", "hypothetical"]
Granularity = Literal["instant", "day", "week", "month", "year"]

#: Ontology class local names an entity may have (``nk:<name>``); the first three are disjoint.
ENTITY_CLASSES = (
    "Person",
    "Organisation",
    "Place",
    "ArmedForces",
    "GovernmentBody",
    "NewsOrganisation",
    "InternationalOrganisation",
    "Company",
    "Country",
    "Facility",
    "NuclearPowerPlant",
    "Laboratory",
    "Hospital",
)

#: Each entity class's disjoint core class (in identity keys: a Person never merges with a Place).
CORE_CLASS = {
    "Person": "Person",
    "Organisation": "Organisation",
    "ArmedForces": "Organisation",
    "GovernmentBody": "Organisation",
    "NewsOrganisation": "Organisation",
    "InternationalOrganisation": "Organisation",
    "Company": "Organisation",
    "Place": "Place",
    "Country": "Place",
    "Facility": "Place",
    "NuclearPowerPlant": "Place",
    "Laboratory": "Place",
    "Hospital": "Place",
}

#: ``nk:MilitaryAction`` subclasses an event may have.
EVENT_TYPES = (
    "Seizure",
    "Occupation",
    "Withdrawal",
    "Shelling",
    "Airstrike",
    "Attack",
    "Looting",
    "Destruction",
    "Evacuation",
    "Explosion",
    "Deployment",
    "Fortification",
    "Invasion",
    "Offensive",
    "Combat",
    "Siege",
    "Annexation",
    "Sabotage",
)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from disk; ``text`` is exactly what offsets refer to."""

    id: str
    text: str
    sha256: str
    source: str
    headline: str | None = None
    published: datetime | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, order=True)
class Mention:
    """A span of the article text: ``text[begin:end] == anchor`` (code points)."""

    begin: int
    end: int
    anchor: str


@dataclass(frozen=True, slots=True)
class Link:
    """An entity's Wikidata identity, with how sure we are and where it came from."""

    qid: str
    confidence: float
    label: str
    source: str


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world entity as one article mentions it, after within-article resolution.

    ``key`` is the normalised name used for cross-article identity when there is no link;
    ``name`` the full name to show ("Rafael Grossi", not "Grossi"); ``cls`` a name from
    :data:`ENTITY_CLASSES`; ``country`` a country QID for groups such as "Russian troops";
    ``level`` what kind of place the text says a place is ("town" for "the city of Bryansk",
    "region" for "the Donetsk region"), empty when it does not say. ``named`` is False for a
    thing the text calls by a common noun only ("an ammunition depot" that was struck): such an
    entity is never linked and never one with another article's (its key holds the article).
    """

    key: str
    name: str
    cls: str
    mentions: tuple[Mention, ...]
    aliases: tuple[str, ...] = ()
    link: Link | None = None
    country: str | None = None
    level: str = ""
    named: bool = True

    @property
    def core_class(self) -> str:
        return CORE_CLASS[self.cls]


@dataclass(frozen=True, slots=True)
class Position:
    """A position held, as stated: "Energoatom CEO Petro Kotin" -> person, title, organisation."""

    person: int
    title: str
    organisation: int | None
    mention: Mention


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A normalised time expression; ``earliest == latest`` for a single day."""

    mention: Mention
    granularity: Granularity
    earliest: date | None
    latest: date | None


@dataclass(frozen=True, slots=True)
class Statement:
    """Reported speech: who (``speaker``, an entity index or None) said what, with which verb."""

    speaker: int | None
    verb: str
    quote: Mention
    mention: Mention


@dataclass(frozen=True, slots=True)
class Event:
    """One report of a military action in one article, with its roles and how it is framed."""

    type: str
    trigger: Mention
    agents: tuple[int, ...] = ()
    targets: tuple[int, ...] = ()
    locations: tuple[int, ...] = ()
    time: TimeExpression | None = None
    factuality: Factuality = "asserted"
    statement: int | None = None
    confidence: float = 0.5


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    sentences: tuple[tuple[int, int], ...] = ()
    entities: tuple[Entity, ...] = ()
    positions: tuple[Position, ...] = ()
    statements: tuple[Statement, ...] = ()
    events: tuple[Event, ...] = ()
    notes: tuple[str, ...] = field(default=())
