"""Validate newskg graphs against the SHACL shapes; the project's only pySHACL import.

Non-conformance is data: a :class:`ValidationReport` that reads as text (:meth:`summary`) and
publishes as RDF (:meth:`to_quads`). Failing to validate at all (a missing or unparseable file) is
a :class:`kg.errors.ValidationError`, exit code 2, as in SHACL (section 3.6) and pySHACL.

A :class:`Validator` parses the shapes and the ontology once and then validates many small graphs:
one article graph with the article's local view of its entities, or the merged graph with stub
triples for the articles it cites. Each data graph gets the ontology's ``rdfs:subClassOf`` triples
(a few dozen), not the whole ontology, so that ``sh:class nk:Place`` accepts an
``nk:NuclearPowerPlant`` without pySHACL copying the ontology into every call.
 Most graphs a build makes conform without a single result, so a validator first asks the
conformance screen (:mod:`kg.shacl.screen`: the shapes compiled to SPARQL, run by pyoxigraph, about
ten times faster) and runs pySHACL only on the graphs it flags; the others get the report pySHACL
would give them (conforms, no results). The screen is trusted only once pySHACL has run
successfully in this validator, so shapes pySHACL cannot apply fail on the first call as before.

A build validates every article as it is made, so a validator also keeps what pySHACL would redo
on each call: the shapes it collects from the shapes graph, its reads of that graph, and rdflib's
parse of each SPARQL query. It does so with pySHACL's and rdflib's public classes (subclasses
used only here), never by patching them; :meth:`Validator.validate_with_pyshacl` is the plain
``pyshacl.validate`` call it must equal (``bench/validation.py`` measures both).
"""

from __future__ import annotations

import functools
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import rdflib
from pyshacl import ShapesGraph
from pyshacl.graph_abstraction import DataGraph
from rdflib.collection import Collection
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import BNode, Identifier, Node, URIRef

from kg.errors import ValidationError
from kg.graph.context import context_of, entity_contexts
from kg.iris import ARTICLE_GRAPH_PATH, Iris
from kg.layout import Layout
from kg.shacl.screen import Screen, Unsupported, compile_screen
from kg.vocab import PREFIXES, RDF, RDFS, SCHEMA, SH

#: Namespace of the shapes in ``shapes/newskg.ttl``: a result's source shape is ``nks:<Name>``.
SHAPES_IRI = "https://w3id.org/newskg/shapes#"

_SH = rdflib.Namespace(SH.base)
_RDF_TYPE = URIRef(RDF.type.value)
_RDFS_SUBCLASS = URIRef(RDFS.subClassOf.value)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SHORT_NAMES = {**PREFIXES, "nks": SHAPES_IRI}
_PATH_MODIFIERS = (
    (_SH.inversePath, "^{}"),
    (_SH.zeroOrMorePath, "{}*"),
    (_SH.oneOrMorePath, "{}+"),
    (_SH.zeroOrOnePath, "{}?"),
)


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result (SHACL section 3.6.2), with its terms as text.

    ``focus`` and ``value`` are an IRI as is, a blank node as ``_:id`` or a literal in N-Triples
    form (``"0.5"^^<http://www.w3.org/2001/XMLSchema#decimal>``). ``path`` is the IRI of a simple
    path, else the path in SPARQL property-path syntax. ``severity`` is ``Violation``, ``Warning``
    or ``Info``; ``constraint`` the IRI of the constraint component.
    """

    focus: str
    path: str | None
    value: str | None
    source_shape: str
    constraint: str
    severity: str
    message: str

    def sort_key(self) -> tuple[str, ...]:
        """Results sort by shape, then focus node, so reports and dumps are deterministic."""
        return (
            self.source_shape,
            self.focus,
            self.path or "",
            self.value or "",
            self.constraint,
            self.message,
        )


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one or more graphs.

    ``conforms`` is false when a result has severity ``Violation`` (warnings do not fail a build);
    ``graphs`` names the graphs that were validated, when known.
    """

    conforms: bool
    results: tuple[ValidationResult, ...]
    graphs: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, results: Iterable[ValidationResult], graphs: Iterable[str] = ()
    ) -> ValidationReport:
        """A report of ``results``, duplicates dropped and sorted; conformance follows from them."""
        unique = sorted(set(results), key=ValidationResult.sort_key)
        conforms = not any(result.severity == "Violation" for result in unique)
        return cls(conforms=conforms, results=tuple(unique), graphs=tuple(graphs))

    def to_quads(self, graph: ox.NamedNode, report_iri: ox.NamedNode) -> list[ox.Quad]:
        """The report as SHACL validation-report RDF in ``graph``, with no blank nodes.

        Results are ``<report_iri>#r1``, ``#r2`` ... in :meth:`ValidationResult.sort_key` order;
        a blank node in a result becomes ``<report_iri>#genid-<id>``.
        """
        triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
            (report_iri, RDF.type, SH.ValidationReport),
            (report_iri, SH.conforms, ox.Literal(self.conforms)),
        ]
        for number, result in enumerate(self._ordered(), start=1):
            node = ox.NamedNode(f"{report_iri.value}#r{number}")
            triples.append((report_iri, SH.result, node))
            triples.extend(_result_triples(node, result, report_iri.value))
        return [ox.Quad(s, p, o, graph) for s, p, o in triples]

    def summary(self) -> str:
        """A headline, then one line per result, grouped by the shape that produced it."""
        lines = [self._headline()]
        for shape, group in groupby(self._ordered(), key=lambda result: result.source_shape):
            results = list(group)
            lines.append("")
            lines.append(f"{_short(shape)}: {len(results)} result(s)")
            lines.extend(f"  {_result_line(result)}" for result in results)
        return "\n".join(lines)

    def _ordered(self) -> list[ValidationResult]:
        return sorted(self.results, key=ValidationResult.sort_key)

    def _headline(self) -> str:
        scope = _scope(self.graphs)
        if not self.results:
            return f"{scope}: conforms (no results)."
        counts: dict[str, int] = defaultdict(int)
        for result in self.results:
            counts[result.severity] += 1
        tally = ", ".join(f"{n} {severity.lower()}(s)" for severity, n in sorted(counts.items()))
        verdict = "conforms" if self.conforms else "does not conform"
        shapes = len({result.source_shape for result in self.results})
        return f"{scope}: {verdict}: {tally} from {shapes} shape(s)."


