"""Content negotiation (RFC 9110 section 12.5.1) over pyoxigraph's own format enums.

A client's Accept ranges are matched against what we offer. Concrete media types go through
``QueryResultsFormat.from_media_type`` / ``RdfFormat.from_media_type``, so every alias pyoxigraph
knows (``application/json``, ``text/xml``, ``application/x-turtle`` ...) works and no format table
is kept here. The most specific matching range gives an offer its quality; ties go to the offer
listed first, which is the default.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat

from kg.errors import NotAcceptable
from kg.sparql.lexer import QueryForm

Format = QueryResultsFormat | RdfFormat

#: What SELECT and ASK results are offered as, default first.
RESULT_FORMATS: tuple[QueryResultsFormat, ...] = (
    QueryResultsFormat.JSON,
    QueryResultsFormat.XML,
    QueryResultsFormat.CSV,
    QueryResultsFormat.TSV,
)
#: What CONSTRUCT and DESCRIBE results (and Linked Data descriptions) are offered as.
GRAPH_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES,
    RdfFormat.JSON_LD,
    RdfFormat.N_QUADS,
    RdfFormat.RDF_XML,
)
HTML = "text/html"


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return 0 if self.type == "*" else 1 if self.subtype == "*" else 2


def bare(media_type: str) -> str:
    """``text/csv; charset=utf-8`` -> ``text/csv``."""
    return media_type.split(";", 1)[0].strip().lower()


def parse_accept(header: str | None) -> list[MediaRange]:
    """The ranges of an Accept header; malformed parts are skipped, as browsers do."""
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, _, sub = fields[0].lower().partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def best_offer(
    header: str | None, offers: Sequence[str], alias: Callable[[str], str | None]
) -> str | None:
    """The offer (a bare media type) the client prefers, or None when none is acceptable.

    ``alias`` maps a concrete requested media type to the offer it names (or None).
    """
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, str] | None = None
    for offer in offers:
        kind, _, _sub = offer.partition("/")
        quality: tuple[int, float] | None = None
        for r in ranges:
            if r.specificity == 2:
                named = f"{r.type}/{r.subtype}"
                matches = named == offer or alias(named) == offer
            else:
                matches = r.type == "*" or (r.type == kind and r.subtype == "*")
            if matches and (quality is None or (r.specificity, r.q) > quality):
                quality = (r.specificity, r.q)
        if quality is not None and quality[1] > 0 and (best is None or quality[1] > best[0]):
            best = (quality[1], offer)
    return best[1] if best else None


def offers_for(form: QueryForm | None) -> tuple[Format, ...]:
    return GRAPH_FORMATS if form is not None and form.gives_graph else RESULT_FORMATS


def _alias(formats: Sequence[Format]) -> Callable[[str], str | None]:
    offered = {bare(f.media_type) for f in formats}

    def alias(media_type: str) -> str | None:
        found: Format | None
        if isinstance(formats[0], RdfFormat):
            found = RdfFormat.from_media_type(media_type)
        else:
            found = QueryResultsFormat.from_media_type(media_type)
        name = bare(found.media_type) if found is not None else None
        return name if name in offered else None

    return alias


def negotiate(
    formats: Sequence[Format],
    accept: str | None,
    *,
    extra: Sequence[str] = (),
    extra_first: bool = False,
) -> Format | str:
    """The format to answer in: one of ``formats`` or one of the ``extra`` media types (HTML).

    ``extra`` offers come after the formats (they win only when the client prefers them), or
    before them with ``extra_first`` (they are the default, as HTML is for a Linked Data page).
    """
    by_name = {bare(f.media_type): f for f in formats}
    offers = [*extra, *by_name] if extra_first else [*by_name, *extra]
    chosen = best_offer(accept, offers, _alias(formats))
    if chosen is None:
        raise NotAcceptable(
            f"none of the media types in Accept: {accept} can be produced here",
            fix="accept one of " + ", ".join(offers),
        )
    return by_name.get(chosen, chosen)


def format_from_name(formats: Sequence[Format], name: str) -> Format | None:
    """A ``format=`` parameter (``json``, ``csv``, ``ttl`` or a media type) among ``formats``."""
    name = name.strip().lower()
    for f in formats:
        if name in (f.file_extension, bare(f.media_type), f.name.lower()):
            return f
    if "/" in name:
        found = _alias(formats)(name)
        return next((f for f in formats if bare(f.media_type) == found), None)
    kind = type(formats[0]) if formats else None
    by_ext = kind.from_extension(name) if kind is not None else None
    return by_ext if by_ext in formats else None
