"""Cross-article event merging: reports of the same action become one event.

Pure: :func:`merge_reports` takes every article's event reports (as :class:`ReportKey`, with
entities already identified by IRI) and returns the merged events. Only reports that assert or
relay an action (factuality ``asserted`` or ``reported``) form events; denied and hypothetical
reports stay reports.

Two reports describe the same action when they have

* the same type, or an unspecified ``Attack`` and a ``Shelling`` or ``Airstrike`` (the merged
  event takes the specific type);
* the same, non-empty set of targets, or no target and the same, non-empty set of locations
  (without either there is nothing to tell two shellings by the same army apart, so such a
  report is an event of its own);
* compatible agents: the same sides, where a country, its armed forces and its government are
  one side (``ReportKey.sides``), or one report gives no agent (a passive "the plant was seized");
* compatible dates: their ``[earliest, latest]`` intervals overlap; a report without a date
  joins only reports of its own article (an undated "Russia attacked Ukraine" may be 2014's or
  2022's: across articles only dates can tell, so only dated reports merge across articles).

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
#: The unspecified attack, and the specific kinds a report of it may turn out to be.
UNSPECIFIED_ATTACK = "Attack"
SPECIFIC_ATTACKS = frozenset({"Shelling", "Airstrike"})


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
    #: The agents' sides: a country, its armed forces and its government are one side (the
    #: agents themselves when not given).
    sides: frozenset[str] = frozenset()

    @property
    def parties(self) -> frozenset[str]:
        """The sides of the agents, or the agents where no sides were given."""
        return self.sides or self.agents

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
        sorted(report.sides),
        report.earliest or date.min,
        report.latest or date.max,
        report.iri,
        report.article_id,
        sorted(report.locations),
        report.factuality,
        report.confidence,
    )


def specific_type(known: str, other: str) -> str | None:
    """The type two reports of one action have together, or None if they cannot be one."""
    if known == other:
        return known
    if known == UNSPECIFIED_ATTACK and other in SPECIFIC_ATTACKS:
        return other
    if other == UNSPECIFIED_ATTACK and known in SPECIFIC_ATTACKS:
        return known
    return None


@dataclass
class _Group:
    """A group being built (local to one call of :func:`merge_reports`)."""

    members: list[ReportKey]
    sides: frozenset[str]
    interval: tuple[date, date] | None
    type: str = ""

    def accepts(self, report: ReportKey) -> bool:
        first = self.members[0]
        if specific_type(self.type or first.type, report.type) is None:
            return False
        if not _same_place(first, report):
            return False
        if report.parties and self.sides and report.parties != self.sides:
            return False
        if any(
            m.article_id != report.article_id and not (m.dated and report.dated)
            for m in self.members
        ):
            return False  # across articles, only dates tell one action from another
        if self.interval is None or not report.dated:
            return True
        low, high = report.interval
        return max(low, self.interval[0]) <= min(high, self.interval[1])

    def add(self, report: ReportKey) -> None:
        self.members.append(report)
        self.sides = self.sides or report.parties
        self.type = specific_type(self.type or self.members[0].type, report.type) or self.type
        if report.dated:
            low, high = report.interval
            if self.interval is None:
                self.interval = (low, high)
            else:
                self.interval = (max(low, self.interval[0]), min(high, self.interval[1]))


def _same_place(first: ReportKey, report: ReportKey) -> bool:
    if first.targets or report.targets:
        return bool(report.targets) and report.targets == first.targets
    return bool(report.locations) and report.locations == first.locations


def _home(report: ReportKey, groups: Sequence[_Group]) -> _Group | None:
    """The group a report joins: the first compatible one, but a report without agents joins a
    group with agents only when exactly one such group fits (else it could be either action)."""
    fitting = [group for group in groups if group.accepts(report)]
    if report.parties:
        return fitting[0] if fitting else None
    with_agents = [group for group in fitting if group.sides]
    if len(with_agents) == 1:
        return with_agents[0]
    return next((group for group in fitting if not group.sides), None)


def _group(reports: Sequence[ReportKey], groups: list[_Group]) -> None:
    for report in reports:
        home = _home(report, groups)
        if home is None:
            interval = report.interval if report.dated else None
            groups.append(_Group([report], report.parties, interval, report.type))
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


def merge_reason(members: Sequence[ReportKey], event_type: str = "") -> str:
    """A sentence a reader can check: what the reports share and why their dates fit."""
    first = members[0]
    if len(members) == 1:
        why = "no other report has" if first.targets else "no target to match on, so not merged"
        if first.targets:
            return f"single report; {why} the same type, target, agent and compatible dates"
        return f"single report of type {first.type}; {why}"
    types = sorted({m.type for m in members})
    kind = (
        f"same type {first.type}"
        if len(types) == 1
        else (f"types {' and '.join(types)} (one {event_type})")
    )
    parts = [f"{len(members)} reports: {kind}"]
    if first.targets:
        parts.append(f"same target {_names(first.targets)}")
    else:
        parts.append(f"no target, same location {_names(first.locations)}")
    agents = frozenset().union(*(m.agents for m in members))
    without = sum(1 for m in members if not m.agents)
    if agents:
        note = f" ({without} without an agent)" if without else ""
        sides = frozenset().union(*(m.parties for m in members))
        same = (
            "same agent" if len(agents) == len(sides) else f"agents of one side ({_names(sides)})"
        )
        parts.append(f"{same} {_names(agents)}{note}")
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
    event_type = group.type or members[0].type
    return MergedEvent(
        type=event_type,
        reports=members,
        agents=frozenset().union(*(m.agents for m in members)),
        targets=members[0].targets,
        locations=frozenset().union(*(m.locations for m in members)),
        earliest=earliest,
        latest=latest,
        confidence=merged_confidence(m.confidence for m in members),
        reason=merge_reason(members, event_type),
    )


def merge_reports(reports: Iterable[ReportKey]) -> tuple[MergedEvent, ...]:
    """Merged events from reports of any articles, in a deterministic order.

    See the module docstring for the rules; the result does not depend on the input order.
    """
    eligible = sorted((r for r in set(reports) if r.factuality in EVENT_FACTUALITIES), key=sort_key)
    groups: list[_Group] = []
    _group([r for r in eligible if r.parties], groups)
    _group([r for r in eligible if not r.parties], groups)
    events = [_event(group) for group in groups]
    return tuple(sorted(events, key=lambda e: sort_key(e.reports[0])))


def partition_key(report: ReportKey) -> str:
    """A key that reports which may merge always share: the type's family (an ``Attack`` and
    the specific attacks it may turn out to be are one family) and the targets, or with no
    target the locations (a report with neither merges with nothing, so it gets its own key).

    A large build merges the reports partition by partition (:mod:`kg.build.merged`), which
    gives exactly :func:`merge_reports` of all of them as long as no group can hold two keys:
    keep this in step with ``_Group.accepts`` (``tests/test_merge_partitions.py`` checks it).
    """
    family = UNSPECIFIED_ATTACK if report.type in SPECIFIC_ATTACKS else report.type
    if report.targets:
        return "\0".join([family, "target", *sorted(report.targets)])
    if report.locations:
        return "\0".join([family, "location", *sorted(report.locations)])
    return "\0" + report.iri
