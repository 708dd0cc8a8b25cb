"""Namespaces newskg writes, as pyoxigraph terms. One place, so no module spells an IRI twice."""

from __future__ import annotations

from pyoxigraph import NamedNode


class Namespace:
    """``NS.term`` and ``NS["term"]`` give a :class:`NamedNode` under ``base``."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._terms: dict[str, NamedNode] = {}  # terms are immutable: made once, shared

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):  # dunders, and ``_terms`` before __init__ (unpickling)
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> NamedNode:
        term = self._terms.get(name)
        if term is None:
            term = self._terms[name] = NamedNode(self.base + name)
        return term

    def __str__(self) -> str:
        return self.base


NK_IRI = "https://w3id.org/newskg/ontology#"
NK = Namespace(NK_IRI)
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
GAF = Namespace("http://groundedannotationframework.org/gaf#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
DCT = Namespace("http://purl.org/dc/terms/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WD = Namespace("http://www.wikidata.org/entity/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

#: Prefixes used when writing Turtle (dumps, pages, CONSTRUCT results).
PREFIXES: dict[str, str] = {
    "nk": NK_IRI,
    "rdf": RDF.base,
    "rdfs": RDFS.base,
    "owl": OWL.base,
    "xsd": XSD.base,
    "skos": SKOS.base,
    "schema": SCHEMA.base,
    "prov": PROV.base,
    "nif": NIF.base,
    "gaf": GAF.base,
    "sem": SEM.base,
    "org": ORG.base,
    "time": TIME.base,
    "dct": DCT.base,
    "void": VOID.base,
    "dcat": DCAT.base,
    "sh": SH.base,
    "wd": WD.base,
    "geo": GEO.base,
}
