"""Entities and positions of one parsed article: NER, gazetteer and rules, reconciled.

:func:`find_entities` is a pure function of the parsed document and the gazetteer. It gathers
candidate spans from every source (:mod:`titles`, :mod:`groups`, the gazetteer and facility
rulers of :mod:`ruler`, the statistical NER), keeps one per stretch of text
(:func:`candidates.select`), resolves them into entities (:mod:`coref`) and reads the positions
that titles state. All work is linear in the document's length.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

from kg.extract.candidates import FIXED, GAZETTEER, NER, WEAK, Candidate, select, trim
from kg.extract.coordination import with_shared_heads
from kg.extract.coref import initials, resolve
from kg.extract.facilities import (
    IsCountryWord,
    appositive_facility,
    facility_candidates,
    head_of,
)
from kg.extract.groups import group_candidates
from kg.extract.kinds import dateline_candidates, kind_candidates, with_kinds
from kg.extract.known import (
    agreed,
    cores_of,
    country_named,
    demonym_before,
    group_identity,
    identify,
)
from kg.extract.levels import with_levels
from kg.extract.lexicon import Lexicon
from kg.extract.metonymy import capitals_as_countries
from kg.extract.ruler import FACILITY_SPANS, GAZETTEER_SPANS
from kg.extract.titles import TitleMatch, find_titles
from kg.gazetteer.table import Gazetteer, GazetteerEntry
from kg.model import CORE_CLASS, Entity, Mention, Position
from kg.names import GROUP_NAMES, normalise

#: spaCy NER labels that name entities, and the class each gives; NORP, DATE etc. do not.
NER_CLASSES = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Facility",
}


#: NER labels of things that are no names at all: a gazetteer word inside one ("May") is none.
NOT_NAMES = frozenset({"DATE", "TIME", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "PERCENT"})


@dataclass(frozen=True, slots=True)
class Context:
    """What every step needs: the parsed article, the gazetteer, the word lists."""

    doc: Doc
    gazetteer: Gazetteer
    lexicon: Lexicon


def find_entities(
    doc: Doc, gazetteer: Gazetteer, lexicon: Lexicon
) -> tuple[tuple[Entity, ...], tuple[Position, ...]]:
    """The article's entities (in order of first mention) and the positions its titles state."""
    context = Context(doc, gazetteer, lexicon)
    ner = ner_candidates(context)
    known = gazetteer_candidates(context, ner) + ner
    known += acronym_candidates(doc, known)
    demonyms = _demonyms(context)
    titles = find_titles(
        doc,
        context.lexicon,
        entity_spans=[(c.start, c.end) for c in known if c.cls != "Person"],
        demonym_starts={end: start for end, (start, _) in demonyms.items()},
        blocking_spans=[(c.start, c.end) for c in ner if c.cls != "Person"],
        person_words=_person_words(doc, ner),
    )
    known = _offices_named(context, titles, known)
    countries = _countries_ending_at(context, known)
    facilities = facility_candidates(
        doc, _spans(doc, FACILITY_SPANS), context.lexicon, _country_words(context)
    )
    kinds = context.lexicon.kind_nouns
    known = with_kinds(doc, known, kinds)
    known += kind_candidates(doc, known, kinds) + dateline_candidates(doc, known)
    proposed = [
        *(_identified(context, c) for c in _title_candidates(context, titles, countries, demonyms)),
        *group_candidates(doc, gazetteer, context.lexicon, countries),
        *(_identified(context, c) for c in facilities),
        *(_identified(context, _with_appositive_class(context, c)) for c in known),
    ]
    chosen = select(proposed, blocked=_title_tokens(titles))
    chosen = [c for c in chosen if not _names_a_document(context, c)]
    chosen = with_shared_heads(doc, with_levels(doc, chosen), context.lexicon.place_heads)
    chosen = capitals_as_countries(doc, chosen, gazetteer, context.lexicon)
    entities, entity_of = resolve(doc, chosen, gazetteer)
    positions = _positions(doc, titles, chosen, entity_of, context.lexicon.honorifics)
    return entities, positions


