"""kg.build.pipeline: quarantine, incremental builds, determinism and atomic release, end to end.

Extraction is replaced by a fake that builds extractions by hand (fakes.sample_extraction) and
records which articles it was asked to extract; validation, merging, dumps and the store are real.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from fakes import BASE, FakeExtractor, build_with, settings, write_articles

import kg.build.executors
import kg.shacl.validate
from kg.build.cache import Cache
from kg.build.release import STAGING_PREFIX
from kg.dataset.stats import stats
from kg.dataset.store import open_store
from kg.errors import BuildError
from kg.layout import CHECKSUMS, NQUADS, QUARANTINE, TURTLE, VOID_TTL
from kg.shacl.validate import validate_build
from kg.vocab import NK

DUMPS = (NQUADS, TURTLE, NQUADS + ".gz", TURTLE + ".gz", VOID_TTL, CHECKSUMS)


@pytest.fixture
def extractor() -> FakeExtractor:
    return FakeExtractor()


def graphs_in(out: Path) -> set[str]:
    return {
        q.graph_name.value for q in ox.parse(path=str(out / NQUADS), format=ox.RdfFormat.N_QUADS)
    }


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in DUMPS}


def test_pipeline_build_publishes_a_conforming_dataset(
    tmp_path: Path, extractor: FakeExtractor
) -> None:
    config = settings(tmp_path)
    report = build_with(extractor, [write_articles(tmp_path / "in", ["a1", "a2"])], config)
    assert report.released, report.problems
    assert report.exit_code == 0, report.problems
    assert report.articles == ["a1", "a2"]
    assert report.quarantined == []
    out = config.out
    verdict = validate_build(
        out, shapes_path=config.shapes_path, ontology_path=config.ontology_path
    )
    assert verdict.conforms, verdict.summary()
    assert not verdict.results, verdict.summary()
    assert graphs_in(out) == {
        BASE + "graph/article/a1",
        BASE + "graph/article/a2",
        BASE + "graph/merged",
        BASE + "graph/ontology",
        BASE + "graph/shapes",
        BASE + "graph/validation",
    }
    store = open_store(out)
    # The store says exactly what the dumps say: its named graphs are kg.nq quad for quad
    # (literals as written), its default graph is the set of kg.ttl's triples, and the VoID
    # description sits in a graph of its own that no dump holds.
    dumped = set(ox.parse(path=str(out / NQUADS), format=ox.RdfFormat.N_QUADS))
    void = ox.NamedNode(BASE + "graph/void")
    named = {q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert {q for q in named if q.graph_name != void} == dumped
    default = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert default == {q.triple for q in ox.parse(path=str(out / TURTLE))}
    assert any(q.graph_name == void for q in named)
    assert stats(out).quads == len(dumped)
    counts = stats(out)
    assert counts.articles == 2
    assert counts.linked == 2
    # dated seizures merge across articles; undated shellings do not (only dates tell them apart)
    assert counts.events == {"nk:Seizure": 1, "nk:Shelling": 2}
    assert "Quarantined articles: 0" in counts.to_text()


def test_pipeline_publishes_the_validation_report_as_rdf(
    tmp_path: Path, extractor: FakeExtractor
) -> None:
    config = settings(tmp_path)
    build_with(extractor, [write_articles(tmp_path / "in", ["a1"])], config)
    store = open_store(config.out)
    answer = store.query(
        "ASK { GRAPH ?g { ?r a <http://www.w3.org/ns/shacl#ValidationReport> ; "
        "<http://www.w3.org/ns/shacl#conforms> true } }"
    )
    assert bool(answer)


def test_pipeline_quarantines_broken_articles_and_publishes_the_rest(
    tmp_path: Path, extractor: FakeExtractor
) -> None:
    config = settings(tmp_path)
    ids = ["a1", "broken", "crash", "unfaithful", "a2"]
    inputs = write_articles(tmp_path / "in", ids)
    report = build_with(extractor, [inputs], config)
    assert report.released, report.problems
    assert report.articles == ["a1", "a2"]
    reasons = dict(item.split(": ", 1) for item in report.quarantined)
    assert sorted(reasons) == ["broken", "crash", "unfaithful"]
    assert "does not conform" in reasons["broken"]
    assert "SHA-256" in reasons["broken"]
    assert "extraction failed: RuntimeError" in reasons["crash"]
    assert "mapping failed: InvalidExtraction" in reasons["unfaithful"]
    quarantine = config.out / QUARANTINE
    assert sorted(p.name for p in quarantine.iterdir()) == ["broken", "crash", "unfaithful"]
    assert {p.name for p in (quarantine / "broken").iterdir()} == {
        "reason.txt",
        "graph.nq",
        "report.ttl",
        "report.txt",
    }
    assert "RuntimeError" in (quarantine / "crash" / "reason.txt").read_text()
    assert not any("broken" in g or "crash" in g for g in graphs_in(config.out))
    verdict = validate_build(
        config.out, shapes_path=config.shapes_path, ontology_path=config.ontology_path
    )
    assert verdict.conforms, verdict.summary()
    published = (config.out / "build-report.json").read_text()
    built = json.loads(published)
    assert len(built["quarantined"]) == 3
    assert str(tmp_path) not in published  # the builder's folders stay private
    assert all(f"(in {inputs.name}/" in line for line in built["quarantined"])
    assert stats(config.out).quarantined == report.published([inputs]).quarantined


def test_pipeline_nothing_is_released_when_every_article_is_quarantined(
    tmp_path: Path, extractor: FakeExtractor
) -> None:
    config = settings(tmp_path)
    build_with(extractor, [write_articles(tmp_path / "in", ["a1"])], config)
    before = config.out.resolve()
    report = build_with(extractor, [write_articles(tmp_path / "in2", ["broken", "crash"])], config)
    assert not report.released
    assert report.exit_code == 1
    assert len(report.quarantined) == 2
    assert config.out.resolve() == before
    assert not list(config.builds_dir.glob(STAGING_PREFIX + "*"))


def test_pipeline_two_builds_of_the_same_input_are_byte_identical(
    tmp_path: Path, extractor: FakeExtractor
) -> None:
    articles = write_articles(tmp_path / "in", ["a1", "a2", "a3"])
    config = settings(tmp_path)
    build_with(extractor, [articles], config)
    first = snapshot(config.out)
    build_with(extractor, [articles], config)  # from the cache
    assert snapshot(config.out) == first
    fresh = settings(tmp_path, cache_dir=tmp_path / "other-cache")
    build_with(extractor, [articles], fresh)  # everything extracted again
    assert snapshot(config.out) == first


def test_pipeline_incremental_rebuild_touches_only_the_changed_article(
    tmp_path: Path, extractor: FakeExtractor
) -> None:
    folder = tmp_path / "in"
    config = settings(tmp_path)
    build_with(extractor, [write_articles(folder, ["a1", "a2", "a3"])], config)
    assert extractor.extracted == ["a1", "a2", "a3"]

    extractor.calls.clear()
    report = build_with(extractor, [write_articles(folder, ["a1", "a2", "a3"])], config)
    assert extractor.calls == []
    assert report.processed == []
    assert report.cached == ["a1", "a2", "a3"]

    report = build_with(
        extractor, [write_articles(folder, ["a1", "a2", "a3"], extra={"a2": " More."})], config
    )
    assert extractor.extracted == ["a2"]
    assert report.processed == ["a2"]
    assert report.cached == ["a1", "a3"]

    extractor.calls.clear()
    report = build_with(
        extractor, [write_articles(folder, ["a1", "a3"], extra={"a2": " More."})], config
    )
    assert extractor.calls == []
    assert BASE + "graph/article/a2" not in graphs_in(config.out)
    merged = [
        q
        for q in ox.parse(path=str(config.out / NQUADS), format=ox.RdfFormat.N_QUADS)
        if q.graph_name.value == BASE + "graph/merged"
    ]
    assert not any("/id/article/a2" in str(q.object) for q in merged)
    assert any("/id/article/a3" in str(q.object) for q in merged)


def test_pipeline_corrupt_cache_entry_is_detected_and_rebuilt(
    tmp_path: Path, extractor: FakeExtractor
) -> None:
    folder = write_articles(tmp_path / "in", ["a1", "a2"])
    config = settings(tmp_path)
    build_with(extractor, [folder], config)
    first = snapshot(config.out)
    cache = Cache(config.resolved_cache_dir)
    entries = sorted(config.resolved_cache_dir.glob("*/*.entry"))
    articles = [e for e in entries if "article" in (cache.get(e.stem) or {})]
    assert len(articles) == 2
    assert len(entries) == 3
    damaged = articles[0]
    damaged.write_bytes(damaged.read_bytes()[:-7] + b"garbage")
    extractor.calls.clear()
    report = build_with(extractor, [folder], config)
    assert len(report.processed) == 1
    assert report.cache_rebuilt == report.processed
    assert snapshot(config.out) == first


def test_pipeline_rebuild_validates_only_changed_merged_nodes(
    tmp_path: Path, extractor: FakeExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    config = settings(tmp_path)
    build_with(extractor, [write_articles(folder, ["a1", "a2"])], config)
    first = snapshot(config.out)
    validated: list[int] = []
    original = kg.shacl.validate.Validator.validate_each

    def counting(self: kg.shacl.validate.Validator, graphs: list[list[object]]) -> object:
        validated.extend(len(list(triples)) for triples in graphs)
        return original(self, graphs)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.shacl.validate.Validator, "validate_each", counting)
    build_with(extractor, [folder], config)
    assert validated == []
    assert snapshot(config.out) == first
    build_with(extractor, [write_articles(folder, ["a1", "a2", "a3"])], config)
    assert len(validated) == 2  # the new article, then the merged nodes that changed


@pytest.mark.parametrize("processes", [1, 2])  # 2: the store loads while the Turtle is written
@pytest.mark.parametrize(
    "stage",
    [
        "kg.build.merged.describe_events",
        "kg.publish.files.write_dumps",
        "kg.publish.files.void_triples",
        "kg.publish.files.write_checksums",
        "kg.publish.store.load_store",
    ],
)
def test_pipeline_failed_build_leaves_the_previous_output_untouched(
    tmp_path: Path,
    extractor: FakeExtractor,
    monkeypatch: pytest.MonkeyPatch,
    stage: str,
    processes: int,
) -> None:
    config = settings(tmp_path, processes=processes)
    build_with(extractor, [write_articles(tmp_path / "in", ["a1"])], config)
    target = config.out.resolve()
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(stage, explode)
    with pytest.raises(BuildError, match=r"could not write the build into .*disk full") as failed:
        build_with(extractor, [write_articles(tmp_path / "in", ["a1", "a2"])], config)
    assert isinstance(failed.value.__cause__, OSError)
    assert config.out.resolve() == target
    after = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert after == before
    assert not list(config.builds_dir.glob(STAGING_PREFIX + "*"))


def test_pipeline_worker_processes_give_the_same_dataset(
    tmp_path: Path, extractor: FakeExtractor
) -> None:
    minimum = kg.build.executors.PARALLEL_MINIMUM
    ids = [f"a{n}" for n in range(minimum)] + ["broken", "crash", "unfaithful"]
    articles = write_articles(tmp_path / "in", ids)
    serial = settings(tmp_path, cache_dir=tmp_path / "cache-1")
    report = build_with(extractor, [articles], serial)
    first = snapshot(serial.out)
    parallel = settings(tmp_path, cache_dir=tmp_path / "cache-2", processes=2)
    again = build_with(extractor, [articles], parallel)
    assert snapshot(parallel.out) == first
    assert again.processed == report.processed
    assert again.quarantined == report.quarantined
    assert stats(parallel.out).quads == report.counts["quads"]  # loaded in a thread
    assert [q.split(":")[0] for q in report.quarantined] == ["broken", "crash", "unfaithful"]


@pytest.mark.parametrize("batch_size", [5, 50])
def test_pipeline_batch_size_setting_is_the_articles_per_extraction_batch(
    tmp_path: Path, extractor: FakeExtractor, batch_size: int
) -> None:
    """KG_BATCH_SIZE is honoured both ways: 50 used to be cut to batches of 32."""
    ids = [f"a{n:02d}" for n in range(40)]
    config = settings(tmp_path, batch_size=batch_size)
    build_with(extractor, [write_articles(tmp_path / "in", ids)], config)
    sizes = [len(call) for call in extractor.calls]
    assert sizes == [min(batch_size, 40 - start) for start in range(0, 40, batch_size)]
    assert sorted(i for call in extractor.calls for i in call) == ids


def test_pipeline_a_fact_that_fails_its_shape_is_left_out_and_the_article_published(
    tmp_path: Path, extractor: FakeExtractor
) -> None:
    """One event report with an out-of-range confidence costs that report, not the article."""
    config = settings(tmp_path)
    report = build_with(
        extractor, [write_articles(tmp_path / "in", ["a1", "overconfident"])], config
    )
    assert report.articles == ["a1", "overconfident"]
    assert report.quarantined == []
    (problem,) = [p for p in report.problems if p.startswith("overconfident:")]
    assert "left out" in problem
    assert "/id/report/" in problem
    assert "confidence" in problem
    quads = list(ox.parse(path=str(config.out / NQUADS), format=ox.RdfFormat.N_QUADS))
    graph = BASE + "graph/article/overconfident"
    reports = {
        q.subject
        for q in quads
        if q.object == NK.EventReport and q.graph_name == ox.NamedNode(graph)
    }
    assert len(reports) == 1  # the seizure went, the shelling stayed
    verdict = validate_build(
        config.out, shapes_path=config.shapes_path, ontology_path=config.ontology_path
    )
    assert verdict.conforms
