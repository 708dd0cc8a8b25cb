"""kg.link.wikidata: the online linker, against recorded responses and a fake clock (no network)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from kg.gazetteer.table import Gazetteer
from kg.link import link_entities
from kg.link.wikidata import (
    API_URL,
    USER_AGENT,
    NetworkError,
    Response,
    WikidataClient,
    WikidataError,
    WikidataLinker,
    entity_class,
    request_url,
    retry_after,
    sitelink_prominence,
)
from kg.model import Article, Entity, Extraction, Mention

RECORDED = Path(__file__).parent / "data" / "wikidata_api"


def recorded() -> dict[tuple[tuple[str, str], ...], bytes]:
    answers = {}
    for path in sorted(RECORDED.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        answers[tuple(sorted(data["request"].items()))] = json.dumps(data["response"]).encode()
    return answers


def params_of(url: str) -> tuple[tuple[str, str], ...]:
    query = dict(parse_qsl(urlsplit(url).query))
    assert query.pop("format") == "json"
    assert query.pop("maxlag") == "5"
    return tuple(sorted(query.items()))


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


@dataclass
class Replay:
    """Answers from the recorded files; ``script`` lists failures to give first, per call."""

    script: list[Response | NetworkError] = field(default_factory=list)
    calls: list[tuple[str, Mapping[str, str], float]] = field(default_factory=list)
    answers: dict[tuple[tuple[str, str], ...], bytes] = field(default_factory=recorded)

    def __call__(self, url: str, headers: Mapping[str, str], timeout: float) -> Response:
        self.calls.append((url, headers, timeout))
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, NetworkError):
                raise step
            return step
        body = self.answers.get(params_of(url))
        if body is None:
            return Response(400, {}, b'{"error": {"code": "unrecorded"}}')
        return Response(200, {"Content-Type": "application/json"}, body)


def client(tmp_path: Path, transport: Replay, clock: FakeClock) -> WikidataClient:
    return WikidataClient(
        cache_dir=tmp_path / "cache", transport=transport, clock=clock.time, sleep=clock.sleep
    )


SEARCH_KYIV = {
    "action": "wbsearchentities",
    "search": "Kyiv",
    "language": "en",
    "uselang": "en",
    "type": "item",
    "limit": "10",
}


def test_link_wikidata_candidates_are_typed_by_p31(
    tmp_path: Path, bundled_gazetteer: Gazetteer
) -> None:
    linker = WikidataLinker(client(tmp_path, Replay(), FakeClock()), bundled_gazetteer)
    found = {c.qid: c for c in linker.candidates("Zaporizhzhia")}
    assert found["Q157835"].cls == "Place"
    assert found["Q157835"].match == "label"
    assert found["Q909477"].cls == "NuclearPowerPlant"
    assert found["Q909477"].match == "alias"
    assert "Q171334" not in found  # "Zaporizhzhia Oblast" does not answer to "Zaporizhzhia"
    kyiv = {c.qid: c for c in linker.candidates("Kyiv")}
    assert set(kyiv) == {"Q1899"}  # the battle has a date: an event, never a place
    assert kyiv["Q1899"].country == "Q212"
    assert kyiv["Q1899"].prominence > 0.5


def test_link_wikidata_links_with_the_shared_rules(
    tmp_path: Path, bundled_gazetteer: Gazetteer
) -> None:
    linker = WikidataLinker(client(tmp_path, Replay(), FakeClock()), bundled_gazetteer)
    text = "Ukrainian officials said Ukrainian troops held Zaporizhzhia."

    def ent(name: str, cls: str) -> Entity:
        return Entity(key=name.lower(), name=name, cls=cls, mentions=(Mention(0, 1, "U"),))

    x = Extraction(
        article=Article("a", text, "0" * 64, "a.txt"),
        entities=(
            ent("Zaporizhzhia", "Place"),
            ent("Zaporizhzhia", "NuclearPowerPlant"),
            ent("Zaporizhzhia", "Person"),
            ent("Volodymyr Zelensky", "Person"),
            ent("Nobody Known", "Person"),
        ),
    )
    linked = [e.link for e in link_entities(x, linker).entities]
    assert [link.qid if link else None for link in linked] == [
        "Q157835",
        "Q909477",
        None,
        "Q3874799",
        None,
    ]
    zelensky = linked[3]
    assert zelensky is not None
    assert zelensky.label == "Volodymyr Zelenskyy"
    assert zelensky.source == "wikidata-api"


def test_link_wikidata_sends_a_descriptive_user_agent(tmp_path: Path) -> None:
    replay = Replay()
    client(tmp_path, replay, FakeClock()).get(SEARCH_KYIV)
    url, headers, timeout = replay.calls[0]
    assert url.startswith(API_URL + "?")
    assert headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("newskg/")
    assert "https://" in USER_AGENT
    assert timeout > 0


def test_link_wikidata_cache_answers_repeated_questions(tmp_path: Path) -> None:
    replay = Replay()
    first = client(tmp_path, replay, FakeClock()).get(SEARCH_KYIV)
    again = client(tmp_path, replay, FakeClock()).get(SEARCH_KYIV)
    assert first == again
    assert len(replay.calls) == 1
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 1


def test_link_wikidata_rate_limits_requests(tmp_path: Path) -> None:
    clock = FakeClock()
    api = client(tmp_path, Replay(), clock)
    api.get(SEARCH_KYIV)
    api.get({**SEARCH_KYIV, "search": "Zaporizhzhia"})
    api.get({**SEARCH_KYIV, "search": "Nobody Known"})
    assert clock.sleeps == [1.0, 1.0]


def test_link_wikidata_retries_with_backoff_and_retry_after(tmp_path: Path) -> None:
    clock = FakeClock()
    replay = Replay(
        script=[
            Response(429, {"Retry-After": "7"}, b""),
            Response(503, {}, b""),
            NetworkError("connection reset"),
        ]
    )
    answer = client(tmp_path, replay, clock).get(SEARCH_KYIV)
    assert answer["search"][0]["id"] == "Q1899"
    assert len(replay.calls) == 4
    # Retry-After 7 s; then backoff 2 s and 4 s (attempts 1 and 2); the 1 s rate-limit waits
    # are already covered by those pauses.
    assert clock.sleeps == [7.0, 2.0, 4.0]


def test_link_wikidata_retries_when_servers_lag(tmp_path: Path) -> None:
    clock = FakeClock()
    lagging = json.dumps({"error": {"code": "maxlag", "info": "Waiting for a server"}}).encode()
    replay = Replay(script=[Response(200, {"Retry-After": "5"}, lagging)])
    client(tmp_path, replay, clock).get(SEARCH_KYIV)
    assert clock.sleeps == [5.0]
    assert len(replay.calls) == 2


def test_link_wikidata_gives_up_after_max_attempts(tmp_path: Path) -> None:
    clock = FakeClock()
    replay = Replay(script=[Response(503, {}, b"")] * 10)
    with pytest.raises(WikidataError) as info:
        client(tmp_path, replay, clock).get(SEARCH_KYIV)
    assert len(replay.calls) == 5
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert "--linker offline" in str(info.value)
    assert not (tmp_path / "cache").exists()  # failures are never cached


def test_link_wikidata_backoff_is_capped(tmp_path: Path) -> None:
    clock = FakeClock()
    replay = Replay(script=[Response(429, {"Retry-After": "3600"}, b"")])
    client(tmp_path, replay, clock).get(SEARCH_KYIV)
    assert clock.sleeps == [60.0]


def test_link_wikidata_does_not_retry_a_refused_request(tmp_path: Path) -> None:
    replay = Replay()
    with pytest.raises(WikidataError):
        client(tmp_path, replay, FakeClock()).get({"action": "unrecorded"})
    assert len(replay.calls) == 1


def test_link_wikidata_request_urls_are_canonical() -> None:
    one = request_url({"b": "2", "a": "1"})
    assert one == request_url({"a": "1", "b": "2"})
    assert one == f"{API_URL}?a=1&b=2&format=json&maxlag=5"


def test_link_wikidata_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after({"retry-after": "12"}) == 12.0
    assert retry_after({}) is None
    assert retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after({"Retry-After": "soon"}) is None


def test_link_wikidata_entity_class_rules() -> None:
    def claims(**props: list[str]) -> dict[str, list[dict[str, object]]]:
        return {
            p: [
                {"mainsnak": {"datavalue": {"value": {"id": v} if v.startswith("Q") else v}}}
                for v in values
            ]
            for p, values in props.items()
        }

    assert entity_class(claims(P31=["Q5"])) == "Person"
    assert entity_class(claims(P31=["Q5", "Q6256"])) is None  # a person and a country: unclear
    assert entity_class(claims(P31=["Q99999999"], P625=["x"], P17=["Q212"])) == "Place"
    assert entity_class(claims(P31=["Q99999999"], P625=["x"], P17=["Q212"], P585=["t"])) is None
    assert entity_class(claims(P31=["Q99999999"])) is None


def test_link_wikidata_sitelink_prominence() -> None:
    assert sitelink_prominence(0) == 0.0
    assert sitelink_prominence(300) == 1.0
    assert 0.0 < sitelink_prominence(10) < sitelink_prominence(100) < 1.0