def _names_a_document(context: Context, candidate: Candidate) -> bool:
    """A place name that is part of a document's name ("the Minsk agreements")."""
    doc = context.doc
    if candidate.end >= len(doc) or CORE_CLASS[candidate.cls] != "Place":
        return False
    return doc[candidate.end].lemma_.lower() in context.lexicon.document_heads


def _person_words(doc: Doc, ner: Sequence[Candidate]) -> frozenset[str]:
    """Normalised words of the full names (two words or more) of the article's people."""
    return frozenset(
        normalise(t.text)
        for c in ner
        if c.cls == "Person" and c.length > 1
        for t in doc[c.start : c.end]
    )


def _offices_named(
    context: Context, titles: Sequence[TitleMatch], known: list[Candidate]
) -> list[Candidate]:
    """An unknown name before an organisation's title ("Energoatom CEO") is that organisation
    wherever else the NER reads it as a person ("..., Energoatom said")."""
    doc = context.doc
    names = {
        normalise(doc[m.organisation[0] : m.organisation[1]].text)
        for m in titles
        if m.slot == "name" and m.organisation is not None
    }
    if not names:
        return known
    return [
        replace(c, cls=_class_from_words(context, c.start, c.end, "Organisation", "ORG"))
        if c.cls == "Person" and c.rank == NER and normalise(c.name) in names
        else c
        for c in known
    ]


def _spans(doc: Doc, key: str) -> list[Span]:
    return list(doc.spans[key]) if key in doc.spans else []


def ner_candidates(context: Context) -> list[Candidate]:
    """One candidate per NER entity that names something, its class checked against knowledge."""
    doc = context.doc
    spans = []
    for ent in doc.ents:
        if ent.label_ not in NER_CLASSES:
            continue
        start, end = trim(doc, ent.start, _before_bracket(doc, ent.start, ent.end))
        if ent.label_ == "PERSON":
            start = _after_titles(context, start, end)
        if start < end:
            spans.append((start, end, CORE_CLASS[NER_CLASSES[ent.label_]], ent.label_))
    votes = _class_votes(doc, spans)
    person_words = {
        normalise(t.text)
        for s, e, core, label in spans
        if core == "Person" and e - s > 1 and _class_from_words(context, s, e, core, label) == core
        for t in doc[s:e]
    }
    candidates = []
    for start, end, core, label in spans:
        text = doc[start:end].text
        if not any(c.isupper() for c in text) or _is_demonym(context, text):
            continue
        core = votes[normalise(text)].most_common(1)[0][0]
        candidates.append(_ner_candidate(context, start, end, core, label, person_words))
    return candidates


def _before_bracket(doc: Doc, start: int, end: int) -> int:
    """Where a span that runs into a bracket should end: "World Health Organization (WHO"."""
    for i in range(start + 1, end):
        if doc[i].text == "(":
            return i
    return end


def acronym_candidates(doc: Doc, known: Sequence[Candidate]) -> list[Candidate]:
    """Acronyms of the article's organisations wherever they occur: "RSF", "WHO".

    An acronym stands for the organisation it abbreviates ("Rapid Support Forces") or that it
    follows in brackets ("World Health Organization (WHO)"), even where the NER does not see it
    (it often tags "WHO" as a pronoun). Several organisations with one acronym: none.
    """
    expansions: dict[str, list[Candidate]] = {}
    for candidate in known:
        if CORE_CLASS[candidate.cls] != "Organisation":
            continue
        for acronym in (initials(candidate.name), _bracketed_after(doc, candidate.end)):
            if acronym is not None:
                expansions.setdefault(acronym, []).append(candidate)
    found = []
    for token in doc:
        meanings = {normalise(c.name) for c in expansions.get(token.text, ())}
        if len(meanings) == 1 and token.is_upper and len(token.text) > 1:
            found.append(
                replace(expansions[token.text][0], start=token.i, end=token.i + 1, rank=NER)
            )
    return found


def _bracketed_after(doc: Doc, end: int) -> str | None:
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
        return doc[end + 1].text if doc[end + 1].is_upper else None
    return None


