"""kg.graph.facts: single statements, reports and positions can be left out of an article."""

from __future__ import annotations

from fakes import IRIS, sample_extraction

from kg.graph.facts import without_facts


def test_graph_facts_a_report_is_left_out_and_the_rest_kept() -> None:
    extraction = sample_extraction()
    seizure = extraction.events[0]
    node = IRIS.report("a1", seizure.trigger.begin, seizure.trigger.end, seizure.type).value
    kept = without_facts(extraction, IRIS, {node})
    assert kept is not None
    assert [e.type for e in kept.events] == ["Shelling"]
    assert kept.statements == extraction.statements
    assert kept.entities == extraction.entities


def test_graph_facts_a_statement_left_out_unlinks_the_reports_it_relayed() -> None:
    extraction = sample_extraction()
    statement = extraction.statements[0]
    node = IRIS.statement("a1", statement.mention.begin, statement.mention.end).value
    kept = without_facts(extraction, IRIS, {node})
    assert kept is not None
    assert kept.statements == ()
    shelling = kept.events[1]
    assert shelling.statement is None
    assert shelling.factuality == "reported"


def test_graph_facts_a_position_is_left_out() -> None:
    extraction = sample_extraction()
    position = extraction.positions[0]
    node = IRIS.membership("a1", position.mention.begin, position.mention.end, "CEO").value
    kept = without_facts(extraction, IRIS, {node})
    assert kept is not None
    assert kept.positions == ()


def test_graph_facts_anything_else_cannot_be_cut_out() -> None:
    extraction = sample_extraction()
    assert without_facts(extraction, IRIS, {IRIS.article("a1").value}) is None
    assert without_facts(extraction, IRIS, {IRIS.entity(extraction.entities[0]).value}) is None
    assert without_facts(extraction, IRIS, set()) is None
