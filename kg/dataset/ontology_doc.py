"""Render the ontology's Turtle as one human-readable HTML page (served at ``/ontology``).

The page is generated from the Turtle on every call and nothing is cached at module level, so it
cannot drift from the file. pyLODE would be the natural tool, but the installed 3.4.1 wheel cannot
be imported (its ``version.py`` reads a ``pyproject.toml`` the wheel does not ship:
RDFLib/pyLODE#256, #260), so this is a small generator in the same spirit: one section per kind
of term, one entry per term with its label, comment, axioms and alignments.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node, URIRef

from kg.errors import SettingsError
from kg.vocab import NK_IRI, PREFIXES

_VANN = rdflib.Namespace("http://purl.org/vocab/vann/")

#: Page sections: heading, anchor, the rdf:type that puts a term in it.
_SECTIONS = (
    ("Classes", "classes", OWL.Class),
    ("Object properties", "object-properties", OWL.ObjectProperty),
    ("Datatype properties", "datatype-properties", OWL.DatatypeProperty),
    ("Named individuals", "individuals", OWL.NamedIndividual),
    ("Codebook concept schemes", "concept-schemes", SKOS.ConceptScheme),
    ("Codebook concepts", "concepts", SKOS.Concept),
)

#: What each term entry shows, in order: row title and the predicate read from the graph.
_TERM_ROWS = (
    ("Description", RDFS.comment),
    ("Subclass of", RDFS.subClassOf),
    ("Subproperty of", RDFS.subPropertyOf),
    ("Domain", RDFS.domain),
    ("Range", RDFS.range),
    ("Inverse of", OWL.inverseOf),
    ("Type", RDF.type),
    ("Close match", SKOS.closeMatch),
    ("Related match", SKOS.relatedMatch),
    ("Scope note", SKOS.scopeNote),
    ("Notation", SKOS.notation),
    ("Preferred label", SKOS.prefLabel),
    ("Broader", SKOS.broader),
    ("In scheme", SKOS.inScheme),
    ("Citation", DCTERMS.bibliographicCitation),
    ("Source", DCTERMS.source),
    ("Defined by", RDFS.isDefinedBy),
)

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #222; }
code { font-size: 0.95em; }
section.term { border-top: 1px solid #ddd; padding: 0.5rem 0; }
dl { display: grid; grid-template-columns: 11rem 1fr; gap: 0.2rem 1rem; margin: 0.5rem 0; }
dt { font-weight: 600; color: #555; }
dd { margin: 0; }
nav ul { columns: 2; }
"""


def ontology_html(ontology_path: Path) -> str:
    """The HTML documentation page of the ontology in ``ontology_path`` (Turtle)."""
    graph = _read(ontology_path)
    ontology = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    if not isinstance(ontology, URIRef):
        raise SettingsError(
            f"{ontology_path} declares no owl:Ontology",
            fix="point ontology_path at ontology/newskg.ttl",
        )
    title = _first(graph, ontology, DCTERMS.title) or str(ontology)
    sections = [(heading, anchor, _terms(graph, kind)) for heading, anchor, kind in _SECTIONS]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        _header(graph, ontology, title),
        _contents(sections),
        *(_section(graph, heading, anchor, terms) for heading, anchor, terms in sections if terms),
        _namespaces(graph),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _read(path: Path) -> rdflib.Graph:
    try:
        return rdflib.Graph().parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise SettingsError(
            f"the ontology file {path} does not exist",
            fix="set ontology_path to the project's ontology/newskg.ttl",
        ) from exc
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise SettingsError(
            f"the ontology file {path} cannot be parsed as Turtle",
            why=str(exc),
            fix=f"fix the syntax error in {path}",
        ) from exc


def _terms(graph: rdflib.Graph, kind: URIRef) -> list[URIRef]:
    """The ontology's own (nk:) terms of one kind, sorted by local name."""
    found = {term for term in graph.subjects(RDF.type, kind) if isinstance(term, URIRef)}
    return sorted((term for term in found if str(term).startswith(NK_IRI)), key=_local)


def _header(graph: rdflib.Graph, ontology: URIRef, title: str) -> str:
    rows = [
        ("Ontology IRI", _link(graph, ontology)),
        ("Version IRI", _values(graph, ontology, OWL.versionIRI)),
        ("Version", _values(graph, ontology, OWL.versionInfo)),
        ("Namespace", _values(graph, ontology, _VANN.preferredNamespaceUri)),
        ("Preferred prefix", _values(graph, ontology, _VANN.preferredNamespacePrefix)),
        ("Creator", _values(graph, ontology, DCTERMS.creator)),
        ("Licence", _values(graph, ontology, DCTERMS.license)),
        ("See also", _values(graph, ontology, RDFS.seeAlso)),
    ]
    description = _first(graph, ontology, DCTERMS.description) or ""
    return f"<header><h1>{escape(title)}</h1>{_rows(rows)}<p>{escape(description)}</p></header>"