def _after_titles(context: Context, start: int, end: int) -> int:
    """Skip title words at the start of a PERSON span: titles are not part of names."""
    while start < end and context.lexicon.is_title_word(context.doc[start].text):
        start += 1
    return start


def _class_votes(doc: Doc, spans: Sequence[tuple[int, int, str, str]]) -> dict[str, Counter[str]]:
    """How often the NER gave each core class to each name in this article."""
    votes: dict[str, Counter[str]] = {}
    for start, end, core, _ in spans:
        votes.setdefault(normalise(doc[start:end].text), Counter())[core] += 1
    return votes


def _is_demonym(context: Context, text: str) -> bool:
    gazetteer = context.gazetteer
    return gazetteer.country_of_demonym(text) is not None and country_named(gazetteer, text) is None


def _ner_candidate(
    context: Context, start: int, end: int, core: str, label: str, person_words: set[str]
) -> Candidate:
    """The NER's class, unless the name's words, the gazetteer or the context say otherwise."""
    doc, gazetteer = context.doc, context.gazetteer
    text = doc[start:end].text
    core = CORE_CLASS[_class_from_words(context, start, end, core, label)]
    entries = gazetteer.lookup(text) or _one_core(gazetteer.lookup_variant(text))
    known_cores = cores_of(entries)
    if entries and core not in known_cores and len(known_cores) == 1:
        only = next(iter(known_cores))
        if _trust_gazetteer(context, start, end, core, only, entries, person_words):
            core = only
    elif not entries and core == "Organisation" and _unknown_name_in_place(context, start, end):
        core = "Place"
    cls, qid = agreed(entries, core) if core in known_cores else (None, None)
    if label != "FAC" and cls is not None and _headless_facility(context, start, end, cls):
        cls, qid = None, None
    if cls is None or (qid is None and cls == core):
        cls = _class_from_words(context, start, end, core, label)
    candidate = Candidate(start, end, cls, text, NER, qid=qid)
    return _with_demonym(context, candidate) if core == "Organisation" else candidate


def _one_core(entries: tuple[GazetteerEntry, ...]) -> tuple[GazetteerEntry, ...]:
    """Entries found by a loose key count only when they agree on the core class ("Kiev":
    Kyiv or Kyjov, a place either way; which one is the linker's question)."""
    return entries if len(cores_of(entries)) == 1 else ()


def _headless_facility(context: Context, start: int, end: int, cls: str) -> bool:
    """A facility's name without its head ("Chernobyl"): facilities are named after places, so
    the bare name is taken for the place, not for the plant the gazetteer lists it under."""
    if CORE_CLASS[cls] != "Place" or cls in ("Place", "Country"):
        return False
    return head_of(context.doc, start - 1, end, context.lexicon) is None


def _trust_gazetteer(
    context: Context,
    start: int,
    end: int,
    ner_core: str,
    known_core: str,
    entries: Sequence[GazetteerEntry],
    person_words: set[str],
) -> bool:
    """Whether a name the gazetteer knows only as a place is that place, whatever the NER said.

    Yes for a country; after "in", "near"...; for a lone word tagged PERSON that is no part of
    any person's name in the article (news introduces people by full name); for an ORG whose
    last word is no organisation word ("Bamako said").
    """
    if known_core != "Place" or _obscure_namesake(context, start, end, entries, ner_core):
        return False
    doc = context.doc
    before = doc[start - 1].lower_ if start > 0 else ""
    if any(e.cls == "Country" for e in entries) or before in context.lexicon.place_prepositions:
        return True
    if ner_core == "Person":
        return end - start == 1 and normalise(doc[start].text) not in person_words
    return ner_core == "Organisation" and doc[end - 1].lower_ not in context.lexicon.org_heads


