"""A conformance screen: the SHACL shapes compiled to SPARQL that pyoxigraph runs in a millisecond.

pySHACL takes tens of milliseconds per article graph, and nearly every graph a build makes conforms
without a single result. The screen asks pyoxigraph "could pySHACL report anything here?"; the
validator (:mod:`kg.shacl.validate`) runs pySHACL only on the graphs the screen flags and gives
every other graph the report pySHACL would give it: conforms, no results.

The screen must never pass a graph on which pySHACL reports a result; it may flag a graph that
conforms (pySHACL then runs and says so). So each shape compiles to two SPARQL expressions about a
node: *sure* (true only if the node conforms) and *possible* (false only if it does not). A
top-level shape uses *sure*; ``sh:not`` turns one into the other. Where SPARQL and pySHACL (rdflib)
could disagree (rdflib normalises ``"01"^^xsd:integer`` to ``"1"``; a literal that SPARQL cannot
compare), *sure* says no and *possible* says yes.

pyoxigraph's store rewrites typed literals to a canonical form (``"080"^^xsd:nonNegativeInteger``
is stored as ``"80"^^xsd:integer``, oxigraph issue #526), which would hide exactly what
``sh:datatype`` checks. So the screen stores each literal of a datatype other than ``xsd:string``
and ``rdf:langString`` under a stand-in datatype (``<urn:newskg:screen:`` + datatype IRI ``>``)
that pyoxigraph keeps verbatim, and the compiled queries turn it back into a typed value where they
compare values. SPARQL-based constraints run on the triples as given.

The SHACL Core subset compiled here is what newskg's shapes use and a little more; a shapes graph
with anything else (``sh:closed``, ``sh:equals``, SPARQL targets, recursion, ...) raises
:class:`Unsupported`, and the validator runs pySHACL on every graph. ``tests/test_screen.py``
checks soundness on the W3C SHACL Core tests and on mutations of real article graphs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.term import BNode, Node, URIRef

_SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = ox.NamedNode(f"{_RDF}type")
_SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
_STRING_TYPES = f"(<{_XSD}string>, <{_RDF}langString>)"
_THIS = ox.Variable("this")
#: Stand-in datatype prefix for literals kept verbatim in the screen's store.
_STAND_IN = "urn:newskg:screen:"
_UNTYPED = {f"{_XSD}string", f"{_RDF}langString"}
#: ``x screen:instanceOf C`` for each SHACL instance (``x rdf:type/rdfs:subClassOf* C``), worked
#: out as the graph is stored: a plain triple pattern is much faster than the property path.
_INSTANCE_OF = ox.NamedNode(f"{_STAND_IN}instanceOf")
#: A triple in every screened graph, so that ``GRAPH ?g`` reaches each graph even for a target
#: pattern without triples (``VALUES ?this { ... }`` for sh:targetNode).
_MARK = ox.NamedNode(f"{_STAND_IN}graph")
#: Lexical forms accepted as valid for *sure*, stricter than rdflib's parsers (which also take
#: "1_000" or a year 10000). A literal outside them is flagged and pySHACL decides.
_LEXICAL = {
    f"{_XSD}integer": r"^[+-]?[0-9]+$",
    f"{_XSD}nonNegativeInteger": r"^[0-9]+$",
    f"{_XSD}decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    f"{_XSD}boolean": r"^(true|false|1|0)$",
    f"{_XSD}date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    f"{_XSD}dateTime": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
#: Datatypes whose values pyoxigraph also parses, so that "2022-02-30" is flagged as rdflib would.
_CASTS = {f"{_XSD}date", f"{_XSD}dateTime"}
#: Parameters that do not change whether a node conforms (and targets, handled apart).
_INERT = {
    "message",
    "severity",
    "name",
    "description",
    "order",
    "group",
    "defaultValue",
    "targetClass",
    "targetNode",
    "targetSubjectsOf",
    "targetObjectsOf",
    "path",
}
_VALUE = {
    "class",
    "datatype",
    "nodeKind",
    "minLength",
    "maxLength",
    "pattern",
    "flags",
    "in",
    "languageIn",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "node",
    "not",
    "and",
    "or",
    "xone",
    "property",
}
_PROPERTY = {
    "hasValue",
    "minCount",
    "maxCount",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
    "lessThan",
    "lessThanOrEquals",
}
#: Parameters pySHACL refuses to see twice on one shape (so neither does the screen).
_SINGLE = {
    "path",
    "datatype",
    "nodeKind",
    "minLength",
    "maxLength",
    "pattern",
    "flags",
    "languageIn",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "minCount",
    "maxCount",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
}
_COMPARISONS = {
    "minInclusive": ">=",
    "maxInclusive": "<=",
    "minExclusive": ">",
    "maxExclusive": "<",
}
_NODE_KINDS = {
    "IRI": "isIRI({0})",
    "BlankNode": "isBlank({0})",
    "Literal": "isLiteral({0})",
    "BlankNodeOrIRI": "(isIRI({0}) || isBlank({0}))",
    "BlankNodeOrLiteral": "(isBlank({0}) || isLiteral({0}))",
    "IRIOrLiteral": "(isIRI({0}) || isLiteral({0}))",
}
#: Counts compile to that many distinct values in one pattern; more would be a slow query.
_MAX_COUNTED = 4
#: Patterns read the same by Python's re and SPARQL's REGEX: no class escapes like \\d or \\w.
_PORTABLE_PATTERN = re.compile(r"^(?:[A-Za-z0-9^$\[\]\-+*?{},.|()#=:/_ ]|\\[^A-Za-z0-9])*$")


_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class Unsupported(Exception):
    """The shapes use SHACL the screen does not compile; validate every graph with pySHACL."""


@dataclass(frozen=True)
class SparqlCheck:
    """A SPARQL-based constraint: ``select`` run with ``$this`` bound to each of ``targets``."""

    targets: str
    select: str


@dataclass(frozen=True)
class Screen:
    """The compiled shapes: one query for the SHACL Core constraints, plus SPARQL constraints.

    pyoxigraph parses and plans a query on every call (about 10 ms for newskg's shapes), so
    :meth:`passes_each` screens many graphs with one query, each in its own named graph.
    """

    core: str  # SELECT DISTINCT ?g: the graphs where some focus node may not conform
    sparql_checks: tuple[SparqlCheck, ...]

    def passes(self, triples: Iterable[ox.Triple | ox.Quad]) -> bool:
        """True when pySHACL would report nothing on these triples (graph names ignored)."""
        return self.passes_each([triples])[0]

    def passes_each(self, graphs: Sequence[Iterable[ox.Triple | ox.Quad]]) -> list[bool]:
        """:meth:`passes` of each graph, screened together."""
        given = [list(triples) for triples in graphs]
        names = [ox.NamedNode(f"{_STAND_IN}graph:{number}") for number in range(len(given))]
        core = ox.Store()
        stand_ins: dict[ox.Literal, ox.Literal] = {}
        for name, triples in zip(names, given, strict=True):
            core.extend(_core_quads(triples, name, stand_ins))
        try:
            flagged = {solution[0] for solution in core.query(self.core)}  # type: ignore[union-attr]
        except (OSError, SyntaxError, ValueError):  # an evaluation error: let pySHACL decide
            return [False] * len(given)
        passed = [name not in flagged for name in names]
        if self.sparql_checks and any(passed):
            plain = ox.Store()
            for name, triples, ok in zip(names, given, passed, strict=True):
                if ok:
                    plain.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
            passed = [
                ok and not self._flags(core, plain, name)
                for name, ok in zip(names, passed, strict=True)
            ]
        return passed

    def _flags(self, core: ox.Store, plain: ox.Store, graph: ox.NamedNode) -> bool:
        """Whether a SPARQL constraint selects a row for a focus node (targets as in ``core``)."""
        try:
            for check in self.sparql_checks:
                for solution in core.query(check.targets, default_graph=graph):  # type: ignore[union-attr]
                    focus = _given(solution[0])
                    rows = plain.query(
                        check.select, default_graph=graph, substitutions={_THIS: focus}
                    )
                    assert isinstance(rows, ox.QuerySolutions)  # a SELECT, checked at compile
                    if next(rows, None) is not None:
                        return True
        except (OSError, SyntaxError, ValueError):
            return True
        return False


def compile_screen(shapes: rdflib.Graph) -> Screen:
    """The screen of every shape with a target in ``shapes``; :class:`Unsupported` if any shape
    uses SHACL outside the compiled subset or a parameter is malformed (``sh:minCount "x"``)."""
    try:
        return _compile_screen(shapes)
    except Unsupported:
        raise
    except Exception as exc:  # int("x"), a list that is not one ...: pySHACL will say what
        raise Unsupported(f"{type(exc).__name__}: {exc}") from exc


def _compile_screen(shapes: rdflib.Graph) -> Screen:
    for name in ("parameter", "validator", "nodeValidator", "propertyValidator"):
        if next(shapes.subject_objects(_SH[name]), None) is not None:
            raise Unsupported(f"the shapes declare constraint components (sh:{name})")
    compiler = _Compiler(shapes)
    branches: list[str] = []
    checks: list[SparqlCheck] = []
    for shape in sorted(_targeted_shapes(shapes), key=str):
        targets = _targets(shapes, shape)
        if targets is None:
            continue
        branches.append(f"{{ {targets} FILTER (!{compiler.shape(shape, '?this', sure=True)}) }}")
        checks.extend(
            SparqlCheck(f"SELECT DISTINCT ?this WHERE {{ {targets} }}", select)
            for select in _sparql_selects(shapes, shape)
        )
    union = " UNION ".join(branches or ["{ FILTER (false) }"])
    core = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {union} }} }}"
    _check_syntax(core)
    for check in checks:
        _check_syntax(check.select)
    return Screen(core=core, sparql_checks=tuple(checks))


class _Compiler:
    """Turns shapes into SPARQL boolean expressions about a variable (see the module doc)."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self._names = itertools.count()
        self._open: list[Node] = []
        self._top: Node | None = None

    def shape(self, shape: Node, term: str, *, sure: bool) -> str:
        """Whether ``term`` conforms to ``shape``: surely (``sure``) or possibly."""
        if shape in self._open:
            raise Unsupported(f"the shape {shape} refers to itself")
        if not self._open:
            self._top = shape
        self._open.append(shape)
        try:
            return _all(self._shape(shape, term, sure))
        finally:
            self._open.pop()

    def _shape(self, shape: Node, term: str, sure: bool) -> Iterator[str]:
        parameters = self._parameters(shape)
        path_node = self.graph.value(shape, _SH.path)
        if path_node is None:
            if parameters & (_PROPERTY - {"hasValue"}):
                raise Unsupported(f"the node shape {shape} has parameters of property shapes")
            yield from self._value_checks(shape, parameters, term, sure)
            yield from (_same(term, v, sure) for v in self.graph.objects(shape, _SH.hasValue))
            return
        path = _path(self.graph, path_node)
        value = self._variable()
        checks = _all(self._value_checks(shape, parameters, value, sure))
        if checks != "true":
            yield f"NOT EXISTS {{ {term} {path} {value} FILTER (!{checks}) }}"
        yield from self._property_checks(shape, parameters, term, path, sure)

    def _parameters(self, shape: Node) -> set[str]:
        names = {str(p)[len(_SH) :] for p in self.graph.predicates(shape) if str(p).startswith(_SH)}
        if self.graph.value(shape, _SH.deactivated) is not None:
            raise Unsupported(f"sh:deactivated on {shape}")
        allowed = _INERT | _VALUE | _PROPERTY | ({"sparql"} if shape == self._top else set())
        unknown = names - allowed
        if unknown:
            raise Unsupported(f"{shape} uses sh:{', sh:'.join(sorted(unknown))}")
        for name in names & _SINGLE:
            if len(set(self.graph.objects(shape, _SH[name]))) > 1:
                raise Unsupported(f"{shape} has more than one sh:{name}")
        return names

    def _value_checks(self, shape: Node, names: set[str], term: str, sure: bool) -> Iterator[str]:
        for name in sorted(names & _VALUE):
            for value in self.graph.objects(shape, _SH[name]):
                if name == "property" and self.graph.value(value, _SH.path) is None:
                    raise Unsupported(f"sh:property {value} of {shape} has no sh:path")
                yield self._value_check(shape, name, value, term, sure)

    def _value_check(self, shape: Node, name: str, value: Node, term: str, sure: bool) -> str:
        if name == "class":
            return f"EXISTS {{ {term} <{_INSTANCE_OF.value}> {_stored(value)} }}"
        if name == "datatype":
            return _datatype(term, str(value), sure)
        if name == "nodeKind":
            kind = str(value)[len(_SH) :]
            if kind not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {value}")
            return _NODE_KINDS[kind].format(term)
        if name in ("minLength", "maxLength", "pattern"):
            return _text_check(term, self._text_test(shape, name, value, term), sure)
        if name == "flags":
            return "true"  # read with sh:pattern
        if name == "in":
            members = [_same(term, member, sure) for member in self._list(value)]
            return "(" + " || ".join(["false", *members]) + ")"
        if name == "languageIn":
            return self._language_in(value, term)
        if name in _COMPARISONS:
            return _guarded(f"{_typed(term)} {_COMPARISONS[name]} {_constant(value)}", sure)
        return self._logical(name, value, term, sure)

    def _logical(self, name: str, value: Node, term: str, sure: bool) -> str:
        if name in ("node", "property"):
            return self.shape(value, term, sure=sure)
        if name == "not":
            return f"(!{self.shape(value, term, sure=not sure)})"
        members = self._list(value)
        if name == "and":
            return _all(self.shape(m, term, sure=sure) for m in members)
        if name == "or":
            return "(" + " || ".join(self.shape(m, term, sure=sure) for m in members) + ")"
        one_of = []  # xone: exactly one member conforms
        for member in members:
            others = [f"(!{self.shape(m, term, sure=not sure)})" for m in members if m != member]
            one_of.append(_all([self.shape(member, term, sure=sure), *others]))
        return "(" + " || ".join(one_of) + ")"

    def _text_test(self, shape: Node, name: str, value: Node, term: str) -> str:
        if name == "minLength":
            return f"STRLEN(STR({term})) >= {_integer(value)}"
        if name == "maxLength":
            return f"STRLEN(STR({term})) <= {_integer(value)}"
        flags = str(self.graph.value(shape, _SH.flags) or "")
        if not _PORTABLE_PATTERN.match(str(value)) or flags not in ("", "i"):
            raise Unsupported(f"sh:pattern {str(value)!r} with flags {flags!r}")
        return f"REGEX(STR({term}), {_string(str(value))}, {_string(flags)})"

    def _language_in(self, value: Node, term: str) -> str:
        """pySHACL's test: the tag, or its first subtag, is one of the ranges (any case)."""
        ranges = [str(member).lower() for member in self._list(value)]
        if "*" in ranges:
            raise Unsupported("sh:languageIn with the range *")
        listed = ", ".join(_string(r) for r in ranges)
        tag = f"LCASE(LANG({term}))"
        first = f'IF(CONTAINS({tag}, "-"), STRBEFORE({tag}, "-"), {tag})'
        tagged = f'isLiteral({term}) && LANG({term}) != ""'
        return f"({tagged} && ({tag} IN ({listed}) || {first} IN ({listed})))"

    def _property_checks(
        self, shape: Node, names: set[str], term: str, path: str, sure: bool
    ) -> Iterator[str]:
        for value in self.graph.objects(shape, _SH.hasValue):
            found = self._variable()
            yield f"EXISTS {{ {term} {path} {found} FILTER ({_same(found, value, sure)}) }}"
        for name in ("minCount", "maxCount"):
            for value in self.graph.objects(shape, _SH[name]):
                yield self._count(term, path, _integer(value), name == "minCount", None, sure)
        if "qualifiedValueShape" in names:
            yield from self._qualified(shape, term, path, sure)
        for name, operator in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
            for other in self.graph.objects(shape, _SH[name]):
                if not isinstance(other, URIRef):
                    raise Unsupported(f"sh:{name} with a path that is not an IRI")
                left, right = self._variable(), self._variable()
                ordered = _guarded(f"{_typed(left)} {operator} {_typed(right)}", sure)
                yield (
                    f"NOT EXISTS {{ {term} {path} {left} . {term} {_stored(other)} {right} "
                    f"FILTER (!{ordered}) }}"
                )

    def _qualified(self, shape: Node, term: str, path: str, sure: bool) -> Iterator[str]:
        disjoint = self.graph.value(shape, _SH.qualifiedValueShapesDisjoint)
        if disjoint not in (None, rdflib.Literal(False)):
            raise Unsupported("sh:qualifiedValueShapesDisjoint true")
        qualified = self.graph.value(shape, _SH.qualifiedValueShape)
        assert qualified is not None  # "qualifiedValueShape" is in names, and single
        for value in self.graph.objects(shape, _SH.qualifiedMinCount):
            yield self._count(term, path, _integer(value), True, qualified, sure)
        for value in self.graph.objects(shape, _SH.qualifiedMaxCount):
            yield self._count(term, path, _integer(value), False, qualified, sure)

    def _count(
        self, term: str, path: str, bound: int, at_least: bool, qualified: Node | None, sure: bool
    ) -> str:
        """At least ``bound`` values (``at_least``) or at most ``bound``, of the qualified shape.

        SPARQL and rdflib may disagree on whether two literals are one value ("01" and "1"), so a
        count that must be reached counts only surely distinct values when ``sure``, and a count
        that must not be passed counts every term that differs.
        """
        needed = bound if at_least else bound + 1
        if needed == 0:
            return "true"
        if needed > _MAX_COUNTED:
            raise Unsupported(f"a count of {bound} (at most {_MAX_COUNTED - 1} compiled)")
        strict = sure if at_least else not sure  # distinct and conforming surely, or possibly
        values = [self._variable() for _ in range(needed)]
        parts = [f"{term} {path} {value} ." for value in values]
        tests = [_distinct(a, b, strict) for a, b in itertools.combinations(values, 2)]
        if qualified is not None:
            tests += [self.shape(qualified, value, sure=strict) for value in values]
        found = f"{{ {' '.join(parts)}{' FILTER (' + ' && '.join(tests) + ')' if tests else ''} }}"
        return f"EXISTS {found}" if at_least else f"NOT EXISTS {found}"

    def _list(self, node: Node) -> list[Node]:
        members = list(Collection(self.graph, node))
        if not members and node != rdflib.RDF.nil:
            raise Unsupported(f"{node} is not an RDF list")
        return members

    def _variable(self) -> str:
        return f"?v{next(self._names)}"


def _targeted_shapes(graph: rdflib.Graph) -> set[Node]:
    kinds = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
    shapes = {s for kind in kinds for s in graph.subjects(_SH[kind], None)}
    for shape in graph.subjects(rdflib.RDF.type, _SH.NodeShape):
        if (shape, rdflib.RDF.type, rdflib.RDFS.Class) in graph or (
            shape,
            rdflib.RDF.type,
            rdflib.OWL.Class,
        ) in graph:
            raise Unsupported(f"{shape} is a class and a shape (implicit class target)")
    return shapes


def _targets(graph: rdflib.Graph, shape: Node) -> str | None:
    """A pattern binding ``?this`` to each focus node of ``shape``."""
    if graph.value(shape, _SH.target) is not None:
        raise Unsupported(f"sh:target (SPARQL-based target) on {shape}")
    classes = graph.objects(shape, _SH.targetClass)
    patterns = [f"{{ ?this <{_INSTANCE_OF.value}> {_stored(c)} }}" for c in classes]
    nodes = [_stored(n) for n in graph.objects(shape, _SH.targetNode)]
    if nodes:
        mark = f"<{_MARK.value}>"
        patterns.append(f"{{ {mark} {mark} {mark} . VALUES ?this {{ {' '.join(nodes)} }} }}")
    patterns += [f"{{ ?this {_stored(p)} [] }}" for p in graph.objects(shape, _SH.targetSubjectsOf)]
    patterns += [f"{{ [] {_stored(p)} ?this }}" for p in graph.objects(shape, _SH.targetObjectsOf)]
    return " UNION ".join(sorted(patterns)) if patterns else None


def _sparql_selects(graph: rdflib.Graph, shape: Node) -> Iterator[str]:
    """The ``sh:select`` texts of the shape's SPARQL constraints, with their declared prefixes."""
    for constraint in graph.objects(shape, _SH.sparql):
        select = graph.value(constraint, _SH.select)
        names = {str(p)[len(_SH) :] for p in graph.predicates(constraint) if str(p).startswith(_SH)}
        if select is None or names - {"select", "prefixes", "message", "severity"}:
            raise Unsupported(f"the SPARQL constraint {constraint} is not a plain sh:select")
        text = str(select)
        if re.search(r"\$(PATH|shapesGraph|currentShape)\b", text) or graph.value(shape, _SH.path):
            raise Unsupported(f"{constraint} needs a pre-bound variable other than $this")
        if not _binds_this_plainly(text):
            raise Unsupported(f"{constraint} is not one group whose triple patterns bind $this")
        declared = sorted(
            (str(graph.value(d, _SH.prefix)), str(graph.value(d, _SH.namespace)))
            for source in graph.objects(constraint, _SH.prefixes)
            for d in graph.objects(source, _SH.declare)
        )
        yield "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in declared) + text


def _binds_this_plainly(select: str) -> bool:
    """A SELECT of one group (no subquery, OPTIONAL, UNION, EXISTS, VALUES ...) whose triple
    patterns use ``$this``: there, SHACL's pre-binding and pyoxigraph's substitution agree, where
    in nested groups they do not (W3C tests sparql/pre-binding/pre-binding-003 to 005)."""
    where = re.search(r"\bWHERE\s*\{(.*)\}\s*$", select, re.DOTALL | re.IGNORECASE)
    if where is None or select.upper().count("SELECT") != 1:
        return False
    body = where.group(1)
    if "{" in body or "}" in body or re.search(r"\b(VALUES|SERVICE)\b", body, re.IGNORECASE):
        return False
    return re.search(r"[$?]this\b", _without_expressions(body)) is not None


def _without_expressions(body: str) -> str:
    """The text with each ``FILTER (...)`` and ``BIND (...)`` cut out (parentheses balanced)."""
    kept, position = [], 0
    for keyword in re.finditer(r"\b(FILTER|BIND)\s*\(", body, re.IGNORECASE):
        if keyword.start() < position:
            continue  # inside an expression already cut
        kept.append(body[position : keyword.start()])
        depth, position = 1, keyword.end()
        while depth and position < len(body):
            depth += {"(": 1, ")": -1}.get(body[position], 0)
            position += 1
    kept.append(body[position:])
    return " ".join(kept)


def _check_syntax(query: str) -> None:
    """The query parses, and is a SELECT (the screen reads rows of solutions)."""
    try:
        solutions = ox.Store().query(query)
    except SyntaxError as exc:
        raise Unsupported(f"pyoxigraph cannot parse a compiled query: {exc}") from exc
    if not isinstance(solutions, ox.QuerySolutions):
        raise Unsupported(f"not a SELECT query: {query[:80]!r}")


def _path(graph: rdflib.Graph, node: Node) -> str:
    """A SHACL property path in SPARQL syntax."""
    if isinstance(node, URIRef):
        return _stored(node)
    for key, template in (
        ("inversePath", "^({})"),
        ("zeroOrMorePath", "({})*"),
        ("oneOrMorePath", "({})+"),
        ("zeroOrOnePath", "({})?"),
    ):
        inner = graph.value(node, _SH[key])
        if inner is not None:
            return template.format(_path(graph, inner))
    alternatives = graph.value(node, _SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(graph, m) for m in Collection(graph, alternatives)) + ")"
    steps = list(Collection(graph, node)) if isinstance(node, BNode) else []
    if len(steps) < 2:
        raise Unsupported(f"the path {node} is not a SHACL path")
    return "(" + "/".join(_path(graph, step) for step in steps) + ")"


def _datatype(term: str, datatype: str, sure: bool) -> str:
    stored = datatype if datatype in _UNTYPED else _STAND_IN + datatype
    typed = f"(isLiteral({term}) && DATATYPE({term}) = <{stored}>)"
    if not sure or datatype in _UNTYPED:
        return typed
    if datatype not in _LEXICAL:
        raise Unsupported(f"sh:datatype <{datatype}> (no lexical check compiled)")
    checks = [typed, f"REGEX(STR({term}), {_string(_LEXICAL[datatype])})"]
    if datatype in _CASTS:  # and year 0, which pyoxigraph takes and Python's dates do not
        checks.append(f'!STRSTARTS(STR({term}), "0000")')
        checks.append(f"COALESCE(DATATYPE(<{datatype}>(STR({term}))) = <{datatype}>, false)")
    return _all(checks)


def _text_check(term: str, test: str, sure: bool) -> str:
    """A length or pattern test on a value's text; rdflib normalises the text of typed literals
    ("1.50"^^xsd:decimal reads "1.5"), so only IRIs and strings are sure."""
    if sure:
        return (
            f"((isIRI({term}) || (isLiteral({term}) && DATATYPE({term}) IN {_STRING_TYPES}))"
            f" && {_guarded(test, True)})"
        )
    return (
        f"(!isBlank({term}) && ((isLiteral({term}) && DATATYPE({term}) NOT IN {_STRING_TYPES})"
        f" || {_guarded(test, False)}))"
    )


def _same(term: str, value: Node, sure: bool) -> str:
    same = f"sameTerm({term}, {_stored(value)})"
    equal = _guarded(f"{_typed(term)} = {_constant(value)}", False)
    return same if sure else f"({same} || {equal})"


def _distinct(left: str, right: str, sure: bool) -> str:
    """Two values pySHACL surely counts apart (``sure``), or may count apart."""
    if not sure:
        return f"!sameTerm({left}, {right})"
    return f"(!sameTerm({left}, {right}) && {_guarded(f'{_typed(left)} != {_typed(right)}', True)})"


def _guarded(test: str, sure: bool) -> str:
    """A test whose SPARQL error (incomparable terms) counts as failing when ``sure``, else as
    passing: pySHACL's own comparison may differ there."""
    return f"COALESCE({test}, {'false' if sure else 'true'})"


def _integer(value: Node) -> int:
    """A count or length parameter; pySHACL rejects any other value, and so does the screen."""
    if not isinstance(value, rdflib.Literal) or not isinstance(value.value, int):
        raise Unsupported(f"{value} is not an integer")
    return int(value.value)


def _all(parts: Iterable[str]) -> str:
    listed = [part for part in parts if part != "true"]
    return "(" + " && ".join(listed) + ")" if listed else "true"


def _core_quads(
    triples: list[ox.Triple | ox.Quad], graph: ox.NamedNode, stand_ins: dict[ox.Literal, ox.Literal]
) -> Iterator[ox.Quad]:
    """The triples in ``graph``, typed literals under stand-in datatypes, plus the instances."""
    parents: dict[_Term, set[_Term]] = {}
    yield ox.Quad(_MARK, _MARK, _MARK, graph)
    for t in triples:
        yield ox.Quad(t.subject, t.predicate, _stand_in(t.object, stand_ins), graph)
        if t.predicate == _SUBCLASS_OF:
            parents.setdefault(t.subject, set()).add(t.object)
    ancestors: dict[_Term, set[_Term]] = {}
    for t in triples:
        if t.predicate == _RDF_TYPE:
            if t.object not in ancestors:
                ancestors[t.object] = _ancestors(t.object, parents)
            for cls in ancestors[t.object]:
                yield ox.Quad(t.subject, _INSTANCE_OF, cls, graph)


def _ancestors(cls: _Term, parents: dict[_Term, set[_Term]]) -> set[_Term]:
    """``cls`` and every class it is an rdfs:subClassOf, directly or not (cycles allowed)."""
    found, todo = {cls}, [cls]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def _stand_in(term: _Term, seen: dict[ox.Literal, ox.Literal]) -> _Term:
    """A typed literal under its stand-in datatype (kept verbatim by the store); others as is."""
    if not isinstance(term, ox.Literal) or term.datatype.value in _UNTYPED:
        return term
    stand_in = seen.get(term)
    if stand_in is None:
        datatype = ox.NamedNode(_STAND_IN + term.datatype.value)
        stand_in = seen[term] = ox.Literal(term.value, datatype=datatype)
    return stand_in


def _given(term: _Term) -> _Term:
    """A stored term as it was given (:func:`_stand_in` undone)."""
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(_STAND_IN):
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype.value[len(_STAND_IN) :]))
    return term


def _typed(term: str) -> str:
    """The value a stored term stands for: a stand-in literal with its real datatype again."""
    datatype = f"STR(DATATYPE({term}))"
    return (
        f"IF(isLiteral({term}) && STRSTARTS({datatype}, {_string(_STAND_IN)}), "
        f"STRDT(STR({term}), IRI(STRAFTER({datatype}, {_string(_STAND_IN)}))), {term})"
    )


def _stored(term: Node) -> str:
    """A constant of the shapes as the screen's store holds it."""
    return _constant(term, stand_in=True)


def _constant(term: Node, *, stand_in: bool = False) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        text = _string(str(term))
        if term.language:
            return f"{text}@{term.language}"
        datatype = str(term.datatype or _XSD + "string")
        if stand_in and datatype not in _UNTYPED:
            datatype = _STAND_IN + datatype
        return f"{text}^^<{datatype}>"
    raise Unsupported(f"the blank node {term} where a constant is needed")


def _string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'
