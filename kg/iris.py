"""Mint the dataset's IRIs from content, so the same input always gives the same IRIs.

Layout under the configurable base: ``id/article/<id>`` (mentions are its RFC 5147 fragments
``#char=b,e``), ``id/entity/<slug>-<hash>``, ``id/event/<hash>`` (an event, merged across
reports), ``id/report/<hash>`` (one article's report of it), ``id/statement/<hash>``,
``id/membership/<hash>``, ``id/role/<slug>``, ``id/build/<hash>``, ``id/software/<slug>``,
``id/validation/...`` (validation reports); named graphs under ``graph/``; the dataset's own
description under ``dataset``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import NamedNode

from kg.model import Entity

HASH_LENGTH = 12
#: Where article graphs live under the base (``<base>graph/article/<id>``).
ARTICLE_GRAPH_PATH = "graph/article/"


def article_segment(article_id: str) -> str:
    """The article id as one IRI path segment: percent-encoded (``a b/c`` -> ``a%20b%2Fc``).

    The ids ``.`` and ``..`` would be dot segments, which clients remove from a path (RFC 3986
    section 5.2.4; ``<base>id/article/..`` is ``<base>id/``), and percent-encoding their dots
    would not help (the WHATWG URL standard reads ``%2E`` as a dot), so these two get a ``!`` in
    front (``!.``, ``!..``): no other id's segment starts with ``!``, which percent-encoding
    always escapes.
    """
    segment = quote(article_id, safe="-._~")
    return f"!{segment}" if segment in (".", "..") else segment


def short_hash(*parts: str) -> str:
    """A stable short hash of the parts (joined unambiguously)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:HASH_LENGTH]


def slug(text: str, max_length: int = 60) -> str:
    """Lower-case ASCII words joined by hyphens ("Zaporizhzhia NPP" -> "zaporizhzhia-npp")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    result = "-".join(words)[:max_length].strip("-")
    return result or "x"


def entity_identity(entity: Entity) -> str:
    """What makes two mentions in different articles the same entity: the QID, else class+name."""
    if entity.link is not None:
        return f"wikidata:{entity.link.qid}"
    return f"{entity.core_class}:{entity.key}"


@dataclass(frozen=True)
class Iris:
    base: str

    def _node(self, path: str) -> NamedNode:
        return NamedNode(self.base + path)

    def article(self, article_id: str) -> NamedNode:
        return self._node("id/article/" + article_segment(article_id))

    def mention(self, article_id: str, begin: int, end: int) -> NamedNode:
        return NamedNode(f"{self.article(article_id).value}#char={begin},{end}")

    def sentence(self, article_id: str, begin: int, end: int) -> NamedNode:
        return self.mention(article_id, begin, end)

    def entity(self, entity: Entity) -> NamedNode:
        name = entity.link.label if entity.link is not None else entity.key
        return self._node(f"id/entity/{slug(name)}-{short_hash(entity_identity(entity))}")

    def report(self, article_id: str, begin: int, end: int, event_type: str) -> NamedNode:
        return self._node(f"id/report/{short_hash(article_id, str(begin), str(end), event_type)}")

    def event(self, *report_iris: str) -> NamedNode:
        return self._node(f"id/event/{short_hash(*sorted(report_iris))}")

    def statement(self, article_id: str, begin: int, end: int) -> NamedNode:
        return self._node(f"id/statement/{short_hash(article_id, str(begin), str(end))}")

    def membership(self, article_id: str, begin: int, end: int, title: str) -> NamedNode:
        return self._node(f"id/membership/{short_hash(article_id, str(begin), str(end), title)}")

    def role(self, title: str) -> NamedNode:
        return self._node(f"id/role/{slug(title)}")

    def build(self, fingerprint: str) -> NamedNode:
        return self._node(f"id/build/{short_hash(fingerprint)}")

    def software(self, name: str, version: str) -> NamedNode:
        """A piece of software or data a build used, at one version (``id/software/<slug>``)."""
        return self._node(f"id/software/{slug(name)}-{slug(version, 80)}")

    def article_graph(self, article_id: str) -> NamedNode:
        return self._node(ARTICLE_GRAPH_PATH + article_segment(article_id))

    def is_article_graph(self, name: str) -> bool:
        """Whether ``name`` is the IRI of an article graph of this base."""
        prefix = self.base + ARTICLE_GRAPH_PATH
        return name.startswith(prefix) and len(name) > len(prefix)

    @property
    def merged_graph(self) -> NamedNode:
        return self._node("graph/merged")

    @property
    def ontology_graph(self) -> NamedNode:
        return self._node("graph/ontology")

    @property
    def shapes_graph(self) -> NamedNode:
        return self._node("graph/shapes")

    @property
    def validation_graph(self) -> NamedNode:
        return self._node("graph/validation")

    @property
    def void_graph(self) -> NamedNode:
        """The dataset's VoID description (``void.ttl``), in the store but in no dump."""
        return self._node("graph/void")

    @property
    def dataset(self) -> NamedNode:
        return self._node("dataset")

    def validation_report(self, article_id: str | None = None) -> NamedNode:
        """The published data's validation report, or (not published) one quarantined article's."""
        if article_id is None:
            return self._node("id/validation/report")
        return self._node("id/validation/article/" + article_segment(article_id))

    def prefixes(self) -> dict[str, str]:
        """Turtle prefixes for the minted IRIs whose local names are always plain
        (``[a-z0-9-]``, so no Turtle escapes are needed); articles and mentions have none."""
        return {
            name: f"{self.base}id/{name}/"
            for name in (
                "entity",
                "event",
                "report",
                "statement",
                "membership",
                "role",
                "build",
                "software",
            )
        }