def _unknown_name_in_place(context: Context, start: int, end: int) -> bool:
    """An unknown name the NER calls an organisation, but governed by a locative preposition
    ("the junta in Bamako", "fighting near El Fasher"): a place. Not with an organisation word
    at its end, an acronym ("in NATO") or a hyphen joining it to more ("in Hamas-run Gaza")."""
    doc, lexicon = context.doc, context.lexicon
    span = doc[start:end]
    if start == 0 or doc[start - 1].lower_ not in lexicon.unknown_place_prepositions:
        return False
    if span.root.dep_ != "pobj" or span.root.head.i != start - 1 or span.text.isupper():
        return False
    if doc[end - 1].lower_ in lexicon.org_heads:
        return False
    return end == len(doc) or doc[end].text not in ("-", "‑", "–")


def _class_from_words(context: Context, start: int, end: int, core: str, label: str) -> str:
    """A finer class from the name's last word: "Foreign Ministry", "Zaporizhzhia NPP"; or
    another core class: "the Red Forest" is a place, "Getty Images" an organisation."""
    doc, lexicon = context.doc, context.lexicon
    last = doc[end - 1].lower_
    if _names_feature(context, start, end, core):
        return "Place"
    if core == "Organisation":
        return lexicon.org_heads.get(last) or _head_before_of(context, start, end) or core
    if core == "Person" and last in lexicon.org_heads:
        # a "person" ending in an organisation word is none ("Getty Images", "X People's
        # Liberation Front"), unless the word is also a surname and the name short ("Emily Post")
        return lexicon.org_heads[last] if _ends_organisation(lexicon, start, end, last) else core
    if label == "FAC":
        for head in lexicon.facility_heads:
            width = len(head.words)
            words = [t.text if head.case_sensitive else t.lower_ for t in doc[end - width : end]]
            if end - width >= start and tuple(words) == head.words and not head.generic:
                return head.cls
        return "Facility"
    return core


def _head_before_of(context: Context, start: int, end: int) -> str | None:
    """The class the word before a name's first "of" gives it ("Ministry of Defence", "House
    of Representatives"): in such names the head comes first."""
    words = [t.lower_ for t in context.doc[start:end]]
    if "of" not in words[1:]:
        return None
    return context.lexicon.org_heads.get(words[words.index("of", 1) - 1])


def _ends_organisation(lexicon: Lexicon, start: int, end: int, last: str) -> bool:
    return end - start > 2 or last not in lexicon.org_surnames


POSSESSIVES = frozenset({"'s", "’s"})


def _names_feature(context: Context, start: int, end: int, core: str) -> bool:
    """A capitalised name of two or more words ending in a geographic feature or area word
    (``place_heads.tsv``): "the Red Forest", "Kherson Oblast", "Chernobyl Exclusion Zone".

    Not when a lower-case word or an organisation word stands inside ("State Agency for the
    Exclusion Zone"), nor for a person's name ending in a word that is also a surname ("Randall
    Park"), unless "the" stands before it ("the Dead Lake").
    """
    doc, lexicon = context.doc, context.lexicon
    last = doc[end - 1].lower_
    if end - start < 2 or last not in lexicon.place_heads or not doc[end - 1].text[:1].isupper():
        return False
    for token in doc[start : end - 1]:
        written = token.is_punct or token.text[:1].isupper() or token.lower_ in POSSESSIVES
        if not written or token.lower_ in lexicon.org_heads:  # "Luhansk People's Republic"
            return False
    if core == "Person" and last in lexicon.place_surnames:
        return start > 0 and doc[start - 1].lower_ == "the"
    return True


def _with_demonym(context: Context, candidate: Candidate) -> Candidate:
    """A national body's country, from a demonym ("Russian" + "Foreign Ministry": taken into the
    span) or a possessive ("Russia's Defence Ministry"). Its key then names the country, so one
    country's "Defence Ministry" never merges with another's across articles."""
    doc, gazetteer = context.doc, context.gazetteer
    base_start = candidate.start
    demonym = demonym_before(doc, base_start, gazetteer)
    leading = _leading_demonym(context, candidate)
    if leading is not None:  # the NER took the demonym in itself
        base_start, country = leading
    elif demonym is not None:
        start, country = demonym
        candidate = replace(candidate, start=start, name=doc[start : candidate.end].text)
    else:
        possessor = _possessor_country(context, base_start)
        if possessor is None:
            return candidate
        country = possessor
    if candidate.cls not in GROUP_NAMES:
        return replace(candidate, country=country)
    key = normalise(f"{doc[base_start : candidate.end].text} of {country}")
    return replace(candidate, country=country, key=key)


