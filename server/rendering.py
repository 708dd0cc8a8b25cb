"""Turn RDF terms and documents into what templates show and what responses carry.

Templates only ever receive plain strings from here and Jinja escapes them (autoescape is on for
every ``.html`` template; nothing is marked safe), so a literal can never inject markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse, serialize

from kg.sparql.jsonld import compact_jsonld
from kg.sparql.negotiation import GRAPH_FORMATS
from kg.vocab import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class TermView:
    """How a page shows one term: ``text`` always, a link when it is an IRI."""

    kind: str
    text: str
    href: str | None = None
    iri: str | None = None
    note: str | None = None


class Site:
    """Where the dataset's IRIs live on this server (base IRI -> local path)."""

    def __init__(self, base_iri: str, script_root: str = "") -> None:
        self.base_iri = base_iri
        self.script_root = script_root.rstrip("/")

    def local(self, iri: str) -> str | None:
        """The local URL of an IRI minted under the base (fragment kept), else None."""
        if iri.startswith(self.base_iri):
            return f"{self.script_root}/{iri[len(self.base_iri) :]}"
        return None

    def href(self, iri: str) -> str | None:
        """Where a link to ``iri`` points: its page here, or the IRI itself when it is an
        http(s) IRI; None for any other scheme (``javascript:``, ``data:``...), which is shown
        as text, never as a link."""
        local = self.local(iri)
        if local is not None:
            return local
        return iri if iri.lower().startswith(("http://", "https://")) else None

    def page_link(self, iri: str) -> str:
        """:meth:`href` for a template's ``href`` attribute: ``#`` where no link may be made."""
        return self.href(iri) or "#"


def compact(iri: str) -> str:
    """``nk:agent`` for an IRI in a known namespace, else the IRI itself."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            rest = iri[len(namespace) :]
            if rest.replace("_", "").replace("-", "").isalnum():
                return f"{prefix}:{rest}"
    return iri


def term_view(term: Any, site: Site, labels: Mapping[str, str] | None = None) -> TermView:
    """A pyoxigraph term, or a SPARQL JSON binding dict, as a :class:`TermView`."""
    labels = labels or {}
    if isinstance(term, dict):
        kind = term.get("type")
        if kind == "uri":
            term = NamedNode(term["value"])
        elif kind == "bnode":
            return TermView("bnode", "_:" + str(term["value"]))
        elif kind == "literal":
            note = term.get("xml:lang") or (
                compact(term["datatype"]) if term.get("datatype") else None
            )
            return TermView("literal", str(term["value"]), note=note)
        else:
            return TermView("literal", str(term.get("value", "")))
    if isinstance(term, NamedNode):
        text = labels.get(term.value) or compact(term.value)
        return TermView("iri", text, href=site.href(term.value), iri=term.value)
    if isinstance(term, BlankNode):
        return TermView("bnode", "_:" + term.value)
    if isinstance(term, Literal):
        note = term.language or (
            compact(term.datatype.value) if term.datatype.value != XSD_STRING else None
        )
        return TermView("literal", term.value, note=note)
    if isinstance(term, Triple):
        return TermView("triple", str(term))
    return TermView("literal", str(term))


def rdf_body(
    triples: Sequence[Triple], fmt: RdfFormat, extra_prefixes: Mapping[str, str] | None = None
) -> bytes:
    """Triples in ``fmt``: Turtle and RDF/XML with our prefixes, JSON-LD compacted with them
    as its ``@context`` (:mod:`kg.sparql.jsonld`)."""
    prefixes = {**PREFIXES, **(extra_prefixes or {})}
    if fmt == RdfFormat.JSON_LD:
        return compact_jsonld(triples, prefixes)
    named = prefixes if fmt in (RdfFormat.TURTLE, RdfFormat.RDF_XML) else None
    return serialize(triples, format=fmt, prefixes=named) or b""


def rdf_response(
    triples: Sequence[Triple], fmt: RdfFormat, extra_prefixes: Mapping[str, str] | None = None
) -> Response:
    return Response(rdf_body(triples, fmt, extra_prefixes), content_type=fmt.media_type)


def turtle_as(data: bytes, fmt: RdfFormat) -> bytes:
    """A Turtle document in another of the offered formats (for /ontology, /shapes, /void)."""
    if fmt == RdfFormat.TURTLE:
        return data
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"{fmt} is not offered")
    return rdf_body(list(parse(data, format=RdfFormat.TURTLE)), fmt)
