"""Which IRI of the dataset a request path denotes, and in which format it is asked for.

A resource ``<base>id/entity/x`` is served at ``/id/entity/x``, as sent by the client (still
percent-encoded), as minted (:mod:`kg.iris` quotes article ids), or decoded; a file extension
(``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.html``) asks for one format. Only the store is
consulted, so no path can reach a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import NamedNode, RdfFormat, Store

from kg.dataset.resource import exists

#: The formats a resource is offered in, besides HTML.
LD_FORMATS = (RdfFormat.TURTLE, RdfFormat.JSON_LD, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML)
#: What a path's extension may ask for: an RDF format, or "html".
HTML_EXTENSION = "html"
_PCHAR = "/-._~!$&'()*+,;=:@%"


@dataclass(frozen=True, slots=True)
class Resolved:
    """The IRI a path denotes, and the format its extension asked for (None: negotiate)."""

    iri: str
    forced: RdfFormat | str | None = None


def resolve(store: Store, base: str, decoded: str, raw: str) -> Resolved | None:
    """The resource or named graph ``decoded`` (``raw`` as sent) denotes under ``base``."""
    found = _existing(store, candidates(base, decoded, raw))
    if found is not None:
        return Resolved(found)
    if "." not in decoded.rsplit("/", 1)[-1]:
        return None
    stem, _, extension = decoded.rpartition(".")
    forced = HTML_EXTENSION if extension == HTML_EXTENSION else RdfFormat.from_extension(extension)
    if forced not in (HTML_EXTENSION, *LD_FORMATS):
        return None
    found = _existing(store, candidates(base, stem, raw.rpartition(".")[0]))
    return None if found is None else Resolved(found, forced)


#: Segments of the fixed part of a minted path (``id/article/`` + a quoted article id).
_MINTED_HEAD = 3


def candidates(base: str, decoded: str, raw: str) -> list[str]:
    """IRIs a path may stand for: as sent, as minted (kg.iris quotes ids), as decoded. A server
    that hands on only the decoded path (granian) makes ``a%2Fb`` and ``a/b`` look alike, so the
    last segments are also tried as one quoted id after each of the first few segments."""
    paths = [raw, quote(decoded, safe="/-._~"), quote(decoded, safe=_PCHAR), decoded]
    segments = decoded.split("/")
    for head in range(1, min(_MINTED_HEAD, len(segments) - 1) + 1):
        paths.append(
            "/".join(segments[:head]) + "/" + quote("/".join(segments[head:]), safe="-._~")
        )
    found: list[str] = []
    for path in paths:
        iri = base + path
        if iri not in found:
            found.append(iri)
    return found


def _existing(store: Store, iris: list[str]) -> str | None:
    """The first of ``iris`` the store knows, as a resource or as a named graph."""
    for iri in iris:
        try:
            if exists(store, iri) or store.contains_named_graph(NamedNode(iri)):
                return iri
        except ValueError:
            continue
    return None
