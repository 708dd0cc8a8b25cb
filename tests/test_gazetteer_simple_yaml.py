"""kg.gazetteer.simple_yaml: the strict reader of SupraVerden's flat YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.gazetteer.simple_yaml import SimpleYamlError, parse_records

FIXTURE = (
    Path(__file__).parent / "data/wikidata_src/confirmordeny__supraverden/data/general_list.yaml"
)


def test_gazetteer_simple_yaml_reads_records_fields_and_lists() -> None:
    text = """\
European Union:
  Wikidata_code: Q458
  Abbreviation_en: EU
  Abbreviation_other_en: null
  OpenSanctions_id: '[No code found.]'
  Notes_en: The "World Bank" is an umbrella term, it's said
  LEI_bic:
  - EUCOLULLXXX
  - ECBFDEFFXXX
  Empty:
? A very long key
: Wikidata_code: Q4440501
  Name_en: "Quoted \\"name\\""
"""
    records = parse_records(text)
    assert list(records) == ["European Union", "A very long key"]
    eu = records["European Union"]
    assert eu["Wikidata_code"] == "Q458"
    assert eu["Abbreviation_other_en"] is None
    assert eu["OpenSanctions_id"] == "[No code found.]"
    assert eu["Notes_en"] == 'The "World Bank" is an umbrella term, it\'s said'
    assert eu["LEI_bic"] == ["EUCOLULLXXX", "ECBFDEFFXXX"]
    assert eu["Empty"] is None
    assert records["A very long key"] == {"Wikidata_code": "Q4440501", "Name_en": 'Quoted "name"'}


@pytest.mark.parametrize(
    "text",
    [
        "Key:\n  Field: |\n    block\n",
        "Key:\n  Field: [a, b]\n",
        "Key:\n    deeper: x\n",
        "  Field: before any record\n",
        "Key:\n  Field: 'unterminated\n",
    ],
)
def test_gazetteer_simple_yaml_refuses_what_it_does_not_support(text: str) -> None:
    with pytest.raises(SimpleYamlError) as info:
        parse_records(text, origin="test.yaml")
    assert "test.yaml:" in str(info.value)


def test_gazetteer_simple_yaml_agrees_with_a_full_yaml_parser_on_the_fixture() -> None:
    srsly = pytest.importorskip("srsly")  # installed with spaCy; only this test uses it
    expected = srsly.yaml_loads(FIXTURE.read_text(encoding="utf-8"))

    def as_text(value: object) -> object:
        if value is None:
            return None
        if isinstance(value, list):
            return [str(v) for v in value]
        return str(value)

    mine = parse_records(FIXTURE.read_text(encoding="utf-8"))
    assert list(mine) == [str(k) for k in expected]
    for key, record in expected.items():
        assert mine[str(key)] == {k: as_text(v) for k, v in record.items()}
