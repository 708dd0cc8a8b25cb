"""kg.dataset.resolve: which IRI a request path denotes, and the format its extension asks."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store

from kg.dataset.resolve import HTML_EXTENSION, Resolved, resolve
from kg.vocab import RDFS

BASE = "http://kg.test/"


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store()
    graph = NamedNode(BASE + "graph/article/a%2Fb")
    for path in ("id/entity/kyiv-1", "id/article/a%2Fb", "id/article/caf%C3%A9"):
        store.add(Quad(NamedNode(BASE + path), RDFS.label, Literal("x"), graph))
    return store


@pytest.mark.parametrize(
    ("decoded", "raw", "expected"),
    [
        ("id/entity/kyiv-1", "id/entity/kyiv-1", Resolved(BASE + "id/entity/kyiv-1")),
        ("id/entity/kyiv-1.ttl", "id/entity/kyiv-1.ttl",
         Resolved(BASE + "id/entity/kyiv-1", RdfFormat.TURTLE)),
        ("id/entity/kyiv-1.html", "id/entity/kyiv-1.html",
         Resolved(BASE + "id/entity/kyiv-1", HTML_EXTENSION)),
        ("id/article/a/b", "id/article/a%2Fb", Resolved(BASE + "id/article/a%2Fb")),
        ("id/article/café", "id/article/caf%C3%A9", Resolved(BASE + "id/article/caf%C3%A9")),
        ("graph/article/a/b", "graph/article/a%2Fb", Resolved(BASE + "graph/article/a%2Fb")),
        # granian hands on the decoded path only: the raw form is not known
        ("id/article/a/b", "id/article/a/b", Resolved(BASE + "id/article/a%2Fb")),
        ("graph/article/a/b", "graph/article/a/b", Resolved(BASE + "graph/article/a%2Fb")),
        ("id/article/a/b.ttl", "id/article/a/b.ttl",
         Resolved(BASE + "id/article/a%2Fb", RdfFormat.TURTLE)),
        ("id/entity/kyiv-1.exe", "id/entity/kyiv-1.exe", None),
        ("id/entity/odesa", "id/entity/odesa", None),
        ("../etc/passwd", "../etc/passwd", None),
    ],
)  # fmt: skip
def test_dataset_resolve_paths(
    store: Store, decoded: str, raw: str, expected: Resolved | None
) -> None:
    assert resolve(store, BASE, decoded, raw) == expected
