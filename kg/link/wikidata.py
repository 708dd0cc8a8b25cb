"""``--linker wikidata``: candidates from the live Wikidata API, politely.

``wbsearchentities`` finds items by English name, ``wbgetentities`` fetches their labels,
aliases, P31 classes, countries and sitelinks. Requests carry a descriptive User-Agent
(:data:`USER_AGENT`, per the Wikimedia User-Agent policy) and ``maxlag``; at most one request per
:data:`MIN_INTERVAL` seconds; 429, 5xx, ``maxlag`` and network errors are retried with
exponential backoff that honours ``Retry-After``; every successful answer is kept in an on-disk
JSON cache keyed by the request, so a rebuild asks nothing twice. Candidates are typed by their
P31 claims against the verified classes of :mod:`kg.gazetteer.classes` and then scored by the same
rules as the offline linker. Nationality words and national groups come from the bundled
gazetteer (they are not search questions).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import math
import os
import platform
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

from kg import __version__
from kg.errors import KgError
from kg.gazetteer.classes import CLASS_OF, class_of_instance
from kg.gazetteer.table import Gazetteer
from kg.link.scoring import LINK_FAMILY, Candidate, Rival, match_of
from kg.names import facility_core

API_URL = "https://www.wikidata.org/w/api.php"
#: Where people can learn what this client is and who runs it (Wikimedia User-Agent policy),
#: used until the package metadata names a ``Homepage`` (``[project.urls]`` in pyproject.toml).
PROJECT_URL = "https://github.com/newskg/newskg"


def contact_url() -> str:
    """The project's homepage from the installed package's metadata, else :data:`PROJECT_URL`."""
    try:
        entries: list[str] = importlib.metadata.metadata("newskg").get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        entries = []
    for entry in entries:
        name, _, url = str(entry).partition(",")
        if name.strip().lower() in {"homepage", "source", "repository"} and url.strip():
            return url.strip()
    return PROJECT_URL


USER_AGENT = (
    f"newskg/{__version__} ({contact_url()}; news knowledge-graph builder) "
    f"Python-urllib/{platform.python_version()}"
)
SOURCE = "wikidata-api"
#: Seconds between two requests (Wikimedia asks API clients not to hammer the servers).
MIN_INTERVAL = 1.0
MAX_ATTEMPTS = 5
#: First retry delay in seconds; doubled on each further attempt, capped at :data:`MAX_BACKOFF`.
BACKOFF = 1.0
MAX_BACKOFF = 60.0
TIMEOUT = 30.0
#: How many search hits to consider per name.
SEARCH_LIMIT = 10
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Sitelink count that counts as fully prominent (a capital city or a head of state has more).
PROMINENT_SITELINKS = 300


class WikidataError(KgError):
    """The Wikidata API could not answer (after retries) or refused the request."""

    status = 503


class NetworkError(Exception):
    """The request did not reach the server or got no answer (retryable)."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


class Transport(Protocol):
    def __call__(self, url: str, headers: Mapping[str, str], timeout: float) -> Response: ...