def _leading_demonym(context: Context, candidate: Candidate) -> tuple[int, str] | None:
    """Where the name proper starts after a demonym it begins with, and that demonym's country."""
    for width in (2, 1):
        if candidate.length > width:
            found = demonym_before(context.doc, candidate.start + width, context.gazetteer)
            if found is not None and found[0] == candidate.start:
                return candidate.start + width, found[1]
    return None


def _possessor_country(context: Context, start: int) -> str | None:
    """The country whose possessive stands before token ``start`` ("Russia's", "the US'")."""
    doc = context.doc
    if start < 2 or doc[start - 1].text not in ("'s", "’s", "'", "’"):
        return None
    for width in (1, 2, 3):
        if start - 1 - width >= 0:
            country = country_named(context.gazetteer, doc[start - 1 - width : start - 1].text)
            if country is not None:
                return country
    return None


def gazetteer_candidates(context: Context, ner: Sequence[Candidate]) -> list[Candidate]:
    """Candidates from the gazetteer ruler's matches that pass the case and class checks."""
    doc, gazetteer = context.doc, context.gazetteer
    ner_core = {(c.start, c.end): CORE_CLASS[c.cls] for c in ner}
    not_names = {t.i for e in doc.ents if e.label_ in NOT_NAMES for t in e}
    candidates = []
    for span in _spans(doc, GAZETTEER_SPANS):
        start, end = trim(doc, span.start, span.end)
        text = doc[start:end].text
        entries = gazetteer.lookup(text)
        if start == end or not entries or not _written_as_name(doc[start:end], entries):
            continue
        if _adjective_modifier(doc, start, end):
            continue  # "Russian military vehicles": the name only describes the vehicles
        if _inside_a_longer_name(context, start, end):
            continue  # "Jinping" of "Xi Jinping": the name is someone else's
        if _is_demonym(context, text):
            continue
        cores = cores_of(entries)
        if _obscure_namesake(context, start, end, entries, ner_core.get((start, end))):
            continue
        core = next(iter(cores)) if len(cores) == 1 else ner_core.get((start, end))
        cls, qid = agreed(entries, core) if core in cores else (None, None)
        if cls is None or (end - start == 1 and start in not_names):
            continue
        if _headless_facility(context, start, end, cls):
            continue
        rank = WEAK if end - start == 1 and cls == "Place" else GAZETTEER
        candidates.append(Candidate(start, end, cls, text, rank, qid=qid))
    return candidates


#: Below this prominence a gazetteer place does not overrule the NER's reading of its name as an
#: organisation ("Halden Group said": not a hamlet called Halden Group).
OBSCURE_PLACE_PROMINENCE = 0.5


def _obscure_namesake(
    context: Context, start: int, end: int, entries: Sequence[GazetteerEntry], ner_core: str | None
) -> bool:
    """Whether the gazetteer knows the name only as obscure places the NER reads otherwise.

    A prominence of 0 is unknown (no population or sitelinks in the source: Boston as much as a
    hamlet), so such a place yields only to a name that ends in an organisation word ("the White
    House said": not White House, Tennessee).
    """
    if ner_core is None or ner_core == "Place":
        return False
    if not all(CORE_CLASS[e.cls] == "Place" and e.cls != "Country" for e in entries):
        return False
    if all(e.prominence == 0 for e in entries):
        return context.doc[end - 1].lower_ in context.lexicon.org_heads
    return max(e.prominence for e in entries) < OBSCURE_PLACE_PROMINENCE


def _inside_a_longer_name(context: Context, start: int, end: int) -> bool:
    """A capitalised proper noun before the match that is part of the same name (a compound of
    its head) and no known name or title itself: "Xi" before "Jinping", "Port" before "Sudan"."""
    if start == 0:
        return False
    before = context.doc[start - 1]
    return (
        before.pos_ == "PROPN"
        and before.dep_ == "compound"
        and start <= before.head.i < end
        and before.text[:1].isupper()
        and not context.lexicon.is_title_word(before.text)
        and not context.gazetteer.lookup(before.text)
        and context.gazetteer.country_of_demonym(before.text) is None
    )