class Validator:
    """The newskg shapes and class hierarchy, prepared once, to validate many small graphs.

    What pySHACL would redo on every call is done once per validator: parsing the files,
    collecting the shapes from the shapes graph (pySHACL's ``ShapesGraph``), reading the shapes
    graph (memoised, as nothing writes to it) and parsing each SPARQL query (rdflib parses the
    ``sh:select`` text again for every focus node otherwise). Results are those of a fresh
    ``pyshacl.validate`` call with the same options; ``tests/test_validate.py`` checks it.

    Not thread-safe (pySHACL reads the shared shapes graph without locks): use one per thread.
    """

    def __init__(self, shapes_path: Path, ontology_path: Path) -> None:
        self._shapes_path = shapes_path
        self._shapes = _read_turtle(shapes_path, "shapes", _ShapesGraphRdf())
        self._shapes_graph: ShapesGraph | None = None
        self._pyshacl_ran = False
        self._prepare: _Prepare = functools.lru_cache(maxsize=_PREPARED_QUERIES)(_prepare_query)
        ontology = _read_turtle(ontology_path, "ontology")
        self._hierarchy: tuple[tuple[URIRef, URIRef, URIRef], ...] = tuple(
            (sub, _RDFS_SUBCLASS, sup)
            for sub, sup in ontology.subject_objects(_RDFS_SUBCLASS)
            if isinstance(sub, URIRef) and isinstance(sup, URIRef)
        )

    def validate(self, triples: Iterable[ox.Triple | ox.Quad]) -> ValidationReport:
        """Validate the triples (graph names ignored) as one self-contained data graph."""
        return self.validate_each([triples])[0]

    def validate_each(
        self, graphs: Sequence[Iterable[ox.Triple | ox.Quad]]
    ) -> list[ValidationReport]:
        """:meth:`validate` of each graph; the screen looks at up to 64 of them per query."""
        given = [list(triples) for triples in graphs]
        reports: list[ValidationReport | None] = [None] * len(given)
        if given and not self._pyshacl_ran:  # prove on one graph that pySHACL can apply the shapes
            reports[0] = self._validate_with_pyshacl_run(given[0])
            self._pyshacl_ran = True
        if self._screen is not None:
            self._pass_screened(self._screen, given, reports)
        return [
            report if report is not None else self._validate_with_pyshacl_run(triples)
            for report, triples in zip(reports, given, strict=True)
        ]

    def _pass_screened(
        self,
        screen: Screen,
        given: list[list[ox.Triple | ox.Quad]],
        reports: list[ValidationReport | None],
    ) -> None:
        """Give each graph without a report that the screen passes the empty report."""
        todo = [number for number, report in enumerate(reports) if report is None]
        for start in range(0, len(todo), _GRAPHS_PER_SCREEN):
            chunk = todo[start : start + _GRAPHS_PER_SCREEN]
            passed = screen.passes_each([[*given[n], *self._hierarchy_triples] for n in chunk])
            for number, ok in zip(chunk, passed, strict=True):
                if ok:
                    reports[number] = ValidationReport.of(())

    @functools.cached_property
    def _screen(self) -> Screen | None:
        """The shapes compiled for the screen, or None if they use SHACL it does not compile."""
        try:
            return compile_screen(self._plain_shapes)
        except Unsupported as exc:
            _LOG.info("validating every graph with pySHACL: %s", exc)
            return None

    @functools.cached_property
    def _hierarchy_triples(self) -> tuple[ox.Triple, ...]:
        return tuple(
            ox.Triple(ox.NamedNode(str(sub)), ox.NamedNode(str(predicate)), ox.NamedNode(str(sup)))
            for sub, predicate, sup in self._hierarchy
        )

    def _validate_with_pyshacl_run(
        self, triples: Iterable[ox.Triple | ox.Quad]
    ) -> ValidationReport:
        """pySHACL's report, with what this validator keeps between runs (see the class doc)."""
        data = _DataGraph(self._prepare)
        for subclass_axiom in self._hierarchy:
            data.add(subclass_axiom)
        nodes: dict[object, Node] = {}  # an article repeats its IRIs: convert each term once
        for triple in triples:
            data.add(
                (
                    _node_of(triple.subject, nodes),
                    _node_of(triple.predicate, nodes),
                    _node_of(triple.object, nodes),
                )
            )
        try:
            run = _PyshaclRun(DataGraph.from_rdflib(data), self._collected_shapes())
            _conforms, report, _text = run.run()  # type: ignore[no-untyped-call]
        except Exception as exc:  # pySHACL errors, pyparsing errors (bad SPARQL), rdflib TypeErrors
            raise _cannot_apply_shapes(exc) from exc
        return ValidationReport.of(_results(report))

    def validate_with_pyshacl(self, triples: Iterable[ox.Triple | ox.Quad]) -> ValidationReport:
        """:meth:`validate` as one plain ``pyshacl.validate`` call that reuses nothing but the
        parsed files (how this module validated before :meth:`validate` kept pySHACL's work).

        The reference :meth:`validate` must equal: tests/test_validate.py and
        bench/validation.py compare the two. Several times slower; not for builds.
        """
        data = rdflib.Graph()
        for subclass_axiom in self._hierarchy:
            data.add(subclass_axiom)
        for triple in triples:
            data.add((_node(triple.subject), _node(triple.predicate), _node(triple.object)))
        try:
            _conforms, report, _text = pyshacl.validate(
                data,
                shacl_graph=self._plain_shapes,
                inference="none",
                inplace=True,
                allow_warnings=True,
            )
        except Exception as exc:  # as in validate()
            raise _cannot_apply_shapes(exc) from exc
        if not isinstance(report, rdflib.Graph):  # pySHACL returns a ValidationFailure instead
            raise _cannot_apply_shapes(report)
        return ValidationReport.of(_results(report))

    @functools.cached_property
    def _plain_shapes(self) -> rdflib.Graph:
        """The shapes in a plain rdflib graph (no memoised lookups), for the reference."""
        return _read_turtle(self._shapes_path, "shapes")

    def _collected_shapes(self) -> ShapesGraph:
        """pySHACL's shapes, collected at the first call (a shapes file that fails to load fails
        every call the same way: nothing is kept until collecting succeeds)."""
        if self._shapes_graph is None:
            shapes_graph = ShapesGraph(self._shapes, logger=_LOG)
            shapes_graph.shapes  # noqa: B018 - the property collects the shapes
            self._shapes_graph = shapes_graph
        return self._shapes_graph


