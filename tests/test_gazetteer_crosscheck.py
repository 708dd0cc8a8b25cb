"""kg.gazetteer.crosscheck: each trust rule of the gazetteer build, on hand-made rows."""

from __future__ import annotations

from kg.gazetteer.build import withheld_lines
from kg.gazetteer.crosscheck import (
    combine,
    confirm_capitals,
    correct_capitals,
    distance_km,
    drop_ambiguous_titles,
    drop_shared_qids,
    impute_subdivision_prominence,
    plant_short_names,
    plants_of_units,
    qualify_region_names,
    region_aliases,
    resolve_classes,
    resolve_demonyms,
    resolve_groups,
    resolve_town_conflicts,
)
from kg.gazetteer.sources import SourceRow, Unit
from kg.names import variant_key


def row(
    qid: str,
    name: str,
    source: str = "dr5hn/cities",
    *,
    kind: str = "city",
    cls: str = "Place",
    country: str | None = "Q212",
    prominence: float = 0.5,
    lat: float | None = 50.0,
    lon: float | None = 30.0,
    region: str = "",
    subdivision: str = "",
) -> SourceRow:
    return SourceRow(
        source=source,
        qid=qid,
        name=name,
        cls=cls,
        country=country,
        prominence=prominence,
        kind=kind,
        subdivision=subdivision,
        lat=lat,
        lon=lon,
        region=region,
        origin=f"{source}#{qid}#{name}",
    )


def kept_names(rows: tuple[SourceRow, ...]) -> list[str]:
    return [r.name for r in rows]


def test_gazetteer_crosscheck_shared_qid_with_different_names_is_dropped() -> None:
    rows = [
        row("Q1", "Chernopolye", prominence=0.4),
        row("Q1", "Chernovo", prominence=0.4),
        row("Q2", "Zaporizhia"),
        row("Q2", "Zaporizhzhia"),  # a spelling variant: the same name
    ]
    checked = drop_shared_qids(rows)
    assert kept_names(checked.kept) == ["Zaporizhia", "Zaporizhzhia"]
    assert {d.reason for d in checked.dropped} == {"QID shared by different names"}


def test_gazetteer_crosscheck_shared_qid_stays_with_the_broadest_level() -> None:
    district = row("Q3556840", "Gros Islet Quarter", "dr5hn/states", kind="region")
    localities = [row("Q3556840", n) for n in ("Babonneau", "Bois d'Orange")]
    checked = drop_shared_qids(
        [district, *localities], levels=("dr5hn/countries", "dr5hn/states", "dr5hn/cities")
    )
    assert kept_names(checked.kept) == ["Gros Islet Quarter"]


def test_gazetteer_crosscheck_shared_qid_stays_with_a_dominant_city_a_third_source_confirms() -> (
    None
):
    rows = [row("Q43070", "Donetsk", prominence=0.851), row("Q43070", "Donskoye", prominence=0.47)]
    confirmed = drop_shared_qids(rows, place_evidence=frozenset({"Q43070"}))
    assert kept_names(confirmed.kept) == ["Donetsk"]
    unknown = [row("Q5", "Big", prominence=0.9), row("Q5", "Unknown", prominence=0.0)]
    assert drop_shared_qids(unknown, place_evidence=frozenset({"Q5"})).kept == ()


def test_gazetteer_crosscheck_dominant_city_without_a_third_source_loses_the_qid() -> None:
    """The Hague and a village of 4,000 share a QID in dr5hn that is neither's: a population
    gap alone says nothing about which name the QID belongs to."""
    rows = [
        row("Q41795540", "The Hague", prominence=0.82),
        row("Q41795540", "Theereheide", prominence=0.51),
    ]
    assert drop_shared_qids(rows).kept == ()


def test_gazetteer_crosscheck_shared_qid_in_two_states_is_dropped() -> None:
    rows = [
        row("Q79349", "Winfield", "hearvox/us-cities", region="AL"),
        row("Q79349", "Winfield", "hearvox/us-cities", region="OR"),
    ]
    assert drop_shared_qids(rows, also_differ=lambda r: r.region).kept == ()


def test_gazetteer_crosscheck_town_conflict_resolved_by_third_source() -> None:
    capital = row("Q517568", "Kyiv", kind="capital")
    state = row("Q1899", "Kyiv", "dr5hn/states", kind="city", lat=50.01)
    checked = resolve_town_conflicts([capital, state], frozenset({"Q1899"}))
    assert [r.qid for r in checked.kept] == ["Q1899"]
    neither = resolve_town_conflicts([capital, state], frozenset())
    assert neither.kept == ()
    far = row("Q9", "Kyiv", "dr5hn/states", kind="city", lat=45.0)
    assert len(resolve_town_conflicts([capital, far], frozenset()).kept) == 2


def test_gazetteer_crosscheck_capital_needs_confirmation() -> None:
    capital = row("Q84", "London", kind="capital", country="Q145")
    assert confirm_capitals([capital], [], frozenset()).kept == ()
    assert confirm_capitals([capital], [], frozenset({"Q84"})).kept == (capital,)
    same = row("Q84", "London", "hearvox/us-cities", country="Q145")
    assert confirm_capitals([capital], [same], frozenset()).kept == (capital,)
    assert confirm_capitals([capital], [], frozenset(), frozenset({"Q84"})).kept == (capital,)


