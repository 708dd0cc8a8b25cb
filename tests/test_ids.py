"""Article ids in IRIs and folder names (issue 21 item 3): ``.`` and ``..`` minted IRIs that
clients normalise away (``/id/article/..`` is ``/id/``) and crashed the build when quarantined;
any id must name one IRI and one quarantine folder of its own, and ordinary ids keep their IRIs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from urllib3.util import parse_url

from kg.iris import Iris, article_segment
from kg.layout import Layout

BASE = "http://kg.test/"
IRIS = Iris(BASE)
DOTTY = [".", "..", "...", "!.", "!..", "%2E", "%2e%2e", ".%2E", "a/..", "../a", "./", "/", ""]
ids = st.one_of(
    st.sampled_from(DOTTY),
    st.text(st.sampled_from("./%!2eE+a\\"), min_size=1, max_size=6),
    st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s),
)


def dot_segments_removed(path: str) -> str:
    """The path as a browser resolves it: RFC 3986 section 5.2.4, where the WHATWG URL standard
    also counts ``%2e`` as a dot."""
    out: list[str] = []
    segments = path.split("/")
    for number, segment in enumerate(segments):
        plain = re.sub("%2e", ".", segment, flags=re.IGNORECASE)
        last = number == len(segments) - 1
        if plain == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        elif plain == ".":
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/".join(out)


def test_iris_ordinary_article_ids_keep_their_iris() -> None:
    """IRIs are stable: only the ids that were broken get new ones."""
    assert IRIS.article("004_44ce2575710fd140").value == BASE + "id/article/004_44ce2575710fd140"
    assert IRIS.article("a b/c").value == BASE + "id/article/a%20b%2Fc"
    assert IRIS.article("...").value == BASE + "id/article/..."
    assert IRIS.article("Kyiv.2022").value == BASE + "id/article/Kyiv.2022"
    assert IRIS.article("Київ").value == BASE + "id/article/%D0%9A%D0%B8%D1%97%D0%B2"


@pytest.mark.parametrize("article_id", [".", ".."])
def test_iris_dot_segment_ids_survive_a_client(article_id: str) -> None:
    for iri in (
        IRIS.article(article_id),
        IRIS.article_graph(article_id),
        IRIS.validation_report(article_id),
    ):
        assert iri.value.startswith(BASE)
        assert parse_url(iri.value).path == iri.value[len(BASE) - 1 :]
        assert dot_segments_removed(iri.value[len(BASE) - 1 :]) == iri.value[len(BASE) - 1 :]
    assert IRIS.article(article_id).value == f"{BASE}id/article/!{article_id}"


@given(article_id=ids)
def test_iris_no_article_iri_is_changed_by_a_client(article_id: str) -> None:
    path = IRIS.article(article_id).value[len(BASE) - 1 :]
    assert dot_segments_removed(path) == path
    assert parse_url(BASE + path[1:]).path == path
    assert "/" not in article_segment(article_id)


@given(first=ids, second=ids)
def test_iris_two_ids_never_share_an_iri_or_a_folder(
    tmp_path_factory: pytest.TempPathFactory, first: str, second: str
) -> None:
    if first == second:
        return
    assert IRIS.article(first) != IRIS.article(second)
    assert IRIS.article_graph(first) != IRIS.article_graph(second)
    layout = Layout(Path("/build"))
    assert layout.quarantined(first) != layout.quarantined(second)


@pytest.mark.parametrize("article_id", [*DOTTY[:-1], "\u041a\u0438\u0457\u0432" * 50, "x" * 200])
def test_layout_quarantine_folder_is_one_child_of_quarantine(
    tmp_path: Path, article_id: str
) -> None:
    """``quarantine/..`` was the build folder itself (FileExistsError); a 200-character Cyrillic
    id encodes to 1,200 characters, past what a file name may hold."""
    layout = Layout(tmp_path)
    folder = layout.quarantined(article_id)
    assert folder.parent == layout.quarantine
    assert folder.name not in (".", "..")
    assert len(folder.name.encode()) <= 255
    folder.mkdir(parents=True)
    assert folder.resolve().parent == layout.quarantine.resolve()


def test_layout_long_ids_that_differ_at_the_end_get_two_folders() -> None:
    layout = Layout(Path("/build"))
    first, second = "\u041a" * 199 + "a", "\u041a" * 199 + "b"
    assert layout.quarantined(first) != layout.quarantined(second)
