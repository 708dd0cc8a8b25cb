"""kg.link.link_entities with the offline linker over a small in-memory gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.gazetteer.table import Gazetteer, GazetteerEntry, Withheld
from kg.link import NoLinker, link_entities, make_linker, name_forms
from kg.link.offline import OfflineLinker
from kg.link.wikidata import WikidataLinker
from kg.model import Article, Entity, Extraction, Mention
from kg.settings import Settings

ENTRIES = (
    GazetteerEntry("Q212", "Ukraine", ("the Ukraine",), "Country", "Q212", "t", 1.0),
    GazetteerEntry("Q159", "Russia", ("Russian Federation",), "Country", "Q159", "t", 1.0),
    GazetteerEntry("Q30", "United States", ("US", "USA"), "Country", "Q30", "t", 1.0),
    GazetteerEntry("Q1899", "Kyiv", (), "Place", "Q212", "t", 0.9),
    GazetteerEntry("Q157835", "Zaporizhia", (), "Place", "Q212", "t", 0.8),
    GazetteerEntry(
        "Q909477",
        "Zaporizhzhia Nuclear Power Plant",
        ("Zaporizhzhia", "Zaporizhzhia NPP", "Zaporozhye"),
        "NuclearPowerPlant",
        "Q212",
        "t",
    ),
    GazetteerEntry("Q3874799", "Volodymyr Zelenskyy", (), "Person", "Q212", "t", 0.6),
    GazetteerEntry("Q193159", "Russian Armed Forces", (), "ArmedForces", "Q159", "t", 0.6),
    GazetteerEntry("Q1", "Springfield", (), "Place", "Q30", "t", 0.5),
    GazetteerEntry("Q2", "Springfield", (), "Place", "Q30", "t", 0.5),
    GazetteerEntry("Q3", "Warsaw", (), "Place", "Q30", "t", 0.0),
    GazetteerEntry("Q1874", "Odesa", (), "Place", "Q212", "t", 0.86),
    GazetteerEntry("Q4", "Odessa", (), "Place", "Q30", "t", 0.3),
    GazetteerEntry("Q5", "Lakeview", (), "Place", "Q30", "t", 0.9, level="region"),
    GazetteerEntry("Q6", "Lakeview", (), "Place", "Q30", "t", 0.0, level="town"),
    GazetteerEntry("Q7", "Ivan Petrenko", (), "Person", "Q212", "t", 0.6),
    GazetteerEntry("Q8", "Olena Petrenko", (), "Person", "Q212", "t", 0.6),
    GazetteerEntry("Q124934934", "Xiji", (), "Place", "Q148", "t", 0.5),
)
DEMONYMS = {"Ukrainian": "Q212", "Russian": "Q159", "American": "Q30"}
GROUPS = {("Q159", "ArmedForces"): "Q193159"}
WITHHELD = (Withheld("Warsaw", "Place", "Q36", 0.9, "QID shared by different names"),)


@pytest.fixture
def linker() -> OfflineLinker:
    return OfflineLinker(Gazetteer(ENTRIES, DEMONYMS, GROUPS, WITHHELD))


def entity(name: str, cls: str, *aliases: str, mentions: int = 1) -> Entity:
    spans = tuple(Mention(i, i + 1, "x") for i in range(mentions))
    return Entity(key=name.lower(), name=name, cls=cls, mentions=spans, aliases=aliases)


def extraction(text: str, *entities: Entity) -> Extraction:
    return Extraction(article=Article("a", text, "0" * 64, "a.txt"), entities=entities)


def links(x: Extraction) -> dict[str, str | None]:
    return {e.name: e.link.qid if e.link else None for e in x.entities}


UKRAINE_TEXT = "Ukrainian officials said Ukrainian forces held. Ukrainian sources agreed."


def test_link_entities_links_confident_entities_and_keeps_order(linker: OfflineLinker) -> None:
    x = extraction(
        UKRAINE_TEXT,
        entity("Kyiv", "Place"),
        entity("Volodymyr Zelensky", "Person"),
        entity("Nobody Known", "Person"),
        entity("Ukraine", "Place", mentions=3),
    )
    linked = link_entities(x, linker)
    assert [e.name for e in linked.entities] == [e.name for e in x.entities]
    assert links(linked) == {
        "Kyiv": "Q1899",
        "Volodymyr Zelensky": "Q3874799",
        "Nobody Known": None,
        "Ukraine": "Q212",
    }
    zelensky = linked.entities[1].link
    assert zelensky is not None
    assert zelensky.label == "Volodymyr Zelenskyy"
    assert 0.0 <= zelensky.confidence <= 1.0
    assert zelensky.source.startswith("newskg-gazetteer")
    assert linked.entities[2].mentions == x.entities[2].mentions  # unlinked: still an entity


def test_link_entities_person_never_links_to_a_place(linker: OfflineLinker) -> None:
    x = extraction(UKRAINE_TEXT, entity("Kyiv", "Person"), entity("Zaporizhia", "Person"))
    assert links(link_entities(x, linker)) == {"Kyiv": None, "Zaporizhia": None}


def test_link_entities_class_picks_the_plant_or_the_city(linker: OfflineLinker) -> None:
    x = extraction(
        UKRAINE_TEXT,
        entity("Zaporizhia", "Place"),
        entity("Zaporizhia nuclear power plant", "NuclearPowerPlant"),
        entity("Zaporizhzhia NPP", "Facility"),
    )
    assert links(link_entities(x, linker)) == {
        "Zaporizhia": "Q157835",
        "Zaporizhia nuclear power plant": "Q909477",
        "Zaporizhzhia NPP": "Q909477",
    }


def test_link_entities_spelling_variants_resolve_to_one_qid(linker: OfflineLinker) -> None:
    x = extraction(
        UKRAINE_TEXT,
        entity("Volodymyr Zelensky", "Person"),
        entity("Volodymyr Zelenskyy", "Person"),
        entity("Volodymyr Zelenskiy", "Person"),
    )
    assert set(links(link_entities(x, linker)).values()) == {"Q3874799"}


def test_link_entities_a_variant_spelling_competes_with_an_exact_namesake(
    linker: OfflineLinker,
) -> None:
    # "Odessa" is exactly Odessa, Texas, and a variant of Odesa: in news about Ukraine, Odesa
    x = extraction(UKRAINE_TEXT, entity("Odessa", "Place"))
    assert links(link_entities(x, linker)) == {"Odessa": "Q1874"}


def test_link_entities_variants_are_about_the_same_length(linker: OfflineLinker) -> None:
    # "Xi" and "Xiji" share a variant key, but a transliteration does not halve a name
    assert linker.candidates("Xi") == ()
    assert [c.qid for c in linker.candidates("Xiyi")] == ["Q124934934"]  # y for j: a variant


def test_link_entities_a_bare_name_is_the_town_not_the_region(linker: OfflineLinker) -> None:
    bare = extraction("American voters.", entity("Lakeview", "Place"))
    assert links(link_entities(bare, linker)) == {"Lakeview": "Q6"}
    region = Entity(
        key="lakeview",
        name="Lakeview",
        cls="Place",
        mentions=(Mention(0, 1, "x"),),
        level="region",
    )
    assert links(link_entities(extraction("American voters.", region), linker)) == {
        "Lakeview": "Q5"
    }


def test_link_entities_a_surname_links_a_person_only_in_news_of_their_country(
    linker: OfflineLinker,
) -> None:
    ukraine = extraction(UKRAINE_TEXT, entity("Zelensky", "Person"))
    assert links(link_entities(ukraine, linker)) == {"Zelensky": "Q3874799"}
    elsewhere = extraction("American voters.", entity("Zelensky", "Person"))
    assert links(link_entities(elsewhere, linker)) == {"Zelensky": None}
    namesake = extraction(UKRAINE_TEXT, entity("Oleksandr Zelensky", "Person", "Zelensky"))
    assert links(link_entities(namesake, linker)) == {"Oleksandr Zelensky": None}
    shared = extraction(UKRAINE_TEXT, entity("Petrenko", "Person"))
    assert links(link_entities(shared, linker)) == {"Petrenko": None}  # two Petrenkos


def test_link_entities_a_full_name_spelt_otherwise_links_on_its_surname(
    linker: OfflineLinker,
) -> None:
    x = extraction(
        UKRAINE_TEXT,
        entity("Iwan Petrenko", "Person"),  # Ivan, spelt the Polish way
        entity("Oleh Petrenko", "Person"),  # neither Ivan nor Olena
    )
    assert links(link_entities(x, linker)) == {"Iwan Petrenko": "Q7", "Oleh Petrenko": None}


def test_link_entities_abstains_on_ambiguity(linker: OfflineLinker) -> None:
    x = extraction("American voters in Springfield.", entity("Springfield", "Place"))
    assert links(link_entities(x, linker)) == {"Springfield": None}


def test_link_entities_withheld_namesake_blocks_the_link(linker: OfflineLinker) -> None:
    x = extraction("American officials. American voters.", entity("Warsaw", "Place"))
    assert links(link_entities(x, linker)) == {"Warsaw": None}


def test_link_entities_short_names_need_context(linker: OfflineLinker) -> None:
    alone = extraction("Officials met.", entity("US", "Place"))
    assert links(link_entities(alone, linker)) == {"US": None}
    american = extraction("American officials met American diplomats.", entity("US", "Place"))
    assert links(link_entities(american, linker)) == {"US": "Q30"}


def test_link_entities_national_groups(linker: OfflineLinker) -> None:
    x = extraction(
        "Russian troops withdrew.",
        entity("Russian troops", "ArmedForces"),
        entity("Russian forces", "ArmedForces"),
        entity("Wagner mercenaries", "ArmedForces"),
        entity("Russian troops", "Person"),
    )
    linked = link_entities(x, linker)
    assert [e.link.qid if e.link else None for e in linked.entities] == [
        "Q193159",
        "Q193159",
        None,
        None,
    ]
    group = linked.entities[0].link
    assert group is not None
    assert group.label == "Russian Armed Forces"


def test_link_entities_no_linker_links_nothing() -> None:
    x = extraction(UKRAINE_TEXT, entity("Kyiv", "Place"))
    assert links(link_entities(x, NoLinker())) == {"Kyiv": None}


@given(st.lists(st.sampled_from(["Kyiv", "Springfield", "Nobody", "Ukraine", "US"]), max_size=6))
def test_link_entities_keeps_entity_count_and_order(names: list[str]) -> None:
    linker = OfflineLinker(Gazetteer(ENTRIES, DEMONYMS, GROUPS, WITHHELD))
    x = extraction(UKRAINE_TEXT, *(entity(n, "Place") for n in names))
    linked = link_entities(x, linker)
    assert [(e.name, e.mentions) for e in linked.entities] == [
        (e.name, e.mentions) for e in x.entities
    ]
    assert linked.article == x.article


def test_link_entities_name_forms_strip_facility_heads() -> None:
    plant = entity("Chernobyl nuclear power plant", "NuclearPowerPlant", "Chernobyl")
    assert name_forms(plant) == [
        ("Chernobyl nuclear power plant", False),
        ("Chernobyl", True),
    ]
    assert name_forms(entity("Power Plant Street", "Place")) == [("Power Plant Street", False)]


def test_link_entities_make_linker_follows_settings(
    tmp_path: Path, bundled_gazetteer: Gazetteer
) -> None:
    assert isinstance(make_linker(Settings(linker="none"), bundled_gazetteer), NoLinker)
    assert isinstance(make_linker(Settings(linker="offline"), bundled_gazetteer), OfflineLinker)
    online = make_linker(Settings(linker="wikidata", wikidata_cache=tmp_path), bundled_gazetteer)
    assert isinstance(online, WikidataLinker)
    assert online.client.cache_dir == tmp_path


def test_link_entities_bundled_gazetteer_links_core_entities(
    bundled_gazetteer: Gazetteer,
) -> None:
    x = extraction(
        "Russian troops left Ukraine's Chernobyl plant. Ukrainian officials said Russia lied.",
        entity("Ukraine", "Place", mentions=2),
        entity("Russia", "Place"),
        entity("Chernobyl nuclear power plant", "NuclearPowerPlant", "Chernobyl plant"),
        entity("International Atomic Energy Agency", "InternationalOrganisation", "IAEA"),
        entity("Russian troops", "ArmedForces"),
    )
    assert links(link_entities(x, make_linker(Settings(), bundled_gazetteer))) == {
        "Ukraine": "Q212",
        "Russia": "Q159",
        "Chernobyl nuclear power plant": "Q215419",
        "International Atomic Energy Agency": "Q41984",
        "Russian troops": "Q193159",
    }