def test_gazetteer_crosscheck_public_evidence_corrects_a_capital_qid() -> None:
    wrong = row("Q33690701", "Lisbon", kind="capital", country="Q45")
    evidence = {("lisbon", "Q45"): "Q597"}
    (fixed,) = correct_capitals([wrong], evidence)
    assert (fixed.qid, fixed.name) == ("Q597", "Lisbon")
    # the QID is another row's under another name (a city-state's country): no correction
    country = row("Q334", "Singapore", "dr5hn/countries", kind="country", country="Q334")
    city = row("Q191698", "Singapore", kind="capital", country="Q334")
    renamed = row("Q334", "Republic of Singapore", "dr5hn/countries", kind="country")
    evidence = {("singapore", "Q334"): "Q334"}
    assert correct_capitals([country, city], evidence)[1].qid == "Q334"  # same name: fine
    assert correct_capitals([renamed, city], evidence)[1].qid == "Q191698"
    other = row("Q2", "Lisbon", kind="city", country="Q45")
    assert correct_capitals([other], {("lisbon", "Q45"): "Q597"}) == (other,)  # not a capital


def test_gazetteer_crosscheck_combine_reports_each_row_once() -> None:
    rows = [row("Q1", "A"), row("Q1", "B"), row("Q2", "C")]
    shared = drop_shared_qids(rows)
    checked = combine(rows, shared, shared)
    assert kept_names(checked.kept) == ["C"]
    assert len(checked.dropped) == 2


def test_gazetteer_crosscheck_region_named_after_its_town_is_renamed() -> None:
    oblast = row("Q192959", "Minsk", "dr5hn/states", kind="region", region="oblast")
    town = row("Q2280", "Minsk", "dr5hn/states", kind="city")
    renamed, _ = qualify_region_names([oblast, town], [town])
    assert renamed.name == "Minsk Oblast"
    far_town = row("Q7", "Minsk", kind="city", lat=40.0)
    assert qualify_region_names([oblast], [far_town])[0].name == "Minsk"


def test_gazetteer_crosscheck_subdivision_prominence_is_imputed_from_siblings() -> None:
    known = [
        row(f"Q{i}", f"R{i}", "dr5hn/states", prominence=p) for i, p in enumerate((0.8, 0.9, 0.7))
    ]
    unknown = row("Q64", "Berlin", "dr5hn/states", prominence=0.0)
    result = impute_subdivision_prominence([*known, unknown])
    assert result[-1].prominence == 0.8
    lonely = row("Q1", "Alone", "dr5hn/states", prominence=0.0, country="Q2")
    assert impute_subdivision_prominence([lonely])[0].prominence == 0.0


def test_gazetteer_crosscheck_classes_agree_or_the_qid_goes() -> None:
    person = row("Q1", "Paris", "yyyuanfish", cls="Person")
    city = row("Q1", "Paris", "dr5hn/cities")
    assert resolve_classes([person, city]).kept == ()
    org = row("Q2", "Times", "yyyuanfish", cls="Organisation")
    paper = row("Q2", "Times", "hearvox/us-newspapers", cls="NewsOrganisation")
    assert {r.cls for r in resolve_classes([org, paper]).kept} == {"NewsOrganisation"}


def test_gazetteer_crosscheck_disambiguated_one_word_titles_are_dropped() -> None:
    day = row("Q1", "The Day", "hearvox/us-newspapers", kind="disambiguated")
    record = row("Q2", "The Times-Record", "hearvox/us-newspapers", kind="disambiguated")
    plain = row("Q3", "Asbarez", "hearvox/us-newspapers", kind="newspaper")
    assert kept_names(drop_ambiguous_titles([day, record, plain]).kept) == [
        "The Times-Record",
        "Asbarez",
    ]


def test_gazetteer_crosscheck_units_join_the_one_plant_nearby() -> None:
    plant = row("Q909477", "Zaporizhzhia Nuclear Power Plant", "eulalia", lat=47.508, lon=34.59)
    unit = Unit("Zaporozhye", "Q212", 47.508, 34.627, "units:1")
    other_country = Unit("Zaporozhye", "Q159", 47.508, 34.627, "units:2")
    checked = plants_of_units([unit, other_country], [plant])
    assert [(r.qid, r.name) for r in checked.kept] == [("Q909477", "Zaporozhye")]
    assert len(checked.dropped) == 1


def test_gazetteer_crosscheck_plant_short_names() -> None:
    assert plant_short_names("Chernobyl Nuclear Power Plant") == ("Chernobyl", "Chernobyl NPP")
    assert plant_short_names("Phénix") == ()