def _adjective_modifier(doc: Doc, start: int, end: int) -> bool:
    """A span ending in an adjective that modifies a noun after it ("Russian military" of
    "Russian military vehicles")."""
    last = doc[end - 1]
    return last.pos_ == "ADJ" and last.head.i >= end and last.head.pos_ in ("NOUN", "PROPN")


def _written_as_name(span: Span, entries: Sequence[object]) -> bool:
    """Case checks a case-blind matcher needs: "US" is not "us", "Energy" alone is no name."""
    text = span.text
    if not text[:1].isupper():
        return False
    names = {n for e in entries for n in (getattr(e, "label", ""), *getattr(e, "aliases", ()))}
    acronyms = {n for n in names if n.isupper() and normalise(n) == normalise(text)}
    if acronyms and text not in acronyms:
        return False
    return len(span) > 1 or span[0].pos_ == "PROPN" or text.isupper()


def _demonyms(context: Context) -> dict[int, tuple[int, str]]:
    """Token end -> (start, country QID) of every demonym in the article."""
    found: dict[int, tuple[int, str]] = {}
    for token in context.doc:
        if token.is_alpha and token.text[:1].isupper():
            match = demonym_before(context.doc, token.i + 1, context.gazetteer)
            if match is not None:
                found[token.i + 1] = match
    return found


def _countries_ending_at(
    context: Context, known: Sequence[Candidate]
) -> dict[int, tuple[int, str]]:
    """Token end -> (start, QID) of every span naming a country ("Ukraine", "the US")."""
    found: dict[int, tuple[int, str]] = {}
    for candidate in known:
        qid = country_named(context.gazetteer, context.doc[candidate.start : candidate.end].text)
        if qid is not None:
            found[candidate.end] = (candidate.start, qid)
    return found


def _country_words(context: Context) -> IsCountryWord:
    def is_country_word(start: int, end: int) -> bool:
        text = context.doc[start:end].text
        gazetteer = context.gazetteer
        return (
            gazetteer.country_of_demonym(text) is not None
            or country_named(gazetteer, text) is not None
        )

    return is_country_word


def _with_appositive_class(context: Context, candidate: Candidate) -> Candidate:
    """A place in apposition to a facility phrase is that facility ("Zaporizhia, the plant")."""
    if CORE_CLASS[candidate.cls] != "Place" or candidate.cls == "Country":
        return candidate
    found = appositive_facility(context.doc, candidate.start, candidate.end, context.lexicon)
    if found is None:
        return candidate
    head, name = found
    stem = context.doc[candidate.start : candidate.end].text
    return replace(candidate, cls=head.cls, name=name, stem=stem, qid=None)


def _identified(context: Context, candidate: Candidate) -> Candidate:
    """The candidate with the class and QID the gazetteer is sure of for its name, if any.

    A vague facility ("the Chernobyl plant") is tried with every specific head ("Chernobyl
    nuclear power plant", "Chernobyl dam"...) and identified only if exactly one is known.
    """
    if candidate.qid is not None or candidate.key is not None:
        return candidate
    core = CORE_CLASS[candidate.cls]
    if candidate.generic and candidate.stem is not None:
        found = {
            identify(context.gazetteer, [f"{candidate.stem} {head.canonical}"], core)
            for head in context.lexicon.facility_heads
            if not head.generic
        }
        found.discard((None, None))
        cls, qid = found.pop() if len(found) == 1 else (None, None)
    else:
        cls, qid = identify(context.gazetteer, [candidate.name], core)
    if qid is None or cls is None:
        return candidate
    if core == candidate.cls and _headless_facility(context, candidate.start, candidate.end, cls):
        return candidate  # a bare place name, not the facility named after it
    specific = cls if cls != core else candidate.cls
    return replace(candidate, cls=specific, qid=qid)


