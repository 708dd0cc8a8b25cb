"""Entity extraction: NER + gazetteer + rules -> entities with provenance, positions, identities.

Sentences are written for these tests from varied news (wars, governments, companies, disasters).
The gazetteer is a small hand-made one (tests/data/devset/unit_gazetteer.json, real QIDs), so the
tests say what the code does with the knowledge it is given, not what a data build contains.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from spacy.pipeline import SpanRuler

from kg.extract import Extractor, load_extractor
from kg.extract.entities import find_entities
from kg.extract.facilities import _ends_with_head, head_of
from kg.extract.ruler import (
    FACILITY_RULER,
    GAZETTEER_RULER,
    build_entity_ruler,
    gazetteer_patterns,
    is_rule_name,
)
from kg.extract.tables import Tables
from kg.gazetteer.table import Gazetteer, GazetteerEntry
from kg.model import ENTITY_CLASSES, Entity, Position


@pytest.fixture(scope="module")
def extract(extractor: Extractor) -> Any:
    def run(text: str) -> tuple[tuple[Entity, ...], tuple[Position, ...]]:
        return find_entities(extractor.nlp(text), extractor.gazetteer, extractor.tables.lexicon)

    return run


def entity(entities: tuple[Entity, ...], anchor: str) -> Entity:
    """The one entity with a mention whose text is ``anchor``."""
    found = [e for e in entities if any(m.anchor == anchor for m in e.mentions)]
    assert len(found) == 1, f"{anchor!r}: {[(e.name, e.cls) for e in entities]}"
    return found[0]


def anchors(entities: tuple[Entity, ...]) -> set[str]:
    return {m.anchor for e in entities for m in e.mentions}


# --- provenance and the NER class mapping ---------------------------------------------------


def test_extract_entities_mentions_are_exact_text_in_document_order(extract: Any) -> None:
    text = (
        "Floods swept through Derna in Libya on Monday. The Libyan government said "
        "Red Crescent volunteers and “Médecins Sans Frontières” teams reached Derna’s port."
    )
    entities, _ = extract(text)
    assert entities
    for found in entities:
        assert found.cls in ENTITY_CLASSES
        assert list(found.mentions) == sorted(found.mentions)
        for mention in found.mentions:
            assert text[mention.begin : mention.end] == mention.anchor


BENCH_TEXTS = sorted((Path(__file__).parent.parent / "bench" / "texts").glob("*.txt"))


@pytest.mark.parametrize("path", BENCH_TEXTS, ids=lambda p: p.stem)
def test_extract_entities_invariants_hold_on_whole_articles(extract: Any, path: Path) -> None:
    text = path.read_text("utf-8")
    entities, positions = extract(text)
    spans = [(m.begin, m.end) for e in entities for m in e.mentions]
    assert len(spans) == len(set(spans)), "a stretch of text names one entity"
    assert [e.mentions[0] for e in entities] == sorted(e.mentions[0] for e in entities)
    for found in entities:
        assert found.key
        assert found.name
        assert found.link is None
        assert all(text[m.begin : m.end] == m.anchor for m in found.mentions)
    for position in positions:
        assert text[position.mention.begin : position.mention.end] == position.mention.anchor
        assert entities[position.person].cls == "Person"
        assert position.organisation is None or (
            entities[position.organisation].core_class == "Organisation"
        )


@pytest.mark.parametrize(
    ("text", "anchor", "cls"),
    [
        ("Tim Cook spoke in Berlin on Tuesday.", "Tim Cook", "Person"),
        ("Shares in Toyota Motor Corp rose.", "Toyota Motor Corp", "Company"),
        ("The Pentagon declined to comment.", "Pentagon", "GovernmentBody"),
        ("Thousands marched in Khartoum.", "Khartoum", "Place"),
        ("Aid reached Sudan by road.", "Sudan", "Country"),
        ("The Foreign Ministry summoned the ambassador.", "Foreign Ministry", "GovernmentBody"),
    ],
)
def test_extract_entities_ner_labels_map_to_classes(
    extract: Any, text: str, anchor: str, cls: str
) -> None:
    entities, _ = extract(text)
    assert entity(entities, anchor).cls == cls


def test_extract_entities_drop_dates_numbers_and_lone_demonyms(extract: Any) -> None:
    entities, _ = extract("On March 4, two Ukrainian cities and 300 German companies were hit.")
    assert anchors(entities) == set()


def test_extract_entities_gazetteer_fixes_a_place_the_ner_calls_a_person(extract: Any) -> None:
    entities, _ = extract("Officials said the column was moving towards Kyiv and Chernihiv.")
    assert entity(entities, "Kyiv").cls == "Place"


def test_extract_entities_lone_person_word_the_gazetteer_knows_as_a_place(extract: Any) -> None:
    entities, _ = extract("Fighting spread across the Tigray region on Friday.")
    assert entity(entities, "Tigray").cls == "Place"


def test_extract_entities_surname_that_is_also_a_place_stays_a_person(extract: Any) -> None:
    entities, _ = extract("Envoy Nadia Kursk arrived on Friday, and Kursk met the press.")
    person = entity(entities, "Nadia Kursk")
    assert (person.name, person.cls) == ("Nadia Kursk", "Person")
    assert [m.anchor for m in person.mentions] == ["Nadia Kursk", "Kursk"]


def test_extract_entities_long_person_ending_in_an_organisation_word(extract: Any) -> None:
    entities, _ = extract("The Tigray People's Liberation Front said its fighters had withdrawn.")
    assert entity(entities, "Tigray People's Liberation Front").cls == "Organisation"


def test_extract_entities_unknown_organisation_after_in_is_a_place(extract: Any) -> None:
    entities, _ = extract("The ruling council in Niamey said the border would stay closed.")
    assert entity(entities, "Niamey").cls == "Place"  # the NER says ORG; the gazetteer is silent


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("Seats in Congress were contested.", "Congress"),
        ("The vote in NATO was unanimous.", "NATO"),
        ("Unrest spread in Hamas-run Gaza.", "Hamas"),
    ],
)
def test_extract_entities_organisation_after_in_stays_an_organisation(
    extract: Any, text: str, anchor: str
) -> None:
    assert entity(extract(text)[0], anchor).core_class == "Organisation"


def test_extract_entities_country_beats_a_village_of_the_same_name(extract: Any) -> None:
    entities, _ = extract("Beijing said China would respond.")
    assert entity(entities, "China").cls == "Country"


def test_extract_entities_prominent_one_word_place_the_ner_misreads(extract: Any) -> None:
    entities, _ = extract("Ukrainian troops crossed into Russia's Kursk region in August.")
    assert entity(entities, "Kursk").cls == "Place"
    entities, _ = extract("Malian soldiers took control of Kidal on Tuesday.")
    assert entity(entities, "Kidal").cls == "Place"


def test_extract_entities_gazetteer_word_inside_a_date_is_no_place(extract: Any) -> None:
    entities, _ = extract("The talks resumed in May after a pause.")
    assert anchors(entities) == set()


def test_extract_entities_strip_articles_and_possessives(extract: Any) -> None:
    entities, _ = extract("The Pentagon's budget grew while the United Nations' staff shrank.")
    assert {"Pentagon", "United Nations"} <= anchors(entities)


def test_extract_entities_case_blind_gazetteer_matches_need_name_case(extract: Any) -> None:
    entities, _ = extract("Let us talk about the un plans, said the US envoy.")
    assert anchors(entities) == {"US"}


# --- the rulers -------------------------------------------------------------------------------


def test_extract_entities_rulers_are_added_once_to_a_new_model(
    extractor: Extractor, gazetteer: Gazetteer, tables: Tables
) -> None:
    names = extractor.nlp.pipe_names
    assert names.count(GAZETTEER_RULER) == names.count(FACILITY_RULER) == 1
    assert names[0] == GAZETTEER_RULER  # adding phrase patterns then only tokenises them
    with pytest.raises(ValueError, match="new model"):  # a model is never changed in place
        build_entity_ruler(extractor.nlp, gazetteer, tables.lexicon)
    assert extractor.nlp.pipe_names == names


def test_extract_entities_extractors_of_two_gazetteers_keep_their_own_names(
    extractor: Extractor, gazetteer: Gazetteer, tables: Tables
) -> None:
    def names(nlp: Language) -> set[str]:
        ruler = nlp.get_pipe(GAZETTEER_RULER)
        assert isinstance(ruler, SpanRuler)
        return {str(p["pattern"]) for p in ruler.patterns}

    everything = names(extractor.nlp)
    few = Gazetteer(gazetteer.entries[:5])
    other = load_extractor(few, tables=tables)
    expected = {str(p["pattern"]) for p in gazetteer_patterns(few)}
    assert expected
    assert expected < everything
    assert names(other.nlp) == expected
    assert names(extractor.nlp) == everything  # the first extractor's model is unchanged


def test_extract_entities_ruler_skips_names_the_ner_finds_alone() -> None:
    assert not is_rule_name("Kyiv", "Place")
    assert not is_rule_name("Zelensky", "Person")
    assert not is_rule_name("ua", "Country")
    assert is_rule_name("IAEA", "InternationalOrganisation")
    assert is_rule_name("Gaza City", "Place")
    assert is_rule_name("Zaporizhzhia Nuclear Power Plant", "NuclearPowerPlant")


def test_extract_entities_gazetteer_patterns_are_distinct(gazetteer: Gazetteer) -> None:
    patterns = [p["pattern"].lower() for p in gazetteer_patterns(gazetteer)]
    assert len(patterns) == len(set(patterns))
    assert "zaporizhzhia npp" in patterns
    assert "kyiv" not in patterns


def test_extract_entities_gazetteer_finds_an_organisation_the_ner_misses(extract: Any) -> None:
    entities, _ = extract("inspectors of the international atomic energy agency arrived.")
    assert anchors(entities) == set()  # lower case: not written as a name
    entities, _ = extract("Inspectors of the International Atomic Energy Agency arrived.")
    found = entity(entities, "International Atomic Energy Agency")
    assert found.cls == "InternationalOrganisation"


# --- facilities -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor", "cls", "name"),
    [
        (
            "Engineers inspected the Zaporizhzhia NPP after the blackout.",
            "Zaporizhzhia NPP",
            "NuclearPowerPlant",
            "Zaporizhzhia Nuclear Power Plant",
        ),
        (
            "Water poured through the breached Kakhovka dam overnight.",
            "Kakhovka dam",
            "Facility",
            "Kakhovka dam",
        ),
        (
            "Patients were moved out of Al-Shifa hospital in Gaza City.",
            "Al-Shifa hospital",
            "Hospital",
            "Al-Shifa hospital",
        ),
        (
            "Looters stripped the Kharkiv laboratory of its samples.",
            "Kharkiv laboratory",
            "Laboratory",
            "Kharkiv laboratory",
        ),
        (
            "Flights resumed at Timbuktu airport after the attack.",
            "Timbuktu airport",
            "Facility",
            "Timbuktu airport",
        ),
        (
            "Smoke rose over the Rivne nuclear power station.",
            "Rivne nuclear power station",
            "NuclearPowerPlant",
            "Rivne nuclear power plant",
        ),
    ],
)
def test_extract_entities_facility_phrases(
    extract: Any, text: str, anchor: str, cls: str, name: str
) -> None:
    entities, _ = extract(text)
    found = entity(entities, anchor)
    assert (found.cls, found.name) == (cls, name)


def test_extract_entities_facility_heads_found_by_last_word_as_by_scanning_all(
    nlp: Language, tables: Tables
) -> None:
    """head_of and appositive_facility look heads up by their last word; scanning every head of
    the lexicon must find the same ones (acronyms by case, others in any case, plurals too)."""
    lexicon = tables.lexicon
    text = (
        "Zaporizhzhia NPP and the Chernobyl and Rivne Nuclear Power Plants, two npps, the "
        "Kakhovka Dam, Mezzeh military airports; Kharkiv, a laboratory, and Gaza's hospital."
    )
    doc = nlp(text)
    checked = 0
    for end in range(1, len(doc) + 1):
        for start in range(max(0, end - 7), end):
            scanned = [
                h
                for h in lexicon.facility_heads
                if end - len(h.words) > start and _ends_with_head(doc, end, h)
            ]
            longest = max(scanned, key=lambda h: len(h.words), default=None)
            assert head_of(doc, start, end, lexicon) == longest
            checked += longest is not None
        shortlist = lexicon.heads_ending_in(doc[end - 1].text, doc[end - 1].lower_)
        assert shortlist == tuple(
            h for h in lexicon.facility_heads if _ends_with_head(doc, end, h) or h in shortlist
        )
    assert checked >= 10


def test_extract_entities_facility_with_descriptive_words(extract: Any) -> None:
    entities, _ = extract("Israeli jets struck the Mezzeh military airport overnight.")
    found = entity(entities, "Mezzeh military airport")
    assert (found.cls, found.name) == ("Facility", "Mezzeh military airport")


def test_extract_entities_bare_place_name_is_not_the_facility_named_after_it(
    extract: Any,
) -> None:
    text = "Troops left Chernobyl. Radiation at the Chernobyl nuclear power plant stayed low."
    entities, _ = extract(text)
    assert entity(entities, "Chernobyl").cls == "Place"
    assert entity(entities, "Chernobyl nuclear power plant").cls == "NuclearPowerPlant"


def test_extract_entities_coordinated_facility_names(extract: Any) -> None:
    text = "Monitors were sent to the Rivne and Khmelnytskyi nuclear power plants."
    entities, _ = extract(text)
    assert entity(entities, "Rivne").name == "Rivne nuclear power plant"
    khmelnytskyi = entity(entities, "Khmelnytskyi nuclear power plants")
    assert (khmelnytskyi.name, khmelnytskyi.cls) == (
        "Khmelnytskyi nuclear power plant",
        "NuclearPowerPlant",
    )


def test_extract_entities_appositive_makes_a_place_name_a_facility(extract: Any) -> None:
    text = "Troops seized Zaporizhia, Europe's largest nuclear power plant, in March."
    entities, _ = extract(text)
    found = entity(entities, "Zaporizhia")
    assert found.cls == "NuclearPowerPlant"
    assert found.name == "Zaporizhzhia Nuclear Power Plant"


def test_extract_entities_vague_facility_is_the_specific_one(extract: Any) -> None:
    text = (
        "Shelling hit the Rivne nuclear power plant. Staff at the Rivne plant said "
        "the Rivne facility lost power."
    )
    entities, _ = extract(text)
    plant = entity(entities, "Rivne nuclear power plant")
    assert {m.anchor for m in plant.mentions} == {
        "Rivne nuclear power plant",
        "Rivne plant",
        "Rivne facility",
    }
    assert plant.cls == "NuclearPowerPlant"


def test_extract_entities_vague_facility_found_through_the_gazetteer(extract: Any) -> None:
    entities, _ = extract("Workers left the Chernobyl plant on foot.")
    found = entity(entities, "Chernobyl plant")
    assert (found.cls, found.name) == ("NuclearPowerPlant", "Chernobyl Nuclear Power Plant")


def test_extract_entities_country_is_no_facility_name(extract: Any) -> None:
    entities, _ = extract("Ukraine nuclear plants keep running, said Germany.")
    assert all(e.core_class != "Place" or e.cls == "Country" for e in entities)


# --- demonym-headed groups --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor", "cls", "country"),
    [
        ("Israeli troops entered the camp at dawn.", "Israeli troops", "ArmedForces", "Q801"),
        ("The Sudanese army denied the report.", "Sudanese army", "ArmedForces", "Q1049"),
        ("Malian soldiers patrolled the market.", "Malian soldiers", "ArmedForces", "Q912"),
        (
            "The French government recalled its envoy.",
            "French government",
            "GovernmentBody",
            "Q142",
        ),
        ("Libyan authorities closed the road.", "Libyan authorities", "GovernmentBody", "Q1016"),
        ("Sudan's army shelled the bridge.", "Sudan's army", "ArmedForces", "Q1049"),
        ("US forces left the base.", "US forces", "ArmedForces", "Q30"),
    ],
)
def test_extract_entities_demonym_groups(
    extract: Any, text: str, anchor: str, cls: str, country: str
) -> None:
    entities, _ = extract(text)
    found = entity(entities, anchor)
    assert (found.cls, found.country) == (cls, country)


def test_extract_entities_group_uses_the_gazetteer_group_label(extract: Any) -> None:
    entities, _ = extract("Russian troops withdrew as the Russian military regrouped.")
    found = entity(entities, "Russian troops")
    assert found.name == "Russian Armed Forces"
    assert found.key == "armed forces of q159"
    assert [m.anchor for m in found.mentions] == ["Russian troops", "Russian military"]


def test_extract_entities_group_without_gazetteer_group_is_named_by_rule(extract: Any) -> None:
    entities, _ = extract("Israeli forces pulled back.")
    found = entity(entities, "Israeli forces")
    assert (found.name, found.key) == ("Armed forces of Israel", "armed forces of q801")


def test_extract_entities_hyphenated_demonyms_are_not_that_country(extract: Any) -> None:
    entities, _ = extract("Pro-Russian forces and Russian-backed separatists advanced.")
    assert all(e.cls != "ArmedForces" for e in entities)


def test_extract_entities_coordinated_demonyms_are_two_groups(extract: Any) -> None:
    entities, _ = extract("French and German troops trained together.")
    assert entity(entities, "French").country == "Q142"
    assert entity(entities, "German troops").country == "Q183"


def test_extract_entities_group_noun_as_modifier_is_no_group(extract: Any) -> None:
    entities, _ = extract("Russian military activity increased near the border.")
    assert all(e.cls != "ArmedForces" for e in entities)


# --- titles and positions ---------------------------------------------------------------------


def positions_by_person(
    entities: tuple[Entity, ...], positions: tuple[Position, ...]
) -> dict[str, tuple[str, str | None, str]]:
    return {
        entities[p.person].name: (
            p.title,
            entities[p.organisation].name if p.organisation is not None else None,
            p.mention.anchor,
        )
        for p in positions
    }


def test_extract_entities_title_before_name_gives_a_position(extract: Any) -> None:
    text = (
        "Apple chief executive Tim Cook met German Chancellor Olaf Scholz, while "
        "UN Secretary-General Antonio Guterres called President Volodymyr Zelensky."
    )
    entities, positions = extract(text)
    found = positions_by_person(entities, positions)
    assert found["Tim Cook"] == ("chief executive", "Apple", "Apple chief executive Tim Cook")
    # a nationality word before a title names no body the person is a member of (README,
    # "Metonymy"): "the Ukrainian President" is no member of Ukraine's cabinet
    assert found["Olaf Scholz"] == ("Chancellor", None, "German Chancellor Olaf Scholz")
    assert found["Antonio Guterres"] == (
        "Secretary-General",
        "United Nations",
        "UN Secretary-General Antonio Guterres",
    )
    assert found["Volodymyr Zelenskyy"] == ("President", None, "President Volodymyr Zelensky")


def test_extract_entities_titles_are_not_part_of_names(extract: Any) -> None:
    entities, _ = extract("Deputy Defence Minister Anna Malyar said the line held.")
    person = entity(entities, "Anna Malyar")
    assert person.name == "Anna Malyar"
    assert person.cls == "Person"
    assert "Defence" not in anchors(entities)


def test_extract_entities_unknown_organisation_before_a_title(extract: Any) -> None:
    text = "Ukrenergo CEO Volodymyr Kudrytskyi warned of blackouts."
    entities, positions = extract(text)
    assert positions_by_person(entities, positions)["Volodymyr Kudrytskyi"] == (
        "CEO",
        "Ukrenergo",
        text[: text.index(" warned")],
    )
    assert entity(entities, "Ukrenergo").cls == "Organisation"


def test_extract_entities_name_the_ner_reads_as_a_person_before_an_office(extract: Any) -> None:
    # the NER tags "Uniper" PERSON here; before "CEO" it is the company whose office that is
    text = (
        "Meanwhile, the head of the state-owned company said on Thursday that monitoring would "
        "start.\n\nUniper CEO Petro Kovalenko said the agency must use its influence."
    )
    entities, positions = extract(text)
    assert entity(entities, "Uniper").core_class == "Organisation"
    assert positions_by_person(entities, positions)["Petro Kovalenko"][:2] == ("CEO", "Uniper")


def test_extract_entities_office_name_is_the_organisation_elsewhere_too(extract: Any) -> None:
    text = (
        "Meanwhile, the head of the state-owned company said on Thursday that monitoring would "
        "start.\n\nKazatomprom spokesman Aliya Nurova said the agency must use its influence. "
        "Output fell, Kazatomprom said."
    )
    entities, _ = extract(text)
    found = entity(entities, "Kazatomprom")
    assert found.core_class == "Organisation"
    assert len(found.mentions) == 2


def test_extract_entities_person_before_a_title_stays_a_person(extract: Any) -> None:
    text = (
        "President Vladimir Putin met the governor on Monday. "
        "Putin spokesman Dmitry Peskov said the talks went well."
    )
    entities, positions = extract(text)
    assert entity(entities, "Vladimir Putin").cls == "Person"
    assert all(e.core_class != "Organisation" for e in entities if e.name == "Putin")
    assert positions_by_person(entities, positions)["Dmitry Peskov"][1] is None


@pytest.mark.parametrize(
    ("text", "anchor", "cls"),
    [
        ("A boy walks past a destroyed building in Aleppo. Xinhua Images", "Xinhua Images",
         "Company"),
        ("Protesters gathered in Tbilisi, Rustavi Media reported.", "Rustavi Media",
         "NewsOrganisation"),
    ],
)  # fmt: skip
def test_extract_entities_person_ending_in_an_organisation_suffix(
    extract: Any, text: str, anchor: str, cls: str
) -> None:
    assert entity(extract(text)[0], anchor).cls == cls


def test_extract_entities_surname_that_is_an_organisation_word_stays_a_person(
    extract: Any,
) -> None:
    entities, _ = extract("Columnist Emily Post wrote about etiquette.")
    assert entity(entities, "Emily Post").cls == "Person"


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("Soldiers patrolled the Black Forest near the border.", "Black Forest"),
        ("Rebels hid in the Sambisa Forest for months.", "Sambisa Forest"),
        ("Militants attacked a convoy in the Sinai Desert.", "Sinai Desert"),
    ],
)
def test_extract_entities_name_of_a_geographic_feature_is_a_place(
    extract: Any, text: str, anchor: str
) -> None:
    assert entity(extract(text)[0], anchor).cls == "Place"


def test_extract_entities_organisation_for_a_zone_stays_an_organisation(extract: Any) -> None:
    text = "The Agency for the Management of the Exclusion Zone said radiation was normal."
    entities, _ = extract(text)  # the NER reads "the Management of the Exclusion Zone" as ORG
    assert entity(entities, "Management of the Exclusion Zone").core_class == "Organisation"


def test_extract_entities_country_in_a_title_is_the_country(extract: Any) -> None:
    text = "Deputy Prime Minister of Ukraine Iryna Vereshchuk called for a corridor."
    entities, positions = extract(text)
    assert positions_by_person(entities, positions)["Iryna Vereshchuk"] == (
        "Deputy Prime Minister",
        None,
        "Deputy Prime Minister of Ukraine Iryna Vereshchuk",
    )
    assert entity(entities, "Ukraine").cls == "Country"


def test_extract_entities_bracketed_acronym_before_a_title(extract: Any) -> None:
    text = "The International Atomic Energy Agency (IAEA) chief Rafael Grossi left Vienna."
    entities, positions = extract(text)
    title, organisation, mention = positions_by_person(entities, positions)["Rafael Grossi"]
    assert (title, organisation) == ("chief", "International Atomic Energy Agency")
    assert mention == "International Atomic Energy Agency (IAEA) chief Rafael Grossi"


def test_extract_entities_ministry_with_demonym_before_a_title(extract: Any) -> None:
    text = "Israeli Foreign Ministry spokesman Lior Haiat rejected the claim."
    entities, positions = extract(text)
    title, organisation, _ = positions_by_person(entities, positions)["Lior Haiat"]
    assert (title, organisation) == ("spokesman", "Israeli Foreign Ministry")
    assert entity(entities, "Israeli Foreign Ministry").cls == "GovernmentBody"


def test_extract_entities_title_after_a_named_body_of_a_country(extract: Any) -> None:
    entities, _positions = extract(
        "The commander of the armed forces of Ukraine Oleksandr Syrskyi visited Kupiansk."
    )
    forces = entity(entities, "armed forces of Ukraine")
    assert (forces.cls, forces.key) == ("ArmedForces", "armed forces of q212")


def test_extract_entities_date_before_a_title_is_no_organisation(extract: Any) -> None:
    _entities, positions = extract("On Monday President Joe Biden met Chancellor Olaf Scholz.")
    assert [(p.title, p.organisation, p.mention.anchor) for p in positions] == [
        ("President", None, "President Joe Biden"),
        ("Chancellor", None, "Chancellor Olaf Scholz"),
    ]


def test_extract_entities_honorifics_are_no_name_and_no_position(extract: Any) -> None:
    text = (
        "General Sir Patrick Sanders said the army was ready. Patrick Sanders added that "
        "Mr Varadkar agreed."
    )
    entities, positions = extract(text)
    sanders = entity(entities, "Patrick Sanders")
    assert len(sanders.mentions) == 2  # "Sir Patrick Sanders" and "Patrick Sanders": one man
    found = positions_by_person(entities, positions)
    assert found == {"Patrick Sanders": ("General", None, "General Sir Patrick Sanders")}


def test_extract_entities_former_title_is_no_current_position(extract: Any) -> None:
    entities, positions = extract("Former President Omar al-Bashir remains in custody.")
    assert entity(entities, "Omar al-Bashir").cls == "Person"
    assert positions == ()


def test_extract_entities_title_word_in_an_organisation_name_is_no_title(extract: Any) -> None:
    entities, positions = extract("General Electric shares fell, and General Motors cut jobs.")
    assert positions == ()
    assert all(e.cls != "Person" for e in entities)


# --- within-article resolution -----------------------------------------------------------------


def test_extract_entities_short_forms_resolve_to_the_full_name(extract: Any) -> None:
    text = (
        "Sudanese army chief Abdel Fattah al-Burhan met envoys. Burhan said talks failed, "
        "and Burhan's aides left."
    )
    entities, _ = extract(text)
    person = entity(entities, "Abdel Fattah al-Burhan")
    assert [m.anchor for m in person.mentions] == ["Abdel Fattah al-Burhan", "Burhan", "Burhan"]
    assert person.aliases == ("Burhan",)


def test_extract_entities_surname_the_ner_mislabels_is_still_the_person(extract: Any) -> None:
    text = "Spokeswoman Maria Zakharova spoke. “We warned them,” Zakharova said."
    entities, _ = extract(text)
    assert len(entity(entities, "Maria Zakharova").mentions) == 2


def test_extract_entities_ambiguous_surname_stays_apart(extract: Any) -> None:
    text = "Kim Jong Un met Kim Yo Jong and Moon Jae-in. Kim said nothing."
    entities, _ = extract(text)
    assert all(m.anchor != "Kim" for e in entities if e.name != "Kim" for m in e.mentions)


def test_extract_entities_plural_of_an_organisation_name_is_that_organisation(
    extract: Any,
) -> None:
    entities, _ = extract("A Contra spokesman said the Contras would leave the border area.")
    found = entity(entities, "Contras")
    assert found.core_class == "Organisation"
    assert [m.anchor for m in found.mentions] == [
        "Contra",
        "Contras",
    ]


def test_extract_entities_spelling_variants_are_one_entity(extract: Any) -> None:
    text = "Shelling near Zaporizhzhia continued; residents of Zaporizhia sheltered."
    entities, _ = extract(text)
    city = entity(entities, "Zaporizhzhia")
    assert {m.anchor for m in city.mentions} == {"Zaporizhzhia", "Zaporizhia"}


def test_extract_entities_acronym_is_the_organisation_it_abbreviates(extract: Any) -> None:
    text = "The Rapid Support Forces shelled El Fasher. RSF fighters then looted the market."
    entities, _ = extract(text)
    found = entity(entities, "Rapid Support Forces")
    assert "RSF" in {m.anchor for m in found.mentions}


def test_extract_entities_bracketed_acronym_is_found_where_it_recurs(extract: Any) -> None:
    text = "The World Health Organization (WHO) warned of cholera. WHO teams arrived later."
    entities, _ = extract(text)
    found = entity(entities, "World Health Organization")
    assert [m.anchor for m in found.mentions] == ["World Health Organization", "WHO", "WHO"]


def test_extract_entities_gazetteer_alias_joins_mentions(extract: Any) -> None:
    text = "IAEA inspectors reported to the International Atomic Energy Agency board."
    entities, _ = extract(text)
    found = entity(entities, "IAEA")
    assert found.name == "International Atomic Energy Agency"
    assert found.key == "international atomic energy agency"


def test_extract_entities_national_bodies_are_keyed_by_country(extract: Any) -> None:
    text = (
        "Russia's Defence Ministry said the town fell. The Russian Defence Ministry later "
        "denied it, and the German Defence Ministry kept silent."
    )
    entities, _ = extract(text)
    russian = entity(entities, "Russian Defence Ministry")
    assert [m.anchor for m in russian.mentions] == ["Defence Ministry", "Russian Defence Ministry"]
    assert (russian.key, russian.country) == ("defence ministry of q159", "Q159")
    assert entity(entities, "German Defence Ministry").key == "defence ministry of q183"


# --- identity keys across articles ---------------------------------------------------------------


def test_extract_entities_keys_agree_across_articles(extract: Any) -> None:
    first, _ = extract("Ukrainian soldiers held the Zaporizhzhia NPP perimeter.")
    second, _ = extract(
        "The Armed Forces of Ukraine said the Zaporizhia nuclear power plant was hit."
    )
    assert entity(first, "Ukrainian soldiers").key == entity(second, "Armed Forces of Ukraine").key
    plant_keys = {
        entity(first, "Zaporizhzhia NPP").key,
        entity(second, "Zaporizhia nuclear power plant").key,
    }
    assert plant_keys == {"zaporizhzhia nuclear power plant"}


def test_extract_entities_unknown_names_keyed_by_normalised_name(extract: Any) -> None:
    first, _ = extract("Protesters gathered outside Acme Dynamics in Ohio.")
    second, _ = extract("Shares of ACME Dynamics fell.")
    assert entity(first, "Acme Dynamics").key == "acme dynamics"
    assert entity(second, "ACME Dynamics").key == "acme dynamics"


# --- metonymy: a capital used as an actor is its country ---------------------------------------


@pytest.mark.parametrize(
    ("text", "capital"),
    [
        ("Moscow denied the report on Monday.", "Moscow"),
        ("Washington will send more air defence systems, officials said.", "Washington"),
        ("The talks between Kyiv and Moscow broke down in March.", "Kyiv"),
        ("The talks between Kyiv and Moscow broke down in March.", "Moscow"),
        ("Moscow's invasion began before dawn.", "Moscow"),
        ("The ministry was accused by Moscow of lying.", "Moscow"),
    ],
)
def test_extract_entities_capital_as_actor_is_its_country(
    extract: Any, text: str, capital: str
) -> None:
    entities, _ = extract(text)
    found = entity(entities, capital)
    assert found.cls == "Country"
    assert (
        found.name
        == {"Moscow": "Russia", "Kyiv": "Ukraine", "Washington": "United States"}[capital]
    )


@pytest.mark.parametrize(
    ("text", "capital"),
    [
        ("Air raid sirens sounded in Moscow on Tuesday.", "Moscow"),
        ("Moscow's mayor closed the metro.", "Moscow"),
        ("Moscow was shelled overnight.", "Moscow"),
        ("Refugees reached Moscow by train.", "Moscow"),
    ],
)
def test_extract_entities_capital_as_a_place_stays_the_city(
    extract: Any, text: str, capital: str
) -> None:
    entities, _ = extract(text)
    assert entity(entities, capital).cls == "Place"


def test_extract_entities_capital_actor_and_country_are_one_entity(extract: Any) -> None:
    entities, _ = extract("Russia massed troops, and Moscow denied any plan to attack.")
    russia = entity(entities, "Russia")
    assert {m.anchor for m in russia.mentions} == {"Russia", "Moscow"}


@pytest.mark.parametrize(
    ("name", "prominence", "cls"),
    [
        ("Norvik Industries", 0.1, "Company"),  # a hamlet does not overrule the NER's company
        ("Norvik Industries", 0.9, "Place"),  # a well-known town does
        # prominence unknown (Boston as much as a hamlet): the gazetteer place is trusted...
        ("Norvik", 0.0, "Place"),
        # ...unless the name ends in an organisation word ("the White House said")
        ("Norvik Industries", 0.0, "Company"),
    ],
)
def test_extract_entities_an_obscure_place_namesake_does_not_overrule_the_ner(
    tables: Tables, name: str, prominence: float, cls: str
) -> None:
    place = GazetteerEntry("Q1", name, (), "Place", "Q212", "hand-made for tests", prominence)
    local = load_extractor(Gazetteer([place], {}, {}), tables=tables)
    text = f"{name} said on Monday that the plant had closed."
    entities, _ = find_entities(local.nlp(text), local.gazetteer, local.tables.lexicon)
    assert entity(entities, name).cls == cls


def test_extract_entities_a_spelling_variant_of_places_is_a_place(tables: Tables) -> None:
    # the NER reads "Kiev" alone as a person; the gazetteer has two places it could spell
    # (Kyiv, and Kyjov in Czechia): a place either way, which one is the linker's question
    places = [
        GazetteerEntry("Q1899", "Kyiv", (), "Place", "Q212", "hand-made for tests", 0.9),
        GazetteerEntry("Q104587", "Kyjov", (), "Place", "Q213", "hand-made for tests", 0.4),
    ]
    local = load_extractor(Gazetteer(places, {}, {}), tables=tables)
    text = "Kiev said on Monday that the talks would go on."
    entities, _ = find_entities(local.nlp(text), local.gazetteer, local.tables.lexicon)
    assert entity(entities, "Kiev").cls == "Place"