def test_gazetteer_crosscheck_demonyms() -> None:
    population = {
        "Q148": 1_400_000_000,
        "Q865": 23_000_000,
        "Q14773": 680_000,
        "Q971": 6_000_000,
        "Q974": 110_000_000,
    }
    claims = [
        ("Chinese", "Q148", 0),
        ("Chinese", "Q865", 0),
        ("Chinese", "Q14773", 1),
        ("Congolese", "Q971", 0),
        ("Congolese", "Q974", 0),
        ("Ukrainian", "Q212", 0),
    ]
    table, dropped = resolve_demonyms(claims, population)
    assert table == {"Chinese": "Q148", "Ukrainian": "Q212"}
    assert {d.name for d in dropped} == {"Congolese"}


def test_gazetteer_crosscheck_groups_must_be_unique() -> None:
    table, dropped = resolve_groups(
        [
            ("Q212", "ArmedForces", "Q936105"),
            ("Q1", "ArmedForces", "Q2"),
            ("Q1", "ArmedForces", "Q3"),
        ]
    )
    assert table == {("Q212", "ArmedForces"): "Q936105"}
    assert len(dropped) == 2


def test_gazetteer_crosscheck_withheld_names_are_those_a_namesake_could_steal() -> None:
    warsaw = row("Q270", "Warsaw", kind="capital", country="Q36", prominence=0.9)
    lonely = row("Q9", "Nowhere", kind="capital", country="Q36")
    dropped = confirm_capitals([warsaw, lonely], [], frozenset()).dropped
    us_town = row("Q576165", "Warsaw", "hearvox/us-cities", country="Q30", prominence=0.0)
    namesakes = frozenset({(variant_key("Warsaw"), "Place")})
    lines = withheld_lines(dropped, [], namesakes)
    assert [line[:4] for line in lines] == [("Warsaw", "Place", "Q36", "0.900")]
    assert withheld_lines(dropped, [warsaw], namesakes) == []  # kept elsewhere: nothing lost
    assert us_town.qid not in {line[0] for line in lines}


def test_gazetteer_crosscheck_distance() -> None:
    kyiv = row("Q1", "Kyiv", lat=50.45, lon=30.52)
    lviv = row("Q2", "Lviv", lat=49.84, lon=24.03)
    distance = distance_km(kyiv, lviv)
    assert distance is not None
    assert 460 < distance < 480
    assert distance_km(kyiv, row("Q3", "X", lat=None)) is None


def test_gazetteer_crosscheck_region_of_a_country_without_towns_is_named_with_its_type() -> None:
    """Russia's town file is missing from the sources: its oblasts, named after their centre
    towns, must not answer to the town's bare name ("Bryansk" is the city in news)."""
    oblast = row("Q2810", "Bryansk", "dr5hn/states", kind="region", region="administrative region",
                 country="Q159")  # fmt: skip
    republic = row("Q5", "Adygea", "dr5hn/states", kind="region", region="republic", country="Q159")
    elsewhere = row("Q6", "Lviv", kind="city", country="Q212")
    renamed = qualify_region_names([oblast, republic], [elsewhere])
    assert [r.name for r in renamed] == ["Bryansk Oblast", "Adygea"]
    with_towns = row("Q7", "Kursk", kind="city", country="Q159", lat=10.0)
    assert qualify_region_names([oblast], [with_towns])[0].name == "Bryansk"


def test_gazetteer_crosscheck_region_answers_to_its_town_with_a_region_word() -> None:
    oblast = row("Q2012050", "Donetska", "dr5hn/states", kind="region", region="region",
                 subdivision="UA-14")  # fmt: skip
    town = row("Q43070", "Donetsk", kind="city", subdivision="UA-14", prominence=0.85)
    village = row("Q9", "Donetske", kind="city", subdivision="UA-14", prominence=0.3)
    other = row("Q10", "Donetsk", kind="city", subdivision="UA-09")
    (named,) = region_aliases([oblast], [town, village, other])
    assert named.aliases == ("Donetsk region", "Donetsk oblast", "Donetsk province")
    short = row("Q11", "Sum", kind="city", subdivision="UA-14")
    assert region_aliases([oblast], [short])[0].aliases == ()  # too short to be its stem
    qualified = row("Q2810", "Bryansk Oblast", "dr5hn/states", kind="region", region="oblast")
    (own,) = region_aliases([qualified], [])
    assert own.aliases == ("Bryansk region", "Bryansk province")


def test_gazetteer_crosscheck_region_around_a_city_of_its_own_status() -> None:
    # Kyiv is a subdivision of its own, inside the oblast named after it
    oblast = row("Q170036", "Kyivska", "dr5hn/states", kind="region", region="oblast",
                 subdivision="UA-32")  # fmt: skip
    city = row("Q1899", "Kyiv", "dr5hn/states", kind="city", subdivision="UA-30", lat=50.2)
    (named,) = region_aliases([oblast], [city])
    assert named.aliases == ("Kyiv region", "Kyiv oblast", "Kyiv province")
    far = row("Q1899", "Kyiv", "dr5hn/states", kind="city", subdivision="UA-30", lat=53.0)
    assert region_aliases([oblast], [far])[0].aliases == ()
    # a short town of another subdivision is no stem: only a city of its own status is
    town = row("Q1899", "Kyiv", kind="city", subdivision="UA-30", lat=50.2)
    assert region_aliases([oblast], [town])[0].aliases == ()
