"""Compacted JSON-LD: triples as a document with an ``@context`` of our prefixes.

pyoxigraph writes expanded JSON-LD (full IRIs everywhere, no context), which is correct but hard
to read and to use as JSON. :func:`compact_jsonld` writes the same triples as a JSON-LD 1.1
document: ``@context`` maps our prefixes, nodes are in ``@graph`` sorted by ``@id``, IRIs are
compact IRIs where a prefix fits, ``rdf:type`` is ``@type``, and literals keep their exact
lexical form (typed values stay value objects, so ``"0.85"^^xsd:decimal`` never becomes a JSON
number). Expanding the document gives back exactly the triples.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
MEDIA_TYPE = "application/ld+json"


class _Compactor:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first, so "entity:" wins over a shorter namespace it starts with.
        self.prefixes = sorted(prefixes.items(), key=lambda p: -len(p[1]))

    def iri(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace) :]
                if not local.startswith("//") and ":" not in local.split("/", 1)[0]:
                    return f"{prefix}:{local}"
        return iri

    def node_id(self, node: Any) -> str:
        return f"_:{node.value}" if isinstance(node, BlankNode) else self.iri(node.value)

    def value(self, term: Any) -> Any:
        if isinstance(term, Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if term.datatype.value == XSD_STRING:
                return {"@value": term.value}
            return {"@value": term.value, "@type": self.iri(term.datatype.value)}
        if isinstance(term, Triple):
            raise ValueError("RDF 1.2 triple terms have no JSON-LD 1.1 form")
        return {"@id": self.node_id(term)}


def compact_jsonld(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> bytes:
    """The triples as compacted JSON-LD 1.1 (see the module docstring)."""
    compactor = _Compactor(prefixes)
    nodes: dict[str, dict[str, Any]] = {}
    for triple in triples:
        subject = compactor.node_id(triple.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        predicate = triple.predicate.value
        if predicate == RDF_TYPE and isinstance(triple.object, NamedNode):
            node.setdefault("@type", []).append(compactor.iri(triple.object.value))
        else:
            node.setdefault(compactor.iri(predicate), []).append(compactor.value(triple.object))
    graph = []
    for key in sorted(nodes):
        node = nodes[key]
        ordered = {"@id": node.pop("@id")}
        if "@type" in node:
            ordered["@type"] = sorted(node.pop("@type"))
        for name in sorted(node):
            ordered[name] = sorted(node[name], key=lambda v: json.dumps(v, sort_keys=True))
        graph.append(ordered)
    context = {prefix: namespace for prefix, namespace in sorted(prefixes.items())}
    document = {"@context": context, "@graph": graph}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