def urllib_transport(url: str, headers: Mapping[str, str], timeout: float) -> Response:
    """One GET with the standard library; HTTP errors come back as responses, not raised."""
    request = urllib.request.Request(url, headers=dict(headers), method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(answer.status, dict(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as exc:
        return Response(exc.code, dict(exc.headers.items()) if exc.headers else {}, exc.read())
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise NetworkError(str(exc)) from exc


@dataclass
class WikidataClient:
    """GETs against the API with rate limiting, retries and an on-disk cache."""

    cache_dir: Path
    transport: Transport = urllib_transport
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    min_interval: float = MIN_INTERVAL
    max_attempts: int = MAX_ATTEMPTS
    backoff: float = BACKOFF
    max_backoff: float = MAX_BACKOFF
    _last_request: float | None = field(default=None, init=False)

    def get(self, params: Mapping[str, str]) -> dict[str, Any]:
        """The API's JSON answer to ``params`` (from the cache when it has it)."""
        url = request_url(params)
        cached = self._read_cache(url)
        if cached is not None:
            return cached
        data = self._fetch(url)
        self._write_cache(url, data)
        return data

    def _fetch(self, url: str) -> dict[str, Any]:
        problem = ""
        for attempt in range(self.max_attempts):
            self._wait_turn()
            try:
                response = self.transport(url, {"User-Agent": USER_AGENT}, TIMEOUT)
            except NetworkError as exc:
                problem = str(exc)
                self._pause(None, attempt)
                continue
            if response.status in RETRY_STATUSES:
                problem = f"HTTP {response.status}"
                self._pause(retry_after(response.headers), attempt)
                continue
            if response.status != 200:
                raise WikidataError(
                    f"the Wikidata API answered HTTP {response.status}",
                    why=response.body[:200].decode("utf-8", "replace"),
                    fix="check the request, or build with --linker offline",
                )
            data = _json(response.body)
            code = str(data.get("error", {}).get("code", "")) if "error" in data else ""
            if code == "maxlag":
                problem = "the servers are lagging (maxlag)"
                self._pause(retry_after(response.headers), attempt)
                continue
            if code:
                raise WikidataError(
                    f"the Wikidata API refused the request: {code}",
                    why=str(data["error"].get("info", "")),
                    fix="report this as a newskg bug, or build with --linker offline",
                )
            return data
        raise WikidataError(
            f"the Wikidata API did not answer after {self.max_attempts} attempts",
            why=problem,
            fix="try again later, or build with --linker offline",
        )

    def _wait_turn(self) -> None:
        now = self.clock()
        if self._last_request is not None:
            wait = self.min_interval - (now - self._last_request)
            if wait > 0:
                self.sleep(wait)
        self._last_request = self.clock()

    def _pause(self, requested: float | None, attempt: int) -> None:
        delay = requested if requested is not None else self.backoff * 2**attempt
        self.sleep(min(max(delay, 0.0), self.max_backoff))

    def _cache_path(self, url: str) -> Path:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def _read_cache(self, url: str) -> dict[str, Any] | None:
        path = self._cache_path(url)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("url") != url:
            return None
        response = entry.get("response")
        return response if isinstance(response, dict) else None

    def _write_cache(self, url: str, data: dict[str, Any]) -> None:
        path = self._cache_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"url": url, "response": data}), encoding="utf-8")
        os.replace(temporary, path)


def request_url(params: Mapping[str, str]) -> str:
    """The full GET URL, parameters sorted so that one question has one cache key."""
    query = {**params, "format": "json", "maxlag": "5"}
    return f"{API_URL}?{urlencode(sorted(query.items()))}"


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), if any."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise WikidataError("the Wikidata API answered with invalid JSON", why=str(exc)) from exc
    if not isinstance(data, dict):
        raise WikidataError("the Wikidata API answered with unexpected JSON")
    return data