def _contents(sections: Iterable[tuple[str, str, list[URIRef]]]) -> str:
    items = "".join(
        f'<li><a href="#{anchor}">{escape(heading)}</a> ({len(terms)})</li>'
        for heading, anchor, terms in sections
        if terms
    )
    namespaces = '<li><a href="#namespaces">Namespaces</a></li>'
    return f"<nav><h2>Contents</h2><ul>{items}{namespaces}</ul></nav>"


def _section(graph: rdflib.Graph, heading: str, anchor: str, terms: list[URIRef]) -> str:
    entries = "".join(_term(graph, term) for term in terms)
    return f'<section id="{anchor}"><h2>{escape(heading)}</h2>{entries}</section>'


def _term(graph: rdflib.Graph, term: URIRef) -> str:
    """One term: its label as heading, its IRI, then every row that has a value."""
    label = _first(graph, term, RDFS.label) or _local(term)
    rows = [("IRI", f"<code>{escape(str(term))}</code>")]
    for title, predicate in _TERM_ROWS:
        rows.append((title, _values(graph, term, predicate)))
    subclasses = sorted(graph.subjects(RDFS.subClassOf, term), key=str)
    rows.append(("Subclasses", _inline(graph, subclasses)))
    rows.append(("Disjoint with", _inline(graph, _disjoint(graph, term))))
    heading = f"{escape(label)} <code>nk:{escape(_local(term))}</code>"
    return (
        f'<section class="term" id="{escape(_local(term))}">'
        f"<h3>{heading}</h3>{_rows(rows)}</section>"
    )


def _disjoint(graph: rdflib.Graph, term: URIRef) -> list[Node]:
    """Classes declared disjoint with ``term`` (owl:disjointWith or owl:AllDisjointClasses)."""
    found = set(graph.objects(term, OWL.disjointWith)) | set(graph.subjects(OWL.disjointWith, term))
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in graph.objects(axiom, OWL.members):
            classes = list(Collection(graph, members))
            if term in classes:
                found.update(member for member in classes if member != term)
    return sorted(found, key=str)


def _namespaces(graph: rdflib.Graph) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(prefix)}</code></td><td><code>{escape(str(namespace))}</code></td></tr>"
        for prefix, namespace in sorted(graph.namespace_manager.namespaces())
        if prefix
    )
    return f'<section id="namespaces"><h2>Namespaces</h2><table>{rows}</table></section>'


def _rows(rows: Iterable[tuple[str, str]]) -> str:
    cells = "".join(f"<dt>{escape(title)}</dt><dd>{html}</dd>" for title, html in rows if html)
    return f"<dl>{cells}</dl>"


def _values(graph: rdflib.Graph, subject: Node, predicate: URIRef) -> str:
    return _inline(graph, sorted(graph.objects(subject, predicate), key=str))


def _inline(graph: rdflib.Graph, nodes: Iterable[Node]) -> str:
    """Values joined by commas; blank nodes (axiom internals) are shown in their own rows."""
    shown = (node for node in nodes if not isinstance(node, rdflib.BNode))
    return ", ".join(
        _link(graph, node) if isinstance(node, URIRef) else escape(str(node)) for node in shown
    )


def _link(graph: rdflib.Graph, iri: URIRef) -> str:
    """An nk: term links to its entry here, by label; any other IRI to itself, shortened."""
    text = str(iri)
    if text.startswith(NK_IRI):
        label = _first(graph, iri, RDFS.label) or _local(iri)
        return f'<a href="#{escape(_local(iri))}">{escape(label)}</a>'
    return f'<a href="{escape(text)}"><code>{escape(_curie(text))}</code></a>'


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        rest = iri[len(namespace) :]
        if iri.startswith(namespace) and rest and rest.replace("_", "").isalnum():
            return f"{prefix}:{rest}"
    return iri


def _local(term: Node) -> str:
    return str(term).removeprefix(NK_IRI)


def _first(graph: rdflib.Graph, subject: Node, predicate: URIRef) -> str | None:
    """The English value if there is one, else any value (as text)."""
    values = sorted(graph.objects(subject, predicate), key=str)
    english = [v for v in values if isinstance(v, rdflib.Literal) and v.language == "en"]
    chosen = (english or values or [None])[0]
    return None if chosen is None else str(chosen)
