"""The extraction records as JSON, and back: how the cache stores an article's extraction.

:func:`extraction_to_json` keeps everything but the article (a build has it from ingest);
:func:`extraction_from_json` is its inverse and raises ``KeyError`` / ``TypeError`` /
``ValueError`` on damaged data, which the cache then treats as a miss.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kg.model import (
    Article,
    Entity,
    Event,
    Extraction,
    Link,
    Mention,
    Position,
    Statement,
    TimeExpression,
)


def extraction_to_json(extraction: Extraction) -> dict[str, Any]:
    """Everything in ``extraction`` except the article (the build has it from ingest)."""
    return {
        "sentences": [list(s) for s in extraction.sentences],
        "entities": [_entity_json(e) for e in extraction.entities],
        "positions": [
            [p.person, p.title, p.organisation, _mention_json(p.mention)]
            for p in extraction.positions
        ],
        "statements": [
            [s.speaker, s.verb, _mention_json(s.quote), _mention_json(s.mention)]
            for s in extraction.statements
        ],
        "events": [_event_json(e) for e in extraction.events],
        "notes": list(extraction.notes),
    }


def extraction_from_json(data: dict[str, Any], article: Article) -> Extraction:
    """The inverse of :func:`extraction_to_json`; raises ``KeyError``/``TypeError`` if damaged."""
    return Extraction(
        article=article,
        sentences=tuple((int(b), int(e)) for b, e in data["sentences"]),
        entities=tuple(_entity(e) for e in data["entities"]),
        positions=tuple(
            Position(person, title, organisation, _mention(mention))
            for person, title, organisation, mention in data["positions"]
        ),
        statements=tuple(
            Statement(speaker, verb, _mention(quote), _mention(mention))
            for speaker, verb, quote, mention in data["statements"]
        ),
        events=tuple(_event(e) for e in data["events"]),
        notes=tuple(data["notes"]),
    )


def _mention_json(mention: Mention) -> list[Any]:
    return [mention.begin, mention.end, mention.anchor]


def _mention(data: list[Any]) -> Mention:
    begin, end, anchor = data
    return Mention(int(begin), int(end), str(anchor))


def _entity_json(entity: Entity) -> dict[str, Any]:
    link = entity.link
    return {
        "key": entity.key,
        "name": entity.name,
        "cls": entity.cls,
        "mentions": [_mention_json(m) for m in entity.mentions],
        "aliases": list(entity.aliases),
        "link": None if link is None else [link.qid, link.confidence, link.label, link.source],
        "country": entity.country,
        "level": entity.level,
        "named": entity.named,
    }


def _entity(data: dict[str, Any]) -> Entity:
    link = data["link"]
    return Entity(
        key=data["key"],
        name=data["name"],
        cls=data["cls"],
        mentions=tuple(_mention(m) for m in data["mentions"]),
        aliases=tuple(data["aliases"]),
        link=None if link is None else Link(link[0], float(link[1]), link[2], link[3]),
        country=data["country"],
        level=str(data["level"]),
        named=bool(data["named"]),
    )


def _event_json(event: Event) -> dict[str, Any]:
    time = event.time
    return {
        "type": event.type,
        "trigger": _mention_json(event.trigger),
        "agents": list(event.agents),
        "targets": list(event.targets),
        "locations": list(event.locations),
        "time": None
        if time is None
        else [
            _mention_json(time.mention),
            time.granularity,
            _date_json(time.earliest),
            _date_json(time.latest),
        ],
        "factuality": event.factuality,
        "statement": event.statement,
        "confidence": event.confidence,
    }


def _event(data: dict[str, Any]) -> Event:
    time = data["time"]
    return Event(
        type=data["type"],
        trigger=_mention(data["trigger"]),
        agents=tuple(data["agents"]),
        targets=tuple(data["targets"]),
        locations=tuple(data["locations"]),
        time=None
        if time is None
        else TimeExpression(_mention(time[0]), time[1], _date(time[2]), _date(time[3])),
        factuality=data["factuality"],
        statement=data["statement"],
        confidence=float(data["confidence"]),
    )


def _date_json(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
