"""kg.dataset.stats: counts by class, Wikidata links, events by type and quarantined articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import BASE, FakeExtractor, build_with, settings, write_articles

from kg.dataset.info import count_store, counts_from_void
from kg.dataset.stats import Stats, stats
from kg.dataset.store import open_store
from kg.errors import DatasetError
from kg.layout import Layout


@pytest.fixture
def built(tmp_path: Path) -> Path:
    config = settings(tmp_path)
    inputs = [write_articles(tmp_path / "in", ["a1", "a2", "broken"])]
    report = build_with(FakeExtractor(), inputs, config)
    assert report.released
    return config.out


def test_stats_counts_classes_links_events_and_quarantine(built: Path) -> None:
    result = stats(built)
    assert result.articles == 2
    # five entities per article, the same five in both: two of them linked
    assert result.entities == 5
    assert result.linked == 2
    assert result.link_ratio == pytest.approx(0.4)
    assert result.classes["nk:EventReport"] == 4
    assert result.classes["schema:NewsArticle"] == 2
    assert result.classes["nk:NuclearPowerPlant"] == 1
    # the dated seizures merge; the undated shellings stay apart (only dates tell across articles)
    assert result.events == {"nk:Seizure": 1, "nk:Shelling": 2}
    assert result.reports == {"nk:Seizure": 2, "nk:Shelling": 2}
    assert [item.split(":")[0] for item in result.quarantined] == ["broken"]
    assert result.quads == len((built / "kg.nq").read_bytes().splitlines())


def test_stats_text_and_json(built: Path) -> None:
    result = stats(built)
    text = result.to_text()
    assert "linked to Wikidata: 2 (40.0%)" in text
    assert "Quarantined articles: 1" in text
    assert "  broken: " in text
    assert "nk:Seizure" in text
    data = json.loads(result.to_json())
    assert data["linked"] == 2
    assert data["link_ratio"] == 0.4
    assert Stats(**{k: v for k, v in data.items() if k != "link_ratio"}) == result


def test_stats_of_a_folder_that_is_not_a_build(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="is not a newskg build"):
        stats(tmp_path)


def test_stats_void_store_and_kg_stats_give_the_same_counts(built: Path) -> None:
    """One definition of each count (kg.counts): the VoID the build wrote, a count of the store
    and ``kg stats`` agree on triples, resources, entities and links."""
    from_void = counts_from_void(Layout(built).void)
    from_store = count_store(open_store(built), BASE)
    result = stats(built)
    assert from_void is not None
    assert from_void.triples == from_store.triples
    assert from_void.resources == from_store.resources
    assert (from_void.triples or 0) > 0
    assert (from_void.resources or 0) > 0
    assert from_void.entities == from_store.entities == result.entities == 5
    assert from_void.linked == from_store.linked == result.linked == 2