#: pySHACL's logger for our runs (pyshacl.validate would add a stderr handler on every call).
_LOG = logging.getLogger(__name__)
#: The options ``pyshacl.validate(data, shacl_graph=..., inference="none", inplace=True,
#: allow_warnings=True)`` passes to ``pyshacl.Validator``: all results (no abort on the first),
#: no inference, no SHACL-AF, no meta-SHACL, warnings do not fail conformance.
_PYSHACL_OPTIONS: dict[str, object] = {
    "debug": False,
    "inference": "none",
    "inplace": True,
    "abort_on_first": False,
    "allow_infos": False,
    "allow_warnings": True,
    "advanced": False,
    "iterate_rules": False,
    "use_js": None,
    "sparql_mode": False,
    "focus_nodes": None,
    "use_shapes": None,
}
#: Graphs the screen looks at in one query: each query costs ~10 ms to plan, and the store
#: holding the graphs stays small.
_GRAPHS_PER_SCREEN = 64
#: Distinct SPARQL texts kept parsed per validator (newskg has one; the bound is a safeguard).
_PREPARED_QUERIES = 64

_Namespaces = frozenset[tuple[str, Any]]
_Prepare = Callable[[str, _Namespaces], Query]


class _PyshaclRun(pyshacl.Validator):
    """One pySHACL run on a data graph, with shapes collected once (:class:`Validator`).

    ``pyshacl.Validator`` wraps its shapes graph in a new ``ShapesGraph`` that collects the
    shapes again on each run; this run uses the validator's instead. Shapes keep no state of a
    run without SHACL-AF or SHACL-JS, which newskg does not enable.
    """

    def __init__(self, data: DataGraph, shapes: ShapesGraph) -> None:
        options = {**_PYSHACL_OPTIONS, "logger": _LOG}
        super().__init__(data, shacl_graph=shapes.graph, options=options)
        self.shacl_graph = shapes


