"""kg.gazetteer.table: the committed gazetteer loads, merges and answers lookups."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.gazetteer.table import (
    GAZETTEER_DIR,
    Gazetteer,
    GazetteerEntry,
    GazetteerError,
    load_gazetteer,
    merge_rows,
    read_gazetteer,
)
from kg.model import ENTITY_CLASSES


@pytest.fixture(scope="module")
def gazetteer(bundled_gazetteer: Gazetteer) -> Gazetteer:
    return bundled_gazetteer


def test_gazetteer_default_load_reads_the_bundled_files_anew(gazetteer: Gazetteer) -> None:
    """No process-wide cache: each load is a new value the caller passes on."""
    again = load_gazetteer()
    assert again is not gazetteer
    assert [e.qid for e in again.entries] == [e.qid for e in read_gazetteer(GAZETTEER_DIR).entries]


def test_gazetteer_holds_countries(gazetteer: Gazetteer) -> None:
    for qid, label in (("Q212", "Ukraine"), ("Q159", "Russia"), ("Q184", "Belarus")):
        entry = gazetteer.by_qid(qid)
        assert entry is not None
        assert (entry.label, entry.cls, entry.country) == (label, "Country", qid)
    assert [e.qid for e in gazetteer.lookup("Russian Federation")] == ["Q159"]


def test_gazetteer_entries_are_valid(gazetteer: Gazetteer) -> None:
    assert len(gazetteer) > 50_000
    classes = set(ENTITY_CLASSES)
    for entry in gazetteer.entries:
        assert entry.cls in classes
        assert 0.0 <= entry.prominence <= 1.0
        assert entry.label
        assert "\t" not in entry.label
        assert entry.source


def test_gazetteer_lookup_is_by_normalised_name(gazetteer: Gazetteer) -> None:
    assert [e.qid for e in gazetteer.lookup("the UKRAINE")] == ["Q212"]
    assert [e.qid for e in gazetteer.lookup("Chernobyl Nuclear Power Plant")] == ["Q215419"]


def test_gazetteer_lookup_variant_joins_spellings(gazetteer: Gazetteer) -> None:
    plants = [e.qid for e in gazetteer.lookup_variant("Zaporizhia") if e.cls != "Place"]
    assert plants == ["Q909477"]
    assert "Q3874799" in {e.qid for e in gazetteer.lookup_variant("Volodymyr Zelensky")}


@pytest.mark.parametrize(
    ("name", "wrong"),
    [
        ("Kyiv", "Q517568"),
        ("Minsk", "Q21579751"),
        ("Tbilisi", "Q2474275"),
        ("Bishkek", "Q816163"),
        ("Pyongyang", "Q109386"),
        ("Baku", "Q10860191"),
    ],
)
def test_gazetteer_known_wrong_capital_qids_are_not_linked(
    gazetteer: Gazetteer, name: str, wrong: str
) -> None:
    """SOURCES.md: dr5hn's capital rows give these capitals wrong QIDs."""
    assert wrong not in {e.qid for e in gazetteer.lookup_variant(name)}


def test_gazetteer_right_capital_qids_are_kept(gazetteer: Gazetteer) -> None:
    for name, right in (("Kyiv", "Q1899"), ("Minsk", "Q2280"), ("Pyongyang", "Q18808")):
        assert right in {e.qid for e in gazetteer.lookup(name)}, name


def test_gazetteer_qid_shared_by_two_bodies_is_absent(gazetteer: Gazetteer) -> None:
    assert gazetteer.by_qid("Q17088342") is None  # SupraVerden gives it to two bodies


def test_gazetteer_demonyms(gazetteer: Gazetteer) -> None:
    assert gazetteer.country_of_demonym("Russian") == "Q159"
    assert gazetteer.country_of_demonym("Ukrainian") == "Q212"
    assert gazetteer.country_of_demonym("Ukrainians") == "Q212"
    assert gazetteer.country_of_demonym("Belarussian") == "Q184"
    assert gazetteer.country_of_demonym("Table") is None


def test_gazetteer_groups(gazetteer: Gazetteer) -> None:
    forces = gazetteer.group("Q159", "ArmedForces")
    assert forces is not None
    assert (forces.qid, forces.cls) == ("Q193159", "ArmedForces")
    cabinet = gazetteer.group("Q212", "GovernmentBody")
    assert cabinet is not None
    assert cabinet.qid == "Q613729"
    assert gazetteer.group("Q30", "ArmedForces") is None
    with pytest.raises(GazetteerError):
        gazetteer.group("Q159", "Navy")


def test_gazetteer_withheld_names_are_known(gazetteer: Gazetteer) -> None:
    assert any(w.country == "Q36" for w in gazetteer.withheld("Warsaw"))


def test_gazetteer_merge_rows_takes_first_label_and_unions_the_rest() -> None:
    rows = [
        GazetteerEntry("Q1", "Kyiv", ("Kyiv City",), "Place", None, "a", 0.2),
        GazetteerEntry("Q1", "Kiev", ("KYIV",), "Place", "Q212", "b", 0.7),
        GazetteerEntry("Q2", "Two", (), "Person", None, "a"),
    ]
    first, second = merge_rows(rows)
    assert first == GazetteerEntry("Q1", "Kyiv", ("Kyiv City", "Kiev"), "Place", "Q212", "a+b", 0.7)
    assert second.qid == "Q2"


@pytest.mark.parametrize(
    ("file", "damage"),
    [
        ("dr5hn-odbl.tsv", lambda text: text.replace("qid\tcls", "id\tcls", 1)),
        ("dr5hn-odbl.tsv", lambda text: text + "Q1\tPlace\tX\n"),
        ("wikidata-cc0.tsv", lambda text: text + "Q1\tPlanet\tX\t\t\t\tsrc\n"),
        ("wikidata-cc0.tsv", lambda text: text + "X1\tPlace\tX\t\t\t\tsrc\n"),
    ],
)
def test_gazetteer_malformed_files_raise(tmp_path: Path, file: str, damage: object) -> None:
    shutil.copytree(GAZETTEER_DIR, tmp_path / "g")
    path = tmp_path / "g" / file
    assert callable(damage)
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(GazetteerError) as info:
        read_gazetteer(tmp_path / "g")
    assert "gazetteer" in str(info.value)


def test_gazetteer_missing_directory_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError) as info:
        read_gazetteer(tmp_path)
    assert "kg gazetteer build" in str(info.value)