class WikidataLinker:
    """A :class:`kg.link.Linker` over the Wikidata API."""

    source = SOURCE

    def __init__(self, client: WikidataClient, gazetteer: Gazetteer) -> None:
        self.client = client
        self.gazetteer = gazetteer
        self._seen: dict[str, tuple[dict[str, Any], ...]] = {}

    @classmethod
    def create(cls, cache_dir: Path, gazetteer: Gazetteer) -> WikidataLinker:
        return cls(WikidataClient(cache_dir=cache_dir), gazetteer)

    def candidates(self, name: str, *, head: bool = False) -> tuple[Candidate, ...]:
        found = (candidate_of_entity(e, name, head=head) for e in self._entities(name))
        return tuple(c for c in found if c is not None)

    def rivals(self, name: str) -> Sequence[Rival]:
        return ()

    def country_of_demonym(self, word: str) -> str | None:
        return self.gazetteer.country_of_demonym(word)

    def group(self, country_qid: str, kind: str) -> Candidate | None:
        entry = self.gazetteer.group(country_qid, kind)
        if entry is None:
            return None
        return Candidate(
            entry.qid,
            entry.label,
            entry.cls,
            entry.country,
            entry.prominence,
            "label",
            entry.label,
            f"newskg-gazetteer:{entry.source}",
        )

    def _entities(self, name: str) -> tuple[dict[str, Any], ...]:
        if name not in self._seen:
            self._seen[name] = self._fetch_entities(name)
        return self._seen[name]

    def _fetch_entities(self, name: str) -> tuple[dict[str, Any], ...]:
        search = self.client.get(
            {
                "action": "wbsearchentities",
                "search": name,
                "language": "en",
                "uselang": "en",
                "type": "item",
                "limit": str(SEARCH_LIMIT),
            }
        )
        ids = [str(hit["id"]) for hit in search.get("search", []) if "id" in hit]
        if not ids:
            return ()
        answer = self.client.get(
            {
                "action": "wbgetentities",
                "ids": "|".join(ids),
                "props": "labels|aliases|claims|sitelinks",
                "languages": "en",
            }
        )
        entities = answer.get("entities", {})
        return tuple(entities[i] for i in ids if isinstance(entities.get(i), dict))


def candidate_of_entity(
    entity: Mapping[str, Any], name: str, *, head: bool = False
) -> Candidate | None:
    """A candidate from one ``wbgetentities`` entity, or None when its English label and
    aliases do not answer to ``name`` or its class is not one we can verify."""
    label = entity.get("labels", {}).get("en", {}).get("value")
    if not isinstance(label, str):
        return None
    aliases = [a.get("value", "") for a in entity.get("aliases", {}).get("en", [])]
    claims = entity.get("claims", {})
    cls = entity_class(claims)
    if cls is None:
        return None
    if cls in LINK_FAMILY["Facility"] and facility_core(label) != label:
        aliases.append(facility_core(label))  # as the gazetteer build does: "Chernobyl"
    match = match_of(name, label, aliases, head=head)
    if match is None:
        return None
    qid = str(entity.get("id", ""))
    country = qid if cls == "Country" else _single(claims, "P27" if cls == "Person" else "P17")
    return Candidate(
        qid=qid,
        label=label,
        cls=cls,
        country=country,
        prominence=sitelink_prominence(len(entity.get("sitelinks", {}))),
        match=match,
        name=name,
        source=SOURCE,
        head=head,
    )


def entity_class(claims: Mapping[str, Any]) -> str | None:
    """Our class from P31 claims (verified classes only). An item of no verified class that has
    coordinates (P625) and a country (P17) but no date (P580, P585: events have one) is a
    Place."""
    instance_of = claim_ids(claims, "P31")
    cls = class_of_instance(instance_of)
    if cls is not None:
        return cls
    if any(c in CLASS_OF for c in instance_of):
        return None  # verified classes of different kinds: unclear
    has = {p for p in ("P625", "P17", "P580", "P585") if claims.get(p)}
    return "Place" if {"P625", "P17"} <= has and not has & {"P580", "P585"} else None


def claim_ids(claims: Mapping[str, Any], prop: str) -> list[str]:
    """The item ids a property's claims point to."""
    ids = []
    for claim in claims.get(prop, []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value")
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            ids.append(value["id"])
    return ids


def sitelink_prominence(count: int) -> float:
    """Prominence from the number of Wikipedia (and sister) sitelinks, log-scaled."""
    if count <= 0:
        return 0.0
    return round(min(1.0, math.log10(1 + count) / math.log10(1 + PROMINENT_SITELINKS)), 3)


def _single(claims: Mapping[str, Any], prop: str) -> str | None:
    values = set(claim_ids(claims, prop))
    return values.pop() if len(values) == 1 else None
