"""kg.gazetteer.build on a small real subset of the sources (tests/data/wikidata_src)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.gazetteer.build import (
    OUTPUT_FILE_OF_SOURCE,
    BuildSummary,
    GazetteerBuildError,
    build_gazetteer,
    verify_class_evidence,
)
from kg.gazetteer.classes import CLASS_MAPPINGS
from kg.gazetteer.table import ENTRY_COLUMNS, ENTRY_FILES, read_gazetteer

SOURCES = Path(__file__).parent / "data" / "wikidata_src"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildSummary]:
    out = tmp_path_factory.mktemp("gazetteer")
    return out, build_gazetteer(SOURCES, out, verify_evidence=False)


def test_gazetteer_build_is_reproducible(built: tuple[Path, BuildSummary], tmp_path: Path) -> None:
    first, _ = built
    build_gazetteer(SOURCES, tmp_path, verify_evidence=False)
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for name in names:
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_gazetteer_build_rows_are_sorted_and_well_formed(built: tuple[Path, BuildSummary]) -> None:
    out, _ = built
    for name in ENTRY_FILES:
        lines = (out / name).read_text(encoding="utf-8").splitlines()
        qids = [int(line.split("\t")[0][1:]) for line in lines[1:]]
        assert qids == sorted(qids)
        assert len(set(qids)) == len(qids), f"one row per QID in {name}"
        assert all(line.count("\t") == len(ENTRY_COLUMNS) - 1 for line in lines)


def test_gazetteer_build_carries_coordinates_from_each_files_own_source(
    built: tuple[Path, BuildSummary],
) -> None:
    """dr5hn's countries, states and cities and GeoNuclearData's plants keep their latitude and
    longitude, in the file of their source (so under its licence); the loaded gazetteer has
    them by QID."""
    out, _ = built
    with_point = {}
    for name in ENTRY_FILES:
        for line in (out / name).read_text(encoding="utf-8").splitlines()[1:]:
            qid, *_, lat, lon = line.split("\t")
            assert bool(lat) == bool(lon), line
            if lat:
                assert -90 <= float(lat) <= 90, line
                assert -180 <= float(lon) <= 180, line
                with_point[qid] = name
    files = set(with_point.values())
    assert {"dr5hn-odbl.tsv", "geonucleardata-odbl.tsv"} <= files
    gazetteer = read_gazetteer(out)
    kyiv = gazetteer.by_qid("Q1899")
    assert kyiv is not None
    assert kyiv.lat is not None
    assert kyiv.lon is not None
    assert abs(kyiv.lat - 50.45) < 0.1
    assert abs(kyiv.lon - 30.52) < 0.1


def test_gazetteer_build_keeps_licences_apart(built: tuple[Path, BuildSummary]) -> None:
    out, _ = built
    for name in ENTRY_FILES:
        sources = {
            s
            for line in (out / name).read_text(encoding="utf-8").splitlines()[1:]
            for s in line.split("\t")[6].split("+")
        }
        assert sources, name
        assert {OUTPUT_FILE_OF_SOURCE[s] for s in sources} == {name}
    licences = {p.name for p in (out / "licences").iterdir()}
    assert {"dr5hn-ODbL-1.0.txt", "supraverden-CC-BY-SA-4.0.md", "econandrew-MIT.txt"} <= licences


def test_gazetteer_build_manifest_and_readme_report_counts(
    built: tuple[Path, BuildSummary],
) -> None:
    out, summary = built
    manifest = json.loads((out / "MANIFEST.json").read_text(encoding="utf-8"))
    assert {f["name"]: f["rows"] for f in manifest["files"]} == {
        f.name: f.rows for f in summary.files
    }
    assert manifest["left_out"]["supraverden: QID shared by different names"] == 2
    assert all(len(s["commit"]) == 40 for s in manifest["sources"])
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "ODbL" in readme
    assert "SupraVerden by confirmordeny" in readme
    assert "kg gazetteer build" in readme


def test_gazetteer_build_drops_qids_shared_by_different_names(
    built: tuple[Path, BuildSummary],
) -> None:
    out, summary = built
    gazetteer = read_gazetteer(out)
    for qid in ("Q4514124", "Q816163", "Q17088342", "Q79349", "Q7569391"):
        assert gazetteer.by_qid(qid) is None, qid
    dropped = {(d.name, d.reason) for d in summary.dropped}
    assert ("Chernovo", "QID shared by different names") in dropped
    assert ("Daleville Sun-Courier", "QID shared by different names") in dropped


def test_gazetteer_build_keeps_a_shared_qid_for_the_place_that_dwarfs_the_others(
    built: tuple[Path, BuildSummary],
) -> None:
    gazetteer = read_gazetteer(built[0])
    assert [e.qid for e in gazetteer.lookup("Donetsk")] == ["Q43070"]
    assert gazetteer.lookup("Donskoye") == ()


def test_gazetteer_build_capital_rule_prefers_the_qid_a_third_source_supports(
    built: tuple[Path, BuildSummary],
) -> None:
    gazetteer = read_gazetteer(built[0])
    assert [e.qid for e in gazetteer.lookup("Kyiv")] == ["Q1899"]  # states.csv, not Q517568
    assert gazetteer.by_qid("Q517568") is None
    assert [e.qid for e in gazetteer.lookup("London") if e.country == "Q145"] == ["Q84"]
    assert gazetteer.by_qid("Q23311") is None  # states.csv "London" is the City of London


def test_gazetteer_build_drops_both_claims_when_no_third_source_decides(
    built: tuple[Path, BuildSummary],
) -> None:
    gazetteer = read_gazetteer(built[0])
    assert gazetteer.lookup("Minsk") == ()  # Q2280 vs Q21579751, no evidence in the subset
    assert gazetteer.lookup("Bishkek") == ()


def test_gazetteer_build_renames_a_region_named_after_its_town(
    built: tuple[Path, BuildSummary],
) -> None:
    gazetteer = read_gazetteer(built[0])
    oblast = gazetteer.by_qid("Q192959")
    assert oblast is not None
    assert oblast.label == "Minsk Oblast"
    moscow = [e.qid for e in gazetteer.lookup("Moscow") if e.country == "Q159"]
    assert moscow == ["Q649"]


def test_gazetteer_build_classes_and_names_from_each_source(
    built: tuple[Path, BuildSummary],
) -> None:
    gazetteer = read_gazetteer(built[0])
    expected = {
        "Q212": "Country",
        "Q7747": "Person",
        "Q193159": "ArmedForces",
        "Q613729": "GovernmentBody",
        "Q41984": "InternationalOrganisation",
        "Q55665274": "NewsOrganisation",
        "Q215419": "NuclearPowerPlant",
        "Q1899": "Place",
    }
    for qid, cls in expected.items():
        entry = gazetteer.by_qid(qid)
        assert entry is not None, qid
        assert entry.cls == cls, qid
    assert gazetteer.by_qid("Q111012383") is None  # an event: we link entities only
    iaea = gazetteer.by_qid("Q41984")
    assert iaea is not None
    assert "IAEA" in iaea.aliases
    assert gazetteer.lookup("The Day") == ()  # a one-word title Wikipedia disambiguated


def test_gazetteer_build_unit_names_become_aliases_of_nearby_plants(
    built: tuple[Path, BuildSummary],
) -> None:
    gazetteer = read_gazetteer(built[0])
    assert [e.qid for e in gazetteer.lookup("Zaporozhye")] == ["Q909477"]
    chernobyl = gazetteer.by_qid("Q215419")
    assert chernobyl is not None
    assert "geonucleardata" in chernobyl.source
    assert "Chernobyl" in chernobyl.aliases


def test_gazetteer_build_demonyms_and_groups(built: tuple[Path, BuildSummary]) -> None:
    gazetteer = read_gazetteer(built[0])
    assert gazetteer.country_of_demonym("Russian") == "Q159"
    assert gazetteer.country_of_demonym("Chinese") == "Q148"  # China lists it first, by far
    assert gazetteer.country_of_demonym("Congolese") is None  # two Congos: unclear
    group = gazetteer.group("Q212", "ArmedForces")
    assert group is not None
    assert group.qid == "Q936105"


def test_gazetteer_build_checks_the_class_evidence(tmp_path: Path) -> None:
    shutil.copytree(SOURCES, tmp_path / "src")
    with pytest.raises(GazetteerBuildError) as info:
        verify_class_evidence(tmp_path / "src")
    assert "evidence" in str(info.value)


def test_gazetteer_build_class_evidence_is_complete() -> None:
    for mapping in CLASS_MAPPINGS:
        assert mapping.evidence, mapping.wikidata_class
        for evidence in mapping.evidence:
            assert evidence.qid.startswith("Q")
            assert evidence.label
            assert evidence.line > 0


def test_gazetteer_build_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(GazetteerBuildError) as info:
        build_gazetteer(tmp_path, tmp_path / "out")
    assert "missing folder" in str(info.value)


def test_gazetteer_build_gives_places_a_level_and_countries_their_capital(
    built: tuple[Path, BuildSummary],
) -> None:
    gazetteer = read_gazetteer(built[0])
    levels = {e.qid: e.level for e in gazetteer.entries}
    assert levels["Q212"] == "country"
    assert levels["Q1899"] == "town"  # Kyiv: a city-level row of states.csv
    assert levels["Q2012050"] == "region"  # Donetsk Oblast
    assert gazetteer.capital_of("Kyiv") == "Q212"
    assert gazetteer.capital_of("Kiev") == "Q212"  # a spelling variant
    assert [e.qid for e in gazetteer.capital_entries("Kyiv")] == ["Q1899"]
    assert gazetteer.capital_of("Donetsk") is None
    assert [e.qid for e in gazetteer.lookup("Donetsk region")] == ["Q2012050"]