class _ShapesGraphRdf(rdflib.Graph):
    """The shapes graph, with every triple-pattern lookup memoised.

    pySHACL reads a shape's parameters from the shapes graph each time it checks a focus node
    against the shape; the graph does not change between runs, so each pattern is looked up in
    the store once. Adding a new triple or removing one forgets all lookups.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lookups: dict[tuple[Node | None, Node | None, Node | None], tuple[Any, ...]] = {}

    def add(self, triple: Any) -> Any:
        if triple not in self:  # pySHACL re-adds its two system triples on every run
            self._lookups.clear()
        return super().add(triple)

    def addN(self, quads: Any) -> Any:
        self._lookups.clear()
        return super().addN(quads)

    def remove(self, triple: Any) -> Any:
        self._lookups.clear()
        return super().remove(triple)

    def triples(self, triple: Any) -> Any:
        if isinstance(triple[1], PropertyPath):  # evaluated by rdflib, not a store lookup
            yield from super().triples(triple)
            return
        found = self._lookups.get(triple)
        if found is None:
            found = self._lookups[triple] = tuple(super().triples(triple))
        yield from found


class _DataGraph(rdflib.Graph):
    """A data graph whose SPARQL query texts are parsed once per :class:`Validator`.

    pySHACL hands each ``sh:select`` text to :meth:`query` for every focus node, and rdflib
    would parse it every time (a quarter of validating an article). The text is prepared with
    the namespaces rdflib would have used (``initNs``, else the graph's), which are part of the
    cache key, and evaluated as rdflib evaluates a text: same algebra, same bindings.
    """

    def __init__(self, prepare: _Prepare) -> None:
        super().__init__()
        self._prepare = prepare

    def query(
        self,
        query_object: str | Query,
        processor: str | rdflib.query.Processor = "sparql",
        result: str | type[rdflib.query.Result] = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> rdflib.query.Result:
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            namespaces = dict(initNs or self.namespaces())  # what Graph.query would use
            query_object = self._prepare(query_object, frozenset(namespaces.items()))
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def _prepare_query(text: str, namespaces: _Namespaces) -> Query:
    """rdflib's parse and algebra of a query text, as ``Graph.query`` would make them."""
    return prepareQuery(text, initNs=dict(namespaces))


def validate_build(directory: Path, *, shapes_path: Path, ontology_path: Path) -> ValidationReport:
    """Validate a build folder's ``kg.nq``: each article graph, then the merged graph.

    Each graph is validated with its context (:mod:`kg.graph.context`): the class and label of
    every entity it references, from the merged graph, and a stub for each article of the build
    it cites (:func:`graphs_to_validate`). Results of all graphs are combined (duplicates
    dropped).
    """
    units = graphs_to_validate(directory)
    validator = Validator(shapes_path, ontology_path)
    reports = validator.validate_each([triples for _name, triples in units])
    results = [result for report in reports for result in report.results]
    return ValidationReport.of(results, graphs=[name for name, _triples in units])


def graphs_to_validate(directory: Path) -> list[tuple[str, list[ox.Triple | ox.Quad]]]:
    """What :func:`validate_build` validates, one self-contained data graph per graph name.

    Which graph is an article's and which is the merged one is asked of the build's IRIs (its
    base IRI is in ``build-report.json``). Article graphs come first, in name order; then the
    merged graph, if there is one.
    """
    layout = Layout(directory)
    graphs = _read_graphs(directory, layout.nquads)
    iris = Iris(_base_iri(layout))
    articles = sorted(name for name in graphs if iris.is_article_graph(name))
    if not articles:
        raise ValidationError(
            f"{layout.nquads} holds no article graph",
            why=f"no graph name starts with {iris.article_graph('').value!r}",
            fix="validate the output folder of `kg build`",
        )
    merged = graphs.get(iris.merged_graph.value, [])
    entities = entity_contexts(q.triple for q in merged)
    article_iris = _article_iris(graphs[name] for name in articles)
    units: list[tuple[str, list[ox.Triple | ox.Quad]]] = [
        (name, [*graphs[name], *context_of((q.triple for q in graphs[name]), entities, ())])
        for name in articles
    ]
    if iris.merged_graph.value in graphs:
        context = context_of((q.triple for q in merged), entities, article_iris)
        units.append((iris.merged_graph.value, [*merged, *context]))
    return units


def _base_iri(layout: Layout) -> str:
    """The base IRI the build was made with (its report says)."""
    try:
        report = json.loads(layout.report.read_text(encoding="utf-8"))
        base = report["base_iri"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(
            f"{layout.report} does not name the build's base IRI",
            why=str(exc),
            fix="validate the output folder of `kg build` (rebuild it if it is older)",
        ) from exc
    if not isinstance(base, str) or not base.startswith(("http://", "https://")):
        raise ValidationError(f"{layout.report} names no http(s) base IRI: {base!r}")
    return base


def _cannot_apply_shapes(cause: object) -> ValidationError:
    return ValidationError(
        "pySHACL could not apply the shapes",
        why=f"{type(cause).__name__}: {cause}",
        fix="check the shapes file against the SHACL spec (and its SPARQL queries)",
    )


def _read_turtle(path: Path, what: str, graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Parse a Turtle file; a missing or broken file is a ValidationError naming it."""
    try:
        return (rdflib.Graph() if graph is None else graph).parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise ValidationError(
            f"the {what} file {path} does not exist",
            fix=f"pass the path of the {what} Turtle file (see Settings.{what}_path)",
        ) from exc
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise ValidationError(
            f"the {what} file {path} cannot be parsed as Turtle",
            why=str(exc),
            fix=f"fix the syntax error in {path}",
        ) from exc


def _read_graphs(directory: Path, path: Path) -> dict[str, list[ox.Quad]]:
    """The quads of ``path`` by graph name; the default graph is dropped (newskg never uses it)."""
    if not directory.is_dir():
        raise ValidationError(
            f"{directory} is not a folder", fix="pass the output folder of `kg build` (e.g. dist)"
        )
    if not path.is_file():
        raise ValidationError(
            f"{path} does not exist",
            why=f"{directory} does not look like a newskg build",
            fix=f"run `kg build --out {directory}` first",
        )
    graphs: dict[str, list[ox.Quad]] = defaultdict(list)
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.graph_name, ox.NamedNode):
                graphs[quad.graph_name.value].append(quad)
    except (SyntaxError, OSError, ValueError) as exc:
        raise ValidationError(
            f"{path} cannot be parsed as N-Quads",
            why=str(exc),
            fix=f"rebuild it with `kg build --out {directory}`",
        ) from exc
    return dict(graphs)


def _article_iris(article_graphs: Iterable[list[ox.Quad]]) -> set[ox.NamedNode]:
    return {
        quad.subject
        for quads in article_graphs
        for quad in quads
        if quad.predicate == RDF.type
        and quad.object == SCHEMA.NewsArticle
        and isinstance(quad.subject, ox.NamedNode)
    }


def _node_of(term: object, nodes: dict[object, Node]) -> Node:
    """:func:`_node`, remembered in ``nodes`` (terms are immutable on both sides)."""
    node = nodes.get(term)
    if node is None:
        node = nodes[term] = _node(term)
    return node


def _node(term: object) -> Node:
    """A pyoxigraph term as the rdflib term pySHACL reads (measured faster than N-Triples I/O)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise ValidationError(
        f"cannot validate the term {term!r}",
        why="SHACL validation here takes IRIs, blank nodes and literals (no RDF 1.2 triple terms)",
        fix="remove triple terms from the graph before validating",
    )


def _results(report: rdflib.Graph) -> Iterator[ValidationResult]:
    """The validation results of a pySHACL report graph."""
    for root in report.subjects(_RDF_TYPE, _SH.ValidationReport):
        for node in report.objects(root, _SH.result):
            severity = report.value(node, _SH.resultSeverity)
            messages = sorted(str(message) for message in report.objects(node, _SH.resultMessage))
            path = report.value(node, _SH.resultPath)
            value = report.value(node, _SH.value)
            yield ValidationResult(
                focus=_text(report.value(node, _SH.focusNode)),
                path=None if path is None else _path_text(report, path),
                value=None if value is None else _text(value),
                source_shape=_text(report.value(node, _SH.sourceShape)),
                constraint=_text(report.value(node, _SH.sourceConstraintComponent)),
                severity=str(severity).removeprefix(SH.base),
                message=" / ".join(messages),
            )


def _text(term: Node | None) -> str:
    """An rdflib term as result text: IRI as is, ``_:id``, or an N-Triples literal."""
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, rdflib.Literal):
        quoted = '"' + _escape(str(term)) + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f"{quoted}^^<{term.datatype}>"
        return quoted
    return ""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _path_text(report: rdflib.Graph, path: Node) -> str:
    """A simple path as its IRI; a complex one in SPARQL property-path syntax."""
    return str(path) if isinstance(path, URIRef) else _complex_path(report, path)


def _complex_path(report: rdflib.Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    for predicate, template in _PATH_MODIFIERS:
        inner = report.value(path, predicate)
        if inner is not None:
            return template.format(_complex_path(report, inner))
    alternatives = report.value(path, _SH.alternativePath)
    if alternatives is not None:
        options = Collection(report, alternatives)
        return "(" + "|".join(_complex_path(report, option) for option in options) + ")"
    return "(" + "/".join(_complex_path(report, step) for step in Collection(report, path)) + ")"


def _result_triples(
    node: ox.NamedNode, result: ValidationResult, report_iri: str
) -> list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (node, RDF.type, SH.ValidationResult),
        (node, SH.focusNode, _term(result.focus, report_iri)),
        (node, SH.sourceShape, _term(result.source_shape, report_iri)),
        (node, SH.sourceConstraintComponent, ox.NamedNode(result.constraint)),
        (node, SH.resultSeverity, SH[result.severity]),
        (node, SH.resultMessage, ox.Literal(result.message)),
    ]
    if result.path is not None and _is_simple_path(result.path):
        triples.append((node, SH.resultPath, ox.NamedNode(result.path)))
    if result.value is not None:
        triples.append((node, SH.value, _term(result.value, report_iri)))
    return triples


def _is_simple_path(path: str) -> bool:
    """Complex paths (written ``^<p>``, ``(<p>/<q>)``, ``<p>*`` ...) would need blank nodes."""
    return not path.startswith(("<", "^", "("))


def _term(text: str, report_iri: str) -> ox.NamedNode | ox.Literal:
    """Result text back to a term; blank nodes become IRIs under the report (no blank nodes)."""
    if text.startswith('"'):
        line = f"<urn:s> <urn:p> {text} ."
        parsed = next(iter(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)))
        literal = parsed.object
        assert isinstance(literal, ox.Literal)
        return literal
    if text.startswith("_:"):
        return ox.NamedNode(f"{report_iri}#genid-{text[2:]}")
    return ox.NamedNode(text)


def _short(text: str) -> str:
    """An IRI as prefix:name when a newskg prefix covers it; anything else unchanged."""
    for prefix, namespace in _SHORT_NAMES.items():
        if text.startswith(namespace) and text[len(namespace) :].replace("_", "").isalnum():
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def _result_line(result: ValidationResult) -> str:
    where = _short(result.path) if result.path else "(node)"
    value = f" = {_short(result.value)}" if result.value is not None else ""
    return (
        f"{result.severity}: {result.focus} {where}{value} "
        f"[{_short(result.constraint)}] {result.message}"
    )


def _scope(graphs: tuple[str, ...]) -> str:
    if not graphs:
        return "Validated the given triples"
    articles = sum(1 for name in graphs if f"/{ARTICLE_GRAPH_PATH}" in name)
    others = len(graphs) - articles
    merged = " and the merged graph" if others else ""
    return f"Validated {articles} article graph(s){merged}"
