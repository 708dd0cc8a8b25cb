"""Cross-article event merging: reports of the same action become one event.

Pure: :func:`merge_reports` takes every article's event reports (as :class:`ReportKey`, with
entities already identified by IRI) and returns the merged events. Only reports that assert or
relay an action (factuality ``asserted`` or ``reported``) form events; denied and hypothetical
reports stay reports.

Two reports describe the same action when they have

* the same type;
* the same, non-empty set of targets (without a target there is nothing to tell two shellings
  by the same army apart, so such a report is an event of its own);
* compatible agents: equal sets, or one side gives no agent (a passive "the plant was seized");
* compatible dates: their ``[earliest, latest]`` intervals overlap, or one side is undated.

Compatibility is not transitive (an undated report fits two dated ones that do not fit each
other), so grouping is done in a fixed order, which makes the output independent of the input
order: reports are sorted by a total key; first the reports that name agents are grouped, each
joining the first group it is compatible with, where the group's dates are the intersection of
its members' intervals (so all dated members overlap pairwise); then each report without agents
joins the one compatible group that names agents, or, when none or several fit, the first
compatible group without agents, else a group of its own.

A merged event's agents, targets and locations are the union of its reports'; its dates are the
intersection of its dated reports' intervals. Its confidence is a noisy-OR of the reports'
confidences, ``1 - prod(1 - c_i)``, capped at :data:`MAX_CONFIDENCE`: each independent report
makes the action more certain, yet no number of reports makes it certain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from kg.model import Factuality

MAX_CONFIDENCE = 0.99
EVENT_FACTUALITIES: frozenset[Factuality] = frozenset({"asserted", "reported"})


@dataclass(frozen=True, slots=True)
class ReportKey:
    """What merging needs to know about one article's event report."""

    iri: str
    article_id: str
    type: str
    agents: frozenset[str]
    targets: frozenset[str]
    locations: frozenset[str]
    earliest: date | None
    latest: date | None
    factuality: Factuality
    confidence: float

    @property
    def dated(self) -> bool:
        return self.earliest is not None or self.latest is not None

    @property
    def interval(self) -> tuple[date, date]:
        """The report's dates, an open side standing for the whole calendar."""
        return (self.earliest or date.min, self.latest or date.max)


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One military action, with every report of it and the reason they were merged."""

    type: str
    reports: tuple[ReportKey, ...]
    agents: frozenset[str]
    targets: frozenset[str]
    locations: frozenset[str]
    earliest: date | None
    latest: date | None
    confidence: float
    reason: str


def sort_key(report: ReportKey) -> tuple[object, ...]:
    """A total order on reports, so that grouping never depends on the input order."""
    return (
        report.type,
        sorted(report.targets),
        sorted(report.agents),
        report.earliest or date.min,
        report.latest or date.max,
        report.iri,
        report.article_id,
        sorted(report.locations),
        report.factuality,
        report.confidence,
    )


@dataclass
class _Group:
    """A group being built (local to one call of :func:`merge_reports`)."""

    members: list[ReportKey]
    agents: frozenset[str]
    interval: tuple[date, date] | None

    def accepts(self, report: ReportKey) -> bool:
        first = self.members[0]
        if report.type != first.type or report.targets != first.targets or not report.targets:
            return False
        if report.agents and self.agents and report.agents != self.agents:
            return False
        if self.interval is None or not report.dated:
            return True
        low, high = report.interval
        return max(low, self.interval[0]) <= min(high, self.interval[1])

    def add(self, report: ReportKey) -> None:
        self.members.append(report)
        self.agents = self.agents or report.agents
        if report.dated:
            low, high = report.interval
            if self.interval is None:
                self.interval = (low, high)
            else:
                self.interval = (max(low, self.interval[0]), min(high, self.interval[1]))


def _home(report: ReportKey, groups: Sequence[_Group]) -> _Group | None:
    """The group a report joins: the first compatible one, but a report without agents joins a
    group with agents only when exactly one such group fits (else it could be either action)."""
    fitting = [group for group in groups if group.accepts(report)]
    if report.agents:
        return fitting[0] if fitting else None
    with_agents = [group for group in fitting if group.agents]
    if len(with_agents) == 1:
        return with_agents[0]
    return next((group for group in fitting if not group.agents), None)


def _group(reports: Sequence[ReportKey], groups: list[_Group]) -> None:
    for report in reports:
        home = _home(report, groups)
        if home is None:
            interval = report.interval if report.dated else None
            groups.append(_Group([report], report.agents, interval))
        else:
            home.add(report)


def merged_confidence(confidences: Iterable[float]) -> float:
    """Noisy-OR of independent reports, capped below certainty."""
    doubt = 1.0
    for value in confidences:
        doubt *= 1.0 - min(max(value, 0.0), 1.0)
    return round(min(1.0 - doubt, MAX_CONFIDENCE), 6)


def _names(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))


def _dates(report: ReportKey) -> str:
    if not report.dated:
        return "undated"
    low = report.earliest.isoformat() if report.earliest else "?"
    high = report.latest.isoformat() if report.latest else "?"
    return low if low == high else f"{low}..{high}"


def merge_reason(members: Sequence[ReportKey]) -> str:
    """A sentence a reader can check: what the reports share and why their dates fit."""
    first = members[0]
    if len(members) == 1:
        why = "no other report has" if first.targets else "no target to match on, so not merged"
        if first.targets:
            return f"single report; {why} the same type, target, agent and compatible dates"
        return f"single report of type {first.type}; {why}"
    parts = [f"{len(members)} reports: same type {first.type}"]
    parts.append(f"same target {_names(first.targets)}")
    agents = frozenset().union(*(m.agents for m in members))
    without = sum(1 for m in members if not m.agents)
    if agents:
        note = f" ({without} without an agent)" if without else ""
        parts.append(f"same agent {_names(agents)}{note}")
    else:
        parts.append("no agent given")
    dated = [m for m in members if m.dated]
    if len(dated) >= 2:
        listed = " and ".join(_dates(m) for m in dated)
        parts.append(f"dates {listed} overlap")
    elif dated:
        parts.append(f"date {_dates(dated[0])}, the others undated")
    else:
        parts.append("all undated")
    return ", ".join(parts)


def _event(group: _Group) -> MergedEvent:
    members = tuple(group.members)
    dated = [m for m in members if m.dated]
    earliest = max((m.earliest for m in dated if m.earliest), default=None)
    latest = min((m.latest for m in dated if m.latest), default=None)
    return MergedEvent(
        type=members[0].type,
        reports=members,
        agents=frozenset().union(*(m.agents for m in members)),
        targets=members[0].targets,
        locations=frozenset().union(*(m.locations for m in members)),
        earliest=earliest,
        latest=latest,
        confidence=merged_confidence(m.confidence for m in members),
        reason=merge_reason(members),
    )


def merge_reports(reports: Iterable[ReportKey]) -> tuple[MergedEvent, ...]:
    """Merged events from reports of any articles, in a deterministic order.

    See the module docstring for the rules; the result does not depend on the input order.
    """
    eligible = sorted((r for r in set(reports) if r.factuality in EVENT_FACTUALITIES), key=sort_key)
    groups: list[_Group] = []
    _group([r for r in eligible if r.agents], groups)
    _group([r for r in eligible if not r.agents], groups)
    events = [_event(group) for group in groups]
    return tuple(sorted(events, key=lambda e: sort_key(e.reports[0])))


def partition_key(report: ReportKey) -> str:
    """A key that reports which may merge always share: the same type and the same targets (a
    report without a target merges with nothing, so it gets its own IRI).

    A large build merges the reports partition by partition (:mod:`kg.build.merged`), which
    gives exactly :func:`merge_reports` of all of them as long as no group can hold two keys:
    keep this in step with ``_Group.accepts`` (``tests/test_merge_partitions.py`` checks it).
    """
    if not report.targets:
        return "\0" + report.iri
    return "\0".join([report.type, *sorted(report.targets)])