def _title_candidates(
    context: Context,
    titles: Sequence[TitleMatch],
    countries: dict[int, tuple[int, str]],
    demonyms: dict[int, tuple[int, str]],
) -> Iterator[Candidate]:
    """The person each title names, and the organisation its title names.

    A country in the title ("the President of Ukraine") is the country, and a nationality word
    ("the Ukrainian President") no mention at all (README, "Metonymy"): neither is a body the
    person is a member of. A named body is ("Energoatom CEO", "the commander of the armed forces
    of Ukraine": the country's armed forces).
    """
    doc, gazetteer = context.doc, context.gazetteer
    for match in titles:
        start, end = match.person
        yield Candidate(start, end, "Person", doc[start:end].text, FIXED)
        if match.organisation is None or match.slot == "demonym":
            continue
        org_start, org_end = match.organisation
        country_span = countries.get(org_end)
        if match.slot == "span" and country_span is not None:
            country_start, country = country_span
            kind = _group_kind(context, org_start, country_start)
            if kind is None:
                text = doc[country_start:org_end].text
                entry = gazetteer.by_qid(country)
                name = entry.label if entry is not None else text
                yield Candidate(country_start, org_end, "Country", name, FIXED, qid=country)
            else:
                name, key, qid = group_identity(gazetteer, country, kind)
                yield Candidate(
                    org_start, org_end, kind, name, FIXED, country=country, key=key, qid=qid
                )
        elif match.slot == "name":  # an unknown proper name before a title ("Ukrenergo CEO")
            text = doc[org_start:org_end].text
            cls = _class_from_words(context, org_start, org_end, "Organisation", "ORG")
            yield Candidate(org_start, org_end, cls, text, GAZETTEER)


def _group_kind(context: Context, start: int, end: int) -> str | None:
    """The kind of group the words before a country name ("the armed forces of" Ukraine) name,
    if they name one."""
    words = [t.lower_ for t in context.doc[start:end]]
    for width in range(len(words), 0, -1):
        for first in range(len(words) - width + 1):
            kind = context.lexicon.group_nouns.get(tuple(words[first : first + width]))
            if kind is not None:
                return kind
    return None


def _title_tokens(titles: Sequence[TitleMatch]) -> set[int]:
    """Tokens of titles (and their "of"): never part of an entity."""
    tokens: set[int] = set()
    for match in titles:
        tokens.update(range(*match.title))
        if match.organisation is not None and match.organisation[0] > match.title[1]:
            tokens.add(match.title[1])
    return tokens


def _without_honorifics(doc: Doc, title: tuple[int, int], honorifics: frozenset[str]) -> str | None:
    """The title's text without the honorifics at its ends ("General Sir" -> "General"); None
    if nothing else is left."""
    start, end = title
    while start < end and doc[start].lower_ in honorifics:
        start += 1
    while end > start and doc[end - 1].lower_ in honorifics:
        end -= 1
    return doc[start:end].text if end > start else None


def _positions(
    doc: Doc,
    titles: Sequence[TitleMatch],
    chosen: Sequence[Candidate],
    entity_of: Sequence[int],
    honorifics: frozenset[str],
) -> tuple[Position, ...]:
    """One position per current title whose person (and organisation, if any) was kept."""
    at_token = {i: n for n, c in enumerate(chosen) for i in range(c.start, c.end)}
    positions = []
    for match in titles:
        person = at_token.get(match.person[0])
        if not match.current or person is None or chosen[person].cls != "Person":
            continue
        organisation = None
        if match.organisation is not None:
            found = at_token.get(match.organisation[0])
            if found is not None and CORE_CLASS[chosen[found].cls] == "Organisation":
                organisation = entity_of[found]
        title = _without_honorifics(doc, match.title, honorifics)
        if title is None:
            continue  # "Mr Varadkar" states no position
        span = doc[match.start : match.person[1]]
        positions.append(
            Position(
                person=entity_of[person],
                title=title,
                organisation=organisation,
                mention=Mention(span.start_char, span.end_char, span.text),
            )
        )
    return tuple(positions)
